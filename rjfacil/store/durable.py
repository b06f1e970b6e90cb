"""Durable file replacement: a crash at any instant leaves the old or the new version.

A write goes to a private temporary file beside the target, is flushed to disk,
read back and verified, and only then renamed over the target; the folder is
synced so the rename itself survives a power cut. The previous version is kept in
a backups folder as a hard link (no copy, so the cost does not grow with the
vault), or as a copy where the file system has no hard links (FAT, exFAT). Any
failure leaves the previous version byte-identical and raises one
:class:`~rjfacil.errors.WriteFailed`.

Each platform difference is one small named function, decided when it runs so tests
can take the other platform's branch: :func:`sync_file` (macOS flushes the drive's
cache only with ``F_FULLFSYNC``), :func:`fsync_folder` (Windows cannot sync a folder),
:func:`_replace` (on Windows another program briefly holding the file makes a rename
fail) and :func:`_keep_previous` (no hard links). Files are opened binary (Windows'
``os.open`` would otherwise translate line endings in the ciphertext).

Every system call goes through the ``os`` module so tests can inject faults.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rjfacil.errors import WriteFailed
from rjfacil.paths import PRIVATE_FILE, ensure_private_dir

TEMP_PREFIX = "."
TEMP_SUFFIX = ".tmp"
DEFAULT_KEEP = 5
_CHUNK = 1 << 20
# A rename on Windows fails while another program (a virus scanner, a search indexer, a
# sync client) has the file open for a moment: try again for about a second.
_WINDOWS_RETRY_PAUSES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4)
# What link() says where the file system has no hard links: EPERM (Linux vfat, exfat),
# ENOTSUP/EOPNOTSUPP (macOS msdos, exfat, smbfs), EINVAL (Windows' ERROR_INVALID_FUNCTION
# and ERROR_NOT_SUPPORTED), ENOSYS; EMLINK when a file has all the links it may have.
NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS, errno.EMLINK}
)


def _open_flags(flags: int) -> int:
    """``flags`` plus close-on-exec where it exists and binary mode on Windows."""
    return flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    """A new private file beside ``name``: exclusive, and exactly 0600 whatever the umask."""
    flags = _open_flags(os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    while True:
        # The name is cut so that a long one (an export's, say) still fits the system's limit.
        temp = folder / f"{TEMP_PREFIX}{name[:60]}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            fd = os.open(temp, flags, PRIVATE_FILE)
        except FileExistsError:
            continue
        if hasattr(os, "fchmod"):  # not on Windows, where modes mean only read-only
            try:
                os.fchmod(fd, PRIVATE_FILE)
            except BaseException:
                os.close(fd)
                _discard(temp)
                raise
        return fd, temp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError(errno.EIO, "the disk accepted no more data")
        view = view[written:]


def same_bytes(data: bytes) -> Callable[[bytes], None]:
    """A ``verify`` for :func:`staged_copy`: what was read back is ``data`` exactly."""

    def verify(back: bytes) -> None:
        if back != data:
            raise ValueError("the bytes read back differ from those written")

    return verify


def staged_copy(folder: Path, name: str, data: bytes, verify: Callable[[bytes], None]) -> Path:
    """``data`` in a new private (0600) temporary file beside ``name``, synced to disk and
    read back through ``verify``; the temporary file is removed if any of that fails.

    The caller moves it into place (and syncs the folder), or discards it.

    Raises:
        OSError: A step failed (a failed check reads as EIO).
    """
    fd, temp = _create_temp(folder, name)
    try:
        try:
            _write_all(fd, data)
            sync_file(fd)
        finally:
            os.close(fd)
        try:
            verify(_read_file(temp))
        except OSError:
            raise
        except Exception as bad:
            raise OSError(errno.EIO, "the saved copy did not read back correctly") from bad
    except BaseException:
        _discard(temp)
        raise
    return temp


def _read_file(path: Path) -> bytes:
    fd = os.open(path, _open_flags(os.O_RDONLY))
    try:
        chunks = []
        while chunk := os.read(fd, _CHUNK):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def sync_file(fd: int) -> None:
    """Put what was written to ``fd`` on the disk itself.

    On macOS ``fsync`` only hands the data to the drive, whose cache may lose it in a
    power cut; ``F_FULLFSYNC`` asks the drive to write it out. Where that is refused
    (some network and FAT file systems), plain ``fsync`` is the best there is, as
    SQLite does.
    """
    if sys.platform == "darwin":
        import fcntl  # POSIX only: imported on the one platform that takes this branch

        full_fsync = getattr(fcntl, "F_FULLFSYNC", None)
        if full_fsync is not None:
            try:
                fcntl.fcntl(fd, full_fsync)
                return
            except OSError:
                pass
    os.fsync(fd)


def fsync_folder(folder: Path) -> None:
    """Make renames and new names in ``folder`` durable.

    Windows cannot open a folder to sync it. NTFS journals its metadata, so there a
    rename survives a crash whole or not at all: the old version or the new one.
    """
    if sys.platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        sync_file(fd)
    finally:
        os.close(fd)


def _replace(source: Path, target: Path) -> None:
    """``os.replace``; on Windows, retried while another program has a file open."""
    if sys.platform == "win32":
        for pause in _WINDOWS_RETRY_PAUSES:
            try:
                os.replace(source, target)
                return
            except PermissionError:
                time.sleep(pause)
    os.replace(source, target)


def _keep_previous(path: Path, newest: Path) -> None:
    """Make ``newest`` a copy of ``path``: a hard link, or a copy where there are none."""
    link = getattr(os, "link", None)
    if link is not None:
        try:
            link(path, newest)
            return
        except OSError as err:
            if err.errno not in NO_HARD_LINKS:
                raise
    _copy_previous(path, newest)


def _copy_previous(path: Path, newest: Path) -> None:
    """Copy ``path`` to ``newest`` whole or not at all.

    The copy is made beside ``path``, as a temporary file that the next open removes if
    a crash interrupts it, and synced: a failed save may move it back over ``path``.
    """
    data = _read_file(path)
    _move_into_place(staged_copy(path.parent, path.name, data, same_bytes(data)), newest)


def _move_into_place(temp: Path, target: Path) -> None:
    """Rename ``temp`` over ``target``; on failure ``temp`` is removed."""
    try:
        _replace(temp, target)
    except BaseException:
        _discard(temp)
        raise


def _backup(backups_dir: Path, name: str, number: int) -> Path:
    return backups_dir / f"{name}.{number}"


def _rotate(path: Path, backups_dir: Path, keep: int) -> bool:
    """Shift ``<name>.1..keep-1`` up by one and link the current file as ``<name>.1``.

    Returns:
        Whether there was a current file to keep.
    """
    if not os.path.exists(path):
        return False
    if not backups_dir.is_dir():
        ensure_private_dir(backups_dir)
    name = path.name
    for number in range(keep - 1, 0, -1):
        older = _backup(backups_dir, name, number)
        if os.path.exists(older):
            _replace(older, _backup(backups_dir, name, number + 1))
    newest = _backup(backups_dir, name, 1)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(newest)
    _keep_previous(path, newest)
    return True


def _unrotate(path: Path, backups_dir: Path, keep: int, *, put_back: bool) -> None:
    """Undo :func:`_rotate` (all but the oldest backup, which it let go).

    Args:
        put_back: The new version was renamed in: move ``.1`` back over it. Otherwise
            ``path`` still is the previous version and ``.1`` is only dropped.
    """
    name = path.name
    newest = _backup(backups_dir, name, 1)
    if put_back:
        _replace(newest, path)
    else:
        os.unlink(newest)
    for number in range(2, keep + 1):
        newer = _backup(backups_dir, name, number)
        if os.path.exists(newer):
            _replace(newer, _backup(backups_dir, name, number - 1))


def _discard(temp: Path | None) -> None:
    if temp is not None:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def durable_write(
    path: Path,
    data: bytes,
    *,
    verify: Callable[[bytes], None],
    backups_dir: Path,
    keep: int = DEFAULT_KEEP,
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new version.

    Steps: a ``.<name>.<random>.tmp`` file (0600, exclusive) in the same folder,
    write, fsync, close, read back and ``verify``, rotate the previous version into
    ``backups_dir`` (``<name>.1`` newest, up to ``<name>.<keep>``), rename over
    ``path``, fsync the folder (not on Windows: see :func:`fsync_folder`).

    Args:
        path: The file to replace; its folder must exist.
        data: The complete new contents (ciphertext; plaintext never goes here).
        verify: Called with the bytes read back from disk; raises if they are wrong.
        backups_dir: Where previous versions are kept (created 0700 if missing).
        keep: How many previous versions to keep (at least 1).

    Raises:
        ValueError: ``keep`` is less than 1.
        WriteFailed: Any step failed. ``path`` holds its previous contents and no
            temporary file is left behind.
    """
    if keep < 1:
        raise ValueError("keep at least one backup: it is how a failed save is undone")
    folder = path.parent
    temp: Path | None = None
    had_previous = replaced = False
    try:
        temp = staged_copy(folder, path.name, data, verify)
        had_previous = _rotate(path, backups_dir, keep)
        _replace(temp, path)
        replaced = True
        temp = None
        fsync_folder(folder)
    except OSError as err:
        _discard(temp)
        if had_previous:
            # Put back what was there, so what the user sees matches what we report:
            # after the rename, it may not be on disk yet.
            with contextlib.suppress(OSError):
                _unrotate(path, backups_dir, keep, put_back=replaced)
        elif replaced:
            with contextlib.suppress(OSError):
                os.unlink(path)
        raise WriteFailed(path, err) from err


def replace_durably(path: Path, data: bytes, *, verify: Callable[[bytes], None]) -> None:
    """Replace ``path`` with ``data`` atomically, keeping no copy of what it held.

    For rewriting a file whose every version must change at once (key rotation
    re-encrypts each kept version where it lies; a header that held a rotation journal
    must not be kept). A crash leaves the old or the new bytes.

    Raises:
        WriteFailed: Any step failed; ``path`` holds its previous contents.
    """
    temp: Path | None = None
    try:
        temp = staged_copy(path.parent, path.name, data, verify)
        _replace(temp, path)
        temp = None
        fsync_folder(path.parent)
    except OSError as err:
        _discard(temp)
        raise WriteFailed(path, err) from err


def keep_copy(
    path: Path, backups_dir: Path, keep: int = DEFAULT_KEEP, *, as_name: str | None = None
) -> None:
    """Keep the current version of ``path`` as its newest backup (``<name>.1``).

    Files written rarely (vault.json, profile.rjv) get a backup of the version in use,
    not only of the ones before it, so a damaged file always has a good copy.

    Args:
        as_name: Keep it as a backup of the file of this name, not of ``path``'s own (a
            file found in another file's place goes back among its own file's backups).

    Raises:
        WriteFailed: The copy could not be made.
    """
    try:
        if not os.path.exists(path):
            return
        if not backups_dir.is_dir():
            ensure_private_dir(backups_dir)
        name = as_name or path.name
        for number in range(keep - 1, 0, -1):
            older = _backup(backups_dir, name, number)
            if os.path.exists(older):
                _replace(older, _backup(backups_dir, name, number + 1))
        # A copy, not a hard link: a byte flipped in place must not reach the backup.
        _copy_previous(path, _backup(backups_dir, name, 1))
        fsync_folder(backups_dir)
    except OSError as err:
        raise WriteFailed(path, err) from err


# What creating a file says where nothing may be written: read-only media (EROFS), or a
# folder this user may not write in (EACCES; EPERM on some systems and file systems).
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def write_refusal(folder: Path) -> OSError | None:
    """Why nothing can be written in ``folder`` (read-only media, no permission), or None.

    Asked of the folder itself, by creating a private temporary file there and removing it
    at once, so the answer is what a save would meet (``os.access`` guesses wrong for
    root, for network shares and on Windows). Other failures (a full disk, say) are
    None: they are a save's to report.
    """
    try:
        fd, temp = _create_temp(folder, "write-check")
    except OSError as err:
        return err if err.errno in READ_ONLY_ERRNOS else None
    os.close(fd)
    _discard(temp)
    return None


def remove_orphans(folder: Path) -> list[Path]:
    """Delete temporary files left in ``folder`` by a crash mid-write.

    They hold ciphertext only. Call this only while holding the vault lock, so no
    other process is in the middle of a write.

    Returns:
        The files removed.
    """
    removed = []
    for orphan in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        if orphan.is_file():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(orphan)
                removed.append(orphan)
    return removed


def backups_of(path: Path, backups_dir: Path) -> list[Path]:
    """The kept previous versions of ``path``, newest first."""
    prefix = f"{path.name}."
    try:
        names = os.listdir(backups_dir)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        number = name[len(prefix) :]
        if name.startswith(prefix) and number.isdigit():
            found.append((int(number), backups_dir / name))
    return [candidate for _, candidate in sorted(found)]


def write_private_file(path: Path, data: bytes) -> None:
    """Write an export (an age file for co-workers, say) whole and 0600: a temporary file
    beside it, synced, read back and renamed into place, so a crash leaves no half-written
    file."""
    folder = path.parent if str(path.parent) else Path(".")
    _move_into_place(staged_copy(folder, path.name, data, same_bytes(data)), path)
    fsync_folder(folder)
