"""Real processes killed mid-save: the vault's storage never loses a confirmed note.

The control runs the same harness against TinyDB's own JSONStorage and must see
it corrupt its file, which proves the harness can tell, with either kind of child.

The 80 kills run in chunks, each on its own file, so pytest-xdist can spread them
over the workers; every chunk makes all its kills. bench/crash_kills.py makes 1,000: the
suite's share of its two-minute budget holds 80 (the kills at every write step, in
test_crash_manifest.py, test_crash_rotation.py and test_crash_delete.py, are
deterministic). Each child is a real process forked from a server that has imported the
storage already (crash_harness.ForkedChild), so the time goes to saving and killing
rather than to starting Python.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import crash_harness
import pytest

from rjfacil.store import rjv

pytestmark = pytest.mark.slow

CHUNKS = 2
KILLS_PER_CHUNK = 40
KILLS = CHUNKS * KILLS_PER_CHUNK  # 80 real kills in all


@pytest.mark.parametrize("chunk", range(1, CHUNKS + 1), ids=lambda n: f"kills-{n}-of-{CHUNKS}")
def test_encrypted_storage_survives_every_kill(tmp_path: Path, chunk: int) -> None:
    key = secrets.token_bytes(32)
    workdir = tmp_path / "vault"
    report = crash_harness.run_kills(
        crash_harness.storage_child_forked(key, workdir),
        crash_harness.storage_checker(key),
        workdir,
        KILLS_PER_CHUNK,
    )
    assert report.failures == []
    assert report.survived == report.kills == KILLS_PER_CHUNK
    # Half the kills land among saves whatever the machine's speed (the harness waits for a
    # first confirmed save before every other kill); how many notes fit is not asserted.
    assert report.kills_after_saves >= KILLS_PER_CHUNK // 2
    notes = rjv.unseal_json(
        key,
        (workdir / crash_harness.STORAGE_FILE).read_bytes(),
        workdir,
        crash_harness.STORAGE_NAME,
    )["notes"]
    assert len(notes) >= report.notes_confirmed


@pytest.mark.parametrize("launch", ["command", "forked"])
def test_the_harness_catches_jsonstorage_corrupting_its_file(tmp_path: Path, launch: str) -> None:
    workdir = tmp_path / "control"
    child = (
        crash_harness.json_child_command
        if launch == "command"
        else crash_harness.json_child_forked(workdir)
    )
    report = crash_harness.run_kills(
        child,
        crash_harness.json_checker,
        workdir,
        200,
        prepare=crash_harness.json_preparer(),
        stop_after_failures=3,
    )
    assert report.failed >= 1, f"no corruption in {report.kills} kills"
    assert "does not open" in report.failures[0] or "missing" in report.failures[0]


def test_the_checker_sees_a_lost_note(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    check = crash_harness.storage_checker(key)
    assert check(tmp_path, set()) is None
    assert "missing" in (check(tmp_path, {"abc-1"}) or "")
    (tmp_path / crash_harness.STORAGE_FILE).write_bytes(b"RJV\x00\x01")
    assert "does not open" in (check(tmp_path, set()) or "")
