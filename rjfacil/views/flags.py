"""Flags as the answers stand now: which are raised, and which answer stands behind one."""

from __future__ import annotations

from uuid import UUID

from rjfacil.checklists.evaluate import FlagState, evaluate_flags
from rjfacil.commands.casefile import CaseFile


def flags(case: CaseFile) -> list[FlagState]:
    """Every flag with its state (re-evaluated on every call: answers change)."""
    return evaluate_flags(case.catalogue, case.answer_facts(), case.override_facts())


def raised_flags(case: CaseFile) -> list[str]:
    return [state.flag.id for state in flags(case) if state.raised]


def flags_raised_by(
    case: CaseFile, checklist_id: str, item_id: str, participant_id: UUID | None = None
) -> tuple[list[FlagState], list[FlagState]]:
    """The raised flags one answer stands behind: those it raises itself, and those they
    bring with them (a sensitive and complex case brings co-working, say)."""
    this = (checklist_id, item_id, str(participant_id) if participant_id else None)
    direct: list[FlagState] = []
    implied: list[FlagState] = []
    for state in flags(case):
        ours = [r for r in state.reasons if (r.checklist_id, r.item_id, r.participant_id) == this]
        if state.raised and ours:
            (direct if any(r.via is None for r in ours) else implied).append(state)
    return direct, implied
