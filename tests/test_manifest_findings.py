"""A lost, older or swapped case file (or an older index) is noticed, named and repairable.

The findings of the vault-trust review (issue 9), each reproduced as a user would meet
it: on open (the CLI's first lines, the app's notifications), in `rjfacil verify`, and
through `rjfacil case restore`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.errors import RjfacilError
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pf(passphrase_file: Path) -> list[str]:
    return ["--passphrase-file", str(passphrase_file)]


def _two_cases(vault: Vault) -> tuple[Path, Path]:
    """RJ-1 with two notes (so it has backups) and RJ-2 with one; the vault closed."""
    first = vault.new_case("RJ-1")
    first.add_note("the first visit")
    first.add_note("the second visit")
    second = vault.new_case("RJ-2")
    second.add_note("a phone call")
    vault.close()
    return first.path, second.path


def _notes(home: Path, reference: str) -> list[str]:
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.find_case(reference))
        return sorted(case.note_texts().values())


# -- a deleted case file --------------------------------------------------------------


def test_a_deleted_case_file_is_reported_on_open_and_by_verify(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = _two_cases(vault)
    first.unlink()
    code, out, err = run(capsys, *pf, "cases")
    assert code == 0
    assert "RJ-1" in out  # still listed, under its reference
    [line] = [line for line in err.splitlines() if "RJ-1" in line]
    assert "missing" in line and "rjfacil case restore RJ-1" in line
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 1
    assert any(line.startswith("FAULT") and "RJ-1" in line for line in out.splitlines())


def test_case_restore_brings_back_a_deleted_case_from_its_backup(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = _two_cases(vault)
    first.unlink()
    code, out, err = run(capsys, *pf, "case", "restore", "RJ-1")
    assert code == 0, err
    assert "Restored" in out and "RJ-1" in out
    assert run(capsys, *pf, "verify")[0] == 0
    # The newest backup is the version before the last save: the second visit is lost.
    assert _notes(vault.home, "RJ-1") == ["the first visit"]


def test_a_deleted_case_cannot_be_opened_and_says_why(vault: Vault) -> None:
    first, _ = _two_cases(vault)
    first.unlink()
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        case_id = again.find_case("RJ-1")
        with pytest.raises(RjfacilError, match="missing") as caught:
            again.open_case(case_id)
        assert getattr(caught.value, "backup", None) is not None


# -- an older copy of a case file -----------------------------------------------------


def test_an_older_copy_of_a_case_file_is_reported_and_restore_puts_the_newest_back(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = vault.new_case("RJ-1")
    case.add_note("the first visit")
    old_copy = tmp_path / "old.rjv"
    shutil.copyfile(case.path, old_copy)
    case.add_note("the second visit")
    case.add_note("the third visit")
    vault.close()
    shutil.copyfile(old_copy, case.path)  # the notes since are gone from the file

    code, _, err = run(capsys, *pf, "cases")
    assert code == 0
    [line] = [line for line in err.splitlines() if "RJ-1" in line]
    assert "older" in line and "rjfacil case restore RJ-1" in line
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 1 and "RJ-1" in out
    with (
        Vault.open(vault.home).unlock(PASSPHRASE) as again,
        pytest.raises(RjfacilError, match="older"),
    ):
        again.open_case(case.id)  # not silently: work would go on from the old copy

    code, out, err = run(capsys, *pf, "case", "restore", "RJ-1")
    assert code == 0, err
    assert run(capsys, *pf, "verify")[0] == 0
    # The newest backup holds everything but the last save.
    assert _notes(vault.home, "RJ-1") == ["the first visit", "the second visit"]


def test_an_older_copy_with_no_newer_backup_can_be_kept_as_it_is(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = vault.new_case("RJ-1")
    case.add_note("the first visit")
    old_copy = tmp_path / "old.rjv"
    shutil.copyfile(case.path, old_copy)
    case.add_note("the second visit")
    vault.close()
    shutil.copyfile(old_copy, case.path)
    for kept in (vault.home / "backups").glob(f"{case.path.name}.*"):
        kept.unlink()  # every newer version is gone too
    code, _, err = run(capsys, *pf, "cases")
    assert "no newer backup" in err.lower()
    code, out, err = run(capsys, *pf, "case", "restore", "RJ-1")
    assert code == 0, err
    assert "kept as it is" in out
    assert run(capsys, *pf, "verify")[0] == 0
    assert _notes(vault.home, "RJ-1") == ["the first visit"]


# -- a swapped case file ----------------------------------------------------------------


def test_a_case_file_swapped_for_another_cases_file_is_named_as_such(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _two_cases(vault)
    shutil.copyfile(second, first)
    code, _, err = run(capsys, *pf, "cases")
    assert code == 0
    [line] = [line for line in err.splitlines() if "RJ-1" in line]
    assert "RJ-2" in line and "rjfacil case restore RJ-1" in line
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 1
    assert any("RJ-1" in line and "RJ-2" in line for line in out.splitlines())
    code, _, err = run(capsys, *pf, "case", "restore", "RJ-1")
    assert code == 0, err
    assert run(capsys, *pf, "verify")[0] == 0
    assert _notes(vault.home, "RJ-1") == ["the first visit"]
    assert _notes(vault.home, "RJ-2") == ["a phone call"]


def _swap(first: Path, second: Path) -> None:
    parked = first.with_name("parked")
    first.rename(parked)
    second.rename(first)
    parked.rename(second)


def _kept_versions(*case_files: Path) -> list[str]:
    backups = case_files[0].parent.parent / "backups"
    return sorted(p.name for f in case_files for p in backups.glob(f"{f.name}.*"))


def test_restoring_two_swapped_case_files_puts_each_newest_version_back(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each file is its own case's newest version, found in the other's place: restore
    puts it back under its case, and no version is left where a passphrase change would
    delete it (it was: each came back from an older backup, and passwd then deleted the
    real newest versions as backups that "do not decrypt")."""
    first, second = _two_cases(vault)
    _swap(first, second)
    code, _, err = run(capsys, *pf, "cases")
    assert code == 0
    assert "RJ-1" in err and "RJ-2" in err
    for reference in ("RJ-1", "RJ-2"):
        code, out, err = run(capsys, *pf, "case", "restore", reference)
        assert code == 0, err
    assert _notes(vault.home, "RJ-1") == ["the first visit", "the second visit"]
    assert _notes(vault.home, "RJ-2") == ["a phone call"]
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 0, out
    assert "0 did not" in out
    kept = _kept_versions(first, second)
    new = tmp_path / "new.txt"
    new.write_text("a different passphrase now\n")
    assert run(capsys, *pf, "passwd", "--new-passphrase-file", str(new))[0] == 0
    assert _kept_versions(first, second) == kept
    code, out, _ = run(capsys, "--passphrase-file", str(new), "verify")
    assert code == 0 and "0 did not" in out, out


def test_restoring_only_one_of_two_swapped_files_loses_neither(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = _two_cases(vault)
    _swap(first, second)
    assert run(capsys, *pf, "case", "restore", "RJ-2")[0] == 0
    assert _notes(vault.home, "RJ-2") == ["a phone call"]
    # RJ-1's newest version is still in RJ-2's place until RJ-1 is restored too.
    code, _, err = run(capsys, *pf, "cases")
    assert code == 0
    assert "RJ-1" in err and "rjfacil case restore RJ-1" in err
    assert run(capsys, *pf, "case", "restore", "RJ-1")[0] == 0
    assert _notes(vault.home, "RJ-1") == ["the first visit", "the second visit"]
    assert run(capsys, *pf, "verify")[0] == 0


# -- a case file lost together with the manifest ----------------------------------------


def _lose_the_manifest(home: Path, how: str) -> None:
    manifest = home / "manifest.rjv"
    if how == "deleted":
        manifest.unlink()
    else:
        data = bytearray(manifest.read_bytes())
        data[-3] ^= 0x01
        manifest.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["deleted", "damaged"])
def test_a_case_file_lost_with_the_manifest_is_still_reported_and_restorable(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """Hole A: the manifest was rebuilt from the files present, the case vanished, verify
    passed and 'case restore' said "No case", though its backups were there."""
    first, _ = _two_cases(vault)
    _lose_the_manifest(vault.home, how)
    first.unlink()
    code, out, err = run(capsys, *pf, "cases")
    assert code == 0
    assert "RJ-1" in out
    [line] = [line for line in err.splitlines() if "RJ-1" in line]
    assert "missing" in line and "rjfacil case restore RJ-1" in line
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 1
    assert any(line.startswith("FAULT") and "RJ-1" in line for line in out.splitlines())
    code, out, err = run(capsys, *pf, "case", "restore", "RJ-1")
    assert code == 0, err
    assert _notes(vault.home, "RJ-1") == ["the first visit"]
    assert _notes(vault.home, "RJ-2") == ["a phone call"]
    assert run(capsys, *pf, "verify")[0] == 0


@pytest.mark.parametrize(
    "also_lost",
    [
        ["index.rjv"],  # the manifest's backups remember it
        ["backups/manifest.rjv.*"],  # the case list remembers it
        ["index.rjv", "backups/manifest.rjv.*"],  # only its own backups remember it
    ],
)
def test_any_one_witness_is_enough_to_report_a_lost_case(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], also_lost: list[str]
) -> None:
    first, _ = _two_cases(vault)
    case_id = first.stem
    home = vault.home
    (home / "manifest.rjv").unlink()
    first.unlink()
    for pattern in also_lost:
        for path in home.glob(pattern):
            path.unlink()
    code, _, err = run(capsys, *pf, "cases")
    assert code == 0
    assert any("missing" in line and "case restore" in line for line in err.splitlines()), err
    assert run(capsys, *pf, "verify")[0] == 1
    assert run(capsys, *pf, "case", "restore", case_id)[0] == 0
    assert _notes(home, "RJ-1") == ["the first visit"]
    assert run(capsys, *pf, "verify")[0] == 0


def test_verify_says_what_a_lost_manifest_can_still_catch(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    vault.close()
    code, out, _ = run(capsys, *pf, "verify")
    assert code == 0
    [limit] = [line for line in out.splitlines() if "deleted, swapped" in line]
    assert "manifest.rjv" in limit and "backups" in limit


# -- an older index ------------------------------------------------------------------------


def test_an_older_index_is_noticed_and_rebuilt(
    vault: Vault, pf: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    vault.new_case("RJ-1")
    vault.save_index()
    old_index = tmp_path / "index.rjv"
    shutil.copyfile(vault.home / "index.rjv", old_index)
    vault.new_case("RJ-2")
    vault.close()
    shutil.copyfile(old_index, vault.home / "index.rjv")
    code, out, err = run(capsys, *pf, "cases")
    assert code == 0
    assert "RJ-1" in out and "RJ-2" in out
    assert "case list" in err and "older" in err and "rebuilt" in err
    code, _, err = run(capsys, *pf, "cases")
    assert code == 0 and "older" not in err  # rebuilt: said once
