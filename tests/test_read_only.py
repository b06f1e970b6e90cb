"""A vault on read-only media (a locked USB stick, a CD, a read-only share) or in a folder
the user may not write in opens read-only: everything can be read and exported, every
change is refused in one line naming the cause, and not one byte of the folder changes.

Each test runs against both causes, simulated (tests/readonly_helpers.py) so that it also
runs as root; one test uses a real chmod where the system enforces it.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.errors import ReadOnlyVault, VaultLocked
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE
from tests.readonly_helpers import REASONS, ReadOnlyFolder, snapshot

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(params=[errno.EROFS, errno.EACCES], ids=["media", "folder"])
def cause(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    """A vault with two cases (a participant, notes), as its owner left it."""
    home = tmp_path / "stick" / "rjfacil"
    vault, _code = Vault.create(home, PASSPHRASE, OWNER)
    with vault:
        case = vault.new_case("RJ-2026-014", summary="Damage to a garden fence.")
        case.add_participant("person_harmed", "Ann Ode")
        case.add_note("Ann would like to meet in the spring.")
        second = vault.new_case("RJ-2026-015")
        second.add_note("A first call.")
    return home


@pytest.fixture
def frozen_folder(stick: Path, cause: int, monkeypatch: pytest.MonkeyPatch) -> ReadOnlyFolder:
    return ReadOnlyFolder(stick, cause).install(monkeypatch)


@pytest.fixture
def cli(stick: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--passphrase-file", str(passphrase_file), "--data-dir", str(stick), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_the_vault_opens_read_only_and_reads_as_usual(
    stick: Path, cause: int, frozen_folder: ReadOnlyFolder
) -> None:
    before = snapshot(stick)
    with Vault.open(stick).unlock(PASSPHRASE) as vault:
        assert vault.read_only is not None
        assert vault.read_only.reason == REASONS[cause]
        assert sorted(row.reference for row in vault.list_cases()) == [
            "RJ-2026-014",
            "RJ-2026-015",
        ]
        case = vault.open_case(vault.find_case("RJ-2026-014"))
        assert [case.note_text(n.id) for n in case.notes()] == [
            "Ann would like to meet in the spring."
        ]
        assert vault.verify().ok
        with pytest.raises(ReadOnlyVault, match=REASONS[cause]):
            case.add_note("a second note")
        with pytest.raises(ReadOnlyVault, match=REASONS[cause]):
            vault.new_case("RJ-2026-016")
        # What was refused left nothing behind in memory either.
        assert len(case.notes()) == 1
        assert len(vault.list_cases()) == 2
    assert snapshot(stick) == before


def test_a_lost_case_list_is_rebuilt_in_memory_and_said_once(
    stick: Path, cause: int, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (stick / "index.rjv").unlink()
    ReadOnlyFolder(stick, cause).install(monkeypatch)
    before = snapshot(stick)
    code, out, err = cli("cases")
    assert code == 0
    assert "RJ-2026-014" in out and "RJ-2026-015" in out
    assert err.count("The case list (index.rjv) was missing") == 1
    # verify reports the lost file (something changed the folder) and still writes nothing.
    code, out, err = cli("verify")
    assert code == 1 and "The case list (index.rjv) was missing" in out + err
    assert snapshot(stick) == before


def test_a_writable_vault_is_not_read_only(vault: Vault) -> None:
    assert vault.read_only is None
    vault.new_case("RJ-1").add_note("saved")


def test_a_read_only_vault_is_still_held_by_one_opener(
    stick: Path, frozen_folder: ReadOnlyFolder
) -> None:
    door = Vault.open(stick)
    try:
        assert door.read_only is not None
        with pytest.raises(VaultLocked):
            Vault.open(stick)
    finally:
        door.release()


@pytest.mark.parametrize(
    "argv",
    [
        ["cases"],
        ["show", "RJ-2026-014"],
        ["note", "list", "RJ-2026-014"],
        ["verify"],
        ["whoami"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_reading_commands_work(
    cli: Run, stick: Path, frozen_folder: ReadOnlyFolder, argv: list[str]
) -> None:
    before = snapshot(stick)
    code, out, err = cli(*argv)
    assert code == 0, err
    assert out
    assert "Traceback" not in err
    assert snapshot(stick) == before


def test_reading_commands_show_the_case(cli: Run, frozen_folder: ReadOnlyFolder) -> None:
    code, out, _ = cli("cases")
    assert code == 0 and "RJ-2026-014" in out and "RJ-2026-015" in out
    code, out, _ = cli("note", "list", "RJ-2026-014")
    assert code == 0 and "Ann would like to meet in the spring." in out
    code, out, _ = cli("show", "RJ-2026-014")
    assert code == 0 and "Ann Ode" in out


def test_export_to_a_writable_place_works_and_says_it_is_not_in_the_history(
    cli: Run, stick: Path, tmp_path: Path, cause: int, frozen_folder: ReadOnlyFolder
) -> None:
    before = snapshot(stick)
    out_file = tmp_path / "desk" / "summary.md"
    out_file.parent.mkdir()
    code, out, err = cli("export", "RJ-2026-014", "--format", "md", "--out", str(out_file))
    assert code == 0, err
    assert "RJ-2026-014" in out
    assert out_file.exists() and stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert "not recorded in the case's history" in err and REASONS[cause] in err
    assert snapshot(stick) == before


def test_a_bundle_export_works_too(
    cli: Run, stick: Path, tmp_path: Path, frozen_folder: ReadOnlyFolder
) -> None:
    before = snapshot(stick)
    with Vault.open(stick).unlock(PASSPHRASE) as vault:
        recipient = vault.recipient
    out_file = tmp_path / "RJ-2026-014.age"
    code, out, err = cli(
        "bundle", "export", "RJ-2026-014", "--to", recipient, "--out", str(out_file)
    )
    assert code == 0, err
    assert out_file.exists() and "RJ-2026-014" in out
    assert "not recorded in the case's history" in err
    assert snapshot(stick) == before


WRITING = [
    ["case", "new", "--ref", "RJ-2026-016"],
    ["note", "add", "RJ-2026-014", "-"],
    ["participant", "add", "RJ-2026-014", "--role", "supporter", "--name", "Cy Lu"],
    ["case", "restore", "RJ-2026-014"],
    ["passwd"],
    ["recovery-code"],
    ["verify", "--rebuild-index"],
    ["restore-file", "vault.json"],
    ["restore-file", "profile.rjv"],
]


@pytest.mark.parametrize("argv", WRITING, ids=lambda argv: " ".join(argv))
def test_writing_commands_refuse_in_one_line_naming_the_cause(
    cli: Run,
    stick: Path,
    cause: int,
    frozen_folder: ReadOnlyFolder,
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a note that cannot be saved"))
    before = snapshot(stick)
    code, _out, err = cli(*argv)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    # passwd and recovery-code refuse before asking anything (no terminal here to ask).
    assert REASONS[cause] in lines[0] and "Nothing was changed" in lines[0], lines[0]
    assert "Traceback" not in err
    assert snapshot(stick) == before


def test_a_bundle_import_is_refused_before_the_file_is_read(
    cli: Run, stick: Path, tmp_path: Path, cause: int, frozen_folder: ReadOnlyFolder
) -> None:
    before = snapshot(stick)
    code, _out, err = cli("bundle", "import", str(tmp_path / "no-such-file.age"))
    assert code == 1
    assert REASONS[cause] in err
    assert snapshot(stick) == before


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="chmod does not stop root (the simulated tests above cover it)",
)
def test_a_folder_chmodded_read_only_opens_read_only(cli: Run, stick: Path) -> None:
    folders = [stick, stick / "cases", stick / "backups"]
    for folder in folders:
        folder.chmod(0o500)
    try:
        before = snapshot(stick)
        assert cli("cases")[0] == 0
        code, _out, err = cli("case", "new", "--ref", "RJ-2026-016")
        assert code == 1 and REASONS[errno.EACCES] in err
        assert snapshot(stick) == before
    finally:
        for folder in folders:
            folder.chmod(0o700)
