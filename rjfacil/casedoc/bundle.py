"""Co-worker bundles: a case document as the documented JSON schema, and back (untrusted).

The schema is docs/bundle-schema.md ("rjfacil-bundle/1"). Writing one leaves out the
case's private notes and their revisions (and the values a merge set aside, which are the
importer's own review). Reading one trusts nothing: the JSON is parsed within limits
(rjfacil.store.jsonlimits), every record is validated by the case model through the codec
(which also brings an older case format up to date), and the whole is checked for what the
model alone cannot see: duplicate ids, a case id that does not match, timestamps more than
a day in the future, references to people or records the file does not hold, authors who
are not in the case's team, and audit chains that do not verify. Any fault is one line
(``BundleRefused``); nothing is written by this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter, ValidationError

from rjfacil.casedoc import audit, codec
from rjfacil.casedoc.model import (
    TABLES,
    AgreementAction,
    AuditEntry,
    Case,
    Consent,
    Facilitator,
    Letter,
    LetterReview,
    LetterVersion,
    LetterVetting,
    MutableRecord,
    Note,
    NoteRevision,
    Record,
)
from rjfacil.errors import InvalidRecord, RjfacilError
from rjfacil.store.jsonlimits import parse_untrusted_json

SCHEMA_PREFIX = "rjfacil-bundle/"
SCHEMA_VERSION = 1
SCHEMA = f"{SCHEMA_PREFIX}{SCHEMA_VERSION}"
# Clocks differ a little between laptops; a record dated further ahead than this is refused.
FUTURE_SLACK = timedelta(days=1)
# The tables a bundle carries, in this order; conflicts stay in the vault that found them.
BUNDLE_TABLES: tuple[str, ...] = tuple(name for name in TABLES if name != "conflicts")
# Tables added after bundle schema 1 without a new case format: written only when they hold
# records, so an rjfacil that does not know them still imports every case that has none.
LATER_TABLES = frozenset({"decisions", "feedback", "agreements", "money_handovers"})
_WHEN = TypeAdapter(datetime)


class BundleRefused(RjfacilError):
    """A bundle's content was refused: the message is the one line to show."""


@dataclass(frozen=True)
class Bundle:
    """A bundle's validated content.

    Attributes:
        exported_by: Who made it (their vault's owner id and name).
        exported_at: When.
        document: The case, in the current case format, every record validated.
    """

    exported_by: Facilitator
    exported_at: datetime
    document: codec.CaseDocument


def private_note_ids(document: codec.CaseDocument) -> set[UUID]:
    return {
        note.id
        for note in document.records["notes"].values()
        if isinstance(note, Note) and note.private
    }


def to_json(document: codec.CaseDocument, exporter: Facilitator, now: datetime) -> bytes:
    """The bundle's content: the case without its private notes, as UTF-8 JSON.

    Records are written exactly as they are stored (fields a newer version added included),
    each table in the order its records were written.
    """
    private = private_note_ids(document)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in BUNDLE_TABLES:
        rows: list[dict[str, Any]] = []
        for record in document.in_stored_order(table):
            if table == "notes" and record.id in private:
                continue
            if isinstance(record, NoteRevision) and record.note_id in private:
                continue
            rows.append(document.tables[table][document.places[(table, record.id)]])
        if rows or table not in LATER_TABLES:
            tables[table] = rows
    meta = document.meta
    body = {
        "schema": SCHEMA,
        "exported_by": {"id": str(exporter.id), "name": exporter.name},
        "exported_at": now.isoformat(),
        "case_format": codec.CURRENT_FORMAT,
        "readable_by": codec.READABLE_BY,
        "case_id": str(document.case.id),
        "audit_heads": meta.get("audit_heads") or {},
        "made_by_migration": list(meta.get("made_by_migration") or []),
        "tables": tables,
    }
    return json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")


def _mid_sentence(where: str) -> str:
    """``where`` ("The file x.age") as it reads inside a sentence ("the file x.age")."""
    return "the" + where[3:] if where.startswith("The ") else where


def from_json(data: bytes, where: str, now: datetime) -> Bundle:
    """Parse and validate a bundle's decrypted content.

    Raises:
        BundleRefused: one line saying what is wrong (the limits' own refusals, from
            jsonlimits, are RjfacilErrors too).
    """
    raw = parse_untrusted_json(data, what=f"The content of {_mid_sentence(where)}")
    if not isinstance(raw, dict):
        raise BundleRefused(f"{where} is not an rjfacil case file.")
    schema = raw.get("schema")
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        raise BundleRefused(f"{where} is not an rjfacil case file (it names no rjfacil schema).")
    version = schema[len(SCHEMA_PREFIX) :]
    if not version.isdigit() or version != str(int(version)):
        raise BundleRefused(f"{where} names a bundle schema rjfacil never wrote.")
    if int(version) > SCHEMA_VERSION:
        raise BundleRefused(
            f"{where} was made by a newer rjfacil (bundle schema {int(version)}); "
            "update rjfacil to import it."
        )
    case_format: Any = raw.get("case_format")
    readable_by: Any = raw.get("readable_by", case_format)
    if not _is_version(case_format) or not _is_version(readable_by):
        raise BundleRefused(f"{where} names a case format rjfacil never wrote.")
    if readable_by > codec.CURRENT_FORMAT:
        raise BundleRefused(
            f"{where} holds a case written by a newer rjfacil (case format {case_format}); "
            "update rjfacil to import it."
        )
    try:
        exporter = Facilitator.model_validate(raw.get("exported_by"))
        exported_at = _WHEN.validate_python(raw.get("exported_at"))
    except ValidationError:
        raise BundleRefused(f"{where} does not say validly who made it and when.") from None
    if exported_at.tzinfo is None:
        raise BundleRefused(f"{where} does not say validly who made it and when.")
    if exported_at > now + FUTURE_SLACK:
        raise BundleRefused(f"{where} is dated in the future ({exported_at:%Y-%m-%d}).")
    tables = raw.get("tables")
    if not isinstance(tables, dict):
        raise BundleRefused(f"{where} holds no case tables.")
    unknown = sorted(set(tables) - set(BUNDLE_TABLES))
    if unknown:
        raise BundleRefused(
            f"{where} holds a kind of record this rjfacil does not know "
            f"('{unknown[0][:40]}'): update rjfacil to import it."
        )
    stored: dict[str, dict[str, Any]] = {}
    for table, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BundleRefused(f"{where}: the table '{table}' is not a list of records.")
        stored[table] = {str(n): row for n, row in enumerate(rows, start=1)}
    heads = raw.get("audit_heads", {})
    made = raw.get("made_by_migration", [])
    if not isinstance(heads, dict) or not all(isinstance(v, dict) for v in heads.values()):
        raise BundleRefused(f"{where}: its history's heads are not valid.")
    if not isinstance(made, list) or not all(isinstance(m, str) for m in made):
        raise BundleRefused(f"{where}: its list of migrated records is not valid.")
    stored["meta"] = {
        "1": {
            "format": case_format,
            "readable_by": readable_by,
            "audit_heads": heads,
            "made_by_migration": made,
        }
    }
    if case_format < 3:
        # Formats before 3 kept one chain: give the migration the shape it reads.
        only: dict[str, Any] = next(iter(heads.values()), {})
        stored["meta"]["1"].update(audit_head=only.get("head"), audit_count=only.get("count"))
    try:
        document = codec.decode(stored, where)
    except InvalidRecord as error:
        raise BundleRefused(str(error)) from None
    for table, rows in stored.items():
        if table != "meta" and len(document.records[table]) != len(rows):
            raise BundleRefused(f"{where}: two records in '{table}' have the same id.")
    check(document, exporter, raw.get("case_id"), where, now)
    return Bundle(exporter, exported_at, document)


def check(
    document: codec.CaseDocument, exporter: Facilitator, case_id: Any, where: str, now: datetime
) -> None:
    """What the model alone cannot check in a bundle's document (see the module's doc)."""
    records = document.records
    if len(records["case"]) != 1:
        raise BundleRefused(f"{where} must hold exactly one case.")
    case = document.case
    if str(case.id) != str(case_id):
        raise BundleRefused(f"{where}: its case record is not the case it names.")
    seen: set[UUID] = set()
    for by_id in records.values():
        for record_id in by_id:
            if record_id in seen:
                raise BundleRefused(f"{where}: two records share the id {record_id}.")
            seen.add(record_id)
    latest = now + FUTURE_SLACK
    for table, record in all_records(document):
        times = [record.created_at]
        if isinstance(record, MutableRecord):
            times.append(record.updated_at)
        if max(times) > latest:
            raise BundleRefused(
                f"{where}: a record in '{table}' is dated in the future ({max(times):%Y-%m-%d})."
            )
    people = set(records["participants"])
    team = set(records["team"]) | {exporter.id}
    notes, letters = set(records["notes"]), set(records["letters"])

    def refuse(table: str, what: str) -> BundleRefused:
        return BundleRefused(f"{where}: a record in '{table}' names {what} the file does not hold.")

    for table, record in all_records(document):
        authors = {record.created_by}
        if isinstance(record, MutableRecord):
            authors.add(record.updated_by)
        if not authors <= team:
            raise refuse(table, "an author")
        named: set[UUID | None] = set()
        if isinstance(record, Consent | Note):
            named = {record.participant_id, *record.share_with}
        elif isinstance(record, Letter):
            named = {record.from_participant, record.to_participant}
        elif table in ("answers", "risks"):
            named = {getattr(record, "participant_id", None)}
        if not named - {None} <= people:
            raise refuse(table, "a participant")
        if isinstance(record, NoteRevision) and record.note_id not in notes:
            raise refuse(table, "a note")
        if isinstance(record, LetterVersion | LetterVetting | LetterReview) and (
            record.letter_id not in letters
        ):
            raise refuse(table, "a letter")
        if isinstance(record, Letter) and record.in_reply_to not in letters | {None}:
            raise refuse(table, "a letter")
        if isinstance(record, LetterReview) and record.reviewer not in team:
            raise refuse(table, "a team member")
        if isinstance(record, AgreementAction) and record.by_whom not in people | team | {None}:
            raise refuse(table, "a person")
        if (
            isinstance(record, Case)
            and not {record.co_worker, record.case_supervisor} - {None} <= team
        ):
            raise refuse(table, "a team member")
    entries: list[AuditEntry] = document.in_stored_order("audit")  # type: ignore[assignment]
    problems = audit.chains_problems(entries, document.meta.get("audit_heads") or {})
    if problems:
        raise BundleRefused(f"{where}: its history does not verify ({problems[0]}).")
    logged = {e.record_id for e in entries} | {i for e in entries for i in e.also}
    migrated = {str(each) for each in document.meta.get("made_by_migration", [])}
    for table, record in all_records(document):
        if table != "audit" and record.id not in logged and str(record.id) not in migrated:
            raise BundleRefused(f"{where}: a record in '{table}' has no entry in its history.")


def all_records(document: codec.CaseDocument) -> Iterator[tuple[str, Record]]:
    for table in BUNDLE_TABLES:
        for record in document.records[table].values():
            yield table, record


def ids_of(rows: Iterable[dict[str, Any]]) -> set[str]:
    return {str(row.get("id")) for row in rows if isinstance(row, dict)}


def _is_version(value: Any) -> bool:
    return type(value) is int and value >= 1
