"""Vaults written by rjfacil 0.1 must stay readable by every later version.

The folders in tests/golden/ were made once, by the scripts beside them at the commit they
name, and are never regenerated: a failing test here means a later version broke a promise.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rjfacil.casedoc.model import ConsentPurpose, LetterStatus, ShareHow
from rjfacil.views.flags import raised_flags
from rjfacil.workspace import Vault

GOLDEN = Path(__file__).parent / "golden"


def _copy(tmp_path: Path, name: str) -> Path:
    home = tmp_path / name
    shutil.copytree(GOLDEN / name, home)
    return home


def test_the_golden_vault_opens_with_everything_in_it(tmp_path: Path) -> None:
    home = _copy(tmp_path, "vault-v1")
    with Vault.open(home).unlock("golden vault passphrase") as vault:
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
        assert "co_working_advised" not in raised_flags(case)
        assert vault.verify().ok
        # It stays writable, too.
        case.add_note("written by a later version")
    recovery = (GOLDEN / "vault-v1-recovery.txt").read_text().strip()
    with Vault.open(home).unlock_with_recovery(recovery) as vault:
        assert vault.verify().ok


def test_the_golden_demo_vault_opens_every_case(tmp_path: Path) -> None:
    home = _copy(tmp_path, "demo-v1")
    with Vault.open(home).unlock("golden demo passphrase") as vault:
        rows = {row.reference: row for row in vault.list_cases()}
        assert sorted(rows) == [
            "RJ-2025-087",
            "RJ-2026-003",
            "RJ-2026-009",
            "RJ-2026-011",
            "RJ-2026-014",
        ]
        sensitive = vault.open_case(rows["RJ-2026-014"].id)
        assert "sensitive_complex" in raised_flags(sensitive)
        assert len(sensitive.notes()) == 2
        assert sum(note.private for note in sensitive.notes()) == 1
        follow_up = vault.open_case(rows["RJ-2026-003"].id)
        assert [a.status.value for a in follow_up.actions] == ["done", "open", "open"]
        letters = vault.open_case(rows["RJ-2026-011"].id)
        assert [letter.status for letter in letters.letters] == [LetterStatus.UNDER_REVIEW]
        co_worked = vault.open_case(rows["RJ-2026-009"].id)
        assert [p.name for p in co_worked.participants] == [
            "Sam Rivera",
            "Casey Brook",
            "Morgan Rivera",
        ]
        report = vault.verify()
        assert report.ok, report.faults
        assert report.checked == 5


def test_the_golden_people_vault_keeps_every_name(tmp_path: Path) -> None:
    """Free-text people (0.1) read back: co-worker, supervisor, action owners, consents."""
    home = _copy(tmp_path, "people-v1")
    with Vault.open(home).unlock("golden people passphrase") as vault:
        [row] = vault.list_cases()
        case = vault.open_case(row.id)
        assert [p.name for p in case.participants] == ["Hana Gold", "Rory Gold", "Mo Gold"]
        assert len(case.actions) == 4
        assert len(case.consents()) == 2
        assert vault.verify().ok
