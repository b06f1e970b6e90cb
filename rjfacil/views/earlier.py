"""An item's earlier answer in another checklist (``reads``), shown with the item.

Where two checklists hold two duties on one matter (the risk assessment asks about each
participant's motivation, Section B whether someone could cause significant further
harm), the later item asks only what the earlier did not, and shows the earlier answer
as given there rather than asking it again.
"""

from __future__ import annotations

from uuid import UUID

from rjfacil.checklists.schema import Item
from rjfacil.commands.casefile import CaseFile


def answered_earlier(case: CaseFile, item: Item, participant_id: UUID | None = None) -> str:
    """What the item that ``item`` reads says for this case, in words, or "" when it reads
    none (or that item is gone).

    A participant's item reads that participant's own answer; a case item reading a
    participant's item reads every participant's answer, each named.

    Args:
        case: The case.
        item: The item shown (its ``reads`` names the earlier one).
        participant_id: The participant the item is answered for, if any.

    Returns:
        For example 'Already answered in Risk assessment, "Does their motivation for
        taking part raise any concern?": Ben Cole (person responsible): yes', or 'Not
        answered yet in Risk assessment, "..."'.
    """
    if item.reads is None:
        return ""
    located = case.catalogue.find(item.reads_checklist_id, item.reads_item_id)
    if located is None:
        return ""
    checklist, earlier = located
    answers = case.answers()
    if earlier.scope != "participant":
        whose: list[UUID | None] = [None]
    elif participant_id is not None:
        whose = [participant_id]
    else:
        whose = [
            p.id
            for p in case.participants
            if (checklist.roles is None or p.role in checklist.roles)
            and (earlier.roles is None or p.role in earlier.roles)
        ]
    given: list[str] = []
    for pid in whose:
        answer = answers.get((checklist.id, earlier.id, pid))
        value = answer.value if answer is not None else None
        shown = earlier.describe(value) if earlier.is_answered(value) else "not answered yet"
        given.append(shown if pid is None or len(whose) == 1 else f"{_named(case, pid)}: {shown}")
    where = f'{checklist.title}, "{earlier.ask}"'
    if not given or all(each.endswith("not answered yet") for each in given):
        return f"Not answered yet in {where}"
    return f"Already answered in {where}: " + "; ".join(given)


def _named(case: CaseFile, participant_id: UUID) -> str:
    return case.participant_label(participant_id)
