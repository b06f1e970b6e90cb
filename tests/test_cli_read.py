"""Reading and filling a case from the command line: show, note list, participant add,
note add with whom a note is about and how it may be shared, export."""

from __future__ import annotations

import io
import json
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rjfacil import clock
from rjfacil.casedoc.model import NoteSource, ShareHow
from rjfacil.cli import main
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, step=timedelta(seconds=1)):
        yield


@pytest.fixture
def cli(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
):  # -> a function running rjfacil with the passphrase file
    vault.new_case("RJ-5", summary="Burglary at a shop.")
    vault.close()

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--passphrase-file", str(passphrase_file), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_participant_add_then_show_names_the_people_and_their_roles(cli) -> None:
    code, out, err = cli(
        "participant", "add", "RJ-5", "--role", "person-harmed", "--name", "Ann Ode"
    )
    assert code == 0, err
    assert "Added Ann Ode as person harmed to case RJ-5" in out
    cli("participant", "add", "RJ-5", "--role", "person-responsible", "--name", "Ben Tau")
    code, out, _ = cli("show", "RJ-5")
    assert code == 0
    assert out.startswith("Case RJ-5")
    assert "Stage: Referral" in out
    assert "Ann Ode — person harmed; taking part: not recorded" in out
    assert "Ben Tau — person responsible" in out
    assert "Next steps" in out and "Deadlines" in out


def test_show_writes_a_consent_date_as_everywhere_else(cli, vault_home: Path) -> None:
    from datetime import date

    from rjfacil.vocab import Role

    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
        case.record_consent(ann.id, "take_part", on=date(2026, 3, 2), form="written")
    code, out, _ = cli("show", "RJ-5")
    assert code == 0
    assert "Ann Ode — person harmed; taking part: given (written, 2 Mar 2026)" in out


def test_show_lists_raised_flags_with_their_reasons_and_dates_with_due_status(
    cli, vault_home: Path
) -> None:
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        item = next(
            i
            for i in case.catalogue.checklist("sensitive").items
            if any(rule.flag == "sensitive_complex" for rule in i.flags)
            and i.kind == "yes_no_unknown"
        )
        case.answer("sensitive", item.id, "yes")
        case.add_risk("Contact outside the process", review_date=NOW.date() - timedelta(days=1))
    code, out, _ = cli("show", "RJ-5")
    assert code == 0
    assert "Sensitive and complex case" in out
    assert f"{item.ask} Answered yes" in out
    assert "Risk review (A 2(a) 7): overdue" in out


def test_show_says_the_decisions_recorded_and_those_still_waiting(cli, vault_home: Path) -> None:
    # Issue 11: decisions are records (A 2(a) 2): show says who decided, when and why.
    from datetime import date

    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        case.record_decision("first_contact", "go", vault.owner.id, date(2026, 3, 2), "Safe.")
    code, out, _ = cli("show", "RJ-5")
    assert code == 0
    assert "Before first contact: Go ahead — " in out and ", 2 Mar 2026: Safe." in out
    assert "Before a meeting: no decision yet" in out


def test_note_add_about_a_participant_shared_with_another_then_note_list(
    cli, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("participant", "add", "RJ-5", "--role", "person-harmed", "--name", "Ann Ode")
    cli("participant", "add", "RJ-5", "--role", "person-responsible", "--name", "Ben Tau")
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ann wants to ask why.\n"))
    code, _, err = cli(
        "note", "add", "RJ-5", "-", "--about", "ann ode", "--from-participant",
        "--share-with", "Ben Tau", "--share-how", "summary",
    )  # fmt: skip
    assert code == 0, err
    assert cli("note", "add", "RJ-5", "My own worry.", "--about", "Ann Ode", "--private")[0] == 0
    assert cli("note", "add", "RJ-5", "Ben spoke openly.", "--about", "Ben Tau")[0] == 0

    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        shared = next(n for n in case.notes() if "wants to ask" in case.note_text(n.id))
        ben = case.find_participant("Ben Tau")
        assert shared.source is NoteSource.FROM_PARTICIPANT
        assert shared.share_with == [ben] and shared.share_how is ShareHow.SUMMARY

    code, out, _ = cli("note", "list", "RJ-5", "--about", "Ann Ode")
    assert code == 0
    assert "Case RJ-5: 2 notes about Ann Ode (person harmed), newest first" in out
    assert out.index("My own worry.") < out.index("Ann wants to ask why.")  # newest first
    assert "PRIVATE: only for you" in out
    assert "May be shared in summary with Ben Tau" in out
    assert "from the participant" in out
    assert "by Sam Okafor" in out
    assert "Ben spoke openly." not in out
    code, out, _ = cli("note", "list", "RJ-5")
    assert "3 notes" in out and "For the facilitator's information only" in out


def test_an_unknown_or_ambiguous_participant_is_one_clear_line(cli) -> None:
    cli("participant", "add", "RJ-5", "--role", "supporter", "--name", "Kim Lo")
    cli("participant", "add", "RJ-5", "--role", "observer", "--name", "kim lo")
    code, out, err = cli("note", "add", "RJ-5", "text", "--about", "Nobody")
    assert code == 1 and out == ""
    assert err.strip() == (
        "rjfacil: No participant 'Nobody' in case RJ-5: give a name or id "
        "('rjfacil show RJ-5' lists them)."
    )
    code, _, err = cli("note", "add", "RJ-5", "text", "--about", "Kim Lo")
    assert code == 1
    assert "matches 2 participants in case RJ-5: give their id instead" in err
    assert len(err.strip().splitlines()) == 1


def test_private_and_share_with_cannot_be_combined(cli) -> None:
    with pytest.raises(SystemExit):
        cli("note", "add", "RJ-5", "x", "--private", "--share-with", "Ann")


def test_export_writes_a_private_file_records_it_and_never_overwrites(
    cli, tmp_path: Path, vault_home: Path
) -> None:
    cli("participant", "add", "RJ-5", "--role", "person-harmed", "--name", "Ann Ode")
    out_file = tmp_path / "summary.json"
    code, out, err = cli("export", "RJ-5", "--format", "json", "--out", str(out_file))
    assert code == 0, err
    assert "Wrote the supervisor summary of case RJ-5" in out
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    data = json.loads(out_file.read_text())
    assert data["schema"] == "rjfacil-summary/1"
    assert data["export"]["case_reference"] == "RJ-5"
    assert data["people"][0]["name"] == "Person harmed A."
    before = out_file.read_bytes()
    code, _, err = cli("export", "RJ-5", "--format", "md", "--out", str(out_file))
    assert code == 1 and "already exists and was left untouched" in err
    assert out_file.read_bytes() == before
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        last = case.audit_log[-1]
        assert (
            last.action == "exported a supervisor summary (json, redaction names, notes excerpts)"
        )
        assert case.chain_problems() == []


def test_a_password_is_for_pdf_only(cli, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("open sesame\n")
    code, _, err = cli(
        "export", "RJ-5", "--format", "md", "--password-file", str(secret),
        "--out", str(tmp_path / "x.md"),
    )  # fmt: skip
    assert code == 1 and "--password-file is for a PDF export only." in err
    assert not (tmp_path / "x.md").exists()
    pdf = tmp_path / "x.pdf"
    code, out, err = cli(
        "export", "RJ-5", "--format", "pdf", "--password-file", str(secret), "--out", str(pdf)
    )
    assert code == 0, err
    assert "password protected" in out
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert reader.is_encrypted
    assert reader.decrypt("open sesame")
    assert "RJ-5" in reader.pages[0].extract_text()


def test_cases_is_a_table_with_headers_and_flags_in_words(cli) -> None:
    cli("participant", "add", "RJ-5", "--role", "person-harmed", "--name", "Ann Ode")
    code, out, err = cli("cases")
    assert code == 0, err
    lines = [line.rstrip() for line in out.splitlines() if line.strip()]
    header = lines[0].split()
    assert header[:2] == ["Reference", "Stage"]
    assert "Flags" in header and "Next" in header
    row = next(line for line in lines if "RJ-5" in line)
    assert "Referral" in row
    assert "_" not in row  # flag labels, never internal ids such as managerial_oversight


def test_cases_lines_up_wide_characters_by_display_cells(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rich.cells import cell_len

    vault.new_case("RJ-案件-7")
    vault.new_case("RJ-8")
    vault.close()
    assert main(["--passphrase-file", str(passphrase_file), "cases"]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "RJ-" in line]
    stage_at = {cell_len(line[: line.index("Referral")]) for line in lines}
    assert len(lines) == 2 and len(stage_at) == 1  # the Stage column starts at one place


def test_letters_lists_each_versions_vetting_and_the_reading_aids_pointers(
    cli, vault_home: Path
) -> None:
    from rjfacil.casedoc.model import VettingDecision
    from rjfacil.vocab import Role

    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
        ben = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Tau")
        letter = case.add_letter(ben.id, "Dear Ann, sorry.", to_participant=ann.id)
        case.vet_letter(letter.id, {}, VettingDecision.VETTED, "His own words.")
        case.revise_letter(letter.id, "Dear Ann, sorry. Text me on 07700 900123.")
    code, out, _ = cli("letters", "RJ-5")
    assert code == 0
    assert "Letter 1: From Ben Tau (person responsible) to Ann Ode (person harmed)" in out
    assert "Status: Changed since it was vetted: vet the new version" in out
    assert "Version 1 (3 Mar 2026 10:00): Vetted: fit to hand over" in out
    assert "Reasons: His own words." in out
    assert "Contact details: “07700 900123”" in out


def test_export_agreement_writes_the_printable_agreement_with_names(
    cli, tmp_path: Path, vault_home: Path
) -> None:
    from rjfacil.vocab import Role

    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case("RJ-5"))
        ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
        case.record_agreement(terms="Ben repairs the shop door.", agreed_by=[ann.id])
    out_file = tmp_path / "agreement.md"
    code, out, err = cli("export", "RJ-5", "--agreement", "--format", "md", "--out", str(out_file))
    assert code == 0, err
    assert "Wrote the printable outcome agreement of case RJ-5" in out
    text = out_file.read_text()
    assert "Ben repairs the shop door." in text and "Ann Ode" in text
    code, _, err = cli(
        "export", "RJ-5", "--agreement", "--format", "json", "--out", str(tmp_path / "a.json")
    )
    assert code == 1 and "Markdown, HTML or PDF" in err
    code, out, _ = cli("show", "RJ-5")
    assert "Outcome agreement: made: yes" in out and "Agreed by Ann Ode" in out
