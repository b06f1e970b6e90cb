"""Risks (A 2(a)): each risk, its rating, how it is managed, and when it is next reviewed."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from rjfacil.casedoc.model import Risk, RiskRating
from rjfacil.errors import RjfacilError
from rjfacil.views.dates import day_input, parse_day, show_day, show_when
from rjfacil.views.deadlines import review_status
from screens.readonly import edits
from screens.safe import plain
from screens.widgets import (
    CasePane,
    EditorModal,
    RecordTable,
    date_field,
    draft_note,
    editable,
    first_line,
    form_row,
    text_field,
)

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

CASE = "case"


class RiskEditor(EditorModal[Risk]):
    """Add or edit a risk. Dismisses with the saved risk, or None."""

    DISCARD_QUESTION = "Discard this risk? What you typed is not saved."

    def __init__(self, case: CaseFile, risk: Risk | None = None) -> None:
        super().__init__()
        self.case = case
        self.risk = risk
        self.TITLE_TEXT = "Edit the risk" if risk else "Add a risk"
        self._initial = self._from(risk)

    @staticmethod
    def _from(risk: Risk | None) -> dict[str, Any]:
        return {
            "description": editable(risk.description) if risk else "",
            "rating": (risk.rating if risk else RiskRating.MEDIUM).value,
            "mitigation": editable(risk.mitigation) if risk else "",
            "review_date": day_input(risk.review_date) if risk else "",
            "participant_id": str(risk.participant_id) if risk and risk.participant_id else CASE,
            "resolved": risk.resolved if risk else False,
        }

    def form(self) -> ComposeResult:
        start = self._initial
        yield form_row(
            "Risk",
            text_field(start["description"], "r-description"),
        )
        yield form_row(
            "Rating",
            Select(
                [(Content(r.value.capitalize()), r.value) for r in RiskRating],
                value=start["rating"],
                allow_blank=False,
                compact=True,
                id="r-rating",
            ),
        )
        yield form_row(
            "Managed by",
            text_field(start["mitigation"], "r-mitigation"),
        )
        yield form_row(
            "Review by",
            date_field(start["review_date"], "r-review"),
        )
        yield form_row(
            "Concerns",
            Select(
                [(Content("The case as a whole"), CASE)]
                + [
                    (plain(self.case.participant_label(p.id), single_line=True), str(p.id))
                    for p in self.case.participants
                ],
                value=start["participant_id"],
                allow_blank=False,
                compact=True,
                id="r-concerns",
            ),
        )
        yield form_row(
            "Resolved",
            Checkbox("No longer a risk", value=start["resolved"], compact=True, id="r-resolved"),
        )

    def on_mount(self) -> None:
        self.query_one("#r-description", TextArea).focus()

    def _values(self) -> dict[str, Any]:
        return {
            "description": self.query_one("#r-description", TextArea).text,
            "rating": str(self.query_one("#r-rating", Select).value),
            "mitigation": self.query_one("#r-mitigation", TextArea).text,
            "review_date": self.query_one("#r-review", Input).value.strip(),
            "participant_id": str(self.query_one("#r-concerns", Select).value),
            "resolved": self.query_one("#r-resolved", Checkbox).value,
        }

    def dirty(self) -> bool:
        return self._values() != self._initial

    def save(self) -> Risk:
        values = self._values()
        fields: dict[str, Any] = {
            "rating": values["rating"],
            "mitigation": values["mitigation"],
            "review_date": parse_day(values["review_date"]),
            "participant_id": None
            if values["participant_id"] == CASE
            else UUID(values["participant_id"]),
            "resolved": values["resolved"],
        }
        if self.risk is None:
            saved = self.case.add_risk(values["description"], **fields)
        else:
            fields["description"] = values["description"]
            changed = {k: v for k, v in fields.items() if getattr(self.risk, k) != v}
            saved = self.case.update_risk(self.risk.id, **changed) if changed else self.risk
        self.risk = saved
        self._initial = self._from(saved)
        return saved

    def rescue_draft(self, case: CaseFile) -> bool:
        values = self._values()
        if values == self._initial:
            return False
        text = f"Risk: {values['description']}\nManaged by: {values['mitigation']}"
        draft_note(case, "a risk", text)
        return True


class RisksPane(CasePane):
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
        self._risks = {str(r.id): r for r in risks}
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
        self._show_selected()

    def _selected(self) -> Risk | None:
        key = self.query_one(RecordTable).current_key
        return self._risks.get(key) if key else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_selected()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_selected(self) -> None:
        risk = self._selected()
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

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()

    @edits
    def action_add(self) -> None:
        self.app.push_screen(RiskEditor(self.case), callback=self._saved)

    @edits
    def action_edit(self) -> None:
        risk = self._selected()
        if risk is not None:
            self.app.push_screen(RiskEditor(self.case, risk), callback=self._saved)

    @edits
    def action_resolve(self) -> None:
        risk = self._selected()
        if risk is None:
            return
        try:
            self.case.update_risk(risk.id, resolved=not risk.resolved)
        except RjfacilError as error:
            self.fail(error)
            return
        self.notify("Risk resolved." if not risk.resolved else "Risk open again.", markup=False)
        self.changed()

    def _saved(self, risk: Risk | None) -> None:
        if risk is not None:
            self.notify("Risk saved.", markup=False)
            self.changed(select=risk.id)


def _rating(rating: RiskRating) -> Content:
    style = {"low": "", "medium": "$text-warning", "high": "bold $text-error"}[rating.value]
    return Content.styled(rating.value.capitalize(), style)
