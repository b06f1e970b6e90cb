"""Pilot tests: the app says what the manifest check found, and opening the case repairs it.

A deleted case file: the unlock notifies it by the case's reference, the case stays in the
list, and opening it offers its newest good backup. An older copy with no newer backup:
opening it offers to keep it as it is.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.case_list import CaseListScreen
from screens.dialogs import ConfirmModal
from tests.conftest import OWNER
from tests.pilot_helpers import squashed
from tests.test_ui_shell import PASSPHRASE, SIZE, app_for, shown, unlock, until


def _made(home: Path) -> dict[str, Any]:
    vault, _code = Vault.create(home, PASSPHRASE, OWNER)
    with vault:
        case = vault.new_case("RJ-2026-001")
        case.add_note("The kitchen window was broken at night.")
        case.add_note("Written just before the file went missing.")
        vault.new_case("RJ-2026-002")
    return {"id": case.id, "path": case.path}


async def test_a_deleted_case_file_is_named_at_unlock_and_restored_from_the_case_list(
    isolated_home: Path,
) -> None:
    made = _made(isolated_home)
    made["path"].unlink()
    app = app_for(isolated_home)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await unlock(pilot)
        await until(pilot, lambda: "missing" in shown(app))
        toast = squashed(shown(app).replace("▌", ""))
        assert "Case RJ-2026-001: its file is missing" in toast
        assert "A good backup exists; open the case to put it back." in toast
        app.open_case(made["id"])
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "missing" in shown(app) and "newest good backup" in shown(app)
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "RJ-2026-001" in shown(app)
        await until(pilot, lambda: "Restored" in shown(app))
    assert made["path"].exists()
    with Vault.open(isolated_home).unlock(PASSPHRASE) as vault:
        assert vault.verify().ok
        texts = list(vault.open_case(made["id"]).note_texts().values())
        assert texts == ["The kitchen window was broken at night."]


async def test_an_older_copy_without_a_newer_backup_can_be_kept(
    isolated_home: Path, tmp_path: Path
) -> None:
    vault, _code = Vault.create(isolated_home, PASSPHRASE, OWNER)
    with vault:
        case = vault.new_case("RJ-2026-001")
        old = tmp_path / "old.rjv"
        shutil.copyfile(case.path, old)
        case.add_note("A note the old copy does not have.")
    shutil.copyfile(old, case.path)
    for kept in (isolated_home / "backups").glob(f"{case.path.name}.*"):
        kept.unlink()
    app = app_for(isolated_home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        app.open_case(case.id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "older copy" in shown(app) and "Keep the file as it is?" in shown(app)
        await pilot.press("n")  # not now: the file stays as it is, still reported
        await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
        app.open_case(case.id)
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await until(pilot, lambda: "Kept as it is" in shown(app))
    with Vault.open(isolated_home).unlock(PASSPHRASE) as again:
        assert again.integrity_lines() == []
        assert again.verify().ok
