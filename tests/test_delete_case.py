"""Deleting a case (issue 12, retention): a typed confirmation, the file, its backups and
its row gone, no byte of it left in the vault folder, and the vault's record of the
deletion. A kill at every write step of a deletion: test_crash_delete.py."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from rjfacil.errors import RjfacilError
from rjfacil.store import manifest as manifest_module
from rjfacil.store import rjv
from rjfacil.vault.rotation import vault_files
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE

SECRET = "Quillfeather-marmalade-7731"
NAME = "Ottoline Vexley"


def _case_to_delete(vault: Vault) -> Any:
    case = vault.new_case("RJ-2026-003")
    person = case.add_participant(Role.PERSON_HARMED, NAME)
    for number in range(7):  # more saves than backups kept: every kept version holds it
        case.add_note(f"{SECRET} visit {number}", participant_id=person.id)
    keep = vault.new_case("RJ-2026-004")
    keep.add_note("Another case, kept.")
    vault.save_index()
    vault.save_index()
    return case


def _plaintexts(home: Path, key: bytes, skip: set[Path] | None = None) -> list[bytes]:
    """Every file's bytes, and every encrypted one decrypted with the vault key."""
    skip = skip or set()
    texts = [p.read_bytes() for p in home.rglob("*") if p.is_file() and p not in skip]
    case_names = [f"cases/{path.name}" for path in (home / "cases").glob("*.rjv")]
    for each in vault_files(home):
        if each.path in skip:
            continue
        data = each.path.read_bytes()
        for name in (*each.names, *case_names):
            try:
                texts.append(rjv.unseal(key, data, each.path, name))
                break
            except RjfacilError:
                continue
        else:
            texts.append(b"UNDECRYPTED " + each.path.name.encode())
    journal = home / manifest_module.JOURNAL_NAME
    if journal.exists():
        data = journal.read_bytes()
        at = manifest_module.JOURNAL_PREFIX
        while at + 4 <= len(data):
            (length,) = struct.unpack(">I", data[at : at + 4])
            sealed = data[at + 4 : at + 4 + length]
            texts.append(rjv.unseal(key, sealed, journal, manifest_module.JOURNAL_NAME))
            at += 4 + length
    return texts


def test_a_deleted_case_leaves_no_byte_of_itself_in_the_vault(vault: Vault) -> None:
    case = _case_to_delete(vault)
    case_id, home, key = case.case.id, vault.home, vault.key
    before = _plaintexts(home, key)
    assert sum(SECRET.encode() in text for text in before) > 3  # the case and its backups
    ciphertexts = [
        path for path in home.rglob(f"{case_id}.rjv*") if path.is_file()
    ]  # the file and its backups
    assert len(ciphertexts) > 1

    assert vault.delete_case(case_id, "RJ-2026-003") == "RJ-2026-003"

    assert [row.reference for row in vault.list_cases()] == ["RJ-2026-004"]
    assert not [path for path in ciphertexts if path.exists()]
    # The reference stays only in the vault's record of the deletion (the profile): the
    # case list's old versions, which held its row, are gone too.
    profile = {p for p in home.rglob("profile.rjv*")}
    others = _plaintexts(home, key, skip=profile)
    assert not [text for text in others if b"RJ-2026-003" in text]
    texts = _plaintexts(home, key)
    assert not [text for text in texts if text.startswith(b"UNDECRYPTED")]
    for needle in (SECRET, NAME):
        assert not [text for text in texts if needle.encode() in text], needle
    vault.close()

    reopened = Vault.open(home).unlock(PASSPHRASE)
    try:
        assert [row.reference for row in reopened.list_cases()] == ["RJ-2026-004"]
        report = reopened.verify()
        assert report.ok, report.faults
        assert not reopened.findings
        assert reopened.integrity_lines() == []
        assert [ref for ref, _when in reopened.deletions()] == ["RJ-2026-003"]
        for needle in (SECRET, NAME):
            assert not [t for t in _plaintexts(home, key) if needle.encode() in t]
    finally:
        reopened.close()


def test_deleting_needs_the_reference_typed_in_full(vault: Vault) -> None:
    case = _case_to_delete(vault)
    for typed in ("", "RJ-2026", "rj-2026-003", "RJ-2026-004"):
        with pytest.raises(RjfacilError, match="does not match 'RJ-2026-003'"):
            vault.delete_case(case.case.id, typed)
    assert {row.reference for row in vault.list_cases()} == {"RJ-2026-003", "RJ-2026-004"}
    assert vault.deletions() == []


def test_the_cli_deletes_a_case_after_its_reference_is_typed(
    vault: Vault,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from rjfacil.cli import main

    _case_to_delete(vault)
    vault.close()
    pf = ["--passphrase-file", str(passphrase_file)]
    monkeypatch.setattr("sys.stdin", io.StringIO("RJ-2026-00\n"))
    assert main([*pf, "delete", "RJ-2026-003"]) == 1
    err = capsys.readouterr().err
    assert "Type its reference" in err and "nothing was deleted" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("RJ-2026-003\n"))
    assert main([*pf, "delete", "RJ-2026-003"]) == 0
    assert "Deleted case RJ-2026-003" in capsys.readouterr().out
    assert main([*pf, "delete", "RJ-2026-004", "--confirm", "RJ-2026-003"]) == 1
    assert main([*pf, "cases"]) == 0
    out = capsys.readouterr().out
    assert "RJ-2026-004" in out and "RJ-2026-003" not in out
    assert main([*pf, "verify"]) == 0
    out = capsys.readouterr().out
    assert "deleted: case RJ-2026-003 on " in out and "FAULT" not in out
