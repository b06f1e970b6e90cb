"""Plans: the co-working plan (D), the meeting plan (A 3(b)), and the outcome agreement
(A 3(c)) with its actions, and letters between participants (A 3(a) 11-12)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Static

from rjfacil.casedoc.model import ActionStatus, AgreementAction, Letter, LetterVersion
from rjfacil.views.dates import DATE_FORMS, day_input, parse_day, show_day, show_when
from rjfacil.views.deadlines import action_status
from rjfacil.views.labels import (
    ACTION_STATUS_LABELS,
    LETTER_STATUS_LABELS,
    action_status_label,
    letter_status_label,
)
from rjfacil.views.sections import CO_WORKING, MEETING, SectionAnswers, section_answers
from screens.dialogs import TextPromptModal
from screens.form import Choice, Day, EditorModal, Form, Text, add_or_update
from screens.readonly import edits, refused
from screens.safe import plain
from screens.widgets import (
    CasePane,
    PickModal,
    RecordTable,
    TextModal,
    WalkRequested,
    WalkTable,
    editable,
    first_line,
)

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

NOBODY = "nobody"


# -- a section's answers, as a table ------------------------------------------------------------


class ChecklistAnswers(WalkTable):
    """The items of some checklist targets with their answers; Enter walks from that item."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("Ref", "Question", "Answer", id=id)
        self._targets: dict[str, tuple[str, UUID | None, str]] = {}

    def show_answers(self, answers: SectionAnswers) -> None:
        """Fill the table with a section's questions and their answers."""
        rows = []
        self._targets = {}
        for each in answers.items:
            pid = each.participant_id
            key = f"{each.checklist_id}:{each.item.id}:{pid or ''}"
            self._targets[key] = (each.checklist_id, pid, each.item.id)
            shown = (
                plain(each.answer, single_line=True)
                if each.answered
                else Content.styled("—", "$foreground-muted")
            )
            ask = each.item.ask
            if each.participant is not None:
                ask = f"{each.participant}: {ask}"
            rows.append((key, (each.item.reference, first_line(ask, 52), shown)))
        self.fill(rows)

    @on(DataTable.RowSelected)
    def _walk(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key in self._targets:
            checklist_id, pid, item_id = self._targets[key]
            self.post_message(WalkRequested(checklist_id, pid, item_id))


class SectionPane(CasePane):
    """A plan: the case's own facts for it (e sets them), above a guidance section's
    questions and their answers (Enter walks from one)."""

    def focus_main(self) -> None:
        self.query_one(ChecklistAnswers).focus()

    @edits
    def action_edit(self) -> None:
        self.edit()

    def edit(self) -> object:
        """Ask for the facts, then save them (a worker, in the panes that do)."""
        return None

    def show_progress(self, text: str, *, walks: bool = True) -> None:
        """Say how far the section is answered, under the facts."""
        said = f"{text} · Enter walks from an item" if walks else text
        self.query_one(".section-progress", Static).update(
            Content.styled(said, "$foreground-muted")
        )


# -- co-working plan (D) --------------------------------------------------------------------


class CoWorkingPane(SectionPane):
    """The co-worker and case supervisor, the co-working flag, and Section D answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "edit",
            "Co-worker",
            id="coworking.edit",
            tooltip="Set the co-worker and case supervisor",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="coworking-who")
        yield Static(id="coworking-progress", classes="section-progress")
        yield ChecklistAnswers(id="coworking-answers")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        c = case.case
        answers = section_answers(case, CO_WORKING)
        lines = [
            Content.assemble(
                ("Co-worker: ", "bold"),
                plain(case.person_name(c.co_worker), single_line=True)
                if c.co_worker
                else Content.styled("none named", "$foreground-muted"),
                ("   Case supervisor: ", "bold"),
                plain(case.person_name(c.case_supervisor), single_line=True)
                if c.case_supervisor
                else Content.styled("none named", "$foreground-muted"),
            )
        ]
        if answers.flag_raised:
            lines.append(
                Content.styled(
                    "⚑ Co-working advised (D): see the Overview for why and what next.", "$warning"
                )
            )
        self.query_one("#coworking-who", Static).update(Content("\n").join(lines))
        table = self.query_one(ChecklistAnswers)
        table.display = answers.known
        if not answers.known:
            self.show_progress(
                "The co-working questions (Section D) are not among the checklists yet; "
                "record the plan in a note meanwhile.",
                walks=False,
            )
            return
        table.show_answers(answers)
        self.show_progress(f"Section D: {answers.answered} of {answers.total} answered")

    @work(exclusive=True, group="coworking-edit")
    async def edit(self) -> None:
        c = self.case.case
        name = self.case.person_name
        worker = await self.app.push_screen_wait(
            TextPromptModal(
                "Co-worker",
                value=editable(name(c.co_worker)),
                allow_empty=True,
                help="Their name as you know them",
            )
        )
        if worker is None:
            return
        supervisor = await self.app.push_screen_wait(
            TextPromptModal(
                "Case supervisor", value=editable(name(c.case_supervisor)), allow_empty=True
            )
        )
        # Names: the core finds the team member of that name, or adds one.
        fields = {"co_worker": worker.strip()}
        if supervisor is not None:
            fields["case_supervisor"] = supervisor.strip()
        self.save_change(lambda: self.case.update_case(**fields))


# -- meeting plan (A 3(b)) ------------------------------------------------------------------


class MeetingPane(SectionPane):
    """The meeting's date and venue, and the direct meeting checklist (A 3(b))."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "edit",
            "Date & venue",
            id="meeting.edit",
            tooltip="Set the meeting's date and venue",
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="meeting-when")
        yield Static(id="meeting-progress", classes="section-progress")
        yield ChecklistAnswers(id="meeting-answers")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        c = case.case
        when = show_day(c.meeting_date) if c.meeting_date else ""
        self.query_one("#meeting-when", Static).update(
            Content.assemble(
                ("Meeting: ", "bold"),
                when or Content.styled("no date set", "$foreground-muted"),
                ("   Venue: ", "bold"),
                plain(c.meeting_venue, single_line=True)
                if c.meeting_venue
                else Content.styled("not set", "$foreground-muted"),
            )
        )
        answers = section_answers(case, MEETING)
        self.query_one(ChecklistAnswers).show_answers(answers)
        note = "" if answers.applies else " · applies once 'Choosing the process' records a meeting"
        self.show_progress(f"A 3(b): {answers.answered} of {answers.total} answered{note}")

    @work(exclusive=True, group="meeting-edit")
    async def edit(self) -> None:
        c = self.case.case
        error = ""
        typed = day_input(c.meeting_date)
        while True:
            answer = await self.app.push_screen_wait(
                TextPromptModal(
                    "Meeting date",
                    value=typed,
                    placeholder=f"{DATE_FORMS}; empty for none",
                    allow_empty=True,
                    error=error,
                )
            )
            if answer is None:
                return
            typed = answer
            try:
                day = parse_day(typed)
                break
            except ValueError as failure:
                error = str(failure)
        venue = await self.app.push_screen_wait(
            TextPromptModal("Venue", value=editable(c.meeting_venue), allow_empty=True)
        )
        fields: dict[str, Any] = {"meeting_date": day}
        if venue is not None:
            fields["meeting_venue"] = venue.strip()
        self.save_change(lambda: self.case.update_case(**fields))


# -- outcome agreement (A 3(c)) and letters (A 3(a) 11-12) ------------------------------------


class ActionEditor(EditorModal[AgreementAction]):
    """Add or edit an agreement action. Dismisses with the saved action, or None."""

    DISCARD_QUESTION = "Discard this action? What you typed is not saved."
    draft_of = "an agreement action"

    def __init__(self, case: CaseFile, action: AgreementAction | None = None) -> None:
        self.case = case
        self.action = action
        by_whom = str(action.by_whom) if action and action.by_whom else NOBODY
        people = [str(pid) for pid in case.people()]
        if by_whom not in (NOBODY, *people):
            people.append(by_whom)  # someone no longer in the case
        self.description = Text(
            "Action", "a-description", editable(action.description) if action else ""
        )
        self.by_whom = Choice(
            "By whom",
            "a-by",
            [(Content("Nobody named yet"), NOBODY)]
            + [(case.person_label(UUID(pid)), pid) for pid in people],
            by_whom,
        )
        self.due = Day("Due", "a-due", day_input(action.due) if action else "")
        self.status = Choice(
            "Status",
            "a-status",
            [(Content(label), status.value) for status, label in ACTION_STATUS_LABELS.items()],
            (action.status if action else ActionStatus.OPEN).value,
        )
        super().__init__(
            "Edit the agreement action" if action else "Add an agreement action",
            Form(self.description, self.by_whom, self.due, self.status),
        )

    def save(self) -> AgreementAction:
        by_whom = self.by_whom.value
        fields = {
            "description": self.description.value,
            "by_whom": None if by_whom == NOBODY else UUID(by_whom),
            "due": self.due.day,
            "status": self.status.value,
        }
        case = self.case
        self.action = add_or_update(self.action, fields, case.add_action, case.update_action)
        return self.action


class LetterEditor(EditorModal[LetterVersion]):
    """Write a letter (or message) from one participant, or a new version of one."""

    DEFAULT_CSS = """
    LetterEditor .form-row > #l-text { height: 12; }
    """

    DISCARD_QUESTION = "Discard this letter? What you typed is not saved."
    draft_of = "a letter"

    def __init__(self, case: CaseFile, letter: Letter | None = None) -> None:
        self.case = case
        self.letter = letter
        versions = case.letter_versions(letter.id) if letter else []
        self.text = Text("Text", "l-text", editable(versions[-1].text) if versions else "")
        people = [(case.participant_label(p.id), str(p.id)) for p in case.participants]
        self.sender = Choice("From", "l-from", people, people[0][1] if people else "")
        self.to = Choice(
            "To", "l-to", [(Content("Not addressed to anyone yet"), NOBODY), *people], NOBODY
        )
        # A new version keeps who the letter is from and to: only its text is asked.
        fields = Form(self.text) if letter else Form(self.sender, self.to, self.text)
        super().__init__("New version of the letter" if letter else "New letter", fields)

    def form(self) -> ComposeResult:
        if self.letter is not None:
            yield Static(
                plain(_letter_title(self.case, self.letter), single_line=True), classes="form-hint"
            )
        yield from super().form()

    def first_field(self) -> Text:
        return self.text

    def save(self) -> LetterVersion:
        text = self.text.value
        if self.letter is not None:
            return self.case.revise_letter(self.letter.id, text)
        if not self.sender.value:
            raise ValueError("Add the participant who writes the letter first.")
        to = self.to.value
        self.letter = self.case.add_letter(
            UUID(self.sender.value), text, None if to == NOBODY else UUID(to)
        )
        return self.case.letter_versions(self.letter.id)[-1]

    def draft(self) -> str:
        # The letter's own words, as they would be handed over.
        return self.text.value if self.text.changed else ""


def _letter_title(case: CaseFile, letter: Letter) -> str:
    sender = case.participant_label(letter.from_participant)
    if letter.to_participant is None:
        return f"From {sender}, not addressed yet"
    return f"From {sender} to {case.participant_label(letter.to_participant)}"


class ActionsTable(RecordTable):
    """The agreement's actions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add action", id="agreement.add", tooltip="Add an agreement action"),
        Binding("e", "edit", "Edit", id="agreement.edit", tooltip="Edit the selected action"),
        Binding(
            "t",
            "status",
            "Status",
            id="agreement.status",
            tooltip="Set the action open, done or not done",
        ),
    ]

    def __init__(self) -> None:
        super().__init__("Action", "By whom", "Due", "Status", id="actions-table")

    @edits
    def action_add(self) -> None:
        self.post_message(AgreementPane.Act("add"))

    @edits
    def action_edit(self) -> None:
        self.post_message(AgreementPane.Act("edit"))

    def action_status(self) -> None:
        self.post_message(AgreementPane.Act("status"))


class LettersTable(RecordTable):
    """Letters and recorded messages, with their vetting status."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a", "add", "New letter", id="letters.add", tooltip="Start a letter from a participant"
        ),
        Binding(
            "e",
            "revise",
            "New version",
            id="letters.revise",
            tooltip="Add a version of the selected letter",
        ),
        Binding(
            "v",
            "vet",
            "Vetting",
            id="letters.vet",
            tooltip="Set the letter's vetting status (A 3(a) 12)",
        ),
        Binding(
            "h",
            "versions",
            "Versions",
            id="letters.versions",
            tooltip="Read every version of the letter",
        ),
    ]

    def __init__(self) -> None:
        # The letter's from and to last: the last column is cut to the room left, so
        # Status and Versions stay on screen at 80 columns however long the names.
        super().__init__("Status", "Versions", "Letter", id="letters-table")

    @edits
    def action_add(self) -> None:
        self.post_message(AgreementPane.Act("letter"))

    def action_revise(self) -> None:
        self.post_message(AgreementPane.Act("revise"))

    def action_vet(self) -> None:
        self.post_message(AgreementPane.Act("vet"))

    def action_versions(self) -> None:
        self.post_message(AgreementPane.Act("versions"))


class AgreementPane(CasePane):
    """The outcome agreement's actions and the letters between participants."""

    class Act(Message):
        """A table asks its pane to act on its selected row."""

        def __init__(self, what: str) -> None:
            super().__init__()
            self.what = what

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Agreement actions (A 3(c))", "bold"), classes="pane-heading")
        yield ActionsTable()
        yield Static(id="actions-empty")
        yield Static(
            Content.styled("Letters and messages (A 3(a) 11-12)", "bold"), classes="pane-heading"
        )
        yield LettersTable()
        yield Static(id="letter-detail")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        actions = sorted(
            case.actions, key=lambda a: (a.status is not ActionStatus.OPEN, a.due or date.max)
        )
        self._actions = {str(a.id): a for a in actions}
        rows = []
        for action in actions:
            status = action_status(action)
            rows.append(
                (
                    str(action.id),
                    (
                        first_line(action.description, 36),
                        plain(case.person_name(action.by_whom), single_line=True),
                        Content.styled(status.day_overdue, "bold $text-warning")
                        if status is not None and status.overdue
                        else Content(show_day(action.due)),
                        action_status_label(action.status),
                    ),
                )
            )
        select = self.take_select()
        self.query_one(ActionsTable).fill(rows, select=select)
        empty = self.query_one("#actions-empty", Static)
        empty.update(Content.styled("No agreement actions yet: a adds one.", "$foreground-muted"))
        empty.display = not rows
        self._letters = {str(letter.id): letter for letter in case.letters}
        letter_rows = [
            (
                str(letter.id),
                (
                    letter_status_label(letter.status),
                    str(len(case.letter_versions(letter.id))),
                    plain(_letter_title(case, letter), single_line=True),
                ),
            )
            for letter in case.letters
        ]
        self.query_one(LettersTable).fill(letter_rows, select=select)
        self._show_letter()

    def focus_main(self) -> None:
        self.query_one(ActionsTable).focus()

    def _selected_action(self) -> AgreementAction | None:
        key = self.query_one(ActionsTable).current_key
        return self._actions.get(key) if key else None

    def _selected_letter(self) -> Letter | None:
        key = self.query_one(LettersTable).current_key
        return self._letters.get(key) if key else None

    @on(DataTable.RowHighlighted, "#letters-table")
    def _letter_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_letter()

    @on(DataTable.RowSelected, "#actions-table")
    def _action_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._act("edit")

    @on(DataTable.RowSelected, "#letters-table")
    def _letter_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._act("versions")

    def _show_letter(self) -> None:
        letter = self._selected_letter()
        detail = self.query_one("#letter-detail", Static)
        if letter is None:
            detail.update(
                Content.styled(
                    "No letters yet: Tab to the letters, then a starts one.", "$foreground-muted"
                )
            )
            return
        versions = self.case.letter_versions(letter.id)
        parts = [Content.assemble(("Status: ", "bold"), letter_status_label(letter.status))]
        if letter.vetting_note:
            parts.append(Content.assemble(("Vetting: ", "bold"), plain(letter.vetting_note)))
        if versions:
            parts.append(first_line(versions[-1].text, 76))
        detail.update(Content("\n").join(parts))

    @on(Act)
    def _on_act(self, event: AgreementPane.Act) -> None:
        event.stop()
        self._act(event.what)

    def _act(self, what: str) -> None:
        if what != "versions" and refused(self):
            return
        case = self.case
        if what == "add":
            self.app.push_screen(ActionEditor(case), callback=self._saved)
        elif what == "edit" and (action := self._selected_action()):
            self.app.push_screen(ActionEditor(case, action), callback=self._saved)
        elif what == "status" and (action := self._selected_action()):
            self._set_action_status(action)
        elif what == "letter":
            if not case.participants:
                self.notify(
                    "Add the participants first: a letter is from one of them.", markup=False
                )
                return
            self.app.push_screen(LetterEditor(case), callback=self._saved)
        elif what == "revise" and (letter := self._selected_letter()):
            self.app.push_screen(LetterEditor(case, letter), callback=self._saved)
        elif what == "vet" and (letter := self._selected_letter()):
            self._vet(letter)
        elif what == "versions" and (letter := self._selected_letter()):
            self.app.push_screen(TextModal("Letter versions", _versions(case, letter)))

    def _set_action_status(self, action: AgreementAction) -> None:
        def picked(status: ActionStatus | None) -> None:
            if status is None or status is action.status:
                return
            self.save_change(lambda: self.case.update_action(action.id, status=status))

        self.app.push_screen(
            PickModal(
                "The action is…",
                [(Content(label), status) for status, label in ACTION_STATUS_LABELS.items()],
                action.status,
            ),
            callback=picked,
        )

    @work(exclusive=True, group="letters-vet")
    async def _vet(self, letter: Letter) -> None:
        status = await self.app.push_screen_wait(
            PickModal(
                "Vetting status of the letter",
                [(Content(label), status) for status, label in LETTER_STATUS_LABELS.items()],
                letter.status,
            )
        )
        if status is None:
            return
        note = await self.app.push_screen_wait(
            TextPromptModal(
                "Vetting note",
                value=editable(letter.vetting_note),
                allow_empty=True,
                help="What was checked, or why it is withheld (A 3(a) 12)",
            )
        )
        if note is None:
            return
        self.save_change(lambda: self.case.set_letter_status(letter.id, status, note))

    def _saved(self, saved: AgreementAction | LetterVersion | None) -> None:
        if saved is not None:
            self.notify("Saved.", markup=False)
            key = saved.letter_id if isinstance(saved, LetterVersion) else saved.id
            self.changed(select=key)


def _versions(case: CaseFile, letter: Letter) -> Content:
    parts: list[Content] = [plain(_letter_title(case, letter)), Content("")]
    versions = case.letter_versions(letter.id)
    for number, version in reversed(list(enumerate(versions, start=1))):
        parts.append(
            Content.styled(
                f"Version {number} · {show_when(version.created_at)} · "
                f"{case.author(version.created_by)}",
                "bold",
            )
        )
        parts.append(plain(version.text))
        parts.append(Content(""))
    return Content("\n").join(parts)
