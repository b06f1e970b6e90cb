"""Durable writes on file systems and platforms other than this one, each branch by name.

- No hard links (FAT/exFAT USB sticks; issue 9: every save failed): the previous
  version is copied into backups/ instead.
- macOS: ``fsync`` leaves data in the drive's cache; ``F_FULLFSYNC`` is asked for.
- Windows: a folder cannot be synced (skipped), files are opened binary, and a rename
  that another program blocks for a moment is retried.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from rjfacil.errors import WriteFailed
from rjfacil.store import durable

OLDER = b"the version before"
OLD = b"previous version"
NEW = b"new version\r\n\x1a with bytes a text mode would change\n"


def accept(_written: bytes) -> None:
    return None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def backups(folder: Path) -> Path:
    return folder / "backups"


@pytest.fixture
def target(folder: Path, backups: Path) -> Path:
    path = folder / "index.rjv"
    for data in (OLDER, OLD):
        durable.durable_write(path, data, verify=accept, backups_dir=backups)
    return path


def kept(target: Path, backups: Path) -> list[bytes]:
    return [p.read_bytes() for p in durable.backups_of(target, backups)]


def leftovers(*folders: Path) -> list[Path]:
    return [p for f in folders if f.exists() for p in f.iterdir() if p.name.endswith(".tmp")]


def is_dir(fd: int) -> bool:
    return stat.S_ISDIR(os.fstat(fd).st_mode)


@pytest.fixture
def no_hard_links(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """link() fails as Linux's vfat and exfat drivers fail it."""
    tried: list[object] = []

    def refuse(source: object, *_args: object, **_kwargs: object) -> None:
        tried.append(source)
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "link", refuse)
    return tried


# -- no hard links ---------------------------------------------------------------------


def test_saving_works_without_hard_links(
    target: Path, folder: Path, backups: Path, no_hard_links: list[object]
) -> None:
    durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert no_hard_links, "the test must reach the link step"
    assert target.read_bytes() == NEW
    assert kept(target, backups) == [OLD, OLDER]
    assert leftovers(folder, backups) == []
    for backup in durable.backups_of(target, backups):
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        # A copy, not a second name for the current file.
        assert backup.stat().st_ino != target.stat().st_ino


@pytest.mark.parametrize(
    "err", [errno.EPERM, errno.ENOTSUP, errno.EINVAL, errno.ENOSYS], ids=errno.errorcode.get
)
def test_every_way_of_saying_no_links_falls_back_to_a_copy(
    err: int, target: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(os, "link", refuse)
    durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert kept(target, backups) == [OLD, OLDER]


def test_a_platform_without_os_link_saves_too(
    target: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "link")
    durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert kept(target, backups) == [OLD, OLDER]


def test_five_versions_are_kept_without_hard_links(
    target: Path, backups: Path, no_hard_links: list[object]
) -> None:
    versions = [b"version %d" % n for n in range(1, 9)]
    for data in versions:
        durable.durable_write(target, data, verify=accept, backups_dir=backups)
    assert target.read_bytes() == versions[-1]
    assert kept(target, backups) == versions[-2:-7:-1]


def _failing_replace(
    monkeypatch: pytest.MonkeyPatch, fails: Callable[[Path, Path], bool]
) -> list[tuple[Path, Path]]:
    real = os.replace
    seen: list[tuple[Path, Path]] = []

    def replace(source: object, destination: object) -> None:
        pair = (Path(str(source)), Path(str(destination)))
        seen.append(pair)
        if fails(*pair):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    return seen


def test_a_failed_save_without_hard_links_puts_everything_back(
    target: Path,
    folder: Path,
    backups: Path,
    no_hard_links: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing_replace(monkeypatch, lambda source, dest: dest == target and source.parent == folder)
    with pytest.raises(WriteFailed):
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert kept(target, backups) == [OLDER]
    assert leftovers(folder, backups) == []


def test_a_failed_copy_of_the_previous_version_leaves_nothing_behind(
    target: Path,
    folder: Path,
    backups: Path,
    no_hard_links: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing_replace(monkeypatch, lambda _source, dest: dest == backups / "index.rjv.1")
    with pytest.raises(WriteFailed):
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert kept(target, backups) == [OLDER]
    assert leftovers(folder, backups) == []


def test_the_copy_is_made_where_the_next_open_removes_it_after_a_crash(
    target: Path,
    folder: Path,
    backups: Path,
    no_hard_links: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kill mid-copy leaves a temporary file beside the vault file, as a kill mid-write
    does; remove_orphans (run at every open) removes both."""
    real = durable._create_temp
    made: list[Path] = []

    def create(where: Path, name: str) -> tuple[int, Path]:
        fd, temp = real(where, name)
        made.append(temp)
        return fd, temp

    monkeypatch.setattr(durable, "_create_temp", create)
    durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert len(made) == 2, "one for the new version, one for the copy of the previous"
    for temp in made:
        temp.write_bytes(b"ciphertext left by a crash")
    assert sorted(durable.remove_orphans(folder)) == sorted(made)


def test_a_real_disk_error_from_link_still_fails_the_save(
    target: Path, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "link", broken)
    with pytest.raises(WriteFailed):
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert kept(target, backups) == [OLDER]


# -- macOS: F_FULLFSYNC ----------------------------------------------------------------


class FakeFcntl(types.ModuleType):
    """The fcntl of macOS, as far as durable.py uses it; it really syncs."""

    F_FULLFSYNC = 51

    def __init__(self, refuse: int | None = None) -> None:
        super().__init__("fcntl")
        self.refuse = refuse
        self.calls: list[tuple[str, int]] = []

    def fcntl(self, fd: int, command: int) -> int:
        self.calls.append(("dir" if is_dir(fd) else "file", command))
        if self.refuse is not None:
            raise OSError(self.refuse, os.strerror(self.refuse))
        os.fsync(fd)
        return 0


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    real = os.fsync
    seen: list[str] = []

    def spy(fd: int) -> None:
        seen.append("dir" if is_dir(fd) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def test_on_macos_the_file_and_the_folder_are_flushed_with_f_fullfsync(
    target: Path, backups: Path, fsyncs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeFcntl()
    monkeypatch.setitem(sys.modules, "fcntl", fake)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "darwin")
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert fake.calls == [("file", 51), ("dir", 51)]
    # The fake syncs through os.fsync; nothing was synced by fsync alone.
    assert fsyncs == ["file", "dir"]


@pytest.mark.parametrize("err", [errno.ENOTSUP, errno.EINVAL], ids=errno.errorcode.get)
def test_on_macos_a_file_system_refusing_f_fullfsync_gets_fsync(
    err: int, target: Path, backups: Path, fsyncs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeFcntl(refuse=err)
    monkeypatch.setitem(sys.modules, "fcntl", fake)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "darwin")
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert [kind for kind, _ in fake.calls] == ["file", "dir"]
    assert fsyncs == ["file", "dir"]


def test_elsewhere_fsync_is_used_and_fcntl_is_not_asked(
    target: Path, backups: Path, fsyncs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeFcntl()
    monkeypatch.setitem(sys.modules, "fcntl", fake)
    monkeypatch.setattr(sys, "platform", "linux")
    durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert fake.calls == []
    assert fsyncs == ["file", "dir"]


# -- Windows ---------------------------------------------------------------------------

FAKE_O_BINARY = 1 << 30  # no meaning to Linux's open(): stripped before the real call


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Give os an O_BINARY, as Windows' has, and record each open's flags."""
    monkeypatch.setattr(os, "O_BINARY", FAKE_O_BINARY, raising=False)
    real = os.open
    seen: list[tuple[str, int]] = []

    def spy(path: object, flags: int, *args: object, **kwargs: object) -> int:
        seen.append((os.fspath(path), flags))  # type: ignore[arg-type]
        return real(path, flags & ~FAKE_O_BINARY, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    return seen


def test_on_windows_the_folder_is_not_synced_and_files_are_opened_binary(
    target: Path,
    folder: Path,
    backups: Path,
    fsyncs: list[str],
    opens: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "win32")
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert fsyncs == ["file"]
    assert opens, "the write opens files"
    assert all(flags & FAKE_O_BINARY for _, flags in opens), opens
    assert str(folder) not in [path for path, _ in opens]


def test_on_windows_a_copied_backup_is_binary_too(
    target: Path,
    backups: Path,
    no_hard_links: list[object],
    opens: list[tuple[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "win32")
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
        durable.durable_write(target, OLD, verify=accept, backups_dir=backups)
    assert kept(target, backups) == [NEW, OLD, OLDER]
    assert all(flags & FAKE_O_BINARY for _, flags in opens), opens


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry's pauses, recorded instead of slept."""
    seen: list[float] = []
    monkeypatch.setattr(durable, "time", types.SimpleNamespace(sleep=seen.append))
    return seen


def _busy_replace(monkeypatch: pytest.MonkeyPatch, target: Path, times: int) -> None:
    """os.replace onto ``target`` fails as Windows fails it while a scanner has it open."""
    real = os.replace
    left = [times]

    def replace(source: object, destination: object) -> None:
        if Path(str(destination)) == target and left[0] > 0:
            left[0] -= 1
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        real(source, destination)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)


def test_on_windows_a_rename_blocked_for_a_moment_is_retried(
    target: Path, backups: Path, pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_replace(monkeypatch, target, times=2)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "win32")
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    assert target.read_bytes() == NEW
    assert kept(target, backups) == [OLD, OLDER]
    assert pauses == list(durable._WINDOWS_RETRY_PAUSES[:2])


def test_on_windows_a_rename_blocked_for_good_fails_and_keeps_the_previous_version(
    target: Path, folder: Path, backups: Path, pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_replace(monkeypatch, target, times=1000)
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "win32")
        with pytest.raises(WriteFailed):
            durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert kept(target, backups) == [OLDER]
    assert leftovers(folder, backups) == []
    assert pauses == list(durable._WINDOWS_RETRY_PAUSES)


def test_elsewhere_a_refused_rename_is_not_retried(
    target: Path, backups: Path, pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    _busy_replace(monkeypatch, target, times=1)
    monkeypatch.setattr(sys, "platform", "linux")
    with pytest.raises(WriteFailed):
        durable.durable_write(target, NEW, verify=accept, backups_dir=backups)
    monkeypatch.undo()
    assert pauses == []
    assert target.read_bytes() == OLD
