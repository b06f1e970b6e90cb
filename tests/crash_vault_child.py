"""The child for the vault-level crash test: unlock, open a case, add notes until killed.

    python crash_vault_child.py HOME CASE_ID PASSPHRASE_FILE

Prints "ready" once the case is open, then each note's id after add_note returned.
"""

from __future__ import annotations

import sys
from pathlib import Path
from uuid import UUID

from rjfacil.workspace import Vault


def main() -> None:
    home, case_id, passphrase_file = Path(sys.argv[1]), UUID(sys.argv[2]), Path(sys.argv[3])
    vault = Vault.open(home).unlock(passphrase_file.read_text().strip())
    case = vault.open_case(case_id)
    print("ready", flush=True)
    number = 0
    while True:
        number += 1
        note = case.add_note(f"Visit note {number}: talked through the next steps. " * 4)
        print(note.id, flush=True)


if __name__ == "__main__":
    main()
