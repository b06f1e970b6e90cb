"""The unlocked vault's cases: list, open, create, search, verify, and the index behind the list.

The vault layer (rjfacil.vault) holds the folder, the key and the files; this module puts
case meaning on them: a case file is opened as a CaseFile (commands), and each index row is
a CaseSummary (views).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from pydantic import ValidationError

from rjfacil import clock
from rjfacil.casedoc.audit import field_changes
from rjfacil.casedoc.bundle import Bundle, BundleRefused, private_note_ids
from rjfacil.casedoc.bundle import from_json as bundle_from_json
from rjfacil.casedoc.bundle import to_json as bundle_json
from rjfacil.casedoc.codec import CaseDocument, searchable
from rjfacil.casedoc.merge import MergePlan, empty_document, plan_merge
from rjfacil.casedoc.model import Case, Facilitator
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.load import load_catalogue
from rjfacil.commands import reference as reference_rules
from rjfacil.commands import supervision
from rjfacil.commands.casefile import CaseFile
from rjfacil.commands.reference import check_reference_among
from rjfacil.commands.supervision import SupervisionSession
from rjfacil.errors import (
    DamagedFile,
    FileFailed,
    FileOutOfStep,
    InvalidRecord,
    InvalidReference,
    NotFound,
    ReadOnlyVault,
    RjfacilError,
    TamperedFile,
    os_cause,
)
from rjfacil.sanitize import visible
from rjfacil.settings import Settings
from rjfacil.store import agefile, kdf
from rjfacil.store.durable import write_private_file
from rjfacil.vault.door import (
    PASSPHRASE_MIN,
    VaultDoor,
    check_new_passphrase,
    check_new_vault_folder,
    create_vault_files,
    vault_exists,
)
from rjfacil.vault.folder import VaultFolder
from rjfacil.vault.integrity import Finding, Kind, case_id_of, case_name
from rjfacil.views.due import DueItem, due_items
from rjfacil.views.excerpt import excerpt
from rjfacil.views.integrity_words import Backup, Remedy, case_line, vault_line
from rjfacil.views.merge_words import describe_merge, detail_changes, go_ahead_caution
from rjfacil.views.summary import (
    ROW_FORMAT,
    UNCHECKED_TABLES,
    CaseSummary,
    record_id_prefixes,
    stored_ids,
    summarise,
    summarise_stored,
    unpacked_prefixes,
)
from rjfacil.vocab import Stage

Progress = Callable[[int, int], None]
# What to do when a file for someone else cannot be written, by cause.
_EXPORT_ADVICE = {
    "permission denied": "Choose a folder you may write in.",
    "the disk is full": "Free some space, or choose another place.",
}
# The shortest start of a case id that finds it ("1" would match a sixteenth of them).
MIN_ID_PREFIX = reference_rules.MIN_ID_PREFIX

__all__ = [
    "PASSPHRASE_MIN",
    "CaseSummary",
    "LockedVault",
    "Restored",
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
    details: str = ""
    """What the file changes in the case's details, in words ("" for nothing)."""
    caution: str = ""
    """The points the file takes the case past with no go-ahead recorded, in words."""

    def lines(self) -> list[str]:
        """The plan in words (no field names, no ids)."""
        said = describe_merge(
            self.plan, self.reference, self.bundle.exported_by.name, self.new_case, self.details
        )
        return [*said, self.caution] if self.caution else said


@dataclass(frozen=True)
class Restored:
    """What ``case restore`` put in place: the version's source, and whether it was the
    case file itself, kept as it is (an older copy with no newer backup)."""

    source: Path
    kept: bool


@dataclass
class VerifyReport:
    """What verify checked, and what it found wrong.

    Attributes:
        checked: Case files the vault has (on disk or listed by the manifest).
        decrypted: Case files that decrypted and read as a case.
        chains: Audit chains checked (one per readable case).
        listed: Files the manifest lists (case files and the index).
        out_of_step: Files found missing, older or swapped (now, or at this open).
        backups: Kept versions in backups/ that decrypted; faults name the others.
    """

    checked: int = 0
    decrypted: int = 0
    chains: int = 0
    listed: int = 0
    out_of_step: int = 0
    backups: int = 0
    faults: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Kept versions that do not decrypt: a warning, not a fault. No file in use is at
    # fault, and a restore keeps the failing file it replaced among the backups on purpose
    # (failing verify for it would fail every verify after a repair until it rotates out).
    backup_faults: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.faults

    def summary(self) -> list[str]:
        """What was checked, one line each, and what the check cannot show."""
        differ = (
            f"{self.out_of_step} not the version it records"
            if self.out_of_step
            else "each file present and the version it records"
        )
        return [
            "header: vault.json read and its key slot opened",
            "profile: profile.rjv decrypted",
            f"cases: {self.decrypted} of {self.checked} case files decrypted",
            f"histories: {self.chains} audit chains checked",
            f"manifest: {self.listed} files listed (case files and the index); {differ}",
            f"backups: {self.backups} kept versions decrypted, {len(self.backup_faults)} did not"
            " (a warning: no file in use depends on them)",
            *LIMITS,
        ]


LIMITS = (
    "limit: this is tamper-evident against people without the passphrase. Someone with "
    "the passphrase can rewrite a case's history and this check would still pass.",
    "limit: a case file deleted, swapped or put back from an older copy is caught; one "
    "deleted together with manifest.rjv is caught while a backup of manifest.rjv, the case "
    "list or one of the case's backups remembers it. Putting back an older copy of the "
    "whole vault folder cannot be detected here.",
)


class LockedVault(VaultDoor):
    """A vault folder held by this process (the OS lock), its key not yet in memory."""

    def unlock(self, passphrase: str, progress: Progress | None = None) -> Vault:
        """Unlock with the passphrase.

        Args:
            passphrase: The passphrase.
            progress: Told (files done, files in all) while an interrupted key change is
                finished or undone (:attr:`rotation_pending`); not called otherwise.
        """
        return Vault(self, self.key_from_passphrase(passphrase, progress))

    def unlock_with_recovery(self, code: str, progress: Progress | None = None) -> Vault:
        """Unlock with the recovery code; ``progress`` as in :meth:`unlock`."""
        return Vault(self, self.key_from_recovery_code(code, progress), by_recovery=True)

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
        self._searched: dict[UUID, _Searched] = {}  # see search()
        # Problems with derived data (the index) after the user's change was saved.
        self.warnings: list[str] = []
        self._written_index: tuple[object, object] | None = None
        # A vault made before profile format 2 gets its age identity at its first unlock
        # (one that can be saved: read-only, it has none yet).
        try:
            self.recipient = self.files.age_recipient()
        except ReadOnlyVault:
            self.recipient = ""
        # What the manifest check found at this open (a vault without a manifest gets one).
        self.findings: list[Finding] = self.files.open_manifest()
        self._stored_references: dict[UUID, str] = {}
        self._load_index()
        self.warnings += self.files.manifest_warnings

    # -- creating and opening ---------------------------------------------------

    @staticmethod
    def exists(home: Path) -> bool:
        return vault_exists(home)

    @staticmethod
    def check_new_folder(home: Path) -> None:
        """Refuse, before anything is asked or written, a folder ``create`` would refuse.

        Raises:
            VaultExists, HeaderMissing, FolderNotEmpty: one line each.
        """
        check_new_vault_folder(home)

    @staticmethod
    def open(home: Path) -> LockedVault:
        """Hold the vault folder (refused at once if another process holds it)."""
        return LockedVault(home)

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        owner_name: str,
        params: kdf.KdfParams | None = None,
        *,
        shown_later: bool = False,
    ) -> tuple[Vault, str]:
        """Make a new vault; returns it unlocked, and the recovery code to show once.

        Args:
            shown_later: The caller shows the code and then calls
                :meth:`recovery_code_shown`; until then (a kill in between, say) the vault
                says its code was never shown and how to get one. False: the code counts
                as shown once this returns.
        """
        check_new_passphrase(passphrase)
        owner_name = owner_name.strip()
        if not owner_name:
            raise RjfacilError("Your name is needed: co-workers see it on what you write.")
        owner = Facilitator(id=uuid4(), name=owner_name)
        recovery = create_vault_files(home, passphrase, owner.model_dump(mode="json"), params)
        vault = Vault.open(home).unlock(passphrase)
        if not shown_later:
            vault.recovery_code_shown()
        return vault, recovery

    def recovery_code_shown(self) -> None:
        """The recovery code now in use has been shown (after init, passwd or
        recovery-code): the vault no longer says that it never was."""
        self.door.recovery_code_shown()

    @property
    def key(self) -> bytes:
        return self.files.key

    @property
    def read_only(self) -> ReadOnlyVault | None:
        """Why nothing can be saved (read-only media, or a folder this user may not
        write in), or None. A read-only vault reads as usual; every change is refused."""
        return self.door.read_only

    def rename_owner(self, name: str) -> Facilitator:
        """Change the name this vault's facilitator goes by (as co-workers know them).

        One record changes, the profile's: every case refers to the facilitator by id and
        shows the name the profile gives, and each case's copy of it follows at that
        case's next change (so a co-worker's file made after it carries the new name).

        Raises:
            RjfacilError: No name, or a name too long; nothing changed.
            ReadOnlyVault: The vault cannot be written.
        """
        self.check_writable()
        name = " ".join(name.split())
        if not name:
            raise RjfacilError("Not saved: give the name your co-workers know you by.")
        try:
            renamed = Facilitator.model_validate(
                {**self.owner.model_dump(mode="json"), "name": name}
            )
        except ValidationError:
            raise RjfacilError("Not saved: a name of at most 120 characters.") from None
        self.files.write_owner(renamed.model_dump(mode="json"))
        # In place: every case opened here holds this very record as its owner.
        self.owner.name = renamed.name
        return self.owner

    def check_writable(self) -> None:
        """Refuse a change before anything is asked or attempted.

        Raises:
            ReadOnlyVault: The vault cannot be written.
        """
        self.door.check_writable()

    @property
    def rotation_notice(self) -> str:
        """What this unlock did to a passphrase change a crash interrupted, or that the
        recovery code was never shown ('' if neither)."""
        outcome = self.door.rotation_outcome
        if outcome == "finished":
            return (
                "An interrupted passphrase change was finished. Its new recovery code was "
                "never shown: run 'rjfacil recovery-code' to get one."
            )
        if outcome == "undone":
            return "An interrupted passphrase change was undone; the passphrase is unchanged."
        if self.door.recovery_code_unseen:
            return (
                "This vault's recovery code was never shown (making the vault was "
                "interrupted): run 'rjfacil recovery-code' to get one."
            )
        return ""

    @property
    def cases_dir(self) -> Path:
        return self.files.cases_dir

    # -- integrity (the manifest's findings) ---------------------------------------------

    def integrity_lines(self, how: Remedy = "cli") -> list[str]:
        """What the manifest check found at this open, one line each, naming each case by
        its reference and offering its newest good backup (``how``: the command or the
        app's way to restore)."""
        return [self._finding_line(finding, how) for finding in self.findings]

    def _finding_line(self, finding: Finding, how: Remedy | None) -> str:
        case_id = case_id_of(finding.name)
        if case_id is None:
            return vault_line(finding)
        other_id = case_id_of(finding.other)
        other = (self._reference(other_id) or str(other_id)[:8]) if other_id else ""
        backup = self._restore_offer(case_id, finding) if finding.blocking else None
        return case_line(
            finding, self._reference(case_id), str(case_id), other=other, backup=backup, how=how
        )

    def _restore_offer(self, case_id: UUID, finding: Finding) -> Backup | None:
        """The version a restore would put back, for the words of a finding."""
        kept = self.files.backups_by_write(case_id)
        if finding.kind is Kind.OLDER:
            current = self.files.current_write(case_id)
            if kept and current is not None and kept[0][0] > current:
                return Backup(kept[0][1].name)
            return None
        return Backup(kept[0][1].name) if kept else None

    def _reference(self, case_id: UUID) -> str:
        """A case's reference for messages, from the case list, else from its file or its
        newest good backup (a missing or older file's case list row may be gone); "" if
        none of them knows it."""
        row = self._index.get(case_id)
        if row is not None and not row.unreadable:
            return row.reference
        stored = self._stored_references.get(case_id)
        if stored:
            return stored
        path, _name = self.files.case_path(case_id)
        for source in (path, self.files.good_backup(case_id)):
            if source is None:
                continue
            try:
                return searchable(self.files.read_case_document(case_id, source), source).reference
            except (OSError, RjfacilError):
                continue
        return ""

    def _out_of_step(self, case_id: UUID, finding: Finding) -> FileOutOfStep:
        path, _name = self.files.case_path(case_id)
        offer = self._restore_offer(case_id, finding)
        keep = finding.kind is Kind.OLDER and offer is None
        backup = self.files.good_backup(case_id) if offer else None
        return FileOutOfStep(self._finding_line(finding, None), path, backup, keep)

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
        self._stored_references = {
            case_id: row.reference for case_id, (row, _sig) in rows.items() if not row.unreadable
        }
        on_disk = self.files.case_signatures()
        stale = False
        for case_id, sig in on_disk.items():
            cached = rows.get(case_id)
            if cached and cached[1] == sig and case_name(case_id) not in self.files.blocked:
                self._index[case_id] = cached[0]
            else:
                stale = True
                self._refresh_row(case_id, cached[0] if cached else None)
        # A case the manifest lists whose file is gone stays in the list, to be restored.
        for case_id in sorted(self.files.listed_cases() - on_disk.keys()):
            cached = rows.get(case_id)
            self._refresh_row(case_id, cached[0] if cached else None)
        if (stale or set(rows) != set(self._index)) and self.read_only is None:
            self._update_index()
            if (rows.keys() - self._index.keys()) & self.files.deleted_cases():
                # A deletion a kill interrupted: the old rows' kept versions go too.
                with contextlib.suppress(RjfacilError):
                    self.files.drop_index_backups()

    def _refresh_row(self, case_id: UUID, known: CaseSummary | None = None) -> None:
        known = known or self._index.get(case_id)
        try:
            self._index[case_id] = self._stored_row(case_id)
            return
        except (OSError, RjfacilError):
            pass  # the case opened in full says what is wrong, as opening it would
        try:
            self._index[case_id] = summarise(self._load_case(case_id))
        except (DamagedFile, TamperedFile, InvalidRecord, FileOutOfStep) as error:
            # Keep what the case list knew of it, so it can still be found (and restored).
            self._index[case_id] = CaseSummary(
                id=case_id,
                reference=known.reference
                if known and not known.unreadable
                else self._reference(case_id) or f"(unreadable {str(case_id)[:8]})",
                stage=known.stage if known else Stage.REFERRAL,
                updated_at=known.updated_at if known else clock.now(),
                unreadable=str(error),
            )

    def _stored_row(self, case_id: UUID) -> CaseSummary:
        """A case's row read from its file without opening it in full (see
        :func:`summarise_stored`); any failure is for :meth:`_load_case` to name."""
        path, _name = self.files.case_path(case_id)
        raw = self.files.read_case_document(case_id)
        if not all(isinstance(table, dict) for table in raw.values()):
            raise DamagedFile(path, "it does not hold a database")
        row = summarise_stored(raw, path, self.owner, self.catalogue)
        if row.id != case_id:
            raise InvalidRecord(f"{path}: holds case {row.id}, not {case_id}")
        return row

    def save_index(self) -> None:
        """Write the case-list cache (on close, lock and new cases; rebuilt if lost).

        Nothing is written when neither the rows nor the case files changed since the
        index was read or last written (a look at the vault leaves its files as they were).

        Raises:
            ReadOnlyVault: The vault cannot be written.
        """
        self.check_writable()
        for case_id, case in self._open.items():
            self._index[case_id] = summarise(case)
        rows = {case_id: row.model_dump(mode="json") for case_id, row in self._index.items()}
        sigs = self.files.case_signatures()
        written = (rows, sigs)
        if written == self._written_index:
            return
        self.files.write_index(ROW_FORMAT, rows, sigs)
        self._written_index = written

    def _update_index(self) -> None:
        """:meth:`save_index`, where a failure is a warning: the cases are already saved,
        and the next open rebuilds every row whose case file changed. A read-only vault's
        list lives in memory only."""
        if self.read_only is not None:
            return
        try:
            self.save_index()
        except (RjfacilError, OSError) as error:
            if isinstance(error, OSError):
                cause: object = os_cause(error)
            else:
                cause = getattr(error, "cause", error)
            warning = (
                f"The case list could not be updated ({cause}). Your change is saved; "
                "do not repeat it. The list is rebuilt at the next open."
            )
            if warning not in self.warnings:
                self.warnings.append(warning)

    def rebuild_index(self) -> int:
        """Remake every row from its case file; a file that fails keeps its reference."""
        known = dict(self._index)
        self._index.clear()
        for case_id in sorted(self.files.case_signatures().keys() | self.files.listed_cases()):
            self._refresh_row(case_id, known.get(case_id))
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

    # -- supervision (the facilitator's practice, kept in the profile) -------------

    def supervision_sessions(self) -> list[SupervisionSession]:
        """The facilitator's supervision sessions, newest first."""
        return supervision.sessions_in(self.files.read_profile_document())

    def add_supervision_session(
        self, held_on: date, supervisor: str, case_ids: list[UUID], agreed: str
    ) -> SupervisionSession:
        """Record a supervision session (one write of the profile).

        Raises:
            RjfacilError: No supervisor named, a day in the future, or a case not in
                this vault.
            WriteFailed, ReadOnlyVault: It could not be saved.
        """
        unknown = [c for c in case_ids if c not in self._index]
        if unknown:
            raise RjfacilError("Not saved: a case discussed is not in this vault.")
        session = supervision.new_session(self.owner.id, held_on, supervisor, case_ids, agreed)
        document = self.files.read_profile_document()
        self.files.write_profile_document(supervision.with_session(document, session))
        return session

    def update_supervision_session(
        self,
        session_id: UUID,
        held_on: date,
        supervisor: str,
        case_ids: list[UUID],
        agreed: str,
    ) -> SupervisionSession:
        """Edit a supervision session (one write of the profile), checked as a new one is.

        Raises:
            NotFound: No session has that id.
            RjfacilError: No supervisor named, a day in the future, or a case not in
                this vault.
            WriteFailed, ReadOnlyVault: It could not be saved.
        """
        document = self.files.read_profile_document()
        found = next((s for s in supervision.sessions_in(document) if s.id == session_id), None)
        if found is None:
            raise NotFound("No such supervision session in this vault.")
        # A case deleted since stays among those the session discussed.
        unknown = [c for c in case_ids if c not in self._index and c not in found.case_ids]
        if unknown:
            raise RjfacilError("Not saved: a case discussed is not in this vault.")
        session = supervision.edited_session(
            found, self.owner.id, held_on, supervisor, case_ids, agreed
        )
        self.files.write_profile_document(supervision.with_session(document, session))
        return session

    def due(self, settings: Settings) -> list[DueItem]:
        """What is due across every case and the facilitator's practice, soonest first:
        read from the case list's rows and the profile, no case opened."""
        sessions = self.supervision_sessions()
        return due_items(
            self.list_cases(),
            sessions[0].held_on if sessions else None,
            supervision_weeks=settings.supervision_weeks,
            retention_years=settings.retention_years,
        )

    def new_case(self, reference: str, **fields: Any) -> CaseFile:
        """Create a case and write its file.

        Raises:
            InvalidReference: The reference breaks a rule (:mod:`rjfacil.commands.reference`):
                nothing is written.
        """
        self.check_writable()
        case_id = uuid4()
        reference = check_reference_among(reference, self._references(), own=case_id)
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
        self._watch_reference(case)
        return case

    def _references(self) -> list[tuple[UUID, str]]:
        """Every case's id and reference: the case list's, and those of cases open now."""
        rows = {case_id: row.reference for case_id, row in self._index.items()}
        rows.update((case_id, case.case.reference) for case_id, case in self._open.items())
        return list(rows.items())

    def _watch_reference(self, case: CaseFile) -> None:
        """Make a change of ``case``'s reference follow the rules among this vault's cases."""
        case_id = case.case.id

        def check(text: str) -> str:
            return check_reference_among(text, self._references(), own=case_id)

        case.check_reference = check

    def find_case(self, ref_or_id: str) -> UUID:
        """A case id from its reference, its id, or a unique start of its id.

        A full id always names its own case; a reference wins over an id prefix (new
        references may not be one: :mod:`rjfacil.commands.reference`); a prefix needs at least
        :data:`MIN_ID_PREFIX` characters, and an ambiguous one lists its matches.
        """
        text = ref_or_id.strip()
        try:
            exact = UUID(text)
        except ValueError:
            exact = None
        if exact is not None and exact in self._index:
            return exact  # a full id always names its own case, whatever a reference says
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
        """Open a case file: refused while the manifest finds it missing, older or swapped.

        Raises:
            FileOutOfStep: Missing, an older copy, or another case's file.
            DamagedFile, TamperedFile: It does not decrypt (its newest good backup named).
            NotFound: No such case.
        """
        path, name = self.files.case_path(case_id)
        finding = self.files.blocked.get(name)
        if finding is not None and finding.kind is not Kind.DAMAGED:
            raise self._out_of_step(case_id, finding)
        if not path.exists():
            raise NotFound(f"No case {case_id} in this vault.")
        storage = self.files.case_storage(case_id)
        try:
            case = CaseFile(storage, path, self.owner, self.catalogue)
        except (DamagedFile, TamperedFile) as error:
            error.backup = self.files.good_backup(case_id)
            if error.backup:
                error.args = (f"{error.args[0]} A good backup exists: {error.backup.name}.",)
            raise
        older = self.files.check_read(storage)
        if older is not None:
            raise self._out_of_step(case_id, older)
        if case.id != case_id:
            raise InvalidRecord(f"{path}: holds case {case.id}, not {case_id}")
        return case

    def delete_case(self, case_id: UUID, typed: str) -> str:
        """Delete a case for good: its file, its kept versions and its row in the case list.

        ``typed`` must be the case's reference, typed in full (the confirmation). The vault
        records that a case was deleted, when and by whom, keeping only its reference and
        its random id (no name, no note, nothing else of the case). A kill at any instant
        leaves the case as it was, or deleted (the next open finishes a started deletion).

        Returns:
            The deleted case's reference.

        Raises:
            NotFound: No such case.
            RjfacilError: ``typed`` is not the reference; nothing was deleted.
            ReadOnlyVault, WriteFailed: Nothing was deleted.
        """
        self.check_writable()
        row = self._index.get(case_id)
        if row is None:
            raise NotFound(f"No case {case_id} in this vault.")
        reference = self._open[case_id].case.reference if case_id in self._open else row.reference
        if typed.strip() != reference or not reference:
            raise RjfacilError(
                f"The reference typed does not match '{reference}': nothing was deleted."
            )
        record = {
            "reference": reference,
            "deleted_at": clock.now().isoformat(),
            "deleted_by": str(self.owner.id),
        }
        self._open.pop(case_id, None)
        self._searched.pop(case_id, None)
        self.files.delete_case(case_id, record)
        self._index.pop(case_id, None)
        warned = len(self.warnings)
        self._update_index()
        if len(self.warnings) == warned:  # the new index is saved: its old versions go
            self.files.drop_index_backups()
        return reference

    def deletions(self) -> list[tuple[str, str]]:
        """Deleted cases, oldest first: each one's reference and when (ISO date-time)."""
        return [
            (str(record.get("reference", "")), str(record.get("deleted_at", "")))
            for record in self.files.deletions()
        ]

    def open_case(self, case_id: UUID) -> CaseFile:
        if case_id not in self._open:
            case = self._load_case(case_id)
            self._watch_reference(case)
            self._open[case_id] = case
        return self._open[case_id]

    def restore_case_backup(self, case_id: UUID) -> Restored:
        """Put the newest good version of a case in place of a failing, missing, older or
        swapped file (see :meth:`VaultFolder.restore_case`), as a new save."""
        source, kept = self.files.restore_case(case_id)
        self._open.pop(case_id, None)
        self._refresh_row(case_id)
        return Restored(source, kept)

    def search(
        self, text: str, progress: Callable[[int, int], None] | None = None
    ) -> Iterator[SearchHit]:
        """Full-text search over every case: every text a user typed, current versions.

        What a case holds is read once and kept while the vault is unlocked (a case is
        read again when its file or its open document changes), so searching again is a
        scan of memory, not of every file.
        """
        needle = text.casefold().strip()
        signatures = self.files.case_signatures()
        ids = list(self._index)
        for done, case_id in enumerate(ids, start=1):
            if progress:
                progress(done, len(ids))
            if not needle:
                continue
            found = self._searchable(case_id, signatures.get(case_id))
            if found is not None:
                yield from _search_case(case_id, found, needle)

    def _searchable(self, case_id: UUID, signature: list[int] | None) -> _Searched | None:
        """A case's texts, casefolded, from memory when nothing changed since they were read."""
        case = self._open.get(case_id)
        source: object = case.document if case is not None else signature
        held = self._searched.get(case_id)
        if held is not None and (held.source is source or held.source == source):
            return held
        path, _name = self.files.case_path(case_id)
        try:
            raw = (
                case.document.tables if case is not None else self.files.read_case_document(case_id)
            )
            found = searchable(raw, path)
        except (OSError, RjfacilError):
            self._searched.pop(case_id, None)
            return None
        texts = [(where, text, text.casefold()) for where, text in found.texts]
        self._searched[case_id] = held = _Searched(source, found.reference, texts)
        return held

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
        export is then recorded in the case's history (not in a read-only vault, which
        cannot be written: see :attr:`read_only`).
        """
        case = self.open_case(case_id)
        if self.read_only is None:
            case.follow_owner_rename()  # co-workers get the name used now
        data = bundle_json(case.document, self.owner, clock.now())
        if recipients:
            sealed = agefile.encrypt_to_recipients(data, recipients)
        elif passphrase:
            sealed = agefile.encrypt_with_passphrase(data, passphrase)
        else:
            raise RjfacilError("Name a co-worker's recipient, or choose a share passphrase.")
        try:
            write_private_file(out, sealed)
        except OSError as err:
            raise FileFailed("write", out, err, _EXPORT_ADVICE.get(os_cause(err), "")) from None
        left_out = len(private_note_ids(case.document))
        whom = "co-workers' keys" if recipients else "a share passphrase"
        if self.read_only is not None:
            return left_out
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
            self._check_incoming_reference(incoming.case.reference, case_id)
        self._check_no_collisions(incoming, case_id)
        path, _name = self.files.case_path(case_id)
        here = (
            self.open_case(case_id)
            if exists
            else CaseFile(None, path, self.owner, self.catalogue, document=empty_document())
        )
        local = here.document
        plan = plan_merge(local, bundle, self.owner.id, clock.now())
        if exists:
            for _table, record in plan.changes:
                if isinstance(record, Case) and record.reference != local.case.reference:
                    self._check_incoming_reference(record.reference, case_id)
        # What the case would be: its details as changed, and any point it would be past
        # without a go-ahead that it was not past here already.
        after = here.merged(plan)
        details = ""
        if exists and not plan.nothing_new:
            details = detail_changes(field_changes(local.case, after.case), after.person_name)
        already = set(here.points_passed_without_go_ahead()) if exists else set()
        points = [p for p in after.points_passed_without_go_ahead() if p not in already]
        caution = go_ahead_caution(bundle.exported_by.name, after.case, points)
        return ImportPreview(
            bundle, plan, case_id, incoming.case.reference, not exists, details, caution
        )

    def _check_incoming_reference(self, reference: str, case_id: UUID) -> None:
        """A co-worker's file may bring a reference only if it follows this vault's rules.

        Raises:
            BundleRefused: It breaks one (:mod:`rjfacil.commands.reference`), named.
        """
        try:
            check_reference_among(reference, self._references(), own=case_id)
        except InvalidReference as error:
            shown = visible(reference, single_line=True)
            raise BundleRefused(
                f"The file's case reference {shown} cannot be used here "
                f"({str(error).removesuffix(' Nothing was saved.')}); it was not imported."
            ) from error

    def import_bundle(self, preview: ImportPreview) -> CaseFile:
        """Write what :meth:`preview_import` planned: one durable commit."""
        self.check_writable()
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
        ids = set(stored_ids(incoming))
        wanted = record_id_prefixes(ids)
        # Every case file has a row (the index is brought up to date at unlock, and every
        # case made or imported since gets one).
        for other in set(self._index) | set(self._open):
            if other == case_id:
                continue
            if other in self._open:
                held = set(stored_ids(self._open[other].document))
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
                if table in UNCHECKED_TABLES or not isinstance(records, dict):
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
        self.check_writable()
        self.door.check_passphrase(self.key, old)
        return self._rotate(new, progress)

    def reset_passphrase(self, new: str, progress: Progress | None = None) -> str:
        """Set a new passphrase without the old one: only after a recovery-code unlock.

        As :meth:`change_passphrase`: a new key and a new recovery code (returned).
        """
        self.check_writable()
        if not self.by_recovery:
            raise RjfacilError("Give the current passphrase to change it.")
        return self._rotate(new, progress)

    def new_recovery_code(self, passphrase: str, progress: Progress | None = None) -> str:
        """Replace the recovery code (a new vault key; the passphrase stays); returns it."""
        self.check_writable()
        self.door.check_passphrase(self.key, passphrase)
        return self._rotate(passphrase, progress)

    def _rotate(self, passphrase: str, progress: Progress | None) -> str:
        check_new_passphrase(passphrase)
        self._update_index()  # under the current key, so it is re-encrypted with the rest
        manifest = self.files.manifest
        if manifest is not None:
            # Its journal's records are sealed one by one, under the old key; folded into
            # the snapshot, they are one .rjv file, re-encrypted with the rest. A failure
            # stops here, with nothing changed.
            manifest.compact()
            if manifest.journal_path.exists():
                raise RjfacilError(
                    f"{manifest.journal_path} could not be removed, so the key cannot be "
                    "changed safely. Check the vault folder's permissions and try again."
                )
        self._open.clear()  # their storages hold the old key
        rotated = self.door.rotate_key(self.key, passphrase, progress)
        self.files.rekey(rotated.key)
        # Files keep their headers when re-encrypted, so nothing should differ; the
        # snapshot is written again under the new key.
        self.findings += self.files.open_manifest()
        self.by_recovery = False
        return rotated.recovery_code

    def verify(self, rebuild_index: bool = False) -> VerifyReport:
        """Check every file against the manifest, decrypt every file (backups too) and
        check every audit chain.

        What the manifest check found and put right when the vault was opened (the index
        rebuilt, a lost manifest made again, files newer than it recorded) is reported as
        a fault too: something changed the folder behind rjfacil's back.
        """
        if rebuild_index:
            self.check_writable()
        report = VerifyReport()
        manifest = self.files.manifest
        report.listed = len(manifest.state.files) if manifest is not None else 0
        for finding in self.findings:
            if finding.blocking and case_id_of(finding.name) is not None:
                continue  # reported below, with the case, if it still stands
            if finding.name and finding.kind is not Kind.DAMAGED:
                report.out_of_step += 1
            report.faults.append(
                f"{self._finding_line(finding, None)} (found when the vault was opened)"
            )
        for case_id in sorted(self.files.case_signatures().keys() | self.files.listed_cases()):
            report.checked += 1
            try:
                case = self._load_case(case_id)
            except FileOutOfStep as error:
                report.out_of_step += 1
                report.faults.append(str(error))
                continue
            except (DamagedFile, TamperedFile) as error:
                report.faults.append(
                    f"{error} (case {self._reference(case_id) or str(case_id)[:8]})"
                )
                continue
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
                self.files.close_manifest()
                self.warnings += [w for w in self.files.manifest_warnings if w not in self.warnings]
            finally:
                self._open.clear()
                self._index.clear()
                self._searched.clear()
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


@dataclass
class _Searched:
    """What search read of one case: its texts and their casefolded forms, and what they
    were read from (the open document, or the file's size and time)."""

    source: object
    reference: str
    texts: list[tuple[str, str, str]]


def _search_case(case_id: UUID, found: _Searched, needle: str) -> Iterator[SearchHit]:
    reference = found.reference
    if needle in reference.casefold():
        yield SearchHit(case_id, reference, "reference", reference)
    for where, text, folded in found.texts:
        at = folded.find(needle)
        if at >= 0:
            if len(folded) != len(text):  # casefolding changed lengths ("ß" is "ss")
                at = _unfolded_index(text, at)
            yield SearchHit(case_id, reference, where, excerpt(text, at, len(needle)))


def _unfolded_index(text: str, folded_at: int) -> int:
    """The index in ``text`` of the character at ``folded_at`` in its casefolded form."""
    reached = 0
    for index, char in enumerate(text):
        if reached >= folded_at:
            return index
        reached += len(char.casefold())
    return len(text)
