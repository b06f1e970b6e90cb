"""Supervision sessions: the facilitator's own practice, not a case's.

A session is a record in the facilitator's voice: when it was, with whom, which cases were
discussed (by id: the list shows their references) and what was agreed. Sessions live in
the profile (profile.rjv, encrypted like every file, with backups), in a table of their own,
``supervision``: a new table beside ``owner`` and ``identity``, added to profile format 2
without a bump, as a reader that does not know it keeps it (it rewrites the profile only to
add an identity, keeping every other table).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints, ValidationError

from rjfacil import clock
from rjfacil.casedoc.model import LongText, Record
from rjfacil.errors import RjfacilError

TABLE = "supervision"


class SupervisionSession(Record):
    """One supervision session, as the facilitator recorded it.

    ``updated_at`` and ``updated_by``: its last edit (None: never edited). Added within
    profile format 2 without a bump: optional, so a session written before reads as never
    edited, and a reader that does not know them keeps them (records keep what they do not
    know).
    """

    held_on: date
    supervisor: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    case_ids: list[UUID] = Field(default_factory=list)
    agreed: LongText = ""
    updated_at: AwareDatetime | None = None
    updated_by: UUID | None = None


def sessions_in(document: Mapping[str, Any]) -> list[SupervisionSession]:
    """The sessions a profile document holds, newest first (a damaged record is skipped:
    the profile decrypted, so it is one record a newer rjfacil wrote differently)."""
    found = []
    for raw in dict(document.get(TABLE) or {}).values():
        try:
            found.append(SupervisionSession.model_validate(raw))
        except ValidationError:
            continue
    return sorted(found, key=lambda s: (s.held_on, s.created_at), reverse=True)


def new_session(
    owner: UUID, held_on: date, supervisor: str, case_ids: list[UUID], agreed: str
) -> SupervisionSession:
    """A session to add, checked: a supervisor named, a day not in the future.

    Raises:
        RjfacilError: Nothing names the supervisor, or the day is after today.
    """
    return SupervisionSession(created_by=owner, **_checked(held_on, supervisor, case_ids, agreed))


def edited_session(
    session: SupervisionSession,
    owner: UUID,
    held_on: date,
    supervisor: str,
    case_ids: list[UUID],
    agreed: str,
) -> SupervisionSession:
    """``session`` as edited, checked as a new one is; its id, when and by whom it was
    first recorded, and any field a newer rjfacil wrote on it are kept.

    Raises:
        RjfacilError: Nothing names the supervisor, or the day is after today.
    """
    fields = _checked(held_on, supervisor, case_ids, agreed)
    return SupervisionSession.model_validate(
        {**session.model_dump(), **fields, "updated_at": clock.now(), "updated_by": owner}
    )


def _checked(held_on: date, supervisor: str, case_ids: list[UUID], agreed: str) -> dict[str, Any]:
    supervisor = " ".join(supervisor.split())
    if not supervisor:
        raise RjfacilError("Not saved: name the supervisor you met.")
    if held_on > clock.today():
        raise RjfacilError("Not saved: a supervision session is recorded once it has happened.")
    return {
        "held_on": held_on,
        "supervisor": supervisor[:200],
        "case_ids": list(dict.fromkeys(case_ids)),
        "agreed": agreed.strip(),
    }


def with_session(document: Mapping[str, Any], session: SupervisionSession) -> dict[str, Any]:
    """The profile document with ``session`` added, or written over its earlier version
    (every other table kept as it is)."""
    out = dict(document)
    table = dict(out.get(TABLE) or {})
    table[str(session.id)] = session.model_dump(mode="json")
    out[TABLE] = table
    return out


def supervision_due(last: date | None, weeks: int) -> date | None:
    """When the next session is due: ``weeks`` after the last one (None: none recorded)."""
    return None if last is None else last + timedelta(weeks=weeks)
