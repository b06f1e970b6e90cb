"""How things are named on screen and in exports: the one place screens and exports get
every label from.

The words of the fixed vocabularies (stages, roles, processes, closure reasons in
:mod:`rjfacil.vocab`; consent purposes and note sharing in the case document) are
defined with them, since the core's own messages and audit entries use them too;
everything shown reads them through here, with the labels made of several parts (a
stage with its closure reason) and those only screens and exports need.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from rjfacil.casedoc.model import (
    ActionStatus,
    Bindingness,
    Case,
    ConsentPurpose,
    LetterStatus,
    NoteSource,
    RiskRating,
    ShareHow,
    TeamRole,
)
from rjfacil.views.dates import show_day
from rjfacil.views.summary import CaseSummary
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage

FLAG_SHORT_LABELS: dict[str, str] = {
    "not_by_choice": "Stop: consent",
    "stop_reassess": "Stop: reassess",
    "child_protection": "Stop: Child protection concern",
    "sensitive_complex": "Sensitive & complex",
    "co_working_advised": "Co-working",
    "managerial_oversight": "Oversight",
    "line_manager_oversight": "Endorsement",
    "rehub_panel": "re:hub panel",
    "specialist_referral": "Specialist referral",
    "supervisor_section_b": "Supervisor (B)",
    "risk_unmanaged": "Risk not managed",
    "risk_to_manage": "Risk to manage",
}
"""Short labels for the case list; the case view shows each flag's full title. A blocking
flag's label starts "Stop:", as its title does everywhere else."""

UNREADABLE_LABEL = "Unreadable file"

NOT_SHARED_WORD = "Not shared"
PRIVATE_WORD = "Private"
WORDS: tuple[tuple[str, str], ...] = (
    (
        "People",
        "Everyone taking part in the case: the person harmed, the person responsible, "
        "supporters and others (the People tab).",
    ),
    (
        NOT_SHARED_WORD,
        "A note for the facilitator's information only: no other participant is told of "
        "it. It still goes with the case to co-workers and can appear in a supervisor "
        "summary.",
    ),
    (
        PRIVATE_WORD,
        "A note only for you: never exported, bundled or shown to anyone, until you "
        "release it (r on the Notes tab).",
    ),
)
"""The words the screens use that a newcomer may not know, each explained (shown in help)."""

LETTER_STATUS_LABELS: dict[LetterStatus, str] = {
    LetterStatus.DRAFT: "Draft",
    LetterStatus.UNDER_REVIEW: "Being vetted",
    LetterStatus.APPROVED: "Approved to hand over",
    LetterStatus.DELIVERED: "Handed over",
    LetterStatus.WITHHELD: "Withheld",
}
ACTION_STATUS_LABELS: dict[ActionStatus, str] = {
    ActionStatus.OPEN: "Open",
    ActionStatus.DONE: "Done",
    ActionStatus.NOT_DONE: "Not done",
}
ANSWER_KIND_LABELS: dict[str, str] = {
    "yes_no_unknown": "yes / no / unknown",
    "check": "tick when done",
    "choice": "choose one",
    "text": "write an answer",
    "date": "a date",
}
SEARCH_WHERE_LABELS: dict[str, str] = {
    "reference": "Reference",
    "summary": "Case summary",
    "venue": "Meeting venue",
    "team": "Team",
    "participant": "Participant",
    "consent": "Consent",
    "answer": "Checklist note",
    "risk": "Risk",
    "letter": "Letter",
    "action": "Agreement action",
    "override": "Flag decision",
    "feedback": "Participant's feedback",
    "note": "Note",
}


FIELD_LABELS: dict[str, str] = {
    # the case's details
    "reference": "Reference",
    "stage": "Stage",
    "closure_reason": "Closure reason",
    "referral_date": "Referral date",
    "process": "Process",
    "co_worker": "Co-worker",
    "case_supervisor": "Case supervisor",
    "meeting_date": "Meeting date",
    "meeting_venue": "Meeting venue",
    "summary": "Case summary",
    # people
    "name": "Name",
    "role": "Role",
    "address_as": "Address as",
    "access_needs": "Access needs",
    "contact": "Contact",
    "supports": "Supports",
    # notes
    "participant_id": "About",
    "source": "Where from",
    "share_with": "Shared with",
    "share_how": "Sharing",
    "private": "Private",
    # risks
    "description": "Description",
    "rating": "Rating",
    "mitigation": "How it is managed",
    "review_date": "Review by",
    "resolved": "Resolved",
    # letters
    "from_participant": "From",
    "to_participant": "To",
    "status": "Status",
    "vetting_note": "Vetting note",
    "in_reply_to": "In reply to",
    "recipient_agreed_on": "Recipient agreed on",
    "handed_over_version": "Version handed over",
    # agreement actions and the outcome agreement
    "by_whom": "By whom",
    "due": "Due",
    "supported_by": "Supported by",
    "supervised_by": "Supervised by",
    "completed_on": "Completed on",
    "evidence": "Completion of the action",
    "evidence_recorded_by": "Recorded by",
    "told_on": "Told on",
    "told_how": "Told how",
    "terms": "The outcome agreement",
    "agreed_by": "Who agreed",
    "agreed_on": "Agreement made",
    "binding": "Binding",
    "completion_shown_by": "How completion will be shown",
    "tell_person_harmed": "How the person harmed asked to be told",
    "deleted": "Removed",
}
"""A record's fields as the screens name them (what a conflict between co-workers'
versions shows); a field a newer version added is named from its own name."""

# Fields that hold a person's id (a participant or a team member), or a list of them:
# shown by name.
PERSON_FIELDS = frozenset(
    {
        "co_worker",
        "case_supervisor",
        "supports",
        "participant_id",
        "share_with",
        "from_participant",
        "to_participant",
        "by_whom",
        "supported_by",
        "supervised_by",
        "evidence_recorded_by",
        "agreed_by",
    }
)
# Fields that hold a day.
DAY_FIELDS = frozenset(
    {
        "referral_date",
        "meeting_date",
        "review_date",
        "due",
        "completed_on",
        "told_on",
        "agreed_on",
        "recipient_agreed_on",
    }
)
# Fields that hold another record's id, in words.
RECORD_WORDS = {"in_reply_to": "a letter", "handed_over_version": "a version of the letter"}


def _choice(table: str, field: str, value: str) -> str | None:
    """A fixed choice's label, or None for a field that holds none (ValueError for a
    value the choice does not have)."""
    if field == "status":
        if table == "letters":
            return LETTER_STATUS_LABELS[LetterStatus(value)]
        return ACTION_STATUS_LABELS[ActionStatus(value)]
    if field == "role":
        return Role(value).label if table == "participants" else TeamRole(value).label
    label = _CHOICES.get(field)
    return label(value) if label else None


# The fields holding a fixed choice that reads the same in every table.
_CHOICES: dict[str, Callable[[str], str]] = {
    "stage": lambda v: Stage(v).label,
    "closure_reason": lambda v: ClosureReason(v).label,
    "process": lambda v: ProcessType(v).label,
    "rating": lambda v: RiskRating(v).value.capitalize(),
    "binding": lambda v: Bindingness(v).label,
    "source": lambda v: NoteSource(v).label,
    "share_how": lambda v: ShareHow(v).label,
}


def field_label(field: str) -> str:
    """A record's field as the screens name it ("co_worker": "Co-worker")."""
    return FIELD_LABELS.get(field) or _words(field)


def value_words(table: str, field: str, value: object, person: Callable[[UUID], str]) -> str:
    """A field's value as stored, in words: people by name (``person``), fixed choices by
    their labels, days as shown everywhere, yes and no; "" for none. A value this version
    cannot read, or another record's id, is named, not shown; typed text is as typed (for
    the caller to make visible, quote or shorten)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(value_words(table, field, each, person) for each in value)
    if value is True or value is False:
        return "yes" if value else "no"
    try:
        if field in PERSON_FIELDS:
            return person(UUID(str(value)))
        if field in RECORD_WORDS:
            return RECORD_WORDS[field]
        if field in DAY_FIELDS:
            return show_day(date.fromisoformat(str(value)))
        chosen = _choice(table, field, str(value))
    except ValueError:
        return "another value"
    return chosen if chosen is not None else str(value)


def flag_label(flag_id: str) -> str:
    """A short readable label for a flag id (unknown ids made readable, not hidden)."""
    return FLAG_SHORT_LABELS.get(flag_id) or _words(flag_id)


def row_flag_labels(row: CaseSummary) -> list[str]:
    """What the case list says of a case's state: its raised flags, or that it is unreadable."""
    labels = [flag_label(flag) for flag in row.flags]
    # The absolute limits first, as everywhere flags are shown (their labels say "Stop:").
    labels.sort(key=lambda label: not label.startswith("Stop:"))
    return [UNREADABLE_LABEL, *labels] if row.unreadable else labels


def stage_label(stage: Stage) -> str:
    """A case stage: "Outcome agreement"."""
    return stage.label


def stage_text(case: Case) -> str:
    """The stage in words, with the closure reason for a closed or withdrawn case."""
    if case.closure_reason is not None and not case.stage.is_open:
        return f"{stage_label(case.stage)}: {closure_label(case.closure_reason).lower()}"
    return stage_label(case.stage)


def checklist_stage_label(stage: str) -> str:
    """The stage a checklist belongs to (case stages, and closure and supervision): a case
    stage as the stage list names it ("Follow-up", "Outcome agreement"), else "Closure"."""
    try:
        return stage_label(Stage(stage))
    except ValueError:
        return _words(stage)


def closure_label(reason: ClosureReason) -> str:
    """Why a case closed: "Declined by the person harmed"."""
    return reason.label


def role_label(role: Role) -> str:
    """A participant's role: "Person harmed"."""
    return role.label


def process_label(process: ProcessType | None) -> str:
    """A restorative process: "Face to face"; "Not chosen yet" for none."""
    return process.label if process is not None else "Not chosen yet"


def consent_purpose_label(purpose: ConsentPurpose) -> str:
    """What a consent is for: "Taking part"."""
    return purpose.label


def note_source_label(source: NoteSource) -> str:
    """Where a note came from: "From the participant"."""
    return source.label


def share_how_label(how: ShareHow) -> str:
    """How a note may be shared: "May be shared in summary"."""
    return how.label


def letter_status_label(status: LetterStatus) -> str:
    return LETTER_STATUS_LABELS[status]


def action_status_label(status: ActionStatus) -> str:
    return ACTION_STATUS_LABELS[status]


def answer_kind_label(kind: str) -> str:
    """How an item is answered, as the walker says it: "yes / no / unknown"."""
    return ANSWER_KIND_LABELS.get(kind) or _words(kind)


def search_where_label(where: str) -> str:
    """Where a search hit was found: "Note"."""
    return SEARCH_WHERE_LABELS.get(where) or _words(where)


def _words(identifier: str) -> str:
    return identifier.replace("_", " ").strip().capitalize()
