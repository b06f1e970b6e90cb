"""An imported case whose records carry the ids of another case's records is refused, and
finding that out reads the case list's index, not every case file of the vault."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rjfacil import clock
from rjfacil.casedoc.bundle import BundleRefused, to_json
from rjfacil.store import agefile, rjv
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.bundle_helpers import PASSPHRASE, make_vault
from tests.test_bundle_hostile import first, rechain


@pytest.fixture
def vaults(tmp_path: Path) -> Iterator[tuple[Vault, Vault]]:
    alex = make_vault(tmp_path / "a", "Alex Rivera")
    blessing = make_vault(tmp_path / "b", "Blessing Adeyemi")
    for number in range(3):
        case = blessing.new_case(f"B-{number}")
        person = case.add_participant(Role.PERSON_HARMED, f"Person {number}")
        case.add_note(f"Note {number}.", participant_id=person.id)
    blessing.close()  # the index is written
    blessing = Vault.open(tmp_path / "b").unlock(PASSPHRASE)
    yield alex, blessing
    alex.close()
    blessing.close()


def decryptions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = rjv.unseal

    def counting(key: bytes, data: bytes, path: Path, name: str) -> bytes:
        seen.append(name)
        return real(key, data, path, name)

    monkeypatch.setattr(rjv, "unseal", counting)
    return seen


def passed_off(vault: Vault, case_id: uuid.UUID) -> Any:
    """A case of ``vault`` passed off as a new case: every record id collides."""
    body = json.loads(to_json(vault.open_case(case_id).document, vault.owner, clock.now()))
    forged = json.loads(json.dumps(body).replace(body["case_id"], str(uuid.uuid4())))
    first(forged, "case")["reference"] = "NOT-THE-SAME"
    return rechain(forged)


def read(vault: Vault, body: Any, tmp_path: Path) -> Any:
    path = tmp_path / f"{uuid.uuid4()}.age"
    path.write_bytes(agefile.encrypt_to_recipients(json.dumps(body).encode(), [vault.recipient]))
    return vault.read_bundle(path)


def test_a_new_case_is_checked_without_decrypting_any_other_case(
    vaults: tuple[Vault, Vault], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, blessing = vaults
    case = alex.new_case("A-1")
    case.add_note("Ana wants to meet.")
    alex.export_bundle(case.id, tmp_path / "a1.age", recipients=[blessing.recipient])
    bundle = blessing.read_bundle(tmp_path / "a1.age")
    seen = decryptions(monkeypatch)
    preview = blessing.preview_import(bundle)
    assert preview.new_case
    assert [name for name in seen if name.startswith("cases/")] == []


def test_ids_of_a_case_on_disk_are_refused(vaults: tuple[Vault, Vault], tmp_path: Path) -> None:
    _, blessing = vaults
    target = blessing.find_case("B-1")
    body = passed_off(blessing, target)
    blessing.close()
    blessing = Vault.open(blessing.home).unlock(PASSPHRASE)  # nothing open: the index alone
    try:
        with pytest.raises(BundleRefused, match="same ids as another case"):
            blessing.preview_import(read(blessing, body, tmp_path))
    finally:
        blessing.close()


def test_a_record_written_since_the_index_was_saved_is_refused_too(
    vaults: tuple[Vault, Vault], tmp_path: Path
) -> None:
    _, blessing = vaults
    case = blessing.open_case(blessing.find_case("B-2"))
    note = case.add_note("Written after the index.")
    body = passed_off(blessing, case.id)
    # Only the new note and its history keep their ids: the rest are made new.
    keep = {str(note.id)} | {r["id"] for r in body["tables"]["note_revisions"]}
    keep |= {e["id"] for e in body["tables"]["audit"] if e["record_id"] == str(note.id)}
    text = json.dumps(body)
    for table in body["tables"].values():
        for row in table:
            if row["id"] not in keep and table is not body["tables"]["team"]:
                text = text.replace(row["id"], str(uuid.uuid4()))
    forged = rechain(copy.deepcopy(json.loads(text)))
    with pytest.raises(BundleRefused, match="same ids as another case"):
        blessing.preview_import(read(blessing, forged, tmp_path))
