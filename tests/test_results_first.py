"""A command's result is committed and reported before derived data (the index).

If writing the index fails as the vault closes, the user's change is already saved: the
command exits 0 with a warning line, and the next open rebuilds the index.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from rjfacil.cli import main
from rjfacil.errors import WriteFailed
from rjfacil.vault.folder import VaultFolder
from rjfacil.workspace import Vault
from tests.conftest import PASSPHRASE


@pytest.fixture
def index_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: VaultFolder, *args: Any) -> None:
        raise WriteFailed(self.home / "index.rjv", OSError(errno.ENOSPC, "No space left"))

    monkeypatch.setattr(VaultFolder, "write_index", full)


def test_note_add_with_a_failing_index_exits_0_with_a_warning(
    vault: Vault,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    index_fails: None,
) -> None:
    case = vault.new_case("RJ-7")
    vault.close()
    capsys.readouterr()
    code = main(["--passphrase-file", str(passphrase_file), "note", "add", "RJ-7", "seen today"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip()  # the note's id: the result comes first
    assert "warning" in err and "Your change is saved" in err and "disk is full" in err
    monkeypatch.undo()
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert list(again.open_case(case.id).note_texts().values()) == ["seen today"]


def test_verify_reports_even_when_the_index_cannot_be_saved(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str], index_fails: None
) -> None:
    vault.new_case("RJ-8")
    vault.close()
    capsys.readouterr()
    code = main(["--passphrase-file", str(passphrase_file), "verify"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "verified" in out and "warning" in err


def test_the_index_is_rebuilt_at_the_next_open(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, index_fails: None
) -> None:
    vault.new_case("RJ-9")
    vault.close()
    assert vault.warnings
    monkeypatch.undo()
    with Vault.open(vault.home).unlock(PASSPHRASE) as again:
        assert [row.reference for row in again.list_cases()] == ["RJ-9"]
        assert again.warnings == []


@pytest.mark.parametrize(
    ("number", "cause"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied"),
        (errno.EROFS, "the disk is read-only"),
    ],
)
def test_a_failed_save_names_its_real_cause(number: int, cause: str) -> None:
    message = str(WriteFailed(Path("x.rjv"), OSError(number, "whatever")))
    assert cause in message
    assert ("Free some space" in message) == (number == errno.ENOSPC)


def test_verify_says_what_it_checked_and_its_limit(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for ref in ("RJ-1", "RJ-2"):
        vault.new_case(ref).add_note("a visit")
    vault.close()
    capsys.readouterr()
    code = main(["--passphrase-file", str(passphrase_file), "verify"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 of 2 case files decrypted" in out and "2 audit chains" in out
    assert "index.rjv decrypted" in out and "profile.rjv decrypted" in out
    assert "kept versions decrypted" in out
    assert "without the passphrase" in out and "rewrite" in out


def test_verify_finds_a_damaged_backup(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault.new_case("RJ-1").add_note("a visit")
    vault.close()
    kept = sorted((vault.home / "backups").glob("*.rjv.1"))[0]
    kept.write_bytes(kept.read_bytes()[:-3])
    capsys.readouterr()
    code = main(["--passphrase-file", str(passphrase_file), "verify"])
    out = capsys.readouterr().out
    assert code == 0  # no file in use is at fault
    assert f"BACKUP FAULT {kept}" in out and "1 did not" in out


# -- the command line ----------------------------------------------------------------------


def test_a_short_id_prefix_is_refused_and_a_reference_wins(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from uuid import UUID

    import rjfacil.workspace as workspace
    from rjfacil.errors import NotFound

    named = vault.new_case("beef")  # a reference made before any id started with it
    monkeypatch.setattr(workspace, "uuid4", lambda: UUID("beef0000-0000-4000-8000-000000000001"))
    case = vault.new_case("RJ-1")
    assert vault.find_case("beef") == named.id
    assert vault.find_case("beef0") == case.id
    with pytest.raises(NotFound, match="at least 4"):
        vault.find_case(str(case.id)[:1])


def test_an_ambiguous_prefix_lists_the_matches(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from uuid import UUID

    import rjfacil.workspace as workspace
    from rjfacil.errors import NotFound

    ids = iter([UUID(f"abcd0000-0000-4000-8000-00000000000{n}") for n in (1, 2)])
    monkeypatch.setattr(workspace, "uuid4", lambda: next(ids))
    a = vault.new_case("RJ-A")
    b = vault.new_case("RJ-B")
    with pytest.raises(NotFound, match=r"RJ-A.*RJ-B"):
        vault.find_case("abcd")
    assert vault.find_case("abcd0000-0000-4000-8000-000000000002") == b.id
    assert a.id != b.id


def test_a_non_utf8_passphrase_file_is_one_line(
    vault: Vault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault.close()
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("pässphrase\n".encode("latin-1"))
    code = main(["--passphrase-file", str(bad), "cases"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "not UTF-8" in err


def test_stdin_is_refused_once_past_the_limit_without_reading_it_all(
    vault: Vault,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    import rjfacil.cli as cli

    vault.new_case("RJ-1")
    vault.close()
    read = 0

    class Endless(io.RawIOBase):
        def readinto(self, buffer: Any) -> int:
            nonlocal read
            buffer[:] = b"x" * len(buffer)
            read += len(buffer)
            return len(buffer)

        def readable(self) -> bool:
            return True

    stdin = io.TextIOWrapper(io.BufferedReader(Endless()))
    monkeypatch.setattr(cli.sys, "stdin", stdin)
    code = main(["--passphrase-file", str(passphrase_file), "note", "add", "RJ-1", "-"])
    assert code == 1 and "too long" in capsys.readouterr().err
    assert read <= cli.NOTE_MAX_CHARS * 4 + 2 * cli._CHUNK + 16 * 1024


def test_note_add_names_the_case_and_help_recommends_stdin(
    vault: Vault, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault.new_case("RJ-1")
    vault.close()
    capsys.readouterr()
    assert main(["--passphrase-file", str(passphrase_file), "note", "add", "RJ-1", "hi"]) == 0
    assert capsys.readouterr().err.strip() == "Added a note to RJ-1."
    with pytest.raises(SystemExit):
        main(["note", "add", "--help"])
    assert "standard input (recommended" in capsys.readouterr().out
