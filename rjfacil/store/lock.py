"""The vault lock: one process at a time may have a vault open.

An exclusive OS lock on ``<home>/lock``, taken without waiting, through filelock's
``lock_descriptor`` (the primitive under its FileLock: ``flock`` on POSIX,
``LockFileEx`` on Windows; never its SoftFileLock). The OS drops it when the process
ends, however it ends, so a crash never leaves the vault locked.

The lock file is opened here, not by the library, so that it is never opened through a
symbolic link (which would truncate the link's target) and never truncated before it
is known to be ours. The file also says who holds it, for the message the next process
shows. Windows locks byte 0 and forbids other processes to read a locked byte, so the
note starts at byte 1 on every platform.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import stat
from pathlib import Path
from types import TracebackType
from typing import Literal, overload

from filelock import lock_descriptor, unlock_descriptor

from rjfacil import clock
from rjfacil.errors import RjfacilError, VaultLocked, os_cause
from rjfacil.paths import PRIVATE_FILE

LOCK_NAME = "lock"
NOTE_OFFSET = 1  # byte 0 is the one Windows locks
# What a lock says where the system or file system has no file locks (some network shares).
_NO_LOCKS = frozenset({errno.ENOLCK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL})
_NOTE_MAX = 512


class UnsafeLockFile(RjfacilError):
    """The lock file is a link or not a plain file: rjfacil will not open or write it."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(
            f"The vault's lock file {path} is {what}, so rjfacil will not use it "
            "(it would write through it). Remove it and try again; it holds no data."
        )


class LockUnavailable(RjfacilError):
    """The system or the folder offers no file locking."""

    def __init__(self, path: Path, err: OSError) -> None:
        if err.errno in _NO_LOCKS:
            super().__init__(
                f"Cannot lock the vault at {path.parent} ({err.strerror or err}): this "
                "system or folder does not support file locks. Keep the vault on a local disk."
            )
        else:  # a lock refused for another reason: name it, not a missing feature
            super().__init__(
                f"Cannot lock the vault at {path.parent}: {os_cause(err)}. Check the disk "
                "and try again."
            )


class VaultLock:
    """An exclusive, non-blocking lock on a vault folder.

    Example:
        with VaultLock(home):
            ...  # the vault is ours
    """

    def __init__(self, home: Path) -> None:
        """Name the vault folder; nothing happens until :meth:`acquire`."""
        self.home = home
        self.path = home / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock at once or fail.

        Raises:
            VaultLocked: Another process (or another VaultLock in this one) holds it;
                the message shows the holder's pid, host and since when.
            UnsafeLockFile: The lock file is a symbolic link (or other reparse point),
                has other hard links, or is not a regular file. Nothing was written.
            LockUnavailable: The system or file system cannot lock files.
        """
        if self._fd is not None:
            raise RuntimeError("this VaultLock is already held")
        self._lock(_open_lock_file(self.path))

    def acquire_read_only(self) -> None:
        """Take the lock through a read-only handle, for a vault that cannot be written
        (read-only media, or a folder this user may not write in).

        Nothing is created or written. If there is no lock file, there is nothing to hold
        (and on read-only media no other rjfacil can be writing either).

        Raises:
            VaultLocked, UnsafeLockFile, LockUnavailable: as :meth:`acquire`.
        """
        if self._fd is not None:
            raise RuntimeError("this VaultLock is already held")
        fd = _open_lock_file(self.path, writable=False)
        if fd is not None:
            self._lock(fd)

    def _lock(self, fd: int) -> None:
        try:
            locked = lock_descriptor(fd, blocking=False)
        except OSError as err:
            os.close(fd)
            raise LockUnavailable(self.path, err) from err
        except BaseException:
            os.close(fd)
            raise
        if not locked:
            holder = _read_note(fd)
            os.close(fd)
            raise VaultLocked(self.home, holder)
        self._fd = fd
        stamp = clock.now().isoformat(timespec="seconds")
        _write_note(fd, f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n")

    def release(self) -> None:
        """Let go of the lock (does nothing if not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, NOTE_OFFSET)
            with contextlib.suppress(OSError):
                unlock_descriptor(fd)
        finally:
            # Closing drops the lock too, whatever the unlock said.
            os.close(fd)

    def __enter__(self) -> VaultLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _refuse_link(path: Path, found: os.stat_result) -> None:
    reparse = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)
    if stat.S_ISLNK(found.st_mode) or getattr(found, "st_file_attributes", 0) & reparse:
        raise UnsafeLockFile(path, "a link to somewhere else")


@overload
def _open_lock_file(path: Path) -> int: ...
@overload
def _open_lock_file(path: Path, writable: Literal[False]) -> int | None: ...


def _open_lock_file(path: Path, writable: bool = True) -> int | None:
    """Open (or create) the lock file without following a link and without truncating it.

    POSIX refuses a link in the open itself (O_NOFOLLOW). Windows has no such flag: the
    name is checked before the open, and on every platform the file opened is checked to
    be the plain, singly linked file the name now points to, before anything is written.

    Args:
        writable: Open it to write (creating it if missing); otherwise only to read, and
            None if there is none.
    """
    with contextlib.suppress(FileNotFoundError):
        _refuse_link(path, os.lstat(path))
    flags = (
        (os.O_RDWR | os.O_CREAT if writable else os.O_RDONLY)
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
    except FileNotFoundError:
        if writable:
            raise
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise UnsafeLockFile(path, "a link to somewhere else") from None
        raise
    try:
        opened = os.fstat(fd)
        named = os.lstat(path)
        _refuse_link(path, named)
        if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            raise UnsafeLockFile(path, "a link to somewhere else")
        if not stat.S_ISREG(opened.st_mode):
            raise UnsafeLockFile(path, "not a plain file")
        if opened.st_nlink > 1:
            raise UnsafeLockFile(path, "a hard link to another file")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_note(fd: int, text: str) -> None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, b"\n" + text.encode("utf-8")[: _NOTE_MAX - NOTE_OFFSET])
        os.ftruncate(fd, os.lseek(fd, 0, os.SEEK_CUR))
    except OSError:
        # Who holds it is only a courtesy; the lock itself is what matters.
        pass


def _read_note(fd: int) -> str:
    try:
        os.lseek(fd, NOTE_OFFSET, os.SEEK_SET)
        text = os.read(fd, _NOTE_MAX).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    line = text.splitlines()[0] if text else ""
    # The note is for a terminal: no control or bidirectional-override characters.
    line = "".join(ch if ch.isprintable() else "?" for ch in line)
    # Between the holder's lock and its note there is a moment with no note.
    return line or "another process"
