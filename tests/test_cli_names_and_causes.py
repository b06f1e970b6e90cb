"""Every command says which case it acted on, and every failure names its real cause:
permission, a full disk, read-only media, another rjfacil holding the vault, a failing
disk. Each cause is made by refusing the system calls it would refuse (so the tests also
run as root), and each message is checked for its cause and against the others."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.workspace import Vault
from tests.conftest import OWNER, PASSPHRASE
from tests.readonly_helpers import ReadOnlyFolder, snapshot

Run = Callable[..., tuple[int, str, str]]
REF = "RJ-2026-014"

CAUSES = {
    errno.ENOSPC: "the disk is full",
    errno.EACCES: "permission denied",
    errno.EROFS: "read-only",
    errno.EIO: "the disk reported an error",
}


def _only_cause(message: str, number: int) -> None:
    """``message`` names the cause of ``number``, and no other cause."""
    assert CAUSES[number] in message, message
    for other, words in CAUSES.items():
        if other != number:
            assert words not in message, message
    assert "Free some space" not in message or number == errno.ENOSPC, message


@pytest.fixture
def cli(vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    case = vault.new_case(REF)
    case.add_participant("person_harmed", "Ann Ode")
    vault.close()

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--passphrase-file", str(passphrase_file), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


# -- naming the case -----------------------------------------------------------------------


def test_note_add_says_which_case(cli: Run) -> None:
    code, out, err = cli("note", "add", REF, "hi")
    assert code == 0
    assert err.strip() == f"Added a note to {REF}."
    assert len(out.strip()) == 36  # the note's id, for scripts


def test_case_new_says_which_case(cli: Run) -> None:
    code, out, err = cli("case", "new", "--ref", "RJ-2026-015")
    assert code == 0
    assert len(out.strip()) == 36  # the id alone on stdout, for scripts
    assert err.strip() == "Created case RJ-2026-015."


@pytest.mark.parametrize(
    "argv",
    [
        ["participant", "add", REF, "--role", "supporter", "--name", "Cy Lu"],
        ["export", REF, "--format", "md", "--out", "{tmp}/summary.md"],
        ["bundle", "export", REF, "--to", "{recipient}", "--out", "{tmp}/case.age"],
        ["case", "restore", REF],
        ["show", REF],
        ["note", "list", REF],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_each_command_on_a_case_names_it(
    cli: Run, vault_home: Path, tmp_path: Path, argv: list[str]
) -> None:
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        recipient = vault.recipient
        vault.open_case(vault.find_case(REF)).add_note("so that a backup exists")
    filled = [a.format(tmp=tmp_path, recipient=recipient) for a in argv]
    code, out, err = cli(*filled)
    assert code == 0, err
    assert REF in out + err


def test_case_restore_names_the_case_not_its_file(cli: Run, vault_home: Path) -> None:
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case_id = vault.find_case(REF)
        vault.open_case(case_id).add_note("so that a backup exists")
    code, out, _err = cli("case", "restore", REF)
    assert code == 0
    assert out.startswith(f"Restored case {REF} from its newest good backup")
    assert str(case_id) not in out


# -- naming the cause ------------------------------------------------------------------------


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_init_names_why_it_could_not_make_the_folder(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    number: int,
) -> None:
    parent = tmp_path / "disk"
    parent.mkdir()
    ReadOnlyFolder(parent, number).install(monkeypatch)
    home = parent / "rjfacil"
    code = main(
        [
            "--passphrase-file",
            str(passphrase_file),
            "--data-dir",
            str(home),
            "init",
            "--name",
            OWNER,
        ]
    )
    _out, err = capsys.readouterr()
    assert code == 1
    line = err.strip().splitlines()[-1]
    assert str(home) in line
    _only_cause(line, number)


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EIO])
def test_a_failed_note_save_names_its_cause(
    cli: Run, vault_home: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    ReadOnlyFolder(vault_home / "cases", number).install(monkeypatch)
    before = snapshot(vault_home / "cases")
    code, out, err = cli("note", "add", REF, "not saved")
    assert code == 1 and out == ""
    [line] = err.strip().splitlines()
    _only_cause(line, number)
    assert "Nothing was lost" in line
    assert snapshot(vault_home / "cases") == before


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_bundle_export_names_why_it_could_not_write(
    cli: Run, vault_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int
) -> None:
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        recipient = vault.recipient
    desk = tmp_path / "desk"
    desk.mkdir()
    ReadOnlyFolder(desk, number).install(monkeypatch)
    code, _out, err = cli("bundle", "export", REF, "--to", recipient, "--out", str(desk / "x.age"))
    assert code == 1
    [line] = err.strip().splitlines()
    assert "x.age" in line
    _only_cause(line, number)
    assert os.listdir(desk) == []


def test_a_case_file_the_disk_cannot_read_says_so(
    cli: Run, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Vault.open(vault_home).unlock(PASSPHRASE) as vault:
        case_file = vault.files.case_path(vault.find_case(REF))[0]
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self == case_file:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    code, _out, err = cli("show", REF)
    assert code == 1
    [line] = err.strip().splitlines()
    _only_cause(line, errno.EIO)


def test_a_vault_held_by_another_rjfacil_says_so(cli: Run, vault_home: Path) -> None:
    door = Vault.open(vault_home)
    try:
        code, _out, err = cli("note", "add", REF, "not now")
    finally:
        door.release()
    assert code == 1
    [line] = err.strip().splitlines()
    assert "open in another rjfacil" in line and f"pid {os.getpid()}" in line
    for words in CAUSES.values():
        assert words not in line


def test_an_unexpected_system_error_names_its_cause_and_file(
    cli: Run, vault_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening the vault when even its lock file cannot be made: the disk is full.
    (vault_home / "lock").unlink()
    ReadOnlyFolder(vault_home, errno.ENOSPC).install(monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, _out, err = cli("cases")
    assert code == 1
    [line] = err.strip().splitlines()
    assert str(vault_home) in line
    _only_cause(line, errno.ENOSPC)


@pytest.mark.parametrize(
    ("number", "words"),
    [(errno.ENOLCK, "does not support file locks"), (errno.EIO, "the disk reported an error")],
)
def test_a_lock_that_fails_names_why(
    cli: Run, monkeypatch: pytest.MonkeyPatch, number: int, words: str
) -> None:
    from rjfacil.store import lock as lock_module

    def failing(fd: int, *, blocking: bool = True) -> bool:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(lock_module, "lock_descriptor", failing)
    code, _out, err = cli("cases")
    assert code == 1
    [line] = err.strip().splitlines()
    assert words in line
    assert ("does not support file locks" in line) == (number == errno.ENOLCK)


def test_note_add_help_recommends_stdin_or_the_app_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["note", "add", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Give - and type or pipe the text in" in text
    assert "write the note in the app" in text
    assert "process list" in text and "shell history" in text


def test_the_readme_recommends_stdin_or_the_app_for_notes() -> None:
    readme = " ".join((Path(__file__).resolve().parents[1] / "README.md").read_text().split())
    assert "pipe it in with `-`, or write it in the app" in readme
    assert "process list" in readme and "shell history" in readme
