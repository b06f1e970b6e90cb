"""The child for the key-rotation kill tests: unlock, then change the passphrase.

    python crash_rotation_child.py HOME OLD_FILE NEW_FILE KILL_AT

Counts every write step of the rotation (each os.replace, os.unlink and os.fsync) and
SIGKILLs itself just before step KILL_AT (0: never). Prints "ready" once unlocked, and
"done STEPS" after the change returned. The tests run :func:`run` in processes forked from
a preloaded server (crash_harness.ForkedChild); the command line runs the same function in
a fresh Python. Test code only: rjfacil has no kill switch.
"""

from __future__ import annotations

import sys
from pathlib import Path

from crash_harness import killed_at_step

from rjfacil.workspace import Vault


def run(home: Path, old_file: Path, new_file: Path, kill_at: int) -> None:
    """Unlock with the old passphrase and change it, killed before write step ``kill_at``."""
    old, new = old_file.read_text().strip(), new_file.read_text().strip()
    vault = Vault.open(home).unlock(old)
    with killed_at_step(kill_at, ("replace", "unlink", "fsync")) as steps:
        print("ready", flush=True)
        vault.change_passphrase(old, new)
        done = steps.count
        vault.close()
    print(f"done {done}", flush=True)


def main() -> None:
    run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))


if __name__ == "__main__":
    main()
