"""Kill real processes while they save notes through the Vault: nothing confirmed is lost.

After every SIGKILL the vault opens, `verify` passes, and every note whose save had
returned is there. The storage-level test and its JSONStorage control are in test_crash.py.
"""

from __future__ import annotations

from pathlib import Path

import crash_harness
import pytest

from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.slow

KILLS = 200


def test_the_vault_survives_kills_at_random_instants(vault: Vault, passphrase_file: Path) -> None:
    case_id = str(vault.new_case("RJ-CRASH").id)
    vault.close()
    home = vault.home
    report = crash_harness.run_kills(
        crash_harness.vault_child_command(home, case_id, passphrase_file),
        crash_harness.vault_checker(home, case_id, PASSPHRASE),
        home.parent / "unused-workdir",
        KILLS,
        delay=(0.002, 0.060),
    )
    assert report.failures == []
    assert report.survived == KILLS
    # Many kills landed while notes were being saved, not while the child was unlocking
    # (how many depends on the machine's speed; a third leaves a wide margin).
    assert report.kills_after_saves >= KILLS // 3, report.kills_after_saves
    assert not list(home.rglob("*.tmp")), "orphaned temporary files are cleaned at open"


def test_the_vault_checker_sees_a_lost_note(vault: Vault) -> None:
    case_id = str(vault.new_case("RJ-CHECK").id)
    vault.close()
    check = crash_harness.vault_checker(vault.home, case_id, PASSPHRASE)
    assert check(vault.home, set()) is None
    assert "missing" in (check(vault.home, {"00000000-0000-0000-0000-000000000001"}) or "")
