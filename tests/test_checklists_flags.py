"""Flags: raised by answers, by implication, cleared by answers and by overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import (
    AnswerFact,
    FlagState,
    OverrideFact,
    ParticipantFact,
    evaluate_flags,
    raised_flags,
)
from rjfacil.checklists.load import load_catalogue
from rjfacil.views.flags import explain_state, explanation_lines

FIXTURES = Path(__file__).parent / "fixtures" / "checklists"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(FIXTURES / "builtin", FIXTURES / "org")


def answer(
    checklist: str,
    item: str,
    value: bool | str | None,
    participant: str | None = None,
    minutes: int = 0,
) -> AnswerFact:
    return AnswerFact(checklist, item, participant, value, "Sam", T0 + timedelta(minutes=minutes))


def override(flag: str, cleared: bool, minutes: int, reason: str = "reviewed") -> OverrideFact:
    return OverrideFact(flag, cleared, reason, "Pat (supervisor)", T0 + timedelta(minutes=minutes))


def explain(state: FlagState, people: list[ParticipantFact] | None = None) -> list[str]:
    """The flag's explanation as the command line and plain-text exports write it."""
    return explanation_lines(explain_state(state, people or []))


def raised(catalogue: Catalogue, *answers: AnswerFact, overrides=()) -> list[str]:
    return [s.flag.id for s in raised_flags(evaluate_flags(catalogue, answers, overrides))]


# Every flag rule of the fixture, with the answers that raise it and those that do not.
RULES = [
    ("safety", "intimidation", "sensitive_complex", ["yes"], ["no", "unknown"]),
    ("safety", "measures_in_place", "risk_unmanaged", ["no", "unknown"], ["yes"]),
    ("safety", "weapon_concern", "risk_unmanaged", [True], [False]),
    ("safety", "lone_working_logged", "risk_unmanaged", ["no"], ["yes", "unknown"]),
]


@pytest.mark.parametrize(("checklist", "item", "flag", "raising", "quiet"), RULES)
def test_each_rule_raises_on_its_answers_and_only_those(
    catalogue: Catalogue,
    checklist: str,
    item: str,
    flag: str,
    raising: list[bool | str],
    quiet: list[bool | str],
) -> None:
    for value in raising:
        assert flag in raised(catalogue, answer(checklist, item, value))
    for value in quiet:
        assert raised(catalogue, answer(checklist, item, value)) == []


def test_no_answers_raise_nothing(catalogue: Catalogue) -> None:
    assert evaluate_flags(catalogue, []) == []


def test_text_true_is_not_a_ticked_check(catalogue: Catalogue) -> None:
    assert raised(catalogue, answer("safety", "weapon_concern", "true")) == []


def test_implications_are_raised_transitively_and_say_where_from(catalogue: Catalogue) -> None:
    states = evaluate_flags(catalogue, [answer("safety", "intimidation", "yes")])
    assert [s.flag.id for s in states] == [
        "sensitive_complex",
        "co_working_advised",
        "managerial_oversight",
    ]
    oversight = states[2]
    assert oversight.raised
    assert oversight.implied_by == ["sensitive_complex"]
    assert [r.via for r in oversight.reasons] == ["sensitive_complex"]
    lines = explain(oversight)
    assert "Follows from the flag 'Sensitive and complex case', raised by:" in lines
    assert any("Is there any intimidation" in line for line in lines)


def test_flags_come_in_flags_file_order(catalogue: Catalogue) -> None:
    ids = raised(
        catalogue,
        answer("safety", "weapon_concern", True),
        answer("safety", "intimidation", "yes"),
    )
    assert ids == [
        "sensitive_complex",
        "co_working_advised",
        "managerial_oversight",
        "risk_unmanaged",
    ]


def test_changing_the_answer_clears_the_flag(catalogue: Catalogue) -> None:
    before = [answer("safety", "intimidation", "yes")]
    assert "sensitive_complex" in raised(catalogue, *before)
    after = [answer("safety", "intimidation", "no", minutes=5)]
    assert raised(catalogue, *after) == []


def test_override_clears_but_the_flag_stays_visible(catalogue: Catalogue) -> None:
    answers = [answer("safety", "weapon_concern", True)]
    states = evaluate_flags(catalogue, answers, [override("risk_unmanaged", True, 10)])
    assert [s.flag.id for s in states] == ["risk_unmanaged"]
    state = states[0]
    assert not state.raised
    assert state.override is not None and state.override.reason == "reviewed"
    assert any(line.startswith("Cleared by Pat (supervisor)") for line in explain(state))


def test_a_later_override_un_clears(catalogue: Catalogue) -> None:
    answers = [answer("safety", "weapon_concern", True)]
    overrides = [override("risk_unmanaged", True, 10), override("risk_unmanaged", False, 20)]
    # Given in any order: the latest decision counts.
    for given in (overrides, overrides[::-1]):
        state = evaluate_flags(catalogue, answers, given)[0]
        assert state.raised
        assert state.override is not None and not state.override.cleared


def test_a_newer_answer_raises_a_cleared_flag_again(catalogue: Catalogue) -> None:
    answers = [
        answer("safety", "weapon_concern", True),
        answer("safety", "measures_in_place", "no", minutes=30),
    ]
    state = evaluate_flags(catalogue, answers, [override("risk_unmanaged", True, 10)])[0]
    assert state.raised
    assert state.override_outdated
    assert any("raises it again" in line for line in explain(state))


def test_clearing_a_flag_leaves_the_flags_it_implies(catalogue: Catalogue) -> None:
    answers = [answer("safety", "intimidation", "yes")]
    ids = raised(catalogue, *answers, overrides=[override("sensitive_complex", True, 10)])
    assert ids == ["co_working_advised", "managerial_oversight"]


def test_override_of_a_flag_no_answer_raises_is_not_shown(catalogue: Catalogue) -> None:
    assert evaluate_flags(catalogue, [], [override("risk_unmanaged", True, 10)]) == []


def test_explain_gives_the_answers_and_the_guidance(catalogue: Catalogue) -> None:
    answers = [answer("safety", "intimidation", "yes")]
    state = evaluate_flags(catalogue, answers)[0]
    lines = explain(state)
    assert lines[0] == "Raised by these answers:"
    assert lines[1] == (
        "- Is there any intimidation or pressure between participants? Answered yes "
        "(A 2(a) 3): Intimidation or pressure between participants"
    )
    assert "What the guidance says (B): Good reason to believe" in lines[2]
    assert "- Make a formal written risk assessment (B 10)." in lines


def test_participant_answers_raise_flags_and_explain_names_them(catalogue: Catalogue) -> None:
    people = [ParticipantFact("p1", "person_harmed", "Person harmed 1")]
    facts = [answer("safety", "feels_safe", "no", participant="p1")]
    state = evaluate_flags(catalogue, facts)[0]
    assert state.flag.id == "risk_unmanaged"
    assert state.reasons[0].participant_id == "p1"
    assert explain(state, people)[1] == (
        "- Do they feel safe taking part? Answered no for Person harmed 1 (A 2(a) fn 5): "
        "A participant does not feel safe"
    )
    assert raised(catalogue, answer("safety", "feels_safe", "yes", participant="p1")) == []


def test_answers_that_do_not_fit_the_item_scope_are_ignored(catalogue: Catalogue) -> None:
    # intimidation is a case item: an answer filed against a participant does not count,
    # and feels_safe is a participant item: an answer for the case does not count.
    assert raised(catalogue, answer("safety", "intimidation", "yes", participant="p1")) == []
    assert raised(catalogue, answer("safety", "feels_safe", "no")) == []
    # Answers to unknown checklists or items are ignored, not errors.
    assert raised(catalogue, answer("gone", "intimidation", "yes")) == []
    assert raised(catalogue, answer("safety", "gone", "yes")) == []
