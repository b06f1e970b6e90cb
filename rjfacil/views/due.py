"""The dashboard across cases: what is due in every case and in the facilitator's own
practice, soonest first. Deadlines, agreement actions, risk reviews, meetings, letters
awaiting vetting, supervision and retention.

It reads the case list's rows (:class:`rjfacil.views.summary.CaseSummary`), never a case
file, so it costs the same whether the vault holds ten cases or thousands. The TUI's Due
screen and ``rjfacil due`` show the same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from rjfacil import clock
from rjfacil.commands.supervision import SupervisionSession, supervision_due
from rjfacil.views.dates import show_day
from rjfacil.views.deadlines import due_status
from rjfacil.views.summary import CaseSummary


class DueKind(StrEnum):
    DEADLINE = "deadline"
    ACTION = "action"
    RISK_REVIEW = "risk_review"
    MEETING = "meeting"
    LETTERS = "letters"
    SUPERVISION = "supervision"
    RETENTION = "retention"

    @property
    def label(self) -> str:
        return {
            "deadline": "Deadline",
            "action": "Action",
            "risk_review": "Risk review",
            "meeting": "Meeting",
            "letters": "Letters",
            "supervision": "Supervision",
            "retention": "Retention",
        }[self.value]


@dataclass(frozen=True)
class DueItem:
    """One line of the dashboard.

    Attributes:
        when: The day it is due (or since when it has waited): the list is sorted by it.
        kind: What sort of duty it is.
        what: It in words.
        status: How it stands, in words ("overdue", "in 3 days", "waiting since ...").
        overdue: It has passed (styled as urgent).
        reference: The case's reference ("" for the facilitator's supervision).
        case_id: The case, to open it (None for supervision).
    """

    when: date
    kind: DueKind
    what: str
    status: str
    overdue: bool
    reference: str = ""
    case_id: UUID | None = None


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _kind(kind: str) -> DueKind:
    try:
        return DueKind(kind)
    except ValueError:
        return DueKind.DEADLINE


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def case_items(row: CaseSummary, retention_years: int, today: date) -> list[DueItem]:
    """What one case has due, from its row."""
    items = []
    for due in row.dues:
        status = due_status(due.due, today)
        items.append(
            DueItem(
                due.due,
                _kind(due.kind),
                due.label,
                status.phrase,
                status.overdue,
                row.reference,
                row.id,
            )
        )
    if row.letters_to_vet and row.letters_waiting_since is not None:
        items.append(
            DueItem(
                row.letters_waiting_since,
                DueKind.LETTERS,
                f"{_plural(row.letters_to_vet, 'letter')} awaiting vetting",
                f"waiting since {show_day(row.letters_waiting_since)}",
                False,
                row.reference,
                row.id,
            )
        )
    if not row.stage.is_open and row.closed_on is not None:
        ends = add_years(row.closed_on, retention_years)
        if ends <= today:
            closed = (
                f"closed {show_day(row.closed_on)}"
                if row.closed_on_known
                else f"closure date not recorded; last changed {show_day(row.closed_on)}"
            )
            items.append(
                DueItem(
                    ends,
                    DueKind.RETENTION,
                    f"Past its retention period ({closed}; kept "
                    f"{_plural(retention_years, 'year')})",
                    f"since {show_day(ends)}",
                    True,
                    row.reference,
                    row.id,
                )
            )
    return items


def supervision_item(last: date | None, weeks: int, today: date) -> DueItem | None:
    """The reminder of supervision: once ``weeks`` have passed since the last session, or
    when none is recorded; None while one is not due."""
    if last is None:
        return DueItem(
            today, DueKind.SUPERVISION, "No supervision session recorded yet", "due", True
        )
    due = supervision_due(last, weeks)
    assert due is not None
    if due > today:
        return None
    status = due_status(due, today)
    return DueItem(
        due,
        DueKind.SUPERVISION,
        f"Last supervision session {show_day(last)}: more than {_plural(weeks, 'week')} ago",
        status.phrase,
        status.overdue,
    )


def due_items(
    rows: Iterable[CaseSummary],
    last_supervision: date | None,
    *,
    supervision_weeks: int,
    retention_years: int,
    today: date | None = None,
) -> list[DueItem]:
    """Everything due across ``rows`` and the facilitator's supervision, soonest first (at
    the same day: by case reference, then kind)."""
    today = today or clock.today()
    items: list[DueItem] = []
    for row in rows:
        if row.unreadable:
            continue
        items += case_items(row, retention_years, today)
    reminder = supervision_item(last_supervision, supervision_weeks, today)
    if reminder is not None:
        items.append(reminder)
    order = list(DueKind)
    return sorted(items, key=lambda i: (i.when, i.reference.casefold(), order.index(i.kind)))


@dataclass(frozen=True)
class SessionLine:
    """A supervision session as it is listed, in words."""

    day: str
    supervisor: str
    cases: str
    agreed: str


def supervision_lines(
    sessions: Iterable[SupervisionSession], rows: Iterable[CaseSummary]
) -> list[SessionLine]:
    """Sessions as listed (newest first, as given): cases discussed by their reference; a
    case no longer in the vault is said to be so, without its reference."""
    references = {row.id: row.reference for row in rows}
    lines = []
    for session in sessions:
        cases = [references.get(c, "a case no longer in this vault") for c in session.case_ids]
        lines.append(
            SessionLine(
                show_day(session.held_on), session.supervisor, ", ".join(cases), session.agreed
            )
        )
    return lines


def session_day_default() -> str:
    """The day a new supervision session is offered with (today), as it is typed."""
    return clock.today().isoformat()
