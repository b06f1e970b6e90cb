"""Read models (rjfacil.views): what a case means, as screens and exports show it.

Every test runs on a frozen clock (Monday 3 March 2025, 10:00 UTC) and needs no terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from rjfacil import clock
from rjfacil.casedoc.model import ActionStatus, LetterStatus
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import NotFound, RjfacilError
from rjfacil.views import dates, labels
from rjfacil.views.deadlines import action_status, due_dates, due_status, review_status
from rjfacil.views.flags import (
    explain,
    explanation_lines,
    explanations,
    flags,
    raised_flags,
    record_answer,
)
from rjfacil.views.next_steps import next_steps
from rjfacil.views.progress import (
    case_progress,
    first_unanswered,
    stage_progress,
    target_progress,
    walk_target,
)
from rjfacil.views.sections import CO_WORKING, MEETING, Section, section_answers
from rjfacil.views.summary import summarise
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
TODAY = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, zone=UTC, step=timedelta(seconds=1)):
        yield


def people(case: CaseFile) -> tuple[str, str]:
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    return str(harmed.id), str(responsible.id)


# -- dates --------------------------------------------------------------------------------------


def test_days_and_moments_read_as_a_facilitator_writes_them() -> None:
    assert dates.show_day(date(2025, 3, 3)) == "3 Mar 2025"
    assert dates.show_day(None) == ""
    assert dates.show_when(datetime(2025, 3, 3, 14, 5, tzinfo=UTC)) == "3 Mar 2025 14:05"
    assert dates.day_input(date(2025, 3, 14)) == "2025-03-14"
    assert dates.day_input(None) == ""
    assert dates.today_input() == "2025-03-03"


def test_moments_show_in_the_facilitators_time_zone() -> None:
    late = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    with clock.frozen(late, zone=timezone(timedelta(hours=2))):
        assert dates.show_when(late) == "1 Jul 2025 01:30"
        assert dates.show_day_of(late) == "1 Jul 2025"
        assert dates.local_day(late) == date(2025, 7, 1)
        assert dates.ago(late) == "today"


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2025-03-14", date(2025, 3, 14)),
        ("14/03/2025", date(2025, 3, 14)),
        ("4.3.2025", date(2025, 3, 4)),
        (" today ", TODAY),
        ("", None),
    ],
)
def test_a_typed_date_is_read_in_either_form(typed: str, day: date | None) -> None:
    assert dates.parse_day(typed) == day


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("12/12", date(2025, 12, 12)),  # later this year
        ("3/3", TODAY),
        ("20.3", date(2025, 3, 20)),
        ("14/01", date(2025, 1, 14)),  # a few weeks ago: this year's, not next
        ("28/02", date(2025, 2, 28)),
    ],
)
def test_a_day_and_month_without_a_year_is_this_years(typed: str, day: date) -> None:
    """People write "12/12" for a meeting date and "14/01" for a referral last month."""
    assert dates.parse_day(typed) == day


def test_a_day_and_month_late_in_the_year_means_next_year_early_on() -> None:
    with clock.frozen(datetime(2026, 12, 4, 10, tzinfo=UTC), zone=UTC):
        assert dates.parse_day("8/1") == date(2027, 1, 8)
        assert dates.parse_day("20/11") == date(2026, 11, 20)
        with pytest.raises(ValueError):  # no 29 February this year or next
            dates.parse_day("29/2")


@pytest.mark.parametrize("typed", ["14/13/2025", "next week", "2025-02-30", "31/2", "14/13"])
def test_a_typed_non_date_says_how_to_write_one(typed: str) -> None:
    with pytest.raises(ValueError, match="Write the date as 2025-03-14, 14/03/2025 or 14/03"):
        dates.parse_day(typed)


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (TODAY, "Today"),
        (TODAY + timedelta(days=1), "Tomorrow"),
        (TODAY - timedelta(days=1), "Yesterday"),
        (date(2025, 3, 12), "Wed 12 Mar"),
        (date(2026, 1, 5), "5 Jan 2026"),
    ],
)
def test_a_day_near_today_is_said_in_words(day: date, said: str) -> None:
    assert dates.relative_day(day) == said


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (NOW - timedelta(hours=9), "today"),
        (NOW - timedelta(days=1), "yesterday"),
        (NOW - timedelta(days=4), "4 days ago"),
        (NOW - timedelta(days=20), "11 Feb"),
        (NOW - timedelta(days=400), "28 Jan 2024"),
    ],
)
def test_how_long_ago_a_case_changed(moment: datetime, said: str) -> None:
    assert dates.ago(moment) == said


# -- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "overdue", "today", "phrase", "shown"),
    [
        (TODAY - timedelta(days=2), True, False, "overdue", "1 Mar 2025 overdue"),
        (TODAY, False, True, "due today", "3 Mar 2025"),
        (TODAY + timedelta(days=1), False, False, "tomorrow", "4 Mar 2025"),
        (TODAY + timedelta(days=9), False, False, "in 9 days", "12 Mar 2025"),
    ],
)
def test_views_says_whether_a_date_is_overdue_due_today_or_in_n_days(
    due: date, overdue: bool, today: bool, phrase: str, shown: str
) -> None:
    status = due_status(due)
    assert (status.overdue, status.due_today, status.phrase) == (overdue, today, phrase)
    assert status.day_overdue == shown


def test_a_resolved_risk_and_a_done_action_are_never_overdue(vault: Vault) -> None:
    case = vault.new_case("RJ-D1")
    past = TODAY - timedelta(days=5)
    open_risk = case.add_risk("Brother on the street", review_date=past)
    resolved = case.add_risk("Old worry", review_date=past, resolved=True)
    open_action = case.add_action("Write a letter", due=past)
    done = case.add_action("Pay for the window", due=past, status=ActionStatus.DONE)
    assert (status := review_status(open_risk)) is not None and status.overdue
    assert review_status(resolved) is None
    assert (status := action_status(open_action)) is not None and status.overdue
    assert action_status(done) is None
    assert [due.label for due in due_dates(case)] == ["Risk review", "Agreement action due"]


def test_a_meeting_shows_until_its_day_has_passed(vault: Vault) -> None:
    case = vault.new_case("RJ-D2", meeting_date=TODAY)
    assert [(due.label, due.status().phrase) for due in due_dates(case)] == [
        ("Meeting", "due today")
    ]
    case.update_case(meeting_date=TODAY - timedelta(days=1))
    assert due_dates(case) == []


# -- progress and next steps ----------------------------------------------------------------


def test_progress_counts_the_current_stages_checklists(vault: Vault) -> None:
    case = vault.new_case("RJ-P1", stage=Stage.ASSESSMENT)
    people(case)
    before = stage_progress(case)
    assert before is not None and before.stage == "assessment" and before.answered == 0
    case.answer("risk", "initial_assessment", "no")  # answered, and needs attention
    after = stage_progress(case)
    assert after is not None
    assert (after.total, after.answered, after.attention) == (before.total, 1, 1)
    row = summarise(case)
    assert (row.stage_answered, row.stage_total) == (after.answered, after.total)
    assert not row.stage_complete
    assert case_progress(case).answered == 1


def test_a_closed_case_counts_the_closure_checklist(vault: Vault) -> None:
    case = vault.new_case("RJ-P2")
    people(case)
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)
    stage = stage_progress(case)
    assert stage is not None and stage.stage == "closure"


def test_walking_a_target_counts_and_skips_what_is_answered(vault: Vault) -> None:
    case = vault.new_case("RJ-P3")
    target = walk_target(case, "risk", None)
    assert first_unanswered(case, target) == 0
    case.answer("risk", "initial_assessment", "yes")
    assert first_unanswered(case, target) == 1
    case.answer("risk", "prior_assessments", "no")
    assert first_unanswered(case, target, after=0) == 2
    last = len(target.items) - 1
    assert first_unanswered(case, target, after=last) is None
    assert target_progress(case, target).answered == 2


def test_a_participant_no_longer_in_the_case_cannot_be_walked(vault: Vault) -> None:
    case = vault.new_case("RJ-P4")
    with pytest.raises(NotFound, match="no longer in the case"):
        walk_target(case, "risk", uuid4())
    with pytest.raises(RjfacilError, match="no checklist 'gone'"):
        walk_target(case, "gone", None)


def test_next_steps_start_with_the_current_stage(vault: Vault) -> None:
    case = vault.new_case("RJ-N1", stage=Stage.ASSESSMENT)
    people(case)
    steps = next_steps(case)
    assert len(steps) == 5
    assert steps[0].checklist_id == "risk" and steps[0].item_id == "initial_assessment"
    assert (steps[0].target, steps[0].answered) == ("Risk assessment", 0)
    assert all(case.catalogue.checklist(step.checklist_id).stage == "assessment" for step in steps)
    case.answer("risk", "initial_assessment", "yes")
    first = next_steps(case)[0]
    assert (first.item_id, first.answered) == ("prior_assessments", 1)


def test_next_steps_name_the_participant_they_are_for(vault: Vault) -> None:
    case = vault.new_case("RJ-N2", stage=Stage.ASSESSMENT)
    harmed, _ = people(case)
    informing = [step for step in next_steps(case, limit=10) if step.checklist_id == "informing"]
    assert str(informing[0].participant_id) == harmed
    assert "Ana Silva (person harmed)" in informing[0].target


# -- sections -------------------------------------------------------------------------------------


def test_the_co_working_section_is_named_by_checklist_not_by_reference(vault: Vault) -> None:
    case = vault.new_case("RJ-S1")
    answers = section_answers(case, CO_WORKING)
    assert answers.known and answers.applies and not answers.flag_raised
    assert {each.checklist_id for each in answers.items} == {"coworking"}
    assert answers.answered == 0 and answers.total == len(answers.items) > 0
    record_answer(case, "coworking", "learning", "yes")
    answers = section_answers(case, CO_WORKING)
    assert answers.flag_raised
    learning = next(each for each in answers.items if each.item.id == "learning")
    assert (learning.answered, learning.answer) == (True, "yes")
    assert answers.answered == 1
    missing = section_answers(case, Section("Z", "Nothing", ("not_a_checklist",)))
    assert not missing.known and missing.items == []


def test_the_meeting_section_applies_once_the_process_is_a_meeting(vault: Vault) -> None:
    case = vault.new_case("RJ-S2", process=ProcessType.LETTER)
    harmed, _ = people(case)
    answers = section_answers(case, MEETING)
    assert not answers.applies
    assert answers.items, "every question it would ask is listed"
    assert any(each.participant and "Ana Silva" in each.participant for each in answers.items)
    case.update_case(process=ProcessType.FACE_TO_FACE)
    assert section_answers(case, MEETING).applies
    asked_of = {str(each.participant_id) for each in section_answers(case, MEETING).items}
    assert harmed in asked_of


# -- flags ----------------------------------------------------------------------------------------


def test_an_explanation_says_what_raised_a_flag_who_answered_and_what_it_asks(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-F1")
    case.answer("sensitive", "manipulation", "yes")
    explained = {each.flag_id: each for each in explanations(case)}
    sensitive = explained["sensitive_complex"]
    assert sensitive.raised and sensitive.title == "Sensitive and complex case"
    assert sensitive.asks, "what the guidance asks next"
    [reason] = sensitive.reasons
    assert (reason.answer, reason.answered_by, reason.participant) == ("yes", "Sam Okafor", None)
    assert reason.answered_at is not None and reason.answered_at.date() == TODAY
    oversight = explained["managerial_oversight"]
    assert oversight.reasons == []
    assert [(via.flag_id, len(via.reasons)) for via in oversight.via] == [("sensitive_complex", 1)]
    lines = explanation_lines(oversight)
    assert "Follows from the flag 'Sensitive and complex case', raised by:" in lines


def test_an_explanation_names_the_participant_an_answer_is_about(vault: Vault) -> None:
    case = vault.new_case("RJ-F2")
    _, responsible = people(case)
    case.answer("risk", "intimidation", "yes", participant_id=UUID(responsible))
    # Intimidation is a risk to manage (A 2(a) 3, 6), not a sensitive and complex case.
    [to_manage] = [each for each in explanations(case) if each.flag_id == "risk_to_manage"]
    assert [reason.participant for reason in to_manage.reasons] == ["Ben Cole (person responsible)"]
    assert "for Ben Cole (person responsible)" in explanation_lines(to_manage)[1]


def test_an_override_is_part_of_the_explanation(vault: Vault) -> None:
    case = vault.new_case("RJ-F3")
    case.answer("sensitive", "manipulation", "yes")
    case.override_flag(
        "managerial_oversight",
        "Manager reviewed it on the phone",
        True,
        "Lee Manager",
        date(2025, 3, 3),
    )
    state = next(s for s in flags(case) if s.flag.id == "managerial_oversight")
    explained = explain(case, state)
    assert not explained.raised
    assert explained.override is not None
    assert (explained.override.by, explained.override.cleared) == ("Lee Manager", True)
    assert not explained.override.outdated
    assert explanation_lines(explained)[-1] == (
        "Cleared by Lee Manager on 3 Mar 2025: Manager reviewed it on the phone"
    )


def test_recording_an_answer_says_which_flags_it_newly_raised(vault: Vault) -> None:
    case = vault.new_case("RJ-F4")
    first = record_answer(case, "sensitive", "manipulation", "yes")
    assert first.answered
    assert [each.flag_id for each in first.newly_raised] == [
        "sensitive_complex",
        "co_working_advised",
        "managerial_oversight",
    ]
    # Co-working is already raised: answering another co-working question raises nothing new.
    again = record_answer(case, "coworking", "learning", "yes")
    assert again.newly_raised == []
    cleared = record_answer(case, "sensitive", "manipulation", None)
    assert not cleared.answered and cleared.newly_raised == []
    assert "sensitive_complex" not in raised_flags(case)


def test_a_refused_answer_raises_nothing_and_saves_nothing(vault: Vault) -> None:
    case = vault.new_case("RJ-F5")
    with pytest.raises(RjfacilError, match="not an answer"):
        record_answer(case, "sensitive", "manipulation", "perhaps")
    assert ("sensitive", "manipulation", None) not in case.answers()
    assert raised_flags(case) == []


# -- labels ---------------------------------------------------------------------------------------


def test_labels_come_from_one_place(vault: Vault) -> None:
    case = vault.new_case("RJ-L1")
    assert labels.stage_text(case.case) == "Referral"
    case.update_case(stage=Stage.WITHDRAWN, closure_reason=ClosureReason.WITHDREW_PERSON_HARMED)
    assert labels.stage_text(case.case) == "Withdrawn: the person harmed withdrew"
    assert labels.stage_label(Stage.AGREEMENT) == "Outcome agreement"
    # A checklist's stage is named as the stage list names it; closure is not a case stage.
    assert labels.checklist_stage_label("follow_up") == "Follow-up"
    assert labels.checklist_stage_label("agreement") == "Outcome agreement"
    assert labels.checklist_stage_label("closure") == "Closure"
    assert labels.role_label(Role.PERSON_RESPONSIBLE) == "Person responsible"
    assert labels.process_label(None) == "Not chosen yet"
    assert labels.process_label(ProcessType.FACE_TO_FACE) == "Face to face"
    assert labels.letter_status_label(LetterStatus.UNDER_REVIEW) == "Being vetted"
    assert labels.action_status_label(ActionStatus.NOT_DONE) == "Not done"
    assert labels.answer_kind_label("yes_no_unknown") == "yes / no / unknown"
    assert labels.search_where_label("note") == "Note"
    assert labels.search_where_label("letter_version") == "Letter version"
    assert labels.flag_label("co_working_advised") == "Co-working"
    assert labels.flag_label("new_flag_id") == "New flag id"


def test_a_cleared_flag_says_the_day_the_manager_cleared_it_not_the_day_it_was_recorded(
    vault: Vault,
) -> None:
    # Issue 11: "Cleared by X on ..." is the cleared_on the manager gave (HMPPS 4.21).
    case = vault.new_case("RJ-F3b")
    case.answer("sensitive", "manipulation", "yes")
    recorded = clock.now().date()
    cleared_on = recorded - timedelta(days=12)
    case.override_flag(
        "managerial_oversight", "Agreed at supervision", True, "Lee Manager", cleared_on
    )
    state = next(s for s in flags(case) if s.flag.id == "managerial_oversight")
    explained = explain(case, state)
    assert explanation_lines(explained)[-1] == (
        f"Cleared by Lee Manager on {dates.show_day(cleared_on)}: Agreed at supervision"
    )


def test_the_demo_owner_carries_one_role_label(vault: Vault, tmp_path: Path) -> None:
    # Issue 11: the decision form showed "Robin Ashdown (demo facilitator) (facilitator)".
    from rjfacil.demo import DEMO_OWNER

    demo, _code = Vault.create(tmp_path / "one-label", PASSPHRASE, DEMO_OWNER)
    with demo:
        case = demo.new_case("RJ-L1")
        assert case.person_label(demo.owner.id) == DEMO_OWNER
        assert DEMO_OWNER in [case.person_label(each) for each in case.people()]
    other = vault.new_case("RJ-L2")
    assert other.person_label(vault.owner.id) == "Sam Okafor (facilitator)"
