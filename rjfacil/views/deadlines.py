"""What a case has with a date, and how each date stands against today: overdue, due
today, or in so many days. Screens and exports style what this says; they never compare
dates themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rjfacil import clock
from rjfacil.casedoc.model import ActionStatus, AgreementAction, Risk
from rjfacil.checklists.timescales import deadlines as answer_deadlines
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day


@dataclass(frozen=True)
class DueStatus:
    """How a due date stands against the facilitator's today.

    Attributes:
        due: The date.
        days: Days from today to it: negative when it has passed.
    """

    due: date
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def due_today(self) -> bool:
        return self.days == 0

    @property
    def phrase(self) -> str:
        """ "overdue", "due today", "tomorrow" or "in N days"."""
        if self.overdue:
            return "overdue"
        if self.due_today:
            return "due today"
        return "tomorrow" if self.days == 1 else f"in {self.days} days"

    @property
    def day(self) -> str:
        """The date as it is shown (``3 Mar 2025``)."""
        return show_day(self.due)

    @property
    def day_overdue(self) -> str:
        """The date, with "overdue" after it once it has passed (``3 Mar 2025 overdue``)."""
        return f"{self.day} overdue" if self.overdue else self.day


def due_status(due: date, today: date | None = None) -> DueStatus:
    """How ``due`` stands against ``today`` (default: the facilitator's today)."""
    return DueStatus(due, (due - (today or clock.today())).days)


@dataclass(frozen=True)
class Due:
    """Something with a date: a timescale, a risk review, an agreement action."""

    due: date
    label: str
    reference: str = ""

    def status(self, today: date | None = None) -> DueStatus:
        return due_status(self.due, today)


def due_dates(case: CaseFile) -> list[Due]:
    """Everything with a date that is still to happen or overdue, soonest first."""
    dues = [
        Due(d.due, d.label, d.reference)
        for d in answer_deadlines(case.catalogue, case.answer_facts())
    ]
    dues += [
        Due(r.review_date, "Risk review", "A 2(a) 7")
        for r in case.risks
        if r.review_date and not r.resolved
    ]
    dues += [
        Due(a.due, "Agreement action due", "A 3(d)")
        for a in case.actions
        if a.due and a.status is ActionStatus.OPEN
    ]
    if case.case.meeting_date and not due_status(case.case.meeting_date).overdue:
        dues.append(Due(case.case.meeting_date, "Meeting", "A 3(b)"))
    return sorted(dues, key=lambda d: d.due)


def review_status(risk: Risk) -> DueStatus | None:
    """How a risk's review date stands; None when it has none or the risk is resolved."""
    if risk.review_date is None or risk.resolved:
        return None
    return due_status(risk.review_date)


def action_status(action: AgreementAction) -> DueStatus | None:
    """How an agreement action's due date stands; None when it has none or is not open."""
    if action.due is None or action.status is not ActionStatus.OPEN:
        return None
    return due_status(action.due)
