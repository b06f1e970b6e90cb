"""A small host app for the case screens' Pilot tests (STYLE.md rule 16), and helpers.

The host holds an unlocked vault as ``app.vault``, as the real app does (both are a
VaultHost, through which the screens reach the vault), and pushes one screen made by a
factory, so these tests do not depend on the app shell.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from textual.pilot import Pilot
from textual.screen import Screen

from rjfacil import clock
from rjfacil.commands.casefile import CaseFile
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.host import VaultHost
from screens.themes import RJFACIL_THEMES
from tests.conftest import PASSPHRASE
from tests.pilot_helpers import screen_text as screen_text  # re-exported for the case tests
from tests.pilot_helpers import squashed as squashed

SIZE = (80, 24)
FROZEN_AT = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)


class CaseHost(VaultHost):
    """Holds ``vault`` and pushes the screen the factory makes."""

    def __init__(self, vault: Vault, screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.vault = vault
        self.make_screen = screen

    def on_mount(self) -> None:
        for theme in RJFACIL_THEMES:
            self.register_theme(theme)
        self.theme = RJFACIL_THEMES[0].name
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


async def settle(pilot: Pilot[Any], times: int = 2) -> None:
    """Let pushes, dismisses and the refreshes after them finish.

    The first frame of a larger terminal can take a moment longer: wait for it.
    """
    for _ in range(times):
        await pilot.pause()
    for _ in range(50):
        if screen_text(pilot.app).strip():
            return
        await pilot.pause(0.02)


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
