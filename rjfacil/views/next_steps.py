"""What the facilitator should do next: the next question of each unfinished checklist,
the current stage's first."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rjfacil.checklists.evaluate import next_unanswered
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.progress import case_progress

NEXT_STEPS = 5


@dataclass(frozen=True)
class NextStep:
    """The next unanswered item of one checklist target.

    Attributes:
        checklist_id: The checklist to walk.
        participant_id: The participant it is answered for; None for the case's items.
        item_id: The item to start at.
        target: The checklist's title (with the participant, for a participant's).
        ask: The item's question.
        answered: Items of the target answered so far.
        total: Items of the target.
    """

    checklist_id: str
    participant_id: UUID | None
    item_id: str
    target: str
    ask: str
    answered: int
    total: int


def next_steps(case: CaseFile, limit: int = NEXT_STEPS) -> list[NextStep]:
    """Up to ``limit`` next steps: unfinished checklists of the case's current stage first,
    then the others, each in catalogue order."""
    report = case_progress(case)
    wanted = case.case.stage.checklist_stage
    unfinished = [row for row in report.targets if not row.complete]
    unfinished.sort(key=lambda row: row.target.checklist.stage != wanted)
    facts = case.answer_facts()
    steps = []
    for row in unfinished[:limit]:
        item = next_unanswered(row.target, facts)
        if item is None:
            continue
        target = row.target
        steps.append(
            NextStep(
                checklist_id=target.checklist.id,
                participant_id=UUID(target.participant_id) if target.participant_id else None,
                item_id=item.id,
                target=target.label,
                ask=item.ask,
                answered=row.answered,
                total=row.total,
            )
        )
    return steps
