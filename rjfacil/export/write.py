"""Write an export file: private from its first byte, never half-written, never clobbering.

An export is the one plaintext file rjfacil writes on purpose, so it is made 0600 from
the start: the bytes go to a new temporary name in the target folder, created with
``O_CREAT | O_EXCL`` and mode 0600 (no window where it is readable by others), flushed
to disk, and only then moved to the name the user chose. An existing file is kept
unless overwriting was asked for; without it, the move is a hard link, which fails
rather than replace a file that appeared meanwhile (on file systems without hard
links, such as FAT on a USB stick, a check just before the move stands in). Any failure
removes the temporary file and raises :class:`~rjfacil.export.errors.ExportFailed`
with a message written for the user.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

from rjfacil.export.errors import ExportExists, ExportFailed
from rjfacil.store.durable import NO_HARD_LINKS, fsync_folder

__all__ = ["EXPORT_MODE", "write_export"]

EXPORT_MODE = 0o600
_CHUNK = 1 << 20
# What link() says on a file system without hard links: the vault's own list (Windows
# says EINVAL on a FAT stick), and EXDEV.
_NO_LINKS = NO_HARD_LINKS | {errno.EXDEV}


def _explain(err: OSError, target: Path) -> ExportFailed:
    folder = target.parent
    code = err.errno
    if code in (errno.EACCES, errno.EPERM):
        what = f"you do not have permission to write in {folder}. Choose another folder."
    elif code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        what = "the disk is full. Free some space or choose another place."
    elif code == errno.EROFS:
        what = f"{folder} is on a read-only disk. Choose another folder."
    elif code in (errno.ENOENT, errno.ENOTDIR):
        what = f"the folder {folder} does not exist."
    elif code == errno.EISDIR:
        what = f"{target} is a folder. Give a file name."
    elif code == errno.ENAMETOOLONG:
        what = "the file name is too long."
    else:
        what = f"{err.strerror or type(err).__name__}."
    return ExportFailed(f"Could not write the export {target.name}: {what}")


def _create_temp(folder: Path, name: str) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    while True:
        temp = folder / f".{name[:60]}.{secrets.token_hex(6)}.part"
        try:
            return os.open(temp, flags, EXPORT_MODE), temp
        except FileExistsError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError(errno.EIO, "the disk accepted no more data")
        view = view[written:]


def _place(temp: Path, target: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
        # No hard links here (FAT, some network shares): check, then move.
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
        os.replace(temp, target)
    else:
        os.unlink(temp)


def write_export(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` as a private (0600) file, atomically.

    Args:
        path: Where the user asked for the export.
        data: The rendered export.
        overwrite: Replace an existing file at ``path``; without it, an existing file
            is left untouched and :class:`ExportExists` is raised.

    Returns:
        The absolute path written.

    Raises:
        ExportExists: ``path`` exists and ``overwrite`` is false.
        ExportFailed: the folder is missing, not writable, read-only or full, or
            ``path`` is a folder; nothing is left behind.
    """
    target = Path(path).expanduser().absolute()
    if not target.name:
        raise ExportFailed("Give a file name for the export.")
    if target.is_dir():
        raise ExportFailed(f"Could not write the export: {target} is a folder. Give a file name.")
    if not overwrite and os.path.lexists(target):
        raise ExportExists(
            f"{target} already exists and was left untouched. Choose another name, "
            "or ask to overwrite it."
        )
    folder = target.parent
    try:
        fd, temp = _create_temp(folder, target.name)
    except OSError as err:
        raise _explain(err, target) from None
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, EXPORT_MODE)  # whatever the umask left, exactly 0600
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        _place(temp, target, overwrite)
    except FileExistsError:
        _discard(temp)
        raise ExportExists(
            f"{target} appeared while the export was written and was left untouched."
        ) from None
    except OSError as err:
        _discard(temp)
        raise _explain(err, target) from None
    except BaseException:
        _discard(temp)
        raise
    # The new name made durable where the system can (not on Windows); the export is
    # written either way.
    with contextlib.suppress(OSError):
        fsync_folder(folder)
    return target


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
