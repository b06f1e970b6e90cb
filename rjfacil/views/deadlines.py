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
    done_on: date | None = None
    """When the duty was recorded as done: then it is met, never overdue."""

    @property
    def met(self) -> bool:
        return self.done_on is not None

    @property
    def late(self) -> bool:
        """Done, but after the due date."""
        return self.done_on is not None and self.done_on > self.due

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.days < 0

    @property
    def due_today(self) -> bool:
        return self.days == 0

    @property
    def phrase(self) -> str:
        """ "met on 3 Mar 2025", "met late, on ...", "overdue", "due today", "tomorrow" or
        "in N days"."""
        if self.done_on is not None:
            done = show_day(self.done_on)
            return f"met late, on {done}" if self.late else f"met on {done}"
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
        """The date, with "overdue" after it once it has passed (``3 Mar 2025 overdue``),
        or "met" once done (``3 Mar 2025 met``)."""
        if self.met:
            return f"{self.day} met"
        return f"{self.day} overdue" if self.overdue else self.day


def due_status(due: date, today: date | None = None, done_on: date | None = None) -> DueStatus:
    """How ``due`` stands against ``today`` (default: the facilitator's today); a duty
    done (``done_on``) is met, whatever the day."""
    return DueStatus(due, (due - (today or clock.today())).days, done_on)


@dataclass(frozen=True)
class Due:
    """Something with a date: a timescale, a risk review, an agreement action."""

    due: date
    label: str
    reference: str = ""
    done_on: date | None = None
    kind: str = "deadline"
    """What it is: "deadline" (a timescale), "risk_review", "action" or "meeting"."""

    def status(self, today: date | None = None) -> DueStatus:
        return due_status(self.due, today, self.done_on)


def met_timescales(case: CaseFile) -> list[Due]:
    """The timescales whose duty is recorded as done, soonest due first (HMPPS 4.3, ...)."""
    return [
        Due(d.due, d.label, d.reference, d.done_on)
        for d in answer_deadlines(case.catalogue, case.answer_facts())
        if d.met
    ]


def due_dates(case: CaseFile) -> list[Due]:
    """Everything with a date that is still to happen or overdue, soonest first (a
    timescale whose duty is done is met: see :func:`met_timescales`)."""
    dues = [
        Due(d.due, d.label, d.reference)
        for d in answer_deadlines(case.catalogue, case.answer_facts())
        if not d.met
    ]
    dues += [
        Due(r.review_date, "Risk review", "A 2(a) 7", kind="risk_review")
        for r in case.risks
        if r.review_date and not r.resolved
    ]
    dues += [
        Due(a.due, "Agreement action due", "A 3(d)", kind="action")
        for a in case.actions
        if a.due and a.status is ActionStatus.OPEN
    ]
    if case.case.meeting_date and not due_status(case.case.meeting_date).overdue:
        dues.append(Due(case.case.meeting_date, "Meeting", "A 3(b)", kind="meeting"))
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
