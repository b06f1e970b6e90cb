"""Kill real processes at every write step of a case save and its manifest record.

A save writes the case file and then appends its record to the manifest's journal; two
files cannot change at once. After a kill at any step (a torn write included), the vault
opens with nothing reported (a save one step ahead of its record is finished, never taken
for tampering), verify passes, and every note whose save returned is there. The child
(crash_manifest_child.py) is a real process forked from a preloaded server and killed with
SIGKILL; random kills during saves are in test_crash_vault.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from uuid import UUID

import crash_harness
import crash_manifest_child
import pytest

from rjfacil.errors import RjfacilError
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.slow


def _run(home: Path, case_id: UUID, passphrase_file: Path, kill_at: int) -> list[str]:
    """Run the child to ``kill_at`` (0: to the end); the lines it printed."""
    return crash_harness.run_to_step(
        crash_harness.ForkedChild(
            crash_manifest_child.run, (home, case_id, passphrase_file, kill_at)
        ),
        kill_at,
    )


def _check(home: Path, case_id: UUID, confirmed: list[str]) -> str | None:
    try:
        with Vault.open(home).unlock(PASSPHRASE) as vault:
            fault = crash_harness.vault_fault(vault)
            if fault is not None:
                return fault
            present = {str(note.id) for note in vault.open_case(case_id).notes()}
    except RjfacilError as error:
        return f"the vault does not open: {error}"
    lost = set(confirmed) - present
    return f"{len(lost)} confirmed notes are missing" if lost else None


def test_a_kill_at_every_step_of_a_save_and_its_record_is_finished_not_reported(
    vault: Vault, passphrase_file: Path, tmp_path: Path
) -> None:
    case = vault.new_case("RJ-KILL")
    case.add_note("Before the saves under test.")
    vault.close()
    template = vault.home
    work = tmp_path / "work"
    shutil.copytree(template, work)
    lines = _run(work, case.id, passphrase_file, 0)
    assert lines[-1].startswith("done"), lines
    steps = int(lines[-1].split()[1])
    assert _check(work, case.id, lines[:-1]) is None
    # Two saves (file, backup, rename, sync; then the journal) and the close (index,
    # its record, the snapshot, the journal removed): every one of them is killed at.
    assert steps >= 30, steps
    failures = []
    for kill_at in range(1, steps + 1):
        shutil.rmtree(work)
        shutil.copytree(template, work)
        printed = _run(work, case.id, passphrase_file, kill_at)
        assert not any(line.startswith("done") for line in printed), kill_at
        problem = _check(work, case.id, [line for line in printed if len(line) == 36])
        if problem:
            failures.append(f"kill at step {kill_at}: {problem}")
    assert failures == []
