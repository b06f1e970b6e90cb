"""Kill real processes while they save notes through the Vault: nothing confirmed is lost.

After every SIGKILL the vault opens, `verify` passes, and every note whose save had
returned is there. The storage-level test and its JSONStorage control are in test_crash.py.

The 80 kills run in chunks, each on its own vault, so pytest-xdist can spread them over
the workers; every chunk makes all its kills. bench/crash_kills.py makes 1,000. Each child
is a real process forked from a server that has imported the vault already
(crash_harness.ForkedChild).
"""

from __future__ import annotations

from pathlib import Path

import crash_harness
import pytest

from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.slow

CHUNKS = 2
KILLS_PER_CHUNK = 40
KILLS = CHUNKS * KILLS_PER_CHUNK  # 80 real kills in all


@pytest.mark.parametrize("chunk", range(1, CHUNKS + 1), ids=lambda n: f"kills-{n}-of-{CHUNKS}")
def test_the_vault_survives_kills_at_random_instants(
    vault: Vault, passphrase_file: Path, chunk: int
) -> None:
    case_id = str(vault.new_case("RJ-CRASH").id)
    vault.close()
    home = vault.home
    report = crash_harness.run_kills(
        crash_harness.vault_child_forked(home, case_id, passphrase_file),
        crash_harness.vault_checker(home, case_id, PASSPHRASE),
        home.parent / "unused-workdir",
        KILLS_PER_CHUNK,
        delay=(0.002, 0.060),
    )
    assert report.failures == []
    assert report.survived == report.kills == KILLS_PER_CHUNK
    # Half the kills land among saves whatever the machine's speed: the harness waits for
    # a first confirmed save before every other kill.
    assert report.kills_after_saves >= KILLS_PER_CHUNK // 2, report.kills_after_saves
    assert not list(home.rglob("*.tmp")), "orphaned temporary files are cleaned at open"


def test_the_vault_checker_sees_a_lost_note(vault: Vault) -> None:
    case_id = str(vault.new_case("RJ-CHECK").id)
    vault.close()
    check = crash_harness.vault_checker(vault.home, case_id, PASSPHRASE)
    assert check(vault.home, set()) is None
    assert "missing" in (check(vault.home, {"00000000-0000-0000-0000-000000000001"}) or "")
