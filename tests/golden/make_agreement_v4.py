"""Made once (case format 4 with ``agreements`` and ``money_handovers`` tables and new
fields on actions, added without a format bump), never regenerated: a vault whose one case
(AGR-1) holds an outcome agreement, an action completed with evidence and the person harmed
told, an open action with a supporter and a supervisor, and money handed over with a witness.

Kept as a record of how it was made (run from the repository root on branch i12b).
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.casedoc.model import Bindingness
from rjfacil.store import kdf
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

PASSPHRASE = "golden agreement passphrase"
home = Path("tests/golden/agreement-v4")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
case = vault.new_case("AGR-1", co_worker="Jo Coworker")
harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold")
responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory Gold")
case.record_agreement(
    terms="Rory repairs the garden fence and pays £40 towards the window.",
    agreed_by=[harmed.id, responsible.id],
    agreed_on=date(2026, 3, 2),
    binding=Bindingness.VOLUNTARY,
    completion_shown_by="Photos of the fence; the facilitator sees the payment handed over.",
    tell_person_harmed="A letter to her home address.",
)
fence = case.add_action(
    "Repair the garden fence",
    by_whom=responsible.id,
    supported_by=case.case.co_worker,
    supervised_by=vault.owner.id,
    due=date(2026, 3, 20),
)
case.complete_action(fence.id, "Photos of the repaired fence", date(2026, 3, 18))
case.record_person_harmed_told(fence.id, date(2026, 3, 19), "A letter, as she asked")
case.add_action("Write a letter of apology", by_whom=responsible.id, due=date(2026, 4, 1))
case.record_money_handover(
    4000,
    date(2026, 3, 10),
    witness="Pat Witness",
    from_whom=responsible.id,
    to_whom=harmed.id,
    note="Cash, receipt given",
)
vault.close()
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/agreement-v4-recovery.txt").write_text(recovery + "\n")
