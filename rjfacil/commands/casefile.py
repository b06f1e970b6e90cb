"""One case, held in its own encrypted TinyDB file (cases/<uuid>.rjv).

Every change is one durable write holding the record and its audit entry together, so a
crash leaves either the whole change or none of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from pydantic import BaseModel, ValidationError
from tinydb import TinyDB

from rjfacil import clock
from rjfacil.casedoc import audit
from rjfacil.casedoc.model import (
    TABLES,
    AgreementAction,
    Answer,
    AnswerValue,
    AuditEntry,
    Case,
    Consent,
    ConsentPurpose,
    Facilitator,
    FlagOverride,
    Letter,
    LetterStatus,
    LetterVersion,
    MutableRecord,
    Note,
    NoteRevision,
    NoteSource,
    Participant,
    Record,
    Risk,
    ShareHow,
)
from rjfacil.checklists.catalogue import Catalogue
from rjfacil.checklists.evaluate import AnswerFact, OverrideFact, ParticipantFact
from rjfacil.errors import InvalidRecord, NotFound, RjfacilError
from rjfacil.store.storage import EncryptedStorage
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage

# The chosen process lives in two places that must agree: the case's own field (shown on
# the overview and case list) and this checklist answer (which decides which checklists
# apply). Setting either sets both, in one write.
PROCESS_ITEM = ("process", "process_type")

CASE_FORMAT = 1
R = TypeVar("R", bound=BaseModel)
M = TypeVar("M", bound=MutableRecord)


class CaseFile:
    """A loaded case. Read its records through the properties; change it through methods."""

    def __init__(
        self,
        storage: EncryptedStorage,
        path: Path,
        owner: Facilitator,
        catalogue: Catalogue,
    ) -> None:
        self.path = path
        self.owner = owner
        self.catalogue = catalogue
        self._storage = storage
        self._db = TinyDB(storage=lambda: storage)
        self._records: dict[str, dict[UUID, Record]] = {name: {} for name in TABLES}
        self._doc_ids: dict[UUID, int] = {}
        self.facilitators: dict[UUID, str] = {}
        self._meta: dict[str, Any] = {}
        self._load()

    # -- loading -----------------------------------------------------------------

    def _load(self) -> None:
        data = self._storage.read() or {}
        known = {*TABLES, "meta", "facilitators"}
        for table in data:
            if table not in known:
                raise InvalidRecord(
                    f"{self.path}: unknown table '{table}' (made by a newer rjfacil?)"
                )
        meta_docs = list(data.get("meta", {}).values())
        self._meta = dict(meta_docs[0]) if meta_docs else {}
        if self._meta.get("format", CASE_FORMAT) > CASE_FORMAT:
            raise InvalidRecord(f"{self.path}: made by a newer rjfacil; update rjfacil to open it")
        for doc in data.get("facilitators", {}).values():
            person = self._validate(Facilitator, doc, "facilitators")
            self.facilitators[person.id] = person.name
        for table, kind in TABLES.items():
            for doc_id, doc in data.get(table, {}).items():
                record = self._validate(kind, doc, table, doc_id)
                self._records[table][record.id] = record
                self._doc_ids[record.id] = int(doc_id)
        if not self._records["case"]:
            raise InvalidRecord(f"{self.path}: holds no case record")

    def _validate(self, kind: type[R], doc: Any, table: str, doc_id: str = "") -> R:
        try:
            return kind.model_validate(doc)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "record"
            record = doc.get("id", doc_id) if isinstance(doc, dict) else doc_id
            raise InvalidRecord(
                f"{self.path}: record {record} in '{table}' is not valid: {where}: {first['msg']}"
            ) from None

    # -- reading -----------------------------------------------------------------

    @property
    def case(self) -> Case:
        return next(iter(self._records["case"].values()))  # type: ignore[return-value]

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

    def participant_label(self, participant_id: UUID | None) -> str:
        if participant_id is None:
            return "the case"
        person = self._records["participants"].get(participant_id)
        if person is None:
            return "someone no longer in the case"
        assert isinstance(person, Participant)
        return f"{person.name} ({person.role.label.lower()})"

    def author(self, facilitator_id: UUID) -> str:
        """The name of whoever wrote a record, as co-workers know them."""
        if facilitator_id == self.owner.id:
            return self.owner.name
        return self.facilitators.get(facilitator_id, "an unknown facilitator")

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
        """The current answer per (checklist, item, participant): the latest one given."""
        current: dict[tuple[str, str, UUID | None], Answer] = {}
        ordered = sorted(self._records["answers"].values(), key=lambda a: a.created_at)
        for answer in ordered:
            assert isinstance(answer, Answer)
            current[(answer.checklist_id, answer.item_id, answer.participant_id)] = answer
        return {key: a for key, a in current.items() if a.value is not None}

    def answer_history(
        self, checklist_id: str, item_id: str, participant_id: UUID | None = None
    ) -> list[Answer]:
        return sorted(
            (
                a
                for a in self._records["answers"].values()
                if isinstance(a, Answer)
                and (a.checklist_id, a.item_id, a.participant_id)
                == (checklist_id, item_id, participant_id)
            ),
            key=lambda a: a.created_at,
        )

    @property
    def risks(self) -> list[Risk]:
        return self._live("risks")

    @property
    def letters(self) -> list[Letter]:
        return self._live("letters")

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
    def audit_log(self) -> list[AuditEntry]:
        entries = self._records["audit"].values()
        return sorted(entries, key=lambda e: self._doc_ids[e.id])  # type: ignore[arg-type]

    # -- the checklist engine's view --------------------------------------------

    def answer_facts(self) -> list[AnswerFact]:
        return [
            AnswerFact(
                checklist_id=a.checklist_id,
                item_id=a.item_id,
                participant_id=str(a.participant_id) if a.participant_id else None,
                value=a.value,
                answered_by=self.author(a.created_by),
                answered_at=a.created_at,
            )
            for a in self.answers().values()
        ]

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
                by=self.author(o.created_by),
                at=o.created_at,
            )
            for o in self.overrides
        ]

    def chain_problems(self) -> list[str]:
        problems = audit.chain_problems(
            self.audit_log, self._meta.get("audit_head"), self._meta.get("audit_count")
        )
        logged = {entry.record_id for entry in self.audit_log}
        logged.update(record_id for entry in self.audit_log for record_id in entry.also)
        for table in TABLES:
            if table == "audit":
                continue
            for record_id in self._records[table]:
                if record_id not in logged:
                    problems.append(f"record {record_id} in '{table}' has no audit entry")
        return problems

    # -- changing ----------------------------------------------------------------

    def _commit(self, action: str, changes: Iterable[tuple[str, Record]]) -> None:
        """Write records and one audit entry in a single durable write."""
        changes = list(changes)
        head = self._meta.get("audit_head", audit.GENESIS)
        entry = audit.make_entry(
            head,
            action,
            changes[0][0],
            changes[0][1].id,
            self.owner.id,
            also=[record.id for _, record in changes[1:]],
        )
        meta = {
            **self._meta,
            "format": CASE_FORMAT,
            "audit_head": entry.hash,
            "audit_count": self._meta.get("audit_count", 0) + 1,
        }
        new_ids: dict[UUID, int] = {}
        with self._storage.batch():
            if self.facilitators.get(self.owner.id) != self.owner.name:
                people = self._db.table("facilitators")
                people.remove(
                    doc_ids=[d.doc_id for d in people.all() if d["id"] == str(self.owner.id)]
                )
                people.insert(self.owner.model_dump(mode="json"))
            for table, record in [*changes, ("audit", entry)]:
                doc = record.model_dump(mode="json")
                doc_id = self._doc_ids.get(record.id)
                if doc_id is None:
                    new_ids[record.id] = self._db.table(table).insert(doc)
                else:
                    self._db.table(table).update(doc, doc_ids=[doc_id])
            meta_table = self._db.table("meta")
            meta_table.truncate()
            meta_table.insert(meta)
        # Only a write that reached the disk changes what this object shows.
        self._doc_ids.update(new_ids)
        for table, record in [*changes, ("audit", entry)]:
            self._records[table][record.id] = record
        self._meta = meta
        self.facilitators[self.owner.id] = self.owner.name

    def _new(self, kind: type[R], **fields: Any) -> R:
        extra: dict[str, Any] = {"created_by": self.owner.id}
        if issubclass(kind, MutableRecord):
            extra["updated_by"] = self.owner.id
        try:
            return kind.model_validate({**fields, **extra})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RjfacilError(f"Not saved: {where}: {first['msg']}.") from None

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
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RjfacilError(f"Not saved: {where}: {first['msg']}.") from None

    def update_case(self, **fields: Any) -> Case:
        """Change the case's own fields (reference, stage, closure reason, plans)."""
        stage = Stage(fields.get("stage", self.case.stage))
        reason = fields.get("closure_reason", self.case.closure_reason)
        if stage.is_open:
            fields["closure_reason"] = None
        elif reason is None:
            raise RjfacilError(
                "A closed or withdrawn case needs a closure reason: "
                + ", ".join(r.label.lower() for r in ClosureReason)
                + "."
            )
        case = self._edit(self.case, fields)
        changes: list[tuple[str, Record]] = [("case", case)]
        if "process" in fields and self._process_answer() != case.process:
            value = case.process.value if case.process else None
            changes.append(
                (
                    "answers",
                    self._new(
                        Answer, checklist_id=PROCESS_ITEM[0], item_id=PROCESS_ITEM[1], value=value
                    ),
                )
            )
        self._commit(f"updated the case ({', '.join(sorted(fields))})", changes)
        return case

    def _process_answer(self) -> ProcessType | None:
        given = self.answers().get((*PROCESS_ITEM, None))
        return ProcessType(given.value) if given and isinstance(given.value, str) else None

    def add_participant(self, role: Role | str, name: str, **fields: Any) -> Participant:
        person = self._new(Participant, role=role, name=name, **fields)
        self._commit(
            f"added a participant ({person.role.label.lower()})", [("participants", person)]
        )
        return person

    def update_participant(self, participant_id: UUID, **fields: Any) -> Participant:
        person = self._edit(self.participant(participant_id), fields)
        self._commit("updated a participant", [("participants", person)])
        return person

    def remove_participant(self, participant_id: UUID) -> None:
        person = self._edit(self.participant(participant_id), {"deleted": True})
        self._commit("removed a participant", [("participants", person)])

    def record_consent(
        self, participant_id: UUID, purpose: ConsentPurpose | str, given: bool = True, **fields: Any
    ) -> Consent:
        """Record a consent decision; withdrawing is recording ``given=False``."""
        self.participant(participant_id)
        consent = self._new(
            Consent, participant_id=participant_id, purpose=purpose, given=given, **fields
        )
        verb = "recorded consent" if given else "recorded a withdrawal of consent"
        self._commit(f"{verb} ({consent.purpose.label.lower()})", [("consents", consent)])
        return consent

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
            raise RjfacilError("Not saved: the note is empty.")
        if participant_id is not None:
            self.participant(participant_id)
        note = self._new(
            Note,
            participant_id=participant_id,
            source=source,
            share_with=list(share_with),
            share_how=share_how,
            private=private,
        )
        revision = self._new(NoteRevision, note_id=note.id, text=text)
        self._commit("added a note", [("notes", note), ("note_revisions", revision)])
        return note

    def revise_note(self, note_id: UUID, text: str) -> NoteRevision:
        """Edit a note by adding a revision: the old text stays in its history."""
        note = self.note(note_id)
        if not text.strip():
            raise RjfacilError("Not saved: the note is empty.")
        if text == self.note_text(note_id):
            return self.note_history(note_id)[-1]
        revision = self._new(NoteRevision, note_id=note.id, text=text)
        touched = self._edit(note, {})
        self._commit("revised a note", [("note_revisions", revision), ("notes", touched)])
        return revision

    def update_note(self, note_id: UUID, **fields: Any) -> Note:
        """Change who a note concerns, where it came from, or how it may be shared."""
        note = self._edit(self.note(note_id), fields)
        self._commit("changed a note's sharing", [("notes", note)])
        return note

    def answer(
        self,
        checklist_id: str,
        item_id: str,
        value: AnswerValue,
        participant_id: UUID | None = None,
        note: str = "",
    ) -> Answer:
        """Record an answer (``None`` clears it). Flags follow from the answers at once."""
        item = self.catalogue.item(checklist_id, item_id)
        if value is not None and not item.is_answered(value) and value is not False:
            raise RjfacilError(f"Not saved: {value!r} is not an answer to '{item.ask}'.")
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
        changes: list[tuple[str, Record]] = [("answers", answer)]
        if (checklist_id, item.id) == PROCESS_ITEM:
            process = ProcessType(value) if isinstance(value, str) else None
            if process != self.case.process:
                changes.append(("case", self._edit(self.case, {"process": process})))
        self._commit(f"answered {checklist_id}.{item_id}", changes)
        return answer

    def add_risk(self, description: str, **fields: Any) -> Risk:
        risk = self._new(Risk, description=description, **fields)
        self._commit("added a risk", [("risks", risk)])
        return risk

    def update_risk(self, risk_id: UUID, **fields: Any) -> Risk:
        risk = self._records["risks"].get(risk_id)
        if not isinstance(risk, Risk):
            raise NotFound(f"No risk {risk_id} in case {self.case.reference}.")
        risk = self._edit(risk, fields)
        self._commit("updated a risk", [("risks", risk)])
        return risk

    def add_letter(
        self, from_participant: UUID, text: str, to_participant: UUID | None = None
    ) -> Letter:
        letter = self._new(Letter, from_participant=from_participant, to_participant=to_participant)
        version = self._new(LetterVersion, letter_id=letter.id, text=text)
        self._commit("added a letter", [("letters", letter), ("letter_versions", version)])
        return letter

    def revise_letter(self, letter_id: UUID, text: str) -> LetterVersion:
        letter = self._letter(letter_id)
        version = self._new(LetterVersion, letter_id=letter.id, text=text)
        self._commit("added a letter version", [("letter_versions", version)])
        return version

    def set_letter_status(
        self, letter_id: UUID, status: LetterStatus | str, vetting_note: str = ""
    ) -> Letter:
        letter = self._edit(
            self._letter(letter_id), {"status": status, "vetting_note": vetting_note}
        )
        self._commit(
            f"set a letter to {letter.status.value.replace('_', ' ')}", [("letters", letter)]
        )
        return letter

    def _letter(self, letter_id: UUID) -> Letter:
        letter = self._records["letters"].get(letter_id)
        if not isinstance(letter, Letter):
            raise NotFound(f"No letter {letter_id} in case {self.case.reference}.")
        return letter

    def add_action(self, description: str, **fields: Any) -> AgreementAction:
        action = self._new(AgreementAction, description=description, **fields)
        self._commit("added an agreement action", [("actions", action)])
        return action

    def update_action(self, action_id: UUID, **fields: Any) -> AgreementAction:
        action = self._records["actions"].get(action_id)
        if not isinstance(action, AgreementAction):
            raise NotFound(f"No agreement action {action_id} in case {self.case.reference}.")
        action = self._edit(action, fields)
        self._commit("updated an agreement action", [("actions", action)])
        return action

    def override_flag(self, flag: str, reason: str, cleared: bool = True) -> FlagOverride:
        """Clear (or restore) a flag by a recorded, attributed decision with a reason."""
        if flag not in self.catalogue.flags:
            raise NotFound(f"No flag '{flag}'.")
        if not reason.strip():
            raise RjfacilError("An override needs a reason.")
        override = self._new(FlagOverride, flag=flag, cleared=cleared, reason=reason)
        verb = "cleared" if cleared else "restored"
        self._commit(f"{verb} the flag {flag}", [("flag_overrides", override)])
        return override

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
        """Write a new case file holding just the case record."""
        case = Case.model_validate(
            {"reference": reference, **fields, "created_by": owner.id, "updated_by": owner.id}
        )
        tables: dict[str, dict[str, Any]] = {
            "facilitators": {"1": owner.model_dump(mode="json")},
            "case": {"1": case.model_dump(mode="json")},
        }
        also: list[UUID] = []
        if case.process is not None:  # the process is one fact: its answer too (PROCESS_ITEM)
            process = Answer(
                checklist_id=PROCESS_ITEM[0],
                item_id=PROCESS_ITEM[1],
                value=case.process.value,
                created_by=owner.id,
            )
            tables["answers"] = {"1": process.model_dump(mode="json")}
            also.append(process.id)
        entry = audit.make_entry(
            audit.GENESIS, "opened the case", "case", case.id, owner.id, also=also
        )
        tables["meta"] = {"1": {"format": CASE_FORMAT, "audit_head": entry.hash, "audit_count": 1}}
        tables["audit"] = {"1": entry.model_dump(mode="json")}
        storage.write(tables)
        return cls(storage, path, owner, catalogue)
