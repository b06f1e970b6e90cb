"""Every later version imports the golden bundle (tests/golden/bundle-v1, never regenerated)."""

from __future__ import annotations

from pathlib import Path

from rjfacil import clock
from rjfacil.casedoc.bundle import from_json
from rjfacil.store import agefile
from tests.bundle_helpers import make_vault

BUNDLE = Path(__file__).parent / "golden" / "bundle-v1"


def test_the_golden_bundle_imports_whole_and_verifies(tmp_path: Path) -> None:
    identity = (BUNDLE / "identity.txt").read_text().splitlines()[-1]
    data = agefile.decrypt(BUNDLE / "gold-1.age", identities=[identity])
    bundle = from_json(data, "the golden bundle", clock.now())
    assert bundle.exported_by.name == "Golden Facilitator"
    vault = make_vault(tmp_path / "v", "Importing Facilitator")
    try:
        preview = vault.preview_import(bundle)
        assert preview.new_case
        vault.import_bundle(preview)
        case = vault.open_case(preview.case_id)
        assert case.case.reference == "GOLD-1"
        assert {p.name for p in case.participants} == {"Hana Gold", "Rory Gold"}
        [note] = case.notes()
        assert case.note_text(note.id) == "Hana wants a written apology."
        assert case.note_history(note.id)[0].text == "Hana wants an apology."
        assert all(not note.private for note in case.notes())
        assert case.author(case.case.created_by) == "Golden Facilitator"
        assert case.chain_problems() == []
        assert vault.verify().ok
        # The same file again changes nothing.
        assert vault.preview_import(bundle).plan.nothing_new
    finally:
        vault.close()
