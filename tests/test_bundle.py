"""Co-worker case files: identity, export, import, merge (DESIGN.md's merge rules)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rjfacil.casedoc.model import (
    ConflictResolution,
    DecisionOutcome,
    DecisionPoint,
    RiskRating,
)
from rjfacil.store import agefile
from rjfacil.vault.door import profile_v1_to_v2
from rjfacil.views.history import case_history
from rjfacil.views.merge_words import conflict_view
from rjfacil.vocab import ProcessType, Role, Stage
from rjfacil.workspace import Vault
from tests.bundle_helpers import IMPORTED, comparable, make_vault, send

ALEX, BLESSING, CHARLIE = "Alex Rivera", "Blessing Adeyemi", "Charlie Moss"


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Vault, Vault]]:
    a = make_vault(tmp_path / "a", ALEX)
    b = make_vault(tmp_path / "b", BLESSING)
    yield a, b
    a.close()
    b.close()


def test_a_vault_has_an_age_identity_whose_recipient_it_shows(pair: tuple[Vault, Vault]) -> None:
    a, b = pair
    assert a.recipient.startswith("age1") and a.recipient != b.recipient
    assert agefile.parse_recipient(a.recipient) == a.recipient


def test_a_vault_made_before_profile_format_2_gets_an_identity_once(tmp_path: Path) -> None:
    home = tmp_path / "old"
    vault = make_vault(home, ALEX)
    storage = vault.files.storage(home / "profile.rjv", "profile.rjv")
    storage.write({"meta": {"format": 1}, "owner": storage.read()["owner"]})
    vault.close()
    again = Vault.open(home).unlock("correct horse battery")
    try:
        first = again.recipient
        assert first.startswith("age1")
        fresh = again.files.storage(home / "profile.rjv", "profile.rjv")
        assert fresh.read()["meta"]["format"] == 2
        assert again.files.age_recipient() == first
    finally:
        again.close()


def test_the_profile_step_is_pure_and_keeps_an_identity_already_there() -> None:
    before = {"meta": {"format": 1}, "owner": {"id": "x", "name": "A"}}
    after = profile_v1_to_v2(before, "AGE-SECRET-KEY-1NEW")
    assert before == {"meta": {"format": 1}, "owner": {"id": "x", "name": "A"}}
    assert after["meta"]["format"] == 2 and after["identity"] == {"age": "AGE-SECRET-KEY-1NEW"}
    assert profile_v1_to_v2(after, "AGE-SECRET-KEY-1OTHER")["identity"] == {
        "age": "AGE-SECRET-KEY-1NEW"
    }


def test_a_new_case_is_imported_whole_without_private_notes(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    a, b = pair
    case = a.new_case("RJ-7")
    ana = case.add_participant(Role.PERSON_HARMED, "Ana [b]bold[/b] <script>x</script> \x1b[31m")
    shared = case.add_note("Ana wants to meet.", participant_id=ana.id)
    secret = case.add_note("My own worry about this.", private=True)
    lines = send(a, case.id, b, tmp_path / "rj7.age")
    assert lines[0] == f"Case RJ-7 is new to this vault: it comes from {ALEX}."
    assert "Added:" in lines[1] and "1 participant" in lines[1] and "1 note," in lines[1]
    got = b.open_case(case.id)
    assert got.note_text(shared.id) == "Ana wants to meet."
    assert secret.id not in got.document.records["notes"]
    assert "My own worry" not in json.dumps(got.document.tables)
    # Markup and escapes are data: kept as written.
    assert got.participant(ana.id).name == ana.name
    assert got.author(shared.created_by) == ALEX
    assert got.chain_problems() == []
    assert b.verify().ok
    # The export is in A's history; the import in B's.
    assert case.audit_log[-1].action.startswith("exported a case file for co-workers")
    assert got.audit_log[-1].action == IMPORTED
    assert got.audit_log[-1].created_by == b.owner.id


def test_the_same_file_twice_changes_nothing(pair: tuple[Vault, Vault], tmp_path: Path) -> None:
    a, b = pair
    case = a.new_case("RJ-8")
    case.add_note("First visit went well.")
    out = tmp_path / "rj8.age"
    send(a, case.id, b, out)
    before = b.files.case_path(case.id)[0].read_bytes()
    preview = b.preview_import(b.read_bundle(out))
    assert preview.plan.nothing_new
    assert preview.lines() == [
        f"Case RJ-8: nothing new from {ALEX}; this vault already has everything in it."
    ]
    b.import_bundle(preview)
    assert b.files.case_path(case.id)[0].read_bytes() == before


def test_both_ways_keeps_every_note_and_both_chains_verify(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    a, b = pair
    case = a.new_case("RJ-9")
    send(a, case.id, b, tmp_path / "1.age")
    a_note = case.add_note("Alex met Ana.")
    b_case = b.open_case(case.id)
    b_note = b_case.add_note("Blessing met Ben.")
    lines = send(b, case.id, a, tmp_path / "2.age")
    assert any("1 note" in line for line in lines)
    send(a, case.id, b, tmp_path / "3.age")
    for vault in (a, b):
        got = vault.open_case(case.id)
        assert {got.note_text(a_note.id), got.note_text(b_note.id)} == {
            "Alex met Ana.",
            "Blessing met Ben.",
        }
        assert got.chain_problems() == []
        heads = got.document.meta["audit_heads"]
        assert set(heads) == {str(a.owner.id), str(b.owner.id)}
        assert got.author(b_note.created_by) == BLESSING
        assert got.author(a_note.created_by) == ALEX
    assert comparable(a, case.id) == comparable(b, case.id)


def test_a_concurrent_edit_is_a_conflict_the_later_wins_and_it_can_be_resolved(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    a, b = pair
    case = a.new_case("RJ-10")
    ana = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).update_participant(ana.id, address_as="Ana (Blessing)")
    case.update_participant(ana.id, address_as="Mrs Silva")  # later: wins
    lines = send(b, case.id, a, tmp_path / "2.age")
    assert lines[-1].startswith("In conflict, to review (1): 1 participant")
    assert case.participant(ana.id).address_as == "Mrs Silva"
    [conflict] = case.conflicts()
    assert conflict.other["address_as"] == "Ana (Blessing)"
    case.resolve_conflict(conflict.id, take_other=True)
    assert case.participant(ana.id).address_as == "Ana (Blessing)"
    assert case.conflicts() == []
    [done] = case.conflicts(open_only=False)
    assert done.resolution is ConflictResolution.TOOK_OTHER
    assert case.chain_problems() == []
    # Resolving is idempotent against the same file again: no new conflict.
    preview = a.preview_import(a.read_bundle(tmp_path / "2.age"))
    assert preview.plan.conflicts == []


def test_a_deletion_is_a_tombstone_that_merges(pair: tuple[Vault, Vault], tmp_path: Path) -> None:
    a, b = pair
    case = a.new_case("RJ-11")
    ben = case.add_participant(Role.SUPPORTER, "Ben")
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).remove_participant(ben.id)
    send(b, case.id, a, tmp_path / "2.age")
    assert ben.id not in {p.id for p in case.participants}
    assert case.document.records["participants"][ben.id].deleted  # type: ignore[attr-defined]


def _three(tmp_path: Path) -> tuple[Vault, Vault, Vault]:
    return (
        make_vault(tmp_path / "a", ALEX),
        make_vault(tmp_path / "b", BLESSING),
        make_vault(tmp_path / "c", CHARLIE),
    )


def test_two_co_workers_files_merge_the_same_in_either_order(tmp_path: Path) -> None:
    a, b, c = _three(tmp_path)
    try:
        case = a.new_case("RJ-12")
        ana = case.add_participant(Role.PERSON_HARMED, "Ana")
        send(a, case.id, b, tmp_path / "base-b.age")
        send(a, case.id, c, tmp_path / "base-c.age")
        # Both co-workers edit the same participant and add their own records.
        case.update_participant(ana.id, address_as="Ana A")
        case.add_note("from A")
        b_case = b.open_case(case.id)
        b_case.update_participant(ana.id, address_as="Ana B")
        b_case.add_note("from B")
        b_case.add_risk("Pressure from family")
        a.export_bundle(case.id, tmp_path / "a.age", recipients=[c.recipient])
        b.export_bundle(case.id, tmp_path / "b.age", recipients=[c.recipient])
        c.close()
        copy = tmp_path / "c2"
        import shutil

        shutil.copytree(tmp_path / "c", copy)
        c = Vault.open(tmp_path / "c").unlock("correct horse battery")
        c2 = Vault.open(copy).unlock("correct horse battery")
        for vault, order in ((c, ("a", "b")), (c2, ("b", "a"))):
            for name in order:
                vault.import_bundle(
                    vault.preview_import(vault.read_bundle(tmp_path / f"{name}.age"))
                )
        assert comparable(c, case.id, c.owner.id) == comparable(c2, case.id, c.owner.id)
        assert c.open_case(case.id).participant(ana.id).address_as == "Ana B"
        assert len(c.open_case(case.id).conflicts()) == 1
        assert c.open_case(case.id).chain_problems() == []
        assert c2.open_case(case.id).chain_problems() == []
        # Each co-worker's edit, kept with its old and new values, reads in words.
        said = [e.what for e in case_history(c.open_case(case.id))]
        assert "Set how Ana wishes to be addressed to “Ana A”" in said
        assert "Set how Ana wishes to be addressed to “Ana B”" in said
        c2.close()
    finally:
        for vault in (a, b, c):
            vault.close()


@pytest.mark.parametrize("new_here", [True, False])
def test_a_file_that_takes_me_off_the_team_leaves_me_on_my_own_case(
    pair: tuple[Vault, Vault], tmp_path: Path, new_here: bool
) -> None:
    """A new case and a known one are merged by the same path: either way the vault's
    owner stays a member of the case's team, whatever the co-worker's copy says."""
    a, b = pair
    if new_here:  # A's copy of their vault from before the case: the case is new there
        a.close()
        shutil.copytree(tmp_path / "a", tmp_path / "a-before")
        a = Vault.open(tmp_path / "a").unlock("correct horse battery")
    case = a.new_case("RJ-13")
    send(a, case.id, b, tmp_path / "1.age")
    theirs = b.open_case(case.id)
    if new_here:
        a.close()
        a = Vault.open(tmp_path / "a-before").unlock("correct horse battery")
    me = theirs.document.records["team"][a.owner.id]
    # No screen removes a team member; a file from another version or tool may.
    theirs._commit("removed a team member", [("team", theirs._edit(me, {"deleted": True}))])
    lines = send(b, case.id, a, tmp_path / "2.age")
    assert lines[0].startswith("Case RJ-13 is new" if new_here else "Case RJ-13")
    got = a.open_case(case.id)
    assert a.owner.id in {member.id for member in got.team}
    assert got.chain_problems() == []
    a.close()


def test_the_same_value_set_aside_twice_is_to_review_once(tmp_path: Path) -> None:
    a, b, c = _three(tmp_path)
    try:
        case = a.new_case("RJ-14")
        ana = case.add_participant(Role.PERSON_HARMED, "Ana", address_as="Ana")
        send(a, case.id, b, tmp_path / "base-b.age")
        send(a, case.id, c, tmp_path / "base-c.age")
        b.open_case(case.id).update_participant(ana.id, address_as="Ana")  # saved unchanged
        c.open_case(case.id).update_participant(ana.id, address_as="Mrs Silva")
        send(b, case.id, a, tmp_path / "b.age")
        assert case.conflicts() == []
        send(c, case.id, a, tmp_path / "c.age")
        assert case.participant(ana.id).address_as == "Mrs Silva"
        assert [x.other["address_as"] for x in case.conflicts()] == ["Ana"]
    finally:
        for vault in (a, b, c):
            vault.close()


def test_after_a_merge_the_summary_and_show_name_the_co_worker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rjfacil.cli import main
    from rjfacil.views.supervision import supervisor_summary

    a = make_vault(tmp_path / "a", ALEX)
    b = make_vault(tmp_path / "b", BLESSING)
    case = a.new_case("RJ-CW")
    send(a, case.id, b, tmp_path / "1.age")
    theirs = b.open_case(case.id)
    coworking = dict(supervisor_summary(theirs).coworking)
    assert coworking["Facilitator"] == BLESSING and coworking["Co-worker"] == ALEX
    full = dict(supervisor_summary(theirs, redaction="full").coworking)
    assert full["Facilitator"] == "Facilitator B." and full["Co-worker"] == "Co-worker A."
    theirs.add_note("Blessing met Ben.")
    send(b, case.id, a, tmp_path / "2.age")
    coworking = dict(supervisor_summary(a.open_case(case.id)).coworking)
    assert coworking["Facilitator"] == ALEX and coworking["Co-worker"] == BLESSING
    a.close()
    b.close()
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery\n")
    code = main(
        ["--data-dir", str(tmp_path / "b"), "--passphrase-file", str(secret), "show", "RJ-CW"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert f"  {BLESSING} — facilitator\n" in out
    assert f"  {ALEX} — co-worker\n" in out


def test_the_summary_says_how_many_changes_from_a_co_workers_file_wait_for_review(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    from rjfacil.views.supervision import supervisor_summary

    a, b = pair
    case = a.new_case("RJ-REVIEW")
    ana = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    assert dict(supervisor_summary(case).coworking)["Changes to review"] == "None"
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).update_participant(ana.id, address_as="Ana (Blessing)")
    case.update_participant(ana.id, address_as="Mrs Silva")
    send(b, case.id, a, tmp_path / "2.age")
    assert dict(supervisor_summary(case).coworking)["Changes to review"] == (
        "1 change from a co-worker's file waits for review"
    )
    case.resolve_conflict(case.conflicts()[0].id, take_other=False)
    assert dict(supervisor_summary(case).coworking)["Changes to review"] == "None"


def test_a_conflict_on_the_cases_details_is_shown_in_words_with_names_not_ids(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    """Both co-workers changed the case's details: the review shows each difference under
    the name the case screen gives it, people by name and fixed choices by their labels."""
    a, b = pair
    case = a.new_case("RJ-12")
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).update_case(
        co_worker="Priya Shah", process=ProcessType.LETTER, meeting_venue="Library"
    )
    case.update_case(co_worker="Sam Okafor", process=ProcessType.SHUTTLE)  # later: wins
    send(b, case.id, a, tmp_path / "2.age")
    [conflict] = case.conflicts()
    view = conflict_view(case, conflict, case.conflict_current(conflict))
    shown = [*view.current, *view.other]
    text = " ".join(f"{label}: {value}" for label, value in shown)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text), text
    assert ("Co-worker", "Sam Okafor") in view.current, text
    assert ("Co-worker", "Priya Shah") in view.other, text
    assert ("Process", ProcessType.SHUTTLE.label) in view.current, text
    assert ("Process", ProcessType.LETTER.label) in view.other, text
    assert ("Meeting venue", "Library") in view.other, text
    assert view.what == "The case's details"


def test_a_conflict_on_a_risk_names_the_risk_and_its_rating_in_words(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    a, b = pair
    case = a.new_case("RJ-14")
    risk = case.add_risk("Contact in the street", rating=RiskRating.MEDIUM)
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).update_risk(risk.id, rating=RiskRating.LOW)
    case.update_risk(risk.id, rating=RiskRating.HIGH)  # later: wins
    send(b, case.id, a, tmp_path / "2.age")
    [conflict] = case.conflicts()
    view = conflict_view(case, conflict, case.conflict_current(conflict))
    assert view.what == "The risk “Contact in the street”"
    assert (view.current, view.other) == ([("Rating", "High")], [("Rating", "Low")])


def test_an_import_says_what_it_changes_in_the_cases_details_and_a_go_ahead_it_lacks(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    """A co-worker moved the case to a face to face meeting past the go-aheads it needs
    (with their reason, in their vault): the preview says what changes, and that no
    go-ahead is recorded for the new points, before anything is written. Once the
    go-aheads are recorded, it says the change only."""
    a, b = pair
    case = a.new_case("RJ-13")
    case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    for point in DecisionPoint:
        case.record_decision(point, DecisionOutcome.GO, a.owner.id, date(2026, 3, 2), "Agreed")
    case.update_case(stage=Stage.COMMUNICATION, process=ProcessType.LETTER)
    send(a, case.id, b, tmp_path / "1.age")
    for point in (DecisionPoint.DIRECT_COMMUNICATION, DecisionPoint.MEETING):
        case.record_decision(point, DecisionOutcome.WAIT, a.owner.id, date(2026, 3, 3), "Later")
    case.update_case(process=ProcessType.FACE_TO_FACE, going_on_because="Both asked to meet")
    a.export_bundle(case.id, tmp_path / "2.age", recipients=[b.recipient])
    preview = b.preview_import(b.read_bundle(tmp_path / "2.age"))
    assert preview.lines()[-4:] == [
        "Changed (the later edit wins): the case's details.",
        "The case's details change: process Letter → Face to face.",
        "No conflicts.",
        f"Check before you go on: in {ALEX}'s copy the case is at Communication (face to "
        "face), and no go-ahead is recorded before any direct communication or before a "
        "meeting.",
    ]
    assert b.open_case(case.id).case.process is ProcessType.LETTER  # nothing written yet
    for point in (DecisionPoint.DIRECT_COMMUNICATION, DecisionPoint.MEETING):
        case.record_decision(point, DecisionOutcome.GO, a.owner.id, date(2026, 3, 4), "Ready")
    a.export_bundle(case.id, tmp_path / "3.age", recipients=[b.recipient])
    lines = b.preview_import(b.read_bundle(tmp_path / "3.age")).lines()
    assert "The case's details change: process Letter → Face to face." in lines
    assert not any(line.startswith("Check before") for line in lines)


def test_a_file_that_does_not_name_its_sender_on_the_team_merges_back_without_a_conflict(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    from rjfacil.casedoc.bundle import to_json
    from rjfacil.views.supervision import supervisor_summary

    a, b = pair
    case = a.new_case("RJ-OLD")
    body = json.loads(to_json(case.document, a.owner, case.case.created_at))
    body["tables"]["team"] = [m for m in body["tables"]["team"] if m["id"] != str(a.owner.id)]
    old = tmp_path / "old.age"
    old.write_bytes(agefile.encrypt_to_recipients(json.dumps(body).encode(), [b.recipient]))
    b.import_bundle(b.preview_import(b.read_bundle(old)))
    theirs = b.open_case(case.id)
    assert dict(supervisor_summary(theirs).coworking)["Co-worker"] == ALEX
    theirs.add_note("Blessing met Ben.")
    lines = send(b, case.id, a, tmp_path / "back.age")
    assert not any(line.startswith("In conflict") for line in lines), lines
    assert case.conflicts() == []
    assert dict(supervisor_summary(case).coworking)["Co-worker"] == BLESSING


def test_a_co_worker_named_before_their_file_was_merged_is_reported_once(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    from rjfacil.views.supervision import supervisor_summary

    a, b = pair
    case = a.new_case("RJ-NAMED", co_worker=BLESSING)
    send(a, case.id, b, tmp_path / "1.age")
    b.open_case(case.id).add_note("Blessing met Ben.")
    send(b, case.id, a, tmp_path / "2.age")
    assert dict(supervisor_summary(case).coworking)["Co-worker"] == BLESSING


def test_a_decision_goes_to_the_co_worker_and_a_case_without_one_has_no_new_table(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    """Decisions (issue 11) are a table added without a new case format: a bundle carries
    it only when the case has a decision, so an rjfacil that does not know the table still
    imports every case without one."""
    from datetime import date

    from rjfacil.casedoc import bundle

    a, b = pair
    plain = a.new_case("RJ-8")
    body = json.loads(bundle.to_json(plain.document, a.owner, plain.case.created_at))
    assert "decisions" not in body["tables"]
    case = a.new_case("RJ-9")
    case.record_decision("first_contact", "go", a.owner.id, date(2026, 3, 2), "Safe to call.")
    lines = send(a, case.id, b, tmp_path / "rj9.age")
    assert "1 recorded decision" in " ".join(lines)
    got = b.open_case(case.id)
    assert [d.reason for d in got.decisions] == ["Safe to call."]
    assert got.chain_problems() == []


def test_the_agreement_goes_to_the_co_worker_and_both_sides_merge_into_one(
    pair: tuple[Vault, Vault], tmp_path: Path
) -> None:
    """The outcome agreement and money handed over (issue 12) are tables added within case
    format 4: carried only when they hold records; the agreement has one id per case, so
    the co-worker's changes to it come back as a change of the same record."""
    from datetime import date

    from rjfacil.casedoc import bundle
    from rjfacil.vocab import Role

    a, b = pair
    plain = a.new_case("RJ-10")
    body = json.loads(bundle.to_json(plain.document, a.owner, plain.case.created_at))
    assert "agreements" not in body["tables"] and "money_handovers" not in body["tables"]
    case = a.new_case("RJ-11")
    harmed = case.add_participant(Role.PERSON_HARMED, "Alice")
    case.record_agreement(terms="Repair the fence.", agreed_by=[harmed.id])
    case.record_money_handover(2000, date(2026, 3, 2), witness=a.owner.id)
    action = case.add_action("Repair the fence", supervised_by=a.owner.id)
    lines = " ".join(send(a, case.id, b, tmp_path / "rj11.age"))
    assert "1 outcome agreement" in lines and "1 money handover" in lines
    theirs = b.open_case(case.id)
    assert theirs.agreement is not None and theirs.agreement.terms == "Repair the fence."
    theirs.record_agreement(completion_shown_by="Photos of the fence.")
    theirs.complete_action(action.id, "Photos seen", date(2026, 3, 3))
    send(b, case.id, a, tmp_path / "back.age")
    mine = a.open_case(case.id)
    assert len(mine.document.records["agreements"]) == 1
    assert mine.agreement is not None
    assert mine.agreement.completion_shown_by == "Photos of the fence."
    assert mine.agreement.terms == "Repair the fence."
    [done] = mine.actions
    assert done.evidence == "Photos seen" and done.evidence_recorded_by == b.owner.id
    assert [m.amount_pence for m in mine.money_handovers] == [2000]
    assert mine.chain_problems() == []
