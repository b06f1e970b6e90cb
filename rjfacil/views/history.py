"""A case's history in words: what each audit entry did, to whom, from what to what.

The audit log stores a short action (hash-chained, so never rewritten) and the record it
concerns. This module reads both and says what happened without field names or ids:
"Changed the stage from Assessment to Closed", "Recorded Ann Ode's consent: taking part",
"Cleared the flag “Managerial oversight”: discussed with the line manager". The screens'
History tab and the supervisor summary's recent history share it; a summary passes its
redactor, so names and free text follow the export's redaction.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from rjfacil.casedoc.model import (
    AgreementAction,
    Answer,
    AuditEntry,
    Consent,
    Decision,
    DecisionPoint,
    Feedback,
    FlagOverride,
    Letter,
    Note,
    NoteRevision,
    Participant,
    Record,
    Risk,
    TeamMember,
)
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day, show_when
from rjfacil.views.decisions import decision_sentence
from rjfacil.views.excerpt import excerpt
from rjfacil.views.feedback import feedback_sentence
from rjfacil.views.labels import flag_label, value_words
from rjfacil.views.redaction import Redactor, redactor_for
from rjfacil.vocab import ClosureReason, ProcessType, Stage

_ANSWERED = re.compile(
    r"^answered ([\w-]+)\.([\w-]+)(?: without a go-ahead \(([a-z_,]+)\): (.*))?$", re.DOTALL
)
_CASE_UPDATE = re.compile(r"^updated the case \((.*)\)$")
_CASE_UPDATE_PAST_BLOCKING = re.compile(
    r"^updated the case \((.*?)\)(?: despite the blocking flags ([a-z0-9_,]+))?"
    r"(?: without a go-ahead \(([a-z_,]+)\))?: (.*)$",
    re.DOTALL,
)
_FLAG = re.compile(r"^(cleared|restored) the flag ([\w-]+)$")
_CONSENT = re.compile(r"^recorded (consent|a withdrawal of consent) \((.+)\)$")

# The case's own fields, as a sentence names them.
CASE_FIELD_WORDS = {
    "reference": "the case reference",
    "stage": "the stage",
    "closure_reason": "the closure reason",
    "referral_date": "the referral date",
    "process": "the form of communication",
    "co_worker": "the co-worker",
    "case_supervisor": "the case supervisor",
    "meeting_date": "the meeting date",
    "meeting_venue": "the meeting venue",
    "summary": "the case summary",
}


# What an edited field is called in a history line, per table; ``{it}`` is the record
# ("Ann Ode", "the risk “Ben may call her”"). A field not named here (an id, or one a newer
# rjfacil wrote) is left out of the sentence.
EDIT_WORDS: dict[str, dict[str, str]] = {
    "case": CASE_FIELD_WORDS,
    "participants": {
        "name": "{it}'s name",
        "role": "{it}'s role",
        "address_as": "how {it} wishes to be addressed",
        "contact": "{it}'s contact details",
        "access_needs": "{it}'s access needs",
        "supports": "whom {it} supports",
    },
    # These are named once, before the changes: "The risk “…”: changed the rating from …".
    "risks": {
        "description": "the words",
        "rating": "the rating",
        "mitigation": "how it is managed",
        "review_date": "the review date",
        "participant_id": "whom it concerns",
        "resolved": "it",
    },
    "actions": {
        "description": "the words",
        "by_whom": "who does it",
        "due": "the due date",
        "status": "it",
        "supported_by": "who supports it",
        "supervised_by": "who supervises it",
        "completed_on": "the day it was completed",
        "evidence": "what shows it was done",
        "evidence_recorded_by": "who recorded what shows it",
        "told_on": "the day the person harmed was told",
        "told_how": "how the person harmed was told",
    },
    "agreements": {
        "terms": "the terms",
        "agreed_by": "who agreed it",
        "agreed_on": "the day it was made",
        "binding": "whether it is binding",
        "completion_shown_by": "how completion will be shown",
        "tell_person_harmed": "how the person harmed asked to be told",
    },
    "letters": {
        "from_participant": "the sender",
        "to_participant": "the recipient",
        "status": "it",
        "vetting_note": "the note on handing it over",
        "recipient_agreed_on": "the day the recipient agreed to receive it",
    },
    "team": {"name": "{it}'s name", "role": "{it}'s role"},
}
# Typed text: quoted and shortened on the facilitator's screen, never quoted in an export.
TYPED = frozenset(
    {
        "reference",
        "summary",
        "meeting_venue",
        "name",
        "address_as",
        "contact",
        "access_needs",
        "description",
        "mitigation",
        "evidence",
        "told_how",
        "terms",
        "completion_shown_by",
        "tell_person_harmed",
        "vetting_note",
    }
)
SHORT = 30  # characters of a typed text a history line shows, cut at a word with "…"


@dataclass(frozen=True)
class HistoryEntry:
    """One change to the case, as a reader sees it (``id``: its audit entry's)."""

    id: UUID
    when: str
    who: str
    what: str


def case_history(
    case: CaseFile,
    redactor: Redactor | None = None,
    you: bool = False,
    last: int = 0,
    private_notes: bool = True,
    values: bool = True,
) -> list[HistoryEntry]:
    """The case's history, newest first (the ``last`` entries only, when given).

    ``you`` says "You" for the vault's owner (the facilitator's own screen); a summary
    names them. ``private_notes=False`` (every export) leaves out each entry about a
    note that is private now: that such a note exists stays in the vault too.
    ``values=False`` (every export) names an edited text without quoting what it was or
    became: an old contact detail or a former name is not the export's to show.
    """
    redactor = redactor or redactor_for(case, "none")
    log = case.audit_log
    if not private_notes:
        private = private_record_ids(case)
        log = [e for e in log if not ({e.record_id, *e.also} & private)]
    log = log[-last:] if last > 0 else log
    return [
        HistoryEntry(
            id=entry.id,
            when=show_when(entry.created_at),
            who="You"
            if you and entry.created_by == case.owner.id
            else redactor.person(entry.created_by, case.author(entry.created_by)),
            what=describe(case, entry, redactor, values),
        )
        for entry in reversed(log)
    ]


def private_record_ids(case: CaseFile) -> set[UUID | None]:
    """The ids of the case's private notes and of every revision of their text."""
    records = case.document.records
    notes = {n.id for n in records["notes"].values() if isinstance(n, Note) and n.private}
    revisions = {
        r.id
        for r in records["note_revisions"].values()
        if isinstance(r, NoteRevision) and r.note_id in notes
    }
    return {*notes, *revisions}


def describe(case: CaseFile, entry: AuditEntry, redactor: Redactor, values: bool = True) -> str:
    """What one audit entry did, in words, starting with a capital.

    An edit whose entry keeps the fields it changed says from what to what; an entry
    written before entries kept them says what its action says.
    """
    record = _subject(case, entry)
    if entry.changes and not any(p.match(entry.action) for p in _OWN_WORDS):
        said = _edited(case, entry, record, redactor, values)
        if said:
            blocked = _CASE_UPDATE_PAST_BLOCKING.match(entry.action)
            if blocked:
                said += _although(case, blocked, redactor)
            return said[0].upper() + said[1:]
    for pattern, words in _WORDS:
        match = pattern.match(entry.action)
        if match:
            said = words(case, match, record, redactor)
            if said:
                return said[0].upper() + said[1:]
    said = redactor.names(entry.action)
    return said[:1].upper() + said[1:]


def _subject(case: CaseFile, entry: AuditEntry) -> Record | None:
    if entry.record_id is None:
        return None
    return case.document.records.get(entry.table, {}).get(entry.record_id)


def _answered(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    found = case.catalogue.find(match.group(1), match.group(2))
    if found is None:
        return "answered a checklist question"
    _, item = found
    if isinstance(record, Answer) and record.value is None and record.note.strip():
        said = f"left “{item.ask}” unanswered"
        if record.participant_id is not None:
            said += f" for {redactor.person(record.participant_id)}"
        return f"{said}, because: {redactor.text(record.note)}"
    said = f"answered “{item.ask}”"
    if isinstance(record, Answer):
        if record.participant_id is not None:
            said += f" for {redactor.person(record.participant_id)}"
        value = item.describe(record.value)
        if item.kind == "date" and isinstance(record.value, str):
            with contextlib.suppress(ValueError):  # else shown as it was typed
                value = show_day(date.fromisoformat(record.value))
        said += f": {redactor.text(value) if item.kind == 'text' else value}"
        if record.note.strip():
            said += f" (with a note: {redactor.text(record.note)})"
    if match.group(3):
        said += f", although {_no_go_ahead(match.group(3))}"
        said += f"; the reason given: {redactor.text(match.group(4))}"
    return said


def _case_update(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    parts = []
    for change in match.group(1).split("; "):
        if ":" not in change:  # before changes carried their values: names only
            parts += [
                f"changed {CASE_FIELD_WORDS.get(name.strip(), 'a detail')}"
                for name in change.split(",")
                if name.strip()
            ]
            continue
        name, _, values = change.partition(":")
        old, _, new = (part.strip() for part in values.partition("→"))
        field = CASE_FIELD_WORDS.get(name.strip(), "a detail")
        old_words, new_words = (_value(name.strip(), v, redactor) for v in (old, new))
        if not new_words:
            parts.append(f"cleared {field}")
        elif not old_words:
            parts.append(f"set {field} to {new_words}")
        else:
            parts.append(f"changed {field} from {old_words} to {new_words}")
    return "; ".join(parts) or "updated the case"


def _case_update_past_blocking(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    """A stage move made while a blocking flag was raised, or without a decision to go
    ahead at a point of the case, with the reason given."""
    return _case_update(case, match, record, redactor) + _although(case, match, redactor)


def _although(case: CaseFile, match: re.Match[str], redactor: Redactor) -> str:
    """ ", although … was raised; the reason given: …" of a move past a blocking flag."""
    although = []
    if match.group(2):
        ids = match.group(2).split(",")
        flags = ", ".join(f"“{_heading(case, flag_id)}”" for flag_id in ids)
        although.append(f"{flags} {'was' if len(ids) == 1 else 'were'} raised")
    if match.group(3):
        although.append(_no_go_ahead(match.group(3)))
    reason = redactor.text(match.group(4))
    return f", although {' and '.join(although)}; the reason given: {reason}"


def _edited(
    case: CaseFile, entry: AuditEntry, record: Record | None, redactor: Redactor, values: bool
) -> str:
    """An edit, field by field, from what to what ("changed Ann Ode's contact details from
    “0700 900 100” to “0711 222 333”"); "" when it changed no field this version names."""
    words = EDIT_WORDS.get(entry.table, {})
    it = record_words(entry.table, entry.record_id, record, redactor)
    parts = []
    for change in entry.changes:
        if change.field not in words:
            continue
        field = words[change.field].format(it=it)
        if change.field in ("resolved", "status"):  # a state: "the risk … from open to resolved"
            old = _edit_value(entry.table, change.field, change.old, redactor, True)
            new = _edit_value(entry.table, change.field, change.new, redactor, True)
            parts.append(f"changed {field} from {old} to {new}")
            continue
        quoted = values or change.field not in TYPED
        old = _edit_value(entry.table, change.field, change.old, redactor, quoted)
        new = _edit_value(entry.table, change.field, change.new, redactor, quoted)
        if not new:
            parts.append(f"cleared {field}")
        elif not old:
            parts.append(f"set {field}" + (f" to {new}" if quoted else ""))
        else:
            parts.append(f"changed {field}" + (f" from {old} to {new}" if quoted else ""))
    if not parts:
        return ""
    if entry.table in NAMED_RECORDS:
        return f"{it}: {'; '.join(parts)}"
    return "; ".join(parts)


# The records named by what they hold (record_words): a history line names them once,
# before what changed in them; a conflict on one is headed with it.
NAMED_RECORDS = frozenset({"risks", "actions", "agreements", "letters"})


def record_words(
    table: str, record_id: UUID | None, record: Record | None, redactor: Redactor
) -> str:
    """A record as a sentence names it: a person by name, "the risk “Ben may call…”",
    "the letter from Ann Ode", "the outcome agreement"; "the case" for the rest."""
    if table in ("participants", "team"):
        return redactor.person(record_id)
    if isinstance(record, Risk):
        return f"the risk “{_short(redactor.text(record.description))}”"
    if isinstance(record, AgreementAction):
        return f"the agreement action “{_short(redactor.text(record.description))}”"
    if isinstance(record, Letter):
        return f"the letter from {redactor.person(record.from_participant)}"
    if table == "agreements":
        return "the outcome agreement"
    return "the case"


def _short(text: str) -> str:
    """A typed text as a history line shows it: one line, cut at a word with "…"."""
    return excerpt(" ".join(text.split()), 0, 0, SHORT)


def _edit_value(table: str, field: str, value: object, redactor: Redactor, quoted: bool) -> str:
    """A stored value of an edited field in words ("" for none); a typed text quoted and
    shortened, or, not ``quoted``, only whether there is one."""
    if value is None or value == "" or value == []:
        return ""
    if field in TYPED:
        return f"“{_short(redactor.text(str(value)))}”" if quoted else "…"
    if field == "resolved":
        return "resolved" if value else "open"
    words = value_words(table, field, value, redactor.person)
    return words.lower() if field in _LOWER_IN_A_SENTENCE else words


# The fixed choices a sentence writes in lower case ("from shuttle to face to face"); a
# stage keeps its capital, as it is named everywhere.
_LOWER_IN_A_SENTENCE = frozenset(
    {"closure_reason", "process", "role", "rating", "binding", "status"}
)


def _no_go_ahead(values: str) -> str:
    """The decision points (stored ids, comma-separated) without a go-ahead, in words."""
    points = []
    for value in values.split(","):
        try:
            points.append(DecisionPoint(value).label.lower())
        except ValueError:
            points.append("a point of the case")
    return "no go-ahead was recorded " + " or ".join(points)


def _heading(case: CaseFile, flag_id: str) -> str:
    flag = case.catalogue.flags.get(flag_id)
    return flag.heading if flag is not None else f"Stop: {flag_label(flag_id)}"


def _value(field: str, value: str, redactor: Redactor) -> str:
    """A stored value of a case field in words ("" for none)."""
    if value in ("", "none"):
        return ""
    words: dict[str, Callable[[str], str]] = {
        "stage": lambda v: Stage(v).label,
        "closure_reason": lambda v: ClosureReason(v).label.lower(),
        "process": lambda v: ProcessType(v).label.lower(),
        "referral_date": lambda v: show_day(date.fromisoformat(v)),
        "meeting_date": lambda v: show_day(date.fromisoformat(v)),
        "co_worker": lambda v: redactor.person(UUID(v)),
        "case_supervisor": lambda v: redactor.person(UUID(v)),
    }
    try:
        return words[field](value) if field in words else ""
    except ValueError:
        return value


def _flag(case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor) -> str:
    flag = case.catalogue.flags.get(match.group(2))
    said = f"{match.group(1)} the flag “{flag.heading if flag else flag_label(match.group(2))}”"
    if isinstance(record, FlagOverride):
        if record.cleared_by is not None:
            who = redactor.person(record.cleared_by, case.person_name(record.cleared_by))
            said += f", {match.group(1)} by {who}"
            if record.cleared_on is not None:
                said += f" on {show_day(record.cleared_on)}"
        said += f": {redactor.text(record.reason)}"
    return said


def _consent(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    if not isinstance(record, Consent):
        return ""
    whose = redactor.person(record.participant_id)
    kind = "consent" if match.group(1) == "consent" else "withdrawal of consent"
    return f"recorded {whose}'s {kind}: {match.group(2)}"


def _about_participant(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    if isinstance(record, Participant):
        who = redactor.person(record.id)
        verb = match.group(1)
        if verb == "added":
            return f"added {who} ({record.role.label.lower()})"
        if verb == "removed":
            return f"removed {who} from the case"
        return f"updated {who}'s details"
    return ""


def _letter(case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor) -> str:
    """A letter's status, with who it is from and to ("Set the letter from Ann Ode to
    Ben Cole to under review")."""
    if not isinstance(record, Letter):
        return ""
    said = f"set the letter from {redactor.person(record.from_participant)}"
    if record.to_participant is not None:
        said += f" to {redactor.person(record.to_participant)}"
    return f"{said} to “{match.group(1)}”"


def _renamed(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    if isinstance(record, TeamMember):
        return f"changed the facilitator's name in the case to {redactor.person(record.id)}"
    return ""


def _note(case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor) -> str:
    if isinstance(record, Note) and record.participant_id is not None:
        return f"{match.group(0)} about {redactor.person(record.participant_id)}"
    return ""


def _decision(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    if isinstance(record, Decision):
        return decision_sentence(case, record, redactor)
    return "recorded a decision"


def _feedback(
    case: CaseFile, match: re.Match[str], record: Record | None, redactor: Redactor
) -> str:
    if isinstance(record, Feedback):
        return feedback_sentence(case, record, redactor)
    return "recorded a participant's feedback"


# Entries that say more than their changed fields would: kept in their own words.
_OWN_WORDS = (
    re.compile(r"^set a letter to (.+)$"),
    re.compile(r"^renamed the facilitator$"),
    re.compile(r"^removed a participant\b"),
)

_WORDS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (_ANSWERED, _answered),
    (_CASE_UPDATE_PAST_BLOCKING, _case_update_past_blocking),
    (_CASE_UPDATE, _case_update),
    (_FLAG, _flag),
    (_CONSENT, _consent),
    (re.compile(r"^(added|updated|removed) a participant\b.*$"), _about_participant),
    (re.compile(r"^added a note$"), _note),
    (re.compile(r"^recorded a decision \(.*\)$"), _decision),
    (re.compile(r"^set a letter to (.+)$"), _letter),
    (re.compile(r"^renamed the facilitator$"), _renamed),
    (re.compile(r"^recorded feedback \((shared|confidential)\)$"), _feedback),
]
