"""Kill a real process at every write step of deleting a case (and closing the vault).

Deleting a case writes the vault's record of the deletion (the commit point), removes the
case file and its backups, drops it from the manifest, rewrites the case list and removes
the list's kept versions. After a kill at any step (a torn write included) the vault opens
with nothing reported and verify passes, with the case either as it was or deleted (no
byte of it left); once the deletion returned, deleted. The child (crash_delete_child.py) is
a real process forked from a preloaded server and killed with SIGKILL.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from uuid import UUID

import crash_delete_child
import crash_harness
import pytest

from rjfacil.errors import RjfacilError
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE
from tests.test_delete_case import _plaintexts

pytestmark = pytest.mark.slow

REFERENCE = "RJ-KILL-DEL"
SECRET = "Zqdeletedcasesecret"


def _run(home: Path, case_id: UUID, passphrase_file: Path, kill_at: int) -> list[str]:
    """Run the child to ``kill_at`` (0: to the end); the lines it printed."""
    return crash_harness.run_to_step(
        crash_harness.ForkedChild(
            crash_delete_child.run, (home, case_id, REFERENCE, passphrase_file, kill_at)
        ),
        kill_at,
    )


def _check(home: Path, case_id: UUID, deleted: bool) -> str | None:
    try:
        with Vault.open(home).unlock(PASSPHRASE) as vault:
            fault = crash_harness.vault_fault(vault)
            if fault is not None:
                return fault
            references = {row.reference for row in vault.list_cases()}
            if "RJ-KEPT" not in references:
                return "the other case is gone"
            if REFERENCE in references:
                if deleted:
                    return "the deletion returned, but the case is still there"
                texts = vault.open_case(case_id).note_texts().values()
                if not any(SECRET in text for text in texts):
                    return "the case is there without its notes"
                return None
            left = [t for t in _plaintexts(home, vault.key) if SECRET.encode() in t]
            if left:
                return f"the case is deleted but {len(left)} files still hold it"
    except RjfacilError as error:
        return f"the vault does not open: {error}"
    return None


def test_a_kill_at_every_step_of_a_deletion_leaves_the_case_there_or_gone(
    vault: Vault, passphrase_file: Path, tmp_path: Path
) -> None:
    case = vault.new_case(REFERENCE)
    for number in range(3):  # the file and kept versions of it
        case.add_note(f"{SECRET} visit {number}")
    vault.new_case("RJ-KEPT").add_note("Another case, kept.")
    vault.close()
    template = vault.home
    work = tmp_path / "work"
    shutil.copytree(template, work)
    lines = _run(work, case.id, passphrase_file, 0)
    assert lines[-2:-1] == ["deleted"] and lines[-1].startswith("done"), lines
    steps = int(lines[-1].split()[1])
    assert _check(work, case.id, deleted=True) is None
    assert steps >= 15, steps
    failures = []
    for kill_at in range(1, steps + 1):
        shutil.rmtree(work)
        shutil.copytree(template, work)
        printed = _run(work, case.id, passphrase_file, kill_at)
        assert not any(line.startswith("done") for line in printed), kill_at
        problem = _check(work, case.id, deleted="deleted" in printed)
        if problem:
            failures.append(f"kill at step {kill_at}: {problem}")
    assert failures == []
