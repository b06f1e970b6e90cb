"""A co-worker's case file in words: what an import adds, changes and sets aside, and
each conflict as two values side by side. The CLI and the screens both show these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from rjfacil.casedoc.merge import MergePlan, content
from rjfacil.casedoc.model import Case, Conflict, DecisionPoint, FieldChange, Record
from rjfacil.commands.casefile import CaseFile
from rjfacil.sanitize import visible
from rjfacil.views.dates import show_when
from rjfacil.views.history import NAMED_RECORDS, record_words
from rjfacil.views.labels import field_label, value_words
from rjfacil.views.redaction import redactor_for

# What each table's records are called, one and many.
KINDS: dict[str, tuple[str, str]] = {
    "case": ("the case's details", "the case's details"),
    "team": ("team member", "team members"),
    "participants": ("participant", "participants"),
    "consents": ("consent record", "consent records"),
    "notes": ("note", "notes"),
    "note_revisions": ("note text", "note texts"),
    "answers": ("checklist answer", "checklist answers"),
    "risks": ("risk", "risks"),
    "letters": ("letter", "letters"),
    "letter_versions": ("letter draft", "letter drafts"),
    "letter_vettings": ("letter vetting", "letter vettings"),
    "letter_reviews": ("review of a letter", "reviews of letters"),
    "actions": ("agreement action", "agreement actions"),
    "agreements": ("outcome agreement", "outcome agreements"),
    "money_handovers": ("money handover", "money handovers"),
    "flag_overrides": ("flag decision", "flag decisions"),
    "decisions": ("recorded decision", "recorded decisions"),
    "feedback": ("participant's feedback", "participants' feedback"),
    "conflicts": ("conflict", "conflicts"),
    "audit": ("history entry", "history entries"),
}


def kind(table: str, count: int = 1) -> str:
    one, many = KINDS.get(table, ("record", "records"))
    return one if count == 1 else many


def _counted(counts: Counter[str]) -> str:
    parts = []
    for table, count in counts.items():
        if table == "case":
            parts.append("the case's details")
        elif count:
            parts.append(f"{count} {kind(table, count)}")
    return ", ".join(parts)


def describe_merge(
    plan: MergePlan, reference: str, sender: str, new_case: bool, details: str = ""
) -> list[str]:
    """The plan in plain words, one line each (no field names, no ids); ``details`` (see
    :func:`detail_changes`) after what changes."""
    ref = visible(reference, single_line=True)
    who = visible(sender, single_line=True)
    if plan.nothing_new:
        return [f"Case {ref}: nothing new from {who}; this vault already has everything in it."]
    head = (
        f"Case {ref} is new to this vault: it comes from {who}."
        if new_case
        else f"Case {ref}: merging {who}'s copy into yours."
    )
    lines = [head]
    added = Counter(plan.added)
    if plan.entries:
        added["audit"] = len(plan.entries)
    if added:
        lines.append(f"Added: {_counted(added)}.")
    if plan.changed:
        lines.append(f"Changed (the later edit wins): {_counted(plan.changed)}.")
    if details:
        lines.append(details)
    if plan.conflicts:
        by_table = Counter(c.table for c in plan.conflicts)
        lines.append(
            f"In conflict, to review ({len(plan.conflicts)}): {_counted(by_table)}; "
            "both values are kept and the later one is shown until you choose."
        )
    else:
        lines.append("No conflicts.")
    return lines


def detail_changes(changes: list[FieldChange], person: Callable[[UUID], str]) -> str:
    """What a co-worker's file changes in the case's details, from what to what ("" for
    nothing): "The case's details change: process Shuttle → Face to face; …"."""
    parts = []
    for change in changes:
        old = visible(value_words("case", change.field, change.old, person), single_line=True)
        new = visible(value_words("case", change.field, change.new, person), single_line=True)
        parts.append(f"{field_label(change.field).lower()} {old or '(none)'} → {new or '(none)'}")
    return f"The case's details change: {'; '.join(parts)}." if parts else ""


def go_ahead_caution(sender: str, case: Case, points: list[DecisionPoint]) -> str:
    """That a co-worker's file takes the case past points with no go-ahead recorded (""
    for none): the facilitator checks before going on (A 2(a) 2, 6-8)."""
    if not points:
        return ""
    at = case.stage.label
    if case.process is not None:
        at += f" ({case.process.label.lower()})"
    missing = " or ".join(point.label.lower() for point in points)
    return (
        f"Check before you go on: in {visible(sender, single_line=True)}'s copy the case is "
        f"at {at}, and no go-ahead is recorded {missing}."
    )


@dataclass(frozen=True)
class ConflictView:
    """A conflict as a screen or the CLI shows it."""

    id: UUID
    what: str
    current_by: str
    current_at: str
    current: list[tuple[str, str]]
    other_by: str
    other_at: str
    other: list[tuple[str, str]]


def _what(case: CaseFile, conflict: Conflict, current: Record | None) -> str:
    """The record in conflict: "The case's details", "Participant: Ann Ode (supporter)",
    "The risk “Ben may call her”"."""
    if conflict.table == "case":
        return "The case's details"
    if conflict.table in ("participants", "team"):
        who = visible(case.person_label(conflict.record_id), single_line=True)
        return f"{kind(conflict.table).capitalize()}: {who}"
    if conflict.table in NAMED_RECORDS and current is not None:
        said = record_words(conflict.table, conflict.record_id, current, redactor_for(case, "none"))
        return visible(said[:1].upper() + said[1:], single_line=True)
    return kind(conflict.table).capitalize()


def _when(value: Any) -> str:
    try:
        return show_when(datetime.fromisoformat(str(value)))
    except (TypeError, ValueError):
        return "an unknown time"


def conflict_view(case: CaseFile, conflict: Conflict, current: Record | None) -> ConflictView:
    """Both values of a conflict, the fields where they differ only, with who and when."""
    now = current.model_dump(mode="json") if current is not None else {}
    other = conflict.other
    mine, theirs = content(now), content(other)
    fields = [
        f for f in dict.fromkeys([*mine, *theirs]) if f != "id" and mine.get(f) != theirs.get(f)
    ]

    def author(dump: dict[str, Any]) -> str:
        try:
            return case.author(UUID(str(dump.get("updated_by"))))
        except ValueError:
            return "an unknown facilitator"

    def shown(values: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (
                field_label(f),
                visible(value_words(conflict.table, f, values.get(f), case.person_name))
                or "(none)",
            )
            for f in fields
        ]

    return ConflictView(
        id=conflict.id,
        what=_what(case, conflict, current),
        current_by=visible(author(now), single_line=True),
        current_at=_when(now.get("updated_at")),
        current=shown(mine),
        other_by=visible(author(other), single_line=True),
        other_at=_when(other.get("updated_at")),
        other=shown(theirs),
    )
