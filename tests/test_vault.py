"""The vault as a facilitator meets it: unlocking, keys, damage, permissions, no plaintext."""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from rjfacil.errors import (
    DamagedFile,
    HeaderError,
    RjfacilError,
    TamperedFile,
    VaultExists,
    VaultLocked,
    WrongPassphrase,
)
from rjfacil.paths import config_dir, log_dir
from rjfacil.store import kdf
from rjfacil.vocab import ClosureReason, Role, Stage
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE


def test_create_then_unlock_with_passphrase_and_recovery_code(vault_home: Path) -> None:
    vault, recovery = Vault.create(vault_home, PASSPHRASE, OWNER)
    vault.new_case("RJ-1")
    vault.close()
    with Vault.open(vault_home).unlock(PASSPHRASE) as again:
        assert again.owner.name == OWNER
        assert [row.reference for row in again.list_cases()] == ["RJ-1"]
    messy = recovery.lower().replace("-", " ")
    with Vault.open(vault_home).unlock_with_recovery(messy) as by_code:
        assert [row.reference for row in by_code.list_cases()] == ["RJ-1"]


def test_a_second_vault_is_not_created_over_the_first(vault: Vault) -> None:
    vault.close()
    with pytest.raises(VaultExists):
        Vault.create(vault.home, PASSPHRASE, OWNER)


def test_wrong_passphrase_says_so_and_keeps_the_vault_locked(vault: Vault) -> None:
    vault.close()
    door = Vault.open(vault.home)
    try:
        with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
            door.unlock("not the passphrase")
        with pytest.raises(WrongPassphrase, match="recovery code"):
            door.unlock_with_recovery("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
        assert door.unlock(PASSPHRASE).owner.name == OWNER
    finally:
        door.release()


def test_passphrase_change_makes_a_new_key_for_every_file(vault: Vault) -> None:
    case = vault.new_case("RJ-1")
    before = case.path.read_bytes()
    with pytest.raises(WrongPassphrase):
        vault.change_passphrase("wrong old one", "a brand new passphrase")
    vault.change_passphrase(PASSPHRASE, "a brand new passphrase")
    assert case.path.read_bytes() != before, "the case file is re-encrypted"
    assert vault.list_cases()[0].reference == "RJ-1"
    vault.close()
    door = Vault.open(vault.home)
    try:
        with pytest.raises(WrongPassphrase):
            door.unlock(PASSPHRASE)
        door.unlock("a brand new passphrase").lock()
    finally:
        door.release()


def test_a_passphrase_change_issues_a_new_recovery_code(vault_home: Path) -> None:
    vault, recovery = Vault.create(vault_home, PASSPHRASE, OWNER)
    new_code = vault.change_passphrase(PASSPHRASE, "another long passphrase")
    vault.close()
    assert new_code != recovery
    with Vault.open(vault_home).unlock_with_recovery(new_code) as again:
        assert again.owner.name == OWNER
    door = Vault.open(vault_home)
    try:
        with pytest.raises(WrongPassphrase, match="recovery code"):
            door.unlock_with_recovery(recovery)
    finally:
        door.release()


def test_a_forgotten_passphrase_is_reset_only_after_a_recovery_code_unlock(
    vault_home: Path,
) -> None:
    vault, recovery = Vault.create(vault_home, PASSPHRASE, OWNER)
    with pytest.raises(RjfacilError, match="current passphrase"):
        vault.reset_passphrase("no old passphrase given")
    vault.close()
    with Vault.open(vault_home).unlock_with_recovery(recovery) as by_code:
        new_code = by_code.reset_passphrase("the one I will remember")
    door = Vault.open(vault_home)
    try:
        with pytest.raises(WrongPassphrase):
            door.unlock(PASSPHRASE)
        door.unlock("the one I will remember").lock()
        door.unlock_with_recovery(new_code).lock()
    finally:
        door.release()


def test_kdf_parameters_above_the_caps_are_refused_before_deriving(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.close()
    derivations: list[object] = []
    monkeypatch.setattr(kdf, "Argon2id", lambda **kwargs: derivations.append(kwargs))
    header_path = vault.home / "vault.json"
    header = json.loads(header_path.read_text())
    header["slots"][0]["kdf"]["memory_kib"] = 64 * 1024 * 1024  # 64 GiB
    header_path.write_text(json.dumps(header))
    door = Vault.open(vault.home)
    try:
        with pytest.raises(HeaderError):
            door.unlock(PASSPHRASE)
        assert derivations == [], "refused before any key derivation starts"
    finally:
        door.release()


def test_an_edited_header_is_detected(vault: Vault) -> None:
    vault.close()
    header_path = vault.home / "vault.json"
    header = json.loads(header_path.read_text())
    header["vault_id"] = "00000000-0000-0000-0000-000000000000"
    header_path.write_text(json.dumps(header))
    door = Vault.open(vault.home)
    try:
        with pytest.raises(WrongPassphrase):
            door.unlock(PASSPHRASE)
    finally:
        door.release()
    header_path.write_text("{ not json")
    with pytest.raises(HeaderError, match="damaged"):
        Vault.open(vault.home)


def test_the_vault_is_held_by_one_opener(vault: Vault) -> None:
    with pytest.raises(VaultLocked, match=f"pid {os.getpid()}"):
        Vault.open(vault.home)


def test_folders_are_0700_and_files_0600(vault: Vault) -> None:
    case = vault.new_case("RJ-1")
    case.add_note("a note")
    vault.close()
    for path in vault.home.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path} is {oct(mode)}"


def _flip_payload_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_tampered_case_is_named_other_cases_open_and_a_backup_is_offered(
    vault: Vault,
) -> None:
    damaged = vault.new_case("RJ-1")
    damaged.add_note("version two")
    fine = vault.new_case("RJ-2")
    vault.close()
    _flip_payload_byte(damaged.path)
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        rows = {row.reference: row for row in again.list_cases()}
        assert rows["RJ-1"].unreadable  # still listed under its reference
        assert str(damaged.path) in rows["RJ-1"].unreadable
        assert again.open_case(fine.id).case.reference == "RJ-2"
        with pytest.raises(TamperedFile) as caught:
            again.open_case(damaged.id)
        assert str(damaged.path) in str(caught.value)
        assert caught.value.backup is not None
        assert "backup" in str(caught.value)
        again.restore_case_backup(damaged.id)
        restored = again.open_case(damaged.id)
        assert restored.case.reference == "RJ-1"
        assert again.verify().ok


def test_a_truncated_case_is_reported_as_damaged(vault: Vault) -> None:
    case = vault.new_case("RJ-1")
    vault.close()
    case.path.write_bytes(case.path.read_bytes()[:-10])
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        with pytest.raises(DamagedFile, match=str(case.path)):
            again.open_case(case.id)
        report = again.verify()
        assert not report.ok
        assert any(str(case.path) in fault for fault in report.faults)


def test_a_case_file_from_another_vault_is_refused(vault_home: Path, tmp_path: Path) -> None:
    mine, _ = Vault.create(vault_home, PASSPHRASE, OWNER)
    case = mine.new_case("RJ-MINE")
    mine.close()
    other_home = tmp_path / "other"
    other, _ = Vault.create(other_home, PASSPHRASE, "Someone Else")
    theirs = other.new_case("RJ-THEIRS")
    other.close()
    shutil.copyfile(theirs.path, case.path)
    with (
        Vault.open(vault_home).unlock(PASSPHRASE) as again,
        pytest.raises(TamperedFile, match="another vault"),
    ):
        again.open_case(case.id)


def test_a_lost_index_is_rebuilt_from_the_cases(vault: Vault) -> None:
    vault.new_case("RJ-1").add_participant(Role.PERSON_HARMED, "Kim")
    vault.new_case("RJ-2")
    vault.close()
    (vault.home / "index.rjv").unlink()
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        rows = {row.reference: row for row in again.list_cases()}
        assert set(rows) == {"RJ-1", "RJ-2"}
        assert rows["RJ-1"].participants == 1
    assert (vault.home / "index.rjv").exists()


def test_a_fresh_index_opens_without_decrypting_every_case(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(3):
        vault.new_case(f"RJ-{number}")
    vault.close()
    refreshed: list[object] = []
    original = Vault._refresh_row
    monkeypatch.setattr(
        Vault,
        "_refresh_row",
        lambda self, case_id, sig: refreshed.append(case_id) or original(self, case_id, sig),
    )
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert len(again.list_cases()) == 3
    assert refreshed == []


def test_a_stale_index_row_is_refreshed(vault: Vault) -> None:
    case = vault.new_case("RJ-1")
    vault.save_index()
    old_index = (vault.home / "index.rjv").read_bytes()
    case.add_participant(Role.PERSON_HARMED, "Kim")
    vault.close()
    # As after a crash: the index on disk never heard of the participant.
    (vault.home / "index.rjv").write_bytes(old_index)
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert again.list_cases()[0].participants == 1


def test_lock_drops_the_key_and_decrypted_cases(vault: Vault) -> None:
    vault.new_case("RJ-1").add_note("something private")
    door = vault.lock()
    assert not vault.files.unlocked and not vault._open and not vault._index
    with pytest.raises(RjfacilError, match="locked"):
        _ = vault.key
    again = door.unlock(PASSPHRASE)
    assert [row.reference for row in again.list_cases()] == ["RJ-1"]
    again.close()


def test_search_finds_current_note_text(vault: Vault) -> None:
    case = vault.new_case("RJ-1")
    note = case.add_note("We talked about the bicycle.")
    case.revise_note(note.id, "We talked about the red scooter.")
    vault.new_case("RJ-2").add_note("Nothing here.")
    seen: list[tuple[int, int]] = []
    hits = list(vault.search("scooter", progress=lambda done, total: seen.append((done, total))))
    assert [(hit.reference, hit.where) for hit in hits] == [("RJ-1", "note")]
    assert list(vault.search("bicycle")) == []
    assert seen[-1] == (2, 2)


DISTINCTIVE = ["zanzibarquokka", "PLUMBERSNIGHTINGALE", "velvetcrankshaft"]


def files_containing(where: Path, words: list[str]) -> list[str]:
    """Every file at or under ``where`` holding one of ``words`` (UTF-8 or UTF-16)."""
    found: list[str] = []
    # os.walk passes over a folder that goes while it walks (another test's, under the
    # shared temporary folder, removed by its own test); rglob raised FileNotFoundError.
    paths = (
        [where]
        if where.is_file()
        else (Path(root, name) for root, _folders, names in os.walk(where) for name in names)
    )
    for path in paths:
        try:
            if not path.is_file():  # a socket or a pipe is not read (a pipe would wait)
                continue
            data = path.read_bytes()
        except OSError:
            continue
        for word in words:
            for encoded in (word.encode(), word.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{path}: {word}")
    return found


def test_no_plaintext_of_case_data_reaches_the_disk(vault: Vault) -> None:
    temp_before = set(Path(tempfile.gettempdir()).iterdir())
    case = vault.new_case(DISTINCTIVE[0])
    person = case.add_participant(Role.PERSON_HARMED, DISTINCTIVE[1])
    note = case.add_note(f"Met {DISTINCTIVE[1]} about the {DISTINCTIVE[2]}", person.id)
    case.revise_note(note.id, f"Met again: {DISTINCTIVE[2]}")
    case.add_risk(DISTINCTIVE[2])
    list(vault.search(DISTINCTIVE[2]))
    vault.verify(rebuild_index=True)
    vault.close()
    leaks = files_containing(vault.home, DISTINCTIVE)
    leaks += files_containing(config_dir(), DISTINCTIVE)
    leaks += files_containing(log_dir(), DISTINCTIVE)
    for path in set(Path(tempfile.gettempdir()).iterdir()) - temp_before:
        leaks += files_containing(path, DISTINCTIVE)
    assert leaks == []


def test_the_case_list_shows_open_cases_first_each_latest_first(vault: Vault) -> None:
    done = vault.new_case("RJ-old")
    vault.new_case("RJ-a")
    vault.new_case("RJ-b")
    done.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.COMPLETED)  # latest change
    assert [row.reference for row in vault.list_cases()] == ["RJ-b", "RJ-a", "RJ-old"]
