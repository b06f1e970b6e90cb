"""The form that records a participant's feedback at the end of a case (NCJB 3.7.5;
rjfacil.views.feedback). Confidential unless the participant agreed it may be shared."""

from __future__ import annotations

from uuid import UUID

from rjfacil.casedoc.model import Feedback, FeedbackHow
from rjfacil.commands.casefile import CaseFile
from rjfacil.sanitize import visible
from rjfacil.views.dates import today_input
from screens.form import Day, EditorModal, Form, OneOf, Text, Tick


class FeedbackEditor(EditorModal[Feedback]):
    """Record one participant's feedback. Dismisses with the saved record, or None."""

    DISCARD_QUESTION = "Discard this feedback? It is not recorded."
    draft_of = "feedback"

    def __init__(self, case: CaseFile, participant_id: UUID) -> None:
        self.case = case
        self.participant_id = participant_id
        self.given_on = Day("Given on", "fb-on", today_input(), required=True)
        self.how = OneOf(
            "How",
            "fb-how",
            [(how.label, how.value) for how in FeedbackHow],
            FeedbackHow.IN_PERSON.value,
        )
        self.said = Text("What they said", "fb-said", "")
        self.may_share = Tick(
            "Sharing",
            "fb-share",
            "They agreed it may be shared (otherwise it stays confidential)",
        )
        super().__init__(
            f"Feedback from {visible(case.participant_label(participant_id), single_line=True)}",
            Form(self.given_on, self.how, self.said, self.may_share),
        )

    def draft_about(self) -> UUID | None:
        return self.participant_id

    def save(self) -> Feedback:
        given_on = self.given_on.day
        if given_on is None:
            raise ValueError("Give the date the feedback was given.")
        return self.case.record_feedback(
            self.participant_id,
            given_on,
            self.how.value,
            self.said.value,
            may_share=self.may_share.value,
        )
