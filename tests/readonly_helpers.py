"""A vault folder that cannot be written, as read-only media or a folder without write
permission makes it: every call that would create, change or remove something in it
fails with the error the system gives (EROFS or EACCES).

Made by refusing those calls in the ``os`` and ``io`` modules for paths inside the folder,
so the tests also run as root (whom chmod does not stop) and on any file system. Reads
and descriptors already open are left alone.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every name under ``folder`` with its bytes (None for a folder)."""
    return {
        str(path.relative_to(folder)): (path.read_bytes() if path.is_file() else None)
        for path in sorted(folder.rglob("*"))
    }


class ReadOnlyFolder:
    """Make ``root`` read-only for this process until the monkeypatch is undone.

    Args:
        root: The folder.
        code: errno.EROFS (read-only media) or errno.EACCES (no permission to write).
    """

    def __init__(self, root: Path, code: int = errno.EROFS) -> None:
        self.root = os.path.abspath(root)
        self.code = code
        self.refusals = 0

    def inside(self, path: Any) -> bool:
        if isinstance(path, int):
            return False
        try:
            where = os.path.abspath(os.fspath(path))
        except TypeError:
            return False
        return where == self.root or where.startswith(self.root + os.sep)

    def refuse(self, path: Any) -> None:
        self.refusals += 1
        raise OSError(self.code, os.strerror(self.code), os.fspath(path))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> ReadOnlyFolder:
        real_open = os.open
        real_io_open = io.open

        def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & _WRITE_FLAGS and self.inside(path):
                self.refuse(path)
            return real_open(path, flags, *args, **kwargs)

        def guarded_io_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(ch in mode for ch in "wax+") and self.inside(file):
                self.refuse(file)
            return real_io_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(os, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_io_open)
        monkeypatch.setattr(builtins, "open", guarded_io_open)
        for name in ("mkdir", "unlink", "remove", "rmdir", "chmod", "utime", "truncate"):
            monkeypatch.setattr(os, name, self._one_path(getattr(os, name)))
        for name in ("replace", "rename", "link", "symlink"):
            monkeypatch.setattr(os, name, self._two_paths(getattr(os, name)))
        return self

    def _one_path(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
            if self.inside(path):
                self.refuse(path)
            return real(path, *args, **kwargs)

        return guarded

    def _two_paths(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def guarded(source: Any, target: Any, *args: Any, **kwargs: Any) -> Any:
            for path in (source, target):
                if self.inside(path):
                    self.refuse(path)
            return real(source, target, *args, **kwargs)

        return guarded


REASONS = {
    errno.EROFS: "the vault is on read-only media",
    errno.EACCES: "the vault is in a read-only folder",
}
