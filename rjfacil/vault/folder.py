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

from rjfacil.errors import (
    DamagedFile,
    HeaderError,
    NotFound,
    ReadFailed,
    RjfacilError,
    TamperedFile,
    WriteFailed,
)
from rjfacil.store import agefile, rjv
from rjfacil.store.durable import backups_of, fsync_folder, keep_copy, remove_orphans
from rjfacil.store.manifest import Entry, Manifest, key_check, take_stamp
from rjfacil.store.manifest import load as load_manifest
from rjfacil.store.storage import EncryptedStorage, as_database, newest_good_backup
from rjfacil.vault import integrity
from rjfacil.vault.door import PROFILE_FORMAT, PROFILE_NAME, VaultDoor, profile_v1_to_v2
from rjfacil.vault.integrity import INDEX_NAME, Finding, Kind, case_id_of

# The index document's format. 1: rows without a version (rjfacil 0.1); 2: the meta
# table names the row format its rows were written in, so rows of an older (or newer)
# row format are rebuilt rather than read with missing fields.
INDEX_FORMAT = 2

# A case file's size and modification time: a row whose signature differs is stale.
Signature = list[int]

# The profile's table of deleted cases: the vault's own record that a case was deleted,
# and when (see VaultFolder.delete_case). It is also the deletion's commit point.
DELETIONS = "deletions"


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
        # The record of every case file's and the index's last write (open_manifest).
        self.manifest: Manifest | None = None
        # Findings that stand until their file is restored, by logical name.
        self.blocked: dict[str, Finding] = {}
        # Why the manifest could not be written (the vault works; it is tried again).
        self.manifest_warnings: list[str] = []

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
        if self.manifest is not None:
            self.manifest.close()
        self._key = None

    def rekey(self, key: bytes) -> None:
        """Use ``key`` from now on (after a key rotation re-encrypted every file)."""
        self._key = key

    def storage(self, path: Path, name: str, *, witnessed: bool = False) -> EncryptedStorage:
        """The storage of one .rjv file; a witnessed one's writes are numbered and recorded
        in the manifest (case files and the index)."""
        witness = self.manifest if witnessed else None
        return EncryptedStorage(
            path, self.key, name, self.backups_dir, read_only=self.read_only, witness=witness
        )

    # -- the manifest -----------------------------------------------------------------

    def open_manifest(self) -> list[Finding]:
        """Check every case file and the index against the manifest, and return what differs.

        A vault without a manifest (made before there was one) gets one made from its files
        as they are. What an interrupted save or a key change explains is put right
        silently; the manifest is then written (a failure to write it is a warning).

        Raises:
            HeaderError: The manifest was made by a newer rjfacil.
        """
        self.finish_deletions()
        deleted = {integrity.case_name(case_id) for case_id in self.deleted_cases()}
        on_disk = integrity.witnessed_on_disk(self.home)
        findings: list[Finding] = []
        changed_by_deletion = False
        try:
            state = load_manifest(self.home, self.key)
        except (DamagedFile, TamperedFile, ReadFailed) as error:
            state = None
            findings.append(Finding(Kind.MANIFEST_DAMAGED, detail=str(error)))
        if state is None:
            state, built = integrity.build(self.key, on_disk)
            # Case files gone with the manifest, that its backups, the case list or the
            # cases' own backups remember: listed again, so they are reported missing
            # (at every open, until restored) rather than vanishing silently.
            gone = integrity.known_elsewhere(self.key, self.home, on_disk)
            gone = {name: counter for name, counter in gone.items() if name not in deleted}
            written = any(entry.counter for entry in state.files.values())
            if not findings and (written or gone):
                # The files carry write numbers: they were written under a manifest.
                findings.append(Finding(Kind.MANIFEST_LOST))
            findings += built
            for name, counter in gone.items():
                state.files[name] = Entry(counter, "")
                state.generation = max(state.generation, counter)
                findings.append(Finding(Kind.MISSING, name))
            changed = True
        else:
            for name in deleted & state.files.keys():  # a deletion a kill interrupted
                del state.files[name]
                changed_by_deletion = True
            if state.journal_damage:
                findings.append(Finding(Kind.JOURNAL_DAMAGED, detail=state.journal_damage))
            found, changed = integrity.reconcile(self.key, state, on_disk)
            changed = changed or changed_by_deletion
            findings += found
        if self.manifest is not None:
            self.manifest.close()
        self.manifest = Manifest(self.home, self.key, state)
        self.blocked = {finding.name: finding for finding in findings if finding.blocking}
        if changed or self.manifest.dirty:
            self.save_manifest()
        return findings

    def save_manifest(self) -> None:
        """Fold the manifest's journal into a new snapshot; a failure is a warning."""
        if self.manifest is None or self.read_only is not None:
            return
        try:
            self.manifest.compact()
        except WriteFailed as error:
            warning = (
                f"The vault's record of its files could not be saved ({error.cause}); "
                "it is tried again at the next save."
            )
            if warning not in self.manifest_warnings:
                self.manifest_warnings.append(warning)

    def close_manifest(self) -> None:
        """Write what the journal holds as a snapshot (if anything), then drop the key."""
        if self.manifest is not None and self.manifest.dirty and self._key is not None:
            self.save_manifest()

    # -- deleting a case ----------------------------------------------------------------

    def deletions(self) -> list[dict[str, Any]]:
        """The vault's record of deleted cases, oldest first (each: ``case`` id,
        ``reference``, ``deleted_at``, ``deleted_by``); [] if the profile does not open."""
        try:
            document = self.storage(self.home / PROFILE_NAME, PROFILE_NAME).read() or {}
        except RjfacilError:
            return []
        table = document.get(DELETIONS) or {}
        records = [table[key] for key in sorted(table, key=_number) if isinstance(table[key], dict)]
        return [record for record in records if isinstance(record.get("case"), str)]

    def deleted_cases(self) -> set[UUID]:
        """The ids of every case deleted from this vault."""
        found = set()
        for record in self.deletions():
            try:
                found.add(UUID(record["case"]))
            except ValueError:
                continue
        return found

    def delete_case(self, case_id: UUID, record: dict[str, Any]) -> None:
        """Delete a case: its file, its kept versions and its manifest entry.

        The deletion is recorded in the profile first (one durable write, ``record`` holding
        no personal data): that is its commit point. A kill before it leaves the case as it
        was; a kill after it is finished at the next open (:meth:`finish_deletions`), before
        the manifest is checked, so the case is never reported missing. The case list's row
        is the caller's (the vault's index).

        Raises:
            ReadOnlyVault: The vault cannot be written; nothing was changed.
            WriteFailed: The record could not be saved; nothing was changed.
        """
        if self.read_only is not None:
            raise self.read_only.again()
        storage = self.storage(self.home / PROFILE_NAME, PROFILE_NAME)
        document = dict(storage.read() or {})
        table = dict(document.get(DELETIONS) or {})
        table[str(max((_number(key) for key in table), default=0) + 1)] = {
            **record,
            "case": str(case_id),
        }
        document[DELETIONS] = table
        storage.write(document)
        self._remove_case_files(case_id)
        self._unlist(case_id)

    def finish_deletions(self) -> bool:
        """Finish a deletion a kill interrupted (files or manifest entry left behind);
        returns whether there was one. Called when the vault opens, before the manifest
        is checked."""
        if self.read_only is not None:
            return False
        finished = False
        for case_id in self.deleted_cases():
            path, _name = self.case_path(case_id)
            if path.exists() or backups_of(path, self.backups_dir):
                self._remove_case_files(case_id)
                finished = True
        return finished

    def _remove_case_files(self, case_id: UUID) -> None:
        path, _name = self.case_path(case_id)
        for kept in [path, *backups_of(path, self.backups_dir)]:
            try:
                os.unlink(kept)
            except FileNotFoundError:
                continue
            except OSError as error:
                raise WriteFailed(kept, error) from error
        fsync_folder(self.cases_dir)
        fsync_folder(self.backups_dir)

    def _unlist(self, case_id: UUID) -> None:
        """Drop the case from the manifest (a failure to write it is a warning: the next
        open drops it again)."""
        _path, name = self.case_path(case_id)
        self.blocked.pop(name, None)
        if self.manifest is not None and self.manifest.state.files.pop(name, None) is not None:
            self.save_manifest()

    def drop_index_backups(self) -> None:
        """Remove the case list's kept versions (they hold rows of deleted cases); the
        index is a cache, rebuilt from the case files."""
        for kept in backups_of(self.home / INDEX_NAME, self.backups_dir):
            try:
                os.unlink(kept)
            except OSError as error:
                raise WriteFailed(kept, error) from error
        fsync_folder(self.backups_dir)

    def listed_cases(self) -> set[UUID]:
        """Every case the manifest lists (whether its file is there or not)."""
        if self.manifest is None:
            return set()
        found = (case_id_of(name) for name in self.manifest.state.files)
        return {case_id for case_id in found if case_id is not None}

    def check_read(self, storage: EncryptedStorage) -> Finding | None:
        """After reading a witnessed file: whether it is older than the manifest says.

        The open compared only the first bytes of each file; this is the check of the
        decrypted write number, made whenever a case is opened.
        """
        if self.manifest is None:
            return None
        entry = self.manifest.state.files.get(storage.name)
        if entry is None or storage.digest == entry.digest or storage.counter > entry.counter:
            return None
        fresh = self.manifest.state.key_check == key_check(self.key)
        if storage.counter == entry.counter and not fresh:
            return None
        finding = Finding(Kind.OLDER, storage.name)
        self.blocked[storage.name] = finding
        return finding

    def backups_by_write(self, case_id: UUID) -> list[tuple[int, Path]]:
        """The case's kept versions that decrypt, newest write first (write number, path)."""
        path, name = self.case_path(case_id)
        found = []
        for number, backup in enumerate(backups_of(path, self.backups_dir)):
            try:
                data = backup.read_bytes()
                counter = integrity.read_stamp(self.key, data, backup, name)
            except (OSError, RjfacilError):
                continue
            found.append((counter, -number, backup))
        return [(counter, backup) for counter, _, backup in sorted(found, reverse=True)]

    def current_write(self, case_id: UUID) -> int | None:
        """The write number of the case file in place, or None if it does not decrypt."""
        path, name = self.case_path(case_id)
        try:
            return integrity.read_stamp(self.key, path.read_bytes(), path, name)
        except (OSError, RjfacilError):
            return None

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

    def write_owner(self, owner: dict[str, Any]) -> None:
        """Rewrite the profile's owner record; the rest of the profile stays as it is.

        Raises:
            ReadOnlyVault: The vault cannot be written.
        """
        if self.read_only is not None:
            raise self.read_only.again()
        self.read_profile()  # refuses a newer profile format
        storage = self.storage(self.home / PROFILE_NAME, PROFILE_NAME)
        document = storage.read() or {}
        storage.write({**document, "owner": owner})

    def read_profile_document(self) -> dict[str, Any]:
        """The whole profile document (owner, identity, supervision sessions...).

        Raises:
            DamagedFile, TamperedFile, HeaderError: As :meth:`read_profile`.
        """
        self.read_profile()  # names a backup, refuses a newer format
        return dict(self.storage(self.home / PROFILE_NAME, PROFILE_NAME).read() or {})

    def write_profile_document(self, document: dict[str, Any]) -> None:
        """Save the profile document (one durable write; the old one kept as a backup)."""
        if self.read_only is not None:
            raise self.read_only.again()
        self.storage(self.home / PROFILE_NAME, PROFILE_NAME).write(document)

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
        return self.storage(path, name, witnessed=True)

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

    def read_case_document(self, case_id: UUID, source: Path | None = None) -> dict[str, Any]:
        """A case file's decrypted document, for reading only (search).

        Args:
            source: Read this kept version of it instead (a backup).

        Raises:
            DamagedFile, TamperedFile: The file does not decrypt.
            OSError: The file cannot be read.
        """
        path, name = self.case_path(case_id)
        path = source or path
        document = as_database(rjv.unseal_json(self.key, path.read_bytes(), path, name), path)
        take_stamp(document)
        return document

    def good_backup(self, case_id: UUID) -> Path | None:
        """The kept version of the case holding its newest write (that decrypts), or None."""
        found = self.backups_by_write(case_id)
        return found[0][1] if found else None

    def restore_case(self, case_id: UUID) -> tuple[Path, bool]:
        """Put the newest good version of a case in place of its file, as a new save.

        With nothing found wrong, that is its newest good backup (as asked). For a file
        that is missing, swapped, damaged or older than the vault last saved, it is the
        newest write among its backups, the file itself, and this case's file where the
        manifest found it in another case's place (two files swapped): a file newer than
        every backup is kept as it is (and recorded as the case's version from now on). The
        other case's file found in this case's place goes among that case's backups.

        Returns:
            Where the version came from, and whether it was the file itself (kept).

        Raises:
            NotFound: The vault has no such case.
            RjfacilError: No good version was found.
            WriteFailed: The save failed; the file is as it was.
        """
        if self.read_only is not None:
            raise self.read_only.again()
        path, name = self.case_path(case_id)
        if (
            not path.exists()
            and case_id not in self.listed_cases()
            and not backups_of(path, self.backups_dir)
        ):
            raise NotFound(f"No case {case_id} in this vault.")
        # Every good version, newest write first; at the same write, the file in place,
        # then this case's file found in another case's place (a swap), then a backup.
        versions = [(counter, 0, backup) for counter, backup in self.backups_by_write(case_id)]
        finding = self.blocked.get(name)
        if finding is not None:
            current = self.current_write(case_id)
            if current is not None:
                versions.append((current, 2, path))
            versions += [(counter, 1, where) for counter, where in self._found_elsewhere(name)]
        if not versions:
            raise RjfacilError(f"No good backup of {path.name} was found.")
        _counter, _rank, source = max(versions, key=lambda version: version[:2])
        data = source.read_bytes()
        document = as_database(rjv.unseal_json(self.key, data, source, name), source)
        take_stamp(document)
        if finding is not None and finding.kind is Kind.SWAPPED and finding.other:
            # The file in this case's place is another case's: it goes among that
            # case's backups (it may be its newest version), not this case's, where it
            # would not decrypt and a passphrase change would delete it.
            keep_copy(path, self.backups_dir, as_name=Path(finding.other).name)
            os.unlink(path)
        # Written as a new save: the file it replaces is kept among the backups, and the
        # manifest records this version.
        self.storage(path, name, witnessed=True).write(document)
        self.blocked.pop(name, None)
        return source, source == path

    def _found_elsewhere(self, name: str) -> list[tuple[int, Path]]:
        """The file of ``name`` where the manifest found it in another file's place (a
        swap), with its write number."""
        found = []
        for other, finding in self.blocked.items():
            if finding.kind is not Kind.SWAPPED or finding.other != name:
                continue
            where = self.home / other
            try:
                counter = integrity.read_stamp(self.key, where.read_bytes(), where, name)
            except (OSError, RjfacilError):
                continue
            found.append((counter, where))
        return found

    def check_backups(self) -> tuple[int, list[str]]:
        """Decrypt every kept version in backups/ with this vault's key.

        Returns:
            How many decrypted, and one line per kept version that did not.
        """
        from rjfacil.vault.rotation import vault_files

        good, faults = 0, []
        files = vault_files(self.home)
        case_names = sorted({n for each in files for n in each.names if case_id_of(n)})
        for each in files:
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
                owner = self._sealed_for(data, each.path, case_names, each.names)
                faults.append(
                    f"{each.path}: a version of {owner}, kept among another file's backups"
                    if owner
                    else f"{each.path}: a backup that does not decrypt with this vault's key"
                )
        return good, faults

    def _sealed_for(
        self, data: bytes, path: Path, names: list[str], not_these: tuple[str, ...]
    ) -> str:
        """The case file name ``data`` decrypts as, among ``names`` (not ``not_these``)."""
        for name in names:
            if name in not_these:
                continue
            try:
                rjv.unseal(self.key, data, path, name)
            except RjfacilError:
                continue
            return name
        return ""

    def check_index(self) -> str | None:
        """None if index.rjv decrypts (or is absent: it is rebuilt), else what is wrong."""
        try:
            self.storage(self.home / INDEX_NAME, INDEX_NAME, witnessed=True).read()
        except RjfacilError as error:
            return str(error)
        return None

    # -- the index (a cache of case-list rows) ---------------------------------------

    def read_index(self, row_format: int) -> dict[UUID, tuple[dict[str, Any], Signature]]:
        """The cached rows written in ``row_format``, each with its case file's signature.

        A missing, damaged or differently versioned index reads as empty: it is a cache,
        and the caller rebuilds what is missing. So does one the manifest found wrong (an
        older copy, another file): its rows cannot be trusted.
        """
        if INDEX_NAME in self.blocked:
            return {}
        storage = self.storage(self.home / INDEX_NAME, INDEX_NAME, witnessed=True)
        try:
            stored = storage.read() or {}
        except (DamagedFile, TamperedFile):
            return {}
        if self.check_read(storage) is not None:
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

    def write_index(
        self, row_format: int, rows: dict[UUID, dict[str, Any]], sigs: dict[UUID, Signature]
    ) -> None:
        """Write the case-list cache, each row with its case file's current signature
        (``sigs``: :meth:`case_signatures`, just read)."""
        table = {
            str(number): {"summary": row, "sig": sigs.get(case_id, [0, 0])}
            for number, (case_id, row) in enumerate(rows.items(), start=1)
        }
        self.storage(self.home / INDEX_NAME, INDEX_NAME, witnessed=True).write(
            {"meta": {"format": INDEX_FORMAT, "row_format": row_format}, "rows": table}
        )
        self.blocked.pop(INDEX_NAME, None)


def _number(key: str) -> int:
    return int(key) if key.isdigit() else 0
