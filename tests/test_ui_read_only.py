"""The app on a read-only vault: a banner says so on every screen that shows the vault, and
every way into a change is refused at once with the same words, before anything is typed;
nothing in the folder changes."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen

from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case import TABS, CaseScreen
from screens.case_list import CaseListScreen
from screens.readonly import READ_ONLY
from screens.unlock import UnlockScreen
from screens.walker import ChecklistWalker
from tests.conftest import OWNER, PASSPHRASE
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    Notices,
    paste,
    running,
    screen_text,
    settle,
    squashed,
)
from tests.readonly_helpers import REASONS, ReadOnlyFolder, snapshot


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    home = tmp_path / "stick" / "rjfacil"
    vault, _code = Vault.create(home, PASSPHRASE, OWNER)
    with vault:
        case = vault.new_case("RJ-2026-014")
        case.add_participant(Role.PERSON_HARMED, "Ann Ode")
        case.add_note("Ann would like to meet in the spring.")
        case.add_risk("Contact outside the process")
        case.add_action("Write a letter of apology")
    return home


@pytest.fixture(params=[errno.EROFS, errno.EACCES], ids=["media", "folder"])
def frozen(
    request: pytest.FixtureRequest, stick: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[int]:
    before = snapshot(stick)
    ReadOnlyFolder(stick, request.param).install(monkeypatch)
    yield int(request.param)
    assert snapshot(stick) == before


async def until(pilot: Pilot[Any], condition: Any, timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, screen_text(pilot.app)
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()


async def test_the_case_list_shows_the_banner_and_refuses_a_new_case(
    stick: Path, frozen: int
) -> None:
    notices = Notices()
    app = RjfacilApp(home=stick)
    async with running(app, size=SIZE, message_hook=notices) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        text = squashed(screen_text(app))
        assert f"{READ_ONLY} ({REASONS[frozen]})" in text
        assert "RJ-2026-014" in text
        for key in ("n", "i"):  # a new case; import a co-worker's file
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, CaseListScreen), key
            assert notices.messages and notices.messages[-1].startswith(READ_ONLY)
            notices.messages.clear()
        await pilot.press("enter")  # reading a case works
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert f"{READ_ONLY} ({REASONS[frozen]})" in squashed(screen_text(app))
        await pilot.press("f2")  # settings: the passphrase cannot be changed here
        await pilot.pause()
        await pilot.pause()
        await app.screen.run_action("change_passphrase")
        await pilot.pause()
        assert not isinstance(app.screen, ModalScreen)
        assert notices.messages and notices.messages[-1].startswith(READ_ONLY)


# Each tab's keys that would open a form or change something (the tab's number, keys).
EDIT_KEYS = [
    (1, ["o", "e", "g", "d"]),  # overview: override a flag, details, the stage, a decision
    (2, ["a", "e", "c", "w", "delete"]),  # participants
    (4, ["a", "e", "r"]),  # risks
    (5, ["a", "e"]),  # notes
    (6, ["e"]),  # co-working
    (7, ["e"]),  # meeting
    (8, ["a", "e", "t"]),  # agreement actions
]


async def focus_reaches(pilot: Pilot[Any], pane_id: str) -> None:
    """Wait until the focus is in the tab just chosen (it moves there after a refresh,
    which a busy machine can delay past a settle): its keys act only from there."""
    for _ in range(200):
        focused = pilot.app.focused
        if focused is not None and any(node.id == pane_id for node in focused.ancestors_with_self):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"the focus did not reach {pane_id}: it is on {pilot.app.focused}")


async def test_every_way_into_a_change_is_refused_before_a_form_opens(
    stick: Path, frozen: int
) -> None:
    vault = Vault.open(stick).unlock(PASSPHRASE)
    case_id = vault.find_case("RJ-2026-014")
    notices = Notices()
    app = CaseHost(vault, lambda: CaseScreen(case_id))
    try:
        async with running(app, size=SIZE, message_hook=notices) as pilot:
            await settle(pilot)
            assert f"{READ_ONLY} ({REASONS[frozen]})" in squashed(screen_text(app))
            for tab, keys in EDIT_KEYS:
                await pilot.press(str(tab))
                await settle(pilot)
                await focus_reaches(pilot, f"pane-{TABS[tab - 1][0]}")
                for key in keys:
                    notices.messages.clear()
                    await pilot.press(key)
                    await settle(pilot)
                    assert isinstance(app.screen, CaseScreen), (tab, key, app.screen)
                    assert [m for m in notices.messages if m.startswith(READ_ONLY)], (tab, key)
            # Letters: the second table of the agreement tab.
            await pilot.press("tab")
            for key in ("a", "e", "v", "r", "w", "y", "o"):
                notices.messages.clear()
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, CaseScreen), key
                assert [m for m in notices.messages if m.startswith(READ_ONLY)], key
    finally:
        vault.close()


async def test_the_walker_shows_the_answers_and_saves_none(stick: Path, frozen: int) -> None:
    vault = Vault.open(stick).unlock(PASSPHRASE)
    case_id = vault.find_case("RJ-2026-014")
    notices = Notices()
    app = CaseHost(vault, lambda: ChecklistWalker(case_id, "risk"))
    try:
        async with running(app, size=SIZE, message_hook=notices) as pilot:
            await settle(pilot)
            assert f"{READ_ONLY} ({REASONS[frozen]})" in squashed(screen_text(app))
            for key in ("y", "n", "u", "space", "1", "enter"):
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, ChecklistWalker), key
            assert "Saved" not in screen_text(app)
            assert notices.messages and all(m.startswith(READ_ONLY) for m in notices.messages)
            assert app.screen.query_one("#walk-input").disabled
    finally:
        vault.close()
    with Vault.open(stick).unlock(PASSPHRASE) as again:
        assert again.open_case(case_id).answers() == {}
