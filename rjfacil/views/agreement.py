"""The outcome agreement in words (A 3(c), A 3(d); NCJB 3.6): what the case screen, the
supervisor summary and the printable agreement all say of it.

Every string is already redacted by the :class:`Redactor` given; the printable agreement
passes one of level ``none``, since the participants read and sign it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rjfacil.casedoc.model import ActionStatus, AgreementAction, MoneyHandover
from rjfacil.views.dates import show_day
from rjfacil.views.labels import action_status_label
from rjfacil.views.redaction import Redactor

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

MADE_WORDS = {"yes": "Yes", "no": "No", "unknown": "Not known yet"}


def show_money(pence: int) -> str:
    """An amount in pounds: ``£1,250.00``."""
    return f"£{pence // 100:,}.{pence % 100:02d}"


def parse_money(text: str) -> int | None:
    """``"£12.50"``, ``"12.5"`` or ``"1,250"`` as pence; None when it is not an amount."""
    cleaned = text.strip().removeprefix("£").replace(",", "").strip()
    pounds, _, pence = cleaned.partition(".")
    if not pounds.isdigit() and not (pounds == "" and pence):
        return None
    if pence and (not pence.isdigit() or len(pence) > 2):
        return None
    value = int(pounds or "0") * 100 + int((pence + "0")[:2] if pence else "0")
    return value if value > 0 else None


@dataclass(frozen=True)
class AgreedActionLine:
    """One action of the agreement, with its people and its completion in words."""

    description: str
    by_whom: str
    supported_by: str
    supervised_by: str
    due: str
    status: str
    completion: str  # "" while open
    told: str  # "" while open


@dataclass(frozen=True)
class MoneyLine:
    amount: str
    handed_on: str
    from_whom: str
    to_whom: str
    witness: str
    note: str


@dataclass(frozen=True)
class AgreementView:
    """The outcome agreement as every reader sees it."""

    made: str
    recorded: bool
    terms: str
    agreed_by: tuple[str, ...]
    agreed_on: str
    binding: str
    completion_shown_by: str
    tell_person_harmed: str
    actions: tuple[AgreedActionLine, ...]
    money: tuple[MoneyLine, ...]


def completion_words(case: CaseFile, action: AgreementAction, redactor: Redactor) -> str:
    """How an action's completion stands, with its evidence: "" while it is open."""
    if action.status is ActionStatus.OPEN:
        return ""
    done = "Completed" if action.status is ActionStatus.DONE else "Not completed"
    if not action.evidence.strip():
        return f"{done}: no evidence recorded"
    words = done
    if action.completed_on is not None:
        words += f" on {show_day(action.completed_on)}"
    words += f": {redactor.text(action.evidence)}"
    if action.evidence_recorded_by is not None:
        words += f" (recorded by {redactor.person(action.evidence_recorded_by)})"
    return words


def told_words(action: AgreementAction, redactor: Redactor) -> str:
    """Whether the person harmed was told of the action's completion: "" while open."""
    if action.status is ActionStatus.OPEN:
        return ""
    if action.told_on is None:
        return "Person harmed not told yet"
    return f"Person harmed told on {show_day(action.told_on)}: {redactor.text(action.told_how)}"


def action_line(case: CaseFile, action: AgreementAction, redactor: Redactor) -> AgreedActionLine:
    return AgreedActionLine(
        description=redactor.text(action.description),
        by_whom=redactor.person(action.by_whom, "Not named"),
        supported_by=redactor.person(action.supported_by, "Not named"),
        supervised_by=redactor.person(action.supervised_by, "Not named"),
        due=show_day(action.due) or "No date",
        status=action_status_label(action.status),
        completion=completion_words(case, action, redactor),
        told=told_words(action, redactor),
    )


def money_line(handover: MoneyHandover, redactor: Redactor) -> MoneyLine:
    return MoneyLine(
        amount=show_money(handover.amount_pence),
        handed_on=show_day(handover.handed_on),
        from_whom=redactor.person(handover.from_whom, "Not named"),
        to_whom=redactor.person(handover.to_whom, "Not named"),
        witness=redactor.person(handover.witness),
        note=redactor.text(handover.note),
    )


def agreement_view(case: CaseFile, redactor: Redactor) -> AgreementView:
    """The case's outcome agreement, its actions (by due date) and the money handed over."""
    agreement = case.agreement
    made = case.agreement_made
    actions = sorted(case.actions, key=lambda a: (a.due or date.max, a.created_at))
    return AgreementView(
        made=MADE_WORDS.get(made or "", "Not recorded"),
        recorded=agreement is not None,
        terms=redactor.text(agreement.terms) if agreement else "",
        agreed_by=tuple(redactor.person(p) for p in agreement.agreed_by) if agreement else (),
        agreed_on=show_day(agreement.agreed_on) if agreement and agreement.agreed_on else "",
        binding=agreement.binding.label if agreement and agreement.binding else "Not recorded",
        completion_shown_by=redactor.text(agreement.completion_shown_by) if agreement else "",
        tell_person_harmed=redactor.text(agreement.tell_person_harmed) if agreement else "",
        actions=tuple(action_line(case, a, redactor) for a in actions),
        money=tuple(money_line(m, redactor) for m in case.money_handovers),
    )
