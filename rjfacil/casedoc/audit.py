"""The hash-chained audit log of a case: every change appends one entry."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from uuid import UUID

from rjfacil.casedoc.model import AuditEntry

GENESIS = "0" * 64


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of an entry's fields (without its own hash)."""
    body = {key: value for key, value in fields.items() if key != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def make_entry(
    prev: str,
    action: str,
    table: str,
    record_id: UUID | None,
    created_by: UUID,
    also: list[UUID] | None = None,
) -> AuditEntry:
    """A new entry chained to ``prev``; ``also`` names further records the change wrote."""
    draft = AuditEntry(
        action=action,
        table=table,
        record_id=record_id,
        also=also or [],
        created_by=created_by,
        prev=prev,
        hash=GENESIS,
    )
    fields = draft.model_dump(mode="json")
    return draft.model_copy(update={"hash": entry_hash(fields)})


def chain_problems(entries: list[AuditEntry], head: str | None, count: int | None) -> list[str]:
    """What is wrong with a chain, in plain words; empty when it is intact.

    ``head`` and ``count`` are what the case file recorded after its last change, so a
    history cut short at the end is caught too.
    """
    problems: list[str] = []
    prev = GENESIS
    for position, entry in enumerate(entries, start=1):
        if entry.prev != prev:
            problems.append(f"audit entry {position} does not follow the one before it")
        if entry_hash(entry.model_dump(mode="json")) != entry.hash:
            problems.append(f"audit entry {position} was edited after it was written")
        prev = entry.hash
    if count is not None and count != len(entries):
        problems.append(f"the history has {len(entries)} entries where {count} were written")
    elif head is not None and head != prev:
        problems.append("the history does not end where it was last written")
    return problems
