"""Merging a co-worker's copy of a case into this vault's (DESIGN.md, "The case model's rules").

A pure plan: what to write, worked out from the two documents; rjfacil.commands writes it
in one durable commit with the import's own audit entry.

- Records are matched by id. Immutable records (consents, note revisions, answers, letter
  versions, letter vettings and reviews, flag overrides, audit entries) are unioned; one that
  exists on both sides with different content is refused (it cannot have changed honestly).
- For a mutable record the version with the later ``updated_at`` wins (ties: the larger
  digest of the version, so every vault picks the same). The losing version is kept as a
  Conflict record, whose id is made from the table, the record and that version: meeting
  it again makes nothing new, so merging is idempotent, and since every version met but
  the latest is kept, the set of conflicts does not depend on the order of the files. A
  conflict is open for review while it is unresolved, it says something other than the
  current version, its version was written by someone other than whoever wrote the
  current one, and no later version by its author (an author's own later edit supersedes
  their earlier one) or saying the same thing was kept.
- Deletions are tombstones (``deleted=True``): a mutable record's version like any other.
- Audit entries keep their author's chain: for each author, one side's chain must start
  with the other's (else the file is refused: the histories diverge), and the entries the
  vault lacks are appended in order; the meta's head for that author follows.
- The exporter becomes a member of the case's team if the case does not have them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from rjfacil.casedoc import audit, codec
from rjfacil.casedoc.bundle import BUNDLE_TABLES, Bundle, BundleRefused
from rjfacil.casedoc.model import (
    TABLES,
    AuditEntry,
    Conflict,
    ConflictResolution,
    MutableRecord,
    Record,
    TeamMember,
    TeamRole,
    conflict_id,
)

_WHO_AND_WHEN = frozenset({"created_at", "created_by", "updated_at", "updated_by"})


@dataclass
class MergePlan:
    """What a merge would write, and what it means in words.

    Attributes:
        changes: Records to add or replace (conflicts and team members included).
        entries: Imported audit entries to append, in order.
        heads: The audit heads of the authors whose chains grow.
        made_by_migration: Ids of records a migration made (they have no audit entry).
        added: Records added, by table.
        changed: Records whose current version changes, by table.
        conflicts: The new conflicts that are open for review.
    """

    changes: list[tuple[str, Record]] = field(default_factory=list)
    entries: list[AuditEntry] = field(default_factory=list)
    heads: audit.Heads = field(default_factory=dict)
    made_by_migration: list[str] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return not self.changes and not self.entries and not self.made_by_migration


def digest(dump: dict[str, Any]) -> str:
    canonical = json.dumps(dump, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def content(dump: dict[str, Any]) -> dict[str, Any]:
    """A version without who wrote it and when."""
    return {k: v for k, v in dump.items() if k not in _WHO_AND_WHEN}


def empty_document() -> codec.CaseDocument:
    return codec.CaseDocument(tables={}, records={name: {} for name in TABLES})


def is_open(conflict: Conflict, current: Record | None, siblings: list[Conflict]) -> bool:
    """Whether a conflict still asks for review: unresolved, its value differs from the
    current one, it was written by someone other than whoever wrote the current one, and
    its author wrote no later value of the record (``siblings``: the record's conflicts)."""
    if conflict.resolution is not ConflictResolution.OPEN or current is None:
        return False
    dump = current.model_dump(mode="json")
    if content(dump) == content(conflict.other):
        return False
    author = str(conflict.other.get("updated_by"))
    if author == str(dump.get("updated_by")):
        return False
    at = str(conflict.other.get("updated_at"))
    said = content(conflict.other)
    for sibling in siblings:
        if sibling.id == conflict.id:
            continue
        when = str(sibling.other.get("updated_at"))
        # Superseded by its author's own later edit, or by a later version saying the same.
        if str(sibling.other.get("updated_by")) == author and _later(when, at):
            return False
        if content(sibling.other) == said and (
            _later(when, at) or (when == at and str(sibling.id) > str(conflict.id))
        ):
            return False
    return True


def _later(a: str, b: str) -> bool:
    try:
        return datetime.fromisoformat(a) > datetime.fromisoformat(b)
    except ValueError:
        return False


def plan_merge(
    local: codec.CaseDocument, bundle: Bundle, importer: UUID, now: datetime
) -> MergePlan:
    """What merging ``bundle`` into ``local`` (an empty document for a new case) writes.

    Raises:
        BundleRefused: An immutable record differs, or an author's history diverges.
    """
    incoming = bundle.document
    plan = MergePlan()
    planned_conflicts: dict[UUID, Conflict] = {}
    current: dict[tuple[str, UUID], Record] = {}
    for table in BUNDLE_TABLES:
        if table == "audit":
            continue
        mine_by_id = local.records[table]
        for theirs in incoming.in_stored_order(table):
            mine = mine_by_id.get(theirs.id)
            if mine is None:
                plan.changes.append((table, theirs))
                plan.added[table] += 1
                continue
            mine_dump, their_dump = mine.model_dump(mode="json"), theirs.model_dump(mode="json")
            if mine_dump == their_dump:
                continue
            if not isinstance(mine, MutableRecord) or not isinstance(theirs, MutableRecord):
                raise BundleRefused(
                    f"The file changes a record that cannot change (in '{table}'); it was refused."
                )
            theirs_wins = (theirs.updated_at, digest(their_dump)) > (
                mine.updated_at,
                digest(mine_dump),
            )
            loser = mine_dump if theirs_wins else their_dump
            if theirs_wins:
                plan.changes.append((table, theirs))
                if content(mine_dump) != content(their_dump):
                    plan.changed[table] += 1
            # Every losing version is kept, even one that says the same as the winner: what
            # a vault keeps is then every version it met but the latest, whatever the order
            # of the files (is_open decides which are worth a review).
            made = conflict_id(table, theirs.id, digest(loser))
            if made in local.records["conflicts"] or made in planned_conflicts:
                continue
            # Made from the losing version alone, so either order of files makes it alike.
            when = mine.updated_at if theirs_wins else theirs.updated_at
            conflict = Conflict(
                id=made,
                table=table,
                record_id=theirs.id,
                other=loser,
                created_by=importer,
                updated_by=importer,
                created_at=when,
                updated_at=when,
            )
            planned_conflicts[made] = conflict
            plan.changes.append(("conflicts", conflict))
            current[(table, theirs.id)] = theirs if theirs_wins else mine
    for conflict in planned_conflicts.values():
        siblings = [
            c
            for c in [*local.records["conflicts"].values(), *planned_conflicts.values()]
            if isinstance(c, Conflict) and c.record_id == conflict.record_id
        ]
        if is_open(conflict, current[(conflict.table, conflict.record_id)], siblings):
            plan.conflicts.append(conflict)
    _merge_history(local, incoming, plan)
    team = set(local.records["team"]) | set(incoming.records["team"])
    exporter = bundle.exported_by
    if exporter.id not in team:
        # Whoever made the file is a facilitator of the case, as their own copy records
        # them; what they are to this vault's owner (a co-worker) is the views' to say.
        member = TeamMember(
            id=exporter.id,
            name=exporter.name,
            role=TeamRole.FACILITATOR,
            created_by=importer,
            updated_by=importer,
            created_at=now,
            updated_at=now,
        )
        plan.changes.append(("team", member))
        plan.added["team"] += 1
    known = {str(each) for each in local.meta.get("made_by_migration") or []}
    plan.made_by_migration = [
        each for each in incoming.meta.get("made_by_migration") or [] if each not in known
    ]
    return plan


def _merge_history(
    local: codec.CaseDocument, incoming: codec.CaseDocument, plan: MergePlan
) -> None:
    mine = audit.author_chains(local.in_stored_order("audit"))  # type: ignore[arg-type]
    theirs = audit.author_chains(incoming.in_stored_order("audit"))  # type: ignore[arg-type]
    their_heads = incoming.meta.get("audit_heads") or {}
    for author, chain in theirs.items():
        have = mine.get(author, [])
        shorter, longer = (have, chain) if len(have) <= len(chain) else (chain, have)
        if [e.id for e in longer[: len(shorter)]] != [e.id for e in shorter]:
            raise BundleRefused(
                "The file's history of the case differs from this vault's for one of its "
                "authors (the two copies disagree about what was written); it was refused."
            )
        if len(chain) > len(have):
            plan.entries.extend(chain[len(have) :])
            plan.heads[str(author)] = dict(their_heads[str(author)])
