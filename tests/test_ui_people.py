"""People by name on screen, by id in the case: the co-worker and supervisor, who does an
agreement action, and whom a consent lets information be shared with."""

from __future__ import annotations

import re

from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, TextArea

from rjfacil.casedoc.model import ConsentPurpose, ShareHow
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import TextPromptModal
from screens.notes import NoteEditor
from screens.participants import ConsentEditor
from screens.plans import ActionEditor
from tests.pilot_helpers import (
    CaseHost,
    case_screen,
    open_with,
    press,
    screen_text,
    settle,
    squashed,
    two_people,
)

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


async def answer_prompt(app: CaseHost, pilot: Pilot[None], text: str) -> None:
    prompt = app.screen
    assert isinstance(prompt, TextPromptModal)
    prompt.query_one(Input).value = text
    await press(pilot, "enter")


async def test_the_co_worker_and_supervisor_are_named_and_kept_as_team_members(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-701")
    async with case_screen(vault, case.id, "coworking") as (app, pilot):
        await press(pilot, "e")
        await answer_prompt(app, pilot, "Priya Shah")
        await answer_prompt(app, pilot, "Dana Whitfield")
        assert isinstance(app.screen, CaseScreen)
        shown = squashed(screen_text(app))
        assert "Co-worker: Priya Shah Case supervisor: Dana Whitfield" in shown
        assert not UUID_TEXT.search(shown)
        # Named again in other words: the same person, not a second one.
        await press(pilot, "e")
        await answer_prompt(app, pilot, "priya shah ")
        await answer_prompt(app, pilot, "Dana Whitfield")
    assert case.person_name(case.case.co_worker) == "Priya Shah"
    assert case.person_name(case.case.case_supervisor) == "Dana Whitfield"
    assert sorted(m.name for m in case.team) == ["Dana Whitfield", "Priya Shah", "Sam Okafor"]
    assert case.answers()[("coworking", "coworker", None)].value == "Priya Shah"


async def test_an_agreement_action_is_done_by_someone_of_the_case(vault: Vault) -> None:
    case = vault.new_case("RJ-702", co_worker="Priya Shah")
    _harmed, responsible = two_people(case)
    async with case_screen(vault, case.id, "agreement", size=(120, 40)) as (app, pilot):
        editor = await open_with(pilot, "a", ActionEditor)
        by_whom = editor.query_one("#a-by", Select)
        by_whom.focus()
        await settle(pilot)
        await pilot.press("enter")  # open the list of people
        await settle(pilot)
        shown = squashed(screen_text(app))
        choices = [
            "Nobody named yet",
            "Ana Silva (person harmed)",
            "Ben Cole (person responsible)",
            "Sam Okafor (facilitator)",
            "Priya Shah (co-worker)",
        ]
        assert all(choice in shown for choice in choices)
        assert shown.index(choices[1]) < shown.index(choices[3]) < shown.index(choices[4])
        await press(pilot, "escape")
        await pilot.press("ctrl+s")  # no description yet: the core says so, the editor stays
        await settle(pilot)
        assert isinstance(app.screen, ActionEditor)
        assert "Describe the action first." in screen_text(app)
        editor.query_one("#a-description", TextArea).text = "Write a letter of apology"
        by_whom.value = str(responsible)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)
        [action] = case.actions
        assert action.by_whom == responsible
        shown = screen_text(app)
        assert "Ben Cole" in shown
        assert not UUID_TEXT.search(shown)


async def test_a_consent_to_share_names_participants(vault: Vault) -> None:
    case = vault.new_case("RJ-703")
    harmed, responsible = two_people(case)
    async with case_screen(vault, case.id, "participants", size=(120, 40)) as (app, pilot):
        editor = await open_with(pilot, "c", ConsentEditor)
        editor.query_one("#c-purpose", Select).value = ConsentPurpose.SHARING.value
        editor.query_one("#c-information", Input).value = "Her account of the evening"
        whom = editor.query_one("#c-share-with", SelectionList)
        assert [whom.get_option_at_index(i).prompt.plain for i in range(whom.option_count)] == [
            "Ben Cole (person responsible)"
        ]
        whom.select(str(responsible))
        editor.query_one("#c-on", Input).value = "2025-03-01"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)
        [consent] = case.current_consents(harmed)
        assert consent.share_with == [responsible]
        shown = squashed(screen_text(app))
        assert "Sharing information (Her account of the evening, with Ben Cole): given" in shown


async def test_revising_a_note_and_its_sharing_in_the_editor_is_one_change(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-704")
    harmed, responsible = two_people(case)
    note = case.add_note("Ana wants to know why.", participant_id=harmed)
    before = len(case.audit_log)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        editor = await open_with(pilot, "e", NoteEditor)
        editor.query_one("#note-text", TextArea).text = "Ana wants to know why it was her."
        editor.query_one("#note-share-how", Select).value = ShareHow.SUMMARY.value
        await settle(pilot)
        editor.query_one("#note-share-with", SelectionList).select(str(responsible))
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)
    assert len(case.audit_log) == before + 1
    assert case.note_text(note.id) == "Ana wants to know why it was her."
    assert case.note(note.id).share_with == [responsible]
