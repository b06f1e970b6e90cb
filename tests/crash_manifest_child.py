"""The child for the save + manifest kill test: two saves and a close, killed at one step.

:func:`run` unlocks the vault, opens a case and prints "ready"; then it counts every write
step (each os.write, os.fsync, os.replace, os.link and os.unlink) of two note saves (the
first starts the manifest's journal, the second appends to it) and of closing the vault
(the index, its record, the journal folded into a new snapshot), and SIGKILLs itself at
step KILL_AT (0: never). A write it is killed at is half done first, as a torn write.
Prints each note's id once its save returned, and "done STEPS" at the end. Test code
only: rjfacil has no kill switch.
"""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from crash_harness import killed_at_step

from rjfacil.workspace import Vault


def run(home: Path, case_id: UUID, passphrase_file: Path, kill_at: int) -> None:
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
    case = vault.open_case(case_id)
    print("ready", flush=True)
    with killed_at_step(kill_at) as steps:
        for number in (1, 2):
            note = case.add_note(f"Visit {number}: what was agreed, and what comes next.")
            steps.say(str(note.id))
        vault.close()
    print(f"done {steps.count}", flush=True)
