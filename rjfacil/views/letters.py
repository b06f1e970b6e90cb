"""Letters between participants as people read them (A 3(a) 11-12): each letter's status in
words, every version with who vetted it, when and why, the team's reviews of it, what stops
its handover, and the reading aid's passages for its current text.

The letter view (screens/plans.py) and the supervisor summary (every export format) read
the same lines from here. A redactor decides how people and free texts are shown: the
screens use the case's own names, exports the level the facilitator chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from rjfacil.casedoc.model import (
    Letter,
    LetterStatus,
    LetterVetting,
    TeamMember,
)
from rjfacil.checklists.schema import Item
from rjfacil.commands import letters as rules
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day, show_when
from rjfacil.views.reading_aid import Passage, read_letter
from rjfacil.views.redaction import Redactor, redactor_for
from rjfacil.views.team import team_role_label


@dataclass(frozen=True)
class ReviewLine:
    """A team member's review of a version."""

    who: str
    role: str
    given_on: str
    view: str


@dataclass(frozen=True)
class VersionLine:
    """One version of a letter and its vetting."""

    number: int
    written: str
    status: str
    vetted_by: str
    vetted_at: str
    answers: tuple[tuple[str, str], ...]
    reasons: str
    reviews: tuple[ReviewLine, ...]
    current: bool
    handed_over: bool


@dataclass(frozen=True)
class LetterLine:
    """One letter: who to whom, what it answers, where it is, and its versions (newest first)."""

    title: str
    reply_to: str
    status: str
    recipient_agreed: str
    handover_blocked: tuple[str, ...]
    versions: tuple[VersionLine, ...]


def letter_title(case: CaseFile, letter: Letter, redactor: Redactor | None = None) -> str:
    """ "From X to Y" (or "From X, not addressed yet")."""
    if redactor is None:
        sender = case.participant_label(letter.from_participant)
        to = case.participant_label(letter.to_participant) if letter.to_participant else ""
    else:
        sender = redactor.person(letter.from_participant)
        to = redactor.person(letter.to_participant) if letter.to_participant else ""
    if not to:
        return f"From {sender}, not addressed yet"
    return f"From {sender} to {to}"


def decision_words(vetting: LetterVetting | None) -> str:
    """What a version's vetting decided, in words."""
    if vetting is None:
        return "Not vetted"
    if vetting.decision is None:
        return "Checklist answered, no decision yet"
    return vetting.decision.label


def status_words(records: rules.LetterRecords) -> str:
    """Where a letter is, in words: a letter approved on an earlier text says so."""
    letter = records.letter
    if letter.status is LetterStatus.DELIVERED:
        number = records.number_of(letter.handed_over_version)
        return f"Handed over (version {number})" if number else "Handed over"
    if letter.status is LetterStatus.WITHHELD:
        return "Withheld"
    if records.current_vetted:
        if letter.recipient_agreed_on is None:
            return "Vetted: waiting for the recipient's agreement"
        return "Vetted and agreed to: ready to hand over"
    if records.vetted_earlier:
        return "Changed since it was vetted: vet the new version"
    if letter.status is LetterStatus.DRAFT and not records.vettings:
        return "Draft: not vetted yet"
    return "Being vetted"


def short_status(records: rules.LetterRecords) -> str:
    """Where a letter is, in a few words (a table column); :func:`status_words` in full."""
    letter = records.letter
    if letter.status is LetterStatus.DELIVERED:
        return "Handed over"
    if letter.status is LetterStatus.WITHHELD:
        return "Withheld"
    if records.current_vetted:
        return "Ready to hand over" if letter.recipient_agreed_on else "Vetted, not agreed"
    if records.vetted_earlier:
        return "Changed since vetted"
    if letter.status is LetterStatus.DRAFT and not records.vettings:
        return "Not vetted"
    return "Being vetted"


def vetting_items(case: CaseFile) -> list[Item]:
    """The questions asked when vetting a version: the letters checklist's items asked per
    letter, less those the letter's own record answers (agreement, handover)."""
    checklist = case.catalogue.checklist(rules.LETTERS_CHECKLIST)
    return [
        item
        for item in checklist.items
        if item.scope == "letter" and item.id not in rules.LETTER_FIELD_ITEMS
    ]


def _answer_words(item: Item, value: object) -> str:
    if value is True:
        return "Done"
    if value is False:
        return "Not done"
    if isinstance(value, str) and item.choices:
        for choice in item.choices:
            if choice.id == value:
                return choice.label
    return {"yes": "Yes", "no": "No", "unknown": "Not known"}.get(str(value), str(value))


def letter_line(case: CaseFile, letter: Letter, redactor: Redactor | None = None) -> LetterLine:
    """A letter with its versions, vettings and reviews, in words."""
    shown = redactor or redactor_for(case, "none")
    records = case.letter_records(letter.id)
    items = {item.id: item for item in vetting_items(case)}
    team = {m.id: m for m in case.team}
    versions = []
    for number, version in enumerate(records.versions, start=1):
        vetting = records.vetting_of(version)
        answers: tuple[tuple[str, str], ...] = ()
        if vetting is not None:
            answers = tuple(
                (item.ask, _answer_words(item, vetting.answers[item_id]))
                for item_id, item in items.items()
                if item_id in vetting.answers
            )
        reviews = tuple(
            ReviewLine(
                who=shown.person(review.reviewer),
                role=_role(case, team.get(review.reviewer)),
                given_on=show_day(review.given_on),
                view=shown.text(review.view),
            )
            for review in records.reviews_of(version)
        )
        versions.append(
            VersionLine(
                number=number,
                written=show_when(version.created_at),
                status=decision_words(vetting),
                vetted_by=shown.person(vetting.created_by) if vetting else "",
                vetted_at=show_when(vetting.created_at) if vetting else "",
                answers=answers,
                reasons=shown.text(vetting.reasons) if vetting else "",
                reviews=reviews,
                current=version is records.current,
                handed_over=version.id == letter.handed_over_version,
            )
        )
    reply_to = ""
    if letter.in_reply_to is not None:
        answered = next((each for each in case.letters if each.id == letter.in_reply_to), None)
        title = letter_title(case, answered, redactor) if answered is not None else ""
        reply_to = (
            f"In reply to the letter {title[:1].lower()}{title[1:]}"
            if answered is not None
            else "In reply to a letter no longer in the case"
        )
    blocked: tuple[str, ...] = ()
    if letter.status not in (LetterStatus.DELIVERED, LetterStatus.WITHHELD):
        blocked = tuple(rules.handover_problems(records))
    return LetterLine(
        title=letter_title(case, letter, redactor),
        reply_to=reply_to,
        status=status_words(records),
        recipient_agreed=show_day(letter.recipient_agreed_on)
        if letter.recipient_agreed_on
        else "Not recorded",
        handover_blocked=blocked,
        versions=tuple(reversed(versions)),
    )


def _role(case: CaseFile, member: TeamMember | None) -> str:
    return team_role_label(case, member) if member is not None else "Team"


def letter_passages(case: CaseFile, letter: Letter) -> tuple[str, list[Passage]]:
    """The current text of a letter and the reading aid's passages in it."""
    versions = case.letter_versions(letter.id)
    text = versions[-1].text if versions else ""
    names = [p.name for p in case.participants] + [
        p.address_as for p in case.participants if p.address_as
    ]
    return text, read_letter(text, names)


def replies_to(case: CaseFile, letter: Letter) -> list[Letter]:
    """The letters that answer this one."""
    return [each for each in case.letters if each.in_reply_to == letter.id]
