"""Key rotation: a new vault key, every file re-encrypted under it, crash-safe.

Changing the passphrase (or the recovery code) makes a new vault key, so that someone
who learned the old passphrase and kept a copy of the old vault.json cannot read what is
written after. The journal lives in vault.json:

1. ``rotation`` is added to the header (written durably; the header before it becomes
   a backup, and no copy of the journal is kept): the new key's slots (the new
   passphrase, a new recovery code), the new key wrapped by the old one and the old
   key wrapped by the new one, and the new key's id.
2. Every encrypted file, the kept versions in backups/ included, is re-encrypted where it
   lies, one atomic replace each (no backup copy: the old-key version must not be kept).
   A kept version that decrypts with neither key is deleted. The manifest (manifest.rjv,
   its journal folded in first by the caller) is one of them; each file keeps its
   header's nonce, so the manifest's digests of the files stay true under the new key
   (the file key is derived from the vault key, so it is new all the same).
3. The header is switched last: the journal's slots become the slots, in one atomic
   replace that keeps no copy of the journal. Copies of vault.json for the old key are
   then deleted (they would open nothing) and a copy of the new one kept.

A kill at any instant leaves each file whole under one key or the other, and a header
with the journal (or already switched). The next unlock finishes or undoes the rotation:
the old passphrase (or recovery code) opens the old slots, unwraps the new key from the
journal and puts every file back under the old key; the new passphrase opens the
journal's slots, unwraps the old key and finishes. Files bind their logical name, so
trying both keys on each file is cheap and tells which key it is under.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rjfacil.errors import HeaderError, RjfacilError, WrongPassphrase
from rjfacil.store import kdf, rjv
from rjfacil.store.durable import TEMP_PREFIX, fsync_folder, keep_copy, replace_durably
from rjfacil.store.header import (
    HEADER_NAME,
    VaultHeader,
    header_backups,
    parse_header,
    replace_header,
    write_header,
)

Progress = Callable[[int, int], None]

# Folders (relative to the vault folder) whose .rjv files the vault key protects.
ENCRYPTED_FOLDERS = ("", "cases")
BACKUPS = "backups"
_WRAP_AD = b"rjfacil-rotation-v1"


@dataclass(frozen=True)
class VaultFile:
    """One encrypted file: where it is and the logical names it may be sealed for."""

    path: Path
    names: tuple[str, ...]
    kept: bool  # a kept version in backups/ (deleted if it cannot be re-encrypted)


def vault_files(home: Path) -> list[VaultFile]:
    """Every .rjv file of the vault, current and kept, by its path."""
    found: list[VaultFile] = []
    for folder in ENCRYPTED_FOLDERS:
        where = home / folder if folder else home
        for path in _rjv_files(where):
            name = f"{folder}/{path.name}" if folder else path.name
            found.append(VaultFile(path, (name,), kept=False))
    for path in _rjv_files(home / BACKUPS):
        base, _, number = path.name.rpartition(".")
        if not number.isdigit() or not base:
            continue
        names = tuple(f"{folder}/{base}" if folder else base for folder in ENCRYPTED_FOLDERS)
        found.append(VaultFile(path, names, kept=True))
    return sorted(found, key=lambda each: str(each.path))


def _rjv_files(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) or not entry.is_file(follow_symlinks=False):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError), open(path, "rb") as handle:
            if handle.read(len(rjv.MAGIC)) == rjv.MAGIC:
                yield path


def _which_key(
    data: bytes, path: Path, names: tuple[str, ...], keys: list[bytes]
) -> tuple[int, str, bytes] | None:
    """The index of the key ``data`` decrypts with, its name and plaintext; or None."""
    for name in names:
        for number, key in enumerate(keys):
            try:
                return number, name, rjv.unseal(key, data, path, name)
            except RjfacilError:
                continue
    return None


def _wrap(key: bytes, secret: bytes, vault_id: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(key).encrypt(nonce, secret, _WRAP_AD + vault_id.encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def _unwrap(key: bytes, text: object, vault_id: str) -> bytes:
    try:
        raw = base64.b64decode(str(text), validate=True)
        return AESGCM(key).decrypt(raw[:12], raw[12:], _WRAP_AD + vault_id.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise HeaderError(
            "vault.json's unfinished key change is damaged; restore vault.json from a backup."
        ) from None


def check_files(home: Path, key: bytes) -> list[str]:
    """The current files that do not decrypt with ``key`` (a rotation would lose them)."""
    problems = []
    for each in vault_files(home):
        if each.kept:
            continue
        if _which_key(each.path.read_bytes(), each.path, each.names, [key]) is None:
            problems.append(str(each.path))
    return problems


def reencrypt(
    home: Path, source: bytes, target: bytes, progress: Progress | None = None
) -> list[str]:
    """Put every file under ``target``: each one under ``source`` is re-encrypted in place.

    Returns:
        The current files that decrypt with neither key (left as they are). Kept versions
        that decrypt with neither are deleted: they may still be readable with the old key
        by someone who repairs them. A kept version sealed for another case's file (put
        among this one's backups by a swap) is intact: it is re-encrypted, never deleted.
    """
    files = vault_files(home)
    case_names = sorted(
        {name for each in files for name in each.names if name.startswith("cases/")}
    )
    problems: list[str] = []
    for done, each in enumerate(files, start=1):
        data = each.path.read_bytes()
        found = _which_key(data, each.path, each.names, [target, source])
        if found is None and each.kept:
            others = tuple(name for name in case_names if name not in each.names)
            found = _which_key(data, each.path, others, [target, source])
        if found is None:
            if each.kept:
                os.unlink(each.path)
                fsync_folder(each.path.parent)
            else:
                problems.append(str(each.path))
        elif found[0] == 1:
            _, name, plaintext = found
            _reseal(each.path, target, plaintext, name, rjv.nonce_of(data))
        if progress is not None:
            progress(done, len(files))
    return problems


def _reseal(path: Path, key: bytes, plaintext: bytes, name: str, nonce: bytes) -> None:
    """Put ``path`` under ``key``, keeping its nonce: the file key is new (derived from the
    new vault key), and the header stays the same, so the manifest's record of which write
    the file holds stays true; undoing the rotation gives back the very same bytes."""

    def verify(written: bytes) -> None:
        rjv.unseal(key, written, path, name)

    replace_durably(path, rjv.seal(key, plaintext, name, nonce=nonce), verify=verify)


@dataclass
class Rotated:
    """What a finished rotation made: the new key and recovery code (shown once)."""

    key: bytes
    recovery_code: str


def rotate(
    home: Path,
    header: VaultHeader,
    old_key: bytes,
    passphrase: str,
    progress: Progress | None = None,
) -> Rotated:
    """Make a new vault key, re-encrypt every file under it, and switch the header.

    Args:
        header: The header in use (changed in place to the new one).
        old_key: The vault key every file is under now.
        passphrase: The passphrase for the new key (the new one, or the current one when
            only the recovery code is being replaced).
        progress: Called with (files done, files in all) as files are re-encrypted.

    Raises:
        RjfacilError: A current file does not decrypt (restore it first); nothing changed.
        WriteFailed: A write failed; the next unlock finishes or undoes the rotation.
    """
    damaged = check_files(home, old_key)
    if damaged:
        raise RjfacilError(
            f"{damaged[0]} does not decrypt, so the vault key cannot be changed safely. "
            "Restore it from its backup first (see 'rjfacil verify')."
        )
    params = kdf.KdfParams.from_dict(header.slot(kdf.SLOT_PASSPHRASE)["kdf"])
    new_key = secrets.token_bytes(kdf.KEY_BYTES)
    code = kdf.new_recovery_code()
    vid = header.vault_id
    slots = [
        kdf.make_slot(kdf.SLOT_PASSPHRASE, kdf.encode_passphrase(passphrase), new_key, vid, params),
        kdf.make_slot(kdf.SLOT_RECOVERY, kdf.normalise_recovery_code(code), new_key, vid, params),
    ]
    header.rotation = {
        "key_id": str(uuid4()),
        "slots": slots,
        "new_key": _wrap(old_key, new_key, vid),
        "old_key": _wrap(new_key, old_key, vid),
    }
    write_header(home, header, keep_current=False)
    reencrypt(home, old_key, new_key, progress)
    _finish(home, header)
    return Rotated(new_key, code)


def _finish(home: Path, header: VaultHeader) -> None:
    journal = header.rotation or {}
    header.slots = list(journal["slots"])
    header.key_id = str(journal["key_id"])
    header.rotation = None
    replace_header(home, header)
    tidy_header_backups(home, header)


def _undo(home: Path, header: VaultHeader) -> None:
    header.rotation = None
    replace_header(home, header)
    tidy_header_backups(home, header)


def resume(
    home: Path, header: VaultHeader, kind: str, secret: bytes, progress: Progress | None = None
) -> tuple[bytes, str]:
    """Finish or undo the unfinished rotation ``header`` records, with the secret given.

    The old secret opens the old slots and undoes it; the new one opens the journal's
    slots and finishes it. Either way every file is re-encrypted, reported to
    ``progress`` as (files done, files in all), as a passphrase change reports it.

    Returns:
        The vault key now in use and "undone" or "finished".

    Raises:
        WrongPassphrase: The secret opens neither.
    """
    journal = header.rotation or {}
    vid = header.vault_id
    try:
        old_key = kdf.open_slot(header.slot(kind), secret, vid)
    except WrongPassphrase:
        pending = [
            s for s in journal.get("slots", []) if isinstance(s, dict) and s.get("kind") == kind
        ]
        if not pending:
            raise
        new_key = kdf.open_slot(pending[0], secret, vid)
        reencrypt(home, _unwrap(new_key, journal.get("old_key"), vid), new_key, progress)
        _finish(home, header)
        return new_key, "finished"
    reencrypt(home, _unwrap(old_key, journal.get("new_key"), vid), old_key, progress)
    _undo(home, header)
    return old_key, "undone"


def tidy_header_backups(home: Path, header: VaultHeader) -> None:
    """Delete copies of vault.json for another key (or holding a journal); keep the current.

    After a rotation the old copies open no file: offering them as backups would be
    untrue, and a journal holds each key wrapped by the other.
    """
    if header.rotation:
        return
    current_kept = False
    for backup in header_backups(home):
        try:
            kept = parse_header(backup.read_bytes(), backup)
        except (OSError, HeaderError):
            continue
        if kept.rotation or kept.key_id != header.key_id or kept.vault_id != header.vault_id:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(backup)
        elif kept.slots == header.slots:
            current_kept = True
    if not current_kept and (home / HEADER_NAME).exists():
        keep_copy(home / HEADER_NAME, home / BACKUPS)
