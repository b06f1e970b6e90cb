"""The form that records a suitability or go/no-go decision (rjfacil.views.decisions).

The core's rules apply (rjfacil.commands.casefile.CaseFile.record_decision): a reason, a
decider in the team, and on the HMPPS route the manager who gave oversight and when.
"""

from __future__ import annotations

from uuid import UUID

from textual.content import Content

from rjfacil.casedoc.model import Decision, DecisionOutcome, DecisionPoint
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import today_input
from rjfacil.views.decisions import waiting_for_decision
from screens.form import Choice, Day, EditorModal, Form, Line, OneOf, Text


class DecisionEditor(EditorModal[Decision]):
    """Record a decision. Dismisses with the saved decision, or None."""

    DISCARD_QUESTION = "Discard this decision? It is not recorded."
    draft_of = "a decision"

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        waiting = waiting_for_decision(case)
        start = next((p for p in DecisionPoint if p.label in waiting), DecisionPoint.FIRST_CONTACT)
        self.point = Choice(
            "Before",
            "dec-point",
            [(Content(p.label), p.value) for p in DecisionPoint],
            start.value,
        )
        self.outcome = OneOf(
            "Decision",
            "dec-outcome",
            [(o.label, o.value) for o in DecisionOutcome],
            DecisionOutcome.GO.value,
        )
        team = sorted(case.team, key=lambda m: m.id != case.owner.id)
        ids = [m.id for m in team] or [case.owner.id]
        self.decided_by = Choice(
            "Decided by",
            "dec-by",
            [(Content(case.person_label(each)), str(each)) for each in ids],
            str(case.owner.id),
        )
        self.decided_on = Day("On", "dec-on", today_input(), required=True)
        self.reason = Text("Why", "dec-reason", "")
        self.manager = Line(
            "Oversight by",
            "dec-manager",
            placeholder="the manager who gave oversight (HMPPS route: required)",
        )
        self.manager_on = Day("Oversight on", "dec-manager-on", "")
        super().__init__(
            "Record a decision",
            Form(
                self.point,
                self.outcome,
                self.decided_by,
                self.decided_on,
                self.reason,
                self.manager,
                self.manager_on,
            ),
        )

    def save(self) -> Decision:
        decided_on = self.decided_on.day
        if decided_on is None:
            raise ValueError("Give the date the decision was taken.")
        manager = " ".join(self.manager.value.split())
        return self.case.record_decision(
            self.point.value,
            self.outcome.value,
            UUID(self.decided_by.value),
            decided_on,
            self.reason.value,
            oversight_by=manager or None,
            oversight_on=self.manager_on.day,
        )
