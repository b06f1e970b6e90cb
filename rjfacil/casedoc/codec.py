"""The case document codec: a case file's decrypted document to its records, and back.

The document is the TinyDB layout that the encrypted storage reads and writes: table name
-> {doc id: record dict}, with one ``meta`` record. This module is the one place that
knows that layout: the commands (CaseFile) decode and write documents through it, and the
vault's search reads them through it.

It reads every released format, bringing an older document up to date with the steps of
:mod:`rjfacil.casedoc.migrations` (in memory: the file changes at its next write), and
writes the current format. The meta says which format a file was written in (``format``)
and the lowest format a reader must understand to handle it safely (``readable_by``): a
reader refuses a file only when ``readable_by`` is above its own format. Tables and fields
it does not know (a newer version's) are kept and written back unchanged, and records a
change does not touch are written back exactly as they were read.

Formats:
    1. rjfacil 0.1: people named in free text; facilitators in a ``facilitators`` table.
    2. people by id (a ``team`` table; the case's co-worker and supervisor, an action's
       ``by_whom`` and a consent's ``share_with`` hold ids); the case's fields are the one
       home of the facts checklist items state; meta ``readable_by``.
    3. audit chains per author (co-workers' imported histories keep their own chains): the
       meta's ``audit_heads`` maps each author's id to their chain's head and count, in
       place of one ``audit_head`` and ``audit_count``; a ``conflicts`` table keeps the
       values a merge set aside. Readable by 3 only: an older version would chain its
       entries to the wrong place.
    4. letters vetted per version: a ``letter_vettings`` table (the letter checklist's
       per-letter answers for one version, the decision and its reasons, who and when) and a
       ``letter_reviews`` table (a team member's own review of a version); a letter's
       ``in_reply_to``, ``recipient_agreed_on`` and ``handed_over_version``. Readable by 3:
       an older version keeps the new records and fields as they are (it does not enforce
       the handover rule, which it never had).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError

from rjfacil.casedoc.migrations import first_record, migrate
from rjfacil.casedoc.model import TABLES, Case, Record
from rjfacil.errors import InvalidRecord, NewerFormat

CURRENT_FORMAT = 4
# The lowest format a reader must understand to read and write what this version writes.
READABLE_BY = 3

Tables = dict[str, dict[str, Any]]
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class CaseDocument:
    """A decoded case document: its records by table, and the stored form they came from.

    Attributes:
        tables: The document as it is written: every table, known or not, in the current
            format (or the newer one it was written in).
        records: The known tables' records by id, in stored order.
        places: Each record's doc id in its table, by (table, record id).
        read_format: The format the file was in when it was read.
        partial: Only some known tables were validated (see :func:`decode`'s ``only``):
            the others are missing from ``records``, and the document is for reading.
        newest_records: In a partial document, the newest record (stored order) of each
            table read only for it; see :meth:`newest`.
    """

    tables: Tables
    records: dict[str, dict[UUID, Record]]
    places: dict[tuple[str, UUID], str] = field(default_factory=dict)
    read_format: int = CURRENT_FORMAT
    partial: bool = False
    newest_records: Mapping[str, Record | None] = field(default_factory=dict)

    @property
    def meta(self) -> dict[str, Any]:
        """The case's meta record: format, audit head and count, and what a reader needs."""
        return dict(first_record(self.tables, "meta"))

    @property
    def case(self) -> Case:
        found = next(iter(self.records["case"].values()))
        assert isinstance(found, Case)
        return found

    def in_stored_order(self, table: str) -> list[Record]:
        """A table's records in the order they were written (the audit log's order)."""

        def order(record: Record) -> int:
            return _stored_order(self.places[(table, record.id)])

        return sorted(self.records[table].values(), key=order)

    def newest(self, table: str) -> Record | None:
        """A table's last record in stored order (the audit log's latest entry), or None.

        Raises:
            KeyError: A partial document that read neither the table nor its newest record.
        """
        if table not in self.records and self.partial:
            return self.newest_records[table]
        newest: Record | None = None
        highest = -1
        for record in self.records[table].values():
            # The last of the highest, as a stable sort by stored order would put it.
            at = _stored_order(self.places[(table, record.id)])
            if at >= highest:
                newest, highest = record, at
        return newest

    @property
    def unknown_tables(self) -> list[str]:
        """Tables this version does not know (a newer version's), kept as they are."""
        return [name for name in self.tables if name not in TABLES and name != "meta"]

    def changed(
        self, changes: Iterable[tuple[str, Record]], meta: Mapping[str, Any]
    ) -> CaseDocument:
        """A new document with these records added or replaced and this meta.

        This document is left as it is (it stays what is on disk until the write of the new
        one succeeds); tables that do not change are shared, not copied.

        Raises:
            ValueError: The document is partial (it was read for the case list only).
        """
        if self.partial:
            raise ValueError("a partially read case document cannot be changed")
        tables = dict(self.tables)
        records = dict(self.records)
        places = dict(self.places)
        copied: set[str] = set()
        for table, record in changes:
            if table not in copied:
                tables[table] = dict(tables.get(table, {}))
                records[table] = dict(records.get(table, {}))
                copied.add(table)
            key = places.get((table, record.id))
            if key is None:
                key = str(_next_key(tables[table]))
                places[(table, record.id)] = key
            tables[table][key] = record.model_dump(mode="json")
            records[table][record.id] = record
        meta_key = next(iter(self.tables.get("meta", {})), "1")
        tables["meta"] = {meta_key: written_meta(meta)}
        return CaseDocument(tables, records, places, self.read_format)


def written_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The meta as this version writes it: never lowering what a newer version declared."""
    written = meta.get("format", CURRENT_FORMAT)
    readable_by = meta.get("readable_by", READABLE_BY)
    return {
        **meta,
        "format": max(written, CURRENT_FORMAT) if _is_version(written) else CURRENT_FORMAT,
        "readable_by": max(readable_by, READABLE_BY) if _is_version(readable_by) else READABLE_BY,
    }


def new_document(changes: Iterable[tuple[str, Record]], meta: Mapping[str, Any]) -> CaseDocument:
    """A new case document holding these records."""
    empty = CaseDocument(tables={}, records={name: {} for name in TABLES})
    return empty.changed(changes, meta)


def encode(document: CaseDocument) -> Tables:
    """The document to write (the TinyDB layout)."""
    return document.tables


def upgrade(raw: Mapping[str, Any], where: Path | str) -> tuple[Tables, int]:
    """The document brought up to the current format, and the format it was written in.

    A document of a newer format that declares this version can read it is returned as it
    is.

    Raises:
        NewerFormat: A newer rjfacil wrote it in a format this version cannot handle.
        InvalidRecord: Its meta names no format rjfacil ever wrote, or it cannot be
            brought up to date.
    """
    document: Tables = dict(raw)
    meta = first_record(document, "meta")
    written = meta.get("format", 1)
    readable_by = meta.get("readable_by", written)
    if not _is_version(written) or not _is_version(readable_by):
        raise InvalidRecord(f"{where}: its case format ({written!r}) is not one rjfacil writes.")
    if readable_by > CURRENT_FORMAT:
        raise NewerFormat(where, written)
    if written < CURRENT_FORMAT:
        try:
            document = migrate(document, written, CURRENT_FORMAT)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise InvalidRecord(
                f"{where}: could not be brought up from case format {written} "
                f"({type(error).__name__}: {error})."
            ) from None
    return document, written


def decode(
    raw: Mapping[str, Any],
    where: Path | str,
    only: Collection[str] | None = None,
    newest_of: Collection[str] = (),
) -> CaseDocument:
    """Read a case file's document into records (every released format).

    Args:
        raw: The decrypted document, in any released format.
        where: The file, named in errors.
        only: Validate only these known tables (and the case): a partial document, to
            read what the case list shows without the cost of every note and history
            entry. The other tables are migrated like the rest but not validated, and
            are missing from ``records``. None validates every table.
        newest_of: In a partial document, tables of which only the newest record (stored
            order) is validated, for :meth:`CaseDocument.newest` (the audit log's latest
            entry says when the case last changed).

    Raises:
        NewerFormat: A newer rjfacil wrote it in a format this version cannot handle.
        InvalidRecord: A record it validates does not match the case model (named with its
            file, its table and the field), or the document holds no case.
    """
    tables, read_format = upgrade(raw, where)
    wanted = TABLES if only is None else {n: TABLES[n] for n in TABLES if n in only or n == "case"}
    records: dict[str, dict[UUID, Record]] = {name: {} for name in wanted}
    places: dict[tuple[str, UUID], str] = {}
    for table, kind in wanted.items():
        for doc_id, doc in _table(tables, table, where).items():
            record = validate(kind, doc, where, table, doc_id)
            records[table][record.id] = record
            places[(table, record.id)] = doc_id
    if not records["case"]:
        raise InvalidRecord(f"{where}: holds no case record")
    if only is None:
        return CaseDocument(tables, records, places, read_format)
    newest: dict[str, Record | None] = {}
    for table in newest_of:
        if table in records:
            continue
        found = _table(tables, table, where)
        last = _last_in_stored_order(found)
        newest[table] = (
            None if last is None else validate(TABLES[table], found[last], where, table, last)
        )
    return CaseDocument(tables, records, places, read_format, partial=True, newest_records=newest)


def _table(tables: Tables, table: str, where: Path | str) -> dict[str, Any]:
    found = tables.get(table, {})
    if not isinstance(found, dict):
        raise InvalidRecord(f"{where}: the table '{table}' is not a table of records.")
    return found


def _stored_order(doc_id: str) -> int:
    """Where a record stands in its table's stored order (TinyDB's doc ids count up)."""
    return int(doc_id) if doc_id.isdigit() else 0


def _last_in_stored_order(table: Mapping[str, Any]) -> str | None:
    """The doc id of a table's last record in stored order (the last of the highest)."""
    last: str | None = None
    highest = -1
    for doc_id in table:
        at = _stored_order(doc_id)
        if at >= highest:
            last, highest = doc_id, at
    return last


def validate(kind: type[R], doc: Any, where: Path | str, table: str, doc_id: str = "") -> R:
    """One stored record as ``kind``, or InvalidRecord naming the file, record and field."""
    try:
        return kind.model_validate(doc)
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(part) for part in first["loc"]) or "record"
        record = doc.get("id", doc_id) if isinstance(doc, dict) else doc_id
        raise InvalidRecord(
            f"{where}: record {record} in '{table}' is not valid: {at}: {first['msg']}"
        ) from None


@dataclass(frozen=True)
class Searchable:
    """What full-text search looks at in one case: its reference, and (where, text) pairs."""

    reference: str
    texts: list[tuple[str, str]]


def searchable(raw: Mapping[str, Any], where: Path | str) -> Searchable:
    """Every text of a case a user typed, current versions only, read from its document
    without validating every record (search reads every case; a file that does not open
    is skipped by the caller). ``where`` names the kind of record ("note", "risk"...).

    Raises:
        NewerFormat, InvalidRecord: As :func:`upgrade`.
    """
    tables, _ = upgrade(raw, where)
    case = first_record(tables, "case")
    texts: list[tuple[str, str]] = [
        ("summary", str(case.get("summary", ""))),
        ("venue", str(case.get("meeting_venue", ""))),
    ]
    for kind, table, fields in _SEARCHED:
        texts += [
            (kind, str(record.get(field, "")))
            for record in _live(tables.get(table, {}))
            for field in fields
        ]
    answers = _latest(tables.get("answers", {}), ("checklist_id", "item_id", "participant_id"))
    texts += [("answer", str(answer.get("note", ""))) for answer in answers]
    versions = _latest(tables.get("letter_versions", {}), ("letter_id",))
    letters = {str(letter.get("id")) for letter in _live(tables.get("letters", {}))}
    texts += [
        ("letter", str(version.get("text", "")))
        for version in versions
        if str(version.get("letter_id")) in letters
    ]
    texts += [("note", text) for text in _current_note_texts(tables)]
    return Searchable(str(case.get("reference", "")), [pair for pair in texts if pair[1]])


# (where, table, fields) of the records whose every live row is searched as it stands.
_SEARCHED = (
    ("team", "team", ("name",)),
    ("participant", "participants", ("name", "address_as", "access_needs", "contact")),
    ("consent", "consents", ("information", "note")),
    ("risk", "risks", ("description", "mitigation")),
    ("letter", "letters", ("vetting_note",)),
    ("letter", "letter_vettings", ("reasons",)),
    ("letter", "letter_reviews", ("view",)),
    ("action", "actions", ("description",)),
    ("override", "flag_overrides", ("reason",)),
    ("feedback", "feedback", ("said",)),
)


def _live(table: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The records of a table that are not deleted (tombstones stay out of search)."""
    for record in table.values():
        if isinstance(record, Mapping) and record.get("deleted") is not True:
            yield record


def _latest(table: Mapping[str, Any], key: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """The newest record for each value of ``key`` (answers and letter versions are
    immutable: a later record replaces an earlier one)."""
    latest: dict[tuple[str, ...], Mapping[str, Any]] = {}
    for record in _live(table):
        group = tuple(str(record.get(field)) for field in key)
        held = latest.get(group)
        at = str(record.get("created_at", ""))
        if held is None or _not_before(at, str(held.get("created_at", ""))):
            latest[group] = record
    return list(latest.values())


def _current_note_texts(tables: Tables) -> Iterator[str]:
    gone = {
        note.get("id") for note in tables.get("notes", {}).values() if note.get("deleted") is True
    }
    for revision in _latest(tables.get("note_revisions", {}), ("note_id",)):
        if revision.get("note_id") not in gone:
            yield str(revision.get("text", ""))


def _not_before(a: str, b: str) -> bool:
    """Whether stored time ``a`` is not before ``b`` (parsed only within the same second:
    "...:05Z" and "...:05.5Z" do not sort as text)."""
    if a[:19] != b[:19]:
        return a > b
    try:
        return datetime.fromisoformat(a) >= datetime.fromisoformat(b)
    except ValueError:
        return a >= b


def _is_version(value: Any) -> bool:
    return type(value) is int and value >= 1


def _next_key(table: Mapping[str, Any]) -> int:
    return max((int(key) for key in table if key.isdigit()), default=0) + 1
