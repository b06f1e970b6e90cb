"""The vault: open (lock the folder), unlock (the key), cases, index, lock again.

Layout (DESIGN.md, "The vault"): vault.json (header), profile.rjv (the owner),
index.rjv (a cache of case-list rows), cases/<uuid>.rjv (one case each), backups/, lock.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from pydantic import ValidationError

from rjfacil import clock
from rjfacil.casedoc.model import Facilitator
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.load import load_catalogue
from rjfacil.commands.casefile import CaseFile, CaseSummary
from rjfacil.errors import (
    DamagedFile,
    InvalidRecord,
    NotFound,
    RjfacilError,
    TamperedFile,
    VaultExists,
    VaultNotFound,
    WrongPassphrase,
)
from rjfacil.paths import ensure_private_dir
from rjfacil.store import kdf, rjv
from rjfacil.store.durable import remove_orphans
from rjfacil.store.header import HEADER_NAME, VaultHeader, read_header, write_header
from rjfacil.store.lock import VaultLock
from rjfacil.store.storage import EncryptedStorage, newest_good_backup, restore_backup
from rjfacil.vocab import Stage

PASSPHRASE_MIN = 8


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < PASSPHRASE_MIN:
        raise RjfacilError(f"The passphrase needs at least {PASSPHRASE_MIN} characters.")


@dataclass
class SearchHit:
    case_id: UUID
    reference: str
    where: str
    excerpt: str


@dataclass
class VerifyReport:
    checked: int = 0
    faults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults


class LockedVault:
    """A vault folder held by this process (the OS lock), its key not yet in memory."""

    def __init__(self, home: Path) -> None:
        self.home = home
        if not (home / HEADER_NAME).exists():
            raise VaultNotFound(home)
        self._lock = VaultLock(home)
        self._lock.acquire()
        try:
            self.header = read_header(home)
        except BaseException:
            self._lock.release()
            raise

    def unlock(self, passphrase: str) -> Vault:
        key = kdf.open_slot(
            self.header.slot("passphrase"), kdf.encode_passphrase(passphrase), self.header.vault_id
        )
        return Vault(self, key)

    def unlock_with_recovery(self, code: str) -> Vault:
        secret = kdf.normalise_recovery_code(code)
        try:
            key = kdf.open_slot(self.header.slot("recovery"), secret, self.header.vault_id)
        except WrongPassphrase:
            raise WrongPassphrase("recovery code") from None
        return Vault(self, key, by_recovery=True)

    def release(self) -> None:
        self._lock.release()


class Vault:
    """An unlocked vault. ``lock()`` drops the key and every decrypted case."""

    def __init__(self, door: LockedVault, key: bytes, by_recovery: bool = False) -> None:
        self.door = door
        # Unlocked with the recovery code: the passphrase may be reset without the old one.
        self.by_recovery = by_recovery
        self.home = door.home
        self._key: bytes | None = key
        self.catalogue: Catalogue = load_catalogue()
        for folder in (self.home, self.cases_dir):
            remove_orphans(folder)
        profile = self._storage(self.home / "profile.rjv", "profile.rjv").read() or {}
        try:
            self.owner = Facilitator.model_validate(profile.get("owner"))
        except ValidationError:
            raise InvalidRecord(
                f"{self.home / 'profile.rjv'}: the owner record is not valid"
            ) from None
        self._open: dict[UUID, CaseFile] = {}
        self._index: dict[UUID, CaseSummary] = {}
        self._load_index()

    # -- creating and opening ---------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        return (home / HEADER_NAME).exists()

    @staticmethod
    def open(home: Path) -> LockedVault:
        """Hold the vault folder (refused at once if another process holds it)."""
        return LockedVault(home)

    @classmethod
    def create(
        cls, home: Path, passphrase: str, owner_name: str, params: kdf.KdfParams | None = None
    ) -> tuple[Vault, str]:
        """Make a new vault; returns it unlocked, and the recovery code to show once."""
        check_new_passphrase(passphrase)
        owner_name = owner_name.strip()
        if not owner_name:
            raise RjfacilError("Your name is needed: co-workers see it on what you write.")
        if Vault.exists(home):
            raise VaultExists(home)
        ensure_private_dir(home)
        lock = VaultLock(home)
        lock.acquire()
        try:
            if Vault.exists(home):
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
            owner = Facilitator(id=uuid4(), name=owner_name)
            EncryptedStorage(
                home / "profile.rjv", vault_key, "profile.rjv", home / "backups"
            ).write({"owner": owner.model_dump(mode="json")})
            write_header(home, header)
        finally:
            lock.release()
        vault = Vault.open(home).unlock(passphrase)
        return vault, recovery

    # -- files --------------------------------------------------------------------

    @property
    def cases_dir(self) -> Path:
        return self.home / "cases"

    @property
    def key(self) -> bytes:
        if self._key is None:
            raise RjfacilError("The vault is locked.")
        return self._key

    def _storage(self, path: Path, name: str) -> EncryptedStorage:
        return EncryptedStorage(path, self.key, name, self.home / "backups")

    def _case_path(self, case_id: UUID) -> tuple[Path, str]:
        return self.cases_dir / f"{case_id}.rjv", f"cases/{case_id}.rjv"

    def _case_ids_on_disk(self) -> dict[UUID, list[int]]:
        found: dict[UUID, list[int]] = {}
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

    # -- the index (a cache of case-list rows) -------------------------------------

    def _load_index(self) -> None:
        """Read index.rjv and refresh every row whose case file changed since."""
        try:
            stored = self._storage(self.home / "index.rjv", "index.rjv").read() or {}
        except (DamagedFile, TamperedFile):
            stored = {}
        rows = {}
        for raw in stored.get("rows", {}).values():
            try:
                row = CaseSummary.model_validate(raw["summary"])
                rows[row.id] = (row, raw["sig"])
            except (ValidationError, KeyError, TypeError):
                continue
        on_disk = self._case_ids_on_disk()
        stale = False
        for case_id, sig in on_disk.items():
            cached = rows.get(case_id)
            if cached and cached[1] == sig:
                self._index[case_id] = cached[0]
            else:
                stale = True
                self._refresh_row(case_id, sig, cached[0] if cached else None)
        if stale or set(rows) != set(on_disk):
            self.save_index()

    def _refresh_row(self, case_id: UUID, sig: list[int], known: CaseSummary | None = None) -> None:
        known = known or self._index.get(case_id)
        try:
            case = self._load_case(case_id)
            self._index[case_id] = case.summary()
        except (DamagedFile, TamperedFile, InvalidRecord) as error:
            # Keep what the case list knew of it, so it can still be found (and restored).
            self._index[case_id] = CaseSummary(
                id=case_id,
                reference=known.reference if known else f"(unreadable {str(case_id)[:8]})",
                stage=known.stage if known else Stage.REFERRAL,
                flags=["damaged"],
                updated_at=known.updated_at if known else clock.now(),
                deadline_label=str(error),
            )

    def save_index(self) -> None:
        """Write the case-list cache (on close, lock and new cases; rebuilt if lost)."""
        for case_id, case in self._open.items():
            self._index[case_id] = case.summary()
        sigs = self._case_ids_on_disk()
        rows = {
            str(number): {"summary": row.model_dump(mode="json"), "sig": sigs.get(case_id, [0, 0])}
            for number, (case_id, row) in enumerate(self._index.items(), start=1)
        }
        self._storage(self.home / "index.rjv", "index.rjv").write({"rows": rows})

    def rebuild_index(self) -> int:
        self._index.clear()
        for case_id, sig in self._case_ids_on_disk().items():
            self._refresh_row(case_id, sig)
        self.save_index()
        return len(self._index)

    # -- cases ----------------------------------------------------------------------

    def list_cases(self) -> list[CaseSummary]:
        """Case-list rows: open cases first, then closed ones; each most recently updated first.

        Rows of cases open in memory are live, not the cached ones.
        """
        for case_id, case in self._open.items():
            self._index[case_id] = case.summary()
        latest_first = sorted(self._index.values(), key=lambda row: row.updated_at, reverse=True)
        return sorted(latest_first, key=lambda row: not row.stage.is_open)

    def new_case(self, reference: str, **fields: Any) -> CaseFile:
        reference = reference.strip()
        if not reference:
            raise RjfacilError("A case needs a reference.")
        if any(row.reference == reference for row in self._index.values()):
            raise RjfacilError(f"A case with reference {reference} already exists.")
        case_id = uuid4()
        path, name = self._case_path(case_id)
        case = CaseFile.create(
            self._storage(path, name),
            path,
            self.owner,
            self.catalogue,
            reference,
            id=case_id,
            **fields,
        )
        self._open[case_id] = case
        self._index[case_id] = case.summary()
        self.save_index()
        return case

    def find_case(self, ref_or_id: str) -> UUID:
        """A case id from its id (or a unique prefix of it) or its reference."""
        text = ref_or_id.strip()
        by_ref = [row.id for row in self._index.values() if row.reference == text]
        if by_ref:
            return by_ref[0]
        by_id = [case_id for case_id in self._index if str(case_id).startswith(text.lower())]
        if len(by_id) == 1 and text:
            return by_id[0]
        raise NotFound(f"No case '{ref_or_id}'. 'rjfacil cases' lists them.")

    def _load_case(self, case_id: UUID) -> CaseFile:
        path, name = self._case_path(case_id)
        if not path.exists():
            raise NotFound(f"No case {case_id} in this vault.")
        storage = self._storage(path, name)
        try:
            case = CaseFile(storage, path, self.owner, self.catalogue)
        except (DamagedFile, TamperedFile) as error:
            error.backup = newest_good_backup(path, self.key, name, self.home / "backups")
            if error.backup:
                error.args = (f"{error.args[0]} A good backup exists: {error.backup.name}.",)
            raise
        if case.id != case_id:
            raise InvalidRecord(f"{path}: holds case {case.id}, not {case_id}")
        return case

    def open_case(self, case_id: UUID) -> CaseFile:
        if case_id not in self._open:
            self._open[case_id] = self._load_case(case_id)
        return self._open[case_id]

    def restore_case_backup(self, case_id: UUID) -> Path:
        """Put the newest backup that decrypts in place of a damaged case file."""
        path, name = self._case_path(case_id)
        backup = newest_good_backup(path, self.key, name, self.home / "backups")
        if backup is None:
            raise RjfacilError(f"No good backup of {path.name} was found.")
        restore_backup(backup, path, self.home / "backups")
        self._open.pop(case_id, None)
        self._refresh_row(case_id, self._case_ids_on_disk().get(case_id, [0, 0]))
        return backup

    def search(
        self, text: str, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[SearchHit]:
        """Full-text search over every case (current note texts, names, references)."""
        needle = text.casefold().strip()
        ids = list(self._index)
        for done, case_id in enumerate(ids, start=1):
            if progress:
                progress(done, len(ids))
            if not needle:
                continue
            path, name = self._case_path(case_id)
            try:
                data = rjv.unseal_json(self.key, path.read_bytes(), path, name)
            except (OSError, DamagedFile, TamperedFile):
                continue
            yield from _search_case(case_id, data, needle)

    # -- keys -------------------------------------------------------------------------

    def change_passphrase(self, old: str, new: str) -> None:
        """Rewrap the vault key under a new passphrase; nothing is re-encrypted."""
        header = self.door.header
        slot = header.slot("passphrase")
        if kdf.open_slot(slot, kdf.encode_passphrase(old), header.vault_id) != self.key:
            raise WrongPassphrase()
        self._rewrap_passphrase(new)

    def reset_passphrase(self, new: str) -> None:
        """Set a new passphrase without the old one: only after a recovery-code unlock."""
        if not self.by_recovery:
            raise RjfacilError("Give the current passphrase to change it.")
        self._rewrap_passphrase(new)

    def _rewrap_passphrase(self, new: str) -> None:
        check_new_passphrase(new)
        header = self.door.header
        slot = header.slot("passphrase")
        params = kdf.KdfParams.from_dict(slot["kdf"])
        header.replace_slot(
            kdf.make_slot(
                "passphrase", kdf.encode_passphrase(new), self.key, header.vault_id, params
            )
        )
        write_header(self.home, header)

    def verify(self, rebuild_index: bool = False) -> VerifyReport:
        """Decrypt every file and check every audit chain."""
        report = VerifyReport()
        for case_id in sorted(self._case_ids_on_disk()):
            report.checked += 1
            try:
                case = self._load_case(case_id)
            except RjfacilError as error:
                report.faults.append(str(error))
                continue
            report.faults += [f"{case.path}: {problem}" for problem in case.chain_problems()]
        if rebuild_index:
            report.notes.append(f"index rebuilt: {self.rebuild_index()} cases")
        return report

    def lock(self) -> LockedVault:
        """Save the index, drop the key and every decrypted case; keep holding the folder."""
        if self._key is not None:
            try:
                self.save_index()
            finally:
                self._open.clear()
                self._index.clear()
                self._key = None
        return self.door

    def close(self) -> None:
        try:
            self.lock()
        finally:
            self.door.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _search_case(case_id: UUID, data: dict[str, Any], needle: str) -> Iterator[SearchHit]:
    case_doc: dict[str, Any] = next(iter(data.get("case", {}).values()), {})
    reference = str(case_doc.get("reference", ""))
    if needle in reference.casefold():
        yield SearchHit(case_id, reference, "reference", reference)
    for person in data.get("participants", {}).values():
        if not person.get("deleted") and needle in person.get("name", "").casefold():
            yield SearchHit(case_id, reference, "participant", person["name"])
    latest: dict[str, tuple[str, str]] = {}
    for revision in data.get("note_revisions", {}).values():
        note_id = revision.get("note_id", "")
        if note_id not in latest or revision["created_at"] >= latest[note_id][0]:
            latest[note_id] = (revision["created_at"], revision.get("text", ""))
    for _, text in latest.values():
        at = text.casefold().find(needle)
        if at >= 0:
            start = max(0, at - 30)
            yield SearchHit(case_id, reference, "note", text[start : at + len(needle) + 30])
