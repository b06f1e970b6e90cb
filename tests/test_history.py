"""The case history says what changed, from what to what, in words: no field names, no
ids (issues 11 and 13); a summary's history follows its redaction."""

from __future__ import annotations

import re
from datetime import date

from rjfacil.casedoc.audit import entry_hash
from rjfacil.casedoc.model import ConsentPurpose
from rjfacil.views.history import case_history
from rjfacil.views.redaction import redactor_for
from rjfacil.views.supervision import supervisor_summary
from rjfacil.vocab import ClosureReason, Role, Stage
from rjfacil.workspace import Vault
from tests.conftest import OWNER

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}")
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def whats(vault: Vault, reference: str, **options) -> list[str]:
    case = vault.open_case(vault.find_case(reference))
    return [entry.what for entry in case_history(case, **options)]


def test_a_change_to_the_case_says_from_what_to_what(vault: Vault) -> None:
    case = vault.new_case("RJ-60")
    case.record_decision("first_contact", "go", vault.owner.id, date(2026, 11, 2), "Safe.")
    case.update_case(stage=Stage.ASSESSMENT, referral_date=date(2026, 11, 2))
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.WITHDREW_PERSON_HARMED)
    case.update_case(summary="Damage to a car.", co_worker="Priya Shah")
    newest, closed, first = whats(vault, "RJ-60")[:3]
    assert first == (
        "Changed the stage from Referral to Assessment; set the referral date to 2 Nov 2026"
    )
    assert closed == (
        "Changed the stage from Assessment to Closed; "
        "set the closure reason to the person harmed withdrew"
    )
    assert newest == "Set the co-worker to Priya Shah; set the case summary to “Damage to a car.”"


def test_no_history_line_shows_a_field_name_or_an_id(vault: Vault) -> None:
    case = vault.new_case("RJ-61")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    case.update_participant(ann.id, address_as="Annie")
    case.record_consent(ann.id, ConsentPurpose.TAKE_PART)
    case.record_consent(ann.id, ConsentPurpose.SHARING, given=False)
    case.add_note("She would like a letter.", participant_id=ann.id)
    case.answer("risk", "initial_assessment", "yes")
    case.override_flag("co_working_advised", "Discussed with the line manager")
    case.record_decision("first_contact", "go", vault.owner.id, date(2026, 11, 2), "Safe.")
    case.update_case(stage=Stage.ASSESSMENT)
    lines = whats(vault, "RJ-61")
    for line in lines:
        assert not UUID_TEXT.search(line), line
        assert not FIELD_NAME.search(line), line
        assert line[0].isupper(), line
    assert "Added Ann Ode (person harmed)" in lines
    assert "Set how Ann Ode wishes to be addressed to “Annie”" in lines
    assert "Recorded Ann Ode's consent: taking part" in lines
    assert "Recorded Ann Ode's withdrawal of consent: sharing information" in lines
    assert "Added a note about Ann Ode" in lines
    assert any(line.startswith("Answered “") and line.endswith(": yes") for line in lines)
    assert "Cleared the flag “Co-working advised”: Discussed with the line manager" in lines


def test_the_facilitator_reads_you_and_a_summary_reads_their_name(vault: Vault) -> None:
    case = vault.new_case("RJ-62")
    case.add_note("First visit.")
    assert case_history(case, you=True)[0].who == "You"
    assert case_history(case)[0].who == OWNER


def test_a_redacted_history_hides_names_and_typed_reasons(vault: Vault) -> None:
    case = vault.new_case("RJ-63")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    case.record_consent(ann.id, ConsentPurpose.TAKE_PART)
    case.override_flag("co_working_advised", "Ann Ode prefers one facilitator")
    lines = [e.what for e in case_history(case, redactor_for(case, "full"))]
    assert not any("Ann" in line or "Ode" in line for line in lines), lines
    assert not any("prefers" in line for line in lines), lines


def test_a_date_answer_reads_as_a_day_and_a_letter_names_who_it_is_between(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-64")
    case.answer("referral", _date_item(case), "2026-11-15", note="From the probation file.")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    ben = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    letter = case.add_letter(ann.id, "Dear Ben,", to_participant=ben.id)
    case.set_letter_status(letter.id, "under_review")
    lines = whats(vault, "RJ-64")
    assert lines[0] == "Set the letter from Ann Ode to Ben Cole to “under review”"
    answered = lines[-2]  # the oldest is "Opened the case"
    assert answered.endswith(": 15 Nov 2026 (with a note: From the probation file.)"), answered
    assert "2026-11-15" not in " ".join(lines)


def _date_item(case) -> str:  # type: ignore[no-untyped-def]
    return next(i.id for i in case.catalogue.checklist("referral").items if i.kind == "date")


def test_an_edit_says_which_detail_changed_from_what_to_what(vault: Vault) -> None:
    case = vault.new_case("RJ-65")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode", contact="0700 900 100")
    case.update_participant(ann.id, contact="0711 222 333", role=Role.SUPPORTER)
    action = case.add_action("Write a letter of apology to the shop", due=date(2026, 3, 3))
    case.update_action(action.id, due=date(2026, 3, 10), by_whom=ann.id)
    risk = case.add_risk("Ben may call her at work")
    case.update_risk(risk.id, rating="high", resolved=True)
    case.update_participant(ann.id, access_needs="A quiet room " * 20)
    access, resolved, _, due, _, contact = whats(vault, "RJ-65")[:6]
    assert contact == (
        "Changed Ann Ode's role from person harmed to supporter; "
        "changed Ann Ode's contact details from “0700 900 100” to “0711 222 333”"
    )
    assert due == (
        "The agreement action “Write a letter of apology to…”: set who does it to Ann Ode; "
        "changed the due date from 3 Mar 2026 to 10 Mar 2026"
    )
    assert resolved == (
        "The risk “Ben may call her at work”: changed the rating from medium to high; "
        "changed it from open to resolved"
    )
    # A long text is shortened, at a word, with an ellipsis.
    assert access == "Set Ann Ode's access needs to “A quiet room A quiet room A…”"


def test_an_export_names_an_edited_detail_without_its_old_or_new_value(vault: Vault) -> None:
    case = vault.new_case("RJ-66")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode", contact="0700 900 100")
    case.update_participant(ann.id, name="Ann Cole", contact="0711 222 333")
    case.update_case(stage=Stage.ASSESSMENT, going_on_because="The manager agreed.")
    for level in ("none", "names"):
        summary = supervisor_summary(case, level)
        said = " ".join(line.what for line in summary.history)
        assert "0700" not in said and "0711" not in said, said
        assert "Ode" not in said, said  # her former name
    renamed = supervisor_summary(case, "names").history[1].what
    assert renamed == "Changed Person harmed A.'s name; changed Person harmed A.'s contact details"
    # Stages and dates are words, not typed text: an export says them.
    moved = supervisor_summary(case, "names").history[0].what
    assert moved.startswith("Changed the stage from Referral to Assessment, although"), moved


def test_an_entry_without_changes_hashes_as_before_and_a_reader_without_the_field_verifies(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-67")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    case.update_participant(ann.id, contact="0700 900 100")
    added, edited = case.audit_log[-2:]
    assert "changes" not in added.model_dump(mode="json")  # stored as it always was
    stored = edited.model_dump(mode="json")
    assert stored["changes"] == [{"field": "contact", "old": "", "new": "0700 900 100"}]
    # A reader that does not know ``changes`` keeps it as written, and hashes it so.
    assert entry_hash(stored) == edited.hash
    assert case.chain_problems() == []


def test_completing_an_action_and_changing_the_agreement_say_what_changed(vault: Vault) -> None:
    case = vault.new_case("RJ-68")
    ann = case.add_participant(Role.PERSON_HARMED, "Ann Ode")
    ben = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    action = case.add_action("Pay for the window", by_whom=ben.id)
    case.complete_action(action.id, "Receipt seen", date(2026, 11, 3), ben.id)
    case.record_agreement(terms="Pay for the window.", agreed_by=[ann.id, ben.id])
    case.record_agreement(terms="Pay for the window and write.", agreed_on=date(2026, 11, 1))
    case.update_case(meeting_venue="Community centre, Room 2")
    case.update_case(meeting_venue="")
    cleared, venue, agreed, _, done = whats(vault, "RJ-68")[:5]
    assert done == (
        "The agreement action “Pay for the window”: changed it from open to done; "
        "set the day it was completed to 3 Nov 2026; set what shows it was done to "
        "“Receipt seen”; set who recorded what shows it to Ben Cole"
    )
    assert agreed == (
        "The outcome agreement: changed the terms from “Pay for the window.” to “Pay for the "
        "window and write.”; set the day it was made to 1 Nov 2026"
    )
    assert (venue, cleared) == (
        "Set the meeting venue to “Community centre, Room 2”",
        "Cleared the meeting venue",
    )
