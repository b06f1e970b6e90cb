"""Risks (A 2(a)): each risk, its rating, how it is managed, and when it is next reviewed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from rjfacil.casedoc.model import Risk, RiskRating
from rjfacil.views.dates import day_input, show_day, show_when
from rjfacil.views.deadlines import review_status
from screens.form import Choice, Day, EditorModal, Form, Text, Tick, add_or_update
from screens.readonly import edits
from screens.safe import plain
from screens.widgets import RecordsPane, RecordTable, editable, first_line

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

CASE = "case"


class RiskEditor(EditorModal[Risk]):
    """Add or edit a risk. Dismisses with the saved risk, or None."""

    DISCARD_QUESTION = "Discard this risk? What you typed is not saved."
    draft_of = "a risk"

    def __init__(self, case: CaseFile, risk: Risk | None = None) -> None:
        self.case = case
        self.risk = risk
        self.description = Text("Risk", "r-description", editable(risk.description) if risk else "")
        self.rating = Choice(
            "Rating",
            "r-rating",
            [(Content(r.value.capitalize()), r.value) for r in RiskRating],
            (risk.rating if risk else RiskRating.MEDIUM).value,
        )
        self.mitigation = Text(
            "Managed by", "r-mitigation", editable(risk.mitigation) if risk else ""
        )
        self.review = Day("Review by", "r-review", day_input(risk.review_date) if risk else "")
        self.concerns = Choice(
            "Concerns",
            "r-concerns",
            [(Content("The case as a whole"), CASE)]
            + [(case.participant_label(p.id), str(p.id)) for p in case.participants],
            str(risk.participant_id) if risk and risk.participant_id else CASE,
        )
        self.resolved = Tick(
            "Resolved", "r-resolved", "No longer a risk", risk.resolved if risk else False
        )
        super().__init__(
            "Edit the risk" if risk else "Add a risk",
            Form(
                self.description,
                self.rating,
                self.mitigation,
                self.review,
                self.concerns,
                self.resolved,
            ),
        )

    def save(self) -> Risk:
        concerns = self.concerns.value
        fields = {
            "description": self.description.value,
            "rating": self.rating.value,
            "mitigation": self.mitigation.value,
            "review_date": self.review.day,
            "participant_id": None if concerns == CASE else UUID(concerns),
            "resolved": self.resolved.value,
        }
        self.risk = add_or_update(self.risk, fields, self.case.add_risk, self.case.update_risk)
        return self.risk


class RisksPane(RecordsPane[Risk]):
    """The risks of the case, open ones first, with the selected one in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add risk", id="risks.add", tooltip="Record a risk"),
        Binding("e", "edit", "Edit", id="risks.edit", tooltip="Edit the selected risk"),
        Binding(
            "r",
            "resolve",
            "Resolve",
            id="risks.resolve",
            tooltip="Mark the selected risk resolved, or open again",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable("Risk", "Rating", "Review by", "Status", id="risks-table")
        with VerticalScroll(id="risks-detail"):
            yield Static(id="risk-text")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        risks = sorted(case.risks, key=lambda r: (r.resolved, r.review_date or date.max))
        self.records = {str(r.id): r for r in risks}
        rows = []
        for risk in risks:
            status = review_status(risk)
            if status is not None and status.overdue:
                review_cell = Content.styled(status.day_overdue, "bold $text-warning")
            else:
                review_cell = Content(show_day(risk.review_date))
            rows.append(
                (
                    str(risk.id),
                    (
                        first_line(risk.description, 40),
                        _rating(risk.rating),
                        review_cell,
                        Content.styled("resolved", "$foreground-muted")
                        if risk.resolved
                        else Content("open"),
                    ),
                )
            )
        self.query_one(RecordTable).fill(rows, select=self.take_select())
        self.show_selected()

    def show_selected(self) -> None:
        risk = self.selected()
        text = self.query_one("#risk-text", Static)
        if risk is None:
            text.update(
                Content.styled(
                    "No risks recorded. Press a to record one (A 2(a) 5).", "$foreground-muted"
                )
            )
            return
        case = self.case
        parts = [
            Content.assemble(("Risk: ", "bold"), plain(risk.description)),
            Content.assemble(("Rating: ", "bold"), _rating(risk.rating)),
            Content.assemble(
                ("Managed by: ", "bold"),
                plain(risk.mitigation)
                if risk.mitigation
                else Content.styled("no measures recorded yet", "$text-warning"),
            ),
            Content.assemble(("Review by: ", "bold"), show_day(risk.review_date) or "not set"),
            Content.assemble(
                ("Concerns: ", "bold"),
                plain(case.participant_label(risk.participant_id), single_line=True),
            ),
            Content.styled(
                f"Recorded by {case.author(risk.created_by)} {show_when(risk.created_at)}; "
                f"last changed by {case.author(risk.updated_by)} {show_when(risk.updated_at)}",
                "$foreground-muted",
            ),
        ]
        text.update(Content("\n").join(parts))

    @edits
    def action_add(self) -> None:
        self.app.push_screen(RiskEditor(self.case), callback=self._saved)

    @edits
    def edit(self, risk: Risk) -> None:
        self.app.push_screen(RiskEditor(self.case, risk), callback=self._saved)

    @edits
    def action_resolve(self) -> None:
        risk = self.selected()
        if risk is None:
            return
        if self.save_change(lambda: self.case.update_risk(risk.id, resolved=not risk.resolved)):
            self.notify("Risk resolved." if not risk.resolved else "Risk open again.", markup=False)

    def _saved(self, risk: Risk | None) -> None:
        if risk is not None:
            self.notify("Risk saved.", markup=False)
            self.changed(select=risk.id)


def _rating(rating: RiskRating) -> Content:
    style = {"low": "", "medium": "$text-warning", "high": "bold $text-error"}[rating.value]
    return Content.styled(rating.value.capitalize(), style)
