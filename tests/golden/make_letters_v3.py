"""Made once (case format 3) at commit 427139d, before letters were vetted per version,
never regenerated: a case whose letters were vetted once for the whole case.

Run from the repository root: .venv/bin/python tests/golden/make_letters_v3.py
"""

import shutil
from datetime import date
from pathlib import Path

from rjfacil.casedoc.model import LetterStatus
from rjfacil.store import kdf
from rjfacil.vocab import ProcessType, Role, Stage
from rjfacil.workspace import Vault

home = Path("tests/golden/letters-v3")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home,
    "golden letters passphrase",
    "Golden Facilitator",
    kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1),
)
case = vault.new_case("LET-1", referral_date=date(2026, 10, 5))
harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold", address_as="Hana")
responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory Gold")
case.update_case(stage=Stage.COMMUNICATION, process=ProcessType.LETTER)
# Letter 1: vetted (case-scope answers), approved, then revised: it stayed approved.
approved = case.add_letter(responsible.id, "Dear Hana, I am sorry.", to_participant=harmed.id)
case.answer("letters", "letter_own_views", "yes")
case.answer("letters", "letter_honest_respectful", "yes")
case.answer("letters", "letter_hidden_messages", "no")
case.answer("letters", "letter_checked", "yes")
case.answer("letters", "letter_recipient_agreed", "yes")
case.set_letter_status(approved.id, LetterStatus.APPROVED, "Read with my supervisor.")
case.revise_letter(approved.id, "Dear Hana, I am sorry. I know where you live now.")
# Letter 2: a reply, under review, with no vetting of its own.
reply = case.add_letter(harmed.id, "Rory, thank you for writing.", to_participant=responsible.id)
case.set_letter_status(reply.id, LetterStatus.UNDER_REVIEW, "")
# Letter 3: handed over.
handed = case.add_letter(responsible.id, "A second letter.", to_participant=harmed.id)
case.set_letter_status(handed.id, LetterStatus.DELIVERED, "Handed over in person.")
vault.close()
(home / "lock").unlink(missing_ok=True)
shutil.rmtree(home / "backups", ignore_errors=True)
Path("tests/golden/letters-v3-recovery.txt").write_text(recovery + "\n")
