"""A demo vault of fictional cases at different stages, so a new user sees every screen.

Every name, place and event here is invented. The answers are looked up in the catalogue by
what they do (the item that raises a flag, the first items of a checklist), so the demo
keeps working when the checklist content is revised.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from rjfacil import clock
from rjfacil.casedoc.model import (
    AnswerValue,
    Bindingness,
    ConsentPurpose,
    DecisionOutcome,
    DecisionPoint,
    FeedbackHow,
    LetterStatus,
    NoteSource,
    RiskRating,
    ShareHow,
    VettingDecision,
)
from rjfacil.checklists.schema import Item
from rjfacil.commands.casefile import CLOSED_ON, CaseFile
from rjfacil.store import kdf
from rjfacil.views.letters import vetting_items
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage
from rjfacil.workspace import Vault

DEMO_OWNER = "Robin Ashdown (demo facilitator)"


def ensure_demo_vault(home: Path, passphrase: str) -> bool:
    """Create the demo vault at ``home`` unless one is there. Returns True if it was made."""
    if Vault.exists(home):
        return False
    vault, _recovery = Vault.create(home, passphrase, DEMO_OWNER)
    try:
        fill_demo_vault(vault)
    finally:
        vault.close()
    return True


def fill_demo_vault(vault: Vault) -> None:
    _sensitive_case(vault)
    _co_worked_case(vault)
    _letter_case(vault)
    _follow_up_case(vault)
    _closed_case(vault)
    _past_retention_case(vault)
    _supervision(vault)


def _first_items(case: CaseFile, checklist_id: str, count: int, scope: str) -> list[Item]:
    checklist = case.catalogue.checklist(checklist_id)
    items = [
        item
        for item in checklist.items
        if (item.scope or checklist.scope) == scope and item.kind in ("check", "yes_no_unknown")
    ]
    return items[:count]


def _answer_plainly(
    case: CaseFile,
    checklist_id: str,
    count: int,
    participant_id: UUID | None = None,
    value: str = "yes",
) -> None:
    """Answer the first ``count`` yes/no items of a checklist without raising any flag."""
    scope = "participant" if participant_id else "case"
    for item in _first_items(case, checklist_id, count * 2, scope):
        raising = [v for rule in item.flags for v in rule.when]
        answer: bool | str = True if item.kind == "check" else value
        if answer in raising:
            answer = "no"
            if item.kind == "check" or answer in raising:
                continue
        case.answer(checklist_id, item.id, answer, participant_id=participant_id)
        count -= 1
        if count == 0:
            return


def _item_raising(case: CaseFile, checklist_id: str, flag: str, words: str) -> Item:
    """The item of a checklist that raises ``flag`` and mentions ``words``."""
    checklist = case.catalogue.checklist(checklist_id)
    candidates = [item for item in checklist.items if any(rule.flag == flag for rule in item.flags)]
    for item in candidates:
        if words in f"{item.id} {item.ask}".lower():
            return item
    return candidates[0]


def _deadline_with_done_by(case: CaseFile, checklist_id: str) -> tuple[Item, Item]:
    """The first date item of a checklist whose timescale has a ``done_by``, and that item."""
    checklist = case.catalogue.checklist(checklist_id)
    for item in checklist.items:
        if item.deadline is not None and item.deadline.done_by is not None:
            done = checklist.item(item.deadline.done_by)
            if done is not None and (item.scope or checklist.scope) == "case":
                return item, done
    raise LookupError(f"no timescale with a done_by in {checklist_id}")


def _item_raising_blocking(case: CaseFile, checklist_id: str) -> Item:
    """The first case item of a checklist that raises a blocking flag on "yes"."""
    checklist = case.catalogue.checklist(checklist_id)
    for item in checklist.items:
        if (item.scope or checklist.scope) != "case":
            continue
        for rule in item.flags:
            if case.catalogue.flags[rule.flag].blocking and "yes" in rule.when:
                return item
    raise LookupError(f"no item raising a blocking flag in {checklist_id}")


def _sensitive_case(vault: Vault) -> None:
    today = clock.today()
    case = vault.new_case(
        "RJ-2026-014",
        referral_date=today - timedelta(days=12),
        summary="Referred by the probation service after a burglary at a family home.",
    )
    harmed = case.add_participant(
        Role.PERSON_HARMED, "Alex Morgan", address_as="Alex", access_needs="Prefers mornings."
    )
    responsible = case.add_participant(
        Role.PERSON_RESPONSIBLE, "Jordan Lee", address_as="Mr Lee", contact="Via the prison"
    )
    # Released on licence: the history says the contact changed, from what to what.
    case.update_participant(responsible.id, contact="Via probation")
    case.record_consent(harmed.id, ConsentPurpose.TAKE_PART, form="verbal")
    case.record_consent(responsible.id, ConsentPurpose.TAKE_PART, form="written")
    case.record_consent(
        harmed.id,
        ConsentPurpose.SHARING,
        information="Their questions about why their home was chosen",
        share_with=[responsible.id],
    )
    _answer_plainly(case, "risk", 3)
    factor = _item_raising(case, "sensitive", "sensitive_complex", "domestic")
    case.answer(
        "sensitive",
        factor.id,
        "yes",
        note="The two are former partners; the burglary followed the end of the relationship.",
    )
    # Referred through probation: the HMPPS duties apply (the case facts, HMPPS 1.4).
    case.answer("facts", "route", "hmpps")
    # The referral reached the provider within fifteen working days of the request: the
    # timescale shows as met (HMPPS 4.3).
    start, done = _deadline_with_done_by(case, "referral")
    case.answer("referral", start.id, (today - timedelta(days=20)).isoformat())
    case.answer("referral", done.id, (today - timedelta(days=12)).isoformat())
    # The person harmed is in the Victim Contact Scheme and the offender manager heard two
    # days ago: notifying the VLO is due within five working days (HMPPS), still to do.
    case.answer("referral", "person_harmed_in_vcs", "yes")
    case.answer("referral", "vlo_notice_received", (today - timedelta(days=2)).isoformat())
    # Decisions as records (A 2(a) 2, 6): who decided, when, why; on the HMPPS route with
    # the manager who gave oversight (HMPPS 4.4, 4.22), named here for the first time.
    case.record_decision(
        DecisionPoint.FIRST_CONTACT,
        DecisionOutcome.GO,
        vault.owner.id,
        today - timedelta(days=11),
        "Risk assessments read; probation confirmed both may be contacted.",
        oversight_by="Rowan Hale",
        oversight_on=today - timedelta(days=13),
    )
    case.update_case(stage=Stage.ASSESSMENT)  # first contact, after its go-ahead
    case.record_decision(
        DecisionPoint.DIRECT_COMMUNICATION,
        DecisionOutcome.WAIT,
        vault.owner.id,
        today - timedelta(days=2),
        "Not until the child protection concern is referred and the risk reviewed.",
        oversight_by=next(m.id for m in case.team if m.name == "Rowan Hale"),
        oversight_on=today - timedelta(days=2),
    )
    # A concern that stops the case moving on until it is dealt with (A 2(a) 5).
    concern = _item_raising_blocking(case, "risk")
    case.answer(
        "risk",
        concern.id,
        "yes",
        note="Alex's children were at home at the time; to be referred under local procedures.",
    )
    risk = case.add_risk(
        "Contact outside the process could put Alex under pressure.",
        rating=RiskRating.MEDIUM,
        mitigation="No direct contact details shared; all messages through the facilitator.",
        review_date=today + timedelta(days=7),
        participant_id=harmed.id,
    )
    # Raised once the concern above came to light (the history: from medium to high).
    case.update_risk(risk.id, rating=RiskRating.HIGH)
    case.add_note(
        "Alex wants to know why their home was chosen and whether it will happen again.",
        participant_id=harmed.id,
        source=NoteSource.FROM_PARTICIPANT,
        share_with=[responsible.id],
        share_how=ShareHow.SUMMARY,
    )
    case.add_note(
        "Alex seemed anxious when the relationship came up; check what support they have.",
        participant_id=harmed.id,
        source=NoteSource.FACILITATOR_ASSESSMENT,
        private=True,
    )


def _co_worked_case(vault: Vault) -> None:
    today = clock.today()
    case = vault.new_case(
        "RJ-2026-009",
        referral_date=today - timedelta(days=30),
        co_worker="Priya Shah",
        case_supervisor="Dana Whitfield",
        summary="Assault outside a football ground; both want to meet.",
    )
    harmed = case.add_participant(Role.PERSON_HARMED, "Sam Rivera", address_as="Sam")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Casey Brook")
    supporter = case.add_participant(
        Role.SUPPORTER, "Morgan Rivera", address_as="Morgan", supports=harmed.id
    )
    case.record_decision(
        DecisionPoint.FIRST_CONTACT,
        DecisionOutcome.GO,
        vault.owner.id,
        today - timedelta(days=28),
        "Police referral read with Priya; both may be contacted by letter first.",
    )
    case.update_case(stage=Stage.PREPARATION, process=ProcessType.FACE_TO_FACE)
    for person in (harmed, responsible):
        case.record_consent(person.id, ConsentPurpose.TAKE_PART, form="written")
        case.record_consent(
            person.id, ConsentPurpose.COMMUNICATION, process=ProcessType.FACE_TO_FACE
        )
    case.record_consent(supporter.id, ConsentPurpose.TAKE_PART)
    _answer_plainly(case, "coworking", 4)
    case.answer("coworking", "co_worked", "yes")
    _answer_plainly(case, "informing", 4, participant_id=harmed.id)
    answered = case.answers()
    later = next(
        item
        for item in _first_items(case, "informing", 20, "participant")
        if ("informing", item.id, harmed.id) not in answered
    )
    case.answer(
        "informing",
        later.id,
        None,
        participant_id=harmed.id,
        note="I could not ask this today: Sam's brother was in the room, and Sam wants to "
        "talk about it alone.",
    )
    case.add_note(
        "Priya prepared Casey alone on Tuesday; notes to compare before the joint meeting.",
        source=NoteSource.FACILITATOR_ASSESSMENT,
    )
    _merge_from_co_worker(vault, case, supporter.id)


def _merge_from_co_worker(vault: Vault, case: CaseFile, supporter_id: UUID) -> None:
    """Priya works on her copy of the case, and her case file is merged back: the demo then
    shows her note, her name on what she wrote, and one value set aside to review (both
    changed how the supporter is addressed).

    Her vault lives only while the demo is made, in a private folder beside the demo vault
    (not the shared temporary folder), with the demo vault's own key-derivation settings.
    """
    params = kdf.KdfParams.from_dict(vault.door.header.slot(kdf.SLOT_PASSPHRASE)["kdf"])
    with tempfile.TemporaryDirectory(prefix=".co-worker-", dir=vault.home.parent) as folder:
        there = Path(folder)
        priya, _code = Vault.create(there / "priya", "demo co-worker only", "Priya Shah", params)
        try:
            vault.export_bundle(case.id, there / "to-priya.age", recipients=[priya.recipient])
            theirs = priya.import_bundle(
                priya.preview_import(priya.read_bundle(there / "to-priya.age"))
            )
            case.update_participant(supporter_id, address_as="Mo")
            theirs.add_note(
                "Casey asked whether Sam's father will come; I said I would check with Sam first.",
                participant_id=next(
                    p.id for p in theirs.participants if p.role is Role.PERSON_RESPONSIBLE
                ),
                source=NoteSource.FROM_PARTICIPANT,
            )
            theirs.update_participant(supporter_id, address_as="Morgan (Sam's brother)")
            priya.export_bundle(theirs.id, there / "to-robin.age", recipients=[vault.recipient])
        finally:
            priya.close()
        vault.import_bundle(vault.preview_import(vault.read_bundle(there / "to-robin.age")))


def _letter_case(vault: Vault) -> None:
    today = clock.today()
    case = vault.new_case(
        "RJ-2026-011",
        referral_date=today - timedelta(days=45),
        summary="Criminal damage to a community garden; the person harmed chose letters.",
    )
    harmed = case.add_participant(Role.PERSON_HARMED, "Riverside Garden Group (Lee Ann Cho)")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Taylor Quinn", address_as="Taylor")
    case.record_decision(
        DecisionPoint.FIRST_CONTACT,
        DecisionOutcome.GO,
        vault.owner.id,
        today - timedelta(days=40),
        "No concerns in the referral; the group asked to be contacted by email first.",
    )
    case.update_case(stage=Stage.COMMUNICATION, process=ProcessType.LETTER)
    case.record_consent(
        harmed.id, ConsentPurpose.COMMUNICATION, process=ProcessType.LETTER, form="written"
    )
    case.update_case(co_worker="Priya Shah", case_supervisor="Dana Whitfield")
    # One matter, two duties: the risk assessment asks about each person's motivation
    # (A 2(a) 3); Section B's first test (B) shows those answers and asks only whether
    # significant further harm could follow. Whether Lee Ann is intimidated (A 2(a) 3) shows
    # with whether the group's decision is its own (HMPPS 6.1).
    case.answer("risk", "motivation", "no", harmed.id)
    case.answer(
        "risk",
        "motivation",
        "yes",
        responsible.id,
        note="Keen to be forgiven quickly so the group will stop talking about it.",
    )
    case.answer(
        "sensitive",
        "motivation_ability_to_harm",
        "no",
        note="Wanting it over is about himself; nothing suggests he would harm the group.",
    )
    case.answer("risk", "intimidation", "no", harmed.id)
    case.answer("informing", "decision_free", "yes", harmed.id)
    # Each version is vetted on its own (A 3(a) 11-12): the letter checklist's questions,
    # the decision and the reasons, with who vetted it and when.
    answers: dict[str, AnswerValue] = {
        item.id: ("yes" if item.kind == "yes_no_unknown" else True) for item in vetting_items(case)
    }
    answers["letter_hidden_messages"] = "no"
    first = case.add_letter(
        responsible.id,
        "Dear Lee Ann,\n"
        "I am writing to say sorry for what happened to the garden that night.\n"
        "I know how much work your group put into it, and that some of the young people\n"
        "who planted it were upset when they saw the damage.\n"
        "I was not thinking about anyone but myself.",
        to_participant=harmed.id,
    )
    case.vet_letter(
        first.id,
        answers,
        VettingDecision.VETTED,
        "His own words, read with him in two sessions; nothing in it could identify the "
        "group's members or where they live.",
    )
    case.record_recipient_agreement(first.id, today - timedelta(days=20))
    case.set_letter_status(first.id, LetterStatus.DELIVERED, "Handed to Lee Ann in person.")
    # The group's reply, linked to the letter it answers.
    case.add_letter(
        harmed.id,
        "Taylor, thank you for your letter. We would like to know why our garden was "
        "chosen. We are not ready to meet.",
        to_participant=responsible.id,
        in_reply_to=first.id,
    )
    # Taylor's answer: its first version was vetted; he then rewrote it, so the new text is
    # not vetted, and the reading aid points at the minimising, the pressure to forgive
    # and to meet, and the place and time it names.
    second = case.add_letter(
        responsible.id,
        "Dear Lee Ann,\n"
        "You asked why it was your garden. It was on my way home and I was angry about\n"
        "something else; it had nothing to do with any of you.",
        to_participant=harmed.id,
    )
    case.vet_letter(second.id, answers, VettingDecision.VETTED, "Answers her question plainly.")
    case.revise_letter(
        second.id,
        "Dear Lee Ann,\n"
        "You asked why it was your garden. It was on my way home and it was only a bit of\n"
        "fun that went too far. I would like to meet you at the garden on Saturday at 10am\n"
        "to help put it right, so please forgive me.",
    )
    co_worker = case.case.co_worker
    assert co_worker is not None
    case.review_letter(
        second.id,
        co_worker,
        "The first version was his answer to her question; this one plays it down and asks "
        "her to meet at the garden, which the group has said it is not ready for. Talk it "
        "through with Taylor before it is vetted again.",
        today - timedelta(days=2),
    )


def _follow_up_case(vault: Vault) -> None:
    today = clock.today()
    case = vault.new_case(
        "RJ-2026-003",
        referral_date=today - timedelta(days=120),
        meeting_date=today - timedelta(days=40),
        meeting_venue="Community centre, small meeting room",
        summary="Theft from a corner shop; a face to face meeting took place.",
    )
    harmed = case.add_participant(Role.PERSON_HARMED, "Nadia Begum", address_as="Mrs Begum")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Chris Parry", address_as="Chris")
    for point, days, why in (
        (DecisionPoint.FIRST_CONTACT, 110, "Assessments read; both may be contacted."),
        (DecisionPoint.DIRECT_COMMUNICATION, 70, "Both wish to meet; measures agreed."),
        (DecisionPoint.MEETING, 42, "Risk reviewed after the last home visits: still safe."),
    ):
        case.record_decision(
            point, DecisionOutcome.GO, vault.owner.id, today - timedelta(days=days), why
        )
    case.update_case(stage=Stage.FOLLOW_UP, process=ProcessType.FACE_TO_FACE)
    for person in (harmed, responsible):
        case.record_consent(person.id, ConsentPurpose.TAKE_PART, form="written")
    supporter = case.add_participant(Role.SUPPORTER, "Jo Okoro", address_as="Jo")
    case.record_agreement(
        terms="Chris writes Mrs Begum a letter of apology, gives £30 towards what was "
        "taken, and volunteers for eight hours at the food bank. Chris and Mrs Begum "
        "agreed these together at the meeting; Chris suggested the food bank.",
        agreed_by=[harmed.id, responsible.id],
        agreed_on=today - timedelta(days=40),
        binding=Bindingness.VOLUNTARY,
        completion_shown_by="The letter is read by the facilitator before it is passed on; "
        "the money is handed over at a follow-up visit, witnessed; the food bank confirms "
        "the hours in writing.",
        tell_person_harmed="Mrs Begum would like a phone call on a weekday afternoon when "
        "each part is done, and no letters to the shop.",
    )
    done = case.add_action(
        "Write a letter of apology to Mrs Begum",
        by_whom=responsible.id,
        supported_by=supporter.id,
        supervised_by=vault.owner.id,
        due=today - timedelta(days=20),
    )
    case.complete_action(
        done.id,
        "The letter, read with Chris before it was passed on to Mrs Begum.",
        today - timedelta(days=22),
    )
    case.record_person_harmed_told(
        done.id, today - timedelta(days=21), "Phone call on a weekday afternoon, as she asked"
    )
    case.record_money_handover(
        3000,
        today - timedelta(days=15),
        witness=vault.owner.id,
        from_whom=responsible.id,
        to_whom=harmed.id,
        note="Cash at the follow-up visit; Mrs Begum signed a receipt.",
    )
    case.add_action(
        "Eight hours of volunteering at the food bank",
        by_whom=responsible.id,
        supported_by=supporter.id,
        supervised_by=vault.owner.id,
        due=today + timedelta(days=5),
    )
    case.add_action(
        "Repair the fence panel with the volunteer group",
        by_whom=responsible.id,
        due=today - timedelta(days=3),
    )
    case.add_action(
        "Facilitator to phone Mrs Begum about how she feels now",
        by_whom=vault.owner.id,
        due=today + timedelta(days=2),
    )


def _closed_case(vault: Vault) -> None:
    today = clock.today()
    case = vault.new_case("RJ-2025-087", referral_date=today - timedelta(days=200))
    harmed = case.add_participant(Role.PERSON_HARMED, "Jamie Fox")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Robin Hale")
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)
    # Feedback at the end (NCJB 3.7.5): one participant agreed to share theirs, the other's
    # stays confidential (the supervisor summary only counts it).
    case.record_feedback(
        harmed.id,
        today - timedelta(days=30),
        FeedbackHow.PHONE,
        "Hearing the answers to my questions mattered more than the apology. I would "
        "recommend it, but the wait before the meeting was hard.",
        may_share=True,
    )
    case.record_feedback(
        responsible.id,
        today - timedelta(days=28),
        FeedbackHow.FORM,
        "I was nervous the whole way through; the preparation visits helped. I would not "
        "want my answers passed on.",
    )


def _past_retention_case(vault: Vault) -> None:
    """A case closed seven years ago: past the default retention period of six years."""
    today = clock.today()
    closed = today - timedelta(days=7 * 365 + 30)
    case = vault.new_case("RJ-2018-004", referral_date=closed - timedelta(days=150))
    case.add_participant(Role.PERSON_HARMED, "Morgan Reid")
    case.add_participant(Role.PERSON_RESPONSIBLE, "Ash Tully")
    case.answer(CLOSED_ON[0], CLOSED_ON[1], closed.isoformat())
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)


def _supervision(vault: Vault) -> None:
    """Two supervision sessions, the last 15 weeks ago: past the 12-week interval, so the
    dashboard reminds."""
    today = clock.today()
    by_reference = {row.reference: row.id for row in vault.list_cases()}
    vault.add_supervision_session(
        today - timedelta(weeks=27),
        "Jo Bell",
        [by_reference["RJ-2025-087"]],
        "Talked through the closing letter to Jamie Fox. Agreed to offer a follow-up call "
        "in a month.",
    )
    later = vault.add_supervision_session(
        today - timedelta(weeks=15),
        "Jo Bell",
        [by_reference["RJ-2026-011"]],
        "Reviewed the letters case: the revised letter needs vetting again before it is "
        "handed over.",
    )
    # Corrected afterwards (e on the Supervision screen): a second case was discussed too.
    vault.update_supervision_session(
        later.id,
        later.held_on,
        later.supervisor,
        [by_reference["RJ-2026-011"], by_reference["RJ-2026-014"]],
        "Reviewed the letters case: the revised letter needs vetting again before it is "
        "handed over. Agreed to check the co-worker's notes before the joint meeting.",
    )
