"""A case's answers read against the catalogue: flags, what applies, progress.

The case model converts its records to the plain facts defined here, so this module
knows nothing of storage. Everything is recomputed from the facts on every call: there
is no stored flag to go stale.

How scope works, everywhere in this module:

- Every item has a scope (its own, else its checklist's): a **case** item has one
  answer per case (``participant_id`` None), a **participant** item one answer per
  participant (``participant_id`` set). A checklist's scope is only the default for
  its items, so a case checklist may hold participant items and the other way round.
- A checklist therefore yields up to two kinds of :class:`ChecklistTarget`: one case
  target holding its case items, and one target per participant holding the
  participant items asked of that participant's role. A participant target exists for
  a participant whose role is among the checklist's ``roles`` (participant checklists;
  none means every role) and who has at least one item: an item with ``roles`` is asked
  only of those roles.
- A checklist with ``applies_when`` is offered only while a current answer to the named
  item (any participant's, for a participant item) is one of ``any_of``; an item with
  ``applies_when`` is asked only then. While that answer is not known (unanswered, or
  "unknown"; for a participant item read for the case, while anyone it is asked of has
  not answered it), ``if_not_known = "ask"`` asks it anyway; "skip" (the default)
  leaves it out. An item that does not apply is not asked, not counted and not a next step; an
  answer already given to it is kept, and still raises its flags.
- An answer naming an unknown checklist or item, or whose ``participant_id`` does not
  fit its item's scope, is ignored everywhere.
- Flags and deadlines come from every current answer, including answers to a checklist
  that no longer applies (after the process type changed, say): a raised flag goes only
  when an answer changes or a recorded override clears it, never silently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TypeVar

from rjfacil.checklists.catalogue import AskedItems, Catalogue
from rjfacil.checklists.schema import (
    AppliesWhen,
    Checklist,
    FlagDef,
    FlagRule,
    Item,
    same_answer,
)
from rjfacil.vocab import CHECKLIST_STAGES


@dataclass(frozen=True)
class AnswerFact:
    """The current answer to one item (for one participant, for a participant item)."""

    checklist_id: str
    item_id: str
    participant_id: str | None
    value: bool | str | None
    answered_by: str
    answered_at: datetime


@dataclass(frozen=True)
class ParticipantFact:
    """A participant as the checklists need them: an id, a role, a label to show."""

    id: str
    role: str
    label: str


@dataclass(frozen=True)
class OverrideFact:
    """A recorded decision on a flag; the latest per flag counts.

    ``cleared=True`` hides a raised flag (it stays listed, not raised, with this
    override shown); ``cleared=False`` cancels an earlier clear.
    """

    flag: str
    cleared: bool
    reason: str
    by: str
    at: datetime
    on: date | None = None
    """The day the manager cleared it, as they gave it (``at`` is when it was recorded)."""


@dataclass(frozen=True)
class AnsweredItem:
    """A current answer with the checklist and item it answers."""

    checklist: Checklist
    item: Item
    answer: AnswerFact


@dataclass(frozen=True)
class FlagReason:
    """One answer behind a flag.

    ``via`` is None when the answer raises this flag itself, else the id (and
    ``via_title`` the title) of the flag it raises, which implies this one.
    """

    checklist_id: str
    item_id: str
    participant_id: str | None
    value: bool | str | None
    ask: str
    reference: str
    why: str
    answer: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    via: str | None = None
    via_title: str = ""


@dataclass(frozen=True)
class FlagState:
    """A flag the answers raise, after any override.

    Attributes:
        flag: The flag's definition (meaning, next steps).
        raised: False only when a current override clears it.
        reasons: The answers behind it, direct ones first.
        implied_by: Ids of the flags raised by answers that imply this one, directly
            or through others, in flags.toml order.
        override: The latest override of this flag, if any.
        override_outdated: The override cleared the flag, but an answer behind it is
            newer than that decision, so the flag is raised again.
    """

    flag: FlagDef
    raised: bool
    reasons: list[FlagReason]
    implied_by: list[str]
    override: OverrideFact | None = None
    override_outdated: bool = False


@dataclass(frozen=True)
class ChecklistTarget:
    """One checklist as it is answered: for the case, or for one participant."""

    checklist: Checklist
    participant: ParticipantFact | None = None
    skipped: frozenset[str] = frozenset()
    """Ids of the items that do not apply to the case (``applies_when``): not asked."""

    @property
    def participant_id(self) -> str | None:
        return self.participant.id if self.participant else None

    @cached_property
    def items(self) -> list[Item]:
        """The items asked for this target, in file order (those that apply)."""
        items = self.checklist.items_for(self.participant.role if self.participant else None)
        if not self.skipped:
            return items
        return [item for item in items if item.id not in self.skipped]

    @property
    def label(self) -> str:
        """The checklist's title, with the participant's label for a participant target."""
        if self.participant is None:
            return self.checklist.title
        return f"{self.checklist.title}: {self.participant.label}"


@dataclass(frozen=True)
class TargetProgress:
    """How far one target has been answered."""

    target: ChecklistTarget
    total: int
    answered: int
    attention: list[Item]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class StageProgress:
    """Totals over the targets of one checklist stage."""

    stage: str
    total: int
    answered: int
    attention: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class CaseProgress:
    """Progress of every applicable target, and per stage (CHECKLIST_STAGES order)."""

    targets: list[TargetProgress]
    stages: list[StageProgress]

    @property
    def total(self) -> int:
        return sum(each.total for each in self.targets)

    @property
    def answered(self) -> int:
        return sum(each.answered for each in self.targets)

    @property
    def attention(self) -> int:
        return sum(len(each.attention) for each in self.targets)

    @property
    def complete(self) -> bool:
        return self.answered == self.total

    def stage(self, stage: str) -> StageProgress | None:
        """The totals of one stage, or None when no applicable checklist has it."""
        for each in self.stages:
            if each.stage == stage:
                return each
        return None


Key = tuple[str, str, str | None]
Value = bool | str | None


class AnswerFacts(list[AnswerFact]):
    """A case's current answers that keep what :func:`current_answers` makes of them, so
    progress, flags and deadlines read from one list locate each answer once.

    Build one per state of the case (the list is not to be changed afterwards).
    """

    def __init__(self, facts: Iterable[AnswerFact]) -> None:
        super().__init__(facts)
        self._located: tuple[Catalogue, list[AnsweredItem]] | None = None


def current_answers(catalogue: Catalogue, answers: Iterable[AnswerFact]) -> list[AnsweredItem]:
    """The answers the engine uses, each with its checklist and item.

    Drops answers to unknown checklists or items and answers whose participant does not
    fit the item's scope; if two answers share a key, the later ``answered_at`` wins.

    Args:
        catalogue: The loaded checklists.
        answers: The case's current answers (:class:`AnswerFacts` keep the result).

    Returns:
        One entry per (checklist, item, participant), in the order first given.
    """
    if isinstance(answers, AnswerFacts):
        located = answers._located
        if located is None or located[0] is not catalogue:
            located = (catalogue, _located(catalogue, answers))
            answers._located = located
        return list(located[1])
    return _located(catalogue, answers)


def _located(catalogue: Catalogue, answers: Iterable[AnswerFact]) -> list[AnsweredItem]:
    found: dict[Key, AnsweredItem] = {}
    for fact in answers:
        located = catalogue.find(fact.checklist_id, fact.item_id)
        if located is None:
            continue
        checklist, item = located
        if (item.scope == "participant") != (fact.participant_id is not None):
            continue
        key = (fact.checklist_id, fact.item_id, fact.participant_id)
        earlier = found.get(key)
        if earlier is None or fact.answered_at >= earlier.answer.answered_at:
            found[key] = AnsweredItem(checklist, item, fact)
    return list(found.values())


def evaluate_flags(
    catalogue: Catalogue,
    answers: Iterable[AnswerFact],
    overrides: Iterable[OverrideFact] = (),
) -> list[FlagState]:
    """The flags the answers raise, directly or by implication, after overrides.

    An override that clears a flag keeps it in the list with ``raised=False`` and the
    override attached. A clear decided before the newest answer behind the flag no
    longer holds: new information raises the flag again (``override_outdated``).
    Implication follows the answers, not the overrides: clearing a flag does not clear
    the flags it implies, each of which has its own override. A rule with a condition
    (``only_if``, ``unless``) reads the flags raised by the rules without one, after
    overrides: clearing "sensitive and complex" also drops what only applies to such a case.

    Args:
        catalogue: The loaded checklists and flags.
        answers: The case's current answers.
        overrides: Every override recorded on the case; the latest per flag counts.

    Returns:
        One state per flag raised by the answers, in flags.toml order.
    """
    current = current_answers(catalogue, answers)
    latest = _latest_overrides(overrides)
    # A rule with applies_when counts only while its condition on the answers holds.
    chosen = (
        _chosen(current)
        if any(rule.applies_when for entry in current for rule in entry.item.flags)
        else {}
    )
    # First the rules without a condition; then the conditional ones, read against the
    # flags the first raise (after overrides), so no rule depends on another condition.
    first = _raise(catalogue, current, latest, chosen, conditional=False)
    if not any(rule.conditional for entry in current for rule in entry.item.flags):
        return first
    up = {state.flag.id for state in first if state.raised}
    return _raise(catalogue, current, latest, chosen, conditional=True, up=up)


def _raise(
    catalogue: Catalogue,
    current: list[AnsweredItem],
    latest: dict[str, OverrideFact],
    chosen: dict[tuple[str, str], list[Value]],
    *,
    conditional: bool,
    up: set[str] | None = None,
) -> list[FlagState]:
    """The flag states from the rules without a condition, or (``conditional``) from
    every rule, a conditional rule counting when its condition holds against ``up``."""
    direct: dict[str, list[FlagReason]] = {}
    for entry in current:
        for rule in entry.item.flags:
            if rule.conditional and (not conditional or not _holds(rule, up or set())):
                continue
            if rule.applies_when is not None and not _holds_on(rule.applies_when, chosen):
                continue
            if any(same_answer(entry.answer.value, each) for each in rule.when):
                direct.setdefault(rule.flag, []).append(_reason(entry, rule.why))
    implied_by: dict[str, list[str]] = {}
    for flag_id in direct:
        for other in catalogue.implied(flag_id):
            implied_by.setdefault(other, []).append(flag_id)
    states = []
    for flag_id, flag in catalogue.flags.items():
        if flag_id not in direct and flag_id not in implied_by:
            continue
        reasons = list(direct.get(flag_id, []))
        for source in implied_by.get(flag_id, []):
            title = catalogue.flags[source].title
            reasons.extend(_via(reason, source, title) for reason in direct[source])
        states.append(_state(catalogue, flag, reasons, implied_by, latest.get(flag_id)))
    return states


def _holds(rule: FlagRule, up: set[str]) -> bool:
    """Whether a conditional rule's condition holds, given the flags raised without one."""
    if rule.only_if is not None and rule.only_if not in up:
        return False
    return rule.unless is None or rule.unless not in up


def blocking(states: Iterable[FlagState]) -> list[FlagState]:
    """The raised flags that are absolute limits (``blocking``), in flags.toml order."""
    return [state for state in states if state.raised and state.flag.blocking]


def raised_flags(states: Iterable[FlagState]) -> list[FlagState]:
    """Only the states still raised after overrides."""
    return [state for state in states if state.raised]


def applicable(
    catalogue: Catalogue,
    answers: Iterable[AnswerFact],
    participants: Sequence[ParticipantFact],
) -> list[ChecklistTarget]:
    """The checklists this case asks for, as targets, in catalogue order.

    Args:
        catalogue: The loaded checklists.
        answers: The case's current answers (``applies_when`` reads them).
        participants: The case's participants, in the order to show them.

    Returns:
        For each checklist that applies: its case target (when it has case items), then
        one target per participant it is asked of.
    """
    current = current_answers(catalogue, answers)
    return [target for target, _asked in _applicable(catalogue, current, participants)]


def _applicable(
    catalogue: Catalogue, current: list[AnsweredItem], participants: Sequence[ParticipantFact]
) -> list[tuple[ChecklistTarget, AskedItems]]:
    """:func:`applicable`'s targets, each with the items it asks."""
    return [
        (ChecklistTarget(checklist, None if at is None else participants[at], skipped), asked)
        for checklist, at, skipped, asked in _targets(catalogue, current, participants)
    ]


# The targets that apply, each as (checklist, index of its participant or None for the
# case's own, ids of the items skipped, the items asked).
Targets = tuple[tuple[Checklist, int | None, frozenset[str], AskedItems], ...]


def _targets(
    catalogue: Catalogue, current: list[AnsweredItem], participants: Sequence[ParticipantFact]
) -> Targets:
    """:func:`applicable`'s targets, worked out once per pattern of answers the conditions
    read and of participants' roles, which cases share (an index rebuild reads them all)."""
    chosen = _chosen(current, catalogue, participants)
    signature, plan = _plan(catalogue, chosen)
    # Beyond the plan, targets differ by each participant's role and, in checklists that
    # read a participant's own answers, by what is skipped for them.
    readers = [checklist for checklist, _ in plan if catalogue.reads_participants(checklist)]
    own = _own(current) if readers else None
    people = tuple(
        (
            participant.role,
            tuple(
                _skipped_for(catalogue, checklist, chosen, own, participant.id)
                for checklist in readers
            ),
        )
        for participant in participants
    )
    return _once(
        catalogue,
        ("targets", signature, people),
        lambda: _worked_out_targets(catalogue, plan, readers, people),
    )


def _worked_out_targets(
    catalogue: Catalogue,
    plan: Plan,
    readers: list[Checklist],
    people: tuple[tuple[str, tuple[frozenset[str], ...]], ...],
) -> Targets:
    targets: list[tuple[Checklist, int | None, frozenset[str], AskedItems]] = []
    reader_of = {checklist.id: at for at, checklist in enumerate(readers)}
    for checklist, skipped in plan:
        asked = catalogue.asked(checklist, None, skipped)
        if asked.items:
            targets.append((checklist, None, skipped, asked))
        reader = reader_of.get(checklist.id)
        for at, (role, skipped_for_them) in enumerate(people):
            # Only participant checklists have roles (the schema refuses others).
            if checklist.roles is not None and role not in checklist.roles:
                continue
            theirs = skipped if reader is None else skipped_for_them[reader]
            asked = catalogue.asked(checklist, role, theirs)
            if asked.items:
                targets.append((checklist, at, theirs, asked))
    return tuple(targets)


Plan = tuple[tuple[Checklist, frozenset[str]], ...]
_PLANS = 1024


def _plan(
    catalogue: Catalogue, chosen: dict[tuple[str, str], list[Value]]
) -> tuple[tuple[object, ...], Plan]:
    """The checklists that apply, each with the ids of its items that do not (for the
    case), and the signature of the answers it comes from. Worked out once per state of
    the answers the conditions read: cases share a few patterns of case facts, and an
    index rebuild reads every case."""
    signature = _signature(catalogue.condition_keys, chosen)
    plan = _once(
        catalogue,
        signature,
        lambda: tuple(
            (checklist, _skipped(catalogue, checklist, chosen))
            for checklist in catalogue.checklists
            if _applies(checklist, chosen)
        ),
    )
    return signature, plan


_Kept = TypeVar("_Kept")


def _once(catalogue: Catalogue, key: tuple[object, ...], work: Callable[[], _Kept]) -> _Kept:
    """``work()``, worked out once per ``key`` and kept in the catalogue's plans (all
    dropped when there are too many: a vault's cases share few patterns)."""
    found = catalogue.plans.get(key)
    if found is None:
        found = work()
        if len(catalogue.plans) >= _PLANS:
            catalogue.plans.clear()
        catalogue.plans[key] = found
    return found  # type: ignore[return-value]


def _signature(
    keys: Sequence[tuple[str, str]], values: Mapping[tuple[str, str], list[Value]]
) -> tuple[object, ...]:
    """The answers (of ``values``) to the items a set of conditions reads, as a key."""
    if not values:  # a case with no answers yet
        return ()
    return tuple(tuple(values.get(key, ())) for key in keys)


def _skipped_for(
    catalogue: Catalogue,
    checklist: Checklist,
    chosen: dict[tuple[str, str], list[Value]],
    own: dict[tuple[str, str, str | None], list[Value]] | None,
    participant_id: str,
) -> frozenset[str]:
    """:func:`_skipped` for one participant, worked out once per state of what the
    checklist's conditions read (every answer, and the participant's own)."""
    conditions = catalogue.conditions(checklist)
    theirs = tuple(
        tuple((own or {}).get((c.rule.checklist_id, c.rule.item_id, participant_id), ()))
        for c in conditions
        if c.per_participant
    )
    shared = tuple(
        tuple(chosen.get((c.rule.checklist_id, c.rule.item_id), ()))
        for c in conditions
        if not c.per_participant
    )
    return _once(
        catalogue,
        ("participant", checklist.id, shared, theirs),
        lambda: _skipped(catalogue, checklist, chosen, own, participant_id),
    )


def skipped_items(
    catalogue: Catalogue,
    checklist: Checklist,
    answers: Iterable[AnswerFact],
    participant_id: str | None = None,
    participants: Sequence[ParticipantFact] = (),
) -> frozenset[str]:
    """Ids of the checklist's items that do not apply now (``applies_when``), for the
    case (``participant_id`` None) or for one participant.

    Args:
        catalogue: The loaded checklists.
        checklist: The checklist.
        answers: The case's current answers (the conditions read them).
        participant_id: The participant the checklist is answered for, if any: a
            condition on a participant's item reads that participant's own answer.
        participants: The case's participants: a condition on a participant item read
            for the case waits for the answers of those asked it (see :func:`applicable`).
    """
    if not catalogue.conditional(checklist):
        return frozenset()
    current = current_answers(catalogue, answers)
    chosen = _chosen(current, catalogue, participants)
    return _skipped(catalogue, checklist, chosen, _own(current), participant_id)


def _skipped(
    catalogue: Catalogue,
    checklist: Checklist,
    chosen: dict[tuple[str, str], list[Value]],
    own: dict[tuple[str, str, str | None], list[Value]] | None = None,
    participant_id: str | None = None,
) -> frozenset[str]:
    """The ids of the conditional items whose condition does not hold. For a participant,
    a condition on a participant item reads only that participant's answer; otherwise
    (and for the case) it reads every answer to the item."""
    conditions = catalogue.conditions(checklist)
    if not conditions:
        return frozenset()
    skipped: list[str] = []
    for condition in conditions:
        rule = condition.rule
        values: Sequence[Value] = chosen.get((rule.checklist_id, rule.item_id), ())
        if participant_id is not None and own is not None and condition.per_participant:
            values = own.get((rule.checklist_id, rule.item_id, participant_id), ())
        if not _holds_for(rule, values):
            skipped.extend(condition.item_ids)
    return frozenset(skipped)


def known_not_to_apply(
    catalogue: Catalogue,
    current: Sequence[AnsweredItem],
    among: Sequence[AnsweredItem] | None = None,
) -> set[tuple[str, str]]:
    """The (checklist, item) pairs with an answer whose checklist or item is known not to
    apply: a condition that does not hold on answers given, not one merely not known yet.

    Args:
        catalogue: The loaded checklists.
        current: The case's :func:`current_answers` (the conditions read them).
        among: The answers to look at; default all of ``current``.
    """
    del catalogue  # the answers carry their checklists and items
    chosen = _chosen(current)
    out: set[tuple[str, str]] = set()
    for entry in current if among is None else among:
        rules = (entry.checklist.applies_when, entry.item.applies_when)
        for rule in rules:
            if rule is None:
                continue
            values = chosen.get((rule.checklist_id, rule.item_id), ())
            if any(_known(value) for value in values) and not _holds_for(rule, values):
                out.add((entry.checklist.id, entry.item.id))
    return out


def _own(current: Iterable[AnsweredItem]) -> dict[tuple[str, str, str | None], list[Value]]:
    """The current answers' values per (checklist, item, participant)."""
    own: dict[tuple[str, str, str | None], list[Value]] = {}
    for entry in current:
        key = (entry.checklist.id, entry.item.id, entry.answer.participant_id)
        own.setdefault(key, []).append(entry.answer.value)
    return own


def progress(
    catalogue: Catalogue,
    answers: Iterable[AnswerFact],
    participants: Sequence[ParticipantFact],
) -> CaseProgress:
    """How far each applicable checklist has been answered, and per stage.

    An item counts as answered when its answer is a real one (:meth:`Item.is_answered`:
    an unticked check or empty text is not). It needs attention when its answer is in
    the item's ``attention`` list.

    Args:
        catalogue: The loaded checklists.
        answers: The case's current answers.
        participants: The case's participants.

    Returns:
        The progress of every target from :func:`applicable`, and totals per stage.
    """
    current = current_answers(catalogue, answers)
    by_target = _by_target(_index_of(current))
    rows = [
        _progress(by_target.get((target.checklist.id, target.participant_id)), target, asked)
        for target, asked in _applicable(catalogue, current, participants)
    ]
    totals: dict[str, list[int]] = {}
    for row in rows:
        total = totals.setdefault(row.target.checklist.stage, [0, 0, 0])
        total[0] += row.total
        total[1] += row.answered
        total[2] += len(row.attention)
    return CaseProgress(rows, _stages(totals))


def stage_totals(
    catalogue: Catalogue,
    answers: Iterable[AnswerFact],
    participants: Sequence[ParticipantFact],
) -> list[StageProgress]:
    """``progress(...).stages``, counted without a row per target: what a case-list row
    needs, for every case when the list is rebuilt (most targets have no answer yet)."""
    current = current_answers(catalogue, answers)
    by_target = _by_target(_index_of(current))
    totals: dict[str, list[int]] = {}
    for checklist, at, _skipped, asked in _targets(catalogue, current, participants):
        total = totals.setdefault(checklist.stage, [0, 0, 0])
        total[0] += len(asked.items)
        values = by_target.get((checklist.id, None if at is None else participants[at].id))
        if values:
            answered, attention = _answered(values, asked)
            total[1] += len(answered)
            total[2] += len(attention)
    return _stages(totals)


def _stages(totals: dict[str, list[int]]) -> list[StageProgress]:
    """Totals per stage ([items, answered, needing attention]) in CHECKLIST_STAGES order."""
    return [
        StageProgress(stage, total=total, answered=answered, attention=attention)
        for stage in CHECKLIST_STAGES
        if stage in totals
        for total, answered, attention in [totals[stage]]
    ]


def target_progress(
    catalogue: Catalogue, target: ChecklistTarget, answers: Iterable[AnswerFact]
) -> TargetProgress:
    """How far one target has been answered, counted as :func:`progress` counts it.

    The target need not apply to the case now (a checklist walked before the process
    changed): its answers still count here.
    """
    by_target = _by_target(_index_of(current_answers(catalogue, answers)))
    role = target.participant.role if target.participant else None
    return _progress(
        by_target.get((target.checklist.id, target.participant_id)),
        target,
        catalogue.asked(target.checklist, role, target.skipped),
    )


def _by_target(index: dict[Key, AnswerFact]) -> dict[tuple[str, str | None], dict[str, Value]]:
    """The answers grouped per target (checklist, participant), by item id."""
    grouped: dict[tuple[str, str | None], dict[str, Value]] = {}
    for (checklist_id, item_id, participant_id), fact in index.items():
        grouped.setdefault((checklist_id, participant_id), {})[item_id] = fact.value
    return grouped


def _progress(
    values: dict[str, Value] | None, target: ChecklistTarget, asked: AskedItems
) -> TargetProgress:
    if not values:  # most targets of a case
        return TargetProgress(target, len(asked.items), 0, [])
    answered, attention = _answered(values, asked)
    return TargetProgress(target, len(asked.items), len(answered), attention)


def _answered(
    values: dict[str, Value], asked: AskedItems
) -> tuple[list[tuple[Item, Value]], list[Item]]:
    """The items asked that ``values`` answers (each with its answer), and those of them
    whose answer needs attention, in the items' order."""
    # Answers are few and items many: place each answer among the target's items, and
    # keep the items' order.
    hits = sorted(
        (
            (asked.places[item_id], value)
            for item_id, value in values.items()
            if item_id in asked.places
        ),
        key=lambda hit: hit[0][0],
    )
    answered = [(item, value) for (_, item), value in hits if item.is_answered(value)]
    attention = [
        item for item, value in answered if any(same_answer(value, each) for each in item.attention)
    ]
    return answered, attention


def next_unanswered(target: ChecklistTarget, answers: Iterable[AnswerFact]) -> Item | None:
    """The first item of ``target`` (in file order) without a real answer, or None."""
    values: dict[Key, bool | str | None] = {}
    for fact in answers:
        if fact.checklist_id == target.checklist.id:
            values[(fact.checklist_id, fact.item_id, fact.participant_id)] = fact.value
    for item in target.items:
        key = (target.checklist.id, item.id, target.participant_id)
        if not item.is_answered(values.get(key)):
            return item
    return None


def _index_of(current: Iterable[AnsweredItem]) -> dict[Key, AnswerFact]:
    return {(e.checklist.id, e.item.id, e.answer.participant_id): e.answer for e in current}


def _chosen(
    current: Sequence[AnsweredItem],
    catalogue: Catalogue | None = None,
    participants: Sequence[ParticipantFact] = (),
) -> dict[tuple[str, str], list[Value]]:
    """The current answers' values per (checklist, item), every participant's together.

    Given the catalogue and the participants, a participant item that a condition reads
    for the case (:attr:`Catalogue.awaited`) also gets None (not known yet) for each
    participant it is asked of who has not answered it: "no one's motivation raises
    concern" is not known while someone's motivation has not been assessed.
    """
    chosen: dict[tuple[str, str], list[Value]] = {}
    for entry in current:
        chosen.setdefault((entry.checklist.id, entry.item.id), []).append(entry.answer.value)
    if catalogue is None or not participants:
        return chosen
    waiting: dict[tuple[str, str], list[Value]] = {}
    for checklist, item in catalogue.awaited:
        if not _applies(checklist, chosen):
            continue
        done = {
            entry.answer.participant_id
            for entry in current
            if entry.item is item and entry.checklist is checklist
        }
        for participant in participants:
            if participant.id in done:
                continue
            if checklist.roles is not None and participant.role not in checklist.roles:
                continue
            if item.id in catalogue.asked(checklist, participant.role).places:
                waiting.setdefault((checklist.id, item.id), []).append(None)
    for key, nones in waiting.items():
        chosen[key] = [*chosen.get(key, ()), *nones]
    return chosen


def _applies(checklist: Checklist, chosen: dict[tuple[str, str], list[Value]]) -> bool:
    rule = checklist.applies_when
    return rule is None or _holds_on(rule, chosen)


def _holds_on(rule: AppliesWhen, chosen: dict[tuple[str, str], list[Value]]) -> bool:
    return _holds_for(rule, chosen.get((rule.checklist_id, rule.item_id), ()))


def _holds_for(rule: AppliesWhen, values: Sequence[Value]) -> bool:
    """Whether a condition holds: one of ``values`` (the current answers to its item) is
    one of ``any_of``, or (``if_not_known = "ask"``) one of them is not known yet: for a
    participant item read for the case, anyone's answer still to come may be one of
    ``any_of``."""
    if not values:  # most conditions of most cases
        return rule.if_not_known == "ask"
    if any(same_answer(value, each) for value in values for each in rule.any_of):
        return True
    return rule.if_not_known == "ask" and not all(_known(value) for value in values)


def _known(value: Value) -> bool:
    """Whether an answer states something (not None, empty text or "unknown")."""
    if value is None or value is False:
        return False
    return not (isinstance(value, str) and value.strip() in ("", "unknown"))


def _reason(entry: AnsweredItem, why: str) -> FlagReason:
    fact = entry.answer
    return FlagReason(
        checklist_id=entry.checklist.id,
        item_id=entry.item.id,
        participant_id=fact.participant_id,
        value=fact.value,
        ask=entry.item.ask,
        reference=entry.item.reference,
        why=why,
        answer=entry.item.describe(fact.value),
        answered_by=fact.answered_by,
        answered_at=fact.answered_at,
    )


def _via(reason: FlagReason, source: str, title: str) -> FlagReason:
    return FlagReason(
        checklist_id=reason.checklist_id,
        item_id=reason.item_id,
        participant_id=reason.participant_id,
        value=reason.value,
        ask=reason.ask,
        reference=reason.reference,
        why=reason.why,
        answer=reason.answer,
        answered_by=reason.answered_by,
        answered_at=reason.answered_at,
        via=source,
        via_title=title,
    )


def _latest_overrides(overrides: Iterable[OverrideFact]) -> dict[str, OverrideFact]:
    latest: dict[str, OverrideFact] = {}
    for override in overrides:
        earlier = latest.get(override.flag)
        if earlier is None or override.at >= earlier.at:
            latest[override.flag] = override
    return latest


def _state(
    catalogue: Catalogue,
    flag: FlagDef,
    reasons: list[FlagReason],
    implied_by: dict[str, list[str]],
    override: OverrideFact | None,
) -> FlagState:
    outdated = False
    raised = True
    if override is not None and override.cleared:
        outdated = any(
            reason.answered_at is not None and reason.answered_at > override.at
            for reason in reasons
        )
        raised = outdated
    sources = [other for other in catalogue.flags if other in implied_by.get(flag.id, [])]
    return FlagState(flag, raised, reasons, sources, override, outdated)
