"""The manifest: a crash is finished, never reported as tampering; what is not a crash is.

The user-level findings (a deleted, older or swapped case file, an older index) are in
test_manifest_findings.py; here are the manifest's own cases: its journal cut short by a
kill, damaged, lost or from a newer rjfacil, a save it never heard of, a failed append,
a vault made before manifests, and a key change.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from rjfacil.errors import HeaderError, TamperedFile, WriteFailed
from rjfacil.store import rjv
from rjfacil.store.manifest import (
    JOURNAL_ID_BYTES,
    JOURNAL_MAGIC,
    JOURNAL_NAME,
    MANIFEST_NAME,
    STAMP,
    Manifest,
    load,
)
from rjfacil.vault.integrity import Kind
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE


def _reopen(home: Path) -> Vault:
    return Vault.open(home).unlock(PASSPHRASE)


def _killed(vault: Vault) -> None:
    """End ``vault`` as a kill would: nothing more is written (no index, no snapshot)."""
    vault.door.release()


def _kinds(vault: Vault) -> list[Kind]:
    return [finding.kind for finding in vault.findings]


@pytest.fixture
def saved(vault: Vault) -> dict[str, Any]:
    """A vault with two cases, each saved a few times, closed (the journal folded in)."""
    first = vault.new_case("RJ-1")
    first.add_note("the first visit")
    second = vault.new_case("RJ-2")
    second.add_note("a phone call")
    vault.close()
    return {"home": vault.home, "first": first, "second": second}


def test_a_save_appends_one_record_and_leaves_the_snapshot_alone(saved: dict) -> None:
    home = saved["home"]
    snapshot = (home / MANIFEST_NAME).read_bytes()
    assert not (home / JOURNAL_NAME).exists()  # folded in when the vault closed
    with _reopen(home) as vault:
        case = vault.open_case(saved["first"].id)
        sizes = []
        for number in range(3):
            case.add_note(f"visit {number}")
            sizes.append((home / JOURNAL_NAME).stat().st_size)
        # Each save adds one small record, whatever the vault holds; the snapshot is not
        # rewritten.
        steps = [sizes[1] - sizes[0], sizes[2] - sizes[1]]
        assert all(0 < step < 400 for step in steps) and abs(steps[0] - steps[1]) <= 2
        assert (home / MANIFEST_NAME).read_bytes() == snapshot
    assert not (home / JOURNAL_NAME).exists()
    with _reopen(home) as vault:
        assert vault.findings == []
        assert vault.verify().ok


def test_every_case_file_carries_its_write_number_out_of_the_cases_sight(saved: dict) -> None:
    home = saved["home"]
    with _reopen(home) as vault:
        state = vault.files.manifest.state
        path, name = vault.files.case_path(saved["first"].id)
        document = rjv.unseal_json(vault.key, path.read_bytes(), path, name)
        assert document[STAMP]["1"]["counter"] == state.files[name].counter > 0
        assert STAMP not in vault.files.read_case_document(saved["first"].id)
        assert STAMP not in vault.open_case(saved["first"].id).document.tables


def test_a_save_its_record_never_reached_is_finished_silently(
    saved: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = saved["home"]
    vault = _reopen(home)
    case = vault.open_case(saved["first"].id)
    # As a kill between the case file and its record: the record is never written.
    monkeypatch.setattr(Manifest, "written", lambda *args: None)
    case.add_note("saved, but the manifest never heard of it")
    monkeypatch.undo()
    _killed(vault)
    with _reopen(home) as vault:
        assert vault.findings == []
        assert vault.verify().ok
        texts = vault.open_case(saved["first"].id).note_texts().values()
        assert "saved, but the manifest never heard of it" in texts
    with _reopen(home) as vault:  # and it is recorded now
        assert vault.findings == []


def test_two_saves_the_manifest_lost_are_reported_and_the_newer_files_kept(
    saved: dict, tmp_path: Path
) -> None:
    home = saved["home"]
    old_manifest = tmp_path / "manifest.rjv"
    shutil.copyfile(home / MANIFEST_NAME, old_manifest)
    with _reopen(home) as vault:
        vault.open_case(saved["first"].id).add_note("after the copy")
        vault.open_case(saved["second"].id).add_note("after the copy too")
    shutil.copyfile(old_manifest, home / MANIFEST_NAME)
    with _reopen(home) as vault:
        assert Kind.AHEAD in _kinds(vault)
        assert any("newer than" in line for line in vault.integrity_lines())
        assert not vault.verify().ok  # reported by the verify of the open that found it
        for key in ("first", "second"):
            assert any(
                "after the copy" in t for t in vault.open_case(saved[key].id).note_texts().values()
            )
    with _reopen(home) as vault:
        assert vault.findings == [] and vault.verify().ok


def test_a_journal_cut_short_by_a_kill_is_not_a_finding(saved: dict) -> None:
    home = saved["home"]
    vault = _reopen(home)
    vault.open_case(saved["first"].id).add_note("one")
    vault.open_case(saved["first"].id).add_note("two")
    _killed(vault)
    before = {path: path.read_bytes() for path in home.rglob("*") if path.is_file()}
    journal = (home / JOURNAL_NAME).read_bytes()
    # A kill can only cut the last append short (the ones before it were synced): any
    # part of the last record, or all of it.
    last = len(journal) - journal.rindex(b"RJV\x00") + 4
    for cut in (1, 10, last // 2, last):
        for path, data in before.items():
            path.write_bytes(data)
        (home / JOURNAL_NAME).write_bytes(journal[:-cut])
        with _reopen(home) as vault:
            assert vault.findings == [], cut
            assert vault.verify().ok
            assert len(vault.open_case(saved["first"].id).notes()) == 3


def test_a_damaged_journal_record_is_reported(saved: dict) -> None:
    home = saved["home"]
    vault = _reopen(home)
    for number in range(3):
        vault.open_case(saved["first"].id).add_note(f"visit {number}")
    _killed(vault)
    journal = bytearray((home / JOURNAL_NAME).read_bytes())
    journal[40] ^= 0x01  # inside the first record
    (home / JOURNAL_NAME).write_bytes(bytes(journal))
    with _reopen(home) as vault:
        assert Kind.JOURNAL_DAMAGED in _kinds(vault)
        assert any("manifest.log" in line for line in vault.integrity_lines())
        assert len(vault.open_case(saved["first"].id).notes()) == 4  # nothing lost
    with _reopen(home) as vault:
        assert vault.findings == []


def test_a_deleted_manifest_is_reported_and_made_again(saved: dict) -> None:
    home = saved["home"]
    (home / MANIFEST_NAME).unlink()
    with _reopen(home) as vault:
        assert _kinds(vault) == [Kind.MANIFEST_LOST]
        [line] = vault.integrity_lines()
        assert "was missing" in line and "would not be noticed" in line
    with _reopen(home) as vault:
        assert vault.findings == [] and vault.verify().ok


def test_a_damaged_manifest_is_reported_and_made_again(saved: dict) -> None:
    home = saved["home"]
    data = bytearray((home / MANIFEST_NAME).read_bytes())
    data[-3] ^= 0x01
    (home / MANIFEST_NAME).write_bytes(bytes(data))
    with _reopen(home) as vault:
        assert _kinds(vault) == [Kind.MANIFEST_DAMAGED]
        assert "manifest.rjv" in vault.integrity_lines()[0]
    with _reopen(home) as vault:
        assert vault.findings == []


def test_a_manifest_from_a_newer_rjfacil_is_refused_in_one_line(saved: dict) -> None:
    home = saved["home"]
    with _reopen(home) as vault:
        key = vault.key
    state = load(home, key)
    assert state is not None
    newer = {**state.to_dict(), "format": 2}
    (home / MANIFEST_NAME).write_bytes(rjv.seal_json(key, newer, MANIFEST_NAME))
    door = Vault.open(home)
    try:
        with pytest.raises(HeaderError, match="newer rjfacil") as caught:
            door.unlock(PASSPHRASE)
    finally:
        door.release()
    assert "\n" not in str(caught.value)


def test_fields_a_newer_rjfacil_wrote_are_kept(saved: dict) -> None:
    home = saved["home"]
    with _reopen(home) as vault:
        key = vault.key
    state = load(home, key)
    assert state is not None
    document = state.to_dict()
    document["future"] = {"kept": True}
    name = next(iter(document["files"]))
    document["files"][name]["future"] = 1
    (home / MANIFEST_NAME).write_bytes(rjv.seal_json(key, document, MANIFEST_NAME))
    with _reopen(home) as vault:
        assert vault.findings == []
        vault.open_case(saved["first"].id).add_note("written by this version")
    again = load(home, key)
    assert again is not None
    written = again.to_dict()
    assert written["future"] == {"kept": True} and written["files"][name]["future"] == 1


def test_a_case_file_the_manifest_never_listed_is_reported_and_listed(saved: dict) -> None:
    home = saved["home"]
    vault = _reopen(home)
    stray = vault.new_case("RJ-3")
    manifest = vault.files.manifest
    assert manifest is not None
    manifest.state.files.pop(f"cases/{stray.id}.rjv")  # as if written without the manifest
    vault.files.save_manifest()
    _killed(vault)
    with _reopen(home) as vault:
        assert _kinds(vault) == [Kind.UNLISTED]
        assert "RJ-3" in vault.integrity_lines()[0]
        assert vault.open_case(stray.id).case.reference == "RJ-3"
    with _reopen(home) as vault:
        assert vault.findings == []


def test_a_failed_append_keeps_the_save_and_the_next_save_records_it(
    saved: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = saved["home"]
    real_open = os.open

    def full(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(JOURNAL_NAME):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, *args, **kwargs)

    with _reopen(home) as vault:
        case = vault.open_case(saved["first"].id)
        monkeypatch.setattr(os, "open", full)
        case.add_note("saved while the record could not be")  # not refused: it is saved
        monkeypatch.undo()
        case.add_note("the next save")
    with _reopen(home) as vault:
        assert vault.findings == []
        assert vault.verify().ok
        assert len(vault.open_case(saved["first"].id).notes()) == 3


def test_a_save_is_refused_while_the_record_of_the_one_before_cannot_be_written(
    saved: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = saved["home"]
    real_open = os.open

    def full(path: Any, *args: Any, **kwargs: Any) -> int:
        if MANIFEST_NAME in str(path) or str(path).endswith(JOURNAL_NAME):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_open(path, *args, **kwargs)

    vault = _reopen(home)
    case = vault.open_case(saved["first"].id)
    monkeypatch.setattr(os, "open", full)
    case.add_note("saved; its record is not")
    before = case.path.read_bytes()
    with pytest.raises(WriteFailed, match="disk is full"):
        case.add_note("refused: the vault would be two saves ahead of its record")
    assert case.path.read_bytes() == before
    monkeypatch.undo()
    _killed(vault)
    with _reopen(home) as vault:
        assert vault.findings == []  # one save ahead: finished
        texts = sorted(vault.open_case(saved["first"].id).note_texts().values())
        assert texts == ["saved; its record is not", "the first visit"]


def test_a_vault_made_before_the_manifest_gets_one_at_its_first_unlock(saved: dict) -> None:
    home = saved["home"]
    (home / MANIFEST_NAME).unlink()
    vault = _reopen(home)
    key = vault.key
    _killed(vault)
    for case in (saved["first"], saved["second"]):  # as rjfacil wrote them before
        path = case.path
        name = f"cases/{path.name}"
        document = rjv.unseal_json(key, path.read_bytes(), path, name)
        document.pop(STAMP)
        path.write_bytes(rjv.seal_json(key, document, name))
    index = home / "index.rjv"
    document = rjv.unseal_json(key, index.read_bytes(), index, "index.rjv")
    document.pop(STAMP)
    index.write_bytes(rjv.seal_json(key, document, "index.rjv"))
    (home / MANIFEST_NAME).unlink(missing_ok=True)
    with _reopen(home) as vault:
        assert vault.findings == []  # nothing was ever recorded: a first manifest, no finding
        assert (home / MANIFEST_NAME).exists()
    with _reopen(home) as vault:
        assert vault.findings == [] and vault.verify().ok


def test_after_a_key_change_nothing_differs_and_an_older_copy_is_still_caught(
    saved: dict, tmp_path: Path
) -> None:
    home = saved["home"]
    old_copy = tmp_path / "old.rjv"
    shutil.copyfile(saved["first"].path, old_copy)
    with _reopen(home) as vault:
        vault.open_case(saved["first"].id).add_note("after the copy")
        vault.change_passphrase(PASSPHRASE, "a brand new passphrase")
        assert vault.findings == []
    door = Vault.open(home)
    with door.unlock("a brand new passphrase") as vault:
        assert vault.findings == [] and vault.verify().ok
    shutil.copyfile(old_copy, saved["first"].path)  # under the old key: does not decrypt
    with Vault.open(home).unlock("a brand new passphrase") as vault:
        assert [f.kind for f in vault.findings] == [Kind.DAMAGED]
        assert not vault.verify().ok


def test_after_a_key_change_the_old_key_opens_no_part_of_the_manifest(saved: dict) -> None:
    home = saved["home"]
    with _reopen(home) as vault:
        old_key = vault.key
        vault.open_case(saved["first"].id).add_note("recorded in the journal, old key")
        assert (home / JOURNAL_NAME).exists()
        vault.change_passphrase(PASSPHRASE, "a brand new passphrase")
        new_key = vault.key
        vault.open_case(saved["first"].id).add_note("recorded in the journal, new key")
        journal = (home / JOURNAL_NAME).read_bytes()
    snapshots = [home / MANIFEST_NAME, *sorted((home / "backups").glob(f"{MANIFEST_NAME}.*"))]
    for path in snapshots:
        with pytest.raises(TamperedFile):
            rjv.unseal(old_key, path.read_bytes(), path, MANIFEST_NAME)
    # After the change, the journal was started again: its records are under the new key.
    start = len(JOURNAL_MAGIC) + JOURNAL_ID_BYTES
    length = int.from_bytes(journal[start : start + 4], "big")
    record = journal[start + 4 : start + 4 + length]
    rjv.unseal(new_key, record, home / JOURNAL_NAME, JOURNAL_NAME)
    with pytest.raises(TamperedFile):
        rjv.unseal(old_key, record, home / JOURNAL_NAME, JOURNAL_NAME)
