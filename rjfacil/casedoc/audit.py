"""The hash-chained audit log of a case: every change appends one entry.

Entries are chained per author (DESIGN.md): each facilitator's entries form their own chain,
so a co-worker's imported history keeps its chain and the importer's own goes on as before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from uuid import UUID

from rjfacil.casedoc.model import (
    CHANGE_TEXT_LIMIT,
    AuditEntry,
    FieldChange,
    MutableRecord,
    Record,
)

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
    changes: list[FieldChange] | None = None,
) -> AuditEntry:
    """A new entry chained to ``prev``; ``also`` names further records the change wrote,
    ``changes`` the fields it edited in its record, from what to what."""
    draft = AuditEntry(
        action=action,
        table=table,
        record_id=record_id,
        also=also or [],
        changes=changes or [],
        created_by=created_by,
        prev=prev,
        hash=GENESIS,
    )
    fields = draft.model_dump(mode="json")
    return draft.model_copy(update={"hash": entry_hash(fields)})


# What every edit changes, and says nothing of what changed.
_BOOKKEEPING = frozenset(MutableRecord.model_fields) | {"deleted"}


def field_changes(before: Record, after: Record) -> list[FieldChange]:
    """The fields an edit changed, each with its value before and after as stored (texts
    cut to ``CHANGE_TEXT_LIMIT`` characters), in the record's own field order; fields the
    record does not know (a newer rjfacil's) included."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    return [
        FieldChange(field=name, old=_kept(old.get(name)), new=_kept(new.get(name)))
        for name in [*new, *(n for n in old if n not in new)]
        if name not in _BOOKKEEPING and old.get(name) != new.get(name)
    ]


def _kept(value: Any) -> Any:
    if isinstance(value, str) and len(value) > CHANGE_TEXT_LIMIT:
        return value[: CHANGE_TEXT_LIMIT - 1] + "…"
    return value


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


# -- per-author chains (case format 3) -------------------------------------------------------

Heads = dict[str, dict[str, Any]]


def author_chains(entries: list[AuditEntry]) -> dict[UUID, list[AuditEntry]]:
    """Each author's entries, in the order they were written (their own chain)."""
    chains: dict[UUID, list[AuditEntry]] = {}
    for entry in entries:
        chains.setdefault(entry.created_by, []).append(entry)
    return chains


def head_of(heads: Heads, author: UUID) -> tuple[str, int]:
    """Where ``author``'s chain ends (hash, count) as the meta records it."""
    mine = heads.get(str(author)) or {}
    head = mine.get("head", GENESIS)
    count = mine.get("count", 0)
    return (head if isinstance(head, str) else GENESIS), (count if type(count) is int else 0)


def chains_problems(
    entries: list[AuditEntry], heads: Heads, name: Callable[[UUID], str] = str
) -> list[str]:
    """What is wrong with any author's chain, in plain words; empty when all are intact.

    Entries are chained per author (their ``created_by``), each chain from GENESIS; ``heads``
    (the meta's ``audit_heads``) records where each author's chain ended when last written,
    so a history cut short, or an author's whole chain removed, is caught too.
    """
    problems: list[str] = []
    chains = author_chains(entries)
    authors = {str(a) for a in chains} | set(heads)
    for key in sorted(authors):
        try:
            author = UUID(key)
        except ValueError:
            problems.append("the history names an author that is not an id")
            continue
        head, count = head_of(heads, author)
        found = chain_problems(chains.get(author, []), head, count)
        problems += [f"in the history written by {name(author)}: {p}" for p in found]
    return problems
