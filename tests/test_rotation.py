"""Key rotation: after passwd or a new recovery code, nothing in the folder opens with the old.

The attacker's view: a copy of vault.json taken before the change, and the old passphrase
and recovery code. Every file in the folder, backups included, is tried with every key
those give.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rjfacil.errors import RjfacilError, WrongPassphrase
from rjfacil.store import kdf, rjv
from rjfacil.store.header import parse_header
from rjfacil.vault.rotation import ENCRYPTED_FOLDERS, vault_files
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE

NEW = "a brand new passphrase"


def old_keys(header_copy: Path, passphrase: str, code: str) -> list[bytes]:
    header = parse_header(header_copy.read_bytes(), header_copy)
    keys = [
        kdf.open_slot(
            header.slot("passphrase"), kdf.encode_passphrase(passphrase), header.vault_id
        ),
        kdf.open_slot(header.slot("recovery"), kdf.normalise_recovery_code(code), header.vault_id),
    ]
    return keys


def files_opened_by(home: Path, key: bytes) -> list[Path]:
    """Every file in the folder that decrypts with ``key`` under any name it could have."""
    opened = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if not data.startswith(rjv.MAGIC):
            continue
        base = path.name.rpartition(".")[0] if path.parent.name == "backups" else path.name
        names = {path.name, base, *(f"{f}/{base}" for f in ENCRYPTED_FOLDERS if f)}
        names |= {f"cases/{path.name}"}
        for name in names:
            try:
                rjv.unseal(key, data, path, name)
            except RjfacilError:
                continue
            opened.append(path)
            break
    return opened


def refused(home: Path, passphrase: str = "", code: str = "") -> None:
    door = Vault.open(home)
    try:
        with pytest.raises(WrongPassphrase):
            if code:
                door.unlock_with_recovery(code)
            else:
                door.unlock(passphrase)
    finally:
        door.release()


@pytest.fixture
def busy(vault_home: Path, tmp_path: Path) -> tuple[Path, str, Path]:
    """A vault with two cases and several saves each (so backups exist); closed."""
    vault, code = Vault.create(vault_home, PASSPHRASE, OWNER)
    for ref in ("RJ-1", "RJ-2"):
        case = vault.new_case(ref)
        for number in range(3):
            case.add_note(f"note {number} of {ref}")
    vault.close()
    copy = tmp_path / "stolen-vault.json"
    shutil.copy(vault_home / "vault.json", copy)
    return vault_home, code, copy


def test_before_rotation_the_old_key_opens_the_files(busy: tuple[Path, str, Path]) -> None:
    home, code, stolen = busy
    key = old_keys(stolen, PASSPHRASE, code)[0]
    assert len(files_opened_by(home, key)) >= 10  # the check can see a file that opens


def test_passwd_leaves_nothing_the_old_passphrase_or_code_opens(
    busy: tuple[Path, str, Path],
) -> None:
    home, code, stolen = busy
    seen: list[tuple[int, int]] = []
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        new_code = vault.change_passphrase(PASSPHRASE, NEW, lambda d, t: seen.append((d, t)))
        assert len(vault.list_cases()) == 2
    assert seen and seen[-1][0] == seen[-1][1] == len(seen)
    for key in old_keys(stolen, PASSPHRASE, code):
        assert files_opened_by(home, key) == []
    # Nor does any copy of vault.json left in the folder reach a file with the old secrets.
    for kept in (home / "backups").glob("vault.json.*"):
        with pytest.raises(WrongPassphrase):
            old_keys(kept, PASSPHRASE, code)
    refused(home, PASSPHRASE)
    refused(home, code=code)
    with Vault.open(home).unlock(NEW) as vault:
        assert vault.verify().ok
        assert sorted(r.reference for r in vault.list_cases()) == ["RJ-1", "RJ-2"]
        case = vault.open_case(vault.find_case("RJ-1"))
        assert "note 2 of RJ-1" in case.note_texts().values()
    with Vault.open(home).unlock_with_recovery(new_code) as vault:
        assert vault.by_recovery


def test_reset_after_a_recovery_unlock_rotates_too(busy: tuple[Path, str, Path]) -> None:
    home, code, stolen = busy
    with Vault.open(home).unlock_with_recovery(code) as vault:
        new_code = vault.reset_passphrase(NEW)
    for key in old_keys(stolen, PASSPHRASE, code):
        assert files_opened_by(home, key) == []
    assert new_code != code
    Vault.open(home).unlock(NEW).close()


def test_a_new_recovery_code_kills_the_old_one(busy: tuple[Path, str, Path]) -> None:
    home, code, stolen = busy
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        with pytest.raises(WrongPassphrase):
            vault.new_recovery_code("not the passphrase")
        new_code = vault.new_recovery_code(PASSPHRASE)
    for key in old_keys(stolen, PASSPHRASE, code):
        assert files_opened_by(home, key) == []
    refused(home, code=code)
    Vault.open(home).unlock_with_recovery(new_code).close()
    Vault.open(home).unlock(PASSPHRASE).close()


def test_a_backup_that_cannot_be_reencrypted_is_destroyed(busy: tuple[Path, str, Path]) -> None:
    home, _code, _stolen = busy
    kept = sorted((home / "backups").glob("*.rjv.2"))[0]
    damaged = bytearray(kept.read_bytes())
    damaged[10] ^= 1  # the header checksum no longer matches: repairable by an attacker
    kept.write_bytes(bytes(damaged))
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        vault.change_passphrase(PASSPHRASE, NEW)
    assert not kept.exists()


def test_a_damaged_case_file_stops_the_rotation_before_it_starts(
    busy: tuple[Path, str, Path],
) -> None:
    home, _code, _stolen = busy
    case_file = sorted((home / "cases").glob("*.rjv"))[0]
    case_file.write_bytes(case_file.read_bytes()[:-1])
    before = (home / "vault.json").read_bytes()
    with (
        Vault.open(home).unlock(PASSPHRASE) as vault,
        pytest.raises(RjfacilError, match="Restore it from its backup first"),
    ):
        vault.change_passphrase(PASSPHRASE, NEW)
    assert (home / "vault.json").read_bytes() == before


def test_vault_files_lists_current_and_kept_versions(busy: tuple[Path, str, Path]) -> None:
    home, _code, _stolen = busy
    found = vault_files(home)
    assert any(f.path.name == "profile.rjv" for f in found)
    assert any(f.kept and f.path.name.startswith("index.rjv.") for f in found)
    assert not any(f.path.name.startswith("vault.json") for f in found)


# -- vault.json and profile.rjv have backups, and the messages about them are true ----------


def flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x40
    path.write_bytes(bytes(data))


def test_a_flipped_byte_in_profile_is_restored_from_its_backup(
    vault_home: Path, capsys: pytest.CaptureFixture[str], passphrase_file: Path
) -> None:
    from rjfacil.cli import main

    Vault.create(vault_home, PASSPHRASE, OWNER)[0].close()
    flip(vault_home / "profile.rjv", -5)
    door = Vault.open(vault_home)
    try:
        with pytest.raises(RjfacilError, match=r"A good backup exists: .*profile\.rjv\.1"):
            door.unlock(PASSPHRASE)
    finally:
        door.release()
    pf = ["--passphrase-file", str(passphrase_file)]
    assert main([*pf, "restore-file", "profile.rjv"]) == 0, capsys.readouterr().err
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        assert vault.owner.name == OWNER


def test_a_flipped_byte_in_vault_json_is_restored_from_its_backup(
    vault_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rjfacil.cli import main

    Vault.create(vault_home, PASSPHRASE, OWNER)[0].close()
    flip(vault_home / "vault.json", 0)
    with pytest.raises(RjfacilError, match=r"A good backup exists: .*vault\.json\.1"):
        Vault.open(vault_home)
    assert main(["restore-file", "vault.json"]) == 0, capsys.readouterr().err
    Vault.open(vault_home).unlock(PASSPHRASE).close()


def test_without_a_backup_the_message_says_there_is_none(vault_home: Path) -> None:
    Vault.create(vault_home, PASSPHRASE, OWNER)[0].close()
    for kept in (vault_home / "backups").glob("profile.rjv.*"):
        kept.unlink()
    flip(vault_home / "profile.rjv", -5)
    door = Vault.open(vault_home)
    try:
        with pytest.raises(RjfacilError, match="No good backup") as raised:
            door.unlock(PASSPHRASE)
        assert "exists" not in str(raised.value)
    finally:
        door.release()


def test_after_a_rotation_the_header_backups_are_for_the_new_key(
    busy: tuple[Path, str, Path],
) -> None:
    home, _code, _stolen = busy
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        vault.change_passphrase(PASSPHRASE, NEW)
    kept = sorted((home / "backups").glob("vault.json.*"))
    assert kept, "the header in use has a backup"
    for each in kept:
        header = parse_header(each.read_bytes(), each)
        kdf.open_slot(header.slot("passphrase"), kdf.encode_passphrase(NEW), header.vault_id)
    assert list((home / "backups").glob("profile.rjv.*"))


# -- an interrupted change, finished or undone at the next unlock, says how far it got ----


def interrupted(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A passphrase change (to NEW) killed after re-encrypting, before the header switched."""
    from rjfacil.vault import rotation

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt("killed before the header switched")

    with monkeypatch.context() as patched:
        patched.setattr(rotation, "_finish", killed)
        vault = Vault.open(home).unlock(PASSPHRASE)
        with pytest.raises(KeyboardInterrupt):
            vault.change_passphrase(PASSPHRASE, NEW)
        vault.close()


@pytest.mark.parametrize(("secret", "outcome"), [(NEW, "finished"), (PASSPHRASE, "undone")])
def test_finishing_or_undoing_an_interrupted_change_reports_progress(
    busy: tuple[Path, str, Path], monkeypatch: pytest.MonkeyPatch, secret: str, outcome: str
) -> None:
    home, _code, _stolen = busy
    interrupted(home, monkeypatch)
    door = Vault.open(home)
    assert door.rotation_pending
    seen: list[tuple[int, int]] = []
    total = len(vault_files(home))
    with door.unlock(secret, lambda d, t: seen.append((d, t))) as vault:
        assert door.rotation_outcome == outcome
        assert sorted(r.reference for r in vault.list_cases()) == ["RJ-1", "RJ-2"]
    assert seen[-1] == (total, total) and len(seen) == total


def test_a_wrong_passphrase_at_an_interrupted_change_reports_nothing(
    busy: tuple[Path, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _code, _stolen = busy
    interrupted(home, monkeypatch)
    seen: list[tuple[int, int]] = []
    door = Vault.open(home)
    try:
        with pytest.raises(WrongPassphrase):
            door.unlock("not it at all", lambda d, t: seen.append((d, t)))
    finally:
        door.release()
    assert seen == []


def test_the_command_line_says_it_is_finishing_a_change_and_how_far_it_got(
    busy: tuple[Path, str, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rjfacil.cli import main

    home, _code, _stolen = busy
    interrupted(home, monkeypatch)
    new_file = tmp_path / "new.txt"
    new_file.write_text(NEW + "\n")
    total = len(vault_files(home))
    assert main(["--passphrase-file", str(new_file), "cases"]) == 0
    err = capsys.readouterr().err
    assert "A passphrase change was interrupted: finishing or undoing it now" in err
    assert f"re-encrypted {total}/{total} files" in err
    assert "Its new recovery code was never shown" in err and "rjfacil recovery-code" in err
    # Once done, the next unlock is an ordinary one: nothing more is said.
    assert main(["--passphrase-file", str(new_file), "cases"]) == 0
    assert "re-encrypted" not in capsys.readouterr().err


def test_a_kept_version_of_another_case_s_file_survives_a_passphrase_change(
    busy: tuple[Path, str, Path],
) -> None:
    """A case's newest version left among another case's backups (by restoring swapped
    files before rjfacil put each back under its own case) is intact: a key change
    re-encrypts it rather than deleting it as a backup that "does not decrypt"."""
    home, _code, _stolen = busy
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        first, second = (vault.find_case(ref) for ref in ("RJ-1", "RJ-2"))
    first_file, second_file = (home / "cases" / f"{case_id}.rjv" for case_id in (first, second))
    stray = home / "backups" / f"{first_file.name}.5"
    shutil.copyfile(second_file, stray)
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        vault.change_passphrase(PASSPHRASE, NEW)
        new_key = vault.key
    assert stray.exists()
    plain = rjv.unseal(new_key, stray.read_bytes(), stray, f"cases/{second_file.name}")
    assert b"note 2 of RJ-2" in plain


def test_verify_names_whose_version_a_stray_backup_is(busy: tuple[Path, str, Path]) -> None:
    home, _code, _stolen = busy
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        first, second = (vault.find_case(ref) for ref in ("RJ-1", "RJ-2"))
    stray = home / "backups" / f"{first}.rjv.5"
    shutil.copyfile(home / "cases" / f"{second}.rjv", stray)
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        report = vault.verify()
    assert report.backup_faults == [
        f"{stray}: a version of cases/{second}.rjv, kept among another file's backups"
    ]
