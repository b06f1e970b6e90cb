"""Made once with rjfacil 0.1 (commit 7a8add7), never regenerated: a case whose people are
named in free text (co-worker, case supervisor, who does an action, who consent to share
names), so the migration to people referenced by id has a fixture to prove itself on.

    .venv/bin/python tests/golden/make_people_v1.py
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from rjfacil.casedoc.model import ConsentPurpose
from rjfacil.store import kdf
from rjfacil.vocab import ProcessType, Role
from rjfacil.workspace import Vault

HERE = Path(__file__).parent
GOLDEN = HERE / "people-v1"
PASSPHRASE = "golden people passphrase"


def main() -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    params = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)
    vault, recovery = Vault.create(GOLDEN, PASSPHRASE, "Golden Facilitator", params)
    case = vault.new_case(
        "PEOPLE-1",
        referral_date=date(2026, 10, 1),
        co_worker="Priya Shah",
        case_supervisor="Dana Whitfield",
        process=ProcessType.FACE_TO_FACE,
        meeting_date=date(2026, 12, 20),
    )
    harmed = case.add_participant(Role.PERSON_HARMED, "Hana Gold", address_as="Hana")
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, "Rory Gold")
    case.add_participant(Role.SUPPORTER, "Mo Gold")
    case.record_consent(
        harmed.id,
        ConsentPurpose.SHARING,
        information="Her account of the evening",
        share_with="Rory Gold",
    )
    case.record_consent(
        responsible.id,
        ConsentPurpose.SHARING,
        information="His letter",
        share_with="the victim's sister",
    )
    case.add_action("Apology in writing", by_whom="rory gold", due=date(2026, 12, 30))
    case.add_action("Phone Hana after a month", by_whom="Facilitator")
    case.add_action("Repair the fence", by_whom="Rory and Mo")
    case.add_action("Nobody named yet")
    case.answer("meeting", "meeting_date", "2026-12-18")
    vault.close()
    (GOLDEN / "lock").unlink(missing_ok=True)
    shutil.rmtree(GOLDEN / "backups", ignore_errors=True)
    (HERE / "people-v1-recovery.txt").write_text(recovery + "\n")
    print(f"golden vault written to {GOLDEN}")


if __name__ == "__main__":
    main()
