"""The case model: every record a case file holds, validated with pydantic.

Rules (DESIGN.md, "The case model's rules"):
- every record has a UUID, created_at (aware UTC) and created_by (the facilitator's id);
  mutable records also updated_at and updated_by;
- records keep fields they do not know (written by a newer rjfacil) and write them back
  unchanged (``extra="allow"``); the case document's format says what a reader must
  understand (rjfacil.casedoc.codec);
- people are referenced by id: a participant, or a member of the case's team (the
  facilitators, co-worker, case supervisor and others who are not participants);
- notes are never edited in place: an edit adds a NoteRevision;
- consents and answers are append-only: a withdrawal or a changed answer is a new record;
- deletions are tombstones (``deleted=True``), so a merge can tell them from absence.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal
from uuid import UUID, uuid4, uuid5

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from rjfacil import clock
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage

ShortText = Annotated[str, StringConstraints(max_length=500)]
LongText = Annotated[str, StringConstraints(max_length=1_000_000)]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=80)]


class Record(BaseModel):
    """Fields every record has. Fields it does not know are kept (a newer rjfacil's)."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    id: UUID = Field(default_factory=uuid4)
    created_at: AwareDatetime = Field(default_factory=lambda: clock.now())
    created_by: UUID


class MutableRecord(Record):
    updated_at: AwareDatetime = Field(default_factory=lambda: clock.now())
    updated_by: UUID
    deleted: bool = False


class Facilitator(BaseModel):
    """A vault's owner (profile.rjv) as their co-workers know them."""

    model_config = ConfigDict(extra="allow")

    id: UUID
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]


class TeamRole(StrEnum):
    """What a team member is to the case (they are not participants)."""

    FACILITATOR = "facilitator"
    CO_WORKER = "co_worker"
    CASE_SUPERVISOR = "case_supervisor"
    LINE_MANAGER = "line_manager"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "facilitator": "Facilitator",
            "co_worker": "Co-worker",
            "case_supervisor": "Case supervisor",
            "line_manager": "Line manager",
            "other": "Team",
        }[self.value]


class TeamMember(MutableRecord):
    """Someone working on the case: a facilitator (the vault's owner is one, and every
    author of a record is one), the co-worker, the case supervisor, a line manager.

    Their id is what ``created_by``, the case's co-worker and supervisor, and an agreement
    action's ``by_whom`` refer to.
    """

    name: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    role: TeamRole = TeamRole.OTHER


# Never change: team members named in free text by format 1 got ids made with it.
TEAM_NAMESPACE = UUID("d1324704-66c5-5e80-a0f4-a2d8000cf078")


def team_member_id(case_id: UUID, name: str) -> UUID:
    """The id of a team member first named in a case by ``name`` (trimmed, any case).

    The same in every copy of the case, so two co-workers who each name "Priya Shah" (or
    migrate a case naming her) make the same team member.
    """
    key = " ".join(name.split()).casefold()
    return uuid5(TEAM_NAMESPACE, f"{case_id}:{key}")


class Case(MutableRecord):
    reference: Reference
    stage: Stage = Stage.REFERRAL
    closure_reason: ClosureReason | None = None
    referral_date: date | None = None
    process: ProcessType | None = None
    co_worker: UUID | None = None  # a team member
    case_supervisor: UUID | None = None  # a team member
    meeting_date: date | None = None
    meeting_venue: ShortText = ""
    summary: LongText = ""


class Participant(MutableRecord):
    role: Role
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    address_as: ShortText = ""
    access_needs: LongText = ""
    contact: ShortText = ""
    # A supporter's: the participant they support. Optional, so a reader that does not
    # know it keeps it (records keep unknown fields) and no format change is needed.
    supports: UUID | None = None


class ConsentPurpose(StrEnum):
    TAKE_PART = "take_part"
    COMMUNICATION = "communication"
    SHARING = "sharing"

    @property
    def label(self) -> str:
        return {
            "take_part": "Taking part",
            "communication": "Form of communication",
            "sharing": "Sharing information",
        }[self.value]


class Consent(Record):
    """One consent decision. Withdrawal is a new record with ``given=False``.

    ``share_with`` names the participants the information may be shared with (ids).
    """

    participant_id: UUID
    purpose: ConsentPurpose
    process: ProcessType | None = None
    information: ShortText = ""
    share_with: list[UUID] = Field(default_factory=list)
    given: bool = True
    form: Literal["written", "verbal"] = "verbal"
    on: date = Field(default_factory=lambda: clock.today())
    note: LongText = ""

    @property
    def topic(self) -> tuple[str, str, str, str]:
        """What the consent is about: a later record on the same topic supersedes it."""
        process = self.process.value if self.process else ""
        return (str(self.participant_id), self.purpose.value, process, self.information)


class NoteSource(StrEnum):
    FROM_PARTICIPANT = "from_participant"
    FACILITATOR_ASSESSMENT = "facilitator_assessment"

    @property
    def label(self) -> str:
        return {
            "from_participant": "From the participant",
            "facilitator_assessment": "Facilitator's assessment",
        }[self.value]


class ShareHow(StrEnum):
    """How a note's information may be shared (A 3(a) 7)."""

    NOT_SHARED = "not_shared"
    AS_WRITTEN = "as_written"
    SUMMARY = "summary"

    @property
    def label(self) -> str:
        return {
            "not_shared": "For the facilitator's information only",
            "as_written": "May be shared as written",
            "summary": "May be shared in summary",
        }[self.value]


class Note(MutableRecord):
    """A note's metadata; its text lives in NoteRevision records (latest wins)."""

    participant_id: UUID | None = None
    source: NoteSource = NoteSource.FACILITATOR_ASSESSMENT
    share_with: list[UUID] = Field(default_factory=list)
    share_how: ShareHow = ShareHow.NOT_SHARED
    private: bool = False


class NoteRevision(Record):
    note_id: UUID
    text: LongText


AnswerValue = bool | str | None


class Answer(Record):
    """A checklist answer. Append-only: the latest per (checklist, item, participant) counts."""

    checklist_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    participant_id: UUID | None = None
    value: AnswerValue = None
    note: LongText = ""


class RiskRating(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Risk(MutableRecord):
    description: LongText
    rating: RiskRating = RiskRating.MEDIUM
    mitigation: LongText = ""
    review_date: date | None = None
    participant_id: UUID | None = None
    resolved: bool = False


class LetterStatus(StrEnum):
    DRAFT = "draft"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    DELIVERED = "delivered"
    WITHHELD = "withheld"


class Letter(MutableRecord):
    """A letter or recorded message between participants, vetted before handover (A 3(a) 11-12).

    From and to are any two different participants (the commands enforce it; a letter
    stored so by an earlier version still reads). ``in_reply_to`` is the letter it answers.
    ``status`` "approved" holds only while the current version is vetted
    (:class:`LetterVetting`); ``recipient_agreed_on`` is when the recipient agreed to
    receive it, ``handed_over_version`` the version handed over (format 4).
    """

    from_participant: UUID
    to_participant: UUID | None = None
    status: LetterStatus = LetterStatus.DRAFT
    vetting_note: LongText = ""
    in_reply_to: UUID | None = None
    recipient_agreed_on: date | None = None
    handed_over_version: UUID | None = None


class LetterVersion(Record):
    letter_id: UUID
    text: LongText


class VettingDecision(StrEnum):
    """What the facilitator decided about one version of a letter (A 3(a) 11-12)."""

    VETTED = "vetted"
    CHANGES_NEEDED = "changes_needed"
    WITHHOLD = "withhold"

    @property
    def label(self) -> str:
        return {
            "vetted": "Vetted: fit to hand over",
            "changes_needed": "Needs changes before it is handed over",
            "withhold": "Not to be handed over",
        }[self.value]


class LetterVetting(Record):
    """The vetting checklist answered for one version of a letter, with the decision and
    its reasons. Who vetted it and when are ``created_by`` and ``created_at``; a later
    vetting of the same version supersedes an earlier one (format 4).

    ``answers`` maps the id of each item of the letters checklist asked per letter
    (``scope = "letter"``) to its answer. ``decision`` None: answered, not yet decided.
    """

    letter_id: UUID
    version_id: UUID
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    decision: VettingDecision | None = None
    reasons: LongText = ""


class LetterReview(Record):
    """A co-worker's or case supervisor's own review of one version of a letter: who
    (a team member's id), when they gave it, and what they think (format 4)."""

    letter_id: UUID
    version_id: UUID
    reviewer: UUID
    given_on: date = Field(default_factory=lambda: clock.today())
    view: Annotated[str, StringConstraints(min_length=1, max_length=1_000_000)]


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_DONE = "not_done"


class AgreementAction(MutableRecord):
    """One action of an outcome agreement, monitored at follow-up (A 3(c), A 3(d)).

    Who supports and who supervises it (A 3(c) 3, A 3(d) 1), and its completion with
    the evidence that shows it, who recorded it and when (A 3(d) 2-3, NCJB 3.6.4-3.6.6);
    then when and how the person harmed was told (A 3(d) 4, NCJB 3.6.4). Added within
    case format 4 (no bump): an older reader keeps these fields unchanged.
    """

    description: LongText
    by_whom: UUID | None = None  # a participant or a team member
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    supported_by: UUID | None = None  # a participant or a team member
    supervised_by: UUID | None = None  # a participant or a team member
    completed_on: date | None = None
    evidence: LongText = ""  # what shows it was done (or not)
    evidence_recorded_by: UUID | None = None  # a participant or a team member
    told_on: date | None = None  # the person harmed told of its completion
    told_how: ShortText = ""


class Bindingness(StrEnum):
    """Whether an outcome agreement is voluntary or legally binding (A 3(c) 5-7)."""

    VOLUNTARY = "voluntary"
    LEGALLY_BINDING = "legally_binding"

    @property
    def label(self) -> str:
        return {"voluntary": "Voluntary", "legally_binding": "Legally binding"}[self.value]


AGREEMENT_NAMESPACE = UUID("0b8f7c4e-61a2-5d39-8e0f-3a9d2c7b51e4")


def agreement_id(case_id: UUID) -> UUID:
    """The one outcome agreement record of a case: the same id in every co-worker's copy,
    so two copies merge into one record."""
    return uuid5(AGREEMENT_NAMESPACE, f"agreement:{case_id}")


class Agreement(MutableRecord):
    """The outcome agreement itself (A 3(c) 1-7; NCJB 3.6): its terms, who agreed and
    when, voluntary or legally binding, how completion will be shown, and how the person
    harmed asked to be told of completion. Whether one was made is the case fact
    ``facts.agreement_made``. One per case (``agreement_id``), in the ``agreements``
    table, added within case format 4: an older reader carries it unchanged.
    """

    terms: LongText = ""
    agreed_by: list[UUID] = Field(default_factory=list)  # participants
    agreed_on: date | None = None
    binding: Bindingness | None = None
    completion_shown_by: LongText = ""
    tell_person_harmed: LongText = ""  # how the person harmed asked to be told


class MoneyHandover(Record):
    """Money handed over under an outcome agreement, and who witnessed it (A 3(c) 4).
    Append-only, in the ``money_handovers`` table (added within case format 4)."""

    amount_pence: Annotated[int, Field(gt=0, le=100_000_000)]
    handed_on: date
    from_whom: UUID | None = None  # a participant
    to_whom: UUID | None = None  # a participant, or someone they nominated
    witness: UUID  # a participant or a team member
    note: ShortText = ""


class FlagOverride(Record):
    """A recorded, attributed decision to clear (or restore) a flag, with its reason.

    A flag that needs a manager (managerial oversight, every blocking flag) is cleared
    only with who cleared it (``cleared_by``, a team member) and when (``cleared_on``).
    """

    flag: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    cleared: bool = True
    reason: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    cleared_by: UUID | None = None
    cleared_on: date | None = None


class DecisionPoint(StrEnum):
    """Where in a case a suitability or go/no-go decision is taken."""

    FIRST_CONTACT = "first_contact"
    DIRECT_COMMUNICATION = "direct_communication"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        return {
            "first_contact": "Before first contact",
            "direct_communication": "Before any direct communication",
            "meeting": "Before a meeting",
        }[self.value]

    @property
    def reference(self) -> str:
        """The guidance that asks for the decision at this point."""
        return {
            "first_contact": "A 2(a) 2, HMPPS 4.4",
            "direct_communication": "A 2(a) 6, A 2(c) 7",
            "meeting": "A 2(a) 7-8, A 3(b)",
        }[self.value]


class DecisionOutcome(StrEnum):
    GO = "go"
    NO_GO = "no_go"
    WAIT = "wait"

    @property
    def label(self) -> str:
        return {"go": "Go ahead", "no_go": "Do not go ahead", "wait": "Wait"}[self.value]


class Decision(Record):
    """A suitability or go/no-go decision, recorded (not a checklist answer): who decided,
    when and why; where HMPPS 4.4 and 4.21/4.22 ask for it, the manager who gave
    oversight and when. Append-only: a later decision at the same point supersedes it.
    Kept in the ``decisions`` table, which case format 3 readers that do not know it
    carry through unchanged.
    """

    point: DecisionPoint
    outcome: DecisionOutcome
    decided_by: UUID  # a team member
    decided_on: date
    reason: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    oversight_by: UUID | None = None  # a team member: the manager who gave oversight
    oversight_on: date | None = None


class FeedbackHow(StrEnum):
    """How a participant gave their feedback."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    WRITING = "writing"
    FORM = "form"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "in_person": "In person",
            "phone": "By phone",
            "writing": "In writing",
            "form": "On a feedback form",
            "other": "Another way",
        }[self.value]


class Feedback(Record):
    """A participant's feedback at the end of a case (NCJB 3.7.5): who gave it, when, how,
    what they said, and whether they agreed it may be shared (confidential unless they did).
    Append-only: more feedback from the same person is another record. Kept in the
    ``feedback`` table, which case format 4 readers that do not know it carry through
    unchanged.
    """

    participant_id: UUID
    given_on: date
    how: FeedbackHow = FeedbackHow.IN_PERSON
    said: Annotated[str, StringConstraints(min_length=1, max_length=20000)]
    may_share: bool = False  # confidential by default: shared only when they agreed


# A changed text is kept in an audit entry up to this many characters (the history shows
# less): a long case summary edited often must not grow the history by its whole length.
CHANGE_TEXT_LIMIT = 200


class FieldChange(BaseModel):
    """One field of a record an edit changed, with its value before and after (as stored:
    JSON values; a text cut to ``CHANGE_TEXT_LIMIT`` characters and an ellipsis)."""

    model_config = ConfigDict(extra="allow")

    field: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    old: Any = None
    new: Any = None


class AuditEntry(Record):
    """One change, hash-chained to the one before it.

    ``changes``: the fields the change edited in its record, from what to what (added
    within case format 4, no bump). An entry without them (every entry written before, and
    any change that edits no field) is stored and hashed without the key, so its hash is
    what it always was; a reader that does not know the field keeps it (records keep what
    they do not know) and hashes it as written.
    """

    action: ShortText
    table: ShortText
    record_id: UUID | None = None
    also: list[UUID] = Field(default_factory=list)
    changes: list[FieldChange] = Field(default_factory=list)
    prev: Annotated[str, StringConstraints(min_length=64, max_length=64)]
    hash: Annotated[str, StringConstraints(min_length=64, max_length=64)]

    @model_serializer(mode="wrap")
    def _without_no_changes(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        dumped: dict[str, Any] = handler(self)
        if not dumped.get("changes"):
            dumped.pop("changes", None)
        return dumped


class ConflictResolution(StrEnum):
    OPEN = ""
    KEPT = "kept"
    TOOK_OTHER = "took_other"


class Conflict(MutableRecord):
    """A value a merge set aside: another version of a mutable record that lost to a later one.

    ``other`` is that losing version as it was written (who changed it and when are in it);
    the record's current version is in its own table. Its id is made from the table, the
    record and the losing version, so meeting the same version again (the same file twice,
    or two files in either order) makes no second conflict. Resolving it (keeping the
    current value, or taking the other one) is an edit of this record.
    """

    table: ShortText
    record_id: UUID
    other: dict[str, Any]
    resolution: ConflictResolution = ConflictResolution.OPEN


CONFLICT_NAMESPACE = UUID("6f1c2b8e-4d0a-5e3b-9a57-2c41d1f0b7a3")


def conflict_id(table: str, record_id: UUID, version_digest: str) -> UUID:
    """The id of the conflict keeping this losing version of a record."""
    return uuid5(CONFLICT_NAMESPACE, f"{table}:{record_id}:{version_digest}")


# The tables of a case file and the record type each holds.
TABLES: dict[str, type[Record]] = {
    "case": Case,
    "team": TeamMember,
    "participants": Participant,
    "consents": Consent,
    "notes": Note,
    "note_revisions": NoteRevision,
    "answers": Answer,
    "risks": Risk,
    "letters": Letter,
    "letter_versions": LetterVersion,
    "letter_vettings": LetterVetting,
    "letter_reviews": LetterReview,
    "actions": AgreementAction,
    "agreements": Agreement,
    "money_handovers": MoneyHandover,
    "flag_overrides": FlagOverride,
    "decisions": Decision,
    "feedback": Feedback,
    "audit": AuditEntry,
    "conflicts": Conflict,
}
