"""The Pilot helpers themselves: what they read and paste is what a user would see and type.

If a Rich or Textual upgrade changes the screenshot format, these fail first and say so,
rather than every UI test failing at once for no visible reason.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static, TextArea

from tests.pilot_helpers import Notices, paste, screen_text


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
