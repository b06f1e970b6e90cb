"""Which checklists a case asks for, for whom, and how far they are answered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import (
    AnswerFact,
    ParticipantFact,
    applicable,
    next_unanswered,
    progress,
)
from rjfacil.checklists.load import load_catalogue

FIXTURES = Path(__file__).parent / "fixtures" / "checklists"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

HARMED = ParticipantFact("ph", "person_harmed", "Person harmed 1")
RESPONSIBLE = ParticipantFact("pr", "person_responsible", "Person responsible 1")
SUPPORTER = ParticipantFact("su", "supporter", "Supporter 1")
PEOPLE = [HARMED, RESPONSIBLE, SUPPORTER]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(FIXTURES / "builtin")


def answer(
    checklist: str, item: str, value: bool | str | None, who: str | None = None
) -> AnswerFact:
    return AnswerFact(checklist, item, who, value, "Sam", T0)


def keys(targets) -> list[tuple[str, str | None]]:
    return [(t.checklist.id, t.participant_id) for t in targets]


def test_case_and_participant_targets_follow_scope_and_roles(catalogue: Catalogue) -> None:
    assert keys(applicable(catalogue, [], PEOPLE)) == [
        ("intake", None),
        # a case checklist with a participant item: once for the case, once per person
        ("safety", None),
        ("safety", "ph"),
        ("safety", "pr"),
        ("safety", "su"),
        # a participant checklist for two roles, with one case item: the supporter is not
        # asked, and the case item makes a case target
        ("prep", None),
        ("prep", "ph"),
        ("prep", "pr"),
    ]


def test_items_per_target_follow_item_scope_and_roles(catalogue: Catalogue) -> None:
    targets = {keys([t])[0]: t for t in applicable(catalogue, [], PEOPLE)}
    assert [i.id for i in targets[("prep", None)].items] == ["venue_agreed"]
    assert [i.id for i in targets[("prep", "ph")].items] == ["informed", "support_person"]
    assert [i.id for i in targets[("prep", "pr")].items] == [
        "informed",
        "accepts_facts",
        "support_person",
    ]
    assert [i.id for i in targets[("safety", "su")].items] == ["feels_safe"]
    assert targets[("safety", "su")].label == "Risk assessment: Supporter 1"


def test_applies_when_offers_a_checklist_only_while_the_answer_matches(
    catalogue: Catalogue,
) -> None:
    fgc = [answer("intake", "process_type", "family_group_conference")]
    assert ("family", None) in keys(applicable(catalogue, fgc, []))
    letter = [answer("intake", "process_type", "letter")]
    assert ("family", None) not in keys(applicable(catalogue, letter, []))
    assert ("family", None) not in keys(applicable(catalogue, [], []))


def test_progress_counts_answered_and_attention(catalogue: Catalogue) -> None:
    answers = [
        answer("intake", "request_date", "2026-03-02"),
        answer("intake", "process_type", "letter"),
        answer("intake", "notes_read", False),  # an unticked box is not done
        answer("safety", "intimidation", "unknown"),  # needs attention
        answer("safety", "measures_in_place", "yes"),
        answer("safety", "feels_safe", "no", "ph"),  # needs attention
        answer("prep", "support_person", "   ", "ph"),  # blank text is not an answer
        answer("prep", "informed", True, "ph"),
    ]
    result = progress(catalogue, answers, [HARMED])
    rows = {(r.target.checklist.id, r.target.participant_id): r for r in result.targets}
    assert (rows[("intake", None)].total, rows[("intake", None)].answered) == (3, 2)
    assert (rows[("safety", None)].total, rows[("safety", None)].answered) == (3, 2)
    assert [i.id for i in rows[("safety", None)].attention] == ["intimidation"]
    assert [i.id for i in rows[("safety", "ph")].attention] == ["feels_safe"]
    assert (rows[("prep", "ph")].total, rows[("prep", "ph")].answered) == (2, 1)
    assessment = result.stage("assessment")
    assert assessment is not None
    assert (assessment.total, assessment.answered, assessment.attention) == (4, 3, 2)
    assert [s.stage for s in result.stages] == ["referral", "assessment", "preparation"]
    assert not result.complete


def test_a_participants_answer_does_not_count_for_another(catalogue: Catalogue) -> None:
    answers = [answer("safety", "feels_safe", "yes", "ph")]
    result = progress(catalogue, answers, [HARMED, RESPONSIBLE])
    rows = {(r.target.checklist.id, r.target.participant_id): r for r in result.targets}
    assert rows[("safety", "ph")].complete
    assert not rows[("safety", "pr")].complete


def test_next_unanswered_walks_the_items_in_order(catalogue: Catalogue) -> None:
    target = next(
        t for t in applicable(catalogue, [], [RESPONSIBLE]) if keys([t])[0] == ("prep", "pr")
    )
    answers: list[AnswerFact] = []
    seen = []
    while (item := next_unanswered(target, answers)) is not None:
        seen.append(item.id)
        value = {"check": True, "yes_no_unknown": "yes", "text": "Their aunt"}[item.kind]
        answers.append(answer("prep", item.id, value, "pr"))
    assert seen == ["informed", "accepts_facts", "support_person"]


def test_a_choice_no_longer_offered_counts_as_unanswered(catalogue: Catalogue) -> None:
    answers = [answer("intake", "process_type", "carrier_pigeon")]
    rows = progress(catalogue, answers, []).targets
    assert rows[0].target.checklist.id == "intake"
    assert rows[0].answered == 0
