"""Vaults written by rjfacil 0.1 must stay readable by every later version.

The folders in tests/golden/ were made once, by the scripts beside them at the commit they
name, and are never regenerated: a failing test here means a later version broke a promise
(tests/golden/README.md lists them).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rjfacil.casedoc.codec import CURRENT_FORMAT
from rjfacil.casedoc.model import (
    ConsentPurpose,
    LetterStatus,
    ShareHow,
    TeamRole,
    VettingDecision,
)
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import RjfacilError
from rjfacil.views.flags import raised_flags
from rjfacil.workspace import Vault

GOLDEN = Path(__file__).parent / "golden"


def _copy(tmp_path: Path, name: str) -> Path:
    home = tmp_path / name
    shutil.copytree(GOLDEN / name, home)
    return home


def test_the_golden_vault_opens_with_everything_in_it(tmp_path: Path) -> None:
    home = _copy(tmp_path, "vault-v1")
    with Vault.open(home).unlock("golden vault passphrase") as vault:
        assert vault.findings == []  # a first manifest is made, with nothing to report
        assert (home / "manifest.rjv").exists()
        assert vault.owner.name == "Golden Facilitator"
        [row] = vault.list_cases()
        assert row.reference == "GOLD-1"
        case = vault.open_case(row.id)
        harmed, responsible = case.participants
        assert (harmed.name, harmed.address_as) == ("Hana Gold", "Hana")
        assert not case.has_consent(harmed.id, ConsentPurpose.TAKE_PART)
        shared = case.notes(shared=True)
        assert [case.note_text(n.id) for n in shared] == ["Hana wants a written apology."]
        assert shared[0].share_how is ShareHow.SUMMARY
        assert shared[0].share_with == [responsible.id]
        assert [case.note_text(n.id) for n in case.notes() if n.private] == ["Private thought."]
        assert case.letters[0].status is LetterStatus.UNDER_REVIEW
        assert case.answers()[("risk", "initial_assessment", None)].value == "yes"
        assert "co_working_advised" not in raised_flags(case)
        # People by id (format 2): the co-worker named in free text is a team member.
        assert case.person_name(case.case.co_worker) == "Co Worker"
        assert case.case.case_supervisor is None
        assert {(m.name, m.role) for m in case.team} == {
            ("Golden Facilitator", TeamRole.FACILITATOR),
            ("Co Worker", TeamRole.CO_WORKER),
        }
        assert [a.by_whom for a in case.actions] == [None]
        hits = [(hit.where, hit.excerpt) for hit in vault.search("written apology")]
        assert hits == [("note", "Hana wants a written apology.")]
        assert all(c.share_with == [] for c in case.consents())
        assert vault.verify().ok
        assert case.document.read_format == 1
        # It stays writable, too, and is then written in the current format.
        case.add_note("written by a later version")
    recovery = (GOLDEN / "vault-v1-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.verify().ok
        case = vault.open_case(vault.list_cases()[0].id)
        assert case.document.read_format == CURRENT_FORMAT
        assert case.person_name(case.case.co_worker) == "Co Worker"


def test_the_golden_demo_vault_opens_every_case(tmp_path: Path) -> None:
    home = _copy(tmp_path, "demo-v1")
    with Vault.open(home).unlock("golden demo passphrase") as vault:
        rows = {row.reference: row for row in vault.list_cases()}
        assert sorted(rows) == [
            "RJ-2025-087",
            "RJ-2026-003",
            "RJ-2026-009",
            "RJ-2026-011",
            "RJ-2026-014",
        ]
        sensitive = vault.open_case(rows["RJ-2026-014"].id)
        assert "sensitive_complex" in raised_flags(sensitive)
        assert len(sensitive.notes()) == 2
        assert sum(note.private for note in sensitive.notes()) == 1
        follow_up = vault.open_case(rows["RJ-2026-003"].id)
        assert [a.status.value for a in follow_up.actions] == ["done", "open", "open"]
        letters = vault.open_case(rows["RJ-2026-011"].id)
        assert [letter.status for letter in letters.letters] == [LetterStatus.UNDER_REVIEW]
        co_worked = vault.open_case(rows["RJ-2026-009"].id)
        assert [p.name for p in co_worked.participants] == [
            "Sam Rivera",
            "Casey Brook",
            "Morgan Rivera",
        ]
        # People by id (format 2), with every name as it was.
        assert co_worked.person_name(co_worked.case.co_worker) == "Priya Shah"
        assert co_worked.person_name(co_worked.case.case_supervisor) == "Dana Whitfield"
        assert co_worked.answers()[("coworking", "coworker", None)].value == "Priya Shah"
        by_whom = [follow_up.person_name(a.by_whom) for a in follow_up.actions]
        assert by_whom == ["Chris Parry", "Chris Parry", "Robin Ashdown (demo facilitator)"]
        chris = next(p for p in follow_up.participants if p.name == "Chris Parry")
        assert follow_up.actions[0].by_whom == chris.id
        assert follow_up.actions[2].by_whom == vault.owner.id
        report = vault.verify()
        assert report.ok, report.faults
        assert report.checked == 5


def test_the_golden_people_vault_keeps_every_name(tmp_path: Path) -> None:
    """Free-text people (0.1) become ids of participants and team members, every name kept."""
    home = _copy(tmp_path, "people-v1")
    with Vault.open(home).unlock("golden people passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        _assert_people_resolved(case)
        assert vault.verify().ok
        # A change writes the whole case in the current format; the names stay.
        case.add_note("written after the migration")
        assert case.chain_problems() == []
    with Vault.open(home).unlock("golden people passphrase") as vault:
        case = vault.open_case(vault.list_cases()[0].id)
        assert case.document.read_format == CURRENT_FORMAT
        _assert_people_resolved(case)
        assert vault.verify().ok


def _assert_people_resolved(case: CaseFile) -> None:
    harmed, responsible, supporter = case.participants
    assert [p.name for p in case.participants] == ["Hana Gold", "Rory Gold", "Mo Gold"]
    assert case.person_name(case.case.co_worker) == "Priya Shah"
    assert case.person_name(case.case.case_supervisor) == "Dana Whitfield"
    roles = {m.name: m.role for m in case.team}
    assert roles == {
        "Golden Facilitator": TeamRole.FACILITATOR,
        "Priya Shah": TeamRole.CO_WORKER,
        "Dana Whitfield": TeamRole.CASE_SUPERVISOR,
        "Rory and Mo": TeamRole.OTHER,
    }
    actions = {a.description: a.by_whom for a in case.actions}
    assert actions["Apology in writing"] == responsible.id  # "rory gold"
    assert case.person_name(actions["Phone Hana after a month"]) == "Golden Facilitator"
    assert case.person_name(actions["Repair the fence"]) == "Rory and Mo"
    assert actions["Nobody named yet"] is None
    hana, rory = case.consents()
    assert hana.share_with == [responsible.id]
    assert rory.share_with == []
    assert rory.note == "Share with (as first written): the victim's sister"
    assert (hana.information, rory.information) == ("Her account of the evening", "His letter")
    # One fact, one home: the meeting date answered after the case was opened stands.
    assert case.case.meeting_date == date(2026, 12, 18)
    assert case.answers()[("meeting", "meeting_date", None)].value == "2026-12-18"
    assert supporter.name == "Mo Gold" and harmed.address_as == "Hana"


def test_two_copies_of_a_golden_case_migrate_to_the_same_people(tmp_path: Path) -> None:
    """Co-workers migrating their own copies of one case make the same team member ids."""
    made = []
    for name in ("mine", "theirs"):
        home = tmp_path / name
        shutil.copytree(GOLDEN / "people-v1", home)
        with Vault.open(home).unlock("golden people passphrase") as vault:
            case = vault.open_case(vault.list_cases()[0].id)
            made.append(
                (
                    sorted((m.id, m.name) for m in case.team),
                    case.case.co_worker,
                    [a.by_whom for a in case.actions],
                )
            )
    assert made[0] == made[1]


def test_the_golden_demo_vault_of_case_format_3_opens_as_written(tmp_path: Path) -> None:
    """Case format 3 (people by id, an audit chain per author) and profile format 2."""
    home = _copy(tmp_path, "demo-v3")
    with Vault.open(home).unlock("golden demo passphrase") as vault:
        assert vault.findings == []  # a first manifest is made, with nothing to report
        assert vault.recipient.startswith("age1")
        rows = {row.reference: row for row in vault.list_cases()}
        assert len(rows) == 5
        co_worked = vault.open_case(rows["RJ-2026-009"].id)
        assert co_worked.person_name(co_worked.case.co_worker) == "Priya Shah"
        assert co_worked.person_name(co_worked.case.case_supervisor) == "Dana Whitfield"
        follow_up = vault.open_case(rows["RJ-2026-003"].id)
        assert "Chris Parry" in {follow_up.person_name(a.by_whom) for a in follow_up.actions}
        report = vault.verify()
        assert report.ok, report.faults
    recovery = (GOLDEN / "demo-v3-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.verify().ok


def test_the_golden_manifest_vault_opens_with_its_last_save_recorded(tmp_path: Path) -> None:
    home = _copy(tmp_path, "manifest-v1")
    with Vault.open(home).unlock("golden manifest passphrase") as vault:
        # The last save is recorded in manifest.log only (left as a kill leaves it): read,
        # nothing is reported.
        assert vault.findings == []
        rows = {row.reference: row for row in vault.list_cases()}
        assert sorted(rows) == ["MAN-1", "MAN-2"]
        first = vault.open_case(rows["MAN-1"].id)
        assert sorted(first.note_texts().values()) == [
            "First visit: Hana wants to know why it happened.",
            "Second visit: Hana would consider a letter.",
            "Third visit: a letter is agreed.",
        ]
        assert vault.files.manifest is not None
        assert len(vault.files.manifest.state.files) == 3  # two case files and the index
        assert vault.verify().ok
        case_file = first.path
    assert not (home / "manifest.log").exists()  # folded into the snapshot at close
    # Its manifest still catches a deleted case file, and the backups still restore it.
    case_file.unlink()
    with Vault.open(home).unlock("golden manifest passphrase") as vault:
        assert [finding.kind.value for finding in vault.findings] == ["missing"]
        assert "MAN-1" in vault.integrity_lines()[0]
        vault.restore_case_backup(vault.find_case("MAN-1"))
    recovery = (GOLDEN / "manifest-v1-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.findings == [] and vault.verify().ok
        texts = vault.open_case(vault.find_case("MAN-1")).note_texts().values()
        assert sorted(texts)[-1] == "Second visit: Hana would consider a letter."


def test_the_golden_decisions_vault_reads_round_trips_and_keeps_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decisions (issue 11) are a table of their own in case format 3, added without a
    format bump: this version reads them, a change keeps them, and a reader that does not
    know the table (an older rjfacil of format 3) writes it back unchanged."""
    from rjfacil.views.decisions import decision_lines

    home = _copy(tmp_path, "decisions-v3")
    with Vault.open(home).unlock("golden decisions passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        newest, older = decision_lines(case)
        assert (newest.point, newest.outcome, newest.current) == (
            "Before first contact",
            "Go ahead",
            True,
        )
        assert newest.reason == "Oversight given; risk assessments read."
        assert newest.oversight == "oversight given by Lee Manager on 3 Mar 2026"
        assert (older.outcome, older.current) == ("Wait", False)
        case.add_note("A change after the decisions.")
        raw = vault.open_case(row.id).document.tables
        assert len(raw["decisions"]) == 2
        assert vault.verify().ok
    _an_older_reader_keeps(monkeypatch, raw, "decisions", "DEC-1")


def test_the_golden_feedback_vault_reads_round_trips_and_keeps_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Participants' feedback (issue 12, NCJB 3.7.5) is a table of its own in case format 4,
    added without a format bump: this version reads it, a change keeps it, and a reader that
    does not know the table (an older rjfacil of format 4) writes it back unchanged."""
    from rjfacil.views.feedback import feedback_lines

    home = _copy(tmp_path, "feedback-v4")
    with Vault.open(home).unlock("golden feedback passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        confidential, shared = feedback_lines(case)
        assert (shared.participant, shared.how, shared.given_on, shared.shared) == (
            "Hana Gold (person harmed)",
            "By phone",
            "2 Mar 2026",
            True,
        )
        assert shared.said == "Being heard mattered more than the apology."
        assert (confidential.participant, confidential.shared) == (
            "Ira Stone (person responsible)",
            False,
        )
        case.add_note("A change after the feedback.")
        raw = vault.open_case(row.id).document.tables
        assert len(raw["feedback"]) == 2
        assert vault.verify().ok
    _an_older_reader_keeps(monkeypatch, raw, "feedback", "FB-1")


def test_the_golden_agreement_vault_reads_and_an_older_reader_keeps_the_agreement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outcome agreement (issue 12): two tables and new action fields in case format 4,
    added without a bump. This version reads them; a reader that knows neither the tables
    nor the action's new fields (format 4 before them) writes all of it back unchanged."""
    from rjfacil.casedoc import codec
    from rjfacil.casedoc.model import ActionStatus, MutableRecord
    from rjfacil.views.agreement import agreement_view
    from rjfacil.views.redaction import redactor_for

    home = _copy(tmp_path, "agreement-v4")
    with Vault.open(home).unlock("golden agreement passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        view = agreement_view(case, redactor_for(case, "none"))
        assert view.made == "Yes"
        assert view.agreed_by == ("Hana Gold", "Rory Gold")
        assert view.binding == "Voluntary"
        assert view.tell_person_harmed == "A letter to her home address."
        fence, letter = view.actions
        assert (fence.supported_by, fence.supervised_by) == ("Jo Coworker", "Golden Facilitator")
        assert fence.completion.startswith("Completed on 18 Mar 2026: Photos of the repaired")
        assert fence.told == "Person harmed told on 19 Mar 2026: A letter, as she asked"
        assert letter.completion == ""
        [money] = view.money
        assert (money.amount, money.witness) == ("£40.00", "Pat Witness")
        case.add_note("A change after the agreement.")
        raw = vault.open_case(row.id).document.tables
        assert vault.verify().ok

    class OlderAction(MutableRecord):
        description: str
        by_whom: object = None
        due: object = None
        status: ActionStatus = ActionStatus.OPEN

    older = {n: k for n, k in codec.TABLES.items() if n not in ("agreements", "money_handovers")}
    older["actions"] = OlderAction
    monkeypatch.setattr(codec, "TABLES", older)
    document = codec.decode(raw, "AGR-1")
    assert sorted(document.unknown_tables) == ["agreements", "money_handovers"]
    [first, *_] = document.records["actions"].values()
    touched = first.model_copy(update={"description": "Repair the fence (edited)"})
    written = codec.encode(document.changed([("actions", touched)], document.meta))
    assert written["agreements"] == raw["agreements"]
    assert written["money_handovers"] == raw["money_handovers"]
    kept = next(a for a in written["actions"].values() if a["id"] == str(first.id))
    before = next(a for a in raw["actions"].values() if a["id"] == str(first.id))
    assert {k: v for k, v in kept.items() if k != "description"} == {
        k: v for k, v in before.items() if k != "description"
    }
    assert "evidence" in kept and "supported_by" in kept


def test_the_golden_letters_vault_opens_with_its_letters(tmp_path: Path) -> None:
    """Case format 3, written before letters were vetted per version."""
    home = _copy(tmp_path, "letters-v3")
    with Vault.open(home).unlock("golden letters passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        assert [len(case.letter_versions(letter.id)) for letter in case.letters] == [2, 1, 1]
        assert vault.verify().ok
        assert case.document.read_format == 3
        # Format 4: the approval was of the first version; the revised text is not vetted.
        approved, reply, handed = (case.letter_records(each.id) for each in case.letters)
        vetting = approved.vetting_of(approved.versions[0])
        assert vetting is not None and vetting.decision is VettingDecision.VETTED
        assert vetting.answers["letter_hidden_messages"] == "no"
        assert vetting.reasons == "Read with my supervisor."
        assert approved.vetting_of(approved.current) is None
        with pytest.raises(RjfacilError, match="its text changed after it was vetted"):
            case.set_letter_status(approved.letter.id, LetterStatus.DELIVERED)
        undecided = reply.vetting_of(reply.current)
        assert undecided is not None and undecided.decision is None
        assert handed.letter.status is LetterStatus.DELIVERED and handed.vettings == []
        # The letter's flag rule reads the migrated answers.
        assert "risk_to_manage" not in raised_flags(case)
        case.record_recipient_agreement(approved.letter.id, date(2026, 11, 2))
    recovery = (GOLDEN / "letters-v3-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.verify().ok
        case = vault.open_case(vault.list_cases()[0].id)
        assert case.document.read_format == CURRENT_FORMAT
        assert case.letters[0].recipient_agreed_on == date(2026, 11, 2)
        assert len(case.letter_records(case.letters[0].id).vettings) == 1


def _an_older_reader_keeps(
    monkeypatch: pytest.MonkeyPatch, raw: dict[str, Any], table: str, reference: str
) -> None:
    """A reader that does not know ``table`` (an older rjfacil of the same format) reads the
    case with the table unknown and writes it back unchanged."""
    from rjfacil.casedoc import codec

    older = {name: kind for name, kind in codec.TABLES.items() if name != table}
    monkeypatch.setattr(codec, "TABLES", older)
    document = codec.decode(raw, reference)
    assert document.unknown_tables == [table]
    assert codec.encode(document)[table] == raw[table]


def test_the_golden_history_vault_says_each_edit_and_an_older_reader_verifies_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit entries keep the changed fields' old and new values (issue 13), added within
    case format 4 without a bump: this version says them in words; a reader that does not
    know ``changes`` keeps it, its chains still verify, and it writes it back unchanged."""
    from pydantic import Field

    from rjfacil.casedoc import audit, codec
    from rjfacil.casedoc.model import AuditEntry, Record
    from rjfacil.views.history import case_history

    home = _copy(tmp_path, "history-v4")
    with Vault.open(home).unlock("golden history passphrase") as vault:
        assert vault.verify().ok
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        said = [e.what for e in case_history(case)]
        assert said[0] == (
            "Set the referral date to 2 Feb 2026; "
            "set the case summary to “Damage to a garden fence.”"
        )
        assert (
            "The risk “Rory may call her at work”: changed the rating from medium to high" in said
        )
        assert (
            "Set how Hana Gold wishes to be addressed to “Hana”; "
            "changed Hana Gold's contact details from “0700 900 100” to “0711 222 333”"
        ) in said
        case.add_note("A change after the edits.")
        raw = vault.open_case(row.id).document.tables
        assert vault.verify().ok

    class OlderAuditEntry(Record):  # AuditEntry before ``changes``
        action: str
        table: str
        record_id: object = None
        also: list[object] = Field(default_factory=list)
        prev: str
        hash: str

    monkeypatch.setattr(codec, "TABLES", {**codec.TABLES, "audit": OlderAuditEntry})
    document = codec.decode(raw, "HIST-1")
    entries = document.in_stored_order("audit")
    assert any("changes" in (e.model_extra or {}) for e in entries)
    assert audit.chains_problems(entries, document.meta["audit_heads"]) == []  # type: ignore[arg-type]
    assert codec.encode(document)["audit"] == raw["audit"]
    assert not isinstance(entries[0], AuditEntry)


def test_the_golden_supervision_vault_reads_its_sessions_and_an_edit(tmp_path: Path) -> None:
    """Supervision sessions in the profile (profile format 2, a table added without a
    bump), one edited (issue 13: ``updated_at``/``updated_by``, optional, added without a
    bump): a session written before an edit was possible reads as never edited."""
    home = _copy(tmp_path, "supervision-v2")
    with Vault.open(home).unlock("golden supervision passphrase") as vault:
        assert vault.verify().ok
        [row] = vault.list_cases()
        edited, first = vault.supervision_sessions()
        assert (edited.supervisor, edited.case_ids, edited.agreed) == (
            "Lee Manager",
            [row.id],
            "Bring SUP-1 back in April.",
        )
        assert edited.updated_by == vault.owner.id and edited.updated_at is not None
        assert (first.held_on, first.updated_at, first.updated_by) == (
            date(2026, 1, 12),
            None,
            None,
        )
        vault.update_supervision_session(first.id, first.held_on, "Lee Manager", [], "Edited.")
        assert [s.agreed for s in vault.supervision_sessions()] == [
            "Bring SUP-1 back in April.",
            "Edited.",
        ]
