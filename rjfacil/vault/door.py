"""The vault folder held by this process, and its key slots.

Opening holds the folder with the OS lock; unlocking turns a passphrase or the recovery
code into the vault key. Nothing here knows what a case is.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

from rjfacil import clock
from rjfacil.errors import (
    FileFailed,
    FolderNotEmpty,
    HeaderError,
    HeaderMissing,
    ReadOnlyVault,
    RjfacilError,
    VaultExists,
    VaultNotFound,
    WrongPassphrase,
)
from rjfacil.paths import config_dir, demo_dir, ensure_private_dir, log_dir
from rjfacil.store import agefile, kdf
from rjfacil.store.durable import (
    READ_ONLY_ERRNOS,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    fsync_folder,
    keep_copy,
    write_refusal,
)
from rjfacil.store.header import (
    HEADER_NAME,
    VaultHeader,
    good_header_backup,
    header_backups,
    read_header,
    write_header,
)
from rjfacil.store.lock import LOCK_NAME, VaultLock
from rjfacil.store.storage import EncryptedStorage, newest_good_backup, restore_backup
from rjfacil.vault import rotation

PASSPHRASE_MIN = 8
PROFILE_NAME = "profile.rjv"
# The profile document's format: 1 holds {"meta": {"format": 1}, "owner": {...}}; files
# written before it was versioned hold {"owner": {...}} alone and read as format 1.
# 2 adds {"identity": {"age": "AGE-SECRET-KEY-1..."}}: the vault's own age identity, whose
# public recipient co-workers encrypt bundles to; it never leaves the vault.
PROFILE_FORMAT = 2


def profile_v1_to_v2(document: dict[str, Any], identity: str) -> dict[str, Any]:
    """Profile format 1 to 2: the vault gets an age identity (made by the caller).

    A pure step: ``document`` is left alone; an identity already there is kept.
    """
    out = dict(document)
    out["meta"] = {**dict(document.get("meta") or {}), "format": 2}
    out.setdefault("identity", {"age": identity})
    return out


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN:
        raise RjfacilError(f"The passphrase needs at least {PASSPHRASE_MIN} characters.")


CODE_UNSEEN_NAME = "recovery-code-unseen"
"""Written by ``init`` before vault.json and deleted once the recovery code was shown: a
vault that has it was made by an ``init`` stopped before its code reached the user."""

_CODE_UNSEEN_TEXT = (
    b"rjfacil: this vault's recovery code was never shown. Open the vault with its "
    b"passphrase and run 'rjfacil recovery-code' to get one.\n"
)


def recovery_code_unseen(home: Path) -> bool:
    """Whether the vault at ``home`` was made by an ``init`` whose recovery code was never
    shown (see :data:`CODE_UNSEEN_NAME`)."""
    return (home / CODE_UNSEEN_NAME).exists()


def vault_exists(home: Path) -> bool:
    return (home / HEADER_NAME).exists()


class VaultDoor:
    """A vault folder held by this process (the OS lock), its key not yet in memory."""

    def __init__(self, home: Path) -> None:
        self.home = home
        if not vault_exists(home):
            raise VaultNotFound(home)
        self._lock = VaultLock(home)
        # Why nothing can be saved here (read-only media, or a folder this user may not
        # write in), or None: the vault then opens read-only, and every change is refused
        # with this error before anything is attempted.
        self.read_only: ReadOnlyVault | None = None
        try:
            self._lock.acquire()
        except OSError as err:  # the lock file could not be opened to write
            if err.errno not in READ_ONLY_ERRNOS:
                raise FileFailed("open the vault at", home, err) from None
            try:
                self._lock.acquire_read_only()
            except OSError as again:
                raise FileFailed("open the vault at", home, again) from None
            self.read_only = _read_only(home, err)
        try:
            if self.read_only is None:
                self.read_only = _write_refusal(home)
            self.header = read_header(home)
            if self.read_only is not None and self.header.rotation:
                raise RjfacilError(
                    f"The vault at {home} cannot be opened: a passphrase change was "
                    "interrupted and must be finished, which needs a folder rjfacil can "
                    "write in. Copy the vault folder to a writable disk and open it there."
                )
        except BaseException:
            self._lock.release()
            raise
        # What the last unlock did to a key change a crash interrupted: "finished"
        # (the new passphrase; its recovery code was never shown), "undone", or None.
        self.rotation_outcome: str | None = None

    @property
    def recovery_code_unseen(self) -> bool:
        """The ``init`` that made this vault stopped before its recovery code was shown."""
        return recovery_code_unseen(self.home)

    def recovery_code_shown(self) -> None:
        """The recovery code in use has been shown to the user: forget that it was not."""
        if self.read_only is None and self.recovery_code_unseen:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.home / CODE_UNSEEN_NAME)
            fsync_folder(self.home)

    @property
    def rotation_pending(self) -> bool:
        """A key change was interrupted: the next unlock finishes or undoes it, which
        re-encrypts every file (give the unlock a ``progress`` to show it)."""
        return bool(self.header.rotation)

    def _open(self, kind: str, secret: bytes, progress: rotation.Progress | None = None) -> bytes:
        if self.header.rotation:
            key, self.rotation_outcome = rotation.resume(
                self.home, self.header, kind, secret, progress
            )
            return key
        key = kdf.open_slot(self.header.slot(kind), secret, self.header.vault_id)
        if self.read_only is None:
            rotation.tidy_header_backups(self.home, self.header)
        return key

    def check_writable(self) -> None:
        """Refuse a change before anything is asked or attempted.

        Raises:
            ReadOnlyVault: The vault is on read-only media or in a folder this user may
                not write in.
        """
        if self.read_only is not None:
            raise self.read_only.again()

    def unlock_is_slow(self, recovery: bool = False) -> bool:
        """Whether unlocking (with the passphrase, or the recovery code) is expected to take
        long enough to say so first, judged from the slot's stored key settings."""
        kind = kdf.SLOT_RECOVERY if recovery else kdf.SLOT_PASSPHRASE
        try:
            params = kdf.KdfParams.from_dict(self.header.slot(kind).get("kdf"))
        except HeaderError:
            return False  # the unlock itself says what is wrong with the slot
        return kdf.expected_slow(params)

    def key_from_passphrase(
        self, passphrase: str, progress: rotation.Progress | None = None
    ) -> bytes:
        return self._open(kdf.SLOT_PASSPHRASE, kdf.encode_passphrase(passphrase), progress)

    def key_from_recovery_code(self, code: str, progress: rotation.Progress | None = None) -> bytes:
        secret = kdf.normalise_recovery_code(code)
        try:
            return self._open(kdf.SLOT_RECOVERY, secret, progress)
        except WrongPassphrase:
            raise WrongPassphrase("recovery code") from None

    def check_passphrase(self, key: bytes, passphrase: str) -> None:
        """Refuse unless ``passphrase`` opens the passphrase slot to ``key``."""
        opened = kdf.open_slot(
            self.header.slot(kdf.SLOT_PASSPHRASE),
            kdf.encode_passphrase(passphrase),
            self.header.vault_id,
        )
        if opened != key:
            raise WrongPassphrase()

    def rotate_key(
        self, key: bytes, passphrase: str, progress: rotation.Progress | None = None
    ) -> rotation.Rotated:
        """A new vault key for every file, opened by ``passphrase`` and a new recovery code.

        Nothing reaches the new key with the old passphrase or the old recovery code.
        """
        self.check_writable()
        check_new_passphrase(passphrase)
        return rotation.rotate(self.home, self.header, key, passphrase, progress)

    def restore_profile(self, key: bytes) -> Path:
        """Put profile.rjv's newest backup that decrypts with ``key`` in its place."""
        self.check_writable()
        path = self.home / PROFILE_NAME
        backup = newest_good_backup(path, key, PROFILE_NAME, self.home / "backups")
        if backup is None:
            raise RjfacilError(f"No good backup of {path.name} was found.")
        restore_backup(backup, path, self.home / "backups")
        return backup

    def release(self) -> None:
        self._lock.release()


def _read_only(home: Path, err: OSError) -> ReadOnlyVault:
    return ReadOnlyVault(home, media=err.errno == errno.EROFS)


def _write_refusal(home: Path) -> ReadOnlyVault | None:
    """Why nothing can be saved in the vault at ``home`` (its own folder, or the folders
    a save writes in), or None."""
    for folder in (home, home / "cases", home / "backups"):
        if folder.is_dir():
            refusal = write_refusal(folder)
            if refusal is not None:
                return _read_only(home, refusal)
    return None


def restore_header(home: Path) -> Path:
    """Put the newest readable copy of vault.json in its place (the vault is held meanwhile).

    The damaged version is kept among the backups, so nothing is thrown away.
    """
    refusal = _write_refusal(home)
    if refusal is not None:
        raise refusal
    lock = VaultLock(home)
    lock.acquire()
    try:
        backup = good_header_backup(home)
        if backup is None:
            raise RjfacilError(f"No good backup of {HEADER_NAME} was found.")
        restore_backup(backup, home / HEADER_NAME, home / "backups")
        return backup
    finally:
        lock.release()


# What a system puts in a folder or drive that is otherwise empty (Finder, Explorer, KDE,
# a freshly formatted disk): such a folder counts as empty.
_SYSTEM_LITTER = frozenset(
    {
        ".DS_Store",
        ".Spotlight-V100",
        ".Trashes",
        ".fseventsd",
        ".directory",
        "Thumbs.db",
        "desktop.ini",
        "$RECYCLE.BIN",
        "System Volume Information",
        "lost+found",
    }
)


def _is_temp(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _only(folder: Path, allowed: Callable[[str], bool]) -> bool:
    """Whether ``folder`` holds nothing but files whose names ``allowed`` accepts."""
    with os.scandir(folder) as entries:
        return all(
            entry.is_file(follow_symlinks=False) and allowed(entry.name) for entry in entries
        )


def _init_leftover(home: Path, entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is one an interrupted ``init`` (or the system) leaves, or
    rjfacil's own settings, logs or demo folder (when RJFACIL_HOME puts them there)."""
    name = entry.name
    if name in _SYSTEM_LITTER:
        return True
    if entry.is_symlink():
        return False
    if entry.is_file() and (name in (LOCK_NAME, PROFILE_NAME, CODE_UNSEEN_NAME) or _is_temp(name)):
        return True
    if not entry.is_dir():
        return False
    if name == "cases":
        return _only(home / name, lambda each: _is_temp(each) or each in _SYSTEM_LITTER)
    if name == "backups":
        return _only(
            home / name,
            lambda each: (
                _is_temp(each)
                or each in _SYSTEM_LITTER
                or (each.startswith(f"{PROFILE_NAME}.") and each[len(PROFILE_NAME) + 1 :].isdigit())
            ),
        )
    own = {os.path.abspath(folder) for folder in (config_dir(), log_dir(), demo_dir())}
    return os.path.abspath(entry.path) in own


def check_new_vault_folder(home: Path) -> None:
    """Refuse a folder ``init`` must not write in: anything but a new or empty folder.

    A folder holding only what an interrupted ``init`` left (a lock file, a profile, the
    empty case and backup folders) counts as empty: the next ``init`` replaces it.

    Raises:
        VaultExists: A vault is there already.
        HeaderMissing: A vault is there without its vault.json, whose backup is kept.
        FolderNotEmpty: The folder holds other files (the message names one).
    """
    if vault_exists(home):
        raise VaultExists(home, recovery_code_unseen(home))
    if not home.exists() and not home.is_symlink():
        return
    if not home.is_dir():
        raise FolderNotEmpty(home, "nothing: it is a file, not a folder")
    if header_backups(home):
        raise HeaderMissing(home)
    with os.scandir(home) as entries:
        others = sorted(entry.name for entry in entries if not _init_leftover(home, entry))
    if others:
        more = f" and {len(others) - 1} more" if len(others) > 1 else ""
        raise FolderNotEmpty(home, f"'{others[0]}'{more}")


def _clear_init_leftovers(home: Path) -> None:
    """Delete what an interrupted ``init`` wrote: ciphertext under a key never stored."""
    for name in (PROFILE_NAME, CODE_UNSEEN_NAME):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(home / name)
    for folder in (home, home / "cases", home / "backups"):
        if not folder.is_dir():
            continue
        for name in os.listdir(folder):
            if _is_temp(name) or (folder.name == "backups" and name.startswith(PROFILE_NAME)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(folder / name)


def _write_code_unseen(home: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    descriptor = os.open(home / CODE_UNSEEN_NAME, flags, 0o600)
    try:
        os.write(descriptor, _CODE_UNSEEN_TEXT)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create_vault_files(
    home: Path, passphrase: str, owner: dict[str, object], params: kdf.KdfParams | None = None
) -> str:
    """Make a new vault folder holding ``owner`` as its profile; returns the recovery code.

    vault.json is written last: until it exists, the folder is not a vault. A folder made
    here is 0700; an existing empty one keeps its permissions (it may be shared), as
    everything written in it is private (folders 0700, files 0600).

    Raises:
        VaultExists, HeaderMissing, FolderNotEmpty: see :func:`check_new_vault_folder`;
            nothing is written.
    """
    check_new_passphrase(passphrase)
    try:
        return _create_vault_files(home, passphrase, owner, params)
    except OSError as err:
        raise FileFailed("create the vault at", home, err) from None


def _create_vault_files(
    home: Path, passphrase: str, owner: dict[str, object], params: kdf.KdfParams | None
) -> str:
    check_new_vault_folder(home)
    if not home.is_dir():
        ensure_private_dir(home)
    lock = VaultLock(home)
    lock.acquire()
    try:
        check_new_vault_folder(home)  # again, now that no other rjfacil can be in it
        _clear_init_leftovers(home)
        params = params or kdf.calibrate()
        vault_key = secrets.token_bytes(32)
        vault_id = str(uuid4())
        recovery = kdf.new_recovery_code()
        header = VaultHeader(vault_id, clock.now().isoformat())
        header.replace_slot(
            kdf.make_slot(
                "passphrase", kdf.encode_passphrase(passphrase), vault_key, vault_id, params
            )
        )
        header.replace_slot(
            kdf.make_slot(
                "recovery", kdf.normalise_recovery_code(recovery), vault_key, vault_id, params
            )
        )
        for folder in ("cases", "backups"):
            ensure_private_dir(home / folder)
        EncryptedStorage(home / PROFILE_NAME, vault_key, PROFILE_NAME, home / "backups").write(
            {
                "meta": {"format": PROFILE_FORMAT},
                "owner": dict(owner),
                "identity": {"age": agefile.new_identity()[0]},
            }
        )
        keep_copy(home / PROFILE_NAME, home / "backups")
        _write_code_unseen(home)  # before vault.json: a vault whose code never showed says so
        write_header(home, header)
    finally:
        lock.release()
    return recovery
