"""A vault written by rjfacil 0.1 must stay readable by every later version."""

from __future__ import annotations

import shutil
from pathlib import Path

from rjfacil.model import ConsentPurpose, LetterStatus, ShareHow
from rjfacil.vault.vault import Vault

FIXTURES = Path(__file__).parent / "fixtures"
PASSPHRASE = "golden vault passphrase"


def test_the_golden_vault_opens_with_everything_in_it(tmp_path: Path) -> None:
    home = tmp_path / "golden"
    shutil.copytree(FIXTURES / "golden-vault", home)
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        assert vault.owner.name == "Golden Facilitator"
        [row] = vault.list_cases()
        assert row.reference == "GOLD-1"
        case = vault.open_case(row.id)
        harmed, responsible = case.participants
        assert (harmed.name, harmed.address_as) == ("Hana Gold", "Hana")
        assert not case.has_consent(harmed.id, ConsentPurpose.TAKE_PART)
        shared = case.notes(shared=True)
        assert [case.note_text(n.id) for n in shared] == ["Hana wants a written apology."]
        assert shared[0].share_how is ShareHow.SUMMARY
        assert shared[0].share_with == [responsible.id]
        assert [case.note_text(n.id) for n in case.notes() if n.private] == ["Private thought."]
        assert case.letters[0].status is LetterStatus.UNDER_REVIEW
        assert case.answers()[("risk", "initial_assessment", None)].value == "yes"
        assert "co_working_advised" not in case.raised_flags()
        assert vault.verify().ok
        # It stays writable, too.
        case.add_note("written by a later version")
    recovery = (FIXTURES / "golden-vault-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.verify().ok
