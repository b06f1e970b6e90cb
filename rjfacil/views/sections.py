"""The guidance sections that have a tab of their own (the co-working plan, D; the direct
meeting, A 3(b)): which checklists each holds, named explicitly, and their answers."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rjfacil.casedoc.model import AnswerValue
from rjfacil.checklists.evaluate import ChecklistTarget, applicable
from rjfacil.checklists.schema import Item
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.flags import raised_flags
from rjfacil.views.progress import target_progress


@dataclass(frozen=True)
class Section:
    """A guidance section shown in a tab of its own.

    Attributes:
        reference: The guidance section ("D", "A 3(b)").
        title: What the tab calls it.
        checklist_ids: The checklists that hold its questions (an organisation's
            additions to them, by ``extends``, come with them).
        flag_id: The flag that advises this section's work, if any.
    """

    reference: str
    title: str
    checklist_ids: tuple[str, ...]
    flag_id: str | None = None


CO_WORKING = Section("D", "Co-working", ("coworking",), flag_id="co_working_advised")
MEETING = Section("A 3(b)", "Direct meeting", ("meeting",))


@dataclass(frozen=True)
class ItemAnswer:
    """One item of a section, for one target, with its current answer."""

    checklist_id: str
    participant_id: UUID | None
    participant: str | None
    """The participant's label for a participant's item; None for the case's."""
    item: Item
    value: AnswerValue
    answered: bool
    answer: str
    """The answer as the facilitator reads it; empty when not answered."""


@dataclass(frozen=True)
class SectionAnswers:
    """A section's questions as they stand for a case.

    Attributes:
        section: The section.
        known: Whether any of its checklists is in the catalogue.
        applies: Whether its checklists apply to the case now; when not, ``items`` lists
            the questions every possible target would be asked.
        flag_raised: Whether the section's flag is raised for the case.
        items: Every item of every target, in order.
        answered: How many of them are answered.
    """

    section: Section
    known: bool
    applies: bool
    flag_raised: bool
    items: list[ItemAnswer]
    answered: int

    @property
    def total(self) -> int:
        return len(self.items)


def targets_of(
    case: CaseFile, checklist_ids: tuple[str, ...] | list[str]
) -> tuple[list[ChecklistTarget], bool]:
    """The targets of these checklists: those that apply now, else every possible one.

    Returns:
        The targets, and whether they apply to the case now.
    """
    people = case.participant_facts()
    found = [
        target
        for target in applicable(case.catalogue, case.answer_facts(), people)
        if target.checklist.id in checklist_ids
    ]
    if found:
        return found, True
    known = {checklist.id for checklist in case.catalogue.checklists}
    possible: list[ChecklistTarget] = []
    for checklist_id in checklist_ids:
        if checklist_id not in known:
            continue
        checklist = case.catalogue.checklist(checklist_id)
        for target in [ChecklistTarget(checklist)] + [
            ChecklistTarget(checklist, person) for person in people
        ]:
            if target.items:
                possible.append(target)
    return possible, False


def section_answers(case: CaseFile, section: Section) -> SectionAnswers:
    """Every question of ``section`` for the case, with its answer and the totals."""
    known = {checklist.id for checklist in case.catalogue.checklists}
    ids = tuple(checklist_id for checklist_id in section.checklist_ids if checklist_id in known)
    targets, applies = targets_of(case, ids) if ids else ([], False)
    answers = case.answers()
    items = []
    answered = 0
    for target in targets:
        pid = UUID(target.participant_id) if target.participant_id else None
        answered += target_progress(case, target).answered
        for item in target.items:
            given = answers.get((target.checklist.id, item.id, pid))
            value = given.value if given else None
            done = item.is_answered(value)
            items.append(
                ItemAnswer(
                    checklist_id=target.checklist.id,
                    participant_id=pid,
                    participant=target.participant.label if target.participant else None,
                    item=item,
                    value=value,
                    answered=done,
                    answer=item.describe(value) if done else "",
                )
            )
    return SectionAnswers(
        section=section,
        known=bool(ids),
        applies=applies,
        flag_raised=section.flag_id in raised_flags(case) if section.flag_id else False,
        items=items,
        answered=answered,
    )
