"""The manifest: which write of each witnessed file the vault made last.

Each witnessed file (the vault layer chooses which: case files and the index) carries, in
its encrypted document, the number of the write that made it (:data:`STAMP`). Numbers
come from one counter for the whole vault, so every write has its own. The manifest
records, for every witnessed file, the number of its last write and a digest of that
write's header (:func:`rjfacil.store.rjv.digest`), so that opening the vault can compare a
few bytes of each file with it, and decrypt only a file that differs.

Two files, both under the vault key::

    manifest.rjv   an rjv file (sealed JSON): the snapshot
        {"format": 1, "journal": "<hex>", "generation": G, "key_check": "<hex>",
         "files": {"cases/<uuid>.rjv": {"counter": n, "digest": "<hex>"}, ...}}
    manifest.log   the journal since that snapshot, one record appended per save
        JOURNAL_MAGIC | journal id (16 bytes) | record | record | ...
        record: length (4 bytes, big endian) | rjv.seal(record JSON, "manifest.log")
        record JSON: {"journal": "<hex>", "seq": k, "file": name, "counter": c, "digest": "<hex>"}

A save writes the file first and then appends its record (fsynced), so a kill between
the two leaves the file exactly one write ahead of the manifest: the next open recognises
that as an unfinished save and finishes it. Appending costs a few hundred microseconds
whatever the size of the vault; rewriting the whole manifest each save would grow with
the number of cases. The journal is folded into a new snapshot (a durable write, with
backups) when the vault closes and every :data:`JOURNAL_LIMIT` records.

A record that does not read at the end of the journal is a kill mid-append (ignored: its
file is then one write ahead); one followed by others is damage. A journal whose id is not
the snapshot's is a leftover from before the last snapshot and is ignored.

This module knows nothing of cases: files are named by their logical name.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from rjfacil.errors import DamagedFile, HeaderError, RjfacilError, WriteFailed
from rjfacil.store import rjv
from rjfacil.store.durable import durable_write, fsync_folder, sync_file

MANIFEST_NAME = "manifest.rjv"
JOURNAL_NAME = "manifest.log"
FORMAT = 1
# The table every witnessed document carries: {"1": {"counter": n}}. A table (a dict of
# dicts) so that a TinyDB document holding it is still a TinyDB document, and an older
# rjfacil keeps it as a table it does not know.
STAMP = "_written"
JOURNAL_MAGIC = b"RJVLOG\x00\x01"
JOURNAL_ID_BYTES = 16
JOURNAL_PREFIX = len(JOURNAL_MAGIC) + JOURNAL_ID_BYTES
# Records appended before the journal is folded into a new snapshot.
JOURNAL_LIMIT = 1000
_LENGTH = struct.Struct(">I")
# Larger than any record this version writes (about 250 bytes): a length beyond it is
# damage, not a record to read.
_RECORD_MAX = 64 * 1024
_KEY_CHECK_INFO = b"rjfacil manifest key check v1"


def key_check(key: bytes) -> str:
    """A short value that changes with the vault key (a key change re-encrypts every file,
    so every digest changes: the counters in the files then decide)."""
    return hmac.new(key, _KEY_CHECK_INFO, hashlib.sha256).hexdigest()[:16]


def take_stamp(document: dict[str, Any]) -> int:
    """Remove the stamp from ``document`` and return its write number (0 if none)."""
    stamp = document.pop(STAMP, None)
    return stamp_counter(stamp)


def stamp_counter(stamp: object) -> int:
    """The write number a stamp table holds; 0 for a missing or malformed one."""
    if not isinstance(stamp, dict):
        return 0
    first = next(iter(stamp.values()), None)
    counter = first.get("counter") if isinstance(first, dict) else None
    return counter if type(counter) is int and counter > 0 else 0


def stamped(document: dict[str, Any], counter: int) -> dict[str, Any]:
    """``document`` with the stamp of write ``counter`` (a shallow copy)."""
    return {**document, STAMP: {"1": {"counter": counter}}}


@dataclass
class Entry:
    """A witnessed file's last write: its number and its header's digest.

    ``extra`` keeps fields a newer rjfacil wrote, to be written back unchanged.
    """

    counter: int
    digest: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {**self.extra, "counter": self.counter, "digest": self.digest}


@dataclass
class ManifestState:
    """What the manifest says: the last write number and each file's last write.

    Attributes:
        journal_id: The id of the journal that extends this snapshot (hex).
        generation: The number of the vault's last recorded write.
        key_check: :func:`key_check` of the key the snapshot was written under.
        files: Each witnessed file's last write, by logical name.
        extra: Top-level fields a newer rjfacil wrote, kept.
        records: Journal records applied on top of the snapshot.
        torn: The journal ended in a record that did not read (a kill mid-append).
        journal_damage: What was wrong with a journal record followed by others ("" if
            nothing); the records after it were not applied.
        journal_stale: A journal of an earlier snapshot was found (and ignored).
    """

    journal_id: str
    generation: int = 0
    key_check: str = ""
    files: dict[str, Entry] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    torn: bool = False
    journal_damage: str = ""
    journal_stale: bool = False

    @property
    def journal_clean(self) -> bool:
        """Whether the journal on disk can simply be appended to."""
        return not (self.torn or self.journal_damage or self.journal_stale)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.extra,
            "format": FORMAT,
            "journal": self.journal_id,
            "generation": self.generation,
            "key_check": self.key_check,
            "files": {name: entry.to_dict() for name, entry in sorted(self.files.items())},
        }


def new_journal_id() -> str:
    return secrets.token_hex(JOURNAL_ID_BYTES)


def _is_count(value: object) -> TypeGuard[int]:
    return type(value) is int and value >= 0


def _is_hex(value: object, length: int | None = None) -> TypeGuard[str]:
    if not isinstance(value, str) or (length is not None and len(value) != length):
        return False
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True


def parse_snapshot(document: Any, path: Path) -> ManifestState:
    """The manifest's snapshot from its decrypted document.

    Raises:
        HeaderError: Written by a newer rjfacil in a format this version cannot keep.
        DamagedFile: It is not a manifest, or a field is missing or malformed.
    """
    if not isinstance(document, dict):
        raise DamagedFile(path, "it is not a manifest")
    version = document.get("format")
    if not _is_count(version):
        raise DamagedFile(path, "it is not a manifest")
    if version == 0:
        raise DamagedFile(path, "it is not a manifest")
    if version > FORMAT:
        raise HeaderError(
            f"{path} was made by a newer rjfacil (manifest format {version}); "
            "update rjfacil to open this vault."
        )
    journal_id = document.get("journal")
    generation = document.get("generation")
    check = document.get("key_check", "")
    files = document.get("files")
    if not _is_hex(journal_id, 2 * JOURNAL_ID_BYTES):
        raise DamagedFile(path, "its journal id or write count is malformed")
    if not _is_count(generation):
        raise DamagedFile(path, "its journal id or write count is malformed")
    if not isinstance(check, str) or not isinstance(files, dict):
        raise DamagedFile(path, "its list of files is malformed")
    entries: dict[str, Entry] = {}
    for name, raw in files.items():
        if not isinstance(raw, dict):
            raise DamagedFile(path, "an entry of its list of files is malformed")
        counter, digest = raw.get("counter"), raw.get("digest")
        if not _is_count(counter) or not isinstance(digest, str):
            raise DamagedFile(path, "an entry of its list of files is malformed")
        if counter > generation:
            raise DamagedFile(path, "an entry of its list of files is malformed")
        extra = {k: v for k, v in raw.items() if k not in ("counter", "digest")}
        entries[name] = Entry(counter, digest, extra)
    known = ("format", "journal", "generation", "key_check", "files")
    extra = {k: v for k, v in document.items() if k not in known}
    return ManifestState(str(journal_id), generation, check, entries, extra)


@dataclass(frozen=True)
class Record:
    """One journal record: a write of ``name`` numbered ``counter``."""

    seq: int
    name: str
    counter: int
    digest: str

    def to_dict(self, journal_id: str) -> dict[str, Any]:
        return {
            "journal": journal_id,
            "seq": self.seq,
            "file": self.name,
            "counter": self.counter,
            "digest": self.digest,
        }


def _parse_record(document: Any, journal_id: str, seq: int, generation: int) -> Record | str:
    """The record, or what is wrong with it."""
    if not isinstance(document, dict) or document.get("journal") != journal_id:
        return "a record of another journal"
    if document.get("seq") != seq:
        return f"record {seq} is missing or out of order"
    name, counter, digest = document.get("file"), document.get("counter"), document.get("digest")
    if not isinstance(name, str) or not isinstance(digest, str) or not _is_count(counter):
        return f"record {seq} is malformed"
    if counter != generation + 1:
        return f"record {seq} does not follow the one before it"
    return Record(seq, name, counter, digest)


def apply_journal(key: bytes, data: bytes, path: Path, state: ManifestState) -> None:
    """Apply the journal ``data`` to ``state`` (in place); never raises for its content.

    A journal of another snapshot sets ``journal_stale`` and changes nothing; a record
    that does not read sets ``torn`` when it is the last and ``journal_damage`` otherwise,
    and the records before it stay applied.
    """
    if not data:
        return
    if len(data) < JOURNAL_PREFIX or not data.startswith(JOURNAL_MAGIC):
        state.torn = True  # a kill while the journal was being started
        return
    if data[len(JOURNAL_MAGIC) : JOURNAL_PREFIX].hex() != state.journal_id:
        state.journal_stale = True
        return
    at = JOURNAL_PREFIX
    seq = 0
    while at < len(data):
        seq += 1
        problem = ""
        end = at
        if len(data) - at < _LENGTH.size:
            problem = "it ends in the middle of a record"
        else:
            (length,) = _LENGTH.unpack_from(data, at)
            end = at + _LENGTH.size + length
            if length > _RECORD_MAX:
                problem = f"record {seq} has an impossible length"
            elif end > len(data):
                problem = "it ends in the middle of a record"
        record: Record | str = problem
        if not problem:
            try:
                document = rjv.unseal_json(key, data[at + _LENGTH.size : end], path, JOURNAL_NAME)
            except RjfacilError:
                record = f"record {seq} does not decrypt"
            else:
                record = _parse_record(document, state.journal_id, seq, state.generation)
        if isinstance(record, str):
            if problem == "it ends in the middle of a record" or end >= len(data):
                state.torn = True
            else:
                state.journal_damage = record
            return
        _apply(state, record)
        state.records += 1
        at = end


def _apply(state: ManifestState, record: Record) -> None:
    entry = state.files.get(record.name)
    if entry is None:
        state.files[record.name] = Entry(record.counter, record.digest)
    else:
        entry.counter, entry.digest = record.counter, record.digest
    state.generation = record.counter


def load(home: Path, key: bytes) -> ManifestState | None:
    """The manifest of the vault at ``home`` with its journal applied; None if there is none.

    Raises:
        DamagedFile, TamperedFile: manifest.rjv does not decrypt or is not a manifest.
        HeaderError: It was made by a newer rjfacil.
        ReadFailed: It cannot be read.
    """
    path = home / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        from rjfacil.errors import ReadFailed

        raise ReadFailed(path, error) from None
    state = parse_snapshot(rjv.unseal_json(key, data, path, MANIFEST_NAME), path)
    journal = home / JOURNAL_NAME
    try:
        journal_data = journal.read_bytes()
    except FileNotFoundError:
        return state
    except OSError:
        state.torn = True  # unreadable: treated as lost; its files show as one write ahead
        return state
    apply_journal(key, journal_data, journal, state)
    return state


def _open_flags(flags: int) -> int:
    return flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class Manifest:
    """The manifest of an unlocked vault, kept up to date as witnessed files are written.

    It is the witness of :class:`rjfacil.store.storage.EncryptedStorage`: the storage asks
    :meth:`next_counter` before it writes and tells :meth:`written` after.
    """

    def __init__(self, home: Path, key: bytes, state: ManifestState) -> None:
        self.home = home
        self._key: bytes | None = key
        self.state = state
        # Records in memory not yet in the journal on disk (an append failed).
        self._pending: list[Record] = []
        # The journal on disk cannot take appends (torn, damaged, stale): the next write
        # folds everything into a new snapshot first.
        self._needs_snapshot = not state.journal_clean
        self._journal_exists = state.records > 0

    @property
    def path(self) -> Path:
        return self.home / MANIFEST_NAME

    @property
    def journal_path(self) -> Path:
        return self.home / JOURNAL_NAME

    @property
    def _vault_key(self) -> bytes:
        if self._key is None:
            raise RuntimeError("the manifest is closed")
        return self._key

    @property
    def dirty(self) -> bool:
        """Whether the journal holds records (or the snapshot is behind): :meth:`compact`
        would write."""
        return bool(self.state.records or self._pending or self._needs_snapshot)

    # -- the storage's witness ----------------------------------------------------------

    def next_counter(self, name: str) -> int:
        """The number the next write of ``name`` carries.

        Raises:
            WriteFailed: A record an earlier save could not append still cannot be
                written; nothing was written (so the vault stays at most one step ahead
                of its manifest, which the next open finishes).
        """
        self._flush()
        return self.state.generation + 1

    def written(self, name: str, counter: int, digest: str) -> None:
        """Record that ``name`` now holds write ``counter`` (its header's ``digest``).

        A failure to record is not raised: the file is saved, and it is one write ahead
        of the manifest, which the next write (or the next open) finishes.
        """
        record = Record(self.state.records + len(self._pending) + 1, name, counter, digest)
        _apply(self.state, record)
        self._pending.append(record)
        with contextlib.suppress(WriteFailed):
            self._flush()

    # -- writing ---------------------------------------------------------------------------

    def _flush(self) -> None:
        if self._needs_snapshot or self.state.records + len(self._pending) > JOURNAL_LIMIT:
            self.compact()
            return
        if self._pending:
            self._append(self._pending)
            self.state.records += len(self._pending)
            self._pending = []

    def _append(self, records: list[Record]) -> None:
        """Append ``records`` to the journal and sync it (create it first if need be)."""
        key = self._vault_key
        chunks = []
        for record in records:
            sealed = rjv.seal_json(key, record.to_dict(self.state.journal_id), JOURNAL_NAME)
            chunks.append(_LENGTH.pack(len(sealed)) + sealed)
        new = not self._journal_exists
        if new:
            flags = _open_flags(os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            chunks.insert(0, JOURNAL_MAGIC + bytes.fromhex(self.state.journal_id))
        else:
            flags = _open_flags(os.O_WRONLY | os.O_APPEND)
        path = self.journal_path
        try:
            fd = os.open(path, flags, 0o600)
            try:
                data = b"".join(chunks)
                view = memoryview(data)
                while view:
                    done = os.write(fd, view)
                    if done <= 0:
                        raise OSError(5, "the disk accepted no more data")
                    view = view[done:]
                sync_file(fd)
            finally:
                os.close(fd)
            if new:
                fsync_folder(self.home)
        except OSError as error:
            # A partial append may be on disk: the next write starts a new snapshot.
            self._needs_snapshot = True
            raise WriteFailed(path, error) from error
        self._journal_exists = True

    def compact(self) -> None:
        """Write the whole manifest as a new snapshot and drop the journal.

        Raises:
            WriteFailed: The snapshot could not be written; the manifest on disk is as it
                was, and this one keeps its records in memory.
        """
        key = self._vault_key
        state = self.state
        previous_id = state.journal_id
        state.journal_id = new_journal_id()
        state.key_check = key_check(key)
        try:
            sealed = rjv.seal_json(key, state.to_dict(), MANIFEST_NAME)
            durable_write(self.path, sealed, verify=self._verify, backups_dir=self.home / "backups")
        except BaseException:
            state.journal_id = previous_id
            self._needs_snapshot = True
            raise
        self._pending = []
        state.records = 0
        state.torn = state.journal_stale = False
        state.journal_damage = ""
        self._needs_snapshot = False
        self._journal_exists = False
        # A journal left behind (this removal failing, or a kill before it) names the old
        # id, so it is ignored; the next append starts a new one over it.
        with contextlib.suppress(OSError):
            os.unlink(self.journal_path)
            fsync_folder(self.home)

    def _verify(self, written: bytes) -> None:
        rjv.unseal(self._vault_key, written, self.path, MANIFEST_NAME)

    def close(self) -> None:
        """Drop the key."""
        self._key = None
