"""Real processes killed mid-save on a file system without hard links (FAT, exFAT).

There the previous version is copied into backups/ instead of linked (issue 9: every
save failed). A kill at any instant of that longer path still leaves a file that opens
with every confirmed note, and the next open removes the copy's leftovers.

Each child is a real process forked from a server that has imported the storage already
(crash_harness.ForkedChild), with link() failing in that child only; killed with SIGKILL.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import crash_harness
import pytest

from rjfacil.store import durable

pytestmark = pytest.mark.slow

KILLS = 40  # bench/crash_kills.py makes 1,000 kills of the linking path


def test_saves_without_hard_links_survive_every_kill(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    workdir = tmp_path / "vault"

    report = crash_harness.run_kills(
        crash_harness.storage_child_forked(key, workdir, hard_links=False),
        crash_harness.storage_checker(key),
        workdir,
        KILLS,
    )
    assert report.failures == []
    assert report.survived == report.kills == KILLS
    assert report.kills_after_saves >= KILLS // 2
    backups = durable.backups_of(workdir / crash_harness.STORAGE_FILE, workdir / "backups")
    assert backups, "the saves kept previous versions"
    assert all(backup.stat().st_nlink == 1 for backup in backups)
    # Leftovers of killed copies are only where the next open removes them, not in backups/.
    assert [p for p in (workdir / "backups").iterdir() if p.name.endswith(".tmp")] == []
