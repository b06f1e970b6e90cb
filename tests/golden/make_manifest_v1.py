"""Made once (manifest format 1, case format 3), never regenerated: a vault with a manifest
(kept as a record of how it was made).

Two cases saved several times (so each has backups), the vault closed (manifest.rjv holds
the snapshot), then opened again for one more note and left without closing, as after a
kill: manifest.log holds that save's record, so both manifest files are kept here.
"""

import shutil
from pathlib import Path

from rjfacil.store import kdf
from rjfacil.vocab import Role
from rjfacil.workspace import Vault

PASSPHRASE = "golden manifest passphrase"
home = Path("tests/golden/manifest-v1")
shutil.rmtree(home, ignore_errors=True)
vault, recovery = Vault.create(
    home, PASSPHRASE, "Golden Facilitator", kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
)
first = vault.new_case("MAN-1")
person = first.add_participant(Role.PERSON_HARMED, "Hana Gold")
first.add_note("First visit: Hana wants to know why it happened.", participant_id=person.id)
first.add_note("Second visit: Hana would consider a letter.", participant_id=person.id)
second = vault.new_case("MAN-2")
second.add_note("Referral received; first call booked.")
vault.close()
again = Vault.open(home).unlock(PASSPHRASE)
again.open_case(first.id).add_note("Third visit: a letter is agreed.", participant_id=person.id)
again.door.release()  # left as a kill leaves it: the last save is in manifest.log only
(home / "lock").unlink(missing_ok=True)
Path("tests/golden/manifest-v1-recovery.txt").write_text(recovery + "\n")
