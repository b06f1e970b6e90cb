"""The child for the deletion kill test: a case deleted and the vault closed, killed at one
step.

:func:`run` unlocks the vault and prints "ready"; then it counts every write step (each
os.write, os.fsync, os.replace, os.link and os.unlink) of deleting a case (the vault's
record of it, the case file and its backups, the manifest, the case list and its kept
versions) and of closing the vault, and SIGKILLs itself at step KILL_AT (0: never). A write
it is killed at is half done first, as a torn write. Prints "deleted" once the deletion
returned, and "done STEPS" at the end. Test code only: rjfacil has no kill switch.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from crash_harness import killed_at_step

from rjfacil.workspace import Vault


def run(home: Path, case_id: UUID, reference: str, passphrase_file: Path, kill_at: int) -> None:
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
    print("ready", flush=True)
    with killed_at_step(kill_at) as steps:
        vault.delete_case(case_id, reference)
        steps.say("deleted")
        vault.close()
    print(f"done {steps.count}", flush=True)
