"""The unlocked vault's cases: list, open, create, search, verify, and the index behind the list.

The vault layer (rjfacil.vault) holds the folder, the key and the files; this module puts
case meaning on them: a case file is opened as a CaseFile (commands), and each index row is
a CaseSummary (views).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from pydantic import ValidationError

from rjfacil import clock
from rjfacil.casedoc.bundle import Bundle, BundleRefused, private_note_ids
from rjfacil.casedoc.bundle import from_json as bundle_from_json
from rjfacil.casedoc.bundle import to_json as bundle_json
from rjfacil.casedoc.codec import CaseDocument, Searchable, searchable
from rjfacil.casedoc.merge import MergePlan, empty_document, plan_merge
from rjfacil.casedoc.model import Facilitator
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.load import load_catalogue
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import (
    DamagedFile,
    InvalidRecord,
    NotFound,
    RjfacilError,
    TamperedFile,
)
from rjfacil.sanitize import visible
from rjfacil.store import agefile, kdf
from rjfacil.store.durable import write_private_file
from rjfacil.vault.door import (
    PASSPHRASE_MIN,
    VaultDoor,
    check_new_passphrase,
    create_vault_files,
    vault_exists,
)
from rjfacil.vault.folder import VaultFolder
from rjfacil.views.merge_words import describe_merge
from rjfacil.views.summary import (
    ROW_FORMAT,
    CaseSummary,
    checked_ids,
    record_id_prefixes,
    summarise,
    unpacked_prefixes,
)
from rjfacil.vocab import Stage

Progress = Callable[[int, int], None]
# The shortest start of a case id that finds it ("1" would match a sixteenth of them).
MIN_ID_PREFIX = 4

__all__ = [
    "PASSPHRASE_MIN",
    "CaseSummary",
    "LockedVault",
    "SearchHit",
    "Vault",
    "VerifyReport",
    "check_new_passphrase",
]


@dataclass
class SearchHit:
    case_id: UUID
    reference: str
    where: str
    excerpt: str


@dataclass
class ImportPreview:
    """What importing a co-worker's file would do, before anything is written."""

    bundle: Bundle
    plan: MergePlan
    case_id: UUID
    reference: str
    new_case: bool

    def lines(self) -> list[str]:
        """The plan in words (no field names, no ids)."""
        return describe_merge(
            self.plan, self.reference, self.bundle.exported_by.name, self.new_case
        )


@dataclass
class VerifyReport:
    """What verify checked, and what it found wrong.

    Attributes:
        checked: Case files found.
        decrypted: Case files that decrypted and read as a case.
        chains: Audit chains checked (one per readable case).
        backups: Kept versions in backups/ that decrypted; faults name the others.
    """

    checked: int = 0
    decrypted: int = 0
    chains: int = 0
    backups: int = 0
    faults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Kept versions that do not decrypt: reported, but no file in use is at fault (a
    # restore keeps the damaged file it replaced among the backups).
    backup_faults: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    def summary(self) -> list[str]:
        """What was checked, one line each, and what the check cannot show."""
        return [
            "header: vault.json read and its key slot opened",
            "profile: profile.rjv decrypted",
            f"cases: {self.decrypted} of {self.checked} case files decrypted",
            f"histories: {self.chains} audit chains checked",
            f"backups: {self.backups} kept versions decrypted, {len(self.backup_faults)} did not",
            *LIMITS,
        ]


LIMITS = (
    "limit: this is tamper-evident against people without the passphrase. Someone with "
    "the passphrase can rewrite a case's history and this check would still pass.",
    "limit: putting back an older copy of the whole vault folder cannot be detected here.",
)


class LockedVault(VaultDoor):
    """A vault folder held by this process (the OS lock), its key not yet in memory."""

    def unlock(self, passphrase: str) -> Vault:
        return Vault(self, self.key_from_passphrase(passphrase))

    def unlock_with_recovery(self, code: str) -> Vault:
        return Vault(self, self.key_from_recovery_code(code), by_recovery=True)

    def restore_profile_with(self, passphrase: str) -> Path:
        """Put profile.rjv's newest good backup in its place (the vault cannot open without)."""
        return self.restore_profile(self.key_from_passphrase(passphrase))


class Vault:
    """An unlocked vault. ``lock()`` drops the key and every decrypted case."""

    def __init__(self, door: LockedVault, key: bytes, by_recovery: bool = False) -> None:
        self.door = door
        # Unlocked with the recovery code: the passphrase may be reset without the old one.
        self.by_recovery = by_recovery
        self.home = door.home
        self.files = VaultFolder(door, key)
        self.catalogue: Catalogue = load_catalogue()
        try:
            self.owner = Facilitator.model_validate(self.files.read_profile())
        except ValidationError:
            raise InvalidRecord(
                f"{self.home / 'profile.rjv'}: the owner record is not valid"
            ) from None
        self._open: dict[UUID, CaseFile] = {}
        self._index: dict[UUID, CaseSummary] = {}
        # Problems with derived data (the index) after the user's change was saved.
        self.warnings: list[str] = []
        self._written_index: tuple[object, object] | None = None
        # A vault made before profile format 2 gets its age identity at its first unlock.
        self.recipient = self.files.age_recipient()
        self._load_index()

    # -- creating and opening ---------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        return vault_exists(home)

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
        owner = Facilitator(id=uuid4(), name=owner_name)
        recovery = create_vault_files(home, passphrase, owner.model_dump(mode="json"), params)
        return Vault.open(home).unlock(passphrase), recovery

    @property
    def key(self) -> bytes:
        return self.files.key

    @property
    def rotation_notice(self) -> str:
        """What this unlock did to a passphrase change a crash interrupted ('' if none)."""
        outcome = self.door.rotation_outcome
        if outcome == "finished":
            return (
                "An interrupted passphrase change was finished. Its new recovery code was "
                "never shown: run 'rjfacil recovery-code' to get one."
            )
        if outcome == "undone":
            return "An interrupted passphrase change was undone; the passphrase is unchanged."
        return ""

    @property
    def cases_dir(self) -> Path:
        return self.files.cases_dir

    # -- the index (a cache of case-list rows) -------------------------------------

    def _load_index(self) -> None:
        """Read index.rjv and refresh every row whose case file changed since."""
        rows: dict[UUID, tuple[CaseSummary, list[int]]] = {}
        stored_rows = self.files.read_index(ROW_FORMAT)
        self._written_index = (
            {case_id: raw for case_id, (raw, _sig) in stored_rows.items()},
            {case_id: sig for case_id, (_raw, sig) in stored_rows.items()},
        )
        for case_id, (raw, sig) in stored_rows.items():
            try:
                rows[case_id] = (CaseSummary.model_validate(raw), sig)
            except ValidationError:
                continue
        on_disk = self.files.case_signatures()
        stale = False
        for case_id, sig in on_disk.items():
            cached = rows.get(case_id)
            if cached and cached[1] == sig:
                self._index[case_id] = cached[0]
            else:
                stale = True
                self._refresh_row(case_id, cached[0] if cached else None)
        if stale or set(rows) != set(on_disk):
            self._update_index()

    def _refresh_row(self, case_id: UUID, known: CaseSummary | None = None) -> None:
        known = known or self._index.get(case_id)
        try:
            self._index[case_id] = summarise(self._load_case(case_id))
        except (DamagedFile, TamperedFile, InvalidRecord) as error:
            # Keep what the case list knew of it, so it can still be found (and restored).
            self._index[case_id] = CaseSummary(
                id=case_id,
                reference=known.reference if known else f"(unreadable {str(case_id)[:8]})",
                stage=known.stage if known else Stage.REFERRAL,
                updated_at=known.updated_at if known else clock.now(),
                unreadable=str(error),
            )

    def save_index(self) -> None:
        """Write the case-list cache (on close, lock and new cases; rebuilt if lost).

        Nothing is written when neither the rows nor the case files changed since the
        index was read or last written (a look at the vault leaves its files as they were).
        """
        for case_id, case in self._open.items():
            self._index[case_id] = summarise(case)
        rows = {case_id: row.model_dump(mode="json") for case_id, row in self._index.items()}
        written = (rows, self.files.case_signatures())
        if written == self._written_index:
            return
        self.files.write_index(ROW_FORMAT, rows)
        self._written_index = written

    def _update_index(self) -> None:
        """:meth:`save_index`, where a failure is a warning: the cases are already saved,
        and the next open rebuilds every row whose case file changed."""
        try:
            self.save_index()
        except (RjfacilError, OSError) as error:
            cause = getattr(error, "cause", None) or getattr(error, "strerror", None) or error
            warning = (
                f"The case list could not be updated ({cause}). Your change is saved; "
                "do not repeat it. The list is rebuilt at the next open."
            )
            if warning not in self.warnings:
                self.warnings.append(warning)

    def rebuild_index(self) -> int:
        self._index.clear()
        for case_id in self.files.case_signatures():
            self._refresh_row(case_id)
        self.save_index()
        return len(self._index)

    # -- cases ----------------------------------------------------------------------

    def list_cases(self) -> list[CaseSummary]:
        """Case-list rows: open cases first, then closed ones; each most recently updated first.

        Rows of cases open in memory are live, not the cached ones.
        """
        for case_id, case in self._open.items():
            self._index[case_id] = summarise(case)
        latest_first = sorted(self._index.values(), key=lambda row: row.updated_at, reverse=True)
        return sorted(latest_first, key=lambda row: not row.stage.is_open)

    def new_case(self, reference: str, **fields: Any) -> CaseFile:
        reference = reference.strip()
        if not reference:
            raise RjfacilError("A case needs a reference.")
        if any(row.reference == reference for row in self._index.values()):
            raise RjfacilError(f"A case with reference {reference} already exists.")
        case_id = uuid4()
        path, _name = self.files.case_path(case_id)
        case = CaseFile.create(
            self.files.case_storage(case_id),
            path,
            self.owner,
            self.catalogue,
            reference,
            id=case_id,
            **fields,
        )
        self._open[case_id] = case
        self._index[case_id] = summarise(case)
        self._update_index()
        return case

    def find_case(self, ref_or_id: str) -> UUID:
        """A case id from its reference, its id, or a unique start of its id.

        A reference wins over an id prefix; a prefix needs at least
        :data:`MIN_ID_PREFIX` characters, and an ambiguous one lists its matches.
        """
        text = ref_or_id.strip()
        by_ref = [row.id for row in self._index.values() if row.reference == text]
        if by_ref:
            return by_ref[0]
        if len(text) >= MIN_ID_PREFIX:
            by_id = [case_id for case_id in self._index if str(case_id).startswith(text.lower())]
            if len(by_id) == 1:
                return by_id[0]
            if by_id:
                names = ", ".join(
                    f"{str(case_id)[:8]} ({self._index[case_id].reference})"
                    for case_id in sorted(by_id, key=str)
                )
                raise NotFound(f"'{ref_or_id}' starts more than one case id: {names}.")
            raise NotFound(f"No case '{ref_or_id}'. 'rjfacil cases' lists them.")
        raise NotFound(
            f"No case with reference '{ref_or_id}' (an id needs at least {MIN_ID_PREFIX} "
            "characters). 'rjfacil cases' lists them."
        )

    def _load_case(self, case_id: UUID) -> CaseFile:
        path, _name = self.files.case_path(case_id)
        if not path.exists():
            raise NotFound(f"No case {case_id} in this vault.")
        try:
            case = CaseFile(self.files.case_storage(case_id), path, self.owner, self.catalogue)
        except (DamagedFile, TamperedFile) as error:
            error.backup = self.files.good_backup(case_id)
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
        backup = self.files.restore_case(case_id)
        self._open.pop(case_id, None)
        self._refresh_row(case_id)
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
            path, _name = self.files.case_path(case_id)
            try:
                found = searchable(self.files.read_case_document(case_id), path)
            except (OSError, RjfacilError):
                continue
            yield from _search_case(case_id, found, needle)

    # -- co-workers' case files (bundles) ------------------------------------------------

    def export_bundle(
        self,
        case_id: UUID,
        out: Path,
        recipients: list[str] | None = None,
        passphrase: str | None = None,
    ) -> int:
        """Write the case as an age file for co-workers; returns how many private notes
        were left out. To ``recipients`` (their "age1..." keys), else to ``passphrase``.

        The file is written 0600 and whole (a temporary file renamed into place); the
        export is then recorded in the case's history.
        """
        case = self.open_case(case_id)
        data = bundle_json(case.document, self.owner, clock.now())
        if recipients:
            sealed = agefile.encrypt_to_recipients(data, recipients)
        elif passphrase:
            sealed = agefile.encrypt_with_passphrase(data, passphrase)
        else:
            raise RjfacilError("Name a co-worker's recipient, or choose a share passphrase.")
        write_private_file(out, sealed)
        left_out = len(private_note_ids(case.document))
        whom = "co-workers' keys" if recipients else "a share passphrase"
        case.record_bundle_export(f"exported a case file for co-workers (to {whom})")
        return left_out

    @staticmethod
    def check_recipients(texts: list[str]) -> list[str]:
        """Co-workers' recipients as typed or pasted, checked, in canonical form.

        Raises:
            BundleError: One is not an age recipient (the message says what it should be).
        """
        return [agefile.parse_recipient(text) for text in texts]

    def read_bundle(self, source: Path, passphrase: str | None = None) -> Bundle:
        """Decrypt (with this vault's identity, or a share passphrase) and validate a
        co-worker's case file. Nothing is written.

        Raises:
            BundleError, UntrustedJsonError, BundleRefused: one line each.
        """
        if passphrase is None:
            data = agefile.decrypt(source, identities=[self.files.age_identity()])
        else:
            data = agefile.decrypt(source, passphrase=passphrase)
        return bundle_from_json(
            data, f"The file {visible(source.name, single_line=True)}", clock.now()
        )

    def preview_import(self, bundle: Bundle) -> ImportPreview:
        """What importing ``bundle`` would add, change and set aside; nothing is written.

        Raises:
            BundleRefused: its records collide with another case's, or its reference is
                another case's, or it cannot be merged (see rjfacil.casedoc.merge).
        """
        incoming = bundle.document
        case_id = incoming.case.id
        exists = case_id in self._index or self.files.case_path(case_id)[0].exists()
        if not exists:
            clash = [r for r in self._index.values() if r.reference == incoming.case.reference]
            if clash:
                raise BundleRefused(
                    f"Another case in this vault has the reference "
                    f"{visible(incoming.case.reference, single_line=True)}: the file's case "
                    "is a different one; it was not imported."
                )
        self._check_no_collisions(incoming, case_id)
        local = self.open_case(case_id).document if exists else empty_document()
        plan = plan_merge(local, bundle, self.owner.id, clock.now())
        return ImportPreview(bundle, plan, case_id, incoming.case.reference, not exists)

    def import_bundle(self, preview: ImportPreview) -> CaseFile:
        """Write what :meth:`preview_import` planned: one durable commit."""
        case_id = preview.case_id
        if preview.new_case:
            path, _name = self.files.case_path(case_id)
            case = CaseFile.create_from_merge(
                self.files.case_storage(case_id), path, self.owner, self.catalogue, preview.plan
            )
            self._open[case_id] = case
        else:
            case = self.open_case(case_id)
            case.merge(preview.plan)
        self._index[case_id] = summarise(case)
        self.save_index()
        return case

    def _check_no_collisions(self, incoming: CaseDocument, case_id: UUID) -> None:
        """Refuse records whose ids another case already holds (team members aside: the
        same person is on many cases, by the same id).

        Cases open here are checked in memory; the others through their index rows, which
        keep the start of every record id: only a case whose row matches (or has no ids,
        being unreadable) is decrypted, to check exactly.
        """
        ids = set(checked_ids(incoming.records))
        wanted = record_id_prefixes(ids)
        # Every case file has a row (the index is brought up to date at unlock, and every
        # case made or imported since gets one).
        for other in set(self._index) | set(self._open):
            if other == case_id:
                continue
            if other in self._open:
                held = set(checked_ids(self._open[other].document.records))
                if held & ids:
                    raise _collision()
                continue
            row = self._index.get(other)
            if (
                row is not None
                and row.record_ids
                and not wanted & unpacked_prefixes(row.record_ids)
            ):
                continue
            try:
                raw = self.files.read_case_document(other)
            except (OSError, RjfacilError):
                continue
            text_ids = {str(each) for each in ids}
            for table, records in raw.items():
                if table in ("team", "meta") or not isinstance(records, dict):
                    continue
                if any(
                    str(r.get("id")) in text_ids for r in records.values() if isinstance(r, dict)
                ):
                    raise _collision()

    # -- keys -------------------------------------------------------------------------

    def change_passphrase(self, old: str, new: str, progress: Progress | None = None) -> str:
        """A new passphrase, a new vault key and a new recovery code; returns the code.

        Every file (backups too) is re-encrypted under the new key, so neither the old
        passphrase nor the old recovery code opens anything in the folder afterwards.
        """
        self.door.check_passphrase(self.key, old)
        return self._rotate(new, progress)

    def reset_passphrase(self, new: str, progress: Progress | None = None) -> str:
        """Set a new passphrase without the old one: only after a recovery-code unlock.

        As :meth:`change_passphrase`: a new key and a new recovery code (returned).
        """
        if not self.by_recovery:
            raise RjfacilError("Give the current passphrase to change it.")
        return self._rotate(new, progress)

    def new_recovery_code(self, passphrase: str, progress: Progress | None = None) -> str:
        """Replace the recovery code (a new vault key; the passphrase stays); returns it."""
        self.door.check_passphrase(self.key, passphrase)
        return self._rotate(passphrase, progress)

    def _rotate(self, passphrase: str, progress: Progress | None) -> str:
        check_new_passphrase(passphrase)
        self._update_index()  # under the current key, so it is re-encrypted with the rest
        self._open.clear()  # their storages hold the old key
        rotated = self.door.rotate_key(self.key, passphrase, progress)
        self.files.rekey(rotated.key)
        self.by_recovery = False
        return rotated.recovery_code

    def verify(self, rebuild_index: bool = False) -> VerifyReport:
        """Decrypt every file (backups too) and check every audit chain."""
        report = VerifyReport()
        for case_id in sorted(self.files.case_signatures()):
            report.checked += 1
            try:
                case = self._load_case(case_id)
            except RjfacilError as error:
                report.faults.append(str(error))
                continue
            report.decrypted += 1
            report.chains += 1
            report.faults += [f"{case.path}: {problem}" for problem in case.chain_problems()]
        problem = self.files.check_index()
        if problem:
            report.faults.append(f"{problem} (the case list; 'verify --rebuild-index' remakes it)")
        report.backups, report.backup_faults = self.files.check_backups()
        if rebuild_index:
            report.notes.append(f"index rebuilt: {self.rebuild_index()} cases")
        else:
            report.notes.append("index: index.rjv decrypted" if not problem else "index: damaged")
        return report

    def lock(self) -> LockedVault:
        """Save the index, drop the key and every decrypted case; keep holding the folder."""
        if self.files.unlocked:
            try:
                self._update_index()
            finally:
                self._open.clear()
                self._index.clear()
                self.files.forget()
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


def bundle_file_name(reference: str) -> str:
    """A safe file name for a case file for co-workers: ``RJ-2026-014.age``."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", reference).strip("-.") or "case"
    return f"{stem[:60]}.age"


def _collision() -> BundleRefused:
    return BundleRefused(
        "The file holds records with the same ids as another case in this vault; it was refused."
    )


def _search_case(case_id: UUID, found: Searchable, needle: str) -> Iterator[SearchHit]:
    reference = found.reference
    if needle in reference.casefold():
        yield SearchHit(case_id, reference, "reference", reference)
    for where, text in found.texts:
        at = text.casefold().find(needle)
        if at < 0:
            continue
        if where == "note":
            start = max(0, at - 30)
            yield SearchHit(case_id, reference, where, text[start : at + len(needle) + 30])
        else:
            yield SearchHit(case_id, reference, where, text)
