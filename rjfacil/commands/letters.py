"""The rules of letters between participants (Best Practice Guidance A 3(a) 11-12), read
from a case's records: which version is current, whether it is vetted, and what stops a
letter being handed over. The case's commands (:mod:`rjfacil.commands.casefile`) enforce
them; the screens and exports read them through :mod:`rjfacil.views.letters`.

One rule is a blocking rule of the guidance (A 3(a) 12): a letter is handed over only when
its current version is vetted and the recipient's agreement to receive it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rjfacil.casedoc.model import (
    Letter,
    LetterReview,
    LetterStatus,
    LetterVersion,
    LetterVetting,
    VettingDecision,
)

# The letter items (scope "letter") that the letter's own record states, not the vetting:
# the recipient's agreement to receive it and its handover.
LETTER_FIELD_ITEMS: dict[str, str] = {
    "letter_recipient_agreed": "recipient_agreed_on",
    "letter_handed_over": "handed_over_version",
}
# The letter's status each vetting decision sets.
DECISION_STATUS: dict[VettingDecision, LetterStatus] = {
    VettingDecision.VETTED: LetterStatus.APPROVED,
    VettingDecision.CHANGES_NEEDED: LetterStatus.UNDER_REVIEW,
    VettingDecision.WITHHOLD: LetterStatus.WITHHELD,
}
# The checklist whose "letter" items are the vetting checklist.
LETTERS_CHECKLIST = "letters"

NO_RECIPIENT = "it is not addressed to anyone yet"
NOT_VETTED = "its current version is not vetted"
CHANGED = "its text changed after it was vetted: vet the current version"
NOT_AGREED = "the recipient's agreement to receive it is not recorded"


@dataclass(frozen=True)
class LetterRecords:
    """One letter with its versions (oldest first), vettings and reviews."""

    letter: Letter
    versions: list[LetterVersion]
    vettings: list[LetterVetting]
    reviews: list[LetterReview]

    @property
    def current(self) -> LetterVersion | None:
        return self.versions[-1] if self.versions else None

    def vetting_of(self, version: LetterVersion | None) -> LetterVetting | None:
        """The latest vetting of a version (a later one supersedes an earlier), or None."""
        if version is None:
            return None
        found = [v for v in self.vettings if v.version_id == version.id]
        return max(found, key=lambda v: v.created_at) if found else None

    def reviews_of(self, version: LetterVersion) -> list[LetterReview]:
        return sorted(
            (r for r in self.reviews if r.version_id == version.id),
            key=lambda r: (r.given_on, r.created_at),
        )

    @property
    def current_vetted(self) -> bool:
        vetting = self.vetting_of(self.current)
        return vetting is not None and vetting.decision is VettingDecision.VETTED

    @property
    def vetted_earlier(self) -> bool:
        """An earlier version was vetted, and the text has changed since."""
        return not self.current_vetted and any(
            v.decision is VettingDecision.VETTED for v in self.vettings
        )

    def number_of(self, version_id: object) -> int | None:
        """A version's number (1 for the first), or None."""
        for number, version in enumerate(self.versions, start=1):
            if version.id == version_id:
                return number
        return None


def handover_problems(records: LetterRecords) -> list[str]:
    """What stops this letter being handed over now, in words (empty: it may be)."""
    problems = []
    if records.letter.to_participant is None:
        problems.append(NO_RECIPIENT)
    if not records.current_vetted:
        problems.append(CHANGED if records.vetted_earlier else NOT_VETTED)
    if records.letter.recipient_agreed_on is None:
        problems.append(NOT_AGREED)
    return problems


def handover_refusal(problems: Iterable[str]) -> str:
    """The message that refuses a handover, naming every reason (A 3(a) 12)."""
    listed = list(problems)
    return (
        "Not handed over: "
        + "; ".join(listed)
        + ". A letter is handed over only once its current version is vetted and the "
        "recipient has agreed to receive it (A 3(a) 12)."
    )
