"""The Pilot helpers themselves: what they read and paste is what a user would see and type.

If a Rich or Textual upgrade changes the screenshot format, these fail first and say so,
rather than every UI test failing at once for no visible reason.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from tests.pilot_helpers import Notices, paste, press, running, screen_text


class Form(App[None]):
    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Name  [b]not markup[/b]  é✓ wide:日本", markup=False, id="label")
            yield Input(id="name")
            yield TextArea(id="notes")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.notify("Saved.", markup=False)


async def test_screen_text_keeps_lines_and_columns() -> None:
    app = Form()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        lines = screen_text(app).split("\n")
        assert len(lines) == 12
        assert lines[0] == "Name  [b]not markup[/b]  é✓ wide:日本"


async def test_paste_fills_the_focused_field_as_a_terminal_paste_does() -> None:
    app = Form()
    notices = Notices()
    async with app.run_test(size=(60, 12), message_hook=notices) as pilot:
        await pilot.pause()
        await paste(pilot, "Ana Silva\nsecond line")
        name = app.query_one("#name", Input)
        assert name.value == "Ana Silva"  # an Input takes the first line of a paste
        assert "Ana Silva" in screen_text(app)
        notes = app.query_one("#notes", TextArea)
        notes.focus()
        await pilot.pause()
        await paste(pilot, "Met at home.\nAgreed a letter.")
        assert notes.text == "Met at home.\nAgreed a letter."
        await pilot.press("x")  # keys still go on after the pasted text
        assert notes.text == "Met at home.\nAgreed a letter.x"
    assert notices.messages == ["Saved."]


class Steps(Screen[None]):
    """Counts to five, one step after each frame."""

    def compose(self) -> ComposeResult:
        yield Static("", id="steps")

    def on_mount(self) -> None:
        self.call_after_refresh(self.step, 1)

    def step(self, number: int) -> None:
        self.query_one("#steps", Static).update(f"step {number}")
        if number < 5:
            self.call_after_refresh(self.step, number + 1)
        else:
            self.notify("Done.", markup=False)


class Chain(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("g", "go", "Go")]

    def compose(self) -> ComposeResult:
        yield Static("start")

    def action_go(self) -> None:
        self.push_screen(Steps())


async def test_a_key_press_settles_after_every_refresh_it_leads_to() -> None:
    # An app run by running() settles by counting the messages it handles, without
    # screenshots: a press returns with the last step on the screen, and a message_hook
    # given to running() still sees every message.
    app = Chain()
    notices = Notices()
    async with running(app, size=(40, 6), message_hook=notices, notifications=True) as pilot:
        await press(pilot, "g")
        assert "step 5" in screen_text(app)
    assert notices.messages == ["Done."]
