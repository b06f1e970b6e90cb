"""Redaction: how people's names and free text are hidden in what leaves the vault.

Three levels, one meaning everywhere (supervisor summaries and participant disclosures,
every format):

- ``none``: everything as written; the export says so at the top.
- ``names`` (the default): each participant's name is replaced by their role and an
  initial ("Person harmed A."), wherever it occurs: in the people list and inside note
  texts and every other free text (whole name in any case, each word of it where it is
  written as a name, capitalised, and the name they are addressed by). Team members
  (facilitators, co-worker, case supervisor) keep their names: the supervisor knows them.
- ``full``: names as above, team members too ("Co-worker P.": each facilitator other
  than the vault's owner is a co-worker, see :mod:`rjfacil.views.team`), and every free text a
  facilitator typed (notes, the case summary, risks and mitigations, agreement actions,
  consent details, answer notes) becomes "[removed]".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias
from uuid import UUID

from rjfacil.casedoc.model import Participant, TeamMember, TeamRole
from rjfacil.commands.casefile import CaseFile
from rjfacil.views.team import team_role_label

Redaction: TypeAlias = Literal["none", "names", "full"]
REDACTIONS: tuple[Redaction, ...] = ("none", "names", "full")
REMOVED = "[removed]"

REDACTION_LABELS: dict[Redaction, str] = {
    "none": "None: names and notes as written",
    "names": "Names replaced by roles",
    "full": "Names replaced by roles; free text removed",
}

# Words of a name that are not a name of their own; replacing them would redact "Mr".
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "the", "and", "of"})


def redaction_label(level: Redaction) -> str:
    """The redaction level in words, as every export states it."""
    return REDACTION_LABELS[level]


def initial(name: str) -> str:
    """The first letter of a name that is a letter ("A."), or "" when none is."""
    for char in name.strip():
        if char.isalpha():
            return f"{char.upper()}."
    return ""


def _name_parts(*names: str) -> list[str]:
    parts: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        parts.add(name)
        for phrase in re.split(r"\s*[()/,]+\s*", name):  # "Riverside Garden Group (Lee Cho)"
            if " " in phrase.strip():
                parts.add(phrase.strip())
        for word in re.split(r"[\s()/,]+", name):
            word = word.strip(".'\"-")
            if len(word) >= 2 and word.casefold() not in _TITLES:
                parts.add(word)
    return sorted(parts, key=len, reverse=True)


@dataclass
class Redactor:
    """Applies one redaction level to a case's people and free texts.

    Attributes:
        level: The redaction level.
        labels: What each person (participant or team member) is called in the export.
        hidden: The names to replace in free text, each with its replacement.
    """

    level: Redaction
    labels: dict[UUID, str] = field(default_factory=dict)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = None
    _by_word: dict[str, str] = field(default_factory=dict)

    def person(self, person_id: UUID | None, fallback: str = "") -> str:
        """What a person is called in the export."""
        if person_id is None:
            return fallback
        return self.labels.get(person_id, fallback or "someone no longer in the case")

    def names(self, text: str) -> str:
        """``text`` with every hidden name replaced (whatever the level asks of free text)."""
        if self._pattern is None or not text:
            return text

        def replaced(match: re.Match[str]) -> str:
            said = self._by_word[match.group(0).casefold()]
            # A name ending a sentence: the initial's full stop is the sentence's ("A.").
            if said.endswith(".") and text.startswith(".", match.end()):
                return said[:-1]
            return said

        return self._pattern.sub(replaced, text)

    def text(self, text: str) -> str:
        """A free text as the level shows it: removed under ``full``, else names hidden."""
        if self.level == "full" and text.strip():
            return REMOVED
        return self.names(text)

    def hide(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Replace each name (and each part of it) by its replacement in free text."""
        for name, replacement in pairs:
            for part in _name_parts(name):
                self.hidden.append((part, replacement))
        self._compile()

    def _compile(self) -> None:
        by_word: dict[str, str] = {}
        for part, replacement in sorted(self.hidden, key=lambda p: len(p[0]), reverse=True):
            by_word.setdefault(part.casefold(), replacement)
        self._by_word = by_word
        if not by_word:
            self._pattern = None
            return
        alternatives = "|".join(_as_name(w) for w in sorted(by_word, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _as_name(part: str) -> str:
    """The pattern of one part of a name: a whole name (more than one word) in any case;
    a single word only where it is used as a name, capitalised ("Garden", "GARDEN", not
    "the garden")."""
    if " " in part or not part[0].isalpha():
        return f"(?i:{re.escape(part)})"
    first = part[0]
    return f"[{re.escape(first.upper())}](?i:{re.escape(part[1:])})"


def role_initial_labels(
    people: Iterable[Participant | TeamMember], roles: Mapping[UUID, str] | None = None
) -> dict[UUID, str]:
    """Each person as role and initial ("Person harmed A."), numbered when two coincide;
    ``roles`` gives the role a person is called by, where it is not their record's."""
    labels: dict[UUID, str] = {}
    seen: dict[str, int] = {}
    for person in people:
        role = (roles or {}).get(person.id) or person.role.label
        if isinstance(person, TeamMember) and person.role is TeamRole.OTHER:
            role = "Team member"
        base = f"{role} {initial(person.name)}".strip()
        seen[base] = seen.get(base, 0) + 1
        labels[person.id] = base if seen[base] == 1 else f"{base} ({seen[base]})"
    return labels


def redactor_for(case: CaseFile, level: Redaction) -> Redactor:
    """The redactor of one case at one level (participants removed from the case too)."""
    participants = [
        p for p in case.document.records["participants"].values() if isinstance(p, Participant)
    ]
    stored = [m for m in case.document.records["team"].values() if isinstance(m, TeamMember)]
    team = [case.as_named_now(m) for m in stored]
    redactor = Redactor(level)
    labels = {p.id: p.name for p in participants}
    labels.update({m.id: m.name for m in team})
    labels.setdefault(case.owner.id, case.owner.name)
    if level == "none":
        redactor.labels = labels
        return redactor
    coded = role_initial_labels(participants)
    if level == "full":
        owner = next((m for m in team if m.id == case.owner.id), None)
        roles = {m.id: team_role_label(case, m) for m in team}
        coded.update(role_initial_labels([m for m in team if m.id != case.owner.id], roles))
        if owner is None:
            coded[case.owner.id] = f"Facilitator {initial(case.owner.name)}"
        else:
            coded.update(role_initial_labels([owner]))
    labels.update(coded)
    redactor.labels = labels
    pairs: list[tuple[str, str]] = []
    for person in participants:
        pairs += [(person.name, coded[person.id]), (person.address_as, coded[person.id])]
    if level == "full":
        for member in stored:  # a name the owner had before a rename is hidden too
            pairs.append((member.name, coded[member.id]))
        for member in team:
            pairs.append((member.name, coded[member.id]))
    redactor.hide(pairs)
    return redactor
