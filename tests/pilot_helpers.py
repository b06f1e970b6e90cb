"""Helpers shared by the Pilot tests, on Textual's public API only.

- :func:`paste` puts text into the focused field as a terminal paste does (one event),
  instead of a key press per character: typing a passphrase key by key took seconds.
  Tests of key handling itself still press keys.
- :func:`screen_text` is what the user sees: the screen as the app would export it.
- :class:`Notices` records the notifications the app raises, as a ``message_hook``.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot

# Rich's SVG export: one <text> per run of styled text, placed by its x on line N
# (clip-path ...-line-N). Runs of spaces are not written; their place is kept by x.
_TEXT_RUN = re.compile(
    r'<text [^>]*?x="(?P<x>[0-9.]+)" [^>]*?clip-path="url\(#[^)]*?-line-(?P<line>\d+)\)">'
    r"(?P<text>.*?)</text>",
    re.DOTALL,
)
# The width of a terminal cell in Rich's SVG export (font size 20, aspect ratio 0.61).
_CELL_WIDTH = 20 * 0.61


def screen_text(app: App[Any]) -> str:
    """Every line the screen shows now, as plain text (what a user sees).

    Read from :meth:`App.export_screenshot`, so a modal shows over the screen beneath it,
    as on the terminal. Lines keep their columns; trailing spaces are dropped.
    """
    runs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for found in _TEXT_RUN.finditer(app.export_screenshot()):
        column = round(float(found["x"]) / _CELL_WIDTH)
        text = html.unescape(found["text"]).replace("\xa0", " ")
        runs[int(found["line"])].append((column, text))
    height = app.size.height
    lines = []
    for number in range(height):
        line = ""
        for column, text in sorted(runs.get(number, [])):
            line += " " * max(0, column - cell_len(line)) + text
        lines.append(line.rstrip())
    return "\n".join(lines)


def squashed(text: str) -> str:
    """Text with every run of whitespace made one space (for text that wraps)."""
    return " ".join(text.split())


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal's bracketed paste does.

    The app routes the paste to the focused Input or TextArea, which inserts the text at
    the cursor (an Input takes the first line only, as it does from a real terminal).
    """
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


class Notices:
    """The notifications an app raised, recorded as they are posted.

    Example:
        notices = Notices()
        async with app.run_test(message_hook=notices) as pilot: ...
        assert any("Saved" in message for message in notices.messages)
    """

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.messages.append(str(message.notification.message))
