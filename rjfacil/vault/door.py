"""The vault folder held by this process, and its key slots.

Opening holds the folder with the OS lock; unlocking turns a passphrase or the recovery
code into the vault key. Nothing here knows what a case is.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from uuid import uuid4

from rjfacil import clock
from rjfacil.errors import RjfacilError, VaultExists, VaultNotFound, WrongPassphrase
from rjfacil.paths import ensure_private_dir
from rjfacil.store import agefile, kdf
from rjfacil.store.header import HEADER_NAME, VaultHeader, read_header, write_header
from rjfacil.store.lock import VaultLock
from rjfacil.store.storage import EncryptedStorage

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


def vault_exists(home: Path) -> bool:
    return (home / HEADER_NAME).exists()


class VaultDoor:
    """A vault folder held by this process (the OS lock), its key not yet in memory."""

    def __init__(self, home: Path) -> None:
        self.home = home
        if not vault_exists(home):
            raise VaultNotFound(home)
        self._lock = VaultLock(home)
        self._lock.acquire()
        try:
            self.header = read_header(home)
        except BaseException:
            self._lock.release()
            raise

    def key_from_passphrase(self, passphrase: str) -> bytes:
        return kdf.open_slot(
            self.header.slot("passphrase"), kdf.encode_passphrase(passphrase), self.header.vault_id
        )

    def key_from_recovery_code(self, code: str) -> bytes:
        secret = kdf.normalise_recovery_code(code)
        try:
            return kdf.open_slot(self.header.slot("recovery"), secret, self.header.vault_id)
        except WrongPassphrase:
            raise WrongPassphrase("recovery code") from None

    def rewrap_passphrase(self, key: bytes, new: str) -> None:
        """Wrap ``key`` under a new passphrase, keeping the slot's key-derivation cost."""
        check_new_passphrase(new)
        slot = self.header.slot("passphrase")
        params = kdf.KdfParams.from_dict(slot["kdf"])
        self.header.replace_slot(
            kdf.make_slot(
                "passphrase", kdf.encode_passphrase(new), key, self.header.vault_id, params
            )
        )
        write_header(self.home, self.header)

    def release(self) -> None:
        self._lock.release()


def create_vault_files(
    home: Path, passphrase: str, owner: dict[str, object], params: kdf.KdfParams | None = None
) -> str:
    """Make a new vault folder holding ``owner`` as its profile; returns the recovery code.

    vault.json is written last: until it exists, the folder is not a vault.
    """
    check_new_passphrase(passphrase)
    if vault_exists(home):
        raise VaultExists(home)
    ensure_private_dir(home)
    lock = VaultLock(home)
    lock.acquire()
    try:
        if vault_exists(home):
            raise VaultExists(home)
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
        write_header(home, header)
    finally:
        lock.release()
    return recovery
