"""The footer at 80 columns: on every tab of the case view, the keys a facilitator needs most
(back to the cases, help, export, lock) are the ones shown, before any tab's own keys."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

from rjfacil.workspace import Vault
from screens.case import TABS, CaseScreen
from screens.footer import KeyFooter
from screens.walker import ChecklistWalker
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    case_screen,
    press,
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
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = footer(app)
        for key in ("esc Cases", "f1 Help", "x Export", "^l Lock"):
            assert key in shown, (tab, shown)
        # The first keys, in this order, whatever the tab.
        assert shown.startswith("esc Cases f1 Help x Export ^l Lock"), shown


class _Notes(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("n", "new_note", "New note")]


class _Fields(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+l", "lock", "Lock")]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield _Notes("notes", id="notes")
        yield KeyFooter()


async def test_the_footer_keeps_its_keys_while_focus_moves_and_shows_new_keys() -> None:
    app = _Fields()
    async with app.run_test(size=SIZE) as pilot:
        app.set_focus(app.query_one("#first"))
        await settle(pilot)
        keys = list(app.query_one(KeyFooter).children)
        app.set_focus(app.query_one("#second"))
        await settle(pilot)
        # The same keys on show: the footer is not rebuilt (and does not flicker).
        assert list(app.query_one(KeyFooter).children) == keys
        assert "n New note" not in squashed(screen_text(app).splitlines()[-1])
        app.set_focus(app.query_one("#notes"))
        await settle(pilot)
        shown = squashed(screen_text(app).splitlines()[-1])
        assert "n New note" in shown and "^l Lock" in shown, shown


async def test_nothing_shows_after_the_palette_key_at_80_columns(vault: Vault) -> None:
    # The palette key is docked right; its margin left the last column uncovered, where
    # the end of the keys that did not fit showed through ("e Det▏^p palettee").
    case = vault.new_case("RJ-321")
    harmed, _ = two_people(case)
    case.add_note("Zqmine", participant_id=harmed, private=True)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    async with app.run_test(size=SIZE) as pilot:
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
