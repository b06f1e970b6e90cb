"""Write an export file: private from its first byte, never half-written, never clobbering.

An export is the one plaintext file rjfacil writes on purpose, so it is made 0600 from
the start: the durable store's :func:`~rjfacil.store.durable.staged_copy` puts the bytes
in a new temporary file in the target folder, created exclusively and 0600 (no window
where it is readable by others), synced to disk and read back, and only then is it
moved to the name the user chose. An existing file is kept
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
from pathlib import Path

from rjfacil.export.errors import ExportExists, ExportFailed
from rjfacil.paths import PRIVATE_FILE
from rjfacil.store import durable
from rjfacil.store.durable import NO_HARD_LINKS

__all__ = ["EXPORT_MODE", "write_export"]

EXPORT_MODE = PRIVATE_FILE
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
        temp = durable.staged_copy(folder, target.name, data, durable.same_bytes(data))
    except OSError as err:
        raise _explain(err, target) from None
    try:
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
    # The export is in place: a folder that cannot be synced does not undo it.
    with contextlib.suppress(OSError):
        durable.fsync_folder(folder)
    return target


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
