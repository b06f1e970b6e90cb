"""One case-list row per case: enough to list it without decrypting the case (the index)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from rjfacil.casedoc import codec
from rjfacil.casedoc.model import Facilitator
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.deadlines import due_dates
from rjfacil.views.flags import raised_flags
from rjfacil.views.progress import case_progress, stage_progress
from rjfacil.vocab import Stage

# The row format: raise it whenever CaseSummary gains or changes a field, so index rows
# written before are rebuilt from their case files instead of read with defaults.
ROW_FORMAT = 2

# The tables a row is made from (what summarise reads of a case: its record, people,
# answers, risks, agreement actions and flag overrides), and the table of which it reads
# only the newest record (when the case last changed). A case is summarised from these
# alone when the list is rebuilt: notes, their revisions, consents, letters and the
# history are not validated for it (opening the case or verify does that).
ROW_TABLES = frozenset(
    {"case", "team", "participants", "answers", "risks", "actions", "flag_overrides"}
)
ROW_NEWEST = ("audit",)


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
    # Set when the case file failed to open: the message says why (the row keeps what the
    # case list knew of it, so it can still be found and restored).
    unreadable: str = ""

    @property
    def stage_complete(self) -> bool:
        """Every checklist of the current stage is answered (and it has some)."""
        return bool(self.stage_total) and self.stage_answered == self.stage_total


def summarise(case: CaseFile) -> CaseSummary:
    """The case-list row of a case (open, or read with :func:`summarise_stored`)."""
    dues = due_dates(case) if case.case.stage.is_open else []
    report = case_progress(case)
    stage = stage_progress(case, report)
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
        attention=report.attention,
    )


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
