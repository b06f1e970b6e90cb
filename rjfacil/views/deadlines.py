"""What a case has with a date: timescales, risk reviews, agreement actions, the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rjfacil import clock
from rjfacil.checklists.timescales import deadlines as answer_deadlines
from rjfacil.commands.casefile import CaseFile


@dataclass(frozen=True)
class Due:
    """Something with a date: a timescale, a risk review, an agreement action."""

    due: date
    label: str
    reference: str = ""


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
        if a.due and a.status.value == "open"
    ]
    if case.case.meeting_date and case.case.meeting_date >= clock.today():
        dues.append(Due(case.case.meeting_date, "Meeting", "A 3(b)"))
    return sorted(dues, key=lambda d: d.due)
