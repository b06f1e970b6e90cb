"""Notes: whom a note concerns, where it came from, with whom and how it may be shared;
the filters find it; a revision keeps the old text; unsaved text is not lost silently."""

from __future__ import annotations

import errno
import os

import pytest
from textual.widgets import RadioSet, Select, SelectionList, TextArea

from rjfacil.casedoc.model import NoteSource, ShareHow
from rjfacil.store import durable
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import ConfirmModal
from screens.notes import NoteEditor
from screens.widgets import RecordTable, TextModal
from tests.pilot_helpers import (
    CaseHost,
    case_screen,
    open_with,
    paste,
    press,
    reopen,
    screen_text,
    settle,
    squashed,
    two_people,
)

TEXT = "Ana wants Ben to know the effect on her children."


def rows(app: CaseHost) -> list[str]:
    table = app.screen.query_one("#notes-table", RecordTable)
    return [table.get_row_at(i)[4].plain for i in range(table.row_count)]


async def test_write_a_note_with_sharing_and_find_it_with_the_filters(vault: Vault) -> None:
    case = vault.new_case("RJ-301")
    harmed, responsible = two_people(case)
    case.add_note("A note of my own about the case.")
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        editor = await open_with(pilot, "a", NoteEditor)
        assert editor.query_one("#note-text", TextArea).has_focus
        await paste(pilot, TEXT)
        # Concerns the person harmed; it came from her.
        editor.query_one("#note-concerns", Select).value = str(harmed)
        await settle(pilot)
        editor.query_one("#note-source", RadioSet).focus()
        await settle(pilot)
        await pilot.press("enter")  # the highlighted first choice: from the participant
        # It may be shared in summary with the person responsible.
        whom = editor.query_one("#note-share-with", SelectionList)
        assert whom.disabled  # not shared: whom with does not apply yet
        editor.query_one("#note-share-how", Select).value = ShareHow.SUMMARY.value
        await settle(pilot)
        assert not whom.disabled
        assert [whom.get_option_at_index(i).prompt.plain for i in range(whom.option_count)] == [
            "Ben Cole (person responsible)"
        ]
        whom.focus()
        await pilot.press("space")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)

        [note] = [n for n in case.notes() if n.participant_id == harmed]
        assert case.note_text(note.id) == TEXT
        assert note.source is NoteSource.FROM_PARTICIPANT
        assert note.share_how is ShareHow.SUMMARY
        assert note.share_with == [responsible]
        assert not note.private
        shown = squashed(screen_text(app))
        assert "May be shared in summary with Ben Cole (person responsible)" in shown
        assert "From the participant" in shown

        # The filters: by participant, and by sharing.
        who = app.screen.query_one("#notes-who", Select)
        sharing = app.screen.query_one("#notes-sharing", Select)
        assert len(rows(app)) == 2
        who.value = str(harmed)
        await settle(pilot)
        assert len(rows(app)) == 1 and rows(app)[0].startswith("Ana wants Ben")
        who.value = str(responsible)
        await settle(pilot)
        assert rows(app) == []
        assert "No notes here yet" in screen_text(app)
        who.value = "case"
        await settle(pilot)
        assert [r[:10] for r in rows(app)] == ["A note of "]
        who.value = "all"
        sharing.value = "shared"
        await settle(pilot)
        assert len(rows(app)) == 1 and rows(app)[0].startswith("Ana wants Ben")
        sharing.value = "not_shared"
        await settle(pilot)
        assert len(rows(app)) == 1 and rows(app)[0].startswith("A note of my own")
        assert "1 of 2 notes" in screen_text(app)

    vault = reopen(vault)
    again = vault.open_case(case.id)
    assert [n.share_how for n in again.notes(participant_id=harmed)] == [ShareHow.SUMMARY]
    vault.close()


async def test_revising_a_note_keeps_the_old_text_in_its_history(vault: Vault) -> None:
    case = vault.new_case("RJ-302")
    harmed, _ = two_people(case)
    note = case.add_note("First words.", participant_id=harmed)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        editor = await open_with(pilot, "e", NoteEditor)
        area = editor.query_one("#note-text", TextArea)
        assert area.text == "First words."
        area.text = "Second words, after the phone call."
        await press(pilot, "ctrl+s")
        assert case.note_text(note.id) == "Second words, after the phone call."
        assert [r.text for r in case.note_history(note.id)] == [
            "First words.",
            "Second words, after the phone call.",
        ]
        assert "revised 1 time (h)" in screen_text(app)
        await press(pilot, "h")
        assert isinstance(app.screen, TextModal)
        shown = screen_text(app)
        assert "Current text" in shown and "Second words, after the phone call." in shown
        assert "Revision 1" in shown and "First words." in shown
        assert "Sam Okafor" in shown
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)


async def test_the_editor_warns_before_discarding_unsaved_text(vault: Vault) -> None:
    case = vault.new_case("RJ-303")
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        # Nothing typed: escape closes at once.
        await press(pilot, "a")
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)

        await press(pilot, "a")
        await paste(pilot, "Something worth keeping")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard this note?" in screen_text(app)
        await pilot.press("n")  # keep writing
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert editor.query_one("#note-text", TextArea).text == "Something worth keeping"
        await press(pilot, "ctrl+s")
        assert [case.note_text(n.id) for n in case.notes()] == ["Something worth keeping"]

        await press(pilot, "a")
        await paste(pilot, "Not this one")
        await press(pilot, "escape")
        await pilot.press("y")  # discard
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert len(case.notes()) == 1


async def test_a_private_note_is_not_shared(vault: Vault) -> None:
    case = vault.new_case("RJ-304")
    two_people(case)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        editor = await open_with(pilot, "a", NoteEditor)
        await paste(pilot, "Only for me")
        editor.query_one("#note-share-how", Select).value = ShareHow.AS_WRITTEN.value
        editor.query_one("#note-private").focus()
        await press(pilot, "space")
        assert editor.query_one("#note-share-how", Select).disabled
        await press(pilot, "ctrl+s")
        [note] = case.notes()
        assert note.private and note.share_how is ShareHow.NOT_SHARED and note.share_with == []
        app.screen.query_one("#notes-sharing", Select).value = "private"
        await settle(pilot)
        assert rows(app) == ["Only for me"]


async def test_sharing_needs_someone_to_share_with(vault: Vault) -> None:
    case = vault.new_case("RJ-305")
    two_people(case)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        editor = await open_with(pilot, "a", NoteEditor)
        await paste(pilot, "To pass on")
        editor.query_one("#note-share-how", Select).value = ShareHow.AS_WRITTEN.value
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NoteEditor)
        assert "Choose whom it may be shared with" in screen_text(app)
        assert case.notes() == []


async def test_a_full_disk_keeps_the_editor_open_with_the_text_and_says_why(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-306")
    case.add_note("Already saved before the disk filled.")
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        await open_with(pilot, "a", NoteEditor)
        await paste(pilot, "Written as the disk fills")

        def disk_full(_fd: int, _data: bytes) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        with pytest.MonkeyPatch.context() as full:
            full.setattr(durable, "_write_all", disk_full)
            await press(pilot, "ctrl+s")
        editor = app.screen
        assert isinstance(editor, NoteEditor), "the editor stays open"
        assert editor.query_one("#note-text", TextArea).text == "Written as the disk fills"
        assert "disk is full" in squashed(screen_text(app))
        await pilot.press("ctrl+s")  # space is freed: the same save now works
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
    again = reopen(vault)
    try:
        texts = sorted(again.open_case(case.id).note_texts().values())
        assert texts == ["Already saved before the disk filled.", "Written as the disk fills"]
    finally:
        again.close()
