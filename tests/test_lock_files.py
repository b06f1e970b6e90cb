"""The lock file is never opened through a link, and what cannot be locked is said in one line.

Issue 9: the lock file followed symbolic links and truncated their target (the holder's
note was written over whatever the link pointed at).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from rjfacil.cli import main
from rjfacil.errors import VaultLocked
from rjfacil.store import lock as lock_module
from rjfacil.store.lock import LockUnavailable, UnsafeLockFile, VaultLock
from rjfacil.workspace import Vault

PRECIOUS = "years of case notes\n"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def precious(tmp_path: Path) -> Path:
    path = tmp_path / "precious.txt"
    path.write_text(PRECIOUS)
    return path


def assert_one_line_naming(error: Exception, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert str(path) in message


def test_a_symlinked_lock_file_is_refused_and_its_target_left_untouched(
    home: Path, precious: Path
) -> None:
    (home / "lock").symlink_to(precious)
    with pytest.raises(UnsafeLockFile, match="link") as caught:
        VaultLock(home).acquire()
    assert_one_line_naming(caught.value, home / "lock")
    assert precious.read_text() == PRECIOUS


def test_a_dangling_symlink_creates_nothing_at_its_target(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "made-by-the-lock"
    (home / "lock").symlink_to(target)
    with pytest.raises(UnsafeLockFile):
        VaultLock(home).acquire()
    assert not target.exists()


def test_a_hard_linked_lock_file_is_refused(home: Path, precious: Path) -> None:
    os.link(precious, home / "lock")
    with pytest.raises(UnsafeLockFile, match="hard link"):
        VaultLock(home).acquire()
    assert precious.read_text() == PRECIOUS


def test_a_lock_file_that_is_not_a_plain_file_is_refused(home: Path) -> None:
    os.mkfifo(home / "lock")
    with pytest.raises(UnsafeLockFile, match="not a plain file"):
        VaultLock(home).acquire()


def test_without_o_nofollow_the_link_is_refused_before_opening(
    home: Path, precious: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no O_NOFOLLOW: the name is checked before the open."""
    monkeypatch.delattr(os, "O_NOFOLLOW")
    (home / "lock").symlink_to(precious)
    opened: list[object] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    with pytest.raises(UnsafeLockFile):
        VaultLock(home).acquire()
    assert opened == []
    assert precious.read_text() == PRECIOUS


def test_a_link_swapped_in_after_the_check_is_caught_before_anything_is_written(
    home: Path, precious: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without O_NOFOLLOW a link may appear between the check and the open."""
    monkeypatch.delattr(os, "O_NOFOLLOW")
    lock_path = home / "lock"
    lock_path.write_bytes(b"")
    real_open = os.open

    def swap_then_open(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == lock_path:
            os.unlink(lock_path)
            lock_path.symlink_to(precious)
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", swap_then_open)
    with pytest.raises(UnsafeLockFile):
        VaultLock(home).acquire()
    assert precious.read_text() == PRECIOUS


def test_the_cli_refuses_a_symlinked_lock_in_one_line(
    vault: Vault, precious: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault.close()
    lock_path = vault.home / "lock"
    lock_path.unlink(missing_ok=True)
    lock_path.symlink_to(precious)
    code = main(["--passphrase-file", str(passphrase_file), "cases"])
    _out, err = capsys.readouterr()
    assert code != 0
    assert len(err.strip().splitlines()) == 1 and "lock file" in err, err
    assert precious.read_text() == PRECIOUS


def test_a_system_without_file_locks_is_refused_in_one_line(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(fd: int, *, blocking: bool = True) -> bool:
        raise OSError(errno.ENOSYS, "Function not implemented")

    monkeypatch.setattr(lock_module, "lock_descriptor", no_locks)
    with pytest.raises(LockUnavailable) as caught:
        VaultLock(home).acquire()
    assert_one_line_naming(caught.value, home)
    # Nothing is held, so nothing is left open or locked.
    monkeypatch.undo()
    with VaultLock(home) as held:
        assert held.held


def test_a_holder_note_is_shown_without_control_characters(home: Path) -> None:
    with VaultLock(home) as held:
        fd = os.open(held.path, os.O_WRONLY)
        os.write(fd, "\npid 1 on \x1b]0;owned\x07host\u202e since now\n".encode())
        os.close(fd)
        with pytest.raises(VaultLocked) as caught:
            VaultLock(home).acquire()
    message = str(caught.value)
    assert "pid 1 on ?]0;owned?host? since now" in message
