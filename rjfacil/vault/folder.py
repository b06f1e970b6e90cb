"""An unlocked vault folder: its key, profile, case files, index and backups.

Case documents pass through here as decrypted JSON documents and index rows as plain
dictionaries: what they mean is decided by the layers above (casedoc, views).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from uuid import UUID

import pyrage  # type: ignore[import-untyped]

from rjfacil.errors import DamagedFile, HeaderError, NotFound, RjfacilError, TamperedFile
from rjfacil.store import agefile, rjv
from rjfacil.store.durable import remove_orphans
from rjfacil.store.storage import EncryptedStorage, newest_good_backup, restore_backup
from rjfacil.vault.door import PROFILE_FORMAT, PROFILE_NAME, VaultDoor, profile_v1_to_v2

INDEX_NAME = "index.rjv"
# The index document's format. 1: rows without a version (rjfacil 0.1); 2: the meta
# table names the row format its rows were written in, so rows of an older (or newer)
# row format are rebuilt rather than read with missing fields.
INDEX_FORMAT = 2

# A case file's size and modification time: a row whose signature differs is stale.
Signature = list[int]


class VaultFolder:
    """The files of an unlocked vault. ``forget()`` drops the key."""

    def __init__(self, door: VaultDoor, key: bytes) -> None:
        self.door = door
        self.home = door.home
        self._key: bytes | None = key
        # Why nothing can be saved (read-only media or folder), or None.
        self.read_only = door.read_only
        for folder in (self.home, self.cases_dir, self.backups_dir):
            if folder.is_dir() and self.read_only is None:
                remove_orphans(folder)

    @property
    def cases_dir(self) -> Path:
        return self.home / "cases"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def key(self) -> bytes:
        if self._key is None:
            raise RjfacilError("The vault is locked.")
        return self._key

    @property
    def unlocked(self) -> bool:
        return self._key is not None

    def forget(self) -> None:
        self._key = None

    def rekey(self, key: bytes) -> None:
        """Use ``key`` from now on (after a key rotation re-encrypted every file)."""
        self._key = key

    def storage(self, path: Path, name: str) -> EncryptedStorage:
        return EncryptedStorage(path, self.key, name, self.backups_dir, read_only=self.read_only)

    # -- the profile ---------------------------------------------------------------

    def read_profile(self) -> dict[str, Any]:
        """The profile document's owner record (any format this version understands).

        Raises:
            DamagedFile, TamperedFile: profile.rjv does not decrypt; the message names
                its newest good backup if there is one (and only then).
        """
        path = self.home / PROFILE_NAME
        try:
            document = self.storage(path, PROFILE_NAME).read() or {}
        except (DamagedFile, TamperedFile) as error:
            error.backup = newest_good_backup(path, self.key, PROFILE_NAME, self.backups_dir)
            hint = (
                f" A good backup exists: {error.backup}; 'rjfacil restore-file profile.rjv' "
                "puts it back."
                if error.backup
                else " No good backup of it was found."
            )
            error.args = (f"{error.args[0]}{hint}",)
            raise
        meta = document.get("meta", {})
        if isinstance(meta.get("format"), int) and meta["format"] > PROFILE_FORMAT:
            raise HeaderError(
                f"{self.home / PROFILE_NAME} was made by a newer rjfacil; "
                "update rjfacil to open this vault."
            )
        return dict(document.get("owner") or {})

    def age_identity(self) -> str:
        """The vault's age identity (secret: for decrypting bundles sent to this vault).

        A vault made before profile format 2 has none: one is made and the profile is
        rewritten in format 2 (one durable write, with a backup of the old profile).
        """
        storage = self.storage(self.home / PROFILE_NAME, PROFILE_NAME)
        document = storage.read() or {}
        self.read_profile()  # refuses a newer profile format
        identity = (document.get("identity") or {}).get("age")
        if isinstance(identity, str) and identity:
            return identity
        if self.read_only is not None:  # made at the first unlock where it can be saved
            raise self.read_only.again()
        upgraded = profile_v1_to_v2(document, agefile.new_identity()[0])
        storage.write(upgraded)
        return str(upgraded["identity"]["age"])

    def age_recipient(self) -> str:
        """The vault's public age recipient ("age1..."), to give to co-workers."""
        try:
            identity = pyrage.x25519.Identity.from_str(self.age_identity())
        except Exception:  # pyrage's IdentityError
            raise RjfacilError(
                f"{self.home / PROFILE_NAME}: the vault's age identity is damaged."
            ) from None
        return str(identity.to_public())

    # -- case files ----------------------------------------------------------------

    def case_path(self, case_id: UUID) -> tuple[Path, str]:
        """The case file and its logical name (bound into its encryption)."""
        return self.cases_dir / f"{case_id}.rjv", f"cases/{case_id}.rjv"

    def case_storage(self, case_id: UUID) -> EncryptedStorage:
        path, name = self.case_path(case_id)
        return self.storage(path, name)

    def case_signatures(self) -> dict[UUID, Signature]:
        """Every case file on disk, with its size and modification time."""
        found: dict[UUID, Signature] = {}
        with os.scandir(self.cases_dir) as entries:
            for entry in entries:
                if not entry.name.endswith(".rjv") or entry.name.startswith("."):
                    continue
                try:
                    case_id = UUID(entry.name[:-4])
                except ValueError:
                    continue
                stat = entry.stat()
                found[case_id] = [stat.st_size, stat.st_mtime_ns]
        return found

    def read_case_document(self, case_id: UUID) -> dict[str, Any]:
        """A case file's decrypted document, for reading only (search).

        Raises:
            DamagedFile, TamperedFile: The file does not decrypt.
            OSError: The file cannot be read.
        """
        path, name = self.case_path(case_id)
        document = rjv.unseal_json(self.key, path.read_bytes(), path, name)
        if not isinstance(document, dict):
            raise DamagedFile(path, "it does not hold a database")
        return document

    def good_backup(self, case_id: UUID) -> Path | None:
        path, name = self.case_path(case_id)
        return newest_good_backup(path, self.key, name, self.backups_dir)

    def restore_case(self, case_id: UUID) -> Path:
        """Put the newest backup that decrypts in place of a case file; returns it."""
        if self.read_only is not None:
            raise self.read_only.again()
        path, _name = self.case_path(case_id)
        if not path.exists() and not any(self.backups_dir.glob(f"{path.name}.*")):
            raise NotFound(f"No case {case_id} in this vault.")
        backup = self.good_backup(case_id)
        if backup is None:
            raise RjfacilError(f"No good backup of {path.name} was found.")
        restore_backup(backup, path, self.backups_dir)
        return backup

    def check_backups(self) -> tuple[int, list[str]]:
        """Decrypt every kept version in backups/ with this vault's key.

        Returns:
            How many decrypted, and one line per kept version that did not.
        """
        from rjfacil.vault.rotation import vault_files

        good, faults = 0, []
        for each in vault_files(self.home):
            if not each.kept:
                continue
            try:
                data = each.path.read_bytes()
            except OSError as error:
                faults.append(f"{each.path}: {error.strerror or error}")
                continue
            for name in each.names:
                try:
                    rjv.unseal(self.key, data, each.path, name)
                except RjfacilError:
                    continue
                good += 1
                break
            else:
                faults.append(f"{each.path}: a backup that does not decrypt with this vault's key")
        return good, faults

    def check_index(self) -> str | None:
        """None if index.rjv decrypts (or is absent: it is rebuilt), else what is wrong."""
        try:
            self.storage(self.home / INDEX_NAME, INDEX_NAME).read()
        except RjfacilError as error:
            return str(error)
        return None

    # -- the index (a cache of case-list rows) ---------------------------------------

    def read_index(self, row_format: int) -> dict[UUID, tuple[dict[str, Any], Signature]]:
        """The cached rows written in ``row_format``, each with its case file's signature.

        A missing, damaged or differently versioned index reads as empty: it is a cache,
        and the caller rebuilds what is missing.
        """
        try:
            stored = self.storage(self.home / INDEX_NAME, INDEX_NAME).read() or {}
        except (DamagedFile, TamperedFile):
            return {}
        meta = stored.get("meta", {})
        if meta.get("format") != INDEX_FORMAT or meta.get("row_format") != row_format:
            return {}
        rows: dict[UUID, tuple[dict[str, Any], Signature]] = {}
        for raw in stored.get("rows", {}).values():
            try:
                rows[UUID(raw["summary"]["id"])] = (raw["summary"], list(raw["sig"]))
            except (KeyError, TypeError, ValueError):
                continue
        return rows

    def write_index(self, row_format: int, rows: dict[UUID, dict[str, Any]]) -> None:
        """Write the case-list cache, each row with its case file's current signature."""
        sigs = self.case_signatures()
        table = {
            str(number): {"summary": row, "sig": sigs.get(case_id, [0, 0])}
            for number, (case_id, row) in enumerate(rows.items(), start=1)
        }
        self.storage(self.home / INDEX_NAME, INDEX_NAME).write(
            {"meta": {"format": INDEX_FORMAT, "row_format": row_format}, "rows": table}
        )
