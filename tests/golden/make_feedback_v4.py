"""Made once (case format 4 with a ``feedback`` table, added without a format bump), never
regenerated: a vault whose one case (FB-1) holds two participants' feedback at the end of
the case, one they agreed to share and one confidential.

Kept as a record of how it was made (run from the repository root on branch i12d).
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.casedoc.model import FeedbackHow
from rjfacil.store import kdf
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

PASSPHRASE = "golden feedback passphrase"
home = Path("tests/golden/feedback-v4")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
case = vault.new_case("FB-1")
harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold")
responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Ira Stone")
case.record_feedback(
    harmed.id,
    date(2026, 3, 2),
    FeedbackHow.PHONE,
    "Being heard mattered more than the apology.",
    may_share=True,
)
case.record_feedback(
    responsible.id, date(2026, 3, 4), FeedbackHow.FORM, "The waiting was the hardest part."
)
vault.close()
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/feedback-v4-recovery.txt").write_text(recovery + "\n")
