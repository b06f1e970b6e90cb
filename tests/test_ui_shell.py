"""Pilot tests of the app shell: create, unlock, case list, search, lock, settings.

Each test drives the real app at 80x24 and asserts on what the facilitator would see:
the text the active screen paints, not the widgets' internals.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from rjfacil.errors import WriteFailed, WrongPassphrase
from rjfacil.paths import config_dir, log_dir
from rjfacil.vault.door import CODE_UNSEEN_NAME
from rjfacil.views.summary import summarise
from rjfacil.workspace import LockedVault, Vault
from screens.app import RjfacilApp
from screens.case import CaseScreen
from screens.case_list import CaseListScreen, SearchScreen
from screens.dialogs import ConfirmModal, TextPromptModal
from screens.help import HelpScreen
from screens.lock import LockScreen
from screens.notes import NoteEditor
from screens.settings import SettingsScreen
from screens.unlock import (
    ChangePassphraseModal,
    CreateVaultScreen,
    RecoveryCodeScreen,
    UnlockScreen,
)
from tests.conftest import OWNER, case_with_old_reference
from tests.pilot_helpers import Notices, paste, screen_text, squashed
from tests.test_vault import files_containing

SIZE = (80, 24)
PASSPHRASE = "open up now"
INJECTIONS = [
    "[bold]Bold[/bold]",
    "[link=https://x.example]Link[/link]",
    "[@click=app.quit]Quit[/]",
    "\x1b[31mRed",
]


# -- helpers ----------------------------------------------------------------------------


def shown(app: RjfacilApp) -> str:
    """Everything the active screen paints, as text (what a user sees)."""
    return screen_text(app)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Pause until ``condition()`` holds (workers run in threads), or fail."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError(f"timed out; the screen shows:\n{shown(pilot.app)}")  # type: ignore[arg-type]
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()


async def unlock(pilot: Pilot[Any], passphrase: str = PASSPHRASE) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
    await paste(pilot, passphrase)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CaseListScreen))


@pytest.fixture
def home(isolated_home: Path) -> Path:
    return isolated_home


@pytest.fixture
def made(home: Path) -> dict[str, Any]:
    """A closed vault with three cases and a note; returns its recovery code and ids."""
    vault, code = Vault.create(home, PASSPHRASE, OWNER)
    ids = {}
    with vault:
        first = vault.new_case("RJ-2026-001")
        first.add_note("The kitchen window was broken at night.")
        ids["RJ-2026-001"] = first.id
        ids["RJ-2026-002"] = vault.new_case("RJ-2026-002").id
        ids["RJ-2026-003"] = vault.new_case("RJ-2026-003").id
    return {"code": code, "ids": ids}


def app_for(home: Path, **kwargs: Any) -> RjfacilApp:
    return RjfacilApp(home=home, **kwargs)


# -- dialogs ------------------------------------------------------------------------------


async def test_dialogs_dismiss_their_answer_and_show_text_literally(home: Path) -> None:
    app = app_for(home)
    answers: list[Any] = []
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CreateVaultScreen))
        app.push_screen(ConfirmModal("Close [bold]RJ-1[/bold]?"), callback=answers.append)
        await pilot.pause()
        assert "Close [bold]RJ-1[/bold]?" in shown(app)
        await pilot.press("y")
        await pilot.pause()
        app.push_screen(TextPromptModal("Reference", error="[@click=app.quit]x"), answers.append)
        await pilot.pause()
        assert "[@click=app.quit]x" in shown(app)
        await pilot.press("enter")  # empty: refused, says why
        await pilot.pause()
        assert "Type something first" in shown(app)
        await paste(pilot, "RJ-9")
        await pilot.press("enter")
        await pilot.pause()
        app.push_screen(TextPromptModal("Reference"), answers.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert answers == [True, "RJ-9", None]


# -- first run -----------------------------------------------------------------------------


async def test_create_vault_shows_the_recovery_code_once(home: Path) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CreateVaultScreen))
        assert "Welcome to rjfacil" in shown(app)
        await paste(pilot, "Sam [b]Okafor[/b]")
        await pilot.press("enter")
        await paste(pilot, "river stone")
        await pilot.pause()
        assert "11 characters, 2 words" in shown(app)
        await pilot.press("enter")
        await paste(pilot, "river stones")
        await pilot.press("enter")
        await pilot.pause()
        assert "The two passphrases differ" in shown(app)
        assert not Vault.exists(home)
        await paste(pilot, "river stone")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RecoveryCodeScreen))
        text = shown(app)
        code = re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", text)
        assert code, text
        assert "away from this" in text and "never again" in text
        # Until the code is put away, a vault left by a crash would say it was never shown.
        assert (home / CODE_UNSEEN_NAME).exists()
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert not (home / CODE_UNSEEN_NAME).exists()
        assert "No cases yet" in shown(app)
        assert code.group() not in shown(app)
        assert isinstance(app.vault, Vault)
        assert app.vault.owner.name == "Sam [b]Okafor[/b]"
    assert Vault.exists(home)
    with Vault.open(home).unlock_with_recovery(code.group()) as vault:
        assert vault.list_cases() == []


async def test_create_vault_refuses_a_short_passphrase(home: Path) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CreateVaultScreen))
        await paste(pilot, "Sam")
        await pilot.press("enter")
        await paste(pilot, "short")
        await pilot.pause()
        assert "5 characters so far; at least 8 are needed" in shown(app)
        await pilot.press("enter")
        await paste(pilot, "short")
        await pilot.press("enter")
        await pilot.pause()
        assert "needs at least 8 characters" in shown(app)
        assert isinstance(app.screen, CreateVaultScreen)
    assert not Vault.exists(home)


# -- unlocking -------------------------------------------------------------------------------


async def test_unlock_wrong_then_right(home: Path, made: dict[str, Any]) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert "rjfacil" in shown(app)
        await until(pilot, lambda: isinstance(app.vault, LockedVault))
        await paste(pilot, "not it")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrong passphrase" in shown(app))
        assert "2 more tries" in shown(app)
        assert isinstance(app.screen, UnlockScreen)
        assert not isinstance(app.vault, Vault)
        await unlock(pilot)
        text = shown(app)
        for reference in made["ids"]:
            assert reference in text
        assert "3 cases" in text
        assert isinstance(app.vault, Vault)


async def test_unlock_typed_before_the_vault_folder_is_open(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Real key presses: what is tested is typing into the prompt while the folder opens.
        await pilot.press(*PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))


async def test_three_wrong_passphrases_end_the_attempt(home: Path, made: dict) -> None:
    app = app_for(home)
    app.exit_pause = 0.5
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.vault, LockedVault))
        for attempt in range(2):
            await paste(pilot, f"wrong {attempt}")
            await pilot.press("enter")
            await until(pilot, lambda: not app.screen.query_one("#secret").disabled)
        assert "one more try" in shown(app)
        await paste(pilot, "wrong again")
        await pilot.press("enter")
        await until(pilot, lambda: "Three wrong attempts" in shown(app))
        await until(pilot, lambda: app.return_code == 1)
    assert app.return_code == 1


async def recovery_unlock(pilot: Pilot[Any], code: str) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert "Recovery code" in shown(app)
    await paste(pilot, code.lower())
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ChangePassphraseModal))
    assert "Set a new passphrase" in shown(app)


async def test_recovery_code_unlocks_and_the_new_passphrase_can_wait(
    home: Path, made: dict[str, Any]
) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await recovery_unlock(pilot, made["code"])
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await until(pilot, lambda: "unchanged" in shown(app))  # the toast wraps
    with Vault.open(home).unlock(PASSPHRASE):
        pass


async def test_recovery_code_unlock_sets_a_forgotten_passphrase(
    home: Path, made: dict[str, Any]
) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await recovery_unlock(pilot, made["code"])
        await paste(pilot, "a passphrase I will remember")
        await pilot.press("enter")
        await paste(pilot, "a passphrase I will not")
        await pilot.press("enter")
        await until(pilot, lambda: "differ" in shown(app))
        await paste(pilot, "a passphrase I will remember")
        await pilot.press("enter")
        # A new vault key: the old recovery code is dead, and the new one is shown once.
        await until(pilot, lambda: "Your recovery code" in shown(app))
        await pilot.press("c")
        await until(pilot, lambda: "New passphrase set" in shown(app))
        assert isinstance(app.screen, CaseListScreen)
    door = Vault.open(home)
    try:
        with pytest.raises(WrongPassphrase):
            door.unlock(PASSPHRASE)
        door.unlock("a passphrase I will remember").lock()
    finally:
        door.release()


async def test_setting_a_new_passphrase_after_a_recovery_unlock_shows_progress(
    home: Path, made: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen, may_go_on = threading.Event(), threading.Event()
    reset = Vault.reset_passphrase

    def watched_reset(vault: Vault, new: str, progress: Any = None) -> str:
        def paused(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:
                seen.set()
                may_go_on.wait(timeout=30)

        return reset(vault, new, paused)

    monkeypatch.setattr(Vault, "reset_passphrase", watched_reset)
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await recovery_unlock(pilot, made["code"])
        for _ in range(2):  # the new passphrase, and again to confirm it
            await paste(pilot, "a passphrase I will remember")
            await pilot.press("enter")
        await until(pilot, seen.is_set)
        await until(pilot, lambda: re.search(r"Re-encrypting files: 1 of \d+", shown(app)))
        may_go_on.set()
        await until(pilot, lambda: "Your recovery code" in shown(app))
        assert "Re-encrypting" not in shown(app)
        await pilot.press("c")
        await until(pilot, lambda: "New passphrase set" in shown(app))


async def test_an_unlock_that_finishes_an_interrupted_change_shows_progress(
    home: Path, made: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rjfacil.vault import rotation
    from tests.test_rotation import interrupted

    monkeypatch.setattr("tests.test_rotation.PASSPHRASE", PASSPHRASE)
    interrupted(home, monkeypatch)
    seen, may_go_on = threading.Event(), threading.Event()
    reencrypt = rotation.reencrypt

    def watched(home: Path, source: bytes, target: bytes, progress: Any = None) -> list[str]:
        def paused(done: int, total: int) -> None:
            progress(done, total)
            if done == 1:
                seen.set()
                may_go_on.wait(timeout=30)

        return reencrypt(home, source, target, paused)

    monkeypatch.setattr(rotation, "reencrypt", watched)
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await paste(pilot, "a brand new passphrase")
        await pilot.press("enter")
        await until(pilot, seen.is_set)
        await until(
            pilot,
            lambda: re.search(
                r"Finishing an interrupted passphrase change\. Re-encrypting files: 1 of \d+",
                squashed(shown(app)),
            ),
        )
        may_go_on.set()
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await until(pilot, lambda: "recovery-code" in shown(app))
        assert "was finished" in squashed(shown(app))


async def test_a_lock_while_the_new_passphrase_is_saved_keeps_everything_locked(
    home: Path, made: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock wins: the new-passphrase prompt never comes back over the lock screen.

    (It did, after a failed save: and the passphrase typed into it then crashed the app.)
    """
    saving, may_finish, finished = threading.Event(), threading.Event(), threading.Event()

    def slow_failing_reset(vault: Vault, new: str, progress: object = None) -> None:
        saving.set()
        try:
            may_finish.wait(timeout=30)
            raise WriteFailed(home / "vault.json", OSError(errno.ENOSPC, "No space left"))
        finally:
            finished.set()

    monkeypatch.setattr(Vault, "reset_passphrase", slow_failing_reset)
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await recovery_unlock(pilot, made["code"])
        for _ in range(2):  # the new passphrase, and again to confirm it
            await paste(pilot, "a passphrase I will remember")
            await pilot.press("enter")
        await until(pilot, saving.is_set)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        may_finish.set()
        await until(pilot, finished.is_set)
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert [type(screen) for screen in app.screen_stack] == [LockScreen]
        assert isinstance(app.vault, LockedVault)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        for _ in range(5):
            await pilot.pause()
        assert [type(screen) for screen in app.screen_stack] == [LockScreen, CaseListScreen]


async def test_a_vault_held_elsewhere_says_so(home: Path, made: dict) -> None:
    door = Vault.open(home)
    try:
        app = app_for(home)
        async with app.run_test(size=SIZE) as pilot:
            # The message names the folder, whose length varies: its words may wrap.
            await until(pilot, lambda: "open in another rjfacil" in squashed(shown(app)))
            assert app.screen.query_one("#secret").disabled
    finally:
        door.release()


async def test_demo_hint_is_shown(home: Path, made: dict) -> None:
    app = app_for(home, demo_passphrase="demo [b]only[/b]")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert "its passphrase is demo [b]only[/b]" in shown(app)


# -- the case list -----------------------------------------------------------------------------


async def test_a_case_id_as_a_new_reference_is_refused_with_the_reason(
    home: Path, made: dict
) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        before = [row.reference for row in app.vault.list_cases()]
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        await paste(pilot, "0c9b2a4e-1111-4222-8333-444455556666")
        await pilot.press("enter")
        await until(pilot, lambda: "cannot look like a case id" in shown(app))
        assert isinstance(app.screen, TextPromptModal)
        assert [row.reference for row in app.vault.list_cases()] == before


async def test_create_a_case_from_the_list(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        await paste(pilot, "RJ-2026-001")
        await pilot.press("enter")
        await until(pilot, lambda: "already exists" in shown(app))
        assert isinstance(app.screen, TextPromptModal)
        await pilot.press("ctrl+u")  # clear the field
        await paste(pilot, "RJ-2026-077")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "RJ-2026-077" in shown(app)
        assert "RJ-2026-077" in [row.reference for row in app.vault.list_cases()]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert "RJ-2026-077" in shown(app)
        assert "4 cases" in shown(app)


async def test_a_wide_list_shows_how_much_of_each_stage_is_answered(home: Path, made: dict) -> None:
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(made["ids"]["RJ-2026-002"])
        # The referral checklist is asked on the HMPPS route (facts.route, HMPPS 1.4).
        case.answer("facts", "route", "hmpps")
        case.answer("referral", case.catalogue.checklist("referral").items[0].id, "yes")
        total = summarise(case).stage_total
    app = app_for(home)
    async with app.run_test(size=(120, 30)) as pilot:
        await unlock(pilot)
        text = shown(app)
        assert "Answered" in text
        row = next(line for line in text.splitlines() if "RJ-2026-002" in line)
        assert f"2/{total}" in row  # the route and the first referral item
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        assert "Answered" not in shown(app)  # no room at 80 columns: the other columns stay
        assert "Next deadline" in shown(app)


async def test_filter_narrows_the_list(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("slash")
        await paste(pilot, "002")
        await pilot.pause()
        text = shown(app)
        assert "RJ-2026-002" in text
        assert "RJ-2026-001" not in text and "RJ-2026-003" not in text
        assert "1 of 3 cases" in text
        await paste(pilot, "x")
        await pilot.pause()
        assert "No case matches" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "RJ-2026-003" in shown(app)
        await pilot.press("slash")
        await paste(pilot, "referral")  # the stage of every new case
        await pilot.pause()
        assert "3 of 3 cases" in shown(app)


async def test_enter_opens_the_selected_case(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        table = app.screen.query_one("#cases")
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert str(app.screen.case_id) == key


async def test_search_finds_a_word_in_a_note(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await paste(pilot, "WINDOW")
        await pilot.press("enter")
        await until(pilot, lambda: "1 result in 3 cases" in shown(app))
        text = shown(app)
        assert "RJ-2026-001" in text and "kitchen window" in text
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.case_id == made["ids"]["RJ-2026-001"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press("slash")
        await paste(pilot, " nothing-like-this")
        await pilot.press("enter")
        await until(pilot, lambda: "Nothing found" in shown(app))


# -- locking -------------------------------------------------------------------------------------


async def test_lock_by_key_hides_everything_and_unlock_returns(home: Path, made: dict) -> None:
    app = app_for(home)
    case_id = made["ids"]["RJ-2026-002"]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        app.open_case(case_id)
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "RJ-2026-002" in shown(app)
        app.notify("Saved RJ-2026-002", markup=False)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        text = shown(app)
        assert "rjfacil — locked" in text
        assert "RJ-2026" not in text and OWNER not in text
        assert [type(s) for s in app.screen_stack] == [LockScreen]
        assert not isinstance(app.vault, Vault)
        assert isinstance(app.vault, LockedVault)
        await pilot.press("ctrl+l")  # nothing more to lock; nothing breaks
        await paste(pilot, "wrong")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrong passphrase" in shown(app))
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.case_id == case_id
        assert isinstance(app.screen_stack[-2], CaseListScreen)
        assert isinstance(app.vault, Vault)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert "RJ-2026-002" in shown(app)


async def test_lock_from_a_dialog_drops_it(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        await paste(pilot, "RJ-half-typed")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        assert "RJ-half-typed" not in shown(app)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert [type(s) for s in app.screen_stack] == [LockScreen, CaseListScreen]


async def test_lock_from_the_palette_settings_and_search(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for open_it in (("ctrl+p",), ("f2", "ctrl+o"), ("s",), ("f1",)):
            for key in open_it:
                await pilot.press(key)
                await pilot.pause(0.1)
            await pilot.press("ctrl+l")
            await pilot.pause()
            assert [type(s) for s in app.screen_stack] == [LockScreen]
            assert "RJ-2026" not in shown(app)
            await paste(pilot, PASSPHRASE)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.vault, Vault))
            await pilot.pause(0.1)


class FakeClocks:
    """The app's two clocks, moved by the test: no test waits for the idle time to pass."""

    def __init__(self) -> None:
        self.now_monotonic = 5_000.0
        self.now_wall = 1_773_000_000.0

    def monotonic(self) -> float:
        return self.now_monotonic

    def wall(self) -> float:
        return self.now_wall

    def advance(self, seconds: float, *, asleep: bool = False) -> None:
        """Let time pass; asleep (the lid closed), the monotonic clock may stand still."""
        self.now_wall += seconds
        if not asleep:
            self.now_monotonic += seconds


@pytest.fixture
def clocks() -> FakeClocks:
    return FakeClocks()


def app_with_clocks(home: Path, clocks: FakeClocks) -> RjfacilApp:
    return app_for(home, monotonic=clocks.monotonic, wall_clock=clocks.wall)


async def test_idle_time_locks(home: Path, made: dict, clocks: FakeClocks) -> None:
    app = app_with_clocks(home, clocks)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.idle_lock_seconds = 300
        await pilot.press("down")
        clocks.advance(299)
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        clocks.advance(1)
        app.lock_if_idle()
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert "RJ-2026" not in shown(app)
        assert isinstance(app.vault, LockedVault)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))


async def test_the_idle_timer_does_the_checking(home: Path, made: dict, clocks: FakeClocks) -> None:
    app = app_with_clocks(home, clocks)
    app.IDLE_CHECK_SECONDS = 0.01  # type: ignore[misc]
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.idle_lock_seconds = 300
        clocks.advance(300)
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert isinstance(app.vault, LockedVault)


async def test_time_asleep_counts_as_idle(home: Path, made: dict, clocks: FakeClocks) -> None:
    app = app_with_clocks(home, clocks)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.idle_lock_seconds = 300
        clocks.advance(3_600, asleep=True)  # the lid was closed for an hour
        app.lock_if_idle()
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert isinstance(app.vault, LockedVault)


async def test_keys_keep_the_vault_unlocked(home: Path, made: dict, clocks: FakeClocks) -> None:
    app = app_with_clocks(home, clocks)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.idle_lock_seconds = 300
        for _ in range(9):  # 30 minutes in all, never 5 without a key
            clocks.advance(200)
            await pilot.press("down")
            clocks.advance(99)
            app.lock_if_idle()
            await pilot.pause()
        assert isinstance(app.screen, CaseListScreen)
        assert isinstance(app.vault, Vault)


async def test_sighup_locks(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        # Sent only once the app handles it: by default SIGHUP would end the test run.
        assert signal.getsignal(signal.SIGHUP) is not signal.SIG_DFL
        os.kill(os.getpid(), signal.SIGHUP)
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        assert isinstance(app.vault, LockedVault)


# -- help, palette, settings, themes ----------------------------------------------------------


async def test_help_lists_the_keys(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = shown(app)
        for words in ("On this screen", "New case", "Filter", "Search", "Everywhere", "Lock"):
            assert words in text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = shown(app)
        assert "Recovery code" in text and "Lock" not in text and "New case" not in text


async def test_palette_opens_a_case_by_reference(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await paste(pilot, "case 003")
        await until(pilot, lambda: "Open case RJ-2026-003" in shown(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert app.screen.case_id == made["ids"]["RJ-2026-003"]


async def test_theme_change_persists(home: Path, made: dict) -> None:
    app = app_for(home)
    assert app.theme == "rjfacil-dark"
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("down", "enter")  # the second theme: light
        await pilot.pause()
        assert app.theme == "rjfacil-light"
        assert "Saved" in shown(app)
        idle = app.screen.query_one("#idle")
        idle.focus()
        await pilot.press("backspace", "1", "5")
        await pilot.pause()
        assert app.idle_lock_seconds == 15 * 60
    again = app_for(home)
    assert again.theme == "rjfacil-light"
    assert again.idle_lock_seconds == 15 * 60


async def test_palette_switches_theme(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await paste(pilot, "high contrast")
        await until(pilot, lambda: "Theme: High contrast" in shown(app))
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "rjfacil-high-contrast"
    assert app_for(home).theme == "rjfacil-high-contrast"


async def test_change_passphrase_in_settings(home: Path, made: dict) -> None:
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        await pilot.press("ctrl+o")
        await until(pilot, lambda: app.screen.query("#old"))
        await paste(pilot, "not it")
        await pilot.press("enter")
        await paste(pilot, "new one now")
        await pilot.press("enter")
        await paste(pilot, "new one now")
        await pilot.press("enter")
        await until(pilot, lambda: "Wrong passphrase" in shown(app))  # asked again, with why
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await paste(pilot, "new one now")
        await pilot.press("enter")
        await paste(pilot, "new one now")
        await pilot.press("enter")
        await until(pilot, lambda: "Your recovery code" in shown(app))
        await pilot.press("c")
        await until(pilot, lambda: "Passphrase changed" in shown(app))
    with Vault.open(home).unlock("new one now") as vault:
        assert len(vault.list_cases()) == 3


# -- user text is data -------------------------------------------------------------------------


@pytest.fixture
def injected(home: Path) -> Path:
    vault, _code = Vault.create(home, PASSPHRASE, OWNER)
    with vault:
        for reference in INJECTIONS:
            case_with_old_reference(vault, reference)
    return home


async def test_markup_in_references_is_shown_literally(injected: Path) -> None:
    app = app_for(injected)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await unlock(pilot)
        text = shown(app)
        assert "[bold]Bold[/bold]" in text
        assert "[link=https://x.example]Link[/link]" in text
        assert "[@click=app.quit]Quit[/]" in text
        assert "␛[31mRed" in text and "\x1b" not in text
        # Clicking the [@click=...] reference runs nothing.
        # Clicking the [@click=...] reference runs nothing (the click opens the case).
        rows = app.screen.query_one("#cases").row_count
        for row in range(rows):
            await pilot.click("#cases", offset=(3, 1 + row))
            await pilot.pause()
            while not isinstance(app.screen, CaseListScreen):
                await pilot.press("escape")
                await pilot.pause()
        assert app.is_running and app.return_code is None
        # The filter, the palette and the notifications show it literally too.
        await pilot.press("slash")
        await paste(pilot, "[@click")
        await pilot.pause()
        assert "[@click=app.quit]Quit[/]" in shown(app)
        assert "[bold]Bold" not in shown(app)
        await pilot.press("escape")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        await paste(pilot, "[bold]Bold[/bold]")
        await pilot.press("enter")
        await until(pilot, lambda: "already exists" in shown(app))
        assert "A case with reference [bold]Bold[/bold] already exists." in shown(app)
        await pilot.press("ctrl+u")
        await paste(pilot, "[@click=app.quit]New[/]")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "Case [@click=app.quit]New[/] created." in shown(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await paste(pilot, "link")
        await until(pilot, lambda: "Open case [link=https://x.example]Link[/link]" in shown(app))
        assert app.is_running and app.return_code is None


async def test_error_messages_with_markup_are_literal(home: Path, made: dict) -> None:
    weird = home.parent / "[bold]held[/bold]"
    vault, _code = Vault.create(weird, PASSPHRASE, OWNER)
    vault.close()
    door = Vault.open(weird)
    try:
        app = app_for(weird)
        async with app.run_test(size=(120, 30)) as pilot:
            # The message names the folder, whose length varies: its words may wrap.
            await until(pilot, lambda: "open in another rjfacil" in squashed(shown(app)))
            assert "[bold]held[/bold]" in shown(app)
    finally:
        door.release()


async def test_no_plaintext_from_a_session_in_the_app(home: Path, made: dict) -> None:
    """Words typed into notes (saved, and a draft kept at lock) never reach a file in clear."""
    words = ["zanzibarquokka", "velvetcrankshaft"]
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        app.open_case(made["ids"]["RJ-2026-002"])
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("5", "a")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        await paste(pilot, words[0])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        await paste(pilot, words[1])
        await pilot.press("ctrl+l")  # the unsaved text is kept as a private draft note
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        texts = vault.open_case(made["ids"]["RJ-2026-002"]).note_texts().values()
        assert all(any(word in text for text in texts) for word in words)
    leaks = files_containing(home, words)
    leaks += files_containing(config_dir(), words) + files_containing(log_dir(), words)
    for path in set(Path(tempfile.gettempdir()).iterdir()) - temp_before:
        leaks += files_containing(path, words)
    assert leaks == []


async def test_a_draft_that_could_not_be_kept_at_a_lock_is_named_after_unlocking(
    home: Path, made: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk is full when the lock saves an unsaved note: the lock still happens, and
    the facilitator is told after unlocking that the text was not kept, and why."""
    notices = Notices()
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices) as pilot:
        await unlock(pilot)
        app.open_case(made["ids"]["RJ-2026-002"])
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("5", "a")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        await paste(pilot, "a sentence the disk had no room for")

        def full_disk(*args: object, **kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full_disk)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LockScreen))
        monkeypatch.undo()
        assert not any("could not be kept" in message for message in notices.messages)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await until(pilot, lambda: any("could not be kept" in m for m in notices.messages))
        [told] = [m for m in notices.messages if "could not be kept" in m]
        assert told.startswith("Unsaved text could not be kept:") and "disk is full" in told
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        texts = vault.open_case(made["ids"]["RJ-2026-002"]).note_texts().values()
        assert not any("the disk had no room" in text for text in texts)


async def test_a_damaged_vault_json_is_named_and_nothing_is_asked(home: Path, made: dict) -> None:
    header = home / "vault.json"
    header.write_text(header.read_text()[:-40])  # truncated: no longer valid JSON
    before = header.read_bytes()
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "vault.json" in shown(app))
        assert app.screen.query_one("#secret").disabled
        assert isinstance(app.screen, UnlockScreen)
    assert header.read_bytes() == before, "nothing is written over it"


async def test_a_damaged_case_offers_its_newest_good_backup(home: Path, made: dict) -> None:
    case_id = made["ids"]["RJ-2026-001"]
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        vault.open_case(case_id).add_note("Written just before the file was damaged.")
    case_file = home / "cases" / f"{case_id}.rjv"
    damaged = case_file.read_bytes()[:-5]
    case_file.write_bytes(damaged)
    app = app_for(home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        assert "Unreadable file" in shown(app)  # listed under its reference, marked
        app.open_case(case_id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "is damaged" in shown(app) and "newest good backup" in shown(app)
        await pilot.press("n")  # not now: nothing changes
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        assert case_file.read_bytes() == damaged
        app.open_case(case_id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "RJ-2026-001" in shown(app)
        await until(pilot, lambda: "Restored" in shown(app))
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        assert vault.verify().faults == []
        texts = vault.open_case(case_id).note_texts().values()
        assert list(texts) == ["The kitchen window was broken at night."]
