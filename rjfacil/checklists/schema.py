"""The checklist file schema (checklists/README.md) as pydantic models.

Every model forbids unknown fields and is strict about types, so a typing slip in a
file (``order = "10"``, ``when = [1]``) is reported rather than guessed at.

Validation context, passed as ``Model.model_validate(data, context={...})``:

- ``shipped`` (bool): the file ships with rjfacil, so every reference must be in the
  guidance's form (:data:`GUIDANCE_REFERENCE`). An organisation's files may use any
  non-empty reference.
- ``flag_ids`` (a set of str, or None): the flags an item may raise; None skips the check.

Messages raised here are written for the person editing the file; the loader adds the
file name and the item id in front of them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from rjfacil.vocab import CHECKLIST_STAGES, ProcessType, Role

Kind = Literal["check", "yes_no_unknown", "choice", "text", "date"]
Scope = Literal["case", "participant", "letter"]
Origin = Literal["guidance", "organisation"]
AnswerValue = bool | str

KINDS: tuple[str, ...] = ("check", "yes_no_unknown", "choice", "text", "date")
SCOPES: tuple[str, ...] = ("case", "participant", "letter")
# Scopes a whole checklist may have; "letter" (asked for each version of each letter, in
# the letter's vetting) is for items only.
CHECKLIST_SCOPES: tuple[str, ...] = ("case", "participant")
YES_NO_UNKNOWN: tuple[str, ...] = ("yes", "no", "unknown")

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

# The case facts an item may state (``fact = "..."``), with the answer kind each needs. The
# case's own field is the one home of such a fact: answering the item writes the field,
# and the item's answer is read from it (rjfacil.commands.casefile).
FACTS: dict[str, Kind] = {
    "process": "choice",
    "referral_date": "date",
    "meeting_date": "date",
    "meeting_venue": "text",
    "co_worker": "text",
    "case_supervisor": "text",
}

# The reference forms of checklists/README.md: the Best Practice Guidance's own numbering
# (section letter, subsection such as 2(a), paragraph or "fn" footnote), then the other
# sources by their short names.
GUIDANCE_REFERENCE = re.compile(
    r"[A-F](?: \d+\([a-z]\))?(?: (?:fn )?\d+)?"
    r"|HMPPS \d+(?:\.\d+)*"
    r"|NCJB \d+(?:\.\d+)*"
    r"|APPG WS\d+"
    r"|MoJ OYO"
)
REFERENCE_EXAMPLES = "'A 2(a) 3', 'A 2(a) fn 5', 'B 10', 'HMPPS 4.4', 'NCJB 3.5.4'"


def _or_list(values: tuple[str, ...] | list[str]) -> str:
    """``a, b or c``: for the "use ..." part of a message."""
    values = list(values)
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _id(value: str) -> str:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"id {value!r} is not valid: use lower-case letters, digits and _, "
            "starting with a letter"
        )
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be empty")
    return value


def _reference(value: str, info: ValidationInfo) -> str:
    if not value.strip():
        raise ValueError("reference must not be empty")
    context = info.context or {}
    if context.get("shipped") and not GUIDANCE_REFERENCE.fullmatch(value):
        raise ValueError(
            f"reference {value!r} is not in the guidance's form "
            f"(e.g. {REFERENCE_EXAMPLES}; see checklists/README.md)"
        )
    return value


def _dotted_item(value: str, what: str) -> str:
    """An item named across files, "<checklist id>.<item id>"."""
    parts = value.split(".")
    if len(parts) != 2 or not all(ID_PATTERN.fullmatch(part) for part in parts):
        raise ValueError(
            f'{what} {value!r} must be "<checklist id>.<item id>", e.g. "process.process_type"'
        )
    return value


Id = Annotated[str, AfterValidator(_id)]
Text = Annotated[str, AfterValidator(_text)]
Reference = Annotated[str, AfterValidator(_reference)]


def _answer_list(value: Any, field: str) -> Any:
    """Check a list of answers holds only true/false and text, before strict typing."""
    if not isinstance(value, list):
        raise ValueError(f'{field} must be a list of answers, e.g. ["yes"]')
    for each in value:
        if not isinstance(each, bool | str):
            raise ValueError(
                f'{field} holds {each!r}: answers are text ("yes", a choice id) or true/false'
            )
    return value


def _roles(value: Any) -> Any:
    if not isinstance(value, list):
        raise ValueError('roles must be a list, e.g. ["person_harmed"]')
    if not value:
        raise ValueError("roles must name at least one role (or be left out for every role)")
    known = [role.value for role in Role]
    roles = []
    for each in value:
        if each not in known:
            raise ValueError(f"unknown role {each!r} (use {_or_list(known)})")
        roles.append(Role(each))
    return roles


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Choice(_Model):
    """One answer of a ``choice`` item."""

    id: Id
    label: Text


class ItemDeadline(_Model):
    """A timescale started by a ``date`` answer, in England and Wales working days."""

    working_days: int
    label: Text
    reference: Reference
    done_by: Id | None = None
    """A date item of the same checklist that records the duty as done: once it has a
    date, the deadline is met (on time or late) rather than due or overdue."""

    @field_validator("working_days")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"working_days must be 1 or more, not {value}")
        return value


class AppliesWhen(_Model):
    """When a checklist or an item applies: while the answer to ``item`` is one of ``any_of``.

    ``if_not_known`` says what holds while that answer is not known yet (unanswered, or
    answered "unknown"): "skip" (the default) leaves the checklist or item out until it
    is known; "ask" asks it, so nothing is hidden on a guess.
    """

    item: str
    any_of: list[AnswerValue] = Field(min_length=1)
    if_not_known: Literal["ask", "skip"] = "skip"

    @field_validator("if_not_known", mode="before")
    @classmethod
    def _known_if_not_known(cls, value: Any) -> Any:
        if value not in ("ask", "skip"):
            raise ValueError(f'if_not_known must be "ask" or "skip", not {value!r}')
        return value

    @field_validator("item")
    @classmethod
    def _dotted(cls, value: str) -> str:
        return _dotted_item(value, "applies_when item")

    @field_validator("any_of", mode="before")
    @classmethod
    def _any_of_answers(cls, value: Any) -> Any:
        return _answer_list(value, "any_of")

    @property
    def checklist_id(self) -> str:
        return self.item.split(".")[0]

    @property
    def item_id(self) -> str:
        return self.item.split(".")[1]


class FlagRule(_Model):
    """A flag an item raises when its answer is one of ``when``."""

    flag: Id
    when: list[AnswerValue] = Field(min_length=1)
    why: Text
    only_if: Id | None = None
    """Raise it only while this other flag is raised (by rules without a condition)."""
    unless: Id | None = None
    """Raise it only while this other flag is not raised (by rules without a condition)."""
    applies_when: AppliesWhen | None = None
    """Raise it only while this condition on the case's answers holds (an HMPPS duty on
    the HMPPS route, say)."""

    @property
    def conditional(self) -> bool:
        """Whether the rule depends on another flag."""
        return self.only_if is not None or self.unless is not None

    @field_validator("when", mode="before")
    @classmethod
    def _when_answers(cls, value: Any) -> Any:
        return _answer_list(value, "when")

    @field_validator("flag", "only_if", "unless")
    @classmethod
    def _known_flag(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        known = (info.context or {}).get("flag_ids")
        if known is not None and value not in known:
            raise ValueError(f"unknown flag {value!r} (not in flags.toml)")
        return value


class _Scoped(_Model):
    """What items and checklists share: who they are asked of, and where they come from."""

    _origin: Origin = PrivateAttr(default="guidance")

    @property
    def origin(self) -> Origin:
        """ "guidance" for shipped content, "organisation" for an organisation's own."""
        return self._origin

    @field_validator("scope", mode="before", check_fields=False)
    @classmethod
    def _known_scope(cls, value: Any) -> Any:
        if value not in SCOPES:
            raise ValueError(f"unknown scope {value!r} (use case, participant or letter)")
        return value

    @field_validator("roles", mode="before", check_fields=False)
    @classmethod
    def _known_roles(cls, value: Any) -> Any:
        return _roles(value)


class Item(_Scoped):
    """One question of a checklist, as a facilitator would ask it of themselves.

    ``scope`` is None in a file when the item follows its checklist; the loader fills
    it in, so in a loaded catalogue every item's scope is set. ``origin`` says whether
    the item comes from the guidance or from an organisation's own file.
    """

    id: Id
    ask: Text
    reference: Reference
    kind: Kind
    help: str = ""
    scope: Scope | None = None
    roles: list[Role] | None = None
    attention: list[AnswerValue] = Field(default_factory=list)
    choices: list[Choice] | None = None
    deadline: ItemDeadline | None = None
    flags: list[FlagRule] = Field(default_factory=list)
    fact: str | None = None
    applies_when: AppliesWhen | None = None
    """Ask the item only while this condition holds (checked across files at load)."""
    reads: str | None = None
    """An earlier item ("<checklist id>.<item id>") whose answer this one builds on: it is
    shown with this item as already answered there, so this item asks only what that one
    did not (checked across files at load)."""

    @property
    def reads_checklist_id(self) -> str:
        """The checklist of the item this one reads ("" when it reads none)."""
        return self.reads.split(".")[0] if self.reads else ""

    @property
    def reads_item_id(self) -> str:
        """The id of the item this one reads ("" when it reads none)."""
        return self.reads.split(".")[1] if self.reads else ""

    @field_validator("reads")
    @classmethod
    def _reads_dotted(cls, value: str | None) -> str | None:
        return None if value is None else _dotted_item(value, "reads")

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        if value not in KINDS:
            raise ValueError(f"unknown answer kind {value!r} (use {_or_list(KINDS)})")
        return value

    @field_validator("attention", mode="before")
    @classmethod
    def _attention_answers(cls, value: Any) -> Any:
        return _answer_list(value, "attention")

    @field_validator("fact")
    @classmethod
    def _known_fact(cls, value: str | None) -> str | None:
        if value is not None and value not in FACTS:
            raise ValueError(f"unknown case fact {value!r} (use {_or_list(list(FACTS))})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.kind == "choice":
            if not self.choices:
                raise ValueError("a choice item needs choices = [{ id = ..., label = ... }]")
            ids = [choice.id for choice in self.choices]
            repeated = sorted({each for each in ids if ids.count(each) > 1})
            if repeated:
                raise ValueError(f"choice id {repeated[0]!r} appears twice")
        elif self.choices is not None:
            raise ValueError(f"choices are only for choice items, not {self.kind}")
        if self.deadline is not None and self.kind != "date":
            raise ValueError(f'a deadline needs kind = "date", not {self.kind}')
        for rule in self.flags:
            self._check_answers(rule.when, f"flag {rule.flag!r}: when")
        self._check_answers(self.attention, "attention")
        if self.fact is not None:
            self._check_fact(self.fact)
        return self

    def _check_fact(self, fact: str) -> None:
        if self.kind != FACTS[fact]:
            raise ValueError(
                f'the case fact {fact!r} needs kind = "{FACTS[fact]}", not {self.kind}'
            )
        if fact == "process":
            known = [process.value for process in ProcessType]
            for choice in self.choices or ():
                if choice.id not in known:
                    raise ValueError(
                        f"choice {choice.id!r} is not a process the case can record "
                        f"(use {_or_list(known)})"
                    )

    def _check_answers(self, values: list[AnswerValue], what: str) -> None:
        if not values:
            return
        allowed = self.fixed_answers()
        if allowed is None:
            raise ValueError(
                f"{what} needs fixed answers, which a {self.kind} item does not have "
                "(use it on check, yes_no_unknown or choice items)"
            )
        for value in values:
            if not any(same_answer(value, each) for each in allowed):
                shown = _or_list([_toml(each) for each in allowed])
                raise ValueError(f"{what}: {_toml(value)} is not an answer here (use {shown})")

    def fixed_answers(self) -> tuple[AnswerValue, ...] | None:
        """The answers this item can have, or None for free text and dates."""
        if self.kind == "check":
            return (True, False)
        if self.kind == "yes_no_unknown":
            return YES_NO_UNKNOWN
        if self.kind == "choice":
            return tuple(choice.id for choice in self.choices or ())
        return None

    def is_answered(self, value: AnswerValue | None) -> bool:
        """Whether ``value`` is a real answer to this item.

        An unticked check, empty text, an unparsable date or a choice that no longer
        exists count as unanswered, so progress never counts them as done.
        """
        if value is None:
            return False
        if self.kind == "check":
            return value is True
        if self.kind == "text":
            return isinstance(value, str) and bool(value.strip())
        if self.kind == "date":
            return parse_date(value) is not None
        allowed = self.fixed_answers() or ()
        return any(same_answer(value, each) for each in allowed)

    def describe(self, value: AnswerValue | None) -> str:
        """The answer as a facilitator reads it (a choice's label, "yes", "ticked")."""
        if value is None:
            return "not answered"
        if self.kind == "check":
            return "ticked" if value is True else "not ticked"
        if self.kind == "choice":
            for choice in self.choices or ():
                if choice.id == value:
                    return choice.label
        return str(value)


class Checklist(_Scoped):
    """One checklist: a guidance section's questions for one stage of a case."""

    id: Id
    title: Text
    reference: Reference
    stage: str
    scope: Scope
    roles: list[Role] | None = None
    help: str = ""
    order: int = 0
    applies_when: AppliesWhen | None = None
    items: list[Item]
    # Items per role (None: the case's own items), filled on first use: every case
    # summary asks for them, and the checklist never changes once loaded.
    _items_by_role: dict[str | None, list[Item]] = PrivateAttr(default_factory=dict)

    @field_validator("stage", mode="before")
    @classmethod
    def _known_stage(cls, value: Any) -> Any:
        if value not in CHECKLIST_STAGES:
            raise ValueError(f"unknown stage {value!r} (use {_or_list(CHECKLIST_STAGES)})")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Checklist:
        if self.scope not in CHECKLIST_SCOPES:
            raise ValueError(
                'scope "letter" is for items: a checklist is asked per case or per participant'
            )
        if self.roles is not None and self.scope != "participant":
            raise ValueError("roles are only for participant-scoped checklists")
        problems = item_problems(self.scope, self.roles, self.items)
        if problems:
            raise ValueError(problems[0])
        return self

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def items_for(self, role: str | None) -> list[Item]:
        """The items asked of a participant in ``role``, or of the case (None), in order."""
        cached = self._items_by_role.get(role)
        if cached is None:
            if role is None:
                cached = [item for item in self.items if item.scope == "case"]
            else:
                cached = [
                    item
                    for item in self.items
                    if item.scope == "participant" and (item.roles is None or role in item.roles)
                ]
            self._items_by_role[role] = cached
        return cached


class ChecklistExtension(_Model):
    """An organisation's file that adds items to an existing checklist (``extends``)."""

    extends: Id
    id: Id | None = None
    items: list[Item]

    @model_validator(mode="after")
    def _consistent(self) -> ChecklistExtension:
        if self.id is not None and self.id != self.extends:
            raise ValueError(
                f"a file that extends {self.extends!r} adds to that checklist: "
                f"leave out id, or set it to {self.extends!r}"
            )
        ids = [item.id for item in self.items]
        for item_id in ids:
            if ids.count(item_id) > 1:
                raise ValueError(f"item {item_id!r}: duplicate item id in this file")
        if not self.items:
            raise ValueError("no [[items]]: a file that extends a checklist adds items")
        return self


class FlagDef(_Model):
    """A flag the engine can raise: what it means and what the guidance asks next."""

    id: Id
    title: Text
    reference: Reference
    meaning: Text
    next_steps: list[str] = Field(default_factory=list)
    implies: list[Id] = Field(default_factory=list)
    blocking: bool = False
    """An absolute limit of the guidance: shown as "Stop: ..." everywhere, and moving the
    case to a later stage while it is raised needs a recorded reason."""
    manager_clears: bool = False
    """Cleared only by recording the manager who cleared it, when and why (as every
    blocking flag is): see :attr:`needs_manager`."""

    @property
    def needs_manager(self) -> bool:
        """Whether clearing it records who cleared it and when: a manager's decision."""
        return self.manager_clears or self.blocking

    @property
    def heading(self) -> str:
        """The title as shown: "Stop: " before a blocking flag's title."""
        return f"Stop: {self.title}" if self.blocking else self.title


class FlagsFile(_Model):
    """flags.toml: every flag, in the order they are shown."""

    flags: list[FlagDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> FlagsFile:
        ids = [flag.id for flag in self.flags]
        for flag in self.flags:
            if ids.count(flag.id) > 1:
                raise ValueError(f"flag {flag.id!r}: duplicate flag id")
            for other in flag.implies:
                if other == flag.id:
                    raise ValueError(f"flag {flag.id!r}: implies itself")
                if other not in ids:
                    raise ValueError(f"flag {flag.id!r}: implies unknown flag {other!r}")
        return self


def item_problems(scope: Scope, roles: list[Role] | None, items: list[Item]) -> list[str]:
    """What is wrong with a checklist's items taken together, as messages.

    Args:
        scope: The checklist's scope, which items without their own follow.
        roles: The checklist's roles, or None for every role.
        items: The items, in file order.

    Returns:
        One message per problem (duplicate ids, roles that cannot apply); empty if fine.
    """
    problems = []
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            problems.append(
                f"item {item.id!r}: duplicate item id; each item in a checklist needs its own id"
            )
        seen.add(item.id)
        effective = item.scope or scope
        if item.fact is not None and effective != "case":
            problems.append(
                f"item {item.id!r}: fact {item.fact!r} is a fact of the case: the item must be "
                'asked once per case (scope = "case")'
            )
        if item.roles is not None:
            if effective != "participant":
                problems.append(f"item {item.id!r}: roles are only for participant-scoped items")
            elif roles is not None and not set(item.roles) <= set(roles):
                extra = sorted(set(item.roles) - set(roles))
                problems.append(
                    f"item {item.id!r}: role {extra[0].value!r} is not among the checklist's roles"
                )
    by_id = {item.id: item for item in items}
    for item in items:
        done_by = item.deadline.done_by if item.deadline else None
        if done_by is None:
            continue
        done = by_id.get(done_by)
        if done is None or done.kind != "date":
            problems.append(
                f"item {item.id!r}: deadline done_by {done_by!r} must name a date item "
                "of the same checklist"
            )
        elif (done.scope or scope) != (item.scope or scope):
            problems.append(
                f"item {item.id!r}: deadline done_by {done_by!r} must be asked as the "
                "deadline's item is (both per case, or both per participant)"
            )
    if not items:
        problems.append("no [[items]]: a checklist needs at least one item")
    return problems


def same_answer(a: AnswerValue | None, b: AnswerValue | None) -> bool:
    """Equal answers, never mixing true/false with text (True is not "true")."""
    return type(a) is type(b) and a == b


def parse_date(value: AnswerValue | None) -> date | None:
    """A date answer (an ISO date string) as a date, or None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _toml(value: AnswerValue) -> str:
    """An answer as it is written in a TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'
