"""The loaded checklists and flags, with lookups. Built by :mod:`rjfacil.checklists.load`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rjfacil.checklists.schema import AppliesWhen, Checklist, FlagDef, Item
from rjfacil.errors import ChecklistError
from rjfacil.vocab import CHECKLIST_STAGES


def catalogue_order(checklist: Checklist) -> tuple[int, int, str]:
    """Sort key: stage (in CHECKLIST_STAGES order), then ``order``, then id."""
    return (CHECKLIST_STAGES.index(checklist.stage), checklist.order, checklist.id)


@dataclass(frozen=True)
class AskedItems:
    """The items one checklist asks of the case or of one role, in file order.

    Attributes:
        items: The items.
        places: Each item with its index in ``items``, by item id.
    """

    items: tuple[Item, ...]
    places: Mapping[str, tuple[int, Item]]


@dataclass(frozen=True)
class Condition:
    """One condition (``applies_when``) and the items of a checklist that share it.

    Attributes:
        rule: The condition.
        item_ids: The items it decides, in file order.
        per_participant: The condition reads a participant item, and at least one of
            ``item_ids`` is a participant item: asked of a participant, it reads their
            own answer.
    """

    rule: AppliesWhen
    item_ids: tuple[str, ...]
    per_participant: bool


@dataclass(frozen=True)
class Catalogue:
    """Every checklist (guidance and organisation) and every flag, validated.

    Attributes:
        checklists: Ordered by stage, then ``order``, then id.
        flags: By id, in flags.toml order.
    """

    checklists: tuple[Checklist, ...]
    flags: Mapping[str, FlagDef]
    _by_id: dict[str, Checklist] = field(init=False, repr=False, compare=False)
    _implied: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _facts: dict[str, tuple[str, Item]] = field(init=False, repr=False, compare=False)
    _items: dict[tuple[str, str], tuple[Checklist, Item]] = field(
        init=False, repr=False, compare=False
    )
    # Items asked per (checklist id, role; None for the case's own), with each item's place
    # among them: filled on first use (every case-list row counts them).
    _asked: dict[tuple[str, str | None, frozenset[str]], AskedItems] = field(
        init=False, repr=False, compare=False
    )
    _conditional: dict[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)
    _conditions: dict[str, tuple[Condition, ...]] = field(init=False, repr=False, compare=False)
    _condition_keys: tuple[tuple[str, str], ...] = field(init=False, repr=False, compare=False)
    _reads_participants: frozenset[str] = field(init=False, repr=False, compare=False)
    _awaited: tuple[tuple[Checklist, Item], ...] = field(init=False, repr=False, compare=False)
    plans: dict[tuple[object, ...], object] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    """What applies, per state of the answers the conditions read: filled by
    :mod:`rjfacil.checklists.evaluate` (cases share a few patterns of case facts)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {each.id: each for each in self.checklists})
        # As Checklist.item finds them: the first item with an id (ids are unique anyway).
        items = {
            (checklist.id, item.id): (checklist, item)
            for checklist in self._by_id.values()
            for item in reversed(checklist.items)
        }
        object.__setattr__(self, "_items", items)
        object.__setattr__(self, "_asked", {})
        conditional = {
            checklist.id: tuple(item for item in checklist.items if item.applies_when is not None)
            for checklist in self.checklists
        }
        object.__setattr__(self, "_conditional", conditional)
        object.__setattr__(
            self,
            "_conditions",
            {checklist_id: self._group(items) for checklist_id, items in conditional.items()},
        )
        keys: dict[tuple[str, str], None] = {}
        for checklist in self.checklists:
            rules = [checklist.applies_when] + [
                condition.rule for condition in self._conditions[checklist.id]
            ]
            for rule in rules:
                if rule is not None:
                    keys[(rule.checklist_id, rule.item_id)] = None
        object.__setattr__(self, "_condition_keys", tuple(keys))
        reads = frozenset(
            checklist_id
            for checklist_id, conditions in self._conditions.items()
            if any(condition.per_participant for condition in conditions)
        )
        object.__setattr__(self, "_reads_participants", reads)
        object.__setattr__(self, "_awaited", self._read_for_the_case())
        implied = {flag_id: _closure(flag_id, self.flags) for flag_id in self.flags}
        object.__setattr__(self, "_implied", implied)
        facts = {
            item.fact: (checklist.id, item)
            for checklist in self.checklists
            for item in checklist.items
            if item.fact is not None
        }
        object.__setattr__(self, "_facts", facts)

    @property
    def facts(self) -> Mapping[str, tuple[str, Item]]:
        """The items that state a case fact, by fact: (checklist id, item)."""
        return self._facts

    def checklist(self, checklist_id: str) -> Checklist:
        """The checklist with this id.

        Raises:
            ChecklistError: No checklist has this id (for example an organisation's
                checklist whose file was removed after answers were given).
        """
        found = self._by_id.get(checklist_id)
        if found is None:
            raise ChecklistError(
                f"There is no checklist '{checklist_id}' in the guidance or the "
                "organisation's checklist files."
            )
        return found

    def item(self, checklist_id: str, item_id: str) -> Item:
        """The item ``item_id`` of checklist ``checklist_id``.

        Raises:
            ChecklistError: The checklist or the item does not exist.
        """
        found = self.checklist(checklist_id).item(item_id)
        if found is None:
            raise ChecklistError(f"The checklist '{checklist_id}' has no item '{item_id}'.")
        return found

    def find(self, checklist_id: str, item_id: str) -> tuple[Checklist, Item] | None:
        """The checklist and item, or None when either is unknown (no exception)."""
        return self._items.get((checklist_id, item_id))

    def asked(
        self, checklist: Checklist, role: str | None, skipped: frozenset[str] = frozenset()
    ) -> AskedItems:
        """The items of a checklist asked of a participant in ``role``, or of the case
        (None): :meth:`Checklist.items_for` less the ids in ``skipped`` (items that do
        not apply to the case), with each item's place, worked out once."""
        key = (checklist.id, role, skipped)
        found = self._asked.get(key)
        if found is None:
            items = tuple(item for item in checklist.items_for(role) if item.id not in skipped)
            found = AskedItems(items, {item.id: (place, item) for place, item in enumerate(items)})
            self._asked[key] = found
        return found

    def _group(self, items: tuple[Item, ...]) -> tuple[Condition, ...]:
        """The items' conditions, each once, with the items that share it."""
        groups: dict[tuple[object, ...], tuple[AppliesWhen, list[Item]]] = {}
        for item in items:
            rule = item.applies_when
            assert rule is not None  # only conditional items are grouped
            key = (rule.item, tuple((type(v), v) for v in rule.any_of), rule.if_not_known)
            groups.setdefault(key, (rule, []))[1].append(item)
        conditions = []
        for rule, members in groups.values():
            found = self._items.get((rule.checklist_id, rule.item_id))
            reads_participant = found is not None and found[1].scope == "participant"
            per_participant = reads_participant and any(
                member.scope == "participant" for member in members
            )
            conditions.append(
                Condition(rule, tuple(member.id for member in members), per_participant)
            )
        return tuple(conditions)

    @property
    def condition_keys(self) -> tuple[tuple[str, str], ...]:
        """Every (checklist id, item id) a condition of a checklist or an item reads."""
        return self._condition_keys

    @property
    def awaited(self) -> tuple[tuple[Checklist, Item], ...]:
        """The participant items a condition reads for the case (every participant's
        answers together), each with its checklist: until everyone asked such an item has
        answered it, the answer the condition reads is not known. Items that are
        themselves conditional are left out (who is asked them depends on more)."""
        return self._awaited

    def _read_for_the_case(self) -> tuple[tuple[Checklist, Item], ...]:
        rules = []
        for checklist in self.checklists:
            if checklist.applies_when is not None:
                rules.append(checklist.applies_when)
            for condition in self._conditions[checklist.id]:
                case_member = any(
                    item.id == member and item.scope == "case"
                    for member in condition.item_ids
                    for item in checklist.items
                )
                if not condition.per_participant or case_member:
                    rules.append(condition.rule)
        found: dict[tuple[str, str], tuple[Checklist, Item]] = {}
        for rule in rules:
            located = self._items.get((rule.checklist_id, rule.item_id))
            if located is None:
                continue
            if located[1].scope == "participant" and located[1].applies_when is None:
                found[(rule.checklist_id, rule.item_id)] = located
        return tuple(found.values())

    def reads_participants(self, checklist: Checklist) -> bool:
        """Whether a condition of the checklist's items reads a participant's own answer."""
        if checklist.id in self._conditions:
            return checklist.id in self._reads_participants
        return any(condition.per_participant for condition in self.conditions(checklist))

    def conditions(self, checklist: Checklist) -> tuple[Condition, ...]:
        """The conditions of the checklist's items, each once (:class:`Condition`)."""
        found = self._conditions.get(checklist.id)
        if found is None:  # a checklist outside the catalogue
            return self._group(self.conditional(checklist))
        return found

    def conditional(self, checklist: Checklist) -> tuple[Item, ...]:
        """The checklist's items that apply only under a condition (``applies_when``)."""
        found = self._conditional.get(checklist.id)
        if found is None:  # a checklist outside the catalogue
            return tuple(item for item in checklist.items if item.applies_when is not None)
        return found

    def flag(self, flag_id: str) -> FlagDef:
        """The flag with this id.

        Raises:
            ChecklistError: No flag has this id.
        """
        found = self.flags.get(flag_id)
        if found is None:
            raise ChecklistError(f"There is no flag '{flag_id}' in flags.toml.")
        return found

    def implied(self, flag_id: str) -> tuple[str, ...]:
        """The flags raised together with ``flag_id`` (``implies``, transitively)."""
        return self._implied.get(flag_id, ())

    def by_stage(self, stage: str) -> list[Checklist]:
        """The checklists of one stage, in catalogue order."""
        return [each for each in self.checklists if each.stage == stage]


def _closure(start: str, flags: Mapping[str, FlagDef]) -> tuple[str, ...]:
    found: list[str] = []
    todo: Sequence[str] = list(flags[start].implies)
    while todo:
        current, *rest = todo
        todo = rest
        if current == start or current in found or current not in flags:
            continue
        found.append(current)
        todo = [*todo, *flags[current].implies]
    return tuple(found)
