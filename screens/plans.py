"""Plans: the co-working plan (D), the meeting plan (A 3(b)), and the outcome agreement
(A 3(c)) with its actions, and letters between participants (A 3(a) 11-12)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from rjfacil.casedoc.model import (
    ActionStatus,
    Agreement,
    AgreementAction,
    AnswerValue,
    Bindingness,
    Letter,
    LetterReview,
    LetterStatus,
    LetterVersion,
    LetterVetting,
    MoneyHandover,
    VettingDecision,
)
from rjfacil.checklists.schema import Item
from rjfacil.commands.letters import handover_problems, handover_refusal
from rjfacil.views.agreement import action_line, agreement_view, parse_money
from rjfacil.views.dates import DATE_FORMS, day_input, parse_day, show_day, today_input
from rjfacil.views.deadlines import action_status
from rjfacil.views.labels import ACTION_STATUS_LABELS, action_status_label
from rjfacil.views.letters import (
    LetterLine,
    letter_line,
    letter_passages,
    letter_title,
    replies_to,
    short_status,
    vetting_items,
)
from rjfacil.views.reading_aid import Passage
from rjfacil.views.redaction import redactor_for
from rjfacil.views.sections import CO_WORKING, MEETING, SectionAnswers, section_answers
from screens.dialogs import TextPromptModal
from screens.form import (
    Choice,
    Day,
    EditorModal,
    Form,
    Line,
    OneOf,
    Picks,
    Text,
    add_or_update,
)
from screens.readonly import edits, refused
from screens.safe import plain
from screens.widgets import (
    CasePane,
    PickModal,
    RecordTable,
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


def _person(value: str) -> UUID | None:
    return None if value in (NOBODY, "") else UUID(value)


def _person_start(action: AgreementAction | None, field: str) -> str:
    person = getattr(action, field, None) if action else None
    return str(person) if person else NOBODY


class AgreementEditor(EditorModal[Agreement]):
    """Record the outcome agreement itself (A 3(c) 1-7; NCJB 3.6): whether one was made,
    its terms, who agreed and when, voluntary or legally binding, how completion will be
    shown, and how the person harmed asked to be told of completion."""

    DISCARD_QUESTION = "Discard these changes to the agreement? What you typed is not saved."
    draft_of = "the outcome agreement"

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        known = case.agreement
        self.made = OneOf(
            "Agreement made",
            "g-made",
            [("Yes", "yes"), ("No", "no"), ("Not known yet", "unknown")],
            case.agreement_made or "unknown",
        )
        self.terms = Text("Terms", "g-terms", editable(known.terms) if known else "")
        self.agreed_by = Picks(
            "Who agreed",
            "g-who",
            [(case.person_label(p.id), str(p.id)) for p in case.participants],
            frozenset(str(p) for p in known.agreed_by) if known else frozenset(),
        )
        self.agreed_on = Day(
            "Agreed on", "g-on", day_input(known.agreed_on) if known and known.agreed_on else ""
        )
        self.binding = OneOf(
            "Status",
            "g-binding",
            [(b.label, b.value) for b in Bindingness] + [("Not recorded", NOBODY)],
            known.binding.value if known and known.binding else NOBODY,
        )
        self.shown_by = Text(
            "How completion will be shown",
            "g-shown",
            editable(known.completion_shown_by) if known else "",
        )
        self.tell = Text(
            "How the person harmed asked to be told",
            "g-tell",
            editable(known.tell_person_harmed) if known else "",
        )
        super().__init__(
            "The outcome agreement",
            Form(
                self.made,
                self.terms,
                self.agreed_by,
                self.agreed_on,
                self.binding,
                self.shown_by,
                self.tell,
            ),
        )

    def save(self) -> Agreement:
        case = self.case
        binding = self.binding.value
        return case.record_agreement(
            agreement_made=str(self.made.value),
            terms=self.terms.value,
            agreed_by=[p.id for p in case.participants if str(p.id) in self.agreed_by.value],
            agreed_on=self.agreed_on.day,
            binding=None if binding in (NOBODY, "") else Bindingness(binding),
            completion_shown_by=self.shown_by.value,
            tell_person_harmed=self.tell.value,
        )


class CompletionEditor(EditorModal[AgreementAction]):
    """Mark an action done, or not done, with the evidence that shows it (A 3(d) 2-3;
    NCJB 3.6.6): what shows it, when, and who recorded it."""

    DISCARD_QUESTION = "Discard this? The action's completion is not recorded."
    draft_of = "an agreement action's completion"

    def __init__(self, case: CaseFile, action: AgreementAction, done: bool | None = None) -> None:
        self.case = case
        self.action = action
        if done is None:
            done = action.status is not ActionStatus.NOT_DONE
        self.done = OneOf(
            "The action is",
            "c-done",
            [("Completed", "done"), ("Not completed", "not_done")],
            "done" if done else "not_done",
        )
        self.evidence = Text("What shows it", "c-evidence", editable(action.evidence))
        self.on = Day(
            "On",
            "c-on",
            day_input(action.completed_on) if action.completed_on else today_input(),
            required=True,
        )
        recorder = action.evidence_recorded_by or case.owner.id
        self.recorded_by = Choice(
            "Recorded by",
            "c-by",
            [(case.person_label(pid), str(pid)) for pid in case.people()],
            str(recorder),
        )
        super().__init__(
            "Completion of the action",
            Form(self.done, self.evidence, self.on, self.recorded_by),
        )

    def form(self) -> ComposeResult:
        yield Static(plain(self.action.description, single_line=True), classes="form-hint")
        yield from super().form()

    def save(self) -> AgreementAction:
        on = self.on.day
        if on is None:
            raise ValueError("On: give the day it was completed.")
        return self.case.complete_action(
            self.action.id,
            self.evidence.value,
            on,
            recorded_by=_person(self.recorded_by.value),
            done=self.done.value == "done",
        )


class ToldEditor(EditorModal[AgreementAction]):
    """Record that the person harmed was told of the action's completion, as they asked
    (A 3(d) 4; NCJB 3.6.4)."""

    DISCARD_QUESTION = "Discard this? Telling the person harmed is not recorded."

    def __init__(self, case: CaseFile, action: AgreementAction) -> None:
        self.case = case
        self.action = action
        self.on = Day(
            "Told on",
            "t-on",
            day_input(action.told_on) if action.told_on else today_input(),
            required=True,
        )
        self.how = Line("How", "t-how", action.told_how)
        super().__init__("The person harmed told", Form(self.on, self.how))

    def form(self) -> ComposeResult:
        agreement = self.case.agreement
        asked = agreement.tell_person_harmed if agreement else ""
        yield Static(plain(self.action.description, single_line=True), classes="form-hint")
        yield Static(
            plain(f"They asked to be told: {asked or 'not recorded'}", single_line=True),
            classes="form-hint",
        )
        yield from super().form()

    def save(self) -> AgreementAction:
        on = self.on.day
        if on is None:
            raise ValueError("Told on: give the day they were told.")
        return self.case.record_person_harmed_told(self.action.id, on, self.how.value)


class MoneyEditor(EditorModal[MoneyHandover]):
    """Record money handed over under the agreement, and who witnessed it (A 3(c) 4)."""

    DISCARD_QUESTION = "Discard this? The money handed over is not recorded."

    def __init__(self, case: CaseFile) -> None:
        self.case = case
        participants = [(Content("Not named"), NOBODY)] + [
            (case.person_label(p.id), str(p.id)) for p in case.participants
        ]
        self.amount = Line("Amount", "m-amount", placeholder="£20.00")
        self.on = Day("Handed over on", "m-on", today_input(), required=True)
        self.from_whom = Choice("From", "m-from", participants, NOBODY)
        self.to_whom = Choice("To", "m-to", participants, NOBODY)
        self.witness = Line("Witnessed by", "m-witness", placeholder="a name")
        self.note = Line("Note", "m-note", placeholder="a receipt, the place")
        super().__init__(
            "Money handed over",
            Form(self.amount, self.on, self.from_whom, self.to_whom, self.witness, self.note),
        )

    def save(self) -> MoneyHandover:
        pence = parse_money(self.amount.value)
        if pence is None:
            raise ValueError("Amount: write it in pounds, as 20 or £20.00.")
        on = self.on.day
        if on is None:
            raise ValueError("Handed over on: give the day.")
        return self.case.record_money_handover(
            pence,
            on,
            witness=self._witness(self.witness.value),
            from_whom=_person(self.from_whom.value),
            to_whom=_person(self.to_whom.value),
            note=self.note.value,
        )

    def _witness(self, name: str) -> UUID | str:
        """A participant named as witness is that participant; anyone else is a name."""
        wanted = " ".join(name.split()).casefold()
        for person in self.case.participants:
            if person.name.casefold() == wanted:
                return person.id
        return name


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
        people_options = [(Content("Nobody named yet"), NOBODY)] + [
            (case.person_label(UUID(pid)), pid) for pid in people
        ]
        self.supported_by = Choice(
            "Supported by", "a-support", people_options, _person_start(action, "supported_by")
        )
        self.supervised_by = Choice(
            "Supervised by", "a-supervise", people_options, _person_start(action, "supervised_by")
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
            Form(
                self.description,
                self.by_whom,
                self.supported_by,
                self.supervised_by,
                self.due,
                self.status,
            ),
        )

    def save(self) -> AgreementAction:
        by_whom = self.by_whom.value
        fields = {
            "description": self.description.value,
            "by_whom": None if by_whom == NOBODY else UUID(by_whom),
            "supported_by": _person(self.supported_by.value),
            "supervised_by": _person(self.supervised_by.value),
            "due": self.due.day,
            "status": self.status.value,
        }
        case = self.case
        self.action = add_or_update(self.action, fields, case.add_action, case.update_action)
        return self.action


class LetterEditor(EditorModal[LetterVersion]):
    """Write a letter (or message) from one participant to another, a reply to one, or a
    new version of one. From and to are any two different participants."""

    DEFAULT_CSS = """
    LetterEditor .form-row > #l-text { height: 12; }
    """

    DISCARD_QUESTION = "Discard this letter? What you typed is not saved."
    draft_of = "a letter"

    def __init__(
        self, case: CaseFile, letter: Letter | None = None, reply_to: Letter | None = None
    ) -> None:
        self.case = case
        self.letter = letter
        self.reply_to = reply_to
        versions = case.letter_versions(letter.id) if letter else []
        self.text = Text("Text", "l-text", editable(versions[-1].text) if versions else "")
        people = [(case.participant_label(p.id), str(p.id)) for p in case.participants]
        sender = people[0][1] if people else ""
        to = NOBODY
        if reply_to is not None:  # a reply goes back the other way
            sender = str(reply_to.to_participant or sender)
            to = str(reply_to.from_participant)
        if letter is not None:
            sender = str(letter.from_participant)
            to = str(letter.to_participant) if letter.to_participant else NOBODY
        self.sender = Choice("From", "l-from", people, sender)
        self.to = Choice(
            "To", "l-to", [(Content("Not addressed to anyone yet"), NOBODY), *people], to
        )
        fields = Form(self.sender, self.to, self.text)
        title = "New version of the letter, or who it is from and to" if letter else "New letter"
        if reply_to is not None:
            title = "Reply to a letter"
        super().__init__(title, fields)

    def form(self) -> ComposeResult:
        if self.reply_to is not None:
            title = letter_title(self.case, self.reply_to)
            answered = title[:1].lower() + title[1:]
            yield Static(
                plain(f"Answers the letter {answered}", single_line=True), classes="form-hint"
            )
        yield from super().form()

    def first_field(self) -> Text:
        return self.text

    def save(self) -> LetterVersion:
        text = self.text.value
        to = self.to.value
        if self.letter is not None:
            addressed = self.sender.changed or self.to.changed
            if addressed:  # a no-op when a retry finds it already saved
                self.case.address_letter(
                    self.letter.id, UUID(self.sender.value), None if to == NOBODY else UUID(to)
                )
            if self.text.changed or not addressed:
                return self.case.revise_letter(self.letter.id, text)
            return self.case.letter_versions(self.letter.id)[-1]
        if not self.sender.value:
            raise ValueError("Add the participant who writes the letter first.")
        self.letter = self.case.add_letter(
            UUID(self.sender.value),
            text,
            None if to == NOBODY else UUID(to),
            in_reply_to=self.reply_to.id if self.reply_to else None,
        )
        return self.case.letter_versions(self.letter.id)[-1]

    def draft(self) -> str:
        # The letter's own words, as they would be handed over.
        return self.text.value if self.text.changed else ""


ANSWER_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known"}
UNANSWERED = "unanswered"


class VettingEditor(EditorModal[LetterVetting]):
    """Vet the current version of a letter: the letters checklist's questions for each
    version (A 3(a) 11-12), the decision and its reasons."""

    DEFAULT_CSS = """
    VettingEditor .vet-ask { margin-left: 0; margin-bottom: 0; color: $text; }
    VettingEditor .form-row > #v-reasons { height: 4; }
    """

    DISCARD_QUESTION = "Discard this vetting? What you chose is not saved."
    draft_of = "a letter's vetting"

    def __init__(self, case: CaseFile, letter: Letter) -> None:
        self.case = case
        self.letter = letter
        records = case.letter_records(letter.id)
        earlier = records.vetting_of(records.current)
        given = earlier.answers if earlier else {}
        self.number = len(records.versions)
        self.items = vetting_items(case)
        self.questions: list[tuple[Item, Choice]] = []
        for number, item in enumerate(self.items):
            options: list[tuple[Content | str, str]] = [(Content("Not answered"), UNANSWERED)]
            if item.kind == "check":
                options += [(Content("Done"), "true")]
                start = "true" if given.get(item.id) is True else UNANSWERED
            else:
                options += [(Content(words), value) for value, words in ANSWER_WORDS.items()]
                value = given.get(item.id)
                start = value if isinstance(value, str) and value in ANSWER_WORDS else UNANSWERED
            self.questions.append(
                (item, Choice(item.reference, f"v-item-{number}", options, start))
            )
        self.decision = Choice(
            "Decision",
            "v-decision",
            [(Content("No decision yet"), UNANSWERED)]
            + [(Content(d.label), d.value) for d in VettingDecision],
            earlier.decision.value if earlier and earlier.decision else UNANSWERED,
        )
        self.reasons = Text("Reasons", "v-reasons", editable(earlier.reasons) if earlier else "")
        super().__init__(
            f"Vet version {self.number} of the letter",
            Form(*(choice for _, choice in self.questions), self.decision, self.reasons),
        )

    def form(self) -> ComposeResult:
        yield Static(
            plain(letter_title(self.case, self.letter), single_line=True), classes="form-hint"
        )
        for item, choice in self.questions:
            yield Static(plain(item.ask), classes="vet-ask")
            yield choice.row()
        yield self.decision.row()
        yield self.reasons.row()

    def save(self) -> LetterVetting:
        answers: dict[str, AnswerValue] = {}
        for item, choice in self.questions:
            if choice.value == UNANSWERED:
                continue
            answers[item.id] = True if choice.value == "true" else choice.value
        decision = None if self.decision.value == UNANSWERED else self.decision.value
        return self.case.vet_letter(self.letter.id, answers, decision, self.reasons.value)


class ReviewEditor(EditorModal[LetterReview]):
    """A co-worker's or case supervisor's own review of the letter's current version."""

    DISCARD_QUESTION = "Discard this review? What you typed is not saved."
    draft_of = "a review of a letter"

    def __init__(self, case: CaseFile, letter: Letter) -> None:
        self.case = case
        self.letter = letter
        members = [m for m in case.team if m.id != case.owner.id] or list(case.team)
        start = str(case.case.co_worker or case.case.case_supervisor or "")
        options = [(case.person_label(m.id), str(m.id)) for m in members]
        if start not in {value for _, value in options}:
            start = options[0][1] if options else ""
        self.reviewer = Choice("Reviewer", "r-who", options, start)
        self.given_on = Day("Given on", "r-on", today_input())
        self.view = Text("What they think", "r-view", "")
        super().__init__("Review of the letter", Form(self.reviewer, self.given_on, self.view))

    def form(self) -> ComposeResult:
        yield Static(
            plain(letter_title(self.case, self.letter), single_line=True), classes="form-hint"
        )
        yield from super().form()

    def save(self) -> LetterReview:
        if not self.reviewer.value:
            raise ValueError(
                "Name the co-worker or case supervisor in the case first (the People tab)."
            )
        return self.case.review_letter(
            self.letter.id, UUID(self.reviewer.value), self.view.value, self.given_on.day
        )


class HandOverEditor(EditorModal[Letter]):
    """Record that a letter was handed over (A 3(a) 12). The core refuses it until the
    current version is vetted and the recipient's agreement is recorded; the editor says
    which is missing as soon as it opens, and again if saved."""

    DISCARD_QUESTION = "Discard this? The letter is not marked handed over."

    def __init__(self, case: CaseFile, letter: Letter) -> None:
        self.case = case
        self.letter = letter
        self.how = Text("How and when", "h-how", editable(letter.vetting_note))
        super().__init__("Hand the letter over", Form(self.how))

    def form(self) -> ComposeResult:
        yield Static(
            plain(letter_title(self.case, self.letter), single_line=True), classes="form-hint"
        )
        yield from super().form()

    def on_mount(self) -> None:
        super().on_mount()
        problems = handover_problems(self.case.letter_records(self.letter.id))
        if problems:  # the rule the core enforces, said before anything is typed
            self.show_error(handover_refusal(problems))

    def save(self) -> Letter:
        return self.case.set_letter_status(self.letter.id, LetterStatus.DELIVERED, self.how.value)


class LetterView(ModalScreen[None]):
    """The letter's current text with the reading aid beside it (A 3(a) 11-12): passages
    worth a second look are highlighted, each listed with its reason. It never decides:
    the facilitator records the decision and the reasons when vetting (v)."""

    DEFAULT_CSS = """
    LetterView { align: center middle; }
    LetterView > Vertical {
        width: 100%;
        height: 100%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    LetterView Horizontal { height: 1fr; }
    LetterView #letter-text { width: 3fr; padding-right: 1; }
    LetterView #letter-aid { width: 2fr; border-left: solid $primary 50%; padding-left: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="letter.close", tooltip="Close this view"),
    ]

    def __init__(self, case: CaseFile, letter: Letter) -> None:
        super().__init__()
        self.case = case
        self.letter = letter

    def compose(self) -> ComposeResult:
        case, letter = self.case, self.letter
        text, passages = letter_passages(case, letter)
        line = letter_line(case, letter)
        with Vertical() as box:
            box.border_title = plain(line.title, single_line=True)
            with Horizontal():
                with VerticalScroll(id="letter-text"):
                    yield Static(_letter_body(case, letter, line, text, passages))
                with VerticalScroll(id="letter-aid"):
                    yield Static(_reading_aid(passages))

    def on_mount(self) -> None:
        self.query_one("#letter-text").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _highlighted(text: str, passages: list[Passage]) -> Content:
    """The text, literally, with the passages' characters highlighted (overlaps merged)."""
    spans: list[list[int]] = []
    for passage in sorted(passages, key=lambda p: p.start):
        if spans and passage.start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], passage.end)
        else:
            spans.append([passage.start, passage.end])
    parts: list[Content] = []
    at = 0
    for start, end in spans:
        parts.append(plain(text[at:start]))
        parts.append(plain(text[start:end]).stylize("bold reverse $text-warning"))
        at = end
    parts.append(plain(text[at:]))
    return Content.assemble(*parts)


def _reading_aid(passages: list[Passage]) -> Content:
    heading = Content.styled("Worth a second look", "bold")
    lead = Content.styled(
        "The reading aid points; it never decides. Record your decision and reasons "
        "when you vet the letter (v).",
        "$foreground-muted",
    )
    if not passages:
        return Content("\n").join(
            [heading, lead, Content(""), Content("Nothing pointed at in this version.")]
        )
    lines = [heading, lead]
    for passage in passages:
        lines.append(Content(""))
        lines.append(Content.styled(passage.reason, "bold"))
        lines.append(plain(f"“{first_line(passage.excerpt, 60).plain}”"))
    return Content("\n").join(lines)


def _letter_body(
    case: CaseFile, letter: Letter, line: LetterLine, text: str, passages: list[Passage]
) -> Content:
    parts: list[Content] = [
        Content.assemble(("Status: ", "bold"), line.status),
        Content.assemble(("Recipient agreed to receive it: ", "bold"), line.recipient_agreed),
    ]
    if line.handover_blocked:
        parts.append(
            Content.assemble(
                ("Not yet to be handed over: ", "bold"), "; ".join(line.handover_blocked)
            )
        )
    parts += [Content(""), _highlighted(text, passages), Content("")]
    for version in line.versions:
        parts.append(
            Content.styled(
                f"Version {version.number} · {version.written} · {version.status}", "bold"
            )
        )
        if version.vetted_by:
            parts.append(plain(f"Vetted by {version.vetted_by}, {version.vetted_at}"))
        for ask, answer in version.answers:
            parts.append(plain(f"  {ask} {answer}"))
        if version.reasons:
            parts.append(plain(f"Reasons: {version.reasons}"))
        for review in version.reviews:
            parts.append(
                plain(f"Review by {review.who} ({review.role}), {review.given_on}: {review.view}")
            )
    answered = next((each for each in case.letters if each.id == letter.in_reply_to), None)
    if line.reply_to:
        parts += [Content(""), Content.styled(line.reply_to, "bold")]
        if answered is not None:
            earlier = case.letter_versions(answered.id)
            parts.append(plain(earlier[-1].text if earlier else ""))
    replies = replies_to(case, letter)
    if replies:
        parts += [Content(""), Content.styled("Replies to this letter", "bold")]
        parts += [plain(letter_title(case, reply)) for reply in replies]
    return Content("\n").join(parts)


class ActionsTable(RecordTable):
    """The agreement's actions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add action", id="agreement.add", tooltip="Add an agreement action"),
        Binding("e", "edit", "Edit", id="agreement.edit", tooltip="Edit the selected action"),
        Binding(
            "c",
            "complete",
            "Done",
            id="agreement.complete",
            tooltip="Mark the action completed, or not, with what shows it",
        ),
        Binding(
            "u",
            "agreement",
            "Agreement",
            show=False,
            id="agreement.record",
            tooltip="Record the outcome agreement: its terms, who agreed and when, voluntary "
            "or legally binding, how completion is shown",
        ),
        Binding(
            "p",
            "told",
            "Told",
            show=False,
            id="agreement.told",
            tooltip="Record that the person harmed was told of the action's completion",
        ),
        Binding(
            "m",
            "money",
            "Money",
            show=False,
            id="agreement.money",
            tooltip="Record money handed over, and who witnessed it",
        ),
        Binding(
            "t",
            "status",
            "Status",
            show=False,
            id="agreement.status",
            tooltip="Set the action open, done or not done",
        ),
    ]

    def __init__(self) -> None:
        super().__init__("Action", "By whom", "Due", "Status", id="actions-table")

    @edits
    def action_complete(self) -> None:
        self.post_message(AgreementPane.Act("complete"))

    @edits
    def action_agreement(self) -> None:
        self.post_message(AgreementPane.Act("agreement"))

    @edits
    def action_told(self) -> None:
        self.post_message(AgreementPane.Act("told"))

    @edits
    def action_money(self) -> None:
        self.post_message(AgreementPane.Act("money"))

    @edits
    def action_add(self) -> None:
        self.post_message(AgreementPane.Act("add"))

    @edits
    def action_edit(self) -> None:
        self.post_message(AgreementPane.Act("edit"))

    def action_status(self) -> None:
        self.post_message(AgreementPane.Act("status"))


class LettersTable(RecordTable):
    """Letters and recorded messages, with where each is in vetting and handover."""

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
            "Vet",
            id="letters.vet",
            tooltip="Vet the letter's current version: its checklist, decision and reasons",
        ),
        Binding(
            "h",
            "versions",
            "Read",
            id="letters.versions",
            tooltip="Read the letter with the reading aid, its versions, vetting and reviews",
        ),
        Binding(
            "r",
            "reply",
            "Reply",
            id="letters.reply",
            tooltip="Write a reply to the selected letter",
        ),
        Binding(
            "w",
            "review",
            "Review",
            id="letters.review",
            tooltip="Record a co-worker's or case supervisor's review of the current version",
        ),
        Binding(
            "y",
            "agreed",
            "Recipient agreed",
            id="letters.agreed",
            tooltip="Record when the recipient agreed to receive the letter (A 3(a) 12)",
        ),
        Binding(
            "o",
            "hand_over",
            "Hand over",
            id="letters.hand_over",
            tooltip="Record that the letter was handed over (A 3(a) 12)",
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

    def action_reply(self) -> None:
        self.post_message(AgreementPane.Act("reply"))

    def action_review(self) -> None:
        self.post_message(AgreementPane.Act("review"))

    def action_agreed(self) -> None:
        self.post_message(AgreementPane.Act("agreed"))

    def action_hand_over(self) -> None:
        self.post_message(AgreementPane.Act("hand_over"))


class AgreementPane(CasePane):
    """The outcome agreement's actions and the letters between participants."""

    class Act(Message):
        """A table asks its pane to act on its selected row."""

        def __init__(self, what: str) -> None:
            super().__init__()
            self.what = what

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Outcome agreement (A 3(c))", "bold"), classes="pane-heading")
        yield Static(id="agreement-detail")
        yield ActionsTable()
        yield Static(id="actions-empty")
        yield Static(id="action-detail")
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
        self._show_agreement()
        self._show_action()
        self._letters = {str(letter.id): letter for letter in case.letters}
        letter_rows = [
            (
                str(letter.id),
                (
                    short_status(case.letter_records(letter.id)),
                    str(len(case.letter_versions(letter.id))),
                    plain(letter_title(case, letter), single_line=True),
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

    def _show_agreement(self) -> None:
        view = agreement_view(self.case, redactor_for(self.case, "none"))
        detail = self.query_one("#agreement-detail", Static)
        if not view.recorded:
            detail.update(
                Content.styled(
                    f"Agreement made: {view.made}. Not recorded yet: u records it.",
                    "$foreground-muted",
                )
            )
            return
        agreed = f"{', '.join(view.agreed_by) or 'nobody recorded'}"
        when = f" on {view.agreed_on}" if view.agreed_on else ""
        lines = [
            Content.assemble(("Agreed by: ", "bold"), plain(agreed + when, single_line=True)),
            Content.assemble(("Status: ", "bold"), view.binding),
        ]
        if view.terms:
            lines.append(Content.assemble(("Terms: ", "bold"), first_line(view.terms, 66)))
        if view.tell_person_harmed:
            lines.append(
                Content.assemble(
                    ("Tell the person harmed: ", "bold"), first_line(view.tell_person_harmed, 50)
                )
            )
        for money in view.money:
            lines.append(
                Content.assemble(
                    ("Money: ", "bold"),
                    plain(
                        f"{money.amount} on {money.handed_on}, witnessed by {money.witness}",
                        single_line=True,
                    ),
                )
            )
        lines.append(
            Content.styled(
                "u agreement · c done, with evidence · p person harmed told · m money",
                "$foreground-muted",
            )
        )
        detail.update(Content("\n").join(lines))

    def _show_action(self) -> None:
        action = self._selected_action()
        detail = self.query_one("#action-detail", Static)
        if action is None:
            detail.update("")
            return
        line = action_line(self.case, action, redactor_for(self.case, "none"))
        parts = [
            Content.assemble(
                ("Supported by: ", "bold"),
                plain(line.supported_by, single_line=True),
                ("  Supervised by: ", "bold"),
                plain(line.supervised_by, single_line=True),
            )
        ]
        if line.completion:
            parts.append(plain(line.completion, single_line=True))
            parts.append(plain(line.told, single_line=True))
        detail.update(Content("\n").join(parts))

    @on(DataTable.RowHighlighted, "#actions-table")
    def _action_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_action()

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
        line = letter_line(self.case, letter)
        text, passages = letter_passages(self.case, letter)
        parts = [Content.assemble(("Status: ", "bold"), line.status)]
        if line.reply_to:
            parts.append(plain(line.reply_to, single_line=True))
        if passages:
            parts.append(
                Content.assemble(
                    ("Reading aid: ", "bold"),
                    f"{len(passages)} passage{'s' if len(passages) != 1 else ''} worth a "
                    "second look (h reads it)",
                )
            )
        if line.handover_blocked and letter.status is not LetterStatus.DRAFT:
            parts.append(Content.assemble(("Not yet: ", "bold"), line.handover_blocked[0]))
        if text:
            parts.append(first_line(text, 76))
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
        elif what == "complete" and (action := self._selected_action()):
            self.app.push_screen(CompletionEditor(case, action), callback=self._saved)
        elif what == "told" and (action := self._selected_action()):
            self.app.push_screen(ToldEditor(case, action), callback=self._saved)
        elif what == "agreement":
            self.app.push_screen(AgreementEditor(case), callback=self._saved)
        elif what == "money":
            self.app.push_screen(MoneyEditor(case), callback=self._saved)
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
            self.app.push_screen(VettingEditor(case, letter), callback=self._saved)
        elif what == "versions" and (letter := self._selected_letter()):
            self.app.push_screen(LetterView(case, letter))
        elif what == "reply" and (letter := self._selected_letter()):
            self.app.push_screen(LetterEditor(case, reply_to=letter), callback=self._saved)
        elif what == "review" and (letter := self._selected_letter()):
            self.app.push_screen(ReviewEditor(case, letter), callback=self._saved)
        elif what == "agreed" and (letter := self._selected_letter()):
            self._agreed(letter)
        elif what == "hand_over" and (letter := self._selected_letter()):
            self.app.push_screen(HandOverEditor(case, letter), callback=self._saved)

    def _set_action_status(self, action: AgreementAction) -> None:
        def picked(status: ActionStatus | None) -> None:
            if status is None or status is action.status:
                return
            if status is not ActionStatus.OPEN:  # completion is marked with its evidence
                done = status is ActionStatus.DONE
                editor = CompletionEditor(self.case, action, done=done)
                self.app.push_screen(editor, callback=self._saved)
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

    @work(exclusive=True, group="letters-agreed")
    async def _agreed(self, letter: Letter) -> None:
        day = await self.app.push_screen_wait(
            TextPromptModal(
                "When did the recipient agree to receive it?",
                value=day_input(letter.recipient_agreed_on)
                if letter.recipient_agreed_on
                else today_input(),
                allow_empty=True,
                help="A date; leave it empty if they have not agreed (A 3(a) 12)",
            )
        )
        if day is None:
            return
        on = parse_day(day) if day.strip() else None
        if day.strip() and on is None:
            self.notify(f"Not saved: write the date as {DATE_FORMS}.", markup=False)
            return
        self.save_change(lambda: self.case.record_recipient_agreement(letter.id, on))

    def _saved(
        self,
        saved: AgreementAction
        | LetterVersion
        | LetterVetting
        | LetterReview
        | Letter
        | Agreement
        | MoneyHandover
        | None,
    ) -> None:
        if saved is not None:
            self.notify("Saved.", markup=False)
            if isinstance(saved, Agreement | MoneyHandover):
                self.changed()
                return
            key = saved.id if isinstance(saved, AgreementAction | Letter) else saved.letter_id
            self.changed(select=key)
