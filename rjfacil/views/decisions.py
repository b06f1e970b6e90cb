"""Suitability and go/no-go decisions as a reader sees them: the decisions recorded (who,
when, why, the manager's oversight) and the points of the case still waiting for one.

One read model for the case screen, the history and the supervisor summary. The guidance
asks for assessment before any communication (001 A 2(a) 2), measures agreed before
contact (A 2(a) 6) and a review before going on to a meeting (A 2(a) 7-8); on the HMPPS
route, managerial oversight before referring or sharing (HMPPS 4.4) and the line
manager's continuing oversight (HMPPS 4.21, 4.22).
"""

from __future__ import annotations

from dataclasses import dataclass

from rjfacil.casedoc.model import Decision, DecisionPoint
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day
from rjfacil.views.redaction import Redactor, redactor_for


@dataclass(frozen=True)
class DecisionLine:
    """One recorded decision, in words (already redacted).

    Attributes:
        point: Before which step ("Before first contact").
        reference: The guidance asking for it.
        outcome: "Go ahead", "Do not go ahead" or "Wait".
        decided_by: Who decided.
        decided_on: When, as a day.
        reason: Why, in the decider's words.
        oversight: The manager's oversight in words, or "" when none was recorded.
        current: The latest decision at its point (an earlier one is superseded).
    """

    point: str
    reference: str
    outcome: str
    decided_by: str
    decided_on: str
    reason: str
    oversight: str
    current: bool


def decision_points(case: CaseFile) -> list[DecisionPoint]:
    """The points of this case that need a decision (see CaseFile.decision_points)."""
    return case.decision_points()


def oversight_words(case: CaseFile, decision: Decision, redactor: Redactor) -> str:
    if decision.oversight_by is None or decision.oversight_on is None:
        return ""
    who = redactor.person(decision.oversight_by, case.person_name(decision.oversight_by))
    return f"oversight given by {who} on {show_day(decision.oversight_on)}"


def decision_lines(case: CaseFile, redactor: Redactor | None = None) -> list[DecisionLine]:
    """Every recorded decision, newest first."""
    redactor = redactor or redactor_for(case, "none")
    recorded = case.decisions
    latest = {d.point: d.id for d in recorded}
    return [
        DecisionLine(
            point=d.point.label,
            reference=d.point.reference,
            outcome=d.outcome.label,
            decided_by=redactor.person(d.decided_by, case.person_name(d.decided_by)),
            decided_on=show_day(d.decided_on),
            reason=redactor.text(d.reason),
            oversight=oversight_words(case, d, redactor),
            current=latest[d.point] == d.id,
        )
        for d in reversed(recorded)
    ]


def waiting_for_decision(case: CaseFile) -> list[str]:
    """The points of the case with no decision recorded yet, in words."""
    decided = {d.point for d in case.decisions}
    return [p.label for p in decision_points(case) if p not in decided]


def decision_sentence(case: CaseFile, decision: Decision, redactor: Redactor) -> str:
    """A decision as the history says it, starting lower case."""
    who = redactor.person(decision.decided_by, case.person_name(decision.decided_by))
    said = (
        f"recorded a decision {decision.point.label.lower()}: "
        f"{decision.outcome.label.lower()}, decided by {who} on {show_day(decision.decided_on)}"
        f", because {redactor.text(decision.reason)}"
    )
    oversight = oversight_words(case, decision, redactor)
    if not oversight:
        return said
    # A reason that ends its own sentence is followed by the oversight as a new one.
    if said.rstrip().endswith((".", "!", "?")):
        return f"{said.rstrip()} {oversight[0].upper()}{oversight[1:]}"
    return f"{said}; {oversight}"
