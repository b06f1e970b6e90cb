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

import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

from rjfacil.workspace import Vault

STEPS = ("write", "fsync", "replace", "link", "unlink")


def run(home: Path, case_id: UUID, reference: str, passphrase_file: Path, kill_at: int) -> None:
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
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
        vault.delete_case(case_id, reference)
        originals["write"](1, b"deleted\n")
        vault.close()
    finally:
        for name, real in originals.items():
            setattr(os, name, real)
    print(f"done {count}", flush=True)
