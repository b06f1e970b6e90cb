"""Helpers shared by the Pilot tests, on Textual's public API only.

- :func:`paste` puts text into the focused field as a terminal paste does (one event),
  instead of a key press per character: typing a passphrase key by key took seconds.
  Tests of key handling itself still press keys.
- :func:`screen_text` is what the user sees: the screen as the app would export it.
- :class:`Notices` records the notifications the app raises, as a ``message_hook``.
- :class:`CaseHost` is a small host app for the case screens (STYLE.md rule 16): it holds
  an unlocked vault as ``app.vault``, as the real app does (both are a VaultHost, through
  which the screens reach the vault), and pushes one screen made by a factory, so these
  tests do not depend on the app shell. :func:`case_screen` runs it on a case's tab and
  :func:`open_with` opens an editor there by its key: the setup most UI tests share.
"""

from __future__ import annotations

import html
import itertools
import re
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from uuid import UUID
from weakref import WeakKeyDictionary

import pytest
from rich.cells import cell_len
from textual import events
from textual.app import App, CSSPathType
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.screen import Screen

import screens
from rjfacil import clock
from rjfacil.commands.casefile import CaseFile
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.host import VaultHost
from tests.conftest import PASSPHRASE

S = TypeVar("S", bound=Screen[Any])
A = TypeVar("A", bound=App[Any])

SIZE = (80, 24)
FROZEN_AT = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)

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
    as on the terminal. Lines keep their columns; trailing spaces are dropped. Runs of the
    same style are joined first (``simplify``): the text is the same, and the export, done
    two or more times in every settle, is cheaper.
    """
    runs: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for found in _TEXT_RUN.finditer(app.export_screenshot(simplify=True)):
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


# -- the case screens' host ------------------------------------------------------------


class CaseHost(VaultHost):
    """Holds ``vault`` and pushes the screen the factory makes."""

    TITLE = "rjfacil"  # as the app's: snapshots (and the README's pictures) show this title
    # Every screen's stylesheet, read once at start. Textual reads a screen's CSS_PATH
    # when the screen is first pushed and then parses every rule again, widgets' included:
    # 30 ms each time, most of the cost of opening a dialog in a test.
    CSS_PATH: ClassVar[CSSPathType] = sorted(Path(screens.__file__).parent.glob("*.tcss"))

    def __init__(self, vault: Vault, screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.vault = vault
        self.make_screen = screen

    def on_mount(self) -> None:
        # In rjfacil's default theme, as VaultHost starts (the app's is the facilitator's).
        self.push_screen(self.make_screen())


def reopen(vault: Vault) -> Vault:
    """Close the vault and open it again from disk, as after a restart."""
    home = vault.home
    vault.close()
    return Vault.open(home).unlock(PASSPHRASE)


def two_people(case: CaseFile) -> tuple[UUID, UUID]:
    """A person harmed and a person responsible; returns their ids."""
    harmed = case.add_participant(Role.PERSON_HARMED, "Ana Silva", address_as="Ana")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole", address_as="Mr Cole")
    return harmed.id, responsible.id


class Activity:
    """Counts the messages an app handles, other than the pilot's own: a ``message_hook``.

    A pause (:meth:`Pilot.pause`) first has every widget of the screen run a callback of the
    pilot's, so a pause always carries messages; those are not counted. Everything that
    changes the screen is a message (a key, a mount, a refresh asking for an update or a
    layout, a callback of the app's), so a pause in which none is handled leaves the screen
    as it was. ``then`` is another hook to pass each message on to.
    """

    def __init__(self, then: Callable[[Message], object] | None = None) -> None:
        self.count = 0
        self.then = then

    def __call__(self, message: Message) -> None:
        if not self._pilots(message):
            self.count += 1
        if self.then is not None:
            self.then(message)

    @staticmethod
    def _pilots(message: Message) -> bool:
        if not isinstance(message, events.Callback):
            return False
        callback = message.callback
        callback = getattr(callback, "func", callback)  # call_later wraps it in a partial
        return str(getattr(callback, "__qualname__", "")).startswith(f"{Pilot.__name__}.")


# The Activity of each app run by :func:`running`, for settle.
_ACTIVITY: WeakKeyDictionary[App[Any], Activity] = WeakKeyDictionary()


@asynccontextmanager
async def running(app: A, **run: Any) -> AsyncIterator[Pilot[Any]]:
    """``app.run_test(**run)``, with the app's activity counted, so :func:`settle` needs
    no screenshot to see it settle (a ``message_hook`` in ``run`` still gets every
    message)."""
    activity = Activity(run.pop("message_hook", None))
    _ACTIVITY[app] = activity
    async with app.run_test(message_hook=activity, **run) as pilot:
        yield pilot


async def settle(pilot: Pilot[Any]) -> None:
    """Let pushes, dismisses and the refreshes after them finish.

    For an app run by :func:`running`: pause until a pause in which the app handled no
    message (see :class:`Activity`). For another: pause until the screen shows something
    and a pause leaves it as it was (two screenshots or more).
    """
    activity = _ACTIVITY.get(pilot.app)
    if activity is not None:
        for _ in range(100):
            before = activity.count
            await pilot.pause()
            if activity.count == before:
                return
        return
    # Textual's idle check compares CPU time with wall time, so on a busy machine a pause
    # can end before the app has run; a screen still changing is seen here instead.
    last = screen_text(pilot.app)
    for _ in range(100):
        await pilot.pause()
        shown = screen_text(pilot.app)
        if shown.strip() and shown == last:
            return
        last = shown


def screen_of(app: App[Any], kind: type[S]) -> S:
    """The screen on top, which must be a ``kind``."""
    screen = app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} is shown, not {kind.__name__}"
    return screen


@asynccontextmanager
async def hosted(
    vault: Vault, screen: Callable[[], Screen[Any]], *, size: tuple[int, int] = SIZE, **run: Any
) -> AsyncIterator[tuple[CaseHost, Pilot[None]]]:
    """A :class:`CaseHost` showing the screen ``screen`` makes, run and settled; yields the
    app and its pilot.

    Args:
        run: More arguments for ``run_test`` (``message_hook``, ``notifications``).
    """
    app = CaseHost(vault, screen)
    async with running(app, size=size, **run) as pilot:
        await settle(pilot)
        yield app, pilot


def case_screen(
    vault: Vault,
    case_id: UUID,
    tab: str | None = None,
    walk: dict[str, Any] | None = None,
    **run: Any,
) -> AbstractAsyncContextManager[tuple[CaseHost, Pilot[None]]]:
    """The case screen on ``tab`` (the overview by default), walking a checklist if
    ``walk`` says where, as :func:`hosted` runs it."""
    return hosted(vault, lambda: CaseScreen(case_id, tab=tab, walk=walk), **run)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` and let what they do settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def open_with(pilot: Pilot[Any], key: str, kind: type[S]) -> S:
    """Press ``key`` and return the editor (or dialog, or walker) it opens, which must be
    a ``kind``."""
    await press(pilot, key)
    return screen_of(pilot.app, kind)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """Freeze rjfacil.clock.now: each call is one second after the last, from FROZEN_AT."""
    ticks = itertools.count()

    def tick() -> datetime:
        return FROZEN_AT + timedelta(seconds=next(ticks))

    monkeypatch.setattr(clock, "now", tick)
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    yield FROZEN_AT
    monkeypatch.undo()
    time.tzset()
