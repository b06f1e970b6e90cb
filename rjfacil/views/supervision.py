"""What a case supervisor reads (guidance Section E), as one read model every export
format renders: is the case progressing and is risk assessment adequate; the flags and
why; risks, their mitigations and reviews; the process chosen and why; who is involved
and who is not; unanswered and concerning checklist items; co-working; the outcome
agreement and its follow-up; deadlines met and due; a short recent history.

Every string in it is already redacted (:mod:`rjfacil.views.redaction`). Private notes
never appear, whatever the options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias
from uuid import UUID

from rjfacil import clock
from rjfacil.casedoc.model import (
    ActionStatus,
    ConsentPurpose,
    Note,
    Participant,
    Risk,
)
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.agreement import (
    AgreementView,
    agreement_view,
    completion_words,
    told_words,
)
from rjfacil.views.dates import show_day, show_day_of, show_when
from rjfacil.views.deadlines import (
    action_status,
    due_dates,
    due_status,
    met_timescales,
    review_status,
)
from rjfacil.views.decisions import DecisionLine, decision_lines, waiting_for_decision
from rjfacil.views.feedback import (
    FeedbackLine,
    feedback_givers,
    feedback_received_words,
    shared_feedback,
)
from rjfacil.views.flags import explanations
from rjfacil.views.history import case_history
from rjfacil.views.labels import (
    action_status_label,
    note_source_label,
    process_label,
    share_how_label,
    stage_text,
)
from rjfacil.views.letters import LetterLine, letter_line
from rjfacil.views.people import role_words
from rjfacil.views.progress import CaseProgress, case_progress
from rjfacil.views.redaction import Redaction, Redactor, redaction_label, redactor_for
from rjfacil.views.team import co_workers, review_waiting_label
from rjfacil.vocab import CHECKLIST_STAGES, Role

NotesLevel: TypeAlias = Literal["none", "excerpts", "all"]
NOTES_LEVELS: tuple[NotesLevel, ...] = ("none", "excerpts", "all")
_NOTES_WORDS: dict[NotesLevel, str] = {
    "none": "Not included",
    "excerpts": "First lines only",
    "all": "In full",
}


def notes_label(level: NotesLevel, redaction: Redaction) -> str:
    """What an export says of its notes: under full redaction every note's text is
    removed, whatever level of notes was asked for."""
    if level != "none" and redaction == "full":
        return "Removed (full redaction)"
    return _NOTES_WORDS[level]


EXCERPT = 200
HISTORY = 10
ITEMS_LIMIT = 30
NOTICE_NONE = "Names shown: this export contains personal data. Keep it safe."


@dataclass(frozen=True)
class ExportFacts:
    """What every export states about itself."""

    reference: str
    exported_by: str
    exported_at: str
    exported_at_iso: str
    redaction: Redaction
    redaction_label: str
    notice: str


@dataclass(frozen=True)
class PersonLine:
    role: str
    name: str
    take_part: str
    consents: tuple[str, ...]


@dataclass(frozen=True)
class FlagLine:
    title: str
    reference: str
    raised: bool
    meaning: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RiskLine:
    description: str
    rating: str
    about: str
    mitigation: str
    review: str
    review_status: str
    resolved: bool


@dataclass(frozen=True)
class ItemLine:
    checklist: str
    ask: str
    reference: str
    state: str  # "unanswered" or "needs attention"
    answer: str
    checklist_stage: str = ""


@dataclass(frozen=True)
class ActionLine:
    description: str
    by_whom: str
    due: str
    status: str
    follow_up: str
    supported_by: str = "Not named"
    supervised_by: str = "Not named"
    completion: str = ""
    """How completion stands, with its evidence ("" while open)."""
    told: str = ""
    """Whether the person harmed was told of completion ("" while open)."""


@dataclass(frozen=True)
class DeadlineLine:
    label: str
    reference: str
    due: str
    status: str  # "overdue", "due today", "in N days", "met"


@dataclass(frozen=True)
class NoteLine:
    when: str
    author: str
    about: str
    source: str
    sharing: str
    text: str
    shortened: bool


@dataclass(frozen=True)
class HistoryLine:
    when: str
    who: str
    what: str


@dataclass(frozen=True)
class SupervisorSummary:
    """The supervisor's view of one case (see the module docstring)."""

    facts: ExportFacts
    notes_level: NotesLevel
    stage: str
    case_summary: str
    progressing: tuple[tuple[str, str], ...]
    risk_assessment: tuple[tuple[str, str], ...]
    flags: tuple[FlagLine, ...]
    risks: tuple[RiskLine, ...]
    process: str
    process_why: str
    communication: tuple[str, ...]
    people: tuple[PersonLine, ...]
    not_involved: tuple[str, ...]
    items: tuple[ItemLine, ...]
    items_more: int
    coworking: tuple[tuple[str, str], ...]
    actions: tuple[ActionLine, ...]
    deadlines: tuple[DeadlineLine, ...]
    notes: tuple[NoteLine, ...]
    history: tuple[HistoryLine, ...]
    decisions: tuple[DecisionLine, ...] = ()
    """Suitability and go/no-go decisions, newest first."""
    feedback_received: str = ""
    """How many participants gave feedback at the end (NCJB 3.7.5), in words: their
    words stay confidential unless they agreed to share them."""
    feedback_shared: tuple[FeedbackLine, ...] = ()
    """The feedback participants agreed may be shared, newest first."""
    decisions_waiting: tuple[str, ...] = ()
    """The points of the case with no decision recorded yet."""
    agreement: AgreementView | None = None
    """The outcome agreement, its actions and the money handed over."""
    # Letters (A 3(a) 11-12): each version's vetting, who vetted it, and reviews.
    letters: tuple[LetterLine, ...] = ()


def export_facts(case: CaseFile, redactor: Redactor) -> ExportFacts:
    """Reference, exporter, time (local, from the clock) and redaction of an export."""
    now = clock.now()
    return ExportFacts(
        reference=case.case.reference,
        exported_by=redactor.person(case.owner.id, case.owner.name),
        exported_at=show_when(now),
        exported_at_iso=clock.local(now).isoformat(timespec="seconds"),
        redaction=redactor.level,
        redaction_label=redaction_label(redactor.level),
        notice=NOTICE_NONE if redactor.level == "none" else "",
    )


def excerpt(text: str, limit: int = EXCERPT) -> tuple[str, bool]:
    """The first ``limit`` characters of a text, cut at a word, and whether it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…", True


def consent_lines(case: CaseFile, participant_id: UUID, redactor: Redactor) -> tuple[str, ...]:
    """A participant's current consent decisions, in words (other people by their label)."""
    lines = []
    for consent in case.current_consents(participant_id):
        what = consent.purpose.label
        if consent.process is not None:
            what += f" ({process_label(consent.process).lower()})"
        if consent.information:
            what += f": {redactor.text(consent.information)}"
        if consent.share_with:
            whom = ", ".join(redactor.person(p) for p in consent.share_with)
            what += f", with {whom}"
        verb = "given" if consent.given else "withdrawn"
        lines.append(f"{what} — {verb} ({consent.form}, {show_day(consent.on)})")
    return tuple(lines)


def take_part_line(case: CaseFile, participant_id: UUID) -> str:
    current = [
        c for c in case.current_consents(participant_id) if c.purpose is ConsentPurpose.TAKE_PART
    ]
    if not current:
        return "Not recorded"
    latest = max(current, key=lambda c: c.created_at)
    verb = "Given" if latest.given else "Withdrawn"
    return f"{verb} ({latest.form}, {show_day(latest.on)})"


def note_line(
    case: CaseFile, note: Note, text: str, redactor: Redactor, level: NotesLevel
) -> NoteLine:
    shown = redactor.text(text)
    shortened = False
    if level == "excerpts":
        shown, shortened = excerpt(shown)
    if note.share_how.value == "not_shared":
        sharing = share_how_label(note.share_how)
    else:
        whom = ", ".join(redactor.person(p) for p in note.share_with)
        sharing = f"{share_how_label(note.share_how)} with {whom}"
    return NoteLine(
        when=show_when(note.created_at),
        author=redactor.person(note.created_by, case.author(note.created_by)),
        about=redactor.person(note.participant_id, "The case"),
        source=note_source_label(note.source),
        sharing=sharing,
        text=shown,
        shortened=shortened,
    )


def _risk_line(case: CaseFile, risk: Risk, redactor: Redactor) -> RiskLine:
    status = review_status(risk)
    return RiskLine(
        description=redactor.text(risk.description),
        rating=risk.rating.value.capitalize(),
        about=redactor.person(risk.participant_id, "The case"),
        mitigation=redactor.text(risk.mitigation) or "None recorded",
        review=show_day(risk.review_date) or "No review date",
        review_status="resolved" if risk.resolved else (status.phrase if status else ""),
        resolved=risk.resolved,
    )


def supervisor_summary(
    case: CaseFile,
    redaction: Redaction = "names",
    notes: NotesLevel = "excerpts",
    history: int = HISTORY,
) -> SupervisorSummary:
    """The supervisor's summary of ``case`` at a redaction level, with notes as asked.

    Private notes are never included.
    """
    redactor = redactor_for(case, redaction)
    record = case.case
    today = clock.today()
    report = case_progress(case)
    stage_row = report.stage(record.stage.checklist_stage)
    dues = due_dates(case)
    overdue = [d for d in dues if d.status().overdue]

    progressing: list[tuple[str, str]] = [("Stage", stage_text(record))]
    if record.referral_date:
        days = (today - record.referral_date).days
        progressing.append(("Referred", f"{show_day(record.referral_date)} ({days} days ago)"))
    progressing.append(("Last change", show_day_of(record.updated_at)))
    if stage_row is not None:
        progressing.append(
            ("This stage's checklists", f"{stage_row.answered} of {stage_row.total} answered")
        )
    progressing.append(("All checklists", f"{report.answered} of {report.total} answered"))
    progressing.append(("Answers needing attention", str(report.attention)))
    progressing.append(("Overdue", str(len(overdue)) if overdue else "Nothing overdue"))

    risks = [r for r in case.risks]
    open_risks = [r for r in risks if not r.resolved]
    risk_row = next((row for row in report.targets if row.target.checklist.id == "risk"), None)
    risk_assessment: list[tuple[str, str]] = []
    if risk_row is not None:
        risk_assessment.append(
            ("Risk checklist", f"{risk_row.answered} of {risk_row.total} answered")
        )
    risk_assessment.append(("Open risks", str(len(open_risks))))
    risk_assessment.append(
        ("Open risks without a mitigation", str(sum(1 for r in open_risks if not r.mitigation)))
    )
    risk_assessment.append(
        ("Open risks without a review date", str(sum(1 for r in open_risks if not r.review_date)))
    )
    late = [r for r in open_risks if (s := review_status(r)) is not None and s.overdue]
    risk_assessment.append(("Risk reviews overdue", str(len(late))))

    flag_lines = []
    for explanation in explanations(case):
        if not explanation.raised and explanation.override is None:
            continue
        reasons = [
            redactor.names(
                f"{r.ask} Answered {r.answer}"
                + (f" for {_who(case, redactor, r.participant)}" if r.participant else "")
                + f" ({r.reference})"
            )
            for r in explanation.reasons
        ]
        reasons += [f"Follows from: {via.title}" for via in explanation.via]
        if explanation.override is not None:
            o = explanation.override
            verb = "Cleared" if o.cleared else "Restored"
            reasons.append(
                f"{verb} by {redactor.names(o.by)} on {show_day_of(o.at)}: "
                f"{redactor.text(o.reason)}"
            )
        flag_lines.append(
            FlagLine(
                title=explanation.title,
                reference=explanation.reference,
                raised=explanation.raised,
                meaning=explanation.meaning,
                reasons=tuple(reasons),
            )
        )

    process_why = ""
    if "process" in case.catalogue.facts:
        checklist_id, item = case.catalogue.facts["process"]
        answer = case.answers().get((checklist_id, item.id, None))
        if answer is not None and answer.note:
            process_why = redactor.text(answer.note)
    communication = []
    participants = case.participants
    for person in participants:
        for consent in case.current_consents(person.id):
            if consent.purpose is ConsentPurpose.COMMUNICATION:
                verb = "agrees to" if consent.given else "withdrew from"
                communication.append(
                    f"{redactor.person(person.id)} {verb} {process_label(consent.process).lower()}"
                )

    people = tuple(
        PersonLine(
            role=role_words(case, person, redactor.person),
            name=redactor.person(person.id),
            take_part=take_part_line(case, person.id),
            consents=consent_lines(case, person.id, redactor),
        )
        for person in participants
    )
    not_involved = _not_involved(case, participants, redactor)

    items, more = _items(case, report, redactor)

    others = co_workers(case)
    coworking: list[tuple[str, str]] = [
        ("Facilitator", redactor.person(case.owner.id, case.owner.name)),
        ("Co-worker", ", ".join(redactor.person(each) for each in others) or "None"),
        (
            "Case supervisor",
            redactor.person(record.case_supervisor) if record.case_supervisor else "None named",
        ),
    ]
    advised = any(f.raised for f in flag_lines if "co-work" in f.title.lower())
    coworking.append(("Co-working advised by a flag", "Yes" if advised else "No"))
    cw_row = next((r for r in report.targets if r.target.checklist.id == "coworking"), None)
    if cw_row is not None:
        coworking.append(("Co-working checklist", f"{cw_row.answered} of {cw_row.total} answered"))
    coworking.append(("Changes to review", review_waiting_label(len(case.conflicts()))))

    actions = []
    for action in sorted(case.actions, key=lambda a: (a.due or date.max, a.created_at)):
        status = action_status(action)
        follow = status.phrase if status else ""
        if action.status is ActionStatus.DONE:
            follow = "done"
        actions.append(
            ActionLine(
                description=redactor.text(action.description),
                by_whom=redactor.person(action.by_whom, "Not named"),
                due=show_day(action.due) or "No date",
                status=action_status_label(action.status),
                follow_up=follow,
                supported_by=redactor.person(action.supported_by, "Not named"),
                supervised_by=redactor.person(action.supervised_by, "Not named"),
                completion=completion_words(case, action, redactor),
                told=told_words(action, redactor),
            )
        )

    deadlines = [
        DeadlineLine(d.label, d.reference, d.day, d.phrase)
        for d in (_due_line(due.due, due.label, due.reference) for due in dues)
    ]
    deadlines += [
        DeadlineLine(due.label, due.reference, show_day(due.due), due.status().phrase)
        for due in met_timescales(case)
    ]
    for action in case.actions:
        if action.status is ActionStatus.DONE and action.due:
            deadlines.append(
                DeadlineLine("Agreement action", "A 3(d)", show_day(action.due), "met")
            )

    note_lines: list[NoteLine] = []
    if notes != "none":
        texts = case.note_texts()
        for note in case.notes(include_private=False):
            note_lines.append(note_line(case, note, texts.get(note.id, ""), redactor, notes))

    return SupervisorSummary(
        facts=export_facts(case, redactor),
        notes_level=notes,
        stage=stage_text(record),
        case_summary=redactor.text(record.summary),
        progressing=tuple(progressing),
        risk_assessment=tuple(risk_assessment),
        flags=tuple(flag_lines),
        risks=tuple(_risk_line(case, r, redactor) for r in risks),
        process=process_label(record.process),
        process_why=process_why,
        communication=tuple(communication),
        people=people,
        not_involved=not_involved,
        items=tuple(items),
        items_more=more,
        coworking=tuple(coworking),
        actions=tuple(actions),
        deadlines=tuple(deadlines),
        notes=tuple(note_lines),
        history=tuple(
            HistoryLine(e.when, e.who, e.what)
            for e in case_history(case, redactor, last=history, private_notes=False, values=False)
        )
        if history > 0
        else (),
        decisions=tuple(decision_lines(case, redactor)),
        decisions_waiting=tuple(waiting_for_decision(case)),
        feedback_received=feedback_received_words(feedback_givers(case)),
        feedback_shared=tuple(shared_feedback(case, redactor)),
        agreement=agreement_view(case, redactor),
        letters=tuple(letter_line(case, letter, redactor) for letter in case.letters),
    )


@dataclass(frozen=True)
class _Due:
    label: str
    reference: str
    day: str
    phrase: str


def _due_line(due: date, label: str, reference: str) -> _Due:
    status = due_status(due)
    return _Due(label, reference, status.day, status.phrase)


def _who(case: CaseFile, redactor: Redactor, label: str) -> str:
    # A flag reason names a participant by "Name (role)": hidden names become labels.
    return redactor.names(label)


def _not_involved(
    case: CaseFile, participants: list[Participant], redactor: Redactor
) -> tuple[str, ...]:
    lines = []
    roles = {p.role for p in participants}
    for role in (Role.PERSON_HARMED, Role.PERSON_RESPONSIBLE):
        if role not in roles:
            lines.append(f"No {role.label.lower()} recorded in the case.")
    for person in participants:
        take = take_part_line(case, person.id)
        if take.startswith("Withdrawn"):
            lines.append(f"{redactor.person(person.id)} has withdrawn consent to take part.")
        elif take == "Not recorded":
            lines.append(f"{redactor.person(person.id)}: consent to take part not recorded.")
    removed = [
        p
        for p in case.document.records["participants"].values()
        if isinstance(p, Participant) and p.deleted
    ]
    for person in removed:
        lines.append(f"{redactor.person(person.id)} was removed from the case.")
    return tuple(lines)


def _items(case: CaseFile, report: CaseProgress, redactor: Redactor) -> tuple[list[ItemLine], int]:
    """Answers needing attention (every stage), then unanswered items of the stages the
    case has reached, capped at :data:`ITEMS_LIMIT`."""
    stage = case.case.stage.checklist_stage
    reached = set(CHECKLIST_STAGES[: CHECKLIST_STAGES.index(stage) + 1]) - {"supervision"}
    answers = case.answers()
    attention: list[ItemLine] = []
    unanswered: list[ItemLine] = []
    for row in report.targets:
        target = row.target
        pid = UUID(target.participant_id) if target.participant_id else None
        label = target.checklist.title
        if pid is not None:
            label += f": {redactor.person(pid)}"
        flagged = {item.id for item in row.attention}
        for item in target.items:
            answer = answers.get((target.checklist.id, item.id, pid))
            value = answer.value if answer is not None else None
            if item.id in flagged:
                shown = str(value) if item.kind != "text" else redactor.text(str(value))
                attention.append(
                    ItemLine(label, item.ask, item.reference, "needs attention", shown)
                )
            elif target.checklist.stage in reached and not item.is_answered(value):
                unanswered.append(
                    ItemLine(
                        label,
                        item.ask,
                        item.reference,
                        "unanswered",
                        "",
                        checklist_stage=target.checklist.stage,
                    )
                )
    # The current stage's questions before the earlier stages' ones.
    unanswered.sort(key=lambda line: line.checklist_stage != stage)
    every = attention + unanswered
    return every[:ITEMS_LIMIT], max(0, len(every) - ITEMS_LIMIT)
