"""Notes: the note editor, a note's history, and the notes list with its filters.

Each note records whom it concerns, whether it came from them or is the facilitator's
assessment (A 3(a) 9), and with whom it may be shared and how (A 3(a) 7). Revising a
note adds a revision; the old text stays in its history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import (
    Checkbox,
    Select,
    Static,
)

from rjfacil.casedoc.model import Note, NoteSource, ShareHow
from rjfacil.errors import RjfacilError
from rjfacil.views.dates import show_when
from rjfacil.views.labels import (
    NOT_SHARED_WORD,
    PRIVATE_WORD,
    note_source_label,
    share_how_label,
)
from screens.dialogs import ConfirmModal
from screens.form import Choice, EditorModal, Form, OneOf, Picks, Text, Tick
from screens.readonly import edits
from screens.safe import plain
from screens.widgets import (
    RecordsPane,
    RecordTable,
    TextModal,
    editable,
    first_line,
)

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

CASE = "case"  # the Select value for "concerns the case as a whole"


def _who(case: CaseFile, participant_id: UUID | None) -> Content:
    return plain(case.participant_label(participant_id), single_line=True)


def sharing_label(case: CaseFile, note: Note) -> str:
    """How a note may be shared, and with whom, in words."""
    if note.private:
        return f"{PRIVATE_WORD}: only for the facilitator"
    if note.share_how is ShareHow.NOT_SHARED:
        return share_how_label(ShareHow.NOT_SHARED)
    names = [case.participant_label(pid) for pid in note.share_with]
    whom = ", ".join(names) if names else "nobody named yet"
    return f"{share_how_label(note.share_how)} with {whom}"


class NoteEditor(EditorModal[Note]):
    """Write a note, or revise one. Dismisses with the saved note, or None.

    Args:
        case: The case the note belongs to; the editor saves through it.
        note: The note to revise; None writes a new one.
        participant_id: For a new note, whom it concerns to begin with.
    """

    DISCARD_QUESTION = "Discard this note? What you typed is not saved."

    def __init__(
        self, case: CaseFile, note: Note | None = None, participant_id: UUID | None = None
    ) -> None:
        self.case = case
        self.note = note
        self.draft_of = "a revision of a note" if note else "a new note"
        start = note.participant_id if note else participant_id
        self.concerns = Choice(
            "Concerns",
            "note-concerns",
            [(Content("The case as a whole"), CASE)]
            + [(_who(case, p.id), str(p.id)) for p in case.participants],
            str(start) if start else CASE,
        )
        self.source = OneOf(
            "Where from",
            "note-source",
            [(note_source_label(each), each.value) for each in NoteSource],
            (note.source if note else NoteSource.FACILITATOR_ASSESSMENT).value,
        )
        self.text = Text("Note", "note-text", editable(case.note_text(note.id)) if note else "")
        self.share_how = Choice(
            "May be shared",
            "note-share-how",
            [(Content(share_how_label(how)), how.value) for how in ShareHow],
            (note.share_how if note else ShareHow.NOT_SHARED).value,
        )
        # Offered once the editor is shown: everyone but the person the note concerns.
        self.share_with = Picks(
            "With",
            "note-share-with",
            [],
            frozenset(str(pid) for pid in note.share_with) if note else frozenset(),
        )
        self.private = Tick(
            PRIVATE_WORD,
            "note-private",
            "Only for me: never exported or bundled",
            note.private if note else False,
        )
        super().__init__(
            "Revise the note" if note else "New note",
            Form(
                self.concerns,
                self.source,
                self.text,
                self.share_how,
                self.share_with,
                self.private,
            ),
        )

    def on_mount(self) -> None:
        self._offer_share_with(self.share_with.start)
        self._private_changed(self.private.start)

    def first_field(self) -> Text:
        return self.text

    # -- fields -----------------------------------------------------------------

    def _concerns(self) -> UUID | None:
        value = self.concerns.value
        return None if value in (CASE, "") else UUID(value)

    def _offer_share_with(self, chosen: frozenset[str]) -> None:
        """Others the note may be shared with: everyone but the person it concerns."""
        concerns = self._concerns()
        self.share_with.offer(
            [
                (_who(self.case, p.id), str(p.id))
                for p in self.case.participants
                if p.id != concerns
            ],
            chosen,
        )

    @on(Select.Changed, "#note-concerns")
    def _concerns_changed(self) -> None:
        self._offer_share_with(self.share_with.value)

    @on(Checkbox.Changed, "#note-private")
    def _private_toggled(self, event: Checkbox.Changed) -> None:
        self._private_changed(event.value)

    @on(Select.Changed, "#note-share-how")
    def _share_how_changed(self) -> None:
        self._private_changed(self.private.value)

    def _private_changed(self, private: bool) -> None:
        """A private note is not shared; "with whom" matters only for a shared one."""
        how = self.share_how.widget
        if private and how.value != ShareHow.NOT_SHARED.value:
            how.value = ShareHow.NOT_SHARED.value
        how.disabled = private
        self.share_with.widget.disabled = private or how.value == ShareHow.NOT_SHARED.value

    def _shared_with(self) -> list[UUID]:
        if self.private.value or self.share_how.value == ShareHow.NOT_SHARED.value:
            return []
        return sorted((UUID(v) for v in self.share_with.value), key=str)

    # -- saving -----------------------------------------------------------------

    def save(self) -> Note:
        fields: dict[str, Any] = {
            "participant_id": self._concerns(),
            "source": NoteSource(self.source.value),
            "share_with": self._shared_with(),
            "share_how": ShareHow(self.share_how.value),
            "private": self.private.value,
        }
        if self.note is None:
            return self.case.add_note(self.text.value, **fields)
        text = self.text.value if self.text.changed else None
        return self.case.revise_note(self.note.id, text, **fields)

    def draft(self) -> str:
        # The note's own words, if they changed; its sharing is not worth a draft.
        return self.text.value if self.text.changed else ""

    def draft_about(self) -> UUID | None:
        return self._concerns()


def note_history(case: CaseFile, note: Note) -> Content:
    """Every revision of a note, newest first, with who wrote it and when."""
    parts: list[Content] = [
        Content.assemble(("Concerns: ", "bold"), _who(case, note.participant_id)),
        Content.assemble(("Where from: ", "bold"), note_source_label(note.source)),
        Content.assemble(("Sharing: ", "bold"), plain(sharing_label(case, note))),
        Content(""),
    ]
    revisions = case.note_history(note.id)
    for number, revision in reversed(list(enumerate(revisions, start=1))):
        label = "Current text" if number == len(revisions) else f"Revision {number}"
        parts.append(
            Content.assemble(
                (f"{label} · {show_when(revision.created_at)} · ", "bold"),
                (case.author(revision.created_by), "bold"),
            )
        )
        parts.append(plain(revision.text))
        parts.append(Content(""))
    return Content("\n").join(parts)


class NotesPane(RecordsPane[Note]):
    """The notes list, filtered by participant and by sharing, with the selected note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "new", "New note", id="notes.new", tooltip="Write a new note"),
        Binding(
            "e",
            "revise",
            "Revise",
            id="notes.revise",
            tooltip="Revise the selected note (adds a revision)",
        ),
        Binding(
            "r",
            "release",
            "Release",
            id="notes.release",
            tooltip="Release the selected private note: it then goes with the case to "
            "co-workers and in supervisor summaries",
        ),
        Binding(
            "h",
            "history",
            "History",
            id="notes.history",
            tooltip="Every revision of the selected note",
        ),
        Binding("f", "filter", "Filter", id="notes.filter", tooltip="Go to the filters"),
    ]

    SHARING = (
        ("Any sharing", "any"),
        ("May be shared", "shared"),
        (NOT_SHARED_WORD, "not_shared"),
        (PRIVATE_WORD, "private"),
    )

    def compose(self) -> ComposeResult:
        with Horizontal(id="notes-filters"):
            yield Select(
                [(Content("Every note"), "all")],
                value="all",
                allow_blank=False,
                compact=True,
                id="notes-who",
            )
            yield Select(
                [(Content(label), value) for label, value in self.SHARING],
                value="any",
                allow_blank=False,
                compact=True,
                id="notes-sharing",
            )
            yield Static(id="notes-count")
        yield RecordTable("Written", "Concerns", "Where from", "Sharing", "Note", id="notes-table")
        with VerticalScroll(id="notes-detail"):
            yield Static(id="notes-meta")
            yield Static(id="notes-text")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        who = self.query_one("#notes-who", Select)
        current = who.value
        options = [(Content("Every note"), "all"), (Content("The case as a whole"), CASE)]
        options += [(_who(case, p.id), str(p.id)) for p in case.participants]
        with self.prevent(Select.Changed):
            who.set_options(options)
            who.value = current if any(v == current for _, v in options) else "all"
        self._fill()

    def _fill(self) -> None:
        case = self.case
        who = self.query_one("#notes-who", Select).value
        sharing = self.query_one("#notes-sharing", Select).value
        notes = case.notes()
        if who == CASE:
            notes = [n for n in notes if n.participant_id is None]
        elif who not in ("all", Select.NULL):
            notes = [n for n in notes if str(n.participant_id) == who]
        if sharing == "shared":
            notes = [n for n in notes if n.share_how is not ShareHow.NOT_SHARED and not n.private]
        elif sharing == "not_shared":
            notes = [n for n in notes if n.share_how is ShareHow.NOT_SHARED and not n.private]
        elif sharing == "private":
            notes = [n for n in notes if n.private]
        self.records = {str(n.id): n for n in notes}
        names = {p.id: p.name for p in case.participants}
        table = self.query_one(RecordTable)
        room = max(24, table.size.width - 68) if table.size.width else 40
        select = self.take_select()
        texts = case.note_texts()
        rows = [
            (
                str(n.id),
                (
                    show_when(n.created_at),
                    first_line(
                        names.get(n.participant_id, "someone removed")
                        if n.participant_id
                        else "the case",
                        16,
                    ),
                    "From them" if n.source is NoteSource.FROM_PARTICIPANT else "Assessment",
                    _short_sharing(n),
                    first_line(texts.get(n.id, ""), room),
                ),
            )
            for n in notes
        ]
        table.fill(rows, select=select)
        self.query_one("#notes-count", Static).update(
            Content.styled(f"{len(notes)} of {len(case.notes())} notes", "$foreground-muted")
        )
        self.show_selected()

    @on(Select.Changed, "#notes-who")
    @on(Select.Changed, "#notes-sharing")
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.stale:
            self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Release is offered (and in the footer) only while a private note is selected."""
        if action == "release":
            note = self.selected() if not self.stale else None
            return note is not None and note.private
        return True

    def show_selected(self) -> None:
        self.refresh_bindings()
        note = self.selected()
        meta = self.query_one("#notes-meta", Static)
        text = self.query_one("#notes-text", Static)
        if note is None:
            meta.update(
                Content.styled("No notes here yet. Press a to write one.", "$foreground-muted")
            )
            text.update("")
            return
        case = self.case
        revisions = len(case.note_history(note.id))
        revised = (
            f" · revised {revisions - 1} time{'s' if revisions > 2 else ''} (h)"
            if revisions > 1
            else ""
        )
        meta.update(
            Content.assemble(
                _who(case, note.participant_id),
                (f" · {note_source_label(note.source)} · ", "$foreground-muted"),
                plain(sharing_label(case, note), single_line=True),
                (
                    f" · {case.author(note.created_by)}, {show_when(note.created_at)}{revised}",
                    "$foreground-muted",
                ),
            )
        )
        text.update(plain(case.note_text(note.id)))

    # -- actions ----------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#notes-who", Select).focus()

    @edits
    def action_new(self) -> None:
        who = self.query_one("#notes-who", Select).value
        start = UUID(str(who)) if who not in ("all", CASE, Select.NULL) else None
        self.app.push_screen(NoteEditor(self.case, participant_id=start), callback=self._saved)

    def action_revise(self) -> None:
        self.action_edit()

    @edits
    def edit(self, note: Note) -> None:
        self.app.push_screen(NoteEditor(self.case, note), callback=self._saved)

    def _saved(self, note: Note | None) -> None:
        if note is not None:
            self.notify("Note saved.", markup=False)
            self.changed(select=note.id)
            self.query_one(RecordTable).focus()

    @edits
    def action_release(self) -> None:
        self._release()

    @work(exclusive=True, group="notes-release")
    async def _release(self) -> None:
        note = self.selected()
        if note is None or not note.private:
            return
        question = Content.assemble(
            "Release this private note about ",
            _who(self.case, note.participant_id),
            "?\n\nIt will then go with the case: in co-workers' case files and supervisor "
            "summaries. It is not shared with any participant unless you share it with them. "
            "Other private notes stay private.",
        )
        if not await self.app.push_screen_wait(
            ConfirmModal(question, yes="Release", no="Keep private")
        ):
            return
        try:
            released = self.case.release_note(note.id)
        except RjfacilError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.notify(
            "Note released: it now goes with the case to co-workers and in supervisor summaries.",
            markup=False,
        )
        self.changed(select=released.id)

    def action_history(self) -> None:
        note = self.selected()
        if note is not None:
            self.app.push_screen(TextModal("Note history", note_history(self.case, note)))


def _short_sharing(note: Note) -> str:
    if note.private:
        return PRIVATE_WORD
    return {
        ShareHow.NOT_SHARED: NOT_SHARED_WORD,
        ShareHow.AS_WRITTEN: "As written",
        ShareHow.SUMMARY: "In summary",
    }[note.share_how]
