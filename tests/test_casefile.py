"""The case model through the encrypted store: what is saved is what comes back."""

from __future__ import annotations

import string
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjfacil.casedoc.model import (
    ActionStatus,
    ConsentPurpose,
    LetterStatus,
    NoteSource,
    RiskRating,
    ShareHow,
    VettingDecision,
)
from rjfacil.errors import InvalidRecord, RjfacilError
from rjfacil.views.deadlines import due_dates
from rjfacil.views.flags import flags_raised_by
from rjfacil.views.summary import summarise
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE


def reopen(vault: Vault) -> Vault:
    home = vault.home
    vault.close()
    return Vault.open(home).unlock(PASSPHRASE)


def dump_everything(vault: Vault, case_id: UUID) -> dict:
    case = vault.open_case(case_id)
    tables = {}
    for table, records in case._records.items():
        tables[table] = sorted(
            (r.model_dump(mode="json") for r in records.values()), key=lambda d: d["id"]
        )
    return tables


def test_every_record_round_trips_through_the_vault(vault: Vault) -> None:
    case = vault.new_case("RJ-1", referral_date=date(2026, 11, 2))
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana Silva", address_as="Ana")
    responsible = case.add_participant(
        Role.PERSON_RESPONSIBLE, "Ben Cole", access_needs="Needs a ground floor room"
    )
    case.update_participant(harmed.id, access_needs="Large print")
    case.record_consent(harmed.id, ConsentPurpose.TAKE_PART, form="written")
    case.record_consent(
        harmed.id, ConsentPurpose.COMMUNICATION, process=ProcessType.LETTER, form="verbal"
    )
    case.record_consent(harmed.id, ConsentPurpose.TAKE_PART, given=False, note="Changed mind")
    note = case.add_note(
        "Ana would like to know why.",
        participant_id=harmed.id,
        source=NoteSource.FROM_PARTICIPANT,
        share_with=[responsible.id],
        share_how=ShareHow.SUMMARY,
    )
    case.revise_note(note.id, "Ana would like to know why it was her house.")
    case.answer("risk", "initial_assessment", "yes")
    case.add_risk("Pressure to take part", rating=RiskRating.HIGH, review_date=date(2026, 12, 1))
    letter = case.add_letter(responsible.id, "Dear Ana", to_participant=harmed.id)
    case.revise_letter(letter.id, "Dear Ana, second draft")
    case.set_letter_status(letter.id, LetterStatus.UNDER_REVIEW, vetting_note="check names")
    case.vet_letter(letter.id, {"letter_checked": "yes"}, VettingDecision.VETTED, "Fine")
    case.update_case(co_worker="Priya Shah")
    case.review_letter(letter.id, case.case.co_worker, "Reads as his own", date(2026, 11, 4))
    reply = case.add_letter(harmed.id, "Dear Ben", responsible.id, in_reply_to=letter.id)
    case.record_recipient_agreement(reply.id, date(2026, 11, 6))
    action = case.add_action("Apology letter", by_whom=responsible.id, due=date(2026, 12, 5))
    case.update_action(action.id, status=ActionStatus.DONE)
    case.record_agreement(terms="Ben writes an apology.", agreed_by=[harmed.id, responsible.id])
    case.complete_action(action.id, "The letter was handed over", date(2026, 11, 5))
    case.record_money_handover(3000, date(2026, 11, 5), "Pat Witness", responsible.id, harmed.id)
    case.record_feedback(harmed.id, date(2026, 11, 6), "phone", "Being heard helped.")
    case.override_flag("co_working_advised", "Supervisor agreed a lone facilitator is safe")
    case.record_decision("first_contact", "go", case.owner.id, date(2026, 11, 3), "Safe to call")
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)

    before = dump_everything(vault, case.id)
    # Every kind of record a user action writes (conflicts are written by merges: test_merge).
    assert all(before[t] for t in before if t != "conflicts"), [t for t in before if not before[t]]
    after_vault = reopen(vault)
    try:
        assert dump_everything(after_vault, case.id) == before
        again = after_vault.open_case(case.id)
        assert again.note_text(note.id) == "Ana would like to know why it was her house."
        assert again.note_history(note.id)[0].text == "Ana would like to know why."
        assert again.note_texts() == {n.id: again.note_text(n.id) for n in again.notes()}
        assert [c.given for c in again.consents(harmed.id)] == [True, True, False]
        assert not again.has_consent(harmed.id, ConsentPurpose.TAKE_PART)
        assert again.author(again.case.created_by) == OWNER
        assert again.chain_problems() == []
    finally:
        after_vault.close()


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=300
).filter(lambda t: t.strip())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# A reference is one line (tests/test_references.py): printable text without \t\n\r\v\f.
@given(
    name=texts,
    note_text=texts,
    reference=st.text(string.printable.rstrip() + " ", min_size=1, max_size=30),
)
def test_any_text_round_trips(vault: Vault, name: str, note_text: str, reference: str) -> None:
    reference = reference.strip() or "R"
    if any(row.reference == reference for row in vault.list_cases()):
        return
    case = vault.new_case(reference)
    person = case.add_participant(Role.SUPPORTER, name[:200])
    note = case.add_note(note_text, participant_id=person.id)
    vault._open.clear()  # force a read from disk
    loaded = vault.open_case(case.id)
    assert loaded.participant(person.id).name == name[:200]
    assert loaded.note_text(note.id) == note_text
    assert loaded.case.reference == reference


def test_every_change_is_audited_and_attributed(vault: Vault) -> None:
    case = vault.new_case("RJ-2")
    person = case.add_participant(Role.PERSON_HARMED, "Dee")
    case.add_note("first", participant_id=person.id)
    actions = [entry.action for entry in case.audit_log]
    assert actions == ["opened the case", "added a participant (person harmed)", "added a note"]
    assert {case.author(entry.created_by) for entry in case.audit_log} == {OWNER}
    assert all(entry.created_at.tzinfo is not None for entry in case.audit_log)


def test_closing_needs_a_reason_from_the_list(vault: Vault) -> None:
    case = vault.new_case("RJ-3")
    with pytest.raises(RjfacilError, match="closure reason"):
        case.update_case(stage=Stage.WITHDRAWN)
    case.update_case(stage=Stage.WITHDRAWN, closure_reason=ClosureReason.DECLINED_BY_PERSON_HARMED)
    assert case.case.closure_reason is ClosureReason.DECLINED_BY_PERSON_HARMED
    case.update_case(stage=Stage.PREPARATION)
    assert case.case.closure_reason is None


def test_a_changed_answer_keeps_its_history(vault: Vault) -> None:
    case = vault.new_case("RJ-4")
    case.answer("risk", "initial_assessment", "no")
    case.answer("risk", "initial_assessment", "yes")
    assert case.answers()[("risk", "initial_assessment", None)].value == "yes"
    assert [a.value for a in case.answer_history("risk", "initial_assessment")] == ["no", "yes"]


def test_the_chosen_process_is_one_fact_wherever_it_is_set(vault: Vault) -> None:
    made_with = vault.new_case("RJ-4q", process=ProcessType.SHUTTLE)
    assert made_with.answers()[("process", "process_type", None)].value == "shuttle"
    assert made_with.chain_problems() == []
    case = vault.new_case("RJ-4p")
    case.answer("process", "process_type", "letter")
    assert case.case.process is ProcessType.LETTER
    case.update_case(process=ProcessType.FACE_TO_FACE)
    assert case.answers()[("process", "process_type", None)].value == "face_to_face"
    case.answer("process", "process_type", None)
    assert case.case.process is None
    again = reopen(vault)
    try:
        reopened = again.open_case(case.id)
        assert reopened.case.process is None
        assert ("process", "process_type", None) not in reopened.answers()
        assert reopened.chain_problems() == []
    finally:
        again.close()


def test_an_answer_knows_the_flags_it_raises_and_what_they_bring(vault: Vault) -> None:
    case = vault.new_case("RJ-4f")
    assert flags_raised_by(case, "sensitive", "manipulation") == ([], [])
    case.answer("sensitive", "manipulation", "yes")
    direct, implied = flags_raised_by(case, "sensitive", "manipulation")
    assert [s.flag.id for s in direct] == ["sensitive_complex"]
    assert {s.flag.id for s in implied} == {"co_working_advised", "managerial_oversight"}
    assert flags_raised_by(case, "risk", "initial_assessment") == ([], [])
    case.answer("sensitive", "manipulation", "no")
    assert flags_raised_by(case, "sensitive", "manipulation") == ([], [])


def test_the_case_list_row_counts_this_stages_answers_and_those_needing_attention(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-4s")
    before = summarise(case)
    assert before.stage is Stage.REFERRAL and before.stage_answered == 0
    assert before.stage_total > 0 and before.attention == 0
    case.record_decision("first_contact", "go", vault.owner.id, date(2026, 3, 2), "Safe.")
    case.update_case(stage=Stage.ASSESSMENT)
    total = summarise(case).stage_total
    case.answer("risk", "initial_assessment", "no")  # an assessment item; "no" needs attention
    row = summarise(case)
    assert (row.stage_answered, row.stage_total, row.attention) == (1, total, 1)
    case.answer("risk", "initial_assessment", "yes")
    assert summarise(case).attention == 0


def test_an_answer_must_fit_its_item(vault: Vault) -> None:
    case = vault.new_case("RJ-4b")
    with pytest.raises(RjfacilError, match="not an answer"):
        case.answer("risk", "initial_assessment", "perhaps")
    person = case.add_participant(Role.PERSON_HARMED, "Kit")
    with pytest.raises(RjfacilError, match="case as a whole"):
        case.answer("risk", "initial_assessment", "yes", participant_id=person.id)
    assert case.answers() == {}


def test_an_empty_note_is_refused_and_nothing_is_saved(vault: Vault) -> None:
    case = vault.new_case("RJ-5")
    with pytest.raises(RjfacilError, match="empty"):
        case.add_note("   ")
    assert case.notes() == []
    assert len(case.audit_log) == 1


def test_a_malformed_record_is_named_with_its_file(vault: Vault) -> None:
    case = vault.new_case("RJ-6")
    case.add_risk("Something")
    storage = case._storage
    data = storage.read()
    risk_doc = next(iter(data["risks"].values()))
    risk_doc["rating"] = "catastrophic"
    storage.write(data)
    vault._open.clear()
    with pytest.raises(InvalidRecord) as caught:
        vault.open_case(case.id)
    message = str(caught.value)
    assert str(case.path) in message
    assert risk_doc["id"] in message
    assert "rating" in message


def test_verify_detects_an_edited_and_a_truncated_history(vault: Vault) -> None:
    case = vault.new_case("RJ-7")
    case.add_note("one")
    case.add_note("two")
    storage = case._storage
    data = storage.read()
    first_key = next(iter(data["audit"]))
    data["audit"][first_key]["action"] = "something else"
    storage.write(data)
    vault._open.clear()
    assert any("edited" in p for p in vault.open_case(case.id).chain_problems())

    data = storage.read()
    data["audit"][first_key]["action"] = "opened the case"
    last_key = list(data["audit"])[-1]
    del data["audit"][last_key]
    storage.write(data)
    vault._open.clear()
    problems = vault.open_case(case.id).chain_problems()
    assert any("entries where" in p for p in problems)
    report = vault.verify()
    assert not report.ok


def test_due_dates_come_from_risks_actions_and_answers(vault: Vault) -> None:
    case = vault.new_case("RJ-8")
    today = date.today()
    case.add_risk("Review me", review_date=today + timedelta(days=3))
    case.add_action("Do a thing", due=today + timedelta(days=1))
    labels = [due.label for due in due_dates(case)]
    assert labels[:2] == ["Agreement action due", "Risk review"]
    assert vault.list_cases()[0].next_deadline == today + timedelta(days=1)


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_a_failed_save_says_so_and_loses_nothing(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    import errno
    import os

    case = vault.new_case("RJ-9")
    kept = case.add_note("the note that was saved")
    before = case.path.read_bytes()

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, step, full_disk)
    with pytest.raises(RjfacilError) as caught:
        case.add_note("the note that could not be saved")
    monkeypatch.undo()
    message = str(caught.value)
    assert "disk is full" in message and "\n" not in message
    assert case.path.read_bytes() == before
    assert [case.note_text(n.id) for n in case.notes()] == ["the note that was saved"]
    assert not list(case.path.parent.glob(".*.tmp"))
    # The case goes on working once there is space again.
    case.add_note("saved after space was freed")
    vault._open.clear()
    again = vault.open_case(case.id)
    assert {again.note_text(n.id) for n in again.notes()} == {
        "the note that was saved",
        "saved after space was freed",
    }
    assert kept.id in {n.id for n in again.notes()}
    assert again.chain_problems() == []


# -- one fact, one home ----------------------------------------------------------------


def test_the_shipped_items_that_state_case_facts() -> None:
    from rjfacil.checklists.load import load_catalogue

    facts = {fact: f"{cl}.{item.id}" for fact, (cl, item) in load_catalogue().facts.items()}
    assert facts == {
        "process": "process.process_type",
        "meeting_date": "meeting.meeting_date",
        "meeting_venue": "meeting.venue",
        "co_worker": "coworking.coworker",
    }


def test_walking_the_meeting_date_moves_the_meeting_and_its_due_date(vault: Vault) -> None:
    today = date.today()
    planned, moved = today + timedelta(days=20), today + timedelta(days=18)
    case = vault.new_case("RJ-M", meeting_date=planned)
    assert case.answers()[("meeting", "meeting_date", None)].value == planned.isoformat()
    case.answer("meeting", "meeting_date", moved.isoformat())
    assert case.case.meeting_date == moved
    assert [d.due for d in due_dates(case) if d.label == "Meeting"] == [moved]
    case.update_case(meeting_date=planned, meeting_venue="Town hall")
    answers = case.answers()
    assert answers[("meeting", "meeting_date", None)].value == planned.isoformat()
    assert answers[("meeting", "venue", None)].value == "Town hall"
    history = case.answer_history("meeting", "meeting_date")
    assert [a.value for a in history] == [
        planned.isoformat(),
        moved.isoformat(),
        planned.isoformat(),
    ]
    case.answer("meeting", "venue", None)
    assert case.case.meeting_venue == ""
    again = reopen(vault)
    try:
        reopened = again.open_case(case.id)
        assert reopened.case.meeting_date == planned
        assert ("meeting", "venue", None) not in reopened.answers()
        assert reopened.chain_problems() == []
    finally:
        again.close()


def test_the_co_worker_is_one_fact_and_one_person_wherever_it_is_named(vault: Vault) -> None:
    case = vault.new_case("RJ-CW")
    case.answer("coworking", "coworker", "Priya Shah")
    priya = case.case.co_worker
    assert case.person_name(priya) == "Priya Shah"
    case.update_case(co_worker="Dana Whitfield", case_supervisor="Dana Whitfield")
    assert case.answers()[("coworking", "coworker", None)].value == "Dana Whitfield"
    assert case.case.case_supervisor == case.case.co_worker
    case.update_case(co_worker="  priya SHAH ")
    assert case.case.co_worker == priya
    assert sorted(m.name for m in case.team) == ["Dana Whitfield", "Priya Shah", OWNER]
    assert case.answers()[("coworking", "coworker", None)].value == "Priya Shah"
    case.answer("coworking", "coworker", None)
    assert case.case.co_worker is None
    assert case.chain_problems() == []


# -- people by id, and the rules the editors used to keep alone -------------------------


def test_people_are_named_by_id_and_must_belong_to_the_case(vault: Vault) -> None:
    case = vault.new_case("RJ-P", co_worker="Priya Shah")
    rory = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory Gold")
    hana = case.add_participant(Role.PERSON_HARMED, "Hana Gold")
    for whom in (rory.id, case.case.co_worker, vault.owner.id):
        action = case.add_action("Phone", by_whom=whom)
        assert case.person_name(action.by_whom) != ""
    assert [case.person_name(a.by_whom) for a in case.actions] == [
        "Rory Gold",
        "Priya Shah",
        OWNER,
    ]
    stranger = UUID(int=7)
    with pytest.raises(RjfacilError, match="not a participant or in the case's team"):
        case.add_action("Phone", by_whom=stranger)
    consent = case.record_consent(hana.id, ConsentPurpose.SHARING, share_with=[rory.id])
    assert consent.share_with == [rory.id]
    with pytest.raises(RjfacilError, match="consent to share can only name participants"):
        case.record_consent(hana.id, ConsentPurpose.SHARING, share_with=[case.case.co_worker])
    assert len(case.consents()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c, a, b: c.add_action("  "), "Describe the action first."),
        (lambda c, a, b: c.add_risk(" \n"), "Describe the risk first."),
        (lambda c, a, b: c.add_letter(a, "  ", b), "The letter is empty."),
        (lambda c, a, b: c.add_letter(a, "Dear me", a), "A letter goes from one participant"),
        (lambda c, a, b: c.add_participant(Role.SUPPORTER, "  "), "A participant needs a name"),
        (lambda c, a, b: c.update_participant(a, name=""), "A participant needs a name"),
        (
            lambda c, a, b: c.record_consent(a, ConsentPurpose.TAKE_PART, on=None),
            "The consent needs the date it was given or withdrawn.",
        ),
        (
            lambda c, a, b: c.add_note("x", share_how=ShareHow.SUMMARY),
            "Choose whom it may be shared with, or set it not to be shared.",
        ),
        (
            lambda c, a, b: c.add_note(
                "x", private=True, share_how=ShareHow.AS_WRITTEN, share_with=[b]
            ),
            "A private note is only for you",
        ),
    ],
)
def test_the_case_model_rules_hold_for_every_caller(
    vault: Vault, change: Any, message: str
) -> None:
    case = vault.new_case("RJ-R")
    a = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory")
    b = case.add_participant(Role.PERSON_HARMED, "Hana")
    before = len(case.audit_log)
    with pytest.raises(RjfacilError) as refused:
        change(case, a.id, b.id)
    assert str(refused.value).startswith(message)
    assert len(case.audit_log) == before


def test_an_emptied_action_or_risk_is_refused_on_edit_too(vault: Vault) -> None:
    case = vault.new_case("RJ-E")
    action = case.add_action("Apology")
    risk = case.add_risk("Pressure")
    with pytest.raises(RjfacilError, match="Describe the action first"):
        case.update_action(action.id, description=" ")
    with pytest.raises(RjfacilError, match="Describe the risk first"):
        case.update_risk(risk.id, description="")
    assert (case.actions[0].description, case.risks[0].description) == ("Apology", "Pressure")


def test_revising_a_note_text_and_sharing_is_one_change(vault: Vault) -> None:
    case = vault.new_case("RJ-N")
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben")
    note = case.add_note("Ana would like to know why.", participant_id=harmed.id)
    before = len(case.audit_log)
    case.revise_note(
        note.id,
        "Ana would like to know why it was her house.",
        share_how=ShareHow.SUMMARY,
        share_with=[responsible.id],
    )
    assert len(case.audit_log) == before + 1
    assert case.audit_log[-1].action == "revised a note and its sharing"
    assert case.note(note.id).share_with == [responsible.id]
    assert [r.text for r in case.note_history(note.id)] == [
        "Ana would like to know why.",
        "Ana would like to know why it was her house.",
    ]
    case.revise_note(note.id, "Ana would like to know why it was her house.")
    assert len(case.audit_log) == before + 1  # nothing changed, nothing written
