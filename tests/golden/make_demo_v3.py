"""Made once (case format 3, profile format 2), never regenerated: the demo vault as it
wrote it (kept as a record of how it was made)."""

import shutil
from pathlib import Path

from rjfacil.demo import fill_demo_vault
from rjfacil.store import kdf
from rjfacil.workspace import Vault

home = Path("tests/golden/demo-v3")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home,
    "golden demo passphrase",
    "Robin Ashdown (demo facilitator)",
    kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1),
)
fill_demo_vault(vault)
vault.close()
(home / "lock").unlink(missing_ok=True)
shutil.rmtree(home / "backups", ignore_errors=True)
Path("tests/golden/demo-v3-recovery.txt").write_text(recovery + "\n")
