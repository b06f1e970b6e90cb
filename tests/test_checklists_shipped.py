"""The shipped checklist files (checklists/*.toml) through the engine."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta

import pytest

from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import (
    AnswerFact,
    ParticipantFact,
    applicable,
    evaluate_flags,
    next_unanswered,
    progress,
    raised_flags,
)
from rjfacil.checklists.load import load_catalogue, validate_files
from rjfacil.checklists.locate import builtin_dir
from rjfacil.checklists.schema import GUIDANCE_REFERENCE, Item, same_answer
from rjfacil.checklists.timescales import deadlines

SHIPPED = sorted(builtin_dir().glob("*.toml"))
CHECKLIST_FILES = [path for path in SHIPPED if path.name != "flags.toml"]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    # No organisation folder: the guidance alone.
    return load_catalogue(builtin_dir(), builtin_dir() / "no-organisation-folder")


def test_the_shipped_folder_is_the_repository_checklists_folder() -> None:
    assert builtin_dir().name == "checklists"
    assert (builtin_dir() / "flags.toml").is_file()
    assert len(CHECKLIST_FILES) >= 12, "one file per guidance section"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_is_valid(path) -> None:
    assert validate_files([path]) == []


def test_every_file_becomes_one_checklist(catalogue: Catalogue) -> None:
    ids = [tomllib.loads(p.read_text("utf-8"))["checklist"]["id"] for p in CHECKLIST_FILES]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(each.id for each in catalogue.checklists)


def test_every_reference_is_in_the_guidance_form(catalogue: Catalogue) -> None:
    references = [(c.id, "", c.reference) for c in catalogue.checklists]
    references += [(c.id, i.id, i.reference) for c in catalogue.checklists for i in c.items]
    references += [
        (c.id, i.id, i.deadline.reference)
        for c in catalogue.checklists
        for i in c.items
        if i.deadline
    ]
    references += [("flags", f.id, f.reference) for f in catalogue.flags.values()]
    wrong = [each for each in references if not GUIDANCE_REFERENCE.fullmatch(each[2])]
    assert wrong == []


def test_every_item_comes_from_the_guidance(catalogue: Catalogue) -> None:
    assert {i.origin for c in catalogue.checklists for i in c.items} == {"guidance"}


def test_every_flag_can_be_raised_by_some_item(catalogue: Catalogue) -> None:
    raisable = {r.flag for c in catalogue.checklists for i in c.items for r in i.flags}
    for flag_id in list(raisable):
        raisable.update(catalogue.implied(flag_id))
    assert raisable == set(catalogue.flags)


def hmpps_factors(catalogue: Catalogue) -> list[Item]:
    sensitive = catalogue.checklist("sensitive")
    return [item for item in sensitive.items if item.reference == "HMPPS 4.4"]


def test_the_nine_hmpps_factors_are_there(catalogue: Catalogue) -> None:
    factors = hmpps_factors(catalogue)
    assert len(factors) == 9
    assert all(item.kind == "yes_no_unknown" for item in factors)


@pytest.mark.parametrize("index", range(9))
def test_each_hmpps_factor_raises_sensitive_complex_on_yes_only(
    catalogue: Catalogue, index: int
) -> None:
    item = hmpps_factors(catalogue)[index]

    def raised(value: str) -> list[str]:
        fact = AnswerFact("sensitive", item.id, None, value, "Sam", T0)
        return [s.flag.id for s in raised_flags(evaluate_flags(catalogue, [fact]))]

    on_yes = raised("yes")
    assert "sensitive_complex" in on_yes
    # HMPPS 4.4: managerial oversight before signposting, referring or sharing.
    assert "managerial_oversight" in on_yes
    assert raised("no") == []
    assert raised("unknown") == []


# -- a case from referral to closure, through the engine alone --------------------------

HARMED = ParticipantFact("ph", "person_harmed", "Person harmed 1")
RESPONSIBLE = ParticipantFact("pr", "person_responsible", "Person responsible 1")
WALKED_STAGES = (
    "referral",
    "assessment",
    "preparation",
    "communication",
    "agreement",
    "follow_up",
    "closure",
)


def calm_answer(item: Item) -> bool | str:
    """An answer that needs no attention and raises no flag."""
    if item.kind == "text":
        return "Discussed and recorded."
    if item.kind == "date":
        return "2026-03-02"
    raising = [value for rule in item.flags for value in rule.when]
    avoid = [*item.attention, *raising]
    options = item.fixed_answers() or ()
    if item.kind == "yes_no_unknown":
        options = ("yes", "no", "unknown")
    for value in options:
        if not any(same_answer(value, bad) for bad in avoid):
            return value
    raise AssertionError(f"{item.id}: every answer needs attention or raises a flag")


def test_a_case_walked_from_referral_to_closure(catalogue: Catalogue) -> None:
    people = [HARMED, RESPONSIBLE]
    answers: list[AnswerFact] = []
    clock = iter(T0 + timedelta(minutes=n) for n in range(10_000))

    def give(checklist: str, item: str, value: bool | str, who: str | None) -> None:
        answers.append(AnswerFact(checklist, item, who, value, "Sam", next(clock)))

    # The facilitator plans a face-to-face meeting, finds intimidation by the person
    # responsible (a risk to manage, A 2(a) 3) and complex issues of intimidation (which
    # make the case sensitive and complex, A 2(a) 4 and B): everything else is answered
    # calmly, the facilitator having the Section B competencies.
    give("process", "process_type", "face_to_face", None)
    give("risk", "intimidation", "yes", "pr")
    give("risk", "complex_intimidation", "yes", None)

    for stage in WALKED_STAGES:
        while True:
            pending = [
                (target, item)
                for target in applicable(catalogue, answers, people)
                if target.checklist.stage == stage
                and (item := next_unanswered(target, answers)) is not None
            ]
            if not pending:
                break
            target, item = pending[0]
            give(target.checklist.id, item.id, calm_answer(item), target.participant_id)

    targets = {(t.checklist.id, t.participant_id) for t in applicable(catalogue, answers, people)}
    assert ("meeting", None) in targets or ("meeting", "ph") in targets
    assert not any(checklist == "fgc" for checklist, _ in targets)

    result = progress(catalogue, answers, people)
    for stage in WALKED_STAGES:
        totals = result.stage(stage)
        assert totals is not None, stage
        assert totals.complete, stage
    assert all(
        row.complete for row in result.targets if row.target.checklist.stage != "supervision"
    )
    # Calm answers need no attention; the files mark "unknown" for attention and leave
    # a "yes" to intimidation to the flag it raises.
    assert result.attention == 0

    states = evaluate_flags(catalogue, answers)
    assert [s.flag.id for s in states if s.raised] == [
        "sensitive_complex",
        "co_working_advised",
        "managerial_oversight",
        "risk_to_manage",
    ]
    sensitive = states[0]
    assert [(r.checklist_id, r.item_id, r.participant_id) for r in sensitive.reasons] == [
        ("risk", "complex_intimidation", None)
    ]
    to_manage = states[-1]
    assert [(r.checklist_id, r.item_id, r.participant_id) for r in to_manage.reasons] == [
        ("risk", "intimidation", "pr")
    ]

    # Every timescale started by a date answer is due in working days after it.
    dues = deadlines(catalogue, answers)
    assert dues, "the referral checklist starts timescales"
    assert all(d.due > datetime(2026, 3, 2).date() for d in dues)
    assert [d.due for d in dues] == sorted(d.due for d in dues)
