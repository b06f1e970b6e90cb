"""How far a case's checklists are answered, and where to walk next: one way of counting,
shared by the case list, the case screen, the walker and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rjfacil.casedoc.model import Answer
from rjfacil.checklists import evaluate
from rjfacil.checklists.evaluate import (
    CaseProgress,
    ChecklistTarget,
    StageProgress,
    TargetProgress,
)
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import NotFound

__all__ = [
    "CaseProgress",
    "ChecklistTarget",
    "StageProgress",
    "TargetProgress",
    "UnansweredNote",
    "case_progress",
    "first_unanswered",
    "stage_progress",
    "stage_totals",
    "target_progress",
    "unanswered_note",
    "unanswered_notes",
    "walk_target",
]


def case_progress(case: CaseFile) -> CaseProgress:
    """Every checklist that applies to the case, as targets, with how far each is answered.

    An item counts as answered when its answer is a real one (an unticked check or empty
    text is not); items that do not apply are not counted.
    """
    return evaluate.progress(case.catalogue, case.answer_facts(), case.participant_facts())


def stage_progress(case: CaseFile, report: CaseProgress | None = None) -> StageProgress | None:
    """The totals of the checklists of the case's current stage (closure's for a closed or
    withdrawn case), or None when none applies.

    Args:
        case: The case.
        report: Its :func:`case_progress`, when already at hand.
    """
    report = report if report is not None else case_progress(case)
    return report.stage(case.case.stage.checklist_stage)


def stage_totals(case: CaseFile) -> list[StageProgress]:
    """``case_progress(case).stages``, counted without a row per checklist: what a
    case-list row needs (:func:`rjfacil.checklists.evaluate.stage_totals`)."""
    return evaluate.stage_totals(case.catalogue, case.answer_facts(), case.participant_facts())


def target_progress(case: CaseFile, target: ChecklistTarget) -> TargetProgress:
    """How far one checklist target (the case's, or one participant's) is answered."""
    return evaluate.target_progress(case.catalogue, target, case.answer_facts())


def walk_target(case: CaseFile, checklist_id: str, participant_id: UUID | None) -> ChecklistTarget:
    """The target a facilitator walks: a checklist, for the case or for one participant,
    asking only the items that apply to the case now.

    Raises:
        ChecklistError: No such checklist (an organisation's file was removed).
        NotFound: The participant is no longer in the case.
    """
    checklist = case.catalogue.checklist(checklist_id)
    facts = case.answer_facts()
    people = case.participant_facts()
    if participant_id is None:
        skipped = evaluate.skipped_items(case.catalogue, checklist, facts, None, people)
        return ChecklistTarget(checklist, None, skipped)
    wanted = str(participant_id)
    participant = next((p for p in people if p.id == wanted), None)
    if participant is None:
        raise NotFound("That participant is no longer in the case.")
    skipped = evaluate.skipped_items(case.catalogue, checklist, facts, wanted, people)
    return ChecklistTarget(checklist, participant, skipped)


def first_unanswered(case: CaseFile, target: ChecklistTarget, after: int = -1) -> int | None:
    """The index (in ``target.items``) of the first item after ``after`` without a real
    answer, or None when every one after it is answered."""
    values = {
        fact.item_id: fact.value
        for fact in case.answer_facts()
        if fact.checklist_id == target.checklist.id and fact.participant_id == target.participant_id
    }
    for index, item in enumerate(target.items):
        if index > after and not item.is_answered(values.get(item.id)):
            return index
    return None


def unanswered_note(
    case: CaseFile, checklist_id: str, item_id: str, participant_id: UUID | None = None
) -> Answer | None:
    """The note left on an item that is still unanswered (why it could not be asked yet),
    or None. The item stays unanswered: the note is no answer."""
    history = case.answer_history(checklist_id, item_id, participant_id)
    if history and history[-1].value is None and history[-1].note.strip():
        return history[-1]
    return None


@dataclass(frozen=True)
class UnansweredNote:
    """An item left unanswered, with the note saying why."""

    checklist: str
    """The checklist's title, with the participant's name for a participant's checklist."""
    ask: str
    reference: str
    note: str
    by: str
    answer: Answer


def unanswered_notes(case: CaseFile) -> list[UnansweredNote]:
    """Every item left unanswered with a note saying why, oldest note first (items of a
    checklist that is gone are left out)."""
    found = []
    for answer in case.unanswered_notes():
        located = case.catalogue.find(answer.checklist_id, answer.item_id)
        if located is None:
            continue
        checklist, item = located
        title = checklist.title
        if answer.participant_id is not None:
            title = f"{title}: {case.participant_label(answer.participant_id)}"
        found.append(
            UnansweredNote(
                title, item.ask, item.reference, answer.note, case.author(answer.created_by), answer
            )
        )
    return found
