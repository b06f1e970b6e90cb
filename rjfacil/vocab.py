"""The guidance's own words, as fixed vocabularies shared by the model and the checklists."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a case is. The checklists say which stage each belongs to."""

    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    PREPARATION = "preparation"
    COMMUNICATION = "communication"
    AGREEMENT = "agreement"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in (Stage.CLOSED, Stage.WITHDRAWN)

    @property
    def checklist_stage(self) -> str:
        """The checklists worked at this stage (closing and withdrawing walk closure's)."""
        return self.value if self.is_open else "closure"


STAGE_LABELS = {
    Stage.REFERRAL: "Referral",
    Stage.ASSESSMENT: "Assessment",
    Stage.PREPARATION: "Preparation",
    Stage.COMMUNICATION: "Communication",
    Stage.AGREEMENT: "Outcome agreement",
    Stage.FOLLOW_UP: "Follow-up",
    Stage.CLOSED: "Closed",
    Stage.WITHDRAWN: "Withdrawn",
}

# Checklist stages: the case stages a checklist can belong to, plus two that are not
# case stages: closure (walked when closing) and supervision (the supervisor's questions).
CHECKLIST_STAGES = (
    "referral",
    "assessment",
    "preparation",
    "communication",
    "agreement",
    "follow_up",
    "closure",
    "supervision",
)


class ClosureReason(StrEnum):
    """Why a case was closed or withdrawn: a fixed list so the summaries can count them."""

    COMPLETED = "completed"
    DECLINED_BY_PERSON_HARMED = "declined_by_person_harmed"
    DECLINED_BY_PERSON_RESPONSIBLE = "declined_by_person_responsible"
    WITHDREW_PERSON_HARMED = "withdrew_person_harmed"
    WITHDREW_PERSON_RESPONSIBLE = "withdrew_person_responsible"
    ASSESSED_UNSUITABLE = "assessed_unsuitable"
    UNABLE_TO_CONTACT = "unable_to_contact"
    REFERRED_ELSEWHERE = "referred_elsewhere"

    @property
    def label(self) -> str:
        return _CLOSURE_LABELS[self.value]


_CLOSURE_LABELS = {
    "completed": "Completed",
    "declined_by_person_harmed": "Declined by the person harmed",
    "declined_by_person_responsible": "Declined by the person responsible",
    "withdrew_person_harmed": "The person harmed withdrew",
    "withdrew_person_responsible": "The person responsible withdrew",
    "assessed_unsuitable": "Assessed as not suitable",
    "unable_to_contact": "Could not make contact",
    "referred_elsewhere": "Referred to another service",
}


class Role(StrEnum):
    PERSON_HARMED = "person_harmed"
    PERSON_RESPONSIBLE = "person_responsible"
    SUPPORTER = "supporter"
    COMMUNITY_MEMBER = "community_member"
    PROFESSIONAL = "professional"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ProcessType(StrEnum):
    """Forms restorative justice can take (HMPPS 6.3), plus family group conferencing (C)."""

    FACE_TO_FACE = "face_to_face"
    VIDEO_CONFERENCE = "video_conference"
    LETTER = "letter"
    RECORDED_MESSAGE = "recorded_message"
    SHUTTLE = "shuttle"
    FAMILY_GROUP_CONFERENCE = "family_group_conference"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
