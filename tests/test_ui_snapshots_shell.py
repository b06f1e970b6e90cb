"""Snapshots of the shell's main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Stable by construction: the clock is frozen (every date on screen and in the vault comes
from rjfacil.clock; it ticks a second per call so the cases keep one order), the time zone
is UTC, the vault holds the demo's fictional cases,
and the cursor does not blink. Update with ``pytest --snapshot-update`` after a deliberate
change (a Textual upgrade, new checklist content that raises other flags), and look at
the report before committing.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from rjfacil import clock
from rjfacil.demo import fill_demo_vault
from rjfacil.settings import Settings, save_settings
from rjfacil.store import agefile
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case_list import CaseListScreen
from tests.pilot_helpers import paste

PASSPHRASE = "open up now"
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]


class _FrozenDatetime(datetime):
    """The same morning every run; each call a second later, so records keep their order."""

    ticks = itertools.count()

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        moment = NOW + timedelta(seconds=next(cls.ticks))
        return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Every 'now' in rjfacil comes from rjfacil.clock: freeze the datetime it reads.
    _FrozenDatetime.ticks = itertools.count()
    monkeypatch.setattr(clock, "datetime", _FrozenDatetime)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# The vault's age identity is made afresh with each vault: this one (made once for these
# pictures, and for nothing else) stands in for it, so the settings screen shows the same
# recipient every run, as it shows any vault's.
FIXED_IDENTITY = "AGE-SECRET-KEY-1SLLN60SJ66ZK4MZQR8FEULL4FCQL0X9QTJHPSV7KNR2TW56T8AYQNPR2KK"
FIXED_RECIPIENT = "age17u4p2cumnhjdvpaatrv5ghdvhp26rr6l0fklc6nxaumte6w8a5jsnq3nqz"


@pytest.fixture
def demo_home(isolated_home: Path, frozen: None, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(agefile, "new_identity", lambda: (FIXED_IDENTITY, FIXED_RECIPIENT))
    vault, _code = Vault.create(isolated_home, PASSPHRASE, "Robin Ashdown")
    with vault:
        fill_demo_vault(vault)
    return isolated_home


async def _settle(pilot: Pilot[Any], condition: Any) -> None:
    for _ in range(500):
        if condition():
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the app did not reach the state to snapshot")
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_unlock_screen(snap_compare: Any, demo_home: Path, size: tuple[int, int]) -> None:
    app = RjfacilApp(home=demo_home)

    async def ready(pilot: Pilot[Any]) -> None:
        await _settle(pilot, lambda: app.vault is not None)

    assert snap_compare(app, terminal_size=size, run_before=ready)


async def _unlock(pilot: Pilot[Any], app: RjfacilApp) -> None:
    """Type the demo passphrase at the unlock prompt and wait for the case list."""
    await _settle(pilot, lambda: app.vault is not None)
    await paste(pilot, PASSPHRASE)
    await pilot.press("enter")
    await _settle(pilot, lambda: isinstance(app.screen, CaseListScreen))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_case_list(snap_compare: Any, demo_home: Path, size: tuple[int, int]) -> None:
    app = RjfacilApp(home=demo_home)

    async def unlocked(pilot: Pilot[Any]) -> None:
        await _unlock(pilot, app)

    assert snap_compare(app, terminal_size=size, run_before=unlocked)


def test_lock_screen(snap_compare: Any, demo_home: Path) -> None:
    app = RjfacilApp(home=demo_home)

    async def locked(pilot: Pilot[Any]) -> None:
        await _unlock(pilot, app)
        await pilot.press("ctrl+l")
        await _settle(pilot, lambda: not isinstance(app.screen, CaseListScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=locked)


@pytest.mark.parametrize("key", ["f1", "f2"], ids=["help", "settings"])
def test_help_and_settings(snap_compare: Any, demo_home: Path, key: str) -> None:
    app = RjfacilApp(home=demo_home)

    async def opened(pilot: Pilot[Any]) -> None:
        await _unlock(pilot, app)
        await pilot.press(key)
        await _settle(pilot, lambda: not isinstance(app.screen, CaseListScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=opened)


def test_settings_at_120x40(snap_compare: Any, demo_home: Path) -> None:
    # At 120 columns the settings show the vault's age recipient (the fixed one above).
    app = RjfacilApp(home=demo_home)

    async def opened(pilot: Pilot[Any]) -> None:
        await _unlock(pilot, app)
        await pilot.press("f2")
        await _settle(pilot, lambda: not isinstance(app.screen, CaseListScreen))
        assert FIXED_RECIPIENT in str(app.screen.query_one("#recipient", Static).content)

    assert snap_compare(app, terminal_size=(120, 40), run_before=opened)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("key", ["", "f2"], ids=["case_list", "settings"])
def test_high_contrast(snap_compare: Any, demo_home: Path, key: str, size: tuple[int, int]) -> None:
    # The case list, and settings with its choice of theme: nothing may vanish in high
    # contrast (an unticked box was colour 234 on 234).
    save_settings(Settings(theme="rjfacil-high-contrast"))  # chosen before, as a user would
    app = RjfacilApp(home=demo_home)

    async def opened(pilot: Pilot[Any]) -> None:
        await _unlock(pilot, app)
        if key:
            await pilot.press(key)
            await _settle(pilot, lambda: not isinstance(app.screen, CaseListScreen))
        await _settle(pilot, lambda: True)

    assert snap_compare(app, terminal_size=size, run_before=opened)
