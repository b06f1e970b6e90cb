"""Made once (case format 4 with audit entries that keep the changed fields' old and new
values, ``changes``, added without a format bump), never regenerated: a vault whose one
case (HIST-1) has a participant, an agreement action, a risk and the case itself edited,
each edit's entry keeping what changed from what to what.

Kept as a record of how it was made (run from the repository root on branch i13d).
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.store import kdf
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

PASSPHRASE = "golden history passphrase"
home = Path("tests/golden/history-v4")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
case = vault.new_case("HIST-1")
harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold", contact="0700 900 100")
case.update_participant(harmed.id, contact="0711 222 333", address_as="Hana")
action = case.add_action("Repair the fence", due=date(2026, 3, 3))
case.update_action(action.id, due=date(2026, 3, 10), by_whom=harmed.id)
risk = case.add_risk("Rory may call her at work")
case.update_risk(risk.id, rating="high")
case.update_case(referral_date=date(2026, 2, 2), summary="Damage to a garden fence.")
vault.close()
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/history-v4-recovery.txt").write_text(recovery + "\n")
