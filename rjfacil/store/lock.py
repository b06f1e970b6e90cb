"""The vault lock: one process at a time may have a vault open.

An exclusive ``flock`` on ``<home>/lock``, taken without waiting. The kernel drops
it when the process ends, however it ends, so a crash never leaves the vault
locked. The file says who holds it, for the message the next process shows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType

from rjfacil import clock
from rjfacil.errors import VaultLocked
from rjfacil.paths import PRIVATE_FILE

LOCK_NAME = "lock"


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
        """
        if self._fd is not None:
            raise RuntimeError("this VaultLock is already held")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise VaultLocked(self.home, holder) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            stamp = clock.now().isoformat(timespec="seconds")
            text = f"pid {os.getpid()} on {socket.gethostname()} since {stamp}\n"
            os.ftruncate(fd, 0)
            os.pwrite(fd, text.encode("utf-8"), 0)
        except OSError:
            # Who holds it is only a courtesy; the lock itself is what matters.
            pass
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (does nothing if not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
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


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    # Between the holder's lock and its note there is a moment with no note.
    return text.splitlines()[0] if text else "another process"
