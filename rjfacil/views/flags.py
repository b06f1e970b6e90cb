"""Flags as the answers stand now: which are raised, which answer stands behind one, what
each asks of the facilitator and why (one explanation, rendered by screens and exports),
and which flags an answer newly raises."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from rjfacil.casedoc.model import Answer, AnswerValue
from rjfacil.checklists.evaluate import (
    FlagReason,
    FlagState,
    ParticipantFact,
    evaluate_flags,
)
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.dates import show_day, show_day_of

__all__ = [
    "FlagExplanation",
    "FlagState",
    "Override",
    "Reason",
    "RecordedAnswer",
    "Via",
    "blocking_flags",
    "explain",
    "explain_state",
    "explanation_lines",
    "explanations",
    "flags",
    "flags_raised_by",
    "raised_flags",
    "record_answer",
    "shown_order",
]


def flags(case: CaseFile) -> list[FlagState]:
    """Every flag with its state (re-evaluated on every call: answers change)."""
    return evaluate_flags(case.catalogue, case.answer_facts(), case.override_facts())


def raised_flags(case: CaseFile) -> list[str]:
    return [state.flag.id for state in flags(case) if state.raised]


def blocking_flags(case: CaseFile) -> list[FlagState]:
    """The raised flags that stop the case moving to a later stage without a reason."""
    return [state for state in flags(case) if state.raised and state.flag.blocking]


def flags_raised_by(
    case: CaseFile, checklist_id: str, item_id: str, participant_id: UUID | None = None
) -> tuple[list[FlagState], list[FlagState]]:
    """The raised flags one answer stands behind: those it raises itself, and those they
    bring with them (a sensitive and complex case brings co-working, say)."""
    this = (checklist_id, item_id, str(participant_id) if participant_id else None)
    direct: list[FlagState] = []
    implied: list[FlagState] = []
    for state in flags(case):
        ours = [r for r in state.reasons if (r.checklist_id, r.item_id, r.participant_id) == this]
        if state.raised and ours:
            (direct if any(r.via is None for r in ours) else implied).append(state)
    return direct, implied


# -- explanations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One answer behind a flag: who answered what, for whom, and when."""

    ask: str
    answer: str
    reference: str
    why: str
    participant: str | None
    """Whom the answer is about (their label), or None for the case as a whole."""
    answered_by: str
    answered_at: datetime | None


@dataclass(frozen=True)
class Via:
    """Another raised flag that brings this one with it, and the answers behind that."""

    flag_id: str
    title: str
    reasons: list[Reason]


@dataclass(frozen=True)
class Override:
    """The latest recorded decision on a flag."""

    cleared: bool
    """True: the flag was cleared; False: an earlier clearing was undone."""
    by: str
    at: datetime
    reason: str
    outdated: bool
    """A clearing that no longer holds: an answer given since raises the flag again."""
    on: date | None = None
    """The day the manager cleared it, as they gave it (``at`` is when it was recorded)."""

    @property
    def day(self) -> str:
        """The day to show: the one the manager gave, else the day it was recorded."""
        return show_day(self.on) if self.on is not None else show_day_of(self.at)


@dataclass(frozen=True)
class FlagExplanation:
    """Everything a facilitator needs to know about one flag.

    Attributes:
        flag_id: The flag's id.
        title: Its full title, as shown: "Stop: ..." for a blocking flag.
        reference: The guidance it comes from.
        meaning: What the guidance says it means.
        asks: What the guidance asks of the facilitator next, step by step.
        raised: False when a recorded override clears it (it is still listed).
        reasons: The answers that raise it themselves.
        via: The other raised flags that bring it with them, in flags.toml order.
        override: The latest override, if any.
        blocking: An absolute limit of the guidance: the case does not move to a later
            stage while it is raised without a recorded reason.
    """

    flag_id: str
    title: str
    reference: str
    meaning: str
    asks: list[str]
    raised: bool
    reasons: list[Reason]
    via: list[Via]
    override: Override | None
    blocking: bool = False


def _explain(state: FlagState, name_of: Callable[[str], str]) -> FlagExplanation:
    def reason(each: FlagReason) -> Reason:
        return Reason(
            ask=each.ask,
            answer=each.answer,
            reference=each.reference,
            why=each.why,
            participant=name_of(each.participant_id) if each.participant_id else None,
            answered_by=each.answered_by,
            answered_at=each.answered_at,
        )

    via: dict[str, Via] = {}
    for each in state.reasons:
        if each.via is not None:
            via.setdefault(each.via, Via(each.via, each.via_title, [])).reasons.append(reason(each))
    override = state.override
    return FlagExplanation(
        flag_id=state.flag.id,
        title=state.flag.heading,
        reference=state.flag.reference,
        meaning=state.flag.meaning,
        asks=list(state.flag.next_steps),
        raised=state.raised,
        reasons=[reason(each) for each in state.reasons if each.via is None],
        via=[via[flag_id] for flag_id in state.implied_by if flag_id in via],
        override=Override(
            override.cleared,
            override.by,
            override.at,
            override.reason,
            state.override_outdated,
            override.on,
        )
        if override is not None
        else None,
        blocking=state.flag.blocking,
    )


def explain_state(
    state: FlagState, participants: Sequence[ParticipantFact] = ()
) -> FlagExplanation:
    """Explain a flag state from the checklist engine (no case file needed).

    Args:
        state: A state from :func:`rjfacil.checklists.evaluate.evaluate_flags`.
        participants: To name participants in the reasons; an unknown id is shown as
            "a participant".
    """
    names = {each.id: each.label for each in participants}
    return _explain(state, lambda pid: names.get(pid, "a participant"))


def explain(case: CaseFile, state: FlagState) -> FlagExplanation:
    """Explain one of the case's flags, naming its participants."""

    def name_of(participant_id: str) -> str:
        try:
            return case.participant_label(UUID(participant_id))
        except ValueError:
            return "a participant"

    return _explain(state, name_of)


def explanations(
    case: CaseFile, states: Iterable[FlagState] | None = None
) -> list[FlagExplanation]:
    """Explain the case's flags (or only ``states``): blocking flags first, then the
    others, each in flags.toml order."""
    chosen = flags(case) if states is None else states
    return [explain(case, state) for state in shown_order(chosen)]


def shown_order(states: Iterable[FlagState]) -> list[FlagState]:
    """Flags in the order they are shown: blocking flags ("Stop: ...") first."""
    return sorted(states, key=lambda state: not state.flag.blocking)


def sentence(text: str) -> str:
    """Text ending as a sentence: a full stop added only where none (nor ? or !) ends it,
    so texts joined from checklist files never show a doubled one ("..")."""
    text = text.rstrip()
    if not text or text.endswith((".", "?", "!", "…")):
        return text
    return f"{text}."


def reason_line(reason: Reason) -> str:
    """Why an answer raises a flag, as one sentence: "Is there …? — yes, for Ana Silva
    (person harmed) (A 2(a) 4). The case involves domestic abuse." """
    who = f", for {reason.participant}" if reason.participant else ""
    return f"{reason.ask} — {reason.answer}{who} ({reason.reference}). {sentence(reason.why)}"


def explanation_lines(explanation: FlagExplanation) -> list[str]:
    """A flag's explanation as plain lines, for the command line and plain-text exports."""

    def line(reason: Reason) -> str:
        who = f" for {reason.participant}" if reason.participant else ""
        return f"- {reason.ask} Answered {reason.answer}{who} ({reason.reference}): {reason.why}"

    lines = []
    if explanation.reasons:
        lines.append("Raised by these answers:")
        lines.extend(line(reason) for reason in explanation.reasons)
    for via in explanation.via:
        lines.append(f"Follows from the flag '{via.title}', raised by:")
        lines.extend(line(reason) for reason in via.reasons)
    lines.append(f"What the guidance says ({explanation.reference}): {explanation.meaning}")
    if explanation.asks:
        lines.append("Next steps:")
        lines.extend(f"- {step}" for step in explanation.asks)
    override = explanation.override
    if override is not None:
        when = override.day
        if override.cleared and override.outdated:
            lines.append(
                f"Cleared by {override.by} on {when} ({override.reason}), but an answer "
                "given since raises it again."
            )
        elif override.cleared:
            lines.append(f"Cleared by {override.by} on {when}: {override.reason}")
        else:
            lines.append(f"Restored by {override.by} on {when}: {override.reason}")
    return lines


# -- answering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedAnswer:
    """An answer saved, and the flags it newly raised (explained), in flags.toml order.

    Attributes:
        answer: The answer record saved.
        answered: Whether it is a real answer, one progress counts (an unticked check,
            empty text or a clearing is not).
        newly_raised: The flags raised now that were not raised before it.
    """

    answer: Answer
    answered: bool
    newly_raised: list[FlagExplanation]


def record_answer(
    case: CaseFile,
    checklist_id: str,
    item_id: str,
    value: AnswerValue,
    participant_id: UUID | None = None,
    note: str = "",
    going_on_because: str = "",
) -> RecordedAnswer:
    """Save an answer (:meth:`CaseFile.answer`) and say which flags it newly raised.

    Raises:
        BlockingFlagsRaised: A direct process chosen past a missing go-ahead, without
            ``going_on_because``; nothing changed.
        RjfacilError: Not saved; nothing changed.
    """
    before = set(raised_flags(case))
    answer = case.answer(
        checklist_id, item_id, value, participant_id, note=note, going_on_because=going_on_because
    )
    new = [state for state in flags(case) if state.raised and state.flag.id not in before]
    answered = case.catalogue.item(checklist_id, item_id).is_answered(value)
    return RecordedAnswer(answer, answered, explanations(case, new))
