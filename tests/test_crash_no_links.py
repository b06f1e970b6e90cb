"""Real processes killed mid-save on a file system without hard links (FAT, exFAT).

There the previous version is copied into backups/ instead of linked (issue 9: every
save failed). A kill at any instant of that longer path still leaves a file that opens
with every confirmed note, and the next open removes the copy's leftovers.
"""

from __future__ import annotations

import secrets
import sys
import textwrap
from pathlib import Path

import crash_harness
import pytest

from rjfacil.store import durable

pytestmark = pytest.mark.slow

KILLS = 100

# The storage child of the crash harness, with link() failing as on a FAT stick.
NO_LINKS_CHILD = textwrap.dedent(
    """
    import errno, os, sys

    def no_hard_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    os.link = no_hard_links
    sys.path.insert(0, os.path.dirname(sys.argv[1]))
    import crash_harness
    crash_harness.main(sys.argv[2:])
    """
)


def test_saves_without_hard_links_survive_every_kill(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    workdir = tmp_path / "vault"

    def command(folder: Path) -> list[str]:
        harness = crash_harness.__file__
        return [sys.executable, "-c", NO_LINKS_CHILD, harness, "storage", str(folder), key.hex()]

    report = crash_harness.run_kills(command, crash_harness.storage_checker(key), workdir, KILLS)
    assert report.failures == []
    assert report.survived == report.kills == KILLS
    assert report.kills_after_saves >= KILLS // 2
    backups = durable.backups_of(workdir / crash_harness.STORAGE_FILE, workdir / "backups")
    assert backups, "the saves kept previous versions"
    assert all(backup.stat().st_nlink == 1 for backup in backups)
    # Leftovers of killed copies are only where the next open removes them, not in backups/.
    assert [p for p in (workdir / "backups").iterdir() if p.name.endswith(".tmp")] == []
