"""A newcomer's first day: what they met on screen, each fixed and held by a test."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from rjfacil.workspace import Vault
from screens.settings import SettingsScreen
from tests.pilot_helpers import hosted, paste, screen_text, settle

SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_idle_lock_box_shows_all_of_120(vault: Vault, size: tuple[int, int]) -> None:
    async with hosted(vault, SettingsScreen, size=size) as (app, pilot):
        idle = app.screen.query_one("#idle", Input)
        idle.focus()
        idle.value = ""
        await settle(pilot)
        await paste(pilot, "120")
        await settle(pilot)
        assert idle.value == "120"
        line = next(line for line in screen_text(app).splitlines() if "Lock after" in line)
        assert "120" in line, line
