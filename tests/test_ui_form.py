"""The editors' form (screens/form.py): what is typed and chosen comes back as typed values,
nothing changed closes at once, anything changed is asked about, a bad date names its field,
and a draft kept at a lock says each field by its label."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import App
from textual.widgets import Checkbox, Input, RadioSet, Select, SelectionList, TextArea

from rjfacil.casedoc.model import ConsentPurpose
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import ConfirmModal
from screens.form import Choice, Day, EditorModal, Form, Line, OneOf, Picks, Text, Tick
from screens.participants import ConsentEditor, ParticipantEditor
from tests.pilot_helpers import (
    case_screen,
    open_with,
    paste,
    press,
    running,
    screen_of,
    screen_text,
    settle,
    squashed,
    two_people,
)

USER_TEXT = "[b]Ana[/b] [@click=app.quit]x[/]"


class Sample(EditorModal[dict[str, Any]]):
    """Every kind of field, saved as the values they hold."""

    DISCARD_QUESTION = "Discard the sample?"

    def __init__(self) -> None:
        self.line = Line("Name", "s-line")
        self.day = Day("Due", "s-day")
        self.text = Text("About", "s-text", "First line")
        self.choice = Choice("Who", "s-choice", [(USER_TEXT, "ana"), ("Ben", "ben")], "ana")
        self.one_of = OneOf(
            "Form", "s-one-of", [("Verbal", "verbal"), ("Written", "written")], "verbal"
        )
        self.tick = Tick("Done", "s-tick", "It is done")
        self.picks = Picks("With", "s-picks", [("Ana", "a"), ("Ben", "b"), ("Cy", "c")])
        super().__init__(
            "A sample",
            Form(self.line, self.day, self.text, self.choice, self.one_of, self.tick, self.picks),
        )

    def save(self) -> dict[str, Any]:
        return {
            "line": self.line.value,
            "day": self.day.day,
            "text": self.text.value,
            "choice": self.choice.value,
            "one_of": self.one_of.value,
            "tick": self.tick.value,
            "picks": self.picks.in_order(),
        }


class EnterSaves(Sample):
    ENTER_SAVES = True


class Host(App[None]):
    """Shows one editor and keeps what it dismisses with."""

    def __init__(self, editor: EditorModal[Any]) -> None:
        super().__init__()
        self.editor = editor
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.editor, callback=self.results.append)


async def test_each_kind_of_field_comes_back_as_the_value_it_holds() -> None:
    editor = Sample()
    app = Host(editor)
    async with running(app, size=(100, 40)) as pilot:
        await settle(pilot)
        assert editor.query_one("#s-line", Input).has_focus, "the first field has the focus"
        await paste(pilot, "Dee Marsh")
        editor.query_one("#s-day", Input).value = "14/03/2025"
        editor.query_one("#s-text", TextArea).text = "First line\nSecond line"
        editor.query_one("#s-choice", Select).value = "ben"
        editor.query_one("#written").value = True
        editor.query_one("#s-tick", Checkbox).value = True
        picks = editor.query_one("#s-picks", SelectionList)
        picks.select("c")
        picks.select("a")
        await settle(pilot)
        assert editor.query_one("#s-one-of", RadioSet).pressed_button is not None
        await press(pilot, "ctrl+s")
    assert app.results == [
        {
            "line": "Dee Marsh",
            "day": date(2025, 3, 14),
            "text": "First line\nSecond line",
            "choice": "ben",
            "one_of": "written",
            "tick": True,
            "picks": ["a", "c"],  # in the order they are listed, not the order ticked
        }
    ]


async def test_escape_closes_at_once_unless_something_changed_then_asks() -> None:
    untouched = Host(Sample())
    async with running(untouched, size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "escape")
        assert untouched.results == [None]

    editor = Sample()
    app = Host(editor)
    async with running(app, size=(100, 40)) as pilot:
        await settle(pilot)
        editor.query_one("#s-choice", Select).value = "ben"  # only a choice, nothing typed
        await settle(pilot)
        await press(pilot, "escape")
        screen_of(app, ConfirmModal)
        assert "Discard the sample?" in screen_text(app)
        await press(pilot, "n")
        assert screen_of(app, Sample).choice.value == "ben"
        await press(pilot, "escape")
        await press(pilot, "y")
        assert app.results == [None]


async def test_a_date_that_is_not_one_keeps_the_editor_open_and_names_the_field() -> None:
    editor = Sample()
    app = Host(editor)
    async with running(app, size=(100, 40)) as pilot:
        await settle(pilot)
        editor.query_one("#s-day", Input).value = "31/02/2025"
        await press(pilot, "ctrl+s")
        screen_of(app, Sample)
        assert "Due: Write the date as 2025-03-14, 14/03/2025 or 14/03" in squashed(
            screen_text(app)
        )
        assert app.results == []
        editor.query_one("#s-day", Input).value = "28/02/2025"
        await press(pilot, "ctrl+s")
    [saved] = app.results
    assert isinstance(saved, dict) and saved["day"] == date(2025, 2, 28)


async def test_enter_in_a_line_saves_only_in_an_editor_that_says_so() -> None:
    for editor, saves in ((Sample(), False), (EnterSaves(), True)):
        app = Host(editor)
        async with running(app, size=(100, 40)) as pilot:
            await settle(pilot)
            await paste(pilot, "Dee")
            await press(pilot, "enter")
            assert isinstance(app.screen, Sample) is not saves
            assert len(app.results) == int(saves)


async def test_user_text_in_an_option_is_shown_literally() -> None:
    editor = Sample()
    app = Host(editor)
    async with running(app, size=(100, 40)) as pilot:
        await settle(pilot)
        assert USER_TEXT in screen_text(app)
        assert app.is_running
        # A draft says what holds something, each by its label, options in their words.
        assert editor.fields.words() == f"About: First line\nWho: {USER_TEXT}\nForm: Verbal"


async def test_a_lock_keeps_unsaved_participant_details_in_words(vault: Vault) -> None:
    case = vault.new_case("RJ-901")
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        screen = screen_of(app, CaseScreen)
        editor = await open_with(pilot, "a", ParticipantEditor)
        await paste(pilot, "Dee Marsh")
        editor.query_one("#p-role", Select).value = Role.PERSON_RESPONSIBLE.value
        editor.query_one("#p-address-as", Input).value = "Dee"
        await settle(pilot)
        assert screen.before_lock() == 1
    [draft] = case.notes()
    assert draft.private
    assert case.note_text(draft.id) == (
        "DRAFT (participant details), kept when the screen locked:\n\n"
        "Name: Dee Marsh\nRole: Person responsible\nAddress as: Dee"
    )


async def test_escape_after_choosing_a_consent_purpose_asks_before_discarding(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-902")
    harmed, _ = two_people(case)
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        editor = await open_with(pilot, "c", ConsentEditor)
        editor.query_one("#c-purpose", Select).value = ConsentPurpose.SHARING.value
        await settle(pilot)
        await press(pilot, "escape")
        screen_of(app, ConfirmModal)
        await press(pilot, "y")
        screen_of(app, CaseScreen)
    assert case.consents(harmed) == []
