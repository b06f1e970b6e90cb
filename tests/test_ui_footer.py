"""The footer at 80 columns: on every tab of the case view, the keys a facilitator needs most
(back to the cases, help, export, lock) are the ones shown, before any tab's own keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.pilot import Pilot
from textual.widgets import Input, Static

from rjfacil.workspace import Vault
from screens.case import TABS, CaseScreen
from screens.footer import FooterKey, KeyFooter, place_keys
from screens.walker import ChecklistWalker
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    case_screen,
    press,
    running,
    screen_text,
    settle,
    squashed,
    two_people,
)


def footer(app: CaseHost) -> str:
    return squashed(screen_text(app).splitlines()[-1])


@pytest.mark.parametrize("tab", [name for name, _ in TABS])
async def test_esc_help_export_and_lock_are_in_the_footer_at_80_columns(
    vault: Vault, tab: str
) -> None:
    case = vault.new_case("RJ-320")
    harmed, _ = two_people(case)
    case.add_note("Zqmine", participant_id=harmed, private=True)  # the most keys on notes
    app = CaseHost(vault, lambda: CaseScreen(case.id, tab=tab))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        shown = footer(app)
        for key in ("esc Cases", "f1 Help", "x Export", "^l Lock"):
            assert key in shown, (tab, shown)
        # The first keys, in this order, whatever the tab.
        assert shown.startswith("esc Cases f1 Help x Export ^l Lock"), shown


class _Notes(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_note", "New note"),
        Binding("d", "delete_note", "Delete", tooltip="Delete the note"),
    ]

    def action_new_note(self) -> None:
        self.update("a new note")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "delete_note" else True  # shown, but not possible now


class _CountedFooter(KeyFooter):
    """A KeyFooter that counts how often it draws itself."""

    draws = 0

    def render(self) -> Text:
        self.draws += 1
        return super().render()


class _Fields(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+l", "lock", "Lock")]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield _Notes("notes", id="notes")
        yield _CountedFooter()


async def test_the_footer_keeps_its_keys_while_focus_moves_and_shows_new_keys() -> None:
    app = _Fields()
    async with running(app, size=SIZE) as pilot:
        app.set_focus(app.query_one("#first"))
        await settle(pilot)
        footer = app.query_one(_CountedFooter)
        draws = footer.draws
        app.set_focus(app.query_one("#second"))
        await settle(pilot)
        # The same keys on show: the footer is not drawn again (and does not flicker).
        assert footer.draws == draws
        assert "n New note" not in squashed(screen_text(app).splitlines()[-1])
        app.set_focus(app.query_one("#notes"))
        await settle(pilot)
        shown = squashed(screen_text(app).splitlines()[-1])
        assert "n New note" in shown and "^l Lock" in shown, shown
        assert footer.draws > draws


@asynccontextmanager
async def _on_notes() -> AsyncIterator[tuple[_Fields, Pilot[Any]]]:
    """The fields app run and settled, with the focus on the notes (their keys shown)."""
    app = _Fields()
    async with running(app, size=SIZE) as pilot:
        app.set_focus(app.query_one("#notes"))
        await settle(pilot)
        yield app, pilot


async def test_a_click_on_a_key_in_the_footer_presses_it() -> None:
    async with _on_notes() as (app, pilot):
        last = screen_text(app).splitlines()[-1]
        await pilot.click(KeyFooter, offset=(last.index("New note"), 0))
        await settle(pilot)
        assert "a new note" in screen_text(app)
        # A key that cannot be used now is shown dimmed, and a click on it does nothing.
        assert "d Delete" in squashed(last)
        await pilot.click(KeyFooter, offset=(last.index("Delete"), 0))
        await settle(pilot)
        assert "a new note" in screen_text(app)


def test_a_key_that_does_not_fit_leaves_its_room_to_the_next_ones() -> None:
    keys = [FooterKey("escape", "esc", "Cases"), FooterKey("w", "w", "A long one")]
    keys.append(FooterKey("f1", "f1", "Help"))
    palette = FooterKey("ctrl+p", "^p", "palette")
    placed, edge = place_keys(keys, palette, width=30, compact=True)
    # 30 columns: 12 for "▏^p palette " at the right, "esc Cases " then "f1 Help".
    assert [(each.x, each.key.description) for each in placed] == [(0, "Cases"), (10, "Help")]
    assert edge is not None and edge.x == 19
    # Without the palette key and not compact: " esc Cases " " w A long one " " f1 Help ".
    placed, _ = place_keys(keys, None, width=34, compact=False)
    assert [each.x for each in placed] == [0, 11, 25]


async def test_nothing_shows_after_the_palette_key_at_80_columns(vault: Vault) -> None:
    # The palette key is docked right; its margin left the last column uncovered, where
    # the end of the keys that did not fit showed through ("e Det▏^p palettee").
    case = vault.new_case("RJ-321")
    harmed, _ = two_people(case)
    case.add_note("Zqmine", participant_id=harmed, private=True)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    async with running(app, size=SIZE) as pilot:
        await settle(pilot)
        # Two of the tabs whose keys do not all fit (each tab switch costs time).
        for tab in ("overview", "agreement"):
            await pilot.press(str([name for name, _ in TABS].index(tab) + 1))
            await settle(pilot)
            last = screen_text(app).splitlines()[-1]
            assert last.endswith("^p palette"), (tab, last)


def _whole_keys_only(app: App[Any]) -> str:
    """The footer's keys left of the palette key, checked to be whole keys ("g Stage", never
    "g Stag"), in the order the screen gives them; returns them."""
    last = screen_text(app).splitlines()[-1]
    left = squashed(last.split("▏")[0])
    keys = [
        f"{app.get_key_display(binding)} {binding.description}".strip()
        for _node, binding, _enabled, _tip in app.screen.active_bindings.values()
        if binding.show and binding.action != "command_palette"
    ]
    rest = left
    for key in keys:
        if rest.startswith(key):
            rest = rest[len(key) :].lstrip()
    assert rest == "", f"cut or unknown at the palette edge: {rest!r} in {left!r}"
    return left


async def test_a_key_that_does_not_fit_is_left_out_whole_at_80_columns(vault: Vault) -> None:
    # At 80 columns the last key was cut mid-word at the palette edge ("g Stag▏^p palette").
    case = vault.new_case("RJ-322")
    harmed, _ = two_people(case)
    case.add_note("Zqmine", participant_id=harmed, private=True)
    tabs = [name for name, _ in TABS]
    async with case_screen(vault, case.id, "agreement") as (app, pilot):
        shown = _whole_keys_only(app)
        assert shown.startswith("esc Cases f1 Help"), shown
        await press(pilot, str(tabs.index("checklists") + 1))  # then into the walker
        await press(pilot, "enter")
        assert isinstance(app.screen, ChecklistWalker)
        shown = _whole_keys_only(app)
        assert "esc" in shown and "Help" in shown, shown


def _background_of(footer: KeyFooter, text: str) -> object:
    """The background the footer draws ``text`` on."""
    for segment in footer.render_line(0):
        if text in segment.text and segment.style is not None:
            return segment.style.bgcolor
    raise AssertionError(f"{text!r} is not in the footer")


async def test_the_key_under_the_mouse_is_highlighted_and_says_what_it_does() -> None:
    async with _on_notes() as (app, pilot):
        footer = app.query_one(KeyFooter)
        before = _background_of(footer, "New note")
        last = screen_text(app).splitlines()[-1]
        await pilot.hover(KeyFooter, offset=(last.index("New note"), 0))
        await settle(pilot)
        assert _background_of(footer, "New note") != before
        assert _background_of(footer, "Lock") != _background_of(footer, "New note")
        assert footer.tooltip == "New note"
