"""One case, held in its own encrypted file (cases/<uuid>.rjv).

The file's document is read and written through the case-document codec
(rjfacil.casedoc.codec), which reads every released format and writes the current one.
Every change is one durable write of the whole document, holding the records it changes
and their audit entry together, so a crash leaves either the whole change or none of it.

The case model's rules are enforced here, so the screens, the command line and an import
all obey them; a broken rule is an RjfacilError whose message the editors show as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid5

from pydantic import ValidationError

from rjfacil import clock
from rjfacil.casedoc import audit, codec
from rjfacil.casedoc import merge as merging
from rjfacil.casedoc.model import (
    ActionStatus,
    Agreement,
    AgreementAction,
    Answer,
    AnswerValue,
    AuditEntry,
    Case,
    Conflict,
    ConflictResolution,
    Consent,
    ConsentPurpose,
    Decision,
    DecisionOutcome,
    DecisionPoint,
    Facilitator,
    Feedback,
    FeedbackHow,
    FieldChange,
    FlagOverride,
    Letter,
    LetterReview,
    LetterStatus,
    LetterVersion,
    LetterVetting,
    MoneyHandover,
    MutableRecord,
    Note,
    NoteRevision,
    NoteSource,
    Participant,
    Record,
    Risk,
    ShareHow,
    TeamMember,
    TeamRole,
    VettingDecision,
    agreement_id,
    team_member_id,
)
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import (
    AnswerFact,
    AnswerFacts,
    OverrideFact,
    ParticipantFact,
    evaluate_flags,
)
from rjfacil.checklists.schema import FACTS, FlagDef, parse_date, same_answer
from rjfacil.commands import letters as letter_rules
from rjfacil.commands.reference import check_reference
from rjfacil.errors import BlockingFlagsRaised, NotFound, RjfacilError
from rjfacil.store.storage import EncryptedStorage
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage

# The closure checklist's item "When was the process closed?" (A 3(d) 9): a case's
# closure date, from which its retention period runs.
CLOSED_ON = ("closure", "closed_on")

# The case fields that name a team member, and the role a member first named there gets.
TEAM_FIELDS: dict[str, TeamRole] = {
    "co_worker": TeamRole.CO_WORKER,
    "case_supervisor": TeamRole.CASE_SUPERVISOR,
}

# The tables whose edits the history says from what to what: their audit entry keeps the
# changed fields' old and new values. Not notes (a note's text is in its revisions, and a
# private note's entry holds no text: docs/bundle-schema.md) nor conflicts.
EDITS_SAID = frozenset(
    {"case", "participants", "risks", "actions", "agreements", "letters", "team"}
)

R = TypeVar("R", bound=Record)
M = TypeVar("M", bound=MutableRecord)
Change = tuple[str, Record]

MESSAGES = {
    "share_nobody": "Choose whom it may be shared with, or set it not to be shared.",
    "private_shared": "A private note is only for you: it cannot also be shared.",
    "unshared_names": "A note that is not to be shared names nobody to share it with.",
    "empty_note": "Not saved: the note is empty.",
    "empty_letter": "The letter is empty.",
    "letter_to_self": "A letter goes from one participant to another: choose someone else "
    "to send it to.",
    "empty_action": "Describe the action first.",
    "empty_risk": "Describe the risk first.",
    "no_name": "A participant needs a name (or the name they are known by).",
    "supports_self": "Not saved: a supporter supports someone else in the case.",
    "no_date": "The consent needs the date it was given or withdrawn.",
    "decision_reason": "A decision needs its reason: say why it was taken.",
    "feedback_said": "Write down what they said first.",
    "feedback_date": "Feedback needs the date it was given, not a day still to come.",
    "decision_by": "Not saved: a decision is taken by someone in the case's team.",
    "decision_date": "A decision needs the date it was taken, not a day still to come.",
    "oversight_pair": "Give both the manager who gave oversight and the date they gave it.",
    "agreement_date": "The agreement needs the date it was made, not a day still to come.",
    "money_witness": "Money handed over needs its witness: name who saw it handed over.",
    "money_amount": "Give the amount handed over (more than nothing).",
    "money_date": "Give the day the money was handed over, not a day still to come.",
    "completion_evidence": "Say what shows it: completion is marked with its evidence.",
    "completion_date": "Give the day it was completed, not a day still to come.",
    "told_open": "Record the action's completion first, then that the person harmed was told.",
    "told_how": "Say how the person harmed was told.",
    "told_date": "Give the day the person harmed was told, not a day still to come.",
    "oversight_hmpps": "This case came through HMPPS: record the manager who gave oversight, "
    "and when (HMPPS 4.4, 4.21, 4.22).",
}


# The processes with direct communication between participants, and a meeting.
DIRECT_PROCESSES = frozenset(
    {ProcessType.FACE_TO_FACE, ProcessType.VIDEO_CONFERENCE, ProcessType.FAMILY_GROUP_CONFERENCE}
)


# The stage a case enters when it goes past each decision point: first contact is made
# in assessment; direct communication and a meeting come with the communication stage.
DECIDED_BEFORE: dict[DecisionPoint, Stage] = {
    DecisionPoint.FIRST_CONTACT: Stage.ASSESSMENT,
    DecisionPoint.DIRECT_COMMUNICATION: Stage.COMMUNICATION,
    DecisionPoint.MEETING: Stage.COMMUNICATION,
}


def no_go_ahead(point: DecisionPoint) -> str:
    """What a stage move lists for a point with no decision to go ahead."""
    return f"No go-ahead recorded {point.label.lower()}"


# The shortest start of a note's id that names it on the command line.
MIN_NOTE_PREFIX = 4


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


class CaseFile:
    """A loaded case. Read its records through the properties; change it through methods."""

    def __init__(
        self,
        storage: EncryptedStorage | None,
        path: Path,
        owner: Facilitator,
        catalogue: Catalogue,
        document: codec.CaseDocument | None = None,
    ) -> None:
        """Load a case from its storage, or (``document``) from a document already decoded.

        Args:
            storage: Where the case is read and written; None for a case only to read.
            path: The case file, named in messages.
            owner: This vault's owner (the author of every change made here).
            catalogue: The checklists the answers are read against.
            document: The decoded document, instead of reading ``storage``. A partial one
                (:func:`rjfacil.casedoc.codec.decode` with ``only``) answers only from the
                tables it read: anything else raises KeyError rather than show nothing.
        """
        self.path = path
        self.owner = owner
        self.catalogue = catalogue
        self._storage = storage
        # A new reference's rules; the vault that opened the case adds its other cases'.
        self.check_reference: Callable[[str], str] = check_reference
        if document is None:
            if storage is None:
                raise ValueError("a case needs its storage or a decoded document")
            document = codec.decode(storage.read() or {}, path)
        self._doc = document
        # Derived from one document: recomputed when a change replaces it (see answers()).
        self._derived: tuple[codec.CaseDocument, dict[str, Any]] = (document, {})

    # -- reading -----------------------------------------------------------------

    @property
    def _records(self) -> dict[str, dict[UUID, Record]]:
        return self._doc.records

    @property
    def _writable_storage(self) -> EncryptedStorage:
        if self._storage is None or self._doc.partial:
            raise RuntimeError(f"{self.path}: this case was read only to be shown")
        return self._storage

    def _cached(self, name: str) -> Any:
        """What was derived from the current document under ``name`` (None if nothing)."""
        document, held = self._derived
        if document is not self._doc:
            self._derived = (self._doc, {})
            return None
        return held.get(name)

    def _keep(self, name: str, value: Any) -> None:
        document, held = self._derived
        if document is self._doc:
            held[name] = value

    @property
    def document(self) -> codec.CaseDocument:
        """The decoded document as it is on disk (read only)."""
        return self._doc

    @property
    def case(self) -> Case:
        return self._doc.case

    @property
    def read_only(self) -> bool:
        """Whether the vault cannot be written (read-only media or folder): every change
        is refused with :class:`~rjfacil.errors.ReadOnlyVault`."""
        return self._storage is not None and self._storage.read_only is not None

    @property
    def id(self) -> UUID:
        return self.case.id

    def _live(self, table: str) -> list[Any]:
        return [r for r in self._records[table].values() if not getattr(r, "deleted", False)]

    @property
    def participants(self) -> list[Participant]:
        return self._live("participants")

    def participant(self, participant_id: UUID) -> Participant:
        found = self._records["participants"].get(participant_id)
        if found is None:
            raise NotFound(f"No participant {participant_id} in case {self.case.reference}.")
        return found  # type: ignore[return-value]

    def find_participant(self, text: str) -> UUID:
        """A participant of this case from their id (or its first 4+ characters), their
        name or the name they are addressed by (any case, spaces trimmed).

        Raises:
            NotFound: Nobody, or more than one participant, matches.
        """
        wanted = _normalised(text)
        people = self.participants
        matches = [p for p in people if str(p.id) == wanted]
        if not matches and len(wanted) >= 4:
            matches = [p for p in people if str(p.id).startswith(wanted)]
        if not matches:
            matches = [p for p in people if _normalised(p.name) == wanted]
        if not matches:
            matches = [p for p in people if p.address_as and _normalised(p.address_as) == wanted]
        reference = self.case.reference
        if not matches:
            raise NotFound(
                f"No participant '{text}' in case {reference}: give a name or id "
                f"('rjfacil show {reference}' lists them)."
            )
        if len(matches) > 1:
            raise NotFound(
                f"'{text}' matches {len(matches)} participants in case {reference}: "
                "give their id instead ('rjfacil show' lists them)."
            )
        return matches[0].id

    def participant_label(self, participant_id: UUID | None) -> str:
        if participant_id is None:
            return "the case"
        person = self._records["participants"].get(participant_id)
        if person is None:
            return "someone no longer in the case"
        assert isinstance(person, Participant)
        return f"{person.name} ({person.role.label.lower()})"

    @property
    def team(self) -> list[TeamMember]:
        """The case's team: facilitators, co-worker, supervisor and others (not participants).

        This vault's owner is named as the profile names them now: a rename after
        ``init`` changes the profile alone, and each case's record of them follows at
        its next change.
        """
        return [self.as_named_now(m) for m in self._live("team")]

    def as_named_now(self, member: TeamMember) -> TeamMember:
        """A team member, this vault's owner under the name the profile gives them now."""
        if member.id == self.owner.id and member.name != self.owner.name:
            return member.model_copy(update={"name": self.owner.name})
        return member

    def person_name(self, person_id: UUID | None) -> str:
        """The name of a participant or a team member; empty for nobody."""
        if person_id is None:
            return ""
        if person_id == self.owner.id:
            return self.owner.name
        person = self._records["participants"].get(person_id) or self._records["team"].get(
            person_id
        )
        if isinstance(person, Participant | TeamMember):
            return person.name
        return "someone no longer in the case"

    def person_label(self, person_id: UUID | None) -> str:
        """A participant or team member with what they are to the case."""
        if person_id is None or person_id in self._records["participants"]:
            return self.participant_label(person_id)
        member = self._records["team"].get(person_id)
        name = self.person_name(person_id)
        if isinstance(member, TeamMember) and member.role is not TeamRole.OTHER:
            role = member.role.label.lower()
            # A name that already says the role ("Robin Ashdown (demo facilitator)")
            # is not labelled twice.
            if name.casefold().endswith(f"{role})"):
                return name
            return f"{name} ({role})"
        return name

    def people(self) -> list[UUID]:
        """Everyone who can be named on an agreement action: participants, then the team
        (this vault's facilitator first)."""
        team = sorted(self.team, key=lambda m: m.id != self.owner.id)
        ids = [p.id for p in self.participants] + [m.id for m in team]
        if self.owner.id not in ids:
            ids.append(self.owner.id)
        return ids

    def author(self, facilitator_id: UUID) -> str:
        """The name of whoever wrote a record, as co-workers know them."""
        if facilitator_id == self.owner.id:
            return self.owner.name
        member = self._records["team"].get(facilitator_id)
        return member.name if isinstance(member, TeamMember) else "an unknown facilitator"

    def consents(self, participant_id: UUID | None = None) -> list[Consent]:
        """Every consent decision, oldest first: the history, withdrawals included."""
        records: list[Consent] = list(self._records["consents"].values())  # type: ignore[arg-type]
        if participant_id is not None:
            records = [c for c in records if c.participant_id == participant_id]
        return sorted(records, key=lambda c: c.created_at)

    def current_consents(self, participant_id: UUID) -> list[Consent]:
        """The latest decision on each topic for one participant."""
        latest: dict[tuple[str, str, str, str], Consent] = {}
        for consent in self.consents(participant_id):
            latest[consent.topic] = consent
        return list(latest.values())

    def has_consent(self, participant_id: UUID, purpose: ConsentPurpose) -> bool:
        return any(c.given and c.purpose is purpose for c in self.current_consents(participant_id))

    def notes(
        self,
        participant_id: UUID | None = None,
        shared: bool | None = None,
        include_private: bool = True,
    ) -> list[Note]:
        """Notes, newest first, filtered by participant and by whether they may be shared."""
        result = []
        for note in self._live("notes"):
            if participant_id is not None and note.participant_id != participant_id:
                continue
            if shared is not None and (note.share_how is not ShareHow.NOT_SHARED) != shared:
                continue
            if not include_private and note.private:
                continue
            result.append(note)
        return sorted(result, key=lambda n: n.created_at, reverse=True)

    def note(self, note_id: UUID) -> Note:
        found = self._records["notes"].get(note_id)
        if found is None:
            raise NotFound(f"No note {note_id} in case {self.case.reference}.")
        return found  # type: ignore[return-value]

    def find_note(self, text: str) -> UUID:
        """A note of this case from its id, or the start of it (4 characters or more).

        Raises:
            NotFound: No note, or more than one, has an id starting so.
        """
        wanted = text.strip().lower()
        reference = self.case.reference
        if len(wanted) < MIN_NOTE_PREFIX:
            raise NotFound(
                f"Give at least {MIN_NOTE_PREFIX} characters of the note's id "
                f"('rjfacil note list {reference}' shows them)."
            )
        matches = [n.id for n in self.notes() if str(n.id).startswith(wanted)]
        if not matches:
            raise NotFound(
                f"No note '{text}' in case {reference} ('rjfacil note list {reference}' "
                "shows each note's id)."
            )
        if len(matches) > 1:
            raise NotFound(f"'{text}' starts the ids of {len(matches)} notes: give more of it.")
        return matches[0]

    def note_history(self, note_id: UUID) -> list[NoteRevision]:
        revisions = [
            r
            for r in self._records["note_revisions"].values()
            if isinstance(r, NoteRevision) and r.note_id == note_id
        ]
        return sorted(revisions, key=lambda r: r.created_at)

    def note_text(self, note_id: UUID) -> str:
        history = self.note_history(note_id)
        return history[-1].text if history else ""

    def note_texts(self) -> dict[UUID, str]:
        """Every note's current text, in one pass (note_text per note would be quadratic)."""
        latest: dict[UUID, NoteRevision] = {}
        for revision in self._records["note_revisions"].values():
            assert isinstance(revision, NoteRevision)
            known = latest.get(revision.note_id)
            if known is None or revision.created_at >= known.created_at:
                latest[revision.note_id] = revision
        return {note_id: revision.text for note_id, revision in latest.items()}

    def answers(self) -> dict[tuple[str, str, UUID | None], Answer]:
        """The current answer per (checklist, item, participant): the latest one given.

        An item that states a case fact reads it from the case's field (its one home).
        """
        cached = self._cached("answers")
        if cached is None:
            current: dict[tuple[str, str, UUID | None], Answer] = {}
            ordered = sorted(self._records["answers"].values(), key=lambda a: a.created_at)
            for answer in ordered:
                assert isinstance(answer, Answer)
                current[(answer.checklist_id, answer.item_id, answer.participant_id)] = answer
            for fact, (checklist_id, item) in self.catalogue.facts.items():
                key = (checklist_id, item.id, None)
                stated = self._fact_answer(fact, current.get(key))
                if stated is not None:
                    current[key] = stated
            cached = {key: a for key, a in current.items() if a.value is not None}
            self._keep("answers", cached)
        return dict(cached)

    def answer_history(
        self, checklist_id: str, item_id: str, participant_id: UUID | None = None
    ) -> list[Answer]:
        """Every answer given to an item, oldest first; the last is the current one."""
        history = sorted(
            (
                a
                for a in self._records["answers"].values()
                if isinstance(a, Answer)
                and (a.checklist_id, a.item_id, a.participant_id)
                == (checklist_id, item_id, participant_id)
            ),
            key=lambda a: a.created_at,
        )
        fact = self._fact_of(checklist_id, item_id)
        if fact is not None and participant_id is None:
            stated = self._fact_answer(fact, history[-1] if history else None)
            if stated is not None and history and history[-1].id == stated.id:
                history[-1] = stated
            elif stated is not None:
                history.append(stated)
        return history

    def unanswered_notes(self) -> list[Answer]:
        """The items left unanswered with a note saying why ("I could not ask this today
        because…"): the latest record per item is an answer of no value with a note.
        Oldest first; none of them counts as an answer."""
        latest: dict[tuple[str, str, UUID | None], Answer] = {}
        for answer in sorted(self._records["answers"].values(), key=lambda a: a.created_at):
            assert isinstance(answer, Answer)
            latest[(answer.checklist_id, answer.item_id, answer.participant_id)] = answer
        current = self.answers()
        return [
            answer
            for key, answer in latest.items()
            if answer.value is None and answer.note.strip() and key not in current
        ]

    @property
    def risks(self) -> list[Risk]:
        return self._live("risks")

    @property
    def letters(self) -> list[Letter]:
        return self._live("letters")

    def letter_records(self, letter_id: UUID) -> letter_rules.LetterRecords:
        """A letter with its versions, vettings and reviews."""
        letter = self._letter(letter_id)
        return letter_rules.LetterRecords(
            letter,
            self.letter_versions(letter_id),
            sorted(
                (
                    v
                    for v in self._records["letter_vettings"].values()
                    if isinstance(v, LetterVetting) and v.letter_id == letter_id
                ),
                key=lambda v: v.created_at,
            ),
            [
                r
                # A case read for its list row has no reviews read (they decide nothing).
                for r in self._records.get("letter_reviews", {}).values()
                if isinstance(r, LetterReview) and r.letter_id == letter_id
            ],
        )

    def letter_versions(self, letter_id: UUID) -> list[LetterVersion]:
        versions = [
            v
            for v in self._records["letter_versions"].values()
            if isinstance(v, LetterVersion) and v.letter_id == letter_id
        ]
        return sorted(versions, key=lambda v: v.created_at)

    @property
    def actions(self) -> list[AgreementAction]:
        return self._live("actions")

    @property
    def overrides(self) -> list[FlagOverride]:
        return sorted(self._records["flag_overrides"].values(), key=lambda o: o.created_at)  # type: ignore[arg-type]

    @property
    def decisions(self) -> list[Decision]:
        """Every suitability and go/no-go decision, oldest first (a later one at the same
        point supersedes an earlier one)."""
        return sorted(self._records["decisions"].values(), key=lambda d: d.created_at)  # type: ignore[arg-type]

    @property
    def feedback(self) -> list[Feedback]:
        """Participants' feedback at the end of the case, oldest first (NCJB 3.7.5)."""
        return sorted(self._records["feedback"].values(), key=lambda f: f.created_at)  # type: ignore[arg-type]

    @property
    def on_hmpps_route(self) -> bool:
        """Whether the case facts say the case came through HMPPS (HMPPS 1.4)."""
        route = self.answers().get(("facts", "route", None))
        return route is not None and route.value == "hmpps"

    @property
    def audit_log(self) -> list[AuditEntry]:
        return self._doc.in_stored_order("audit")  # type: ignore[return-value]

    @property
    def last_changed(self) -> datetime:
        """When the case last changed: its latest history entry (for a case with no
        history, when its own record last changed)."""
        entry = self._doc.newest("audit")
        return entry.created_at if entry is not None else self.case.updated_at

    # -- facts: case fields that checklist items state ------------------------------

    def _fact_of(self, checklist_id: str, item_id: str) -> str | None:
        found = self.catalogue.find(checklist_id, item_id)
        return found[1].fact if found else None

    def _fact_value(
        self, fact: str, case: Case | None = None, named: Iterable[TeamMember] = ()
    ) -> AnswerValue:
        """A case field as the answer to the item stating it (None when not set)."""
        names = {m.id: m.name for m in named}
        value = getattr(case or self.case, fact)
        if isinstance(value, UUID) and value not in names:
            names[value] = self.person_name(value)
        return _as_answer(value, names)

    def _fact_answer(self, fact: str, latest: Answer | None) -> Answer | None:
        """The answer an item stating ``fact`` has: the case field's value, attributed to
        the latest answer that gave it, else to the last change of the case."""
        value = self._fact_value(fact)
        if latest is not None and _same_fact(latest.value, value):
            return latest if latest.value == value else latest.model_copy(update={"value": value})
        if latest is None and value is None:
            return None
        checklist_id, item = self.catalogue.facts[fact]
        case = self.case
        return Answer(
            id=uuid5(case.id, f"fact:{checklist_id}.{item.id}"),
            checklist_id=checklist_id,
            item_id=item.id,
            value=value,
            created_by=case.updated_by,
            created_at=case.updated_at,
        )

    def _field_from_answer(self, fact: str, value: AnswerValue) -> tuple[Any, list[Change]]:
        """An answer as the case field's value, and any team member it adds."""
        if fact in TEAM_FIELDS:
            return self._team_member_named(str(value or ""), TEAM_FIELDS[fact])
        if fact == "process":
            return (ProcessType(value) if isinstance(value, str) else None), []
        if FACTS[fact] == "date":
            return parse_date(value), []
        return ("" if value is None else str(value)), []

    def _fact_changes(self, before: Case, after: Case, named: Iterable[TeamMember]) -> list[Change]:
        """An answer record for each fact item whose answer a change of the case changed,
        so the item's history shows who changed it and when."""
        changes: list[Change] = []
        named = list(named)
        for fact, (checklist_id, item) in self.catalogue.facts.items():
            old = self._fact_value(fact, before)
            new = self._fact_value(fact, after, named)
            if not _same_fact(old, new):
                changes.append(
                    (
                        "answers",
                        self._new(Answer, checklist_id=checklist_id, item_id=item.id, value=new),
                    )
                )
        return changes

    # -- the checklist engine's view --------------------------------------------

    def answer_facts(self) -> list[AnswerFact]:
        """The current answers as the checklist engine reads them (the same list until the
        case changes: do not change it)."""
        cached = self._cached("answer_facts")
        if cached is None:
            answers = self.answers().values()
            authors = {by: self.author(by) for by in {a.created_by for a in answers}}
            facts = [
                AnswerFact(
                    checklist_id=a.checklist_id,
                    item_id=a.item_id,
                    participant_id=str(a.participant_id) if a.participant_id else None,
                    value=a.value,
                    answered_by=authors[a.created_by],
                    answered_at=a.created_at,
                )
                for a in answers
            ]
            vetted = self._vetting_facts()
            replaced = {(f.checklist_id, f.item_id) for f in vetted}
            facts = [f for f in facts if (f.checklist_id, f.item_id) not in replaced]
            cached = AnswerFacts([*facts, *vetted])
            self._keep("answer_facts", cached)
        return cached

    def _vetting_facts(self) -> list[AnswerFact]:
        """The letter items as the current versions' vettings answer them, one fact per
        item for the case: across the letters, an answer that raises a
        flag wins, so one letter's hidden message is not hidden by another's clean one.
        (They replace any answer given to the item for the whole case before format 4.)"""
        checklist_id = letter_rules.LETTERS_CHECKLIST
        found: dict[str, AnswerFact] = {}
        current: dict[UUID, LetterVersion] = {}
        for stored in self._records["letter_versions"].values():
            assert isinstance(stored, LetterVersion)
            known = current.get(stored.letter_id)
            if known is None or stored.created_at >= known.created_at:
                current[stored.letter_id] = stored
        latest: dict[UUID, LetterVetting] = {}
        for record in self._records["letter_vettings"].values():
            assert isinstance(record, LetterVetting)
            now_current = current.get(record.letter_id)
            earlier_vetting = latest.get(record.letter_id)
            if now_current is None or record.version_id != now_current.id:
                continue
            if earlier_vetting is None or record.created_at >= earlier_vetting.created_at:
                latest[record.letter_id] = record
        for letter in self.letters:
            vetting = latest.get(letter.id)
            if vetting is None:
                continue
            for item_id, value in vetting.answers.items():
                located = self.catalogue.find(checklist_id, item_id)
                if located is None:
                    continue
                raises = any(value in rule.when for rule in located[1].flags)
                fact = AnswerFact(
                    checklist_id=checklist_id,
                    item_id=item_id,
                    participant_id=None,
                    value=value,
                    answered_by=self.author(vetting.created_by),
                    answered_at=vetting.created_at,
                )
                earlier = found.get(item_id)
                earlier_raises = earlier is not None and any(
                    earlier.value in rule.when for rule in located[1].flags
                )
                later = earlier is None or fact.answered_at > earlier.answered_at
                if (raises, later) > (earlier_raises, False):
                    found[item_id] = fact
        return list(found.values())

    def participant_facts(self) -> list[ParticipantFact]:
        return [
            ParticipantFact(id=str(p.id), role=p.role.value, label=self.participant_label(p.id))
            for p in self.participants
        ]

    def override_facts(self) -> list[OverrideFact]:
        return [
            OverrideFact(
                flag=o.flag,
                cleared=o.cleared,
                reason=o.reason,
                by=self.person_name(o.cleared_by) if o.cleared_by else self.author(o.created_by),
                at=o.created_at,
                on=o.cleared_on,
            )
            for o in self.overrides
        ]

    def chain_problems(self) -> list[str]:
        meta = self._doc.meta
        problems = audit.chains_problems(self.audit_log, meta.get("audit_heads") or {}, self.author)
        logged = {entry.record_id for entry in self.audit_log}
        logged.update(record_id for entry in self.audit_log for record_id in entry.also)
        # Records a format migration made hold what the case held before, as text.
        migrated = {str(each) for each in meta.get("made_by_migration", [])}
        for table, records in self._records.items():
            if table == "audit":
                continue
            for record_id in records:
                if record_id not in logged and str(record_id) not in migrated:
                    problems.append(f"record {record_id} in '{table}' has no audit entry")
        return problems

    # -- conflicts a merge set aside ------------------------------------------------

    def conflicts(self, open_only: bool = True) -> list[Conflict]:
        """The values merges set aside, oldest first; by default only those open for review."""
        every: list[Conflict] = list(self._records["conflicts"].values())  # type: ignore[arg-type]
        found: list[Conflict] = []
        for conflict in every:
            current = self._records.get(conflict.table, {}).get(conflict.record_id)
            siblings = [c for c in every if c.record_id == conflict.record_id]
            if not open_only or merging.is_open(conflict, current, siblings):
                found.append(conflict)
        return sorted(found, key=lambda c: (c.created_at, str(c.id)))

    def conflict_current(self, conflict: Conflict) -> Record | None:
        """The record's current version, which the conflict's other version lost to."""
        return self._records.get(conflict.table, {}).get(conflict.record_id)

    def resolve_conflict(self, conflict_id: UUID, take_other: bool) -> Conflict:
        """Keep the current value, or take the other one (a new version written by you)."""
        conflict = self._records["conflicts"].get(conflict_id)
        if not isinstance(conflict, Conflict):
            raise NotFound("That conflict is not in this case.")
        if conflict.resolution is not ConflictResolution.OPEN:
            raise RjfacilError("That conflict was already resolved.")
        current = self.conflict_current(conflict)
        if not isinstance(current, MutableRecord):
            raise NotFound("The record in conflict is no longer in this case.")
        changes: list[Change] = []
        if take_other:
            fields = merging.content(conflict.other)
            fields.pop("id", None)
            taken = self._edit(current, fields)
            if conflict.table == "notes":
                assert isinstance(taken, Note)
                self._check_sharing(taken)
            changes.append((conflict.table, taken))
        resolution = ConflictResolution.TOOK_OTHER if take_other else ConflictResolution.KEPT
        resolved = self._edit(conflict, {"resolution": resolution})
        changes.insert(0, ("conflicts", resolved))
        action = "took the other value of a conflict" if take_other else "kept the current value"
        self._commit(action, changes)
        return resolved

    def record_bundle_export(self, action: str) -> None:
        """Record in the case's history that it was exported for co-workers."""
        self._commit(action, [("case", self.case)])

    # -- merging a co-worker's copy ---------------------------------------------------

    def merge(self, plan: merging.MergePlan) -> None:
        """Write a merge plan and the import's entry in your history: one durable commit.

        The imported audit entries are appended to their authors' chains before it.
        """
        if plan.nothing_new:
            return
        case_id = next((r.id for t, r in plan.changes if t == "case"), None) or self.id
        self._commit(
            "imported a co-worker's case file", plan.changes, subject=("case", case_id), merged=plan
        )

    def merged(self, plan: merging.MergePlan) -> CaseFile:
        """The case as :meth:`merge` would leave it, in memory only (nothing is written):
        what an import's preview reads."""
        document = self._doc.changed(plan.changes, self._doc.meta)
        return CaseFile(None, self.path, self.owner, self.catalogue, document=document)

    @classmethod
    def create_from_merge(
        cls,
        storage: EncryptedStorage,
        path: Path,
        owner: Facilitator,
        catalogue: Catalogue,
        plan: merging.MergePlan,
    ) -> CaseFile:
        """Write a new case file from a co-worker's copy: :meth:`merge` into an empty case."""
        case = cls(storage, path, owner, catalogue, document=merging.empty_document())
        case.merge(plan)
        return case

    # -- changing ----------------------------------------------------------------

    def _commit(
        self,
        action: str,
        changes: Iterable[Change],
        subject: tuple[str, UUID] | None = None,
        merged: merging.MergePlan | None = None,
    ) -> None:
        """Write records and one audit entry in a single durable write.

        ``subject`` names the record the entry is about when no record changes (an
        export); otherwise the first change is the subject. ``merged``: a co-worker's
        audit entries (and their authors' heads) go in first, then this entry.
        """
        storage = self._writable_storage
        changes = list(changes)
        planned = {record.id: record for table, record in changes if table == "team"}
        owner = self._owner_change(planned.get(self.owner.id))
        if owner is not None:
            changes.append(("team", owner))
        meta = self._doc.meta
        edited: list[FieldChange] = []
        if subject is None:
            subject = (changes[0][0], changes[0][1].id)
            also = [record.id for _, record in changes[1:]]
            before = self._records.get(subject[0], {}).get(subject[1])
            if merged is None and before is not None and subject[0] in EDITS_SAID:
                edited = audit.field_changes(before, changes[0][1])
        else:
            also = [record.id for _, record in changes]
        heads: audit.Heads = dict(meta.get("audit_heads") or {})
        imported: list[AuditEntry] = []
        if merged is not None:
            heads.update(merged.heads)
            imported = merged.entries
            made = [*(meta.get("made_by_migration") or []), *merged.made_by_migration]
            if made:
                meta["made_by_migration"] = made
        head, count = audit.head_of(heads, self.owner.id)
        entry = audit.make_entry(
            head,
            action,
            subject[0],
            subject[1],
            self.owner.id,
            also=also,
            changes=edited,
        )
        heads[str(self.owner.id)] = {"head": entry.hash, "count": count + 1}
        meta["audit_heads"] = heads
        staged = self._doc.changed(
            [*changes, *(("audit", e) for e in imported), ("audit", entry)], meta
        )
        storage.write(codec.encode(staged))
        # Only a write that reached the disk changes what this object shows.
        self._doc = staged

    def _owner_change(self, planned: Record | None = None) -> TeamMember | None:
        """This vault's owner as a member of the team, when the case (or the version of
        their record a change is about to write, ``planned``) does not know them so."""
        known = planned or self._records["team"].get(self.owner.id)
        if known is None:
            return self._new(
                TeamMember, id=self.owner.id, name=self.owner.name, role=TeamRole.FACILITATOR
            )
        assert isinstance(known, TeamMember)
        if known.name != self.owner.name or known.deleted:
            return self._edit(known, {"name": self.owner.name, "deleted": False})
        return None

    def follow_owner_rename(self) -> bool:
        """Write this vault's owner into the case under the name the profile gives now,
        if the case still knows them by another (a rename since its last change); True
        if it did. A case file for co-workers then carries the new name."""
        if self._storage is None or self.read_only:
            return False
        known = self._records["team"].get(self.owner.id)
        if not isinstance(known, TeamMember) or known.name == self.owner.name:
            return False
        renamed = self._owner_change()
        if renamed is None:
            return False
        self._commit("renamed the facilitator", [("team", renamed)])
        return True

    def _new(self, kind: type[R], **fields: Any) -> R:
        extra: dict[str, Any] = {"created_by": self.owner.id}
        if issubclass(kind, MutableRecord):
            extra["updated_by"] = self.owner.id
        try:
            return kind.model_validate({**fields, **extra})
        except ValidationError as error:
            raise _not_saved(error) from None

    def _edit(self, record: M, fields: dict[str, Any]) -> M:
        try:
            return type(record).model_validate(
                {
                    **record.model_dump(),
                    **fields,
                    "updated_at": clock.now(),
                    "updated_by": self.owner.id,
                }
            )
        except ValidationError as error:
            raise _not_saved(error) from None

    def _team_member_named(self, name: str, role: TeamRole) -> tuple[UUID | None, list[Change]]:
        """The team member called ``name`` (trimmed, any case), added with ``role`` if the
        case has none; None for an empty name."""
        name = " ".join(name.split())
        if not name:
            return None, []
        if _normalised(name) == _normalised(self.owner.name):
            return self.owner.id, []
        for member in self._records["team"].values():
            assert isinstance(member, TeamMember)
            if _normalised(member.name) == _normalised(name):
                if member.deleted:
                    return member.id, [("team", self._edit(member, {"deleted": False}))]
                return member.id, []
        made = self._new(TeamMember, id=team_member_id(self.case.id, name), name=name, role=role)
        known = self._records["team"].get(made.id)
        if isinstance(known, TeamMember):  # the same name once, written otherwise
            return known.id, [("team", self._edit(known, {"name": name, "deleted": False}))]
        return made.id, [("team", made)]

    def _check_person(self, person_id: UUID | None) -> None:
        if person_id is None or person_id == self.owner.id:
            return
        if person_id in {p.id for p in self.participants} or person_id in {m.id for m in self.team}:
            return
        raise RjfacilError("Not saved: that person is not a participant or in the case's team.")

    def _check_participants(self, ids: Iterable[UUID], what: str) -> None:
        live = {p.id for p in self.participants}
        if any(each not in live for each in ids):
            raise RjfacilError(f"Not saved: {what} can only name participants of this case.")

    def update_case(self, *, going_on_because: str = "", **fields: Any) -> Case:
        """Change the case's own fields (reference, stage, closure reason, plans).

        ``co_worker`` and ``case_supervisor`` take a team member's id, or a name: the team
        member of that name, added to the team if the case has none (empty for nobody).
        A field that a checklist item states (``fact``) answers that item too, in the
        same write.

        Moving to a later open stage while a blocking flag is raised (an absolute limit
        of the guidance) needs ``going_on_because``, a reason the history records with
        the flags; closing or withdrawing the case never does.

        Raises:
            BlockingFlagsRaised: A later stage, a blocking flag raised and no reason.
        """
        if "reference" in fields and fields["reference"] != self.case.reference:
            fields["reference"] = self.check_reference(str(fields["reference"]))
        stage = Stage(fields.get("stage", self.case.stage))
        blocking = self.blocking_for_move(stage)
        process = fields.get("process", self.case.process)
        undecided = self.decisions_missing_for_move(
            stage, ProcessType(process) if process else None
        )
        reason = " ".join(going_on_because.split())
        if (blocking or undecided) and not reason:
            raise BlockingFlagsRaised(
                [flag.heading for flag in blocking] + [no_go_ahead(p) for p in undecided],
                moving=stage != self.case.stage,
            )
        closure = fields.get("closure_reason", self.case.closure_reason)
        if stage.is_open:
            fields["closure_reason"] = None
        elif closure is None:
            raise RjfacilError(
                "A closed or withdrawn case needs a closure reason: "
                + ", ".join(r.label.lower() for r in ClosureReason)
                + "."
            )
        named: list[Change] = []
        for field, role in TEAM_FIELDS.items():
            value = fields.get(field)
            if isinstance(value, str):
                fields[field], made = self._team_member_named(value, role)
                named += made
            elif field in fields and value is not None:
                self._check_person(value)
        before = self.case
        case = self._edit(before, fields)
        members = [r for _, r in named if isinstance(r, TeamMember)]
        changes: list[Change] = [("case", case), *named]
        changes += self._fact_changes(before, case, members)
        changes += self._closure_date(case)
        action = _case_change_action(before, case)
        if blocking:
            action += f" despite the blocking flags {','.join(flag.id for flag in blocking)}"
        if undecided:
            action += f" without a go-ahead ({','.join(p.value for p in undecided)})"
        if blocking or undecided:
            action += f": {reason}"
        self._commit(action, changes)
        return case

    def _closure_date(self, case: Case) -> list[Change]:
        """Closing or withdrawing a case records today as its closure date (A 3(d) 9, where
        its retention period runs from) unless the closure checklist already has one."""
        checklist_id, item_id = CLOSED_ON
        if case.stage.is_open or self.catalogue.find(checklist_id, item_id) is None:
            return []
        answer = self.answers().get((checklist_id, item_id, None))
        if answer is not None and answer.value:
            return []
        today = clock.today().isoformat()
        return [
            ("answers", self._new(Answer, checklist_id=checklist_id, item_id=item_id, value=today))
        ]

    def decision_points(self, process: ProcessType | None = None) -> list[DecisionPoint]:
        """The points of this case (with ``process``, else its own) that need a decision:
        before first contact always; before any direct communication and before a meeting
        unless the process is known to be indirect (letters, recorded messages, shuttle)."""
        process = process or self.case.process
        if process is not None and process not in DIRECT_PROCESSES:
            return [DecisionPoint.FIRST_CONTACT]
        return list(DecisionPoint)

    def decisions_missing_for_move(
        self, stage: Stage | str, process: ProcessType | None = None
    ) -> list[DecisionPoint]:
        """The points without a current decision to go ahead that a move to ``stage``
        (with ``process``, else the case's own) would go past: a move into assessment
        (where first contact is made) or later needs the go-ahead before first contact
        (A 2(a) 2); a move into communication between the participants, or later, needs
        one at each point of the case (A 2(a) 6-8); closing never does.

        Staying at a stage, a process that becomes a direct one (face to face, video, a
        family group conference) once the case is at communication or later needs the
        go-ahead before direct communication and before a meeting: indirect
        communication can move to a direct meeting at any time (A 3(a) 13).
        """
        stage = Stage(stage)
        order = list(Stage)
        if not stage.is_open or order.index(stage) < order.index(self.case.stage):
            return []
        points = self.decision_points(process)
        if order.index(stage) == order.index(self.case.stage):
            # No move: only the points a new direct process brings.
            if process is None or process not in DIRECT_PROCESSES:
                return []
            had = set(self.decision_points())
            points = [p for p in points if p not in had]
        return self._without_go_ahead(points, stage)

    def _without_go_ahead(self, points: list[DecisionPoint], stage: Stage) -> list[DecisionPoint]:
        """Of ``points``, those a case at ``stage`` is past with no current go-ahead."""
        order = list(Stage)
        current = {d.point: d.outcome for d in self.decisions}  # the latest at each point
        return [
            p
            for p in points
            if order.index(stage) >= order.index(DECIDED_BEFORE[p])
            and current.get(p) is not DecisionOutcome.GO
        ]

    def points_passed_without_go_ahead(self) -> list[DecisionPoint]:
        """The points an open case has gone past at its stage (with its process) with no
        current decision to go ahead: gone past with a reason, or in a co-worker's copy."""
        stage = self.case.stage
        return self._without_go_ahead(self.decision_points(), stage) if stage.is_open else []

    def blocking_for_move(self, stage: Stage | str) -> list[FlagDef]:
        """The raised blocking flags that a move to ``stage`` would go past: none unless
        it is a later open stage (closing or withdrawing is always allowed)."""
        stage = Stage(stage)
        order = list(Stage)
        if not stage.is_open or order.index(stage) <= order.index(self.case.stage):
            return []
        states = evaluate_flags(self.catalogue, self.answer_facts(), self.override_facts())
        return [state.flag for state in states if state.raised and state.flag.blocking]

    def _check_supports(self, person: Participant) -> Participant:
        """A supporter may name the participant they support (someone else in the case);
        anyone else supports no one (a role changed from supporter drops the link)."""
        if person.supports is None:
            return person
        if person.role is not Role.SUPPORTER:
            return person.model_copy(update={"supports": None})
        if person.supports == person.id:
            raise RjfacilError(MESSAGES["supports_self"])
        self._check_participants([person.supports], "the person a supporter supports")
        return person

    def add_participant(self, role: Role | str, name: str, **fields: Any) -> Participant:
        if not name.strip():
            raise RjfacilError(MESSAGES["no_name"])
        person = self._check_supports(self._new(Participant, role=role, name=name, **fields))
        self._commit(
            f"added a participant ({person.role.label.lower()})", [("participants", person)]
        )
        return person

    def update_participant(self, participant_id: UUID, **fields: Any) -> Participant:
        if "name" in fields and not str(fields["name"]).strip():
            raise RjfacilError(MESSAGES["no_name"])
        person = self._check_supports(self._edit(self.participant(participant_id), fields))
        self._commit("updated a participant", [("participants", person)])
        return person

    def remove_participant(self, participant_id: UUID) -> None:
        person = self._edit(self.participant(participant_id), {"deleted": True})
        self._commit("removed a participant", [("participants", person)])

    def record_consent(
        self, participant_id: UUID, purpose: ConsentPurpose | str, given: bool = True, **fields: Any
    ) -> Consent:
        """Record a consent decision; withdrawing is recording ``given=False``.

        ``share_with`` (for sharing) names participants of the case by id.
        """
        self.participant(participant_id)
        if "on" in fields and fields["on"] is None:
            raise RjfacilError(MESSAGES["no_date"])
        consent = self._new(
            Consent, participant_id=participant_id, purpose=purpose, given=given, **fields
        )
        self._check_participants(consent.share_with, "a consent to share")
        verb = "recorded consent" if given else "recorded a withdrawal of consent"
        self._commit(f"{verb} ({consent.purpose.label.lower()})", [("consents", consent)])
        return consent

    def _check_sharing(self, note: Note) -> None:
        """A shared note names whom it may be shared with; a private note is not shared."""
        if note.private and (note.share_how is not ShareHow.NOT_SHARED or note.share_with):
            raise RjfacilError(MESSAGES["private_shared"])
        if note.share_how is not ShareHow.NOT_SHARED and not note.share_with:
            raise RjfacilError(MESSAGES["share_nobody"])
        if note.share_how is ShareHow.NOT_SHARED and note.share_with:
            raise RjfacilError(MESSAGES["unshared_names"])
        self._check_participants(note.share_with, "a note")
        if note.participant_id is not None:
            self.participant(note.participant_id)

    def add_note(
        self,
        text: str,
        participant_id: UUID | None = None,
        source: NoteSource | str = NoteSource.FACILITATOR_ASSESSMENT,
        share_with: Iterable[UUID] = (),
        share_how: ShareHow | str = ShareHow.NOT_SHARED,
        private: bool = False,
    ) -> Note:
        if not text.strip():
            raise RjfacilError(MESSAGES["empty_note"])
        note = self._new(
            Note,
            participant_id=participant_id,
            source=source,
            share_with=list(share_with),
            share_how=share_how,
            private=private,
        )
        self._check_sharing(note)
        revision = self._new(NoteRevision, note_id=note.id, text=text)
        self._commit("added a note", [("notes", note), ("note_revisions", revision)])
        return note

    def revise_note(self, note_id: UUID, text: str | None = None, **fields: Any) -> Note:
        """Edit a note in one write: a new revision when the text changed (the old text
        stays in its history), and whom it concerns, where it came from or how it may be
        shared (``participant_id``, ``source``, ``share_with``, ``share_how``, ``private``).
        """
        note = self.note(note_id)
        if text is not None and not text.strip():
            raise RjfacilError(MESSAGES["empty_note"])
        if "share_with" in fields:
            fields["share_with"] = list(fields["share_with"])
        changed = {k: v for k, v in fields.items() if getattr(note, k) != v}
        new_text = text is not None and text != self.note_text(note_id)
        if not new_text and not changed:
            return note
        edited = self._edit(note, changed)
        self._check_sharing(edited)
        changes: list[Change] = [("notes", edited)]
        if new_text:
            assert text is not None
            changes.insert(
                0, ("note_revisions", self._new(NoteRevision, note_id=note.id, text=text))
            )
        action = "revised a note" if new_text else "changed a note's sharing"
        if new_text and changed:
            action = "revised a note and its sharing"
        if edited.private != note.private:
            # Whether a note may leave the vault at all is said in words of its own.
            action = self._privacy_words(edited)
            if new_text:
                action = f"revised a note and {action}"
        self._commit(action, changes)
        return edited

    def release_note(self, note_id: UUID) -> Note:
        """Release one private note: from now on it goes with the case to co-workers (in
        their case files) and in supervisor summaries. It is not shared with any
        participant (that is a choice of its own, made in the note's sharing).

        Raises:
            RjfacilError: The note is not private; nothing is written.
        """
        note = self.note(note_id)
        if not note.private:
            raise RjfacilError(
                "That note is not private: it already goes with the case. Nothing was changed."
            )
        return self.revise_note(note_id, private=False)

    def _privacy_words(self, note: Note) -> str:
        """The history's words for making a note private or releasing it (roles, not names)."""
        about = "the case"
        if note.participant_id is not None:
            person = self._records["participants"].get(note.participant_id)
            if isinstance(person, Participant):
                about = f"the {person.role.label.lower()}"
        if note.private:
            return f"made a note about {about} private: it stays in this vault"
        return (
            f"released a private note about {about}: it now goes with the case to "
            "co-workers and in supervisor summaries"
        )

    def answer(
        self,
        checklist_id: str,
        item_id: str,
        value: AnswerValue,
        participant_id: UUID | None = None,
        note: str = "",
        going_on_because: str = "",
    ) -> Answer:
        """Record an answer (``None`` clears it). Flags follow from the answers at once.

        An item that states a case fact writes the case's field in the same write. A
        process that becomes a direct one at communication or later without the go-aheads
        it needs (:meth:`decisions_missing_for_move`) needs ``going_on_because``, a reason
        the history records.

        Raises:
            BlockingFlagsRaised: A direct process past a missing go-ahead, and no reason.
        """
        item = self.catalogue.item(checklist_id, item_id)
        if value is not None and not item.is_answered(value) and value is not False:
            raise RjfacilError(f"Not saved: {value!r} is not an answer to '{item.ask}'.")
        if item.scope == "letter":
            raise RjfacilError(
                f"Not saved: '{item.ask}' is answered for each version of a letter, when "
                "vetting it."
            )
        if (item.scope == "participant") != (participant_id is not None):
            who = "a participant" if item.scope == "participant" else "the case as a whole"
            raise RjfacilError(f"Not saved: '{item.ask}' is answered for {who}.")
        if participant_id is not None:
            self.participant(participant_id)
        answer = self._new(
            Answer,
            checklist_id=checklist_id,
            item_id=item.id,
            participant_id=participant_id,
            value=value,
            note=note,
        )
        changes: list[Change] = [("answers", answer)]
        action = f"answered {checklist_id}.{item_id}"
        if item.fact is not None:
            field_value, named = self._field_from_answer(item.fact, value)
            if field_value != getattr(self.case, item.fact):
                changes.append(("case", self._edit(self.case, {item.fact: field_value})))
                changes += named
            if item.fact == "process" and field_value is not None:
                undecided = self.decisions_missing_for_move(
                    self.case.stage, ProcessType(field_value)
                )
                reason = " ".join(going_on_because.split())
                if undecided and not reason:
                    raise BlockingFlagsRaised([no_go_ahead(p) for p in undecided], moving=False)
                if undecided:
                    action += f" without a go-ahead ({','.join(p.value for p in undecided)})"
                    action += f": {reason}"
        self._commit(action, changes)
        return answer

    def add_risk(self, description: str, **fields: Any) -> Risk:
        if not description.strip():
            raise RjfacilError(MESSAGES["empty_risk"])
        risk = self._new(Risk, description=description, **fields)
        self._commit("added a risk", [("risks", risk)])
        return risk

    def update_risk(self, risk_id: UUID, **fields: Any) -> Risk:
        risk = self._edit(self._stored("risks", Risk, risk_id, "risk"), fields)
        if not risk.description.strip():
            raise RjfacilError(MESSAGES["empty_risk"])
        self._commit("updated a risk", [("risks", risk)])
        return risk

    def add_letter(
        self,
        from_participant: UUID,
        text: str,
        to_participant: UUID | None = None,
        in_reply_to: UUID | None = None,
    ) -> Letter:
        """Start a letter from one participant to another (or to no one yet).

        ``in_reply_to``: the letter of this case it answers.
        """
        self._check_letter_people(from_participant, to_participant)
        if in_reply_to is not None:
            self._letter(in_reply_to)
        if not text.strip():
            raise RjfacilError(MESSAGES["empty_letter"])
        letter = self._new(
            Letter,
            from_participant=from_participant,
            to_participant=to_participant,
            in_reply_to=in_reply_to,
        )
        version = self._new(LetterVersion, letter_id=letter.id, text=text)
        action = "added a reply to a letter" if in_reply_to else "added a letter"
        self._commit(action, [("letters", letter), ("letter_versions", version)])
        return letter

    def _check_letter_people(self, sender: UUID, to: UUID | None) -> None:
        self._check_participants([sender], "a letter")
        if to is not None:
            self._check_participants([to], "a letter")
        if sender == to:
            raise RjfacilError(MESSAGES["letter_to_self"])

    def address_letter(self, letter_id: UUID, from_participant: UUID, to: UUID | None) -> Letter:
        """Set who a letter is from and to: any two different participants. A new
        recipient has not agreed to receive it: the agreement recorded is cleared."""
        letter = self._letter(letter_id)
        self._check_letter_people(from_participant, to)
        if (letter.from_participant, letter.to_participant) == (from_participant, to):
            return letter
        if letter.status is LetterStatus.DELIVERED:
            raise RjfacilError("Not saved: this letter has been handed over already.")
        fields: dict[str, Any] = {"from_participant": from_participant, "to_participant": to}
        if to != letter.to_participant:
            fields["recipient_agreed_on"] = None
        changed = self._edit(letter, fields)
        self._commit("changed who a letter is from or to", [("letters", changed)])
        return changed

    def revise_letter(self, letter_id: UUID, text: str) -> LetterVersion:
        """A new version of a letter's text. A letter approved to hand over goes back to
        being vetted: its approval was of the text before (A 3(a) 12)."""
        letter = self._letter(letter_id)
        if not text.strip():
            raise RjfacilError(MESSAGES["empty_letter"])
        version = self._new(LetterVersion, letter_id=letter.id, text=text)
        changes: list[Change] = [("letter_versions", version)]
        if letter.status is LetterStatus.APPROVED:
            changes.append(("letters", self._edit(letter, {"status": LetterStatus.UNDER_REVIEW})))
        self._commit("added a letter version", changes)
        return version

    def set_letter_status(
        self, letter_id: UUID, status: LetterStatus | str, vetting_note: str = ""
    ) -> Letter:
        """Set a letter's status. "Approved" needs its current version vetted; "handed
        over" also needs the recipient's agreement recorded (A 3(a) 12)."""
        status = LetterStatus(status)
        records = self.letter_records(letter_id)
        if status is LetterStatus.DELIVERED:
            problems = letter_rules.handover_problems(records)
            if problems:
                raise RjfacilError(letter_rules.handover_refusal(problems))
        elif status is LetterStatus.APPROVED and not records.current_vetted:
            raise RjfacilError(
                "Not approved: vet its current version first (A 3(a) 11-12)."
                + (" Its text changed after it was vetted." if records.vetted_earlier else "")
            )
        fields: dict[str, Any] = {"status": status, "vetting_note": vetting_note}
        if status is LetterStatus.DELIVERED and records.current is not None:
            fields["handed_over_version"] = records.current.id
        letter = self._edit(records.letter, fields)
        self._commit(
            f"set a letter to {letter.status.value.replace('_', ' ')}", [("letters", letter)]
        )
        return letter

    def vet_letter(
        self,
        letter_id: UUID,
        answers: dict[str, AnswerValue],
        decision: VettingDecision | str | None,
        reasons: str = "",
    ) -> LetterVetting:
        """Record the vetting of a letter's current version: the answers to the letters
        checklist's items asked per letter, the decision and its reasons. The decision
        sets the letter's status: vetted approves it, changes needed puts it back to being
        vetted, not to be handed over withholds it."""
        records = self.letter_records(letter_id)
        if records.current is None:
            raise RjfacilError(MESSAGES["empty_letter"])
        checklist = self.catalogue.checklist(letter_rules.LETTERS_CHECKLIST)
        kept: dict[str, AnswerValue] = {}
        for item_id, value in answers.items():
            item = checklist.item(item_id)
            if item is None or item.scope != "letter" or item_id in letter_rules.LETTER_FIELD_ITEMS:
                raise RjfacilError(f"Not saved: {item_id!r} is not asked when vetting a letter.")
            if value is None:
                continue
            if not item.is_answered(value) and value is not False:
                raise RjfacilError(f"Not saved: {value!r} is not an answer to '{item.ask}'.")
            kept[item_id] = value
        vetting = self._new(
            LetterVetting,
            letter_id=letter_id,
            version_id=records.current.id,
            answers=kept,
            decision=decision,
            reasons=reasons,
        )
        changes: list[Change] = [("letter_vettings", vetting)]
        decided = vetting.decision
        status = letter_rules.DECISION_STATUS[decided] if decided is not None else None
        letter = records.letter
        if status is None and letter.status is LetterStatus.DRAFT:
            status = LetterStatus.UNDER_REVIEW
        if status is not None and status is not letter.status:
            if letter.status is LetterStatus.DELIVERED:
                raise RjfacilError("Not saved: this letter has been handed over already.")
            changes.append(("letters", self._edit(letter, {"status": status})))
        self._commit("vetted a letter version", changes)
        return vetting

    def review_letter(
        self, letter_id: UUID, reviewer: UUID, view: str, given_on: date | None = None
    ) -> LetterReview:
        """Record a team member's own review of a letter's current version."""
        records = self.letter_records(letter_id)
        if records.current is None:
            raise RjfacilError(MESSAGES["empty_letter"])
        if reviewer != self.owner.id and reviewer not in {m.id for m in self.team}:
            raise RjfacilError(
                "Not saved: a review is by a member of the case's team (a co-worker or the "
                "case supervisor)."
            )
        if not view.strip():
            raise RjfacilError("Not saved: write what they think of the letter.")
        fields: dict[str, Any] = {"given_on": given_on} if given_on is not None else {}
        review = self._new(
            LetterReview,
            letter_id=letter_id,
            version_id=records.current.id,
            reviewer=reviewer,
            view=view,
            **fields,
        )
        self._commit("added a review of a letter version", [("letter_reviews", review)])
        return review

    def record_recipient_agreement(self, letter_id: UUID, on: date | None) -> Letter:
        """Record when the recipient agreed to receive the letter (None: not agreed)."""
        letter = self._letter(letter_id)
        if letter.to_participant is None and on is not None:
            raise RjfacilError("Not saved: the letter is not addressed to anyone yet.")
        changed = self._edit(letter, {"recipient_agreed_on": on})
        words = "the recipient agreed" if on else "the recipient's agreement withdrawn"
        self._commit(f"recorded {words} to receive a letter", [("letters", changed)])
        return changed

    def _letter(self, letter_id: UUID) -> Letter:
        return self._stored("letters", Letter, letter_id, "letter")

    def _stored(self, table: str, kind: type[R], record_id: UUID, what: str) -> R:
        """The record ``record_id`` of ``table``, which must be a ``kind``."""
        found = self._records[table].get(record_id)
        if not isinstance(found, kind):
            raise NotFound(f"No {what} {record_id} in case {self.case.reference}.")
        return found

    def add_action(self, description: str, **fields: Any) -> AgreementAction:
        """Add an agreement action; ``by_whom`` is a participant's or team member's id."""
        if not description.strip():
            raise RjfacilError(MESSAGES["empty_action"])
        action = self._new(AgreementAction, description=description, **fields)
        for person in (action.by_whom, action.supported_by, action.supervised_by):
            self._check_person(person)
        self._commit("added an agreement action", [("actions", action)])
        return action

    def update_action(self, action_id: UUID, **fields: Any) -> AgreementAction:
        edited = self._edit(self._action(action_id), fields)
        if not edited.description.strip():
            raise RjfacilError(MESSAGES["empty_action"])
        for field in ("by_whom", "supported_by", "supervised_by"):
            if field in fields:
                self._check_person(getattr(edited, field))
        self._commit("updated an agreement action", [("actions", edited)])
        return edited

    # -- the outcome agreement (A 3(c), A 3(d); NCJB 3.6) ----------------------------------

    @property
    def agreement(self) -> Agreement | None:
        """The case's outcome agreement, when one has been recorded."""
        found = self._records["agreements"].get(agreement_id(self.case.id))
        if isinstance(found, Agreement) and not found.deleted:
            return found
        return None

    @property
    def agreement_made(self) -> str | None:
        """Whether an outcome agreement was made: the case fact's answer (``yes``, ``no``,
        ``unknown``), None while it is not answered."""
        found = self.answers().get(("facts", "agreement_made", None))
        return found.value if found is not None and isinstance(found.value, str) else None

    @property
    def money_handovers(self) -> list[MoneyHandover]:
        """Money handed over under the agreement, in the order it was handed over."""
        return sorted(
            self._records["money_handovers"].values(),  # type: ignore[arg-type]
            key=lambda m: (m.handed_on, m.created_at),  # type: ignore[attr-defined]
        )

    def record_agreement(self, agreement_made: str | None = None, **fields: Any) -> Agreement:
        """Record (or change) the outcome agreement: ``terms``, ``agreed_by`` (participant
        ids), ``agreed_on``, ``binding``, ``completion_shown_by``, ``tell_person_harmed``.
        The case fact "has an agreement been made?" is set to ``agreement_made`` when given
        ("yes", "no", "unknown"); else recording terms answers it yes while it is unanswered
        or not known. Either way in the same write.

        Raises:
            RjfacilError: Someone agreeing who is not a participant, or a day to come;
                nothing is written.
        """
        known = self.agreement or self._records["agreements"].get(agreement_id(self.case.id))
        if isinstance(known, Agreement):
            made = self._edit(known, {**fields, "deleted": False})
        else:
            made = self._new(Agreement, id=agreement_id(self.case.id), **fields)
        self._check_participants(made.agreed_by, "who agreed")
        if made.agreed_on is not None and made.agreed_on > clock.today():
            raise RjfacilError(MESSAGES["agreement_date"])
        changes: list[Change] = [("agreements", made)]
        known_fact = self.agreement_made or "unknown"
        fact = agreement_made if agreement_made != known_fact else None
        if fact is None and made.terms.strip() and known_fact == "unknown":
            fact = "yes"
        if fact is not None:
            if fact not in ("yes", "no", "unknown"):
                raise RjfacilError(
                    f"Whether an agreement was made is yes, no or not known, not {fact!r}."
                )
            changes.append(
                (
                    "answers",
                    self._new(Answer, checklist_id="facts", item_id="agreement_made", value=fact),
                )
            )
        self._commit("recorded the outcome agreement", changes)
        return made

    def record_money_handover(
        self,
        amount_pence: int,
        handed_on: date,
        witness: UUID | str,
        from_whom: UUID | None = None,
        to_whom: UUID | None = None,
        note: str = "",
    ) -> MoneyHandover:
        """Record money handed over under the agreement and who witnessed it (A 3(c) 4).
        ``witness`` is a participant's or team member's id, or a name: the team member of
        that name, added to the team if the case has none.

        Raises:
            RjfacilError: No amount, no witness, a day to come, or a giver or receiver who
                is not a participant; nothing is written.
        """
        named: list[Change] = []
        if isinstance(witness, str):
            found, named = self._team_member_named(witness, TeamRole.OTHER)
            if found is None:
                raise RjfacilError(MESSAGES["money_witness"])
            witness = found
        else:
            self._check_person(witness)
        if amount_pence <= 0:
            raise RjfacilError(MESSAGES["money_amount"])
        if handed_on > clock.today():
            raise RjfacilError(MESSAGES["money_date"])
        self._check_participants([p for p in (from_whom, to_whom) if p is not None], "money")
        handover = self._new(
            MoneyHandover,
            amount_pence=amount_pence,
            handed_on=handed_on,
            witness=witness,
            from_whom=from_whom,
            to_whom=to_whom,
            note=note,
        )
        self._commit("recorded money handed over", [("money_handovers", handover), *named])
        return handover

    def complete_action(
        self,
        action_id: UUID,
        evidence: str,
        on: date,
        recorded_by: UUID | None = None,
        done: bool = True,
    ) -> AgreementAction:
        """Mark an action done (or not done) with the evidence that shows it, the day, and
        who recorded it (this vault's facilitator unless another person is named).

        Raises:
            RjfacilError: No evidence, or a day to come; nothing is written.
        """
        if not evidence.strip():
            raise RjfacilError(MESSAGES["completion_evidence"])
        if on > clock.today():
            raise RjfacilError(MESSAGES["completion_date"])
        action = self._action(action_id)
        recorded_by = recorded_by or self.owner.id
        self._check_person(recorded_by)
        edited = self._edit(
            action,
            {
                "status": ActionStatus.DONE if done else ActionStatus.NOT_DONE,
                "completed_on": on,
                "evidence": evidence,
                "evidence_recorded_by": recorded_by,
            },
        )
        words = "completed" if done else "not completed"
        self._commit(f"recorded an agreement action {words}", [("actions", edited)])
        return edited

    def record_person_harmed_told(self, action_id: UUID, on: date, how: str) -> AgreementAction:
        """Record that the person harmed was told of an action's completion (or that it
        was not completed), when and how (A 3(d) 4, NCJB 3.6.4).

        Raises:
            RjfacilError: The action has no completion recorded yet, no how, or a day to
                come; nothing is written.
        """
        action = self._action(action_id)
        if action.status is ActionStatus.OPEN:
            raise RjfacilError(MESSAGES["told_open"])
        if not how.strip():
            raise RjfacilError(MESSAGES["told_how"])
        if on > clock.today():
            raise RjfacilError(MESSAGES["told_date"])
        edited = self._edit(action, {"told_on": on, "told_how": how})
        self._commit(
            "recorded the person harmed told of an agreement action", [("actions", edited)]
        )
        return edited

    def _action(self, action_id: UUID) -> AgreementAction:
        return self._stored("actions", AgreementAction, action_id, "agreement action")

    def override_flag(
        self,
        flag: str,
        reason: str,
        cleared: bool = True,
        cleared_by: UUID | str | None = None,
        cleared_on: date | None = None,
    ) -> FlagOverride:
        """Clear (or restore) a flag by a recorded, attributed decision with a reason.

        A flag that needs a manager (managerial oversight, every blocking flag) is cleared
        only with the manager who cleared it (a team member's id, or a name: added to the
        team as line manager if new) and the day they did.

        Raises:
            RjfacilError: No reason, or a manager's flag cleared without who and when.
        """
        definition = self.catalogue.flags.get(flag)
        if definition is None:
            raise NotFound(f"No flag '{flag}'.")
        if not reason.strip():
            raise RjfacilError("An override needs a reason.")
        named: list[Change] = []
        if isinstance(cleared_by, str):
            cleared_by, named = self._team_member_named(cleared_by, TeamRole.LINE_MANAGER)
        if cleared and definition.needs_manager and (cleared_by is None or cleared_on is None):
            raise RjfacilError(
                f"“{definition.heading}” is cleared by a manager's decision: record who "
                "cleared it, when, and why."
            )
        if cleared_by is not None and not named:
            self._check_person(cleared_by)
        if cleared_on is not None and cleared_on > clock.today():
            raise RjfacilError(MESSAGES["decision_date"])
        override = self._new(
            FlagOverride,
            flag=flag,
            cleared=cleared,
            reason=reason,
            cleared_by=cleared_by,
            cleared_on=cleared_on,
        )
        verb = "cleared" if cleared else "restored"
        self._commit(f"{verb} the flag {flag}", [("flag_overrides", override), *named])
        return override

    def record_feedback(
        self,
        participant_id: UUID,
        given_on: date,
        how: FeedbackHow | str,
        said: str,
        *,
        may_share: bool = False,
    ) -> Feedback:
        """Record a participant's feedback at the end of the case (NCJB 3.7.5): when and
        how they gave it, what they said, and whether they agreed it may be shared
        (confidential unless they did). Never edited: more feedback is another record.

        Raises:
            RjfacilError: Nothing said, a day to come, or not a participant of the case;
                nothing is written.
        """
        if not said.strip():
            raise RjfacilError(MESSAGES["feedback_said"])
        if given_on > clock.today():
            raise RjfacilError(MESSAGES["feedback_date"])
        self._check_participants([participant_id], "feedback")
        feedback = self._new(
            Feedback,
            participant_id=participant_id,
            given_on=given_on,
            how=FeedbackHow(how),
            said=said.strip(),
            may_share=may_share,
        )
        self._commit(
            f"recorded feedback ({'shared' if may_share else 'confidential'})",
            [("feedback", feedback)],
        )
        return feedback

    def record_decision(
        self,
        point: DecisionPoint | str,
        outcome: DecisionOutcome | str,
        decided_by: UUID,
        decided_on: date,
        reason: str,
        oversight_by: UUID | str | None = None,
        oversight_on: date | None = None,
    ) -> Decision:
        """Record a suitability or go/no-go decision: who in the team took it, when, why;
        and the manager who gave oversight and when (required on the HMPPS route: HMPPS
        4.4, 4.21, 4.22). A decision is never edited: a new one at the same point
        supersedes it. ``oversight_by`` is a team member's id, or a name: the team member
        of that name, added to the team as a line manager if the case has none.

        Raises:
            RjfacilError: No reason, a decider outside the team, a day to come, or
                oversight half given (or missing on the HMPPS route); nothing is written.
        """
        if not reason.strip():
            raise RjfacilError(MESSAGES["decision_reason"])
        named: list[Change] = []
        if isinstance(oversight_by, str):
            oversight_by, named = self._team_member_named(oversight_by, TeamRole.LINE_MANAGER)
        team = {m.id for m in self.team} | {self.owner.id} | {r.id for _, r in named}
        if decided_by not in team or (oversight_by is not None and oversight_by not in team):
            raise RjfacilError(MESSAGES["decision_by"])
        today = clock.today()
        if decided_on > today or (oversight_on is not None and oversight_on > today):
            raise RjfacilError(MESSAGES["decision_date"])
        if (oversight_by is None) != (oversight_on is None):
            raise RjfacilError(MESSAGES["oversight_pair"])
        if oversight_by is None and self.on_hmpps_route:
            raise RjfacilError(MESSAGES["oversight_hmpps"])
        decision = self._new(
            Decision,
            point=point,
            outcome=outcome,
            decided_by=decided_by,
            decided_on=decided_on,
            reason=reason.strip(),
            oversight_by=oversight_by,
            oversight_on=oversight_on,
        )
        self._commit(
            f"recorded a decision ({decision.point.value}: {decision.outcome.value})",
            [("decisions", decision), *named],
        )
        return decision

    def record_export(
        self,
        kind: str,
        fmt: str,
        redaction: str,
        for_participant: UUID | None = None,
        notes: str = "",
        protected: bool = False,
    ) -> AuditEntry:
        """Record in the case's audit log that an export was made (one commit, no record
        changes): what kind, in which format, at which redaction, for whom, and whether
        it was protected by a password (never the password).

        The entry names a participant by role only; its record id is theirs.
        """
        subject: tuple[str, UUID] = ("case", self.case.id)
        whom = ""
        if for_participant is not None:
            person = self.participant(for_participant)
            subject = ("participants", person.id)
            whom = f" for a participant ({person.role.label.lower()})"
        details = [fmt, f"redaction {redaction}"]
        if notes:
            details.append(f"notes {notes}")
        if protected:
            details.append("password protected")
        self._commit(f"exported a {kind}{whom} ({', '.join(details)})", [], subject=subject)
        return self.audit_log[-1]

    @classmethod
    def create(
        cls,
        storage: EncryptedStorage,
        path: Path,
        owner: Facilitator,
        catalogue: Catalogue,
        reference: str,
        **fields: Any,
    ) -> CaseFile:
        """Write a new case file holding the case record, its owner as its first team
        member, and whoever else it names (by name, as :meth:`update_case` takes them)."""
        reference = check_reference(reference)
        case_id = UUID(str(fields.pop("id"))) if "id" in fields else None
        members: list[TeamMember] = [
            TeamMember(
                id=owner.id,
                name=owner.name,
                role=TeamRole.FACILITATOR,
                created_by=owner.id,
                updated_by=owner.id,
            )
        ]
        draft = Case.model_validate(
            {
                "reference": reference,
                **({"id": case_id} if case_id else {}),
                "created_by": owner.id,
                "updated_by": owner.id,
            }
        )
        for field, role in TEAM_FIELDS.items():
            name = fields.get(field)
            if not isinstance(name, str):
                continue
            name = " ".join(name.split())
            if not name:
                fields[field] = None
                continue
            found = next((m for m in members if _normalised(m.name) == _normalised(name)), None)
            if found is None:
                found = TeamMember(
                    id=team_member_id(draft.id, name),
                    name=name,
                    role=role,
                    created_by=owner.id,
                    updated_by=owner.id,
                )
                members.append(found)
            fields[field] = found.id
        case = Case.model_validate({**draft.model_dump(), **fields})
        changes: list[Change] = [("case", case), *(("team", m) for m in members)]
        names = {m.id: m.name for m in members}
        for fact, (checklist_id, item) in catalogue.facts.items():
            given = _as_answer(getattr(case, fact), names)
            if given is not None:
                changes.append(
                    (
                        "answers",
                        Answer(
                            checklist_id=checklist_id,
                            item_id=item.id,
                            value=given,
                            created_by=owner.id,
                        ),
                    )
                )
        entry = audit.make_entry(
            audit.GENESIS,
            "opened the case",
            "case",
            case.id,
            owner.id,
            also=[record.id for _, record in changes[1:]],
        )
        document = codec.new_document(
            [*changes, ("audit", entry)],
            {"audit_heads": {str(owner.id): {"head": entry.hash, "count": 1}}},
        )
        storage.write(codec.encode(document))
        return cls(storage, path, owner, catalogue)


def _as_answer(value: Any, names: dict[UUID, str]) -> AnswerValue:
    """A case field's value as the answer to the item stating it (None when not set)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return names.get(value, "someone no longer in the case")
    return str(value)  # a text, or a process (a StrEnum: its value)


def _same_fact(a: AnswerValue, b: AnswerValue) -> bool:
    """Equal fact answers: names compare trimmed and in any case."""
    if isinstance(a, str) and isinstance(b, str):
        return _normalised(a) == _normalised(b)
    return same_answer(a, b)


def _not_saved(error: ValidationError) -> RjfacilError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return RjfacilError(f"Not saved: {where}: {first['msg']}.")


# The case's fields whose values are typed text: the history names them, never quotes them.
_TYPED_FIELDS = {"reference", "summary", "meeting_venue"}


def _case_change_action(before: Case, after: Case) -> str:
    """The audit action of a change to the case's own fields, with each changed value
    that is not typed text ("updated the case (stage: assessment → closed; summary)"), so
    that the history can say from what to what."""
    parts = []
    for name in Case.model_fields.keys() - MutableRecord.model_fields.keys():
        old, new = getattr(before, name), getattr(after, name)
        if old == new:
            continue
        if name in _TYPED_FIELDS:
            parts.append(name)
        else:
            parts.append(f"{name}: {_stored(old)} → {_stored(new)}")
    return f"updated the case ({'; '.join(sorted(parts))})" if parts else "updated the case"


def _stored(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
