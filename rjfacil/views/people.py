"""Participants as a reader meets them: a supporter with the person they support.

One wording for the People tab, the overview, ``rjfacil show`` and every export.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from rjfacil.casedoc.model import Participant
from rjfacil.commands.casefile import CaseFile
from rjfacil.vocab import Role


def supported(case: CaseFile, person: Participant) -> Participant | None:
    """The participant a supporter supports, while they are in the case; else None."""
    if person.role is not Role.SUPPORTER or person.supports is None:
        return None
    return next((p for p in case.participants if p.id == person.supports), None)


def role_words(
    case: CaseFile, person: Participant, name: Callable[[UUID], str] | None = None
) -> str:
    """A participant's role, a supporter's with whom they support ("Supporter of Ana
    Silva"); ``name`` says what a person is called (an export's redactor)."""
    role = person.role.label
    whom = supported(case, person)
    if whom is None:
        return role
    called = name(whom.id) if name is not None else whom.name
    return f"{role} of {called}"
