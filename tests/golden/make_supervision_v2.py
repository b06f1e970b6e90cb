"""Made once (profile format 2 with the ``supervision`` table, and a session's
``updated_at``/``updated_by``, added without a bump), never regenerated: a vault with one
case (SUP-1) and two supervision sessions, the later one edited after it was recorded.

Kept as a record of how it was made (run from the repository root on branch i13d).
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.store import kdf
from rjfacil.workspace import Vault

PASSPHRASE = "golden supervision passphrase"
home = Path("tests/golden/supervision-v2")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
case = vault.new_case("SUP-1")
vault.add_supervision_session(date(2026, 1, 12), "Lee Manager", [], "Read the new guidance.")
later = vault.add_supervision_session(date(2026, 3, 2), "Lee Manger", [], "Bring it back.")
vault.update_supervision_session(
    later.id, date(2026, 3, 2), "Lee Manager", [case.id], "Bring SUP-1 back in April."
)
vault.close()
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/supervision-v2-recovery.txt").write_text(recovery + "\n")
