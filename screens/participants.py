"""Participants: who they are, how they wish to be addressed, access needs, and consent.

Consent is recorded per participant and per purpose, written or verbal, dated, and
withdrawable; a withdrawal is a new record, so the history keeps every decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from rjfacil.casedoc.model import Consent, ConsentPurpose, Feedback, Participant
from rjfacil.views.dates import show_day, show_when, today_input
from rjfacil.views.feedback import feedback_of
from rjfacil.views.labels import consent_purpose_label, process_label, role_label
from rjfacil.views.people import role_words
from rjfacil.vocab import ProcessType, Role
from screens.dialogs import ConfirmModal
from screens.feedback import FeedbackEditor
from screens.form import (
    Choice,
    Day,
    EditorModal,
    Field,
    Form,
    Line,
    OneOf,
    Picks,
    Text,
    add_or_update,
)
from screens.readonly import edits
from screens.safe import plain
from screens.widgets import PickModal, RecordsPane, RecordTable, editable, first_line

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

ANY_FORM = "any"  # the Select value for "every form of the process"
NO_ONE = "-"  # the Select value for "supports no one"

NAME_WIDTH, ADDRESS_WIDTH = 24, 14  # the People table's name columns, in cells
ROLE_WIDTH = 20  # its Role column: a supporter's says whom they support


class _Supports(Choice):
    """Whom a supporter supports; "no one" is nothing to keep in a draft."""

    def words(self, value: str) -> str:
        return "" if value == NO_ONE else super().words(value)


class ParticipantEditor(EditorModal[Participant]):
    """Add a participant, or edit one. Dismisses with the saved participant, or None."""

    DISCARD_QUESTION = "Discard these details? They are not saved."
    draft_of = "participant details"
    ENTER_SAVES = True

    def __init__(
        self, case: CaseFile, participant: Participant | None = None, role: Role | None = None
    ) -> None:
        self.case = case
        self.participant = participant
        self.full_name = Line("Name", "p-name", editable(participant.name) if participant else "")
        self.role = Choice(
            "Role",
            "p-role",
            [(Content(role_label(each)), each.value) for each in Role],
            (participant.role if participant else role or Role.PERSON_HARMED).value,
        )
        self.address_as = Line(
            "Address as",
            "p-address-as",
            editable(participant.address_as) if participant else "",
            placeholder="How they wish to be addressed",
        )
        self.contact = Line(
            "Contact", "p-contact", editable(participant.contact) if participant else ""
        )
        self.access_needs = Text(
            "Access needs", "p-access", editable(participant.access_needs) if participant else ""
        )
        others = [p for p in case.participants if participant is None or p.id != participant.id]
        self.supports = _Supports(
            "Supports",
            "p-supports",
            [(Content("No one (a supporter: whom they support)"), NO_ONE)]
            + [
                (
                    first_line(p.name, NAME_WIDTH).append(f" ({role_label(p.role).lower()})"),
                    str(p.id),
                )
                for p in others
            ],
            str(participant.supports) if participant and participant.supports else NO_ONE,
        )
        super().__init__(
            "Edit participant" if participant else "Add a participant",
            Form(
                self.full_name,
                self.role,
                self.address_as,
                self.contact,
                self.access_needs,
                self.supports,  # last: the usual fields keep their places
            ),
        )

    def save(self) -> Participant:
        fields = {
            "name": self.full_name.value.strip(),
            "role": self.role.value,
            "address_as": self.address_as.value,
            "contact": self.contact.value,
            "access_needs": self.access_needs.value,
            # Only a supporter supports someone (the core drops it for any other role).
            "supports": UUID(self.supports.value) if self.supports.value != NO_ONE else None,
        }
        case = self.case
        self.participant = add_or_update(
            self.participant, fields, case.add_participant, case.update_participant
        )
        return self.participant


class ConsentEditor(EditorModal[Consent]):
    """Record a consent decision: given or withdrawn, written or verbal, dated.

    Args:
        case: The case; the editor saves through it.
        participant_id: Whose decision it is.
        base: A current consent to withdraw (or renew): its topic is kept.
        given: Whether the decision starts as given or withdrawn.
    """

    draft_of = "a consent decision"
    ENTER_SAVES = True

    def __init__(
        self, case: CaseFile, participant_id: UUID, base: Consent | None = None, given: bool = True
    ) -> None:
        self.case = case
        self.participant_id = participant_id
        self.base = base
        self.purpose = Choice(
            "Purpose",
            "c-purpose",
            [(Content(consent_purpose_label(p)), p.value) for p in ConsentPurpose],
            (base.purpose if base else ConsentPurpose.TAKE_PART).value,
        )
        self.process = Choice(
            "Process",
            "c-process",
            [(Content("Any form"), ANY_FORM)]
            + [(Content(process_label(p)), p.value) for p in ProcessType],
            base.process.value if base and base.process else ANY_FORM,
        )
        self.information = Line(
            "Information",
            "c-information",
            editable(base.information) if base else "",
            placeholder="For sharing: which information",
        )
        self.share_with = Picks(
            "Share with",
            "c-share-with",
            [
                (case.participant_label(p.id), str(p.id))
                for p in case.participants
                if p.id != participant_id
            ],
            frozenset(str(pid) for pid in base.share_with) if base else frozenset(),
        )
        self.decision = OneOf(
            "Decision",
            "c-given",
            [("Given", "given"), ("Withdrawn", "withdrawn")],
            "given" if given else "withdrawn",
        )
        self.how = OneOf("Form", "c-form", [("Verbal", "verbal"), ("Written", "written")], "verbal")
        self.on = Day("Date", "c-on", today_input(), required=True)
        self.note = Line("Note", "c-note")
        super().__init__(
            "Record consent" if given else "Record a withdrawal of consent",
            Form(
                self.purpose,
                self.process,
                self.information,
                self.share_with,
                self.decision,
                self.how,
                self.on,
                self.note,
            ),
        )

    def form(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                ("For ", "$foreground-muted"),
                plain(self.case.participant_label(self.participant_id)),
            ),
            classes="form-hint",
        )
        yield from super().form()

    def first_field(self) -> Field[Any, Any]:
        # Withdrawing (or renewing) a consent keeps its topic: the decision is what changes.
        return self.decision if self.base else self.purpose

    def save(self) -> Consent:
        process = self.process.value
        return self.case.record_consent(
            self.participant_id,
            self.purpose.value,
            given=self.decision.value == "given",
            process=None if process == ANY_FORM else process,
            information=self.information.value.strip(),
            share_with=[UUID(v) for v in self.share_with.in_order()],
            form=self.how.value,
            on=self.on.day,
            note=self.note.value,
        )

    def draft_about(self) -> UUID:
        return self.participant_id


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


class ParticipantsPane(RecordsPane[Participant]):
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
            "f",
            "feedback",
            "Feedback",
            id="participants.feedback",
            tooltip="Record the selected participant's feedback at the end of the case",
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
            yield Static(id="participant-feedback")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        rows = []
        for person in case.participants:
            rows.append(
                (
                    str(person.id),
                    (
                        # Cut to fit, so Role and the rest stay on screen at 80 columns;
                        # the whole name shows below the table.
                        first_line(person.name, NAME_WIDTH),
                        first_line(role_words(case, person), ROLE_WIDTH),
                        first_line(person.address_as, ADDRESS_WIDTH),
                        self._taking_part(person.id),
                    ),
                )
            )
        self.records = {str(person.id): person for person in case.participants}
        self.query_one(RecordTable).fill(rows, select=self.take_select())
        self.show_selected()

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

    def show_selected(self) -> None:
        person = self.selected()
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
            self.query_one("#participant-feedback", Static).update("")
            return
        case = self.case
        lines = [
            Content.assemble(
                plain(person.name, single_line=True),
                (" · ", "$foreground-muted"),
                plain(role_words(case, person), single_line=True).stylize("$foreground-muted"),
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
        self.query_one("#participant-feedback", Static).update(feedback_content(case, person.id))

    # -- actions ----------------------------------------------------------------

    @edits
    def action_add(self) -> None:
        self.app.push_screen(ParticipantEditor(self.case), callback=self._saved)

    @edits
    def edit(self, person: Participant) -> None:
        self.app.push_screen(ParticipantEditor(self.case, person), callback=self._saved)

    def _saved(self, saved: Participant | Consent | Feedback | None) -> None:
        if saved is not None:
            self.notify("Saved.", markup=False)
            self.changed(select=saved.id if isinstance(saved, Participant) else None)

    @edits
    def action_consent(self) -> None:
        person = self.selected()
        if person is not None:
            self.app.push_screen(ConsentEditor(self.case, person.id), callback=self._saved)

    @edits
    def action_feedback(self) -> None:
        person = self.selected()
        if person is not None:
            self.app.push_screen(FeedbackEditor(self.case, person.id), callback=self._saved)

    @edits
    def action_withdraw(self) -> None:
        self._withdraw()

    @work(exclusive=True, group="participants-withdraw")
    async def _withdraw(self) -> None:
        person = self.selected()
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
        person = self.selected()
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
        self.save_change(lambda: self.case.remove_participant(person.id))


def feedback_content(case: CaseFile, participant_id: UUID) -> Content:
    """A participant's feedback at the end of the case, newest first, each marked shared or
    confidential."""
    lines = [Content.styled("Feedback at the end", "bold")]
    given = feedback_of(case, participant_id)
    if not given:
        lines.append(Content.styled("  None recorded yet (f records it).", "$foreground-muted"))
    for each in given:
        sharing = "may be shared" if each.shared else "confidential"
        lines.append(
            Content.assemble(
                f"  {each.given_on}, {each.how.lower()} ",
                (f"({sharing}): ", "$foreground-muted"),
                plain(each.said),
            )
        )
    return Content("\n").join(lines)
