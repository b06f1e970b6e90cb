"""The dashboard across cases (what is due, soonest first), supervision sessions in the
facilitator's voice, and retention running from a case's closure date: core and command
line, no terminal."""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from rjfacil import clock
from rjfacil.cli import main
from rjfacil.commands.casefile import CLOSED_ON
from rjfacil.demo import fill_demo_vault
from rjfacil.errors import RjfacilError
from rjfacil.settings import Settings, load_settings, save_settings
from rjfacil.vault.door import PROFILE_FORMAT, profile_v1_to_v2
from rjfacil.views.due import DueKind, add_years, due_items
from rjfacil.views.summary import CaseSummary, DueRow
from rjfacil.vocab import ClosureReason, Stage
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, step=timedelta(seconds=1)):
        yield


def row(reference: str, stage: Stage = Stage.ASSESSMENT, **fields: object) -> CaseSummary:
    return CaseSummary(id=uuid4(), reference=reference, stage=stage, updated_at=NOW, **fields)


def test_the_dashboard_lists_every_kind_soonest_first_in_words() -> None:
    rows = [
        row(
            "RJ-2",
            dues=[
                DueRow(due=TODAY + timedelta(days=4), label="Risk review", kind="risk_review"),
                DueRow(due=TODAY - timedelta(days=2), label="Agreement action due", kind="action"),
            ],
            letters_to_vet=2,
            letters_waiting_since=TODAY - timedelta(days=1),
        ),
        row("RJ-1", dues=[DueRow(due=TODAY + timedelta(days=1), label="Notify the VLO")]),
        row("OLD-1", Stage.CLOSED, closed_on=date(2019, 1, 10)),
        row("NEW-1", Stage.CLOSED, closed_on=date(2025, 1, 10)),
    ]
    items = due_items(rows, TODAY - timedelta(weeks=13), supervision_weeks=12, retention_years=6)
    seen = [(i.reference, i.kind, i.status) for i in items]
    assert seen == [
        ("OLD-1", DueKind.RETENTION, "since 10 Jan 2025"),
        ("", DueKind.SUPERVISION, "overdue"),
        ("RJ-2", DueKind.ACTION, "overdue"),
        ("RJ-2", DueKind.LETTERS, "waiting since 2 Mar 2026"),
        ("RJ-1", DueKind.DEADLINE, "tomorrow"),
        ("RJ-2", DueKind.RISK_REVIEW, "in 4 days"),
    ]
    assert items[0].what == "Past its retention period (closed 10 Jan 2019; kept 6 years)"
    assert items[3].what == "2 letters awaiting vetting"
    assert items[1].what.startswith("Last supervision session 2 Dec 2025: more than 12 weeks")


def test_supervision_reminds_only_once_the_interval_has_passed_or_with_none_recorded() -> None:
    def kinds(last: date | None, weeks: int) -> list[DueKind]:
        found = due_items([], last, supervision_weeks=weeks, retention_years=6)
        return [i.kind for i in found]

    assert kinds(TODAY - timedelta(weeks=11), 12) == []
    assert kinds(TODAY - timedelta(weeks=12), 12) == [DueKind.SUPERVISION]
    assert kinds(TODAY - timedelta(weeks=5), 4) == [DueKind.SUPERVISION]
    assert kinds(None, 12) == [DueKind.SUPERVISION]


def test_retention_runs_from_closure_by_the_setting_and_a_leap_day_falls_back() -> None:
    assert add_years(date(2020, 2, 29), 6) == date(2026, 2, 28)
    closed = row("C-1", Stage.WITHDRAWN, closed_on=date(2020, 2, 29))
    open_case = row("O-1", Stage.ASSESSMENT)
    listed = due_items([closed, open_case], TODAY, supervision_weeks=12, retention_years=6)
    assert [(i.reference, i.kind, i.status) for i in listed] == [
        ("C-1", DueKind.RETENTION, "since 28 Feb 2026")
    ]
    assert due_items([closed], TODAY, supervision_weeks=12, retention_years=7) == []


def test_closing_a_case_records_its_closure_date_unless_one_is_recorded(vault: Vault) -> None:
    case = vault.new_case("RJ-9")
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)
    assert case.answers()[(*CLOSED_ON, None)].value == TODAY.isoformat()
    (row_of,) = vault.list_cases()
    assert (row_of.closed_on, row_of.closed_on_known) == (TODAY, True)
    other = vault.new_case("RJ-10")
    other.answer(*CLOSED_ON, "2019-05-01")
    other.update_case(stage=Stage.WITHDRAWN, closure_reason=ClosureReason.COMPLETED)
    assert other.answers()[(*CLOSED_ON, None)].value == "2019-05-01"
    listed = vault.due(Settings())
    assert [(i.reference, i.kind) for i in listed if i.case_id] == [("RJ-10", DueKind.RETENTION)]


def test_supervision_sessions_are_kept_in_the_profile_newest_first(
    vault: Vault, vault_home: Path
) -> None:
    case = vault.new_case("RJ-7")
    recipient = vault.recipient
    vault.add_supervision_session(TODAY - timedelta(weeks=20), "Jo Bell", [], "First.")
    vault.add_supervision_session(TODAY - timedelta(weeks=2), " Jo  Bell ", [case.id], "Second.")
    with pytest.raises(RjfacilError, match="name the supervisor"):
        vault.add_supervision_session(TODAY, "  ", [], "")
    with pytest.raises(RjfacilError, match="once it has happened"):
        vault.add_supervision_session(TODAY + timedelta(days=1), "Jo Bell", [], "")
    with pytest.raises(RjfacilError, match="not in this vault"):
        vault.add_supervision_session(TODAY, "Jo Bell", [uuid4()], "")
    vault.close()
    with Vault.open(vault_home).unlock(PASSPHRASE) as again:
        sessions = again.supervision_sessions()
        assert [(s.supervisor, s.agreed, s.case_ids) for s in sessions] == [
            ("Jo Bell", "Second.", [case.id]),
            ("Jo Bell", "First.", []),
        ]
        assert again.recipient == recipient  # the profile's other tables are kept
        assert again.owner.name == vault.owner.name
        # The last session was two weeks ago: nothing is due.
        assert again.due(Settings()) == []
        assert [i.kind for i in again.due(Settings(supervision_weeks=1))] == [DueKind.SUPERVISION]


def test_the_settings_keep_the_interval_and_the_retention_period() -> None:
    assert (Settings().supervision_weeks, Settings().retention_years) == (12, 6)
    save_settings(Settings(supervision_weeks=4, retention_years=3))
    assert (load_settings().supervision_weeks, load_settings().retention_years) == (4, 3)


def test_the_demo_vault_shows_every_kind_on_the_dashboard(vault: Vault) -> None:
    fill_demo_vault(vault)
    kinds = {item.kind for item in vault.due(Settings())}
    assert kinds >= {
        DueKind.DEADLINE,
        DueKind.ACTION,
        DueKind.RISK_REVIEW,
        DueKind.LETTERS,
        DueKind.SUPERVISION,
        DueKind.RETENTION,
    }
    assert any(i.kind is DueKind.ACTION and i.overdue for i in vault.due(Settings()))
    assert len(vault.supervision_sessions()) == 2


@pytest.fixture
def cli(vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]):
    vault.new_case("RJ-5", summary="Burglary at a shop.")
    vault.close()

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        saved = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
        try:
            code = main(["--passphrase-file", str(passphrase_file), *argv])
        finally:
            sys.stdin = saved
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_supervision_add_reads_what_was_agreed_from_stdin_and_due_lists_it(cli) -> None:
    code, out, _ = cli("supervision", "list")
    assert code == 0 and "No supervision sessions yet" in out
    code, out, _ = cli("due")
    assert "Date" in out and "Supervision" in out and "No supervision session recorded" in out
    code, _, err = cli(
        "supervision",
        "add",
        "--supervisor",
        "Jo Bell",
        "--on",
        "2026-01-05",
        "--case",
        "RJ-5",
        stdin="Agreed to bring the case back in a month.\n",
    )
    assert code == 0 and "Recorded supervision with Jo Bell on 5 Jan 2026" in err
    code, out, _ = cli("supervision", "list")
    lines = out.splitlines()
    assert lines[0].split() == ["No.", "Date", "Supervisor", "Cases", "discussed", "Agreed"]
    assert lines[1].split()[0] == "1"
    assert "5 Jan 2026" in lines[1] and "RJ-5" in lines[1] and "bring the case back" in lines[1]
    code, out, _ = cli("due")
    assert "Nothing is due." in out
    code, _, err = cli("supervision", "add", stdin="")
    assert code != 0 and "--supervisor" in err


def test_supervision_edit_changes_what_it_is_given_and_keeps_the_rest(cli) -> None:
    """A session is corrected from the command line, as in the app: the day and what was
    agreed change; the supervisor and the cases discussed stay as recorded."""
    recorded = ("--supervisor", "Jo Bell", "--on", "2026-01-05", "--case", "RJ-5")
    cli("supervision", "add", *recorded, stdin="Agreed to bring the case back in a month.\n")
    code, _, err = cli("supervision", "edit", "2", "--on", "2026-01-06")
    assert code != 0 and "There are 1 supervision session(s)" in err
    code, _, err = cli(
        "supervision", "edit", "1", "--on", "2026-01-06", "--agreed", stdin="Agreed: two weeks.\n"
    )
    assert code == 0 and "Saved supervision with Jo Bell on 6 Jan 2026" in err
    code, out, _ = cli("supervision", "list")
    row = out.splitlines()[1]
    assert "6 Jan 2026" in row and "RJ-5" in row and "Agreed: two weeks." in row
    assert "bring the case back" not in out


def test_due_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["due", "--help"])
    assert "example:\n  rjfacil due" in capsys.readouterr().out


GOLDEN = Path(__file__).parent / "golden"


def test_a_golden_vault_takes_sessions_keeps_its_profile_and_dates_old_closures(
    tmp_path: Path,
) -> None:
    home = tmp_path / "demo-v3"
    shutil.copytree(GOLDEN / "demo-v3", home)
    with Vault.open(home).unlock("golden demo passphrase") as vault:
        recipient, owner = vault.recipient, vault.owner
        vault.add_supervision_session(TODAY, "Jo Bell", [], "Agreed.")
        rows = vault.list_cases()
    closed = [r for r in rows if not r.stage.is_open]
    assert closed and all(r.closed_on is not None and not r.closed_on_known for r in closed)
    later = due_items(
        closed, TODAY, supervision_weeks=12, retention_years=6, today=date(2100, 1, 1)
    )
    kept = [i for i in later if i.kind is DueKind.RETENTION]
    assert kept and all("closure date not recorded; last changed" in i.what for i in kept)
    with Vault.open(home).unlock("golden demo passphrase") as again:
        assert (again.recipient, again.owner) == (recipient, owner)
        assert [s.agreed for s in again.supervision_sessions()] == ["Agreed."]
        document = again.files.read_profile_document()
        assert document["meta"]["format"] == PROFILE_FORMAT == 2  # a table, no bump


def test_a_profile_upgrade_keeps_the_supervision_table() -> None:
    sessions = {"x": {"held_on": "2026-01-05"}}
    upgraded = profile_v1_to_v2({"owner": {"name": "A"}, "supervision": sessions}, "AGE-KEY")
    assert upgraded["supervision"] == sessions and upgraded["identity"] == {"age": "AGE-KEY"}


def test_a_supervision_session_can_be_edited_and_keeps_what_it_does_not_know(
    vault: Vault, vault_home: Path
) -> None:
    case = vault.new_case("RJ-8")
    session = vault.add_supervision_session(TODAY - timedelta(weeks=3), "Jo Bell", [], "First.")
    # A field a newer rjfacil wrote on the session is kept through the edit.
    document = vault.files.read_profile_document()
    document["supervision"][str(session.id)]["room"] = "Room 2"
    vault.files.write_profile_document(document)
    edited = vault.update_supervision_session(
        session.id, TODAY - timedelta(weeks=2), " Jo  Bell ", [case.id], "Bring RJ-8 back."
    )
    assert (edited.id, edited.created_at) == (session.id, session.created_at)
    assert edited.updated_by == vault.owner.id and edited.updated_at is not None
    with pytest.raises(RjfacilError, match="once it has happened"):
        vault.update_supervision_session(session.id, TODAY + timedelta(days=1), "Jo", [], "")
    with pytest.raises(RjfacilError, match="No such supervision session"):
        vault.update_supervision_session(uuid4(), TODAY, "Jo", [], "")
    vault.close()
    with Vault.open(vault_home).unlock(PASSPHRASE) as again:
        [kept] = again.supervision_sessions()
        assert (kept.held_on, kept.supervisor, kept.case_ids, kept.agreed) == (
            TODAY - timedelta(weeks=2),
            "Jo Bell",
            [case.id],
            "Bring RJ-8 back.",
        )
        stored = again.files.read_profile_document()["supervision"][str(session.id)]
        assert stored["room"] == "Room 2"
