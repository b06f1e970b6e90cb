"""The app on a platform without SIGHUP (Windows): it starts, unlocks and quits cleanly.

Windows' signal module has no SIGHUP, and its asyncio loop (Proactor) has no signal
handlers at all; either way the app must run, only without the hang-up lock.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case_list import CaseListScreen
from tests.conftest import OWNER
from tests.test_ui_shell import PASSPHRASE, SIZE, unlock


def _no_signal_handlers(*_args: object, **_kwargs: object) -> None:
    raise NotImplementedError  # as asyncio's ProactorEventLoop on Windows


@pytest.mark.parametrize("windows", ["no SIGHUP", "no signal handlers"])
async def test_the_app_runs_without_sighup(
    windows: str, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, _code = Vault.create(isolated_home, PASSPHRASE, OWNER)
    vault.close()
    if windows == "no SIGHUP":
        monkeypatch.delattr(signal, "SIGHUP")
    else:
        loop_type = type(asyncio.get_running_loop())
        monkeypatch.setattr(loop_type, "add_signal_handler", _no_signal_handlers)
    app = RjfacilApp(home=isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert not app._sighup
    # Unmounting let go of the vault: another process could open it now.
    Vault.open(isolated_home).release()
