"""One case-list row per case: enough to list it without decrypting the case (the index)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from rjfacil.casedoc import codec
from rjfacil.casedoc.model import TABLES, Facilitator, LetterStatus
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.commands.casefile import CLOSED_ON, CaseFile
from rjfacil.views.deadlines import due_dates
from rjfacil.views.flags import raised_flags
from rjfacil.views.progress import stage_totals
from rjfacil.vocab import Stage

# The row format: raise it whenever CaseSummary gains or changes a field, so index rows
# written before are rebuilt from their case files instead of read with defaults.
# 3: record_ids. 4: record_ids of every stored record (3 left out unvalidated tables).
# 5: case format 4 asks the letter items per letter version, not per case: a letters
# case's progress and flags change without its file changing.
# 6: what the dashboard across cases reads (every dated duty, letters awaiting vetting,
# the closure date).
ROW_FORMAT = 6
# How much of each record id a row keeps. A match is checked against the case file
# itself, so a chance match costs one decryption: with 4 bytes, a file of 1,000 records
# meets one in a vault of 200,000 records about once in 20 imports. More bytes would
# cost every unlock more (the index is read whole).
ID_PREFIX_BYTES = 4

# The tables a row is made from (what summarise reads of a case: its record, people,
# answers, risks, agreement actions, flag overrides, and the letters with their versions
# and vettings, whose answers raise flags too), and the table of which it reads only the
# newest record (when the case last changed). A case is summarised from these alone when
# the list is rebuilt: notes, their revisions, consents, letter reviews and the history
# are not validated for it (opening the case or verify does that).
ROW_TABLES = frozenset(
    {
        "case",
        "team",
        "participants",
        "answers",
        "risks",
        "actions",
        "flag_overrides",
        "letters",
        "letter_versions",
        "letter_vettings",
    }
)
ROW_NEWEST = ("audit",)
# Tables whose ids an import may share with another case: one person is on many cases.
UNCHECKED_TABLES = frozenset({"team", "meta"})
_ID_TABLES = tuple(table for table in TABLES if table not in UNCHECKED_TABLES)


class DueRow(BaseModel):
    """One dated duty of a case as a row keeps it (see :func:`due_dates`)."""

    model_config = ConfigDict(extra="ignore")

    due: date
    label: str
    reference: str = ""
    kind: str = "deadline"


class CaseSummary(BaseModel):
    """One row of the case list."""

    model_config = ConfigDict(extra="ignore")

    id: UUID
    reference: str
    stage: Stage
    flags: list[str] = []
    next_deadline: date | None = None
    deadline_label: str = ""
    updated_at: datetime
    participants: int = 0
    answered: int = 0
    # Progress of the checklists of the case's current stage, and answers needing attention.
    stage_answered: int = 0
    stage_total: int = 0
    attention: int = 0
    # The start of every record's id (teams aside: one person is on many cases), so an
    # import can see that its records are new without decrypting every case: see
    # record_id_prefixes.
    record_ids: str = ""
    # What the dashboard across cases reads, so it needs no case opened: every dated duty
    # of an open case (soonest first), its letters whose current version awaits vetting
    # (and since when the oldest has waited), and when a closed case was closed (the
    # closure checklist's date; else the day it last changed, closed_on_known False).
    dues: list[DueRow] = []
    letters_to_vet: int = 0
    letters_waiting_since: date | None = None
    closed_on: date | None = None
    closed_on_known: bool = True
    # Set when the case file failed to open: the message says why (the row keeps what the
    # case list knew of it, so it can still be found and restored).
    unreadable: str = ""

    @property
    def stage_complete(self) -> bool:
        """Every checklist of the current stage is answered (and it has some)."""
        return bool(self.stage_total) and self.stage_answered == self.stage_total


def record_id_prefixes(ids: Iterable[UUID]) -> set[bytes]:
    """The start of each id, as a row's ``record_ids`` keeps them."""
    return {record_id.bytes[:ID_PREFIX_BYTES] for record_id in ids}


def packed_prefixes(prefixes: Iterable[bytes]) -> str:
    """Record ids' starts (:func:`record_id_prefixes`) as a row keeps them: sorted, in one
    base64 string."""
    return base64.b64encode(b"".join(sorted(prefixes))).decode("ascii")


def unpacked_prefixes(packed: str) -> set[bytes]:
    """The starts of ids that :func:`packed_prefixes` packed (none if it is damaged)."""
    try:
        data = base64.b64decode(packed, validate=True)
    except ValueError:
        return set()
    size = ID_PREFIX_BYTES
    return {data[at : at + size] for at in range(0, len(data) - size + 1, size)}


# An id as rjfacil writes it (str(UUID)), or in capitals: 36 characters, hyphens at these
# places, hex digits elsewhere. Its first 4 bytes are read without making a UUID of it.
assert ID_PREFIX_BYTES <= 4
_WRITTEN_ID_LEN = 36
_HYPHENS = (8, 13, 18, 23)


def stored_id_prefixes(document: codec.CaseDocument) -> set[bytes]:
    """:func:`record_id_prefixes` of :func:`stored_ids`, made faster for ids written as
    rjfacil writes them, all of a case's ids at once: a UUID made of each id was a third
    of rebuilding the index, and a check of each id a tenth of what was left."""
    texts = _stored_id_texts(document)
    count = len(texts)
    joined = "".join(texts)
    written = len(joined) == _WRITTEN_ID_LEN * count and all(
        joined[at::_WRITTEN_ID_LEN] == "-" * count for at in _HYPHENS
    )
    if written:
        try:
            data = bytes.fromhex(joined.replace("-", ""))
        except ValueError:
            data = b""  # not all hex digits
        # (fromhex skips spaces between digits: a space in an id leaves fewer bytes.)
        if len(data) == 16 * count:
            return {data[at : at + ID_PREFIX_BYTES] for at in range(0, len(data), 16)}
    return record_id_prefixes(_uuids(texts))


def stored_ids(document: codec.CaseDocument) -> Iterator[UUID]:
    """The record ids an import must not reuse from another case (all but the team's), from
    the known tables as stored, validated or not.

    A row rebuilt from a partly read document must list the same ids as the row of the
    case opened in full, so the ids come from the stored records, not the validated ones.
    """
    return _uuids(_stored_id_texts(document))


def _uuids(texts: Iterable[str]) -> Iterator[UUID]:
    """The texts that are UUIDs, as UUIDs."""
    for text in texts:
        try:
            yield UUID(text)
        except ValueError:
            continue  # opening the case in full names the broken record


def _stored_id_texts(document: codec.CaseDocument) -> list[str]:
    """The stored records' ids as text, of every known table but the team's."""
    texts: list[str] = []
    for table in _ID_TABLES:
        records = document.tables.get(table)
        if records:
            texts += [
                str(doc["id"]) for doc in records.values() if type(doc) is dict and "id" in doc
            ]
    return texts


def summarise(case: CaseFile) -> CaseSummary:
    """The case-list row of a case (open, or read with :func:`summarise_stored`)."""
    dues = due_dates(case) if case.case.stage.is_open else []
    stages = stage_totals(case)
    now = case.case.stage.checklist_stage
    stage = next((each for each in stages if each.stage == now), None)
    waiting = letters_awaiting_vetting(case) if case.case.stage.is_open else []
    closed_on, known = closure_date(case)
    return CaseSummary(
        id=case.id,
        reference=case.case.reference,
        stage=case.case.stage,
        flags=raised_flags(case),
        next_deadline=dues[0].due if dues else None,
        deadline_label=dues[0].label if dues else "",
        updated_at=case.last_changed,
        participants=len(case.participants),
        answered=len(case.answers()),
        stage_answered=stage.answered if stage else 0,
        stage_total=stage.total if stage else 0,
        attention=sum(each.attention for each in stages),
        record_ids=packed_prefixes(stored_id_prefixes(case.document)),
        dues=[DueRow(due=d.due, label=d.label, reference=d.reference, kind=d.kind) for d in dues],
        letters_to_vet=len(waiting),
        letters_waiting_since=min(waiting) if waiting else None,
        closed_on=closed_on,
        closed_on_known=known,
    )


def letters_awaiting_vetting(case: CaseFile) -> list[date]:
    """For each letter whose current version awaits vetting (not handed over or withheld),
    the day that version was written."""
    found = []
    for letter in case.letters:
        if letter.status in (LetterStatus.DELIVERED, LetterStatus.WITHHELD):
            continue
        records = case.letter_records(letter.id)
        current = records.current
        if current is not None and not records.current_vetted:
            found.append(current.created_at.date())
    return found


def closure_date(case: CaseFile) -> tuple[date | None, bool]:
    """When a closed or withdrawn case was closed: the closure checklist's date, else the
    day the case last changed (and False: the date is not recorded). None while open."""
    if case.case.stage.is_open:
        return None, True
    answer = case.answers().get((CLOSED_ON[0], CLOSED_ON[1], None))
    if answer is not None and isinstance(answer.value, str):
        try:
            return date.fromisoformat(answer.value), True
        except ValueError:
            pass
    return case.last_changed.date(), False


def summarise_stored(
    raw: Mapping[str, Any], path: Path, owner: Facilitator, catalogue: Catalogue
) -> CaseSummary:
    """The row of a case from its stored document, validating only :data:`ROW_TABLES`.

    The same row as :func:`summarise` of the case opened in full (every released format
    is migrated first), at a fraction of the cost: what rebuilding the list of every case
    needs.

    Raises:
        NewerFormat, InvalidRecord: As :func:`rjfacil.casedoc.codec.decode`, for the
            tables read.
    """
    document = codec.decode(raw, path, only=ROW_TABLES, newest_of=ROW_NEWEST)
    return summarise(CaseFile(None, path, owner, catalogue, document=document))
