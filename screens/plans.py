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
from textual.widgets import DataTable, Input, Select, Static, TextArea

from rjfacil.casedoc.model import ActionStatus, AgreementAction, Letter, LetterVersion
from rjfacil.errors import RjfacilError
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
from screens.readonly import edits, refused
from screens.safe import plain
from screens.widgets import (
    CasePane,
    EditorModal,
    PickModal,
    RecordTable,
    TextModal,
    WalkRequested,
    WalkTable,
    date_field,
    draft_note,
    editable,
    first_line,
    form_row,
    text_field,
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


# -- co-working plan (D) --------------------------------------------------------------------


class CoWorkingPane(CasePane):
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
        yield Static(id="coworking-progress")
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
        progress = self.query_one("#coworking-progress", Static)
        if not answers.known:
            table.display = False
            progress.update(
                Content.styled(
                    "The co-working questions (Section D) are not among the checklists yet; "
                    "record the plan in a note meanwhile.",
                    "$foreground-muted",
                )
            )
            return
        table.display = True
        table.show_answers(answers)
        progress.update(
            Content.styled(
                f"Section D: {answers.answered} of {answers.total} answered"
                " · Enter walks from an item",
                "$foreground-muted",
            )
        )

    def focus_main(self) -> None:
        self.query_one(ChecklistAnswers).focus()

    @edits
    def action_edit(self) -> None:
        self._edit()

    @work(exclusive=True, group="coworking-edit")
    async def _edit(self) -> None:
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
        try:
            self.case.update_case(**fields)
        except RjfacilError as error:
            self.fail(error)
            return
        self.changed()


# -- meeting plan (A 3(b)) ------------------------------------------------------------------


class MeetingPane(CasePane):
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
        yield Static(id="meeting-progress")
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
        self.query_one("#meeting-progress", Static).update(
            Content.styled(
                f"A 3(b): {answers.answered} of {answers.total} answered{note}"
                " · Enter walks from an item",
                "$foreground-muted",
            )
        )

    def focus_main(self) -> None:
        self.query_one(ChecklistAnswers).focus()

    @edits
    def action_edit(self) -> None:
        self._edit()

    @work(exclusive=True, group="meeting-edit")
    async def _edit(self) -> None:
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
        try:
            self.case.update_case(**fields)
        except RjfacilError as failure:
            self.fail(failure)
            return
        self.changed()


# -- outcome agreement (A 3(c)) and letters (A 3(a) 11-12) ------------------------------------


class ActionEditor(EditorModal[AgreementAction]):
    """Add or edit an agreement action. Dismisses with the saved action, or None."""

    DISCARD_QUESTION = "Discard this action? What you typed is not saved."

    def __init__(self, case: CaseFile, action: AgreementAction | None = None) -> None:
        super().__init__()
        self.case = case
        self.action = action
        self.TITLE_TEXT = "Edit the agreement action" if action else "Add an agreement action"
        self._initial = self._from(action)

    @staticmethod
    def _from(action: AgreementAction | None) -> dict[str, Any]:
        return {
            "description": editable(action.description) if action else "",
            "by_whom": str(action.by_whom) if action and action.by_whom else NOBODY,
            "due": day_input(action.due) if action else "",
            "status": (action.status if action else ActionStatus.OPEN).value,
        }

    def form(self) -> ComposeResult:
        start = self._initial
        yield form_row(
            "Action",
            text_field(start["description"], "a-description"),
        )
        people = [str(pid) for pid in self.case.people()]
        if start["by_whom"] not in (NOBODY, *people):
            people.append(start["by_whom"])  # someone no longer in the case
        yield form_row(
            "By whom",
            Select(
                [(Content("Nobody named yet"), NOBODY)]
                + [
                    (plain(self.case.person_label(UUID(pid)), single_line=True), pid)
                    for pid in people
                ],
                value=start["by_whom"],
                allow_blank=False,
                compact=True,
                id="a-by",
            ),
        )
        yield form_row(
            "Due",
            date_field(start["due"], "a-due"),
        )
        yield form_row(
            "Status",
            Select(
                [(Content(label), status.value) for status, label in ACTION_STATUS_LABELS.items()],
                value=start["status"],
                allow_blank=False,
                compact=True,
                id="a-status",
            ),
        )

    def on_mount(self) -> None:
        self.query_one("#a-description", TextArea).focus()

    def _values(self) -> dict[str, Any]:
        return {
            "description": self.query_one("#a-description", TextArea).text,
            "by_whom": str(self.query_one("#a-by", Select).value),
            "due": self.query_one("#a-due", Input).value.strip(),
            "status": str(self.query_one("#a-status", Select).value),
        }

    def dirty(self) -> bool:
        return self._values() != self._initial

    def save(self) -> AgreementAction:
        values = self._values()
        fields: dict[str, Any] = {
            "by_whom": None if values["by_whom"] == NOBODY else UUID(values["by_whom"]),
            "due": parse_day(values["due"]),
            "status": values["status"],
        }
        if self.action is None:
            saved = self.case.add_action(values["description"], **fields)
        else:
            fields["description"] = values["description"]
            changed = {k: v for k, v in fields.items() if getattr(self.action, k) != v}
            saved = self.case.update_action(self.action.id, **changed) if changed else self.action
        self.action = saved
        self._initial = self._from(saved)
        return saved

    def rescue_draft(self, case: CaseFile) -> bool:
        values = self._values()
        if values == self._initial:
            return False
        by_whom = "" if values["by_whom"] == NOBODY else case.person_name(UUID(values["by_whom"]))
        draft_note(case, "an agreement action", f"{values['description']}\nBy whom: {by_whom}")
        return True


class LetterEditor(EditorModal[LetterVersion]):
    """Write a letter (or message) from one participant, or a new version of one."""

    DEFAULT_CSS = """
    LetterEditor .form-row > #l-text { height: 12; }
    """

    DISCARD_QUESTION = "Discard this letter? What you typed is not saved."

    def __init__(self, case: CaseFile, letter: Letter | None = None) -> None:
        super().__init__()
        self.case = case
        self.letter = letter
        self.TITLE_TEXT = "New version of the letter" if letter else "New letter"
        versions = case.letter_versions(letter.id) if letter else []
        self._text = editable(versions[-1].text) if versions else ""

    def form(self) -> ComposeResult:
        people = [
            (plain(self.case.participant_label(p.id), single_line=True), str(p.id))
            for p in self.case.participants
        ]
        letter = self.letter
        if letter is None:
            yield form_row(
                "From",
                Select(
                    people,
                    value=people[0][1] if people else Select.NULL,
                    allow_blank=not people,
                    compact=True,
                    id="l-from",
                ),
            )
            yield form_row(
                "To",
                Select(
                    [(Content("Not addressed to anyone yet"), NOBODY), *people],
                    value=NOBODY,
                    allow_blank=False,
                    compact=True,
                    id="l-to",
                ),
            )
        else:
            yield Static(
                plain(_letter_title(self.case, letter), single_line=True), classes="form-hint"
            )
        yield form_row(
            "Text",
            text_field(self._text, "l-text"),
        )

    def on_mount(self) -> None:
        self.query_one("#l-text", TextArea).focus()

    def dirty(self) -> bool:
        return self.query_one("#l-text", TextArea).text != self._text

    def save(self) -> LetterVersion:
        text = self.query_one("#l-text", TextArea).text
        if self.letter is not None:
            version = self.case.revise_letter(self.letter.id, text)
        else:
            sender = self.query_one("#l-from", Select).value
            if sender is Select.NULL:
                raise ValueError("Add the participant who writes the letter first.")
            to = str(self.query_one("#l-to", Select).value)
            self.letter = self.case.add_letter(
                UUID(str(sender)), text, None if to == NOBODY else UUID(to)
            )
            version = self.case.letter_versions(self.letter.id)[-1]
        self._text = text
        return version

    def rescue_draft(self, case: CaseFile) -> bool:
        text = self.query_one("#l-text", TextArea).text
        if text == self._text or not text.strip():
            return False
        draft_note(case, "a letter", text)
        return True


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

    def action_add(self) -> None:
        self.post_message(AgreementPane.Act("add"))

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
        super().__init__("Letter", "Versions", "Status", id="letters-table")

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
                    plain(_letter_title(case, letter), single_line=True),
                    str(len(case.letter_versions(letter.id))),
                    letter_status_label(letter.status),
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
            try:
                self.case.update_action(action.id, status=status)
            except RjfacilError as error:
                self.fail(error)
                return
            self.changed()

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
        try:
            self.case.set_letter_status(letter.id, status, note)
        except RjfacilError as error:
            self.fail(error)
            return
        self.changed()

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
