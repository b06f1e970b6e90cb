"""Timescales in England and Wales working days (HMPPS 4.3, 4.6, 4.11, 4.14, 4.16).

A working day is a weekday that is not an England and Wales bank holiday (including a
substitute day when a holiday falls at a weekend), from the ``holidays`` package.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING

from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import AnswerFact, current_answers, known_not_to_apply
from rjfacil.checklists.schema import parse_date

if TYPE_CHECKING:
    from holidays import HolidayBase


@dataclass(frozen=True)
class Deadline:
    """A date something is due by, started by a date answer.

    ``done_on`` is the date the duty was recorded as done (the deadline's ``done_by``
    item), or None while it is still to do.
    """

    due: date
    label: str
    reference: str
    checklist_id: str
    item_id: str
    participant_id: str | None = None
    done_on: date | None = None

    @property
    def met(self) -> bool:
        """The duty is recorded as done (on time or late): it is no longer due."""
        return self.done_on is not None


@cache
def _bank_holidays() -> HolidayBase:
    # Imported here: the holidays package costs start-up time the TUI need not pay.
    import holidays

    # expand=True (the default) adds each year's holidays as dates are looked up.
    return holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a weekday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays()


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (before it, for negative ``n``).

    ``start`` itself is not counted: a request made on a Friday with 1 working day to
    answer is due on Monday (or Tuesday after a bank holiday Monday).

    Args:
        start: The day the timescale starts.
        n: Working days to add; 0 gives ``start``.

    Returns:
        The due date.
    """
    step = timedelta(days=1 if n >= 0 else -1)
    day = start
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def deadlines(catalogue: Catalogue, answers: Iterable[AnswerFact]) -> list[Deadline]:
    """The deadlines the case's date answers start.

    Args:
        catalogue: The loaded checklists.
        answers: The case's current answers; only valid dates on items with a
            ``[items.deadline]`` count.

    Returns:
        The deadlines, soonest first, each with the date its duty was done, if it was
        (the date answer named by the deadline's ``done_by``, for the same participant).
        A date on a checklist or item known not to apply to the case (an HMPPS
        timescale once the route is known to be another service) starts none; while
        that is not known yet, the date still counts.
    """
    found = []
    current = current_answers(catalogue, answers)
    starting = [entry for entry in current if entry.item.deadline is not None]
    if not starting:  # most cases, most of the time
        return []
    ruled_out = known_not_to_apply(catalogue, current, starting)
    dates = {
        (e.checklist.id, e.item.id, e.answer.participant_id): parse_date(e.answer.value)
        for e in current
        if e.item.kind == "date"
    }
    for entry in starting:
        rule = entry.item.deadline
        if rule is None or (entry.checklist.id, entry.item.id) in ruled_out:
            continue
        start = parse_date(entry.answer.value)
        if start is None:
            continue
        done_on = None
        if rule.done_by is not None:
            done_on = dates.get((entry.checklist.id, rule.done_by, entry.answer.participant_id))
        found.append(
            Deadline(
                due=add_working_days(start, rule.working_days),
                label=rule.label,
                reference=rule.reference,
                checklist_id=entry.checklist.id,
                item_id=entry.item.id,
                participant_id=entry.answer.participant_id,
                done_on=done_on,
            )
        )
    return sorted(
        found,
        key=lambda d: (d.due, d.checklist_id, d.item_id, d.participant_id or ""),
    )
