"""Durable writes: whatever fails, the previous version is intact and nothing is left over."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from rjfacil.errors import WriteFailed
from rjfacil.store import durable

OLDER = b"the version before " * 100
OLD = b"previous version " * 100
NEW = b"new version " * 200


def accept(_written: bytes) -> None:
    return None


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "vault"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def target(folder: Path) -> Path:
    path = folder / "index.rjv"
    for data in (OLDER, OLD):
        durable.durable_write(path, data, verify=accept, backups_dir=folder / "backups")
    return path


def kept(target: Path) -> list[bytes]:
    return [p.read_bytes() for p in durable.backups_of(target, target.parent / "backups")]


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def assert_one_clear_line(error: WriteFailed, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert path.name in message
    assert "previous version is intact" in message


def test_write_replaces_and_keeps_the_previous_version(target: Path, folder: Path) -> None:
    durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
    assert target.read_bytes() == NEW
    assert kept(target) == [OLD, OLDER]
    assert temp_files(folder) == []


def test_files_and_folders_are_private(target: Path, folder: Path) -> None:
    durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "backups").stat().st_mode) == 0o700
    for backup in durable.backups_of(target, folder / "backups"):
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600


@pytest.mark.parametrize("umask", [0o000, 0o277])
def test_a_file_is_exactly_0600_whatever_the_umask(target: Path, folder: Path, umask: int) -> None:
    """Never readable by others (umask 0), and never read-only to its owner (umask 277)."""
    old = os.umask(umask)
    try:
        durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
        durable.write_private_file(folder / "case.age", NEW)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "case.age").stat().st_mode) == 0o600
    assert (folder / "case.age").read_bytes() == NEW


def test_verify_sees_the_bytes_on_disk(target: Path, folder: Path) -> None:
    seen: list[bytes] = []
    durable.durable_write(target, NEW, verify=seen.append, backups_dir=folder / "backups")
    assert seen == [NEW]


def test_a_failed_verify_changes_nothing(target: Path, folder: Path) -> None:
    def refuse(_written: bytes) -> None:
        raise ValueError("does not decrypt")

    with pytest.raises(WriteFailed) as caught:
        durable.durable_write(target, NEW, verify=refuse, backups_dir=folder / "backups")
    assert_one_clear_line(caught.value, target)
    assert target.read_bytes() == OLD
    assert kept(target) == [OLDER]
    assert temp_files(folder) == []


def _failing_on(call: str, err: int, folder: Path) -> Callable[..., object]:
    """A stand-in for ``os.<call>`` that fails as the disk would."""
    real = getattr(os, call)

    def fail(*args: object, **kwargs: object) -> object:
        if call == "fsync":
            # Separate the file's fsync from the folder's.
            is_dir = stat.S_ISDIR(os.fstat(args[0]).st_mode)  # type: ignore[arg-type]
            if is_dir != fail.on_dir:  # type: ignore[attr-defined]
                return real(*args, **kwargs)
        raise OSError(err, os.strerror(err))

    fail.on_dir = False  # type: ignore[attr-defined]
    return fail


STEPS = ["write", "fsync-file", "link", "replace", "fsync-folder"]


@pytest.mark.parametrize("err", [errno.EIO, errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
@pytest.mark.parametrize("step", STEPS)
def test_a_failure_at_any_step_keeps_the_previous_version(
    step: str, err: int, target: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    call = step.split("-")[0]
    fake = _failing_on(call, err, folder)
    fake.on_dir = step == "fsync-folder"  # type: ignore[attr-defined]
    monkeypatch.setattr(os, call, fake)
    with pytest.raises(WriteFailed) as caught:
        durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
    monkeypatch.undo()
    assert target.read_bytes() == OLD
    assert kept(target) == [OLDER]
    assert temp_files(folder) == []
    assert_one_clear_line(caught.value, target)
    if err in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        assert "disk is full" in str(caught.value)
    # The next write works once the disk does.
    durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
    assert target.read_bytes() == NEW


def test_folder_fsync_failure_on_a_first_write_leaves_no_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _failing_on("fsync", errno.EIO, folder)
    fake.on_dir = True  # type: ignore[attr-defined]
    monkeypatch.setattr(os, "fsync", fake)
    path = folder / "new.rjv"
    with pytest.raises(WriteFailed):
        durable.durable_write(path, NEW, verify=accept, backups_dir=folder / "backups")
    assert not path.exists()
    assert temp_files(folder) == []


def test_short_writes_are_completed(
    target: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data)[:7]))
    durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups")
    monkeypatch.undo()
    assert target.read_bytes() == NEW


FULL_DISK_CHILD = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from rjfacil.errors import WriteFailed
    from rjfacil.store.durable import durable_write

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    path = Path(sys.argv[1])
    try:
        durable_write(
            path, b"x" * 200_000, verify=lambda b: None, backups_dir=path.parent / "backups"
        )
    except WriteFailed as error:
        print(error)
        sys.exit(3)
    """
)


def test_a_real_full_disk(target: Path, folder: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3, result.stderr
    line = result.stdout.strip()
    assert "\n" not in line
    assert "disk is full" in line and target.name in line
    assert target.read_bytes() == OLD
    assert temp_files(folder) == []


def test_five_backups_kept_newest_first(target: Path, folder: Path) -> None:
    backups = folder / "backups"
    versions = [b"version %d" % n for n in range(1, 9)]
    for data in versions:
        durable.durable_write(target, data, verify=accept, backups_dir=backups)
    found = durable.backups_of(target, backups)
    assert [p.name for p in found] == [f"index.rjv.{n}" for n in range(1, 6)]
    # The current file is version 8; the backups are 7, 6, 5, 4, 3.
    assert target.read_bytes() == versions[-1]
    assert [p.read_bytes() for p in found] == versions[-2:-7:-1]


def test_keep_must_be_at_least_one(target: Path, folder: Path) -> None:
    with pytest.raises(ValueError):
        durable.durable_write(target, NEW, verify=accept, backups_dir=folder / "backups", keep=0)
    assert target.read_bytes() == OLD


def test_keep_can_be_changed(target: Path, folder: Path) -> None:
    backups = folder / "backups"
    for n in range(4):
        durable.durable_write(target, b"%d" % n, verify=accept, backups_dir=backups, keep=2)
    assert [p.read_bytes() for p in durable.backups_of(target, backups)] == [b"2", b"1"]


def test_backups_of_a_file_never_written() -> None:
    assert durable.backups_of(Path("/nowhere/x.rjv"), Path("/nowhere/backups")) == []


def test_orphans_are_removed_and_nothing_else(target: Path, folder: Path) -> None:
    orphan = folder / ".index.rjv.1a2b3c.tmp"
    orphan.write_bytes(b"ciphertext")
    keeper = folder / "notes.tmp"
    keeper.write_bytes(b"not ours")
    removed = durable.remove_orphans(folder)
    assert removed == [orphan]
    assert not orphan.exists()
    assert keeper.exists() and target.exists()
