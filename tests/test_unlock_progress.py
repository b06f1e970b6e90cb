"""A slow unlock shows a sign of life: at the caps (1 GiB, 10 passes) deriving the key takes
about ten seconds. Whether it will be slow is read from the vault's stored key settings,
never timed; the tests make a cheap vault and lower the threshold instead.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.store import kdf
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case_list import CaseListScreen
from screens.unlock import UnlockScreen
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.pilot_helpers import paste, screen_text, squashed

UNLOCKING = "Unlocking the vault…"


@pytest.fixture
def made(vault: Vault) -> Path:
    vault.close()
    return vault.home


def test_settings_at_the_caps_are_expected_to_be_slow_and_the_floor_is_not() -> None:
    assert kdf.expected_slow(kdf.CAPS)
    assert not kdf.expected_slow(kdf.MIN)
    assert not kdf.expected_slow(FAST_KDF)


def test_the_threshold_is_work_not_time(monkeypatch: pytest.MonkeyPatch) -> None:
    work = FAST_KDF.memory_kib * FAST_KDF.iterations
    monkeypatch.setattr(kdf, "SLOW_WORK_KIB", work)
    assert kdf.expected_slow(FAST_KDF)
    monkeypatch.setattr(kdf, "SLOW_WORK_KIB", work + 1)
    assert not kdf.expected_slow(FAST_KDF)


def _run(capsys: pytest.CaptureFixture[str], passphrase_file: Path, *argv: str):
    code = main(["--passphrase-file", str(passphrase_file), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_says_it_is_unlocking_before_a_slow_derivation(
    made: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kdf, "SLOW_WORK_KIB", 1)
    said_before: list[str] = []
    real_derive = kdf.derive

    def derive(secret: bytes, salt: bytes, params: kdf.KdfParams) -> bytes:
        said_before.append(capsys.readouterr().err)  # what stderr held when it began
        return real_derive(secret, salt, params)

    monkeypatch.setattr(kdf, "derive", derive)
    code = main(["--passphrase-file", str(passphrase_file), "cases"])
    out, err = capsys.readouterr()
    assert code == 0
    assert said_before[0].strip() == UNLOCKING
    assert UNLOCKING not in out
    assert UNLOCKING not in err  # said once, before the derivation, not again


def test_the_cli_is_quiet_for_an_ordinary_unlock(
    made: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, passphrase_file, "cases")
    assert code == 0
    assert UNLOCKING not in out + err
    assert err == ""


def test_the_recovery_slot_is_judged_by_its_own_settings(
    made: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    door = Vault.open(made)
    try:
        assert not door.unlock_is_slow() and not door.unlock_is_slow(recovery=True)
        monkeypatch.setattr(kdf, "SLOW_WORK_KIB", 1)
        assert door.unlock_is_slow() and door.unlock_is_slow(recovery=True)
    finally:
        door.release()


@pytest.mark.parametrize("slow", [True, False], ids=["slow", "ordinary"])
async def test_the_app_shows_unlocking_while_the_key_is_derived_off_the_ui_thread(
    made: Path, monkeypatch: pytest.MonkeyPatch, slow: bool
) -> None:
    if slow:
        monkeypatch.setattr(kdf, "SLOW_WORK_KIB", 1)
    started, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real_derive = kdf.derive

    def derive(secret: bytes, salt: bytes, params: kdf.KdfParams) -> bytes:
        threads.append(threading.current_thread())
        started.set()
        # Held until the test has looked at the screen; on the UI thread this would
        # freeze the app, and the test would fail on the thread check below.
        release.wait(timeout=10)
        return real_derive(secret, salt, params)

    monkeypatch.setattr(kdf, "derive", derive)
    app = RjfacilApp(home=made)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(500):
            if isinstance(app.screen, UnlockScreen) and app.vault is not None:
                break
            await pilot.pause(0.02)
        await paste(pilot, PASSPHRASE)
        await pilot.press("enter")
        for _ in range(500):
            if started.is_set():
                break
            await pilot.pause(0.02)
        await pilot.pause()
        text = squashed(screen_text(app))
        try:
            assert "Unlocking…" in text
            assert ("takes a few seconds" in text) is slow
            assert threads and threads[0] is not threading.main_thread()
            assert app.screen.query_one("#secret").disabled  # nothing to type meanwhile
        finally:
            release.set()
        for _ in range(500):
            if isinstance(app.screen, CaseListScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, CaseListScreen)
        await pilot.pause()
