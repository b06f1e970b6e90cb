"""Participants' feedback at the end of a case (NCJB 3.7.5), as a reader sees it.

Feedback is confidential unless the participant agreed it may be shared: the case screen
shows all of it to the facilitator; the supervisor summary says only how many participants
gave feedback, and the words of those who agreed to share them; the history says who gave
feedback, when and how, never what they said.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from rjfacil.casedoc.model import Feedback
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day
from rjfacil.views.redaction import Redactor, redactor_for


@dataclass(frozen=True)
class FeedbackLine:
    """One participant's feedback, in words (already redacted).

    Attributes:
        participant: Who gave it.
        given_on: When, as a day.
        how: How they gave it ("In person").
        said: What they said.
        shared: They agreed it may be shared (else it is confidential).
    """

    participant: str
    given_on: str
    how: str
    said: str
    shared: bool


def _who(case: CaseFile, feedback: Feedback, redactor: Redactor) -> str:
    """The participant with their role ("Ana Silva (person harmed)"), or as redacted."""
    if redactor.level == "none":
        return case.participant_label(feedback.participant_id)
    return redactor.person(feedback.participant_id)


def _line(case: CaseFile, feedback: Feedback, redactor: Redactor) -> FeedbackLine:
    return FeedbackLine(
        participant=_who(case, feedback, redactor),
        given_on=show_day(feedback.given_on),
        how=feedback.how.label,
        said=redactor.text(feedback.said),
        shared=feedback.may_share,
    )


def feedback_lines(case: CaseFile, redactor: Redactor | None = None) -> list[FeedbackLine]:
    """Every feedback record, newest first, confidential ones included (for the facilitator's
    own screen only)."""
    redactor = redactor or redactor_for(case, "none")
    return [_line(case, each, redactor) for each in reversed(case.feedback)]


def feedback_of(case: CaseFile, participant_id: UUID) -> list[FeedbackLine]:
    """One participant's feedback, newest first (for the facilitator's own screen)."""
    redactor = redactor_for(case, "none")
    return [
        _line(case, each, redactor)
        for each in reversed(case.feedback)
        if each.participant_id == participant_id
    ]


def shared_feedback(case: CaseFile, redactor: Redactor) -> list[FeedbackLine]:
    """The feedback participants agreed may be shared, newest first."""
    return [_line(case, each, redactor) for each in reversed(case.feedback) if each.may_share]


def feedback_givers(case: CaseFile) -> int:
    """How many participants gave feedback."""
    return len({each.participant_id for each in case.feedback})


def feedback_received_words(count: int) -> str:
    """ "Feedback received from 2 participants" (what a supervisor is told)."""
    if count == 0:
        return "No feedback recorded yet."
    return f"Feedback received from {count} participant{'s' if count != 1 else ''}."


def feedback_sentence(case: CaseFile, feedback: Feedback, redactor: Redactor) -> str:
    """Feedback as the history says it, starting lower case: who, when, how, and whether
    it may be shared; never what was said."""
    who = _who(case, feedback, redactor)
    sharing = "they agreed it may be shared" if feedback.may_share else "kept confidential"
    return (
        f"recorded feedback from {who}, given {feedback.how.label.lower()} on "
        f"{show_day(feedback.given_on)} ({sharing})"
    )
