"""Participants: who they are, how they wish to be addressed, access needs, and consent.

Consent is recorded per participant and per purpose, written or verbal, dated, and
withdrawable; a withdrawal is a new record, so the history keeps every decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import (
    DataTable,
    Input,
    RadioButton,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from rjfacil.casedoc.model import Consent, ConsentPurpose, Participant
from rjfacil.errors import RjfacilError
from rjfacil.views.dates import parse_day, show_day, show_when, today_input
from rjfacil.views.labels import consent_purpose_label, process_label, role_label
from rjfacil.vocab import ProcessType, Role
from screens.dialogs import ConfirmModal
from screens.readonly import edits
from screens.safe import plain
from screens.widgets import (
    CasePane,
    DateValidator,
    EditorModal,
    PickModal,
    RecordTable,
    draft_note,
    editable,
    form_row,
    text_field,
)

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

ANY_FORM = "any"  # the Select value for "every form of the process"


class ParticipantEditor(EditorModal[Participant]):
    """Add a participant, or edit one. Dismisses with the saved participant, or None."""

    DISCARD_QUESTION = "Discard these details? They are not saved."

    def __init__(
        self, case: CaseFile, participant: Participant | None = None, role: Role | None = None
    ) -> None:
        super().__init__()
        self.case = case
        self.participant = participant
        self.TITLE_TEXT = "Edit participant" if participant else "Add a participant"
        self._initial = {
            "name": editable(participant.name) if participant else "",
            "role": (participant.role if participant else role or Role.PERSON_HARMED).value,
            "address_as": editable(participant.address_as) if participant else "",
            "contact": editable(participant.contact) if participant else "",
            "access_needs": editable(participant.access_needs) if participant else "",
        }

    def form(self) -> ComposeResult:
        start = self._initial
        yield form_row("Name", Input(start["name"], compact=True, id="p-name"))
        yield form_row(
            "Role",
            Select(
                [(Content(role_label(role)), role.value) for role in Role],
                value=start["role"],
                allow_blank=False,
                compact=True,
                id="p-role",
            ),
        )
        yield form_row(
            "Address as",
            Input(
                start["address_as"],
                placeholder="How they wish to be addressed",
                compact=True,
                id="p-address-as",
            ),
        )
        yield form_row("Contact", Input(start["contact"], compact=True, id="p-contact"))
        yield form_row(
            "Access needs",
            text_field(start["access_needs"], "p-access"),
        )

    def on_mount(self) -> None:
        self.query_one("#p-name", Input).focus()

    def _values(self) -> dict[str, Any]:
        return {
            "name": self.query_one("#p-name", Input).value,
            "role": str(self.query_one("#p-role", Select).value),
            "address_as": self.query_one("#p-address-as", Input).value,
            "contact": self.query_one("#p-contact", Input).value,
            "access_needs": self.query_one("#p-access", TextArea).text,
        }

    def dirty(self) -> bool:
        return self._values() != self._initial

    def save(self) -> Participant:
        values = self._values()
        values["name"] = values["name"].strip()
        if self.participant is None:
            role = values.pop("role")
            name = values.pop("name")
            saved = self.case.add_participant(role, name, **values)
            self.participant = saved
        else:
            changed = {k: v for k, v in values.items() if getattr(self.participant, k) != v}
            saved = (
                self.case.update_participant(self.participant.id, **changed)
                if changed
                else self.participant
            )
        self._initial = self._values()
        return saved

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def rescue_draft(self, case: CaseFile) -> bool:
        values = self._values()
        if values == self._initial:
            return False
        lines = [f"{key}: {value}" for key, value in values.items() if value]
        draft_note(case, "participant details", "\n".join(lines))
        return True


class ConsentEditor(EditorModal[Consent]):
    """Record a consent decision: given or withdrawn, written or verbal, dated.

    Args:
        case: The case; the editor saves through it.
        participant_id: Whose decision it is.
        base: A current consent to withdraw (or renew): its topic is kept.
        given: Whether the decision starts as given or withdrawn.
    """

    TITLE_TEXT = "Record consent"

    def __init__(
        self, case: CaseFile, participant_id: UUID, base: Consent | None = None, given: bool = True
    ) -> None:
        super().__init__()
        self.case = case
        self.participant_id = participant_id
        self.base = base
        self.given = given
        if not given:
            self.TITLE_TEXT = "Record a withdrawal of consent"

    def form(self) -> ComposeResult:
        base = self.base
        yield Static(
            Content.assemble(
                ("For ", "$foreground-muted"),
                plain(self.case.participant_label(self.participant_id)),
            ),
            classes="form-hint",
        )
        yield form_row(
            "Purpose",
            Select(
                [(Content(consent_purpose_label(p)), p.value) for p in ConsentPurpose],
                value=base.purpose.value if base else ConsentPurpose.TAKE_PART.value,
                allow_blank=False,
                compact=True,
                id="c-purpose",
            ),
        )
        yield form_row(
            "Process",
            Select(
                [(Content("Any form"), ANY_FORM)]
                + [(Content(process_label(p)), p.value) for p in ProcessType],
                value=base.process.value if base and base.process else ANY_FORM,
                allow_blank=False,
                compact=True,
                id="c-process",
            ),
        )
        yield form_row(
            "Information",
            Input(
                editable(base.information) if base else "",
                placeholder="For sharing: which information",
                compact=True,
                id="c-information",
            ),
        )
        chosen = set(base.share_with) if base else set()
        yield form_row(
            "Share with",
            SelectionList[str](
                *[
                    (
                        plain(self.case.participant_label(p.id), single_line=True),
                        str(p.id),
                        p.id in chosen,
                    )
                    for p in self.case.participants
                    if p.id != self.participant_id
                ],
                compact=True,
                id="c-share-with",
            ),
        )
        yield form_row(
            "Decision",
            RadioSet(
                RadioButton("Given", value=self.given, id="given"),
                RadioButton("Withdrawn", value=not self.given, id="withdrawn"),
                compact=True,
                id="c-given",
            ),
        )
        yield form_row(
            "Form",
            RadioSet(
                RadioButton("Verbal", value=True, id="verbal"),
                RadioButton("Written", id="written"),
                compact=True,
                id="c-form",
            ),
        )
        yield form_row(
            "Date",
            Input(
                today_input(),
                validators=[DateValidator(optional=False)],
                compact=True,
                id="c-on",
            ),
        )
        yield form_row("Note", Input(compact=True, id="c-note"))

    def on_mount(self) -> None:
        self.query_one("#c-given" if self.base else "#c-purpose").focus()

    def dirty(self) -> bool:
        return bool(
            self.query_one("#c-note", Input).value.strip()
            or self.query_one("#c-information", Input).value
            != (editable(self.base.information) if self.base else "")
        )

    def save(self) -> Consent:
        process = str(self.query_one("#c-process", Select).value)
        on = parse_day(self.query_one("#c-on", Input).value)
        given_button = self.query_one("#c-given", RadioSet).pressed_button
        form_button = self.query_one("#c-form", RadioSet).pressed_button
        return self.case.record_consent(
            self.participant_id,
            str(self.query_one("#c-purpose", Select).value),
            given=given_button is None or given_button.id == "given",
            process=None if process == ANY_FORM else process,
            information=self.query_one("#c-information", Input).value.strip(),
            share_with=[UUID(v) for v in self.query_one("#c-share-with", SelectionList).selected],
            form=form_button.id if form_button and form_button.id else "verbal",
            on=on,
            note=self.query_one("#c-note", Input).value,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def rescue_draft(self, case: CaseFile) -> bool:
        note = self.query_one("#c-note", Input).value
        if not note.strip():
            return False
        draft_note(case, "a note on a consent decision", note, self.participant_id)
        return True


def consent_topic(case: CaseFile, consent: Consent) -> str:
    """What a consent is about, in words: purpose, form of process, information, with whom."""
    details = []
    if consent.process:
        details.append(process_label(consent.process).lower())
    if consent.information:
        details.append(consent.information)
    if consent.share_with:
        details.append("with " + ", ".join(case.person_name(pid) for pid in consent.share_with))
    return consent_purpose_label(consent.purpose) + (f" ({', '.join(details)})" if details else "")


def consent_line(case: CaseFile, consent: Consent, history: bool = False) -> Content:
    """One consent decision as a line."""
    decision = (
        ("given", "bold $text-success") if consent.given else ("withdrawn", "bold $text-warning")
    )
    tail = f" ({consent.form}, {show_day(consent.on)}"
    tail += (
        f"; recorded by {case.author(consent.created_by)} {show_when(consent.created_at)})"
        if history
        else ")"
    )
    line = Content.assemble(
        plain(consent_topic(case, consent), single_line=True),
        ": ",
        decision,
        (tail, "$foreground-muted"),
    )
    if consent.note:
        line = line + Content(" — ") + plain(consent.note, single_line=True)
    return line


class ParticipantsPane(CasePane):
    """The participants, and the selected one's details, consent and its history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="participants.add", tooltip="Add a participant"),
        Binding(
            "e", "edit", "Edit", id="participants.edit", tooltip="Edit the selected participant"
        ),
        Binding(
            "c",
            "consent",
            "Consent",
            id="participants.consent",
            tooltip="Record a consent decision",
        ),
        Binding(
            "w",
            "withdraw",
            "Withdraw",
            id="participants.withdraw",
            tooltip="Record a withdrawal of consent",
        ),
        Binding(
            "delete",
            "remove",
            "Remove",
            show=False,
            id="participants.remove",
            tooltip="Remove the selected participant from the case",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield RecordTable("Name", "Role", "Addressed as", "Taking part", id="participants-table")
        with VerticalScroll(id="participants-detail"):
            yield Static(id="participant-about")
            yield Static(id="participant-consent")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        rows = []
        for person in case.participants:
            rows.append(
                (
                    str(person.id),
                    (
                        plain(person.name, single_line=True),
                        role_label(person.role),
                        plain(person.address_as, single_line=True),
                        self._taking_part(person.id),
                    ),
                )
            )
        self.query_one(RecordTable).fill(rows, select=self.take_select())
        self._show_selected()

    def _taking_part(self, participant_id: UUID) -> Content:
        decisions = [
            c
            for c in self.case.current_consents(participant_id)
            if c.purpose is ConsentPurpose.TAKE_PART
        ]
        if not decisions:
            return Content.styled("not recorded", "$foreground-muted")
        if any(c.given for c in decisions):
            return Content.styled("given", "$text-success")
        return Content.styled("withdrawn", "$text-warning")

    def _selected(self) -> Participant | None:
        key = self.query_one(RecordTable).current_key
        if key is None:
            return None
        return next((p for p in self.case.participants if str(p.id) == key), None)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_selected()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _show_selected(self) -> None:
        person = self._selected()
        about = self.query_one("#participant-about", Static)
        consent = self.query_one("#participant-consent", Static)
        if person is None:
            about.update(
                Content.styled(
                    "No participants yet. Press a to add the person harmed, the person "
                    "responsible, or a supporter.",
                    "$foreground-muted",
                )
            )
            consent.update("")
            return
        case = self.case
        lines = [
            Content.assemble(
                plain(person.name, single_line=True),
                (f" · {role_label(person.role)}", "$foreground-muted"),
            ),
        ]
        if person.address_as:
            lines.append(
                Content.assemble(
                    ("Addressed as: ", "bold"), plain(person.address_as, single_line=True)
                )
            )
        if person.contact:
            lines.append(
                Content.assemble(("Contact: ", "bold"), plain(person.contact, single_line=True))
            )
        lines.append(
            Content.assemble(
                ("Access needs: ", "bold"),
                plain(person.access_needs)
                if person.access_needs
                else Content.styled("none recorded", "$foreground-muted"),
            )
        )
        about.update(Content("\n").join(lines))
        current = case.current_consents(person.id)
        history = case.consents(person.id)
        parts: list[Content] = [Content.styled("Consent now", "bold")]
        if current:
            parts.extend(Content("  ") + consent_line(case, c) for c in current)
        else:
            parts.append(
                Content.styled("  No consent recorded yet (c records one).", "$foreground-muted")
            )
        if len(history) > len(current) or history:
            parts.append(Content.styled("History (oldest first)", "bold"))
            parts.extend(Content("  ") + consent_line(case, c, history=True) for c in history)
        consent.update(Content("\n").join(parts))

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()

    # -- actions ----------------------------------------------------------------

    @edits
    def action_add(self) -> None:
        self.app.push_screen(ParticipantEditor(self.case), callback=self._saved)

    @edits
    def action_edit(self) -> None:
        person = self._selected()
        if person is not None:
            self.app.push_screen(ParticipantEditor(self.case, person), callback=self._saved)

    def _saved(self, saved: Participant | Consent | None) -> None:
        if saved is not None:
            self.notify("Saved.", markup=False)
            self.changed(select=saved.id if isinstance(saved, Participant) else None)

    @edits
    def action_consent(self) -> None:
        person = self._selected()
        if person is not None:
            self.app.push_screen(ConsentEditor(self.case, person.id), callback=self._saved)

    @edits
    def action_withdraw(self) -> None:
        self._withdraw()

    @work(exclusive=True, group="participants-withdraw")
    async def _withdraw(self) -> None:
        person = self._selected()
        if person is None:
            return
        given = [c for c in self.case.current_consents(person.id) if c.given]
        if not given:
            self.notify("No consent is given at present to withdraw.", markup=False)
            return
        base: Consent | None = given[0]
        if len(given) > 1:
            base = await self.app.push_screen_wait(
                PickModal(
                    "Which consent is withdrawn?",
                    [(plain(consent_topic(self.case, c), single_line=True), c) for c in given],
                )
            )
            if base is None:
                return
        saved = await self.app.push_screen_wait(
            ConsentEditor(self.case, person.id, base, given=False)
        )
        self._saved(saved)

    @edits
    def action_remove(self) -> None:
        self._remove()

    @work(exclusive=True, group="participants-remove")
    async def _remove(self) -> None:
        person = self._selected()
        if person is None:
            return
        question = Content.assemble(
            "Remove ",
            plain(self.case.participant_label(person.id), single_line=True),
            " from the case? Their notes, answers and consent history are kept.",
        )
        if not await self.app.push_screen_wait(
            ConfirmModal(question, yes="Remove", no="Keep", danger=True)
        ):
            return
        try:
            self.case.remove_participant(person.id)
        except RjfacilError as error:
            self.fail(error)
            return
        self.changed()
