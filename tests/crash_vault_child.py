"""The child for the vault-level crash test: unlock, open a case, add notes until killed.

    python crash_vault_child.py HOME CASE_ID PASSPHRASE_FILE

Prints "ready" once the case is open, then each note's id after add_note returned. The
test runs :func:`run` in processes forked from a preloaded server (crash_harness.ForkedChild);
the command line runs the same function in a fresh Python.
"""

from __future__ import annotations

import sys
from pathlib import Path
from uuid import UUID

from rjfacil.workspace import Vault


def run(home: Path, case_id: UUID, passphrase_file: Path) -> None:
    """Unlock, open the case, and add notes for ever, printing each one's id once saved."""
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
    case = vault.open_case(case_id)
    print("ready", flush=True)
    number = 0
    while True:
        number += 1
        note = case.add_note(f"Visit note {number}: talked through the next steps. " * 4)
        print(note.id, flush=True)


def main() -> None:
    run(Path(sys.argv[1]), UUID(sys.argv[2]), Path(sys.argv[3]))


if __name__ == "__main__":
    main()
