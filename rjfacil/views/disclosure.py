"""A participant's own information, as they may be given it (guidance A 3(a) 7 and
footnote 15): their participant record, their consent decisions, the notes about them
that came from them, and the notes others agreed may be shared with them (as written:
their words; in summary: that there is such a note and when, for the facilitator to
give its summary, never its words). Nothing else:
no facilitator's assessment, no private note, no note about another participant that
was not agreed to be shared with them, no risk, checklist answer or history.

Other participants are named by their role only ("the person responsible"), even in the
participant's own notes; with redaction ``none``, a note agreed to be shared with them
keeps the names it was written with. Their own name is theirs to see, at every level.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from rjfacil.casedoc.model import Note, NoteSource, Participant, ShareHow
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_when
from rjfacil.views.labels import note_source_label, share_how_label
from rjfacil.views.redaction import Redaction, Redactor, redaction_label, redactor_for
from rjfacil.views.supervision import (
    ExportFacts,
    NoteLine,
    NotesLevel,
    consent_lines,
    excerpt,
    export_facts,
)

SHARED_IN_SUMMARY = (
    "A note shared in summary: the facilitator gives you its summary; "
    "its words are not copied here."
)


@dataclass(frozen=True)
class ParticipantDisclosure:
    """One participant's own information (see the module docstring)."""

    facts: ExportFacts
    notes_level: NotesLevel
    name: str
    role: str
    record: tuple[tuple[str, str], ...]
    consents: tuple[str, ...]
    own_notes: tuple[NoteLine, ...]
    shared_notes: tuple[NoteLine, ...]


def is_own_note(note: Note, participant_id: UUID) -> bool:
    """A note about the participant that came from them (never a private one)."""
    return (
        not note.private
        and note.participant_id == participant_id
        and note.source is NoteSource.FROM_PARTICIPANT
    )


def is_shared_with(note: Note, participant_id: UUID) -> bool:
    """A note someone agreed may be shared with the participant (never a private one)."""
    return (
        not note.private
        and note.share_how is not ShareHow.NOT_SHARED
        and participant_id in note.share_with
    )


def _others_by_role(case: CaseFile, participant: Participant, level: Redaction) -> Redactor:
    """Every other participant by role ("the person responsible"); the participant by
    their own name; the team by name. Under ``full``, free text is removed."""
    labels = redactor_for(case, "none").labels
    others: list[tuple[str, str]] = []
    for person in case.document.records["participants"].values():
        if not isinstance(person, Participant) or person.id == participant.id:
            continue
        label = f"the {person.role.label.lower()}"
        labels[person.id] = label
        others += [(person.name, label), (person.address_as, label)]
    redactor = Redactor("full" if level == "full" else "names", labels=labels)
    redactor.hide(others)
    return redactor


def participant_disclosure(
    case: CaseFile,
    participant_id: UUID,
    redaction: Redaction = "names",
    notes: NotesLevel = "all",
) -> ParticipantDisclosure:
    """What ``participant_id`` may be given of ``case`` (see the module docstring).

    Raises:
        NotFound: No such participant in the case.
    """
    person = case.participant(participant_id)
    scrub = _others_by_role(case, person, redaction)

    def text(value: str, keep_names: bool = False) -> str:
        if keep_names and redaction == "none":
            return value
        return scrub.text(value)

    record: list[tuple[str, str]] = [("Name", person.name), ("Role", person.role.label)]
    for label, value in (
        ("Known as", person.address_as),
        ("Access needs", person.access_needs),
        ("Contact", person.contact),
    ):
        if value:
            record.append((label, text(value)))

    texts = case.note_texts()
    own: list[NoteLine] = []
    shared: list[NoteLine] = []
    for note in case.notes(include_private=False):
        if notes == "none":
            break
        if is_own_note(note, participant_id):
            body = text(texts.get(note.id, ""))
            own.append(_line(case, note, body, scrub, notes, participant_id))
        elif is_shared_with(note, participant_id):
            if note.share_how is ShareHow.SUMMARY:
                # Agreed to be shared in summary, not word for word: the facilitator
                # gives the summary; the disclosure says the note exists, and when.
                shared.append(_line(case, note, SHARED_IN_SUMMARY, scrub, "all", participant_id))
                continue
            body = text(texts.get(note.id, ""), keep_names=True)
            shared.append(_line(case, note, body, scrub, notes, participant_id))

    facts = export_facts(case, Redactor(redaction, labels={case.owner.id: case.owner.name}))
    facts = replace(
        facts,
        redaction_label=redaction_label(redaction)
        if redaction != "names"
        else "Other participants named by their role",
        notice=f"Information for {person.name} only.",
    )
    return ParticipantDisclosure(
        facts=facts,
        notes_level=notes,
        name=person.name,
        role=person.role.label,
        record=tuple(record),
        consents=consent_lines(case, participant_id, scrub),
        own_notes=tuple(own),
        shared_notes=tuple(shared),
    )


def _line(
    case: CaseFile,
    note: Note,
    body: str,
    scrub: Redactor,
    level: NotesLevel,
    participant_id: UUID,
) -> NoteLine:
    shortened = False
    if level == "excerpts":
        body, shortened = excerpt(body)
    sharing = (
        "Your own words"
        if note.participant_id == participant_id and note.source is NoteSource.FROM_PARTICIPANT
        else share_how_label(note.share_how)
    )
    return NoteLine(
        when=show_when(note.created_at),
        author=case.author(note.created_by),
        about=scrub.person(note.participant_id, "The case")
        if note.participant_id != participant_id
        else "You",
        source=note_source_label(note.source),
        sharing=sharing,
        text=body,
        shortened=shortened,
    )
