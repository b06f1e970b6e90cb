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

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from rjfacil.workspace import Vault

STEPS = ("write", "fsync", "replace", "link", "unlink")


def run(home: Path, case_id: UUID, passphrase_file: Path, kill_at: int) -> None:
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
    case = vault.open_case(case_id)
    print("ready", flush=True)
    count = 0

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            if count == kill_at:
                if name == "write":
                    fd, data = args[0], bytes(args[1])
                    real(fd, data[: len(data) // 2])  # torn: half of it reached the file
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        return step

    originals = {name: getattr(os, name) for name in STEPS}
    for name, real in originals.items():
        setattr(os, name, counted(name, real))
    try:
        for number in (1, 2):
            note = case.add_note(f"Visit {number}: what was agreed, and what comes next.")
            originals["write"](1, f"{note.id}\n".encode())
        vault.close()
    finally:
        for name, real in originals.items():
            setattr(os, name, real)
    print(f"done {count}", flush=True)
