"""Made once (case format 3 with a ``decisions`` table, added without a format bump), never
regenerated: a vault whose one case (DEC-1) holds suitability and go/no-go decisions.

Kept as a record of how it was made (run from the repository root on branch i11c).
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.casedoc.model import DecisionOutcome, DecisionPoint
from rjfacil.store import kdf
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

PASSPHRASE = "golden decisions passphrase"
home = Path("tests/golden/decisions-v3")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
case = vault.new_case("DEC-1", case_supervisor="Lee Manager")
case.add_participant(Role.PERSON_HARMED, "Hana Gold")
case.answer("facts", "route", "hmpps")
manager = case.case.case_supervisor
assert manager is not None
case.record_decision(
    DecisionPoint.FIRST_CONTACT,
    DecisionOutcome.WAIT,
    vault.owner.id,
    date(2026, 3, 2),
    "Waiting for the offender manager's oversight.",
    oversight_by=manager,
    oversight_on=date(2026, 3, 2),
)
case.record_decision(
    DecisionPoint.FIRST_CONTACT,
    DecisionOutcome.GO,
    vault.owner.id,
    date(2026, 3, 4),
    "Oversight given; risk assessments read.",
    oversight_by=manager,
    oversight_on=date(2026, 3, 3),
)
vault.close()
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/decisions-v3-recovery.txt").write_text(recovery + "\n")
