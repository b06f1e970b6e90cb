"""One pure function per format step of a case document: the document of one format in,
the document of the next out.

A document is the TinyDB layout of a case file: table name -> {doc id: record dict}. A
step never changes its argument (it may be the storage's cached document): it copies the
tables and records it changes and shares the rest. Steps are frozen once released: a later
change of the model is a new step, never an edit of an old one, so a case file migrates
the same way in every version.

Audit entries are never touched: their hashes cover them (and only them), and a step keeps
the meta's audit head and count, so a migrated history still verifies. Records a step makes
have no audit entry (what they hold was in the case before, as text); the meta lists their
ids under ``made_by_migration``, which the chain check accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid5

from rjfacil.casedoc.model import team_member_id

Tables = dict[str, dict[str, Any]]
Step = Callable[[Tables], Tables]


def first_record(document: Tables, table: str) -> dict[str, Any]:
    """The first record of a table (the case, the meta), or an empty dict."""
    return next(iter(document.get(table, {}).values()), {})


def normalised(name: str) -> str:
    """A name as matched: spaces collapsed, trimmed, case folded."""
    return " ".join(name.split()).casefold()


# -- format 1 -> 2: people by id; one home for each case fact -------------------------------

# The checklist items that stated a case fact in format 1 beside the case's own field
# (rjfacil 0.1 kept them apart, except the process, which it kept in step).
V1_FACT_ITEMS: dict[tuple[str, str], str] = {
    ("process", "process_type"): "process",
    ("meeting", "meeting_date"): "meeting_date",
    ("meeting", "venue"): "meeting_venue",
    ("coworking", "coworker"): "co_worker",
}
V1_PROCESSES = frozenset(
    {
        "face_to_face",
        "video_conference",
        "letter",
        "recorded_message",
        "shuttle",
        "family_group_conference",
    }
)
# Words that name the case's own facilitator in free text.
OWNER_WORDS = frozenset({"facilitator", "the facilitator", "me", "myself"})
# How free text listed several people to share with: "Rory, Mo and Kit".
LIST_SEPARATORS = re.compile(r"[,;&/+]|\band\b", re.IGNORECASE)
SHARE_NOTE = "Share with (as first written): "


def v1_to_v2(document: Tables) -> Tables:
    """Format 1 (rjfacil 0.1) to format 2.

    - The ``facilitators`` table becomes the case's ``team``: each facilitator a team member
      with the role facilitator.
    - One fact, one home: where a checklist answer stating a case fact (the process, the
      meeting's date and venue, the co-worker) was given after the case field was last
      written, the field takes the answer's value; else the field stands. The answers stay
      as they are, as history.
    - People by id: the case's ``co_worker`` and ``case_supervisor`` (free text) become ids
      of team members; an agreement action's ``by_whom`` the id of a participant or a team
      member; a consent's ``share_with`` a list of participant ids.

    Names are matched trimmed and case-insensitively, against a participant's name and then
    the name they are addressed by (a match must be unique), and against team members'
    names; "Facilitator" (or "me") and the case's facilitator's name mean the facilitator
    who opened the case. A co-worker, supervisor or action owner matching no one becomes a
    new team member, with an id made from the case id and the name
    (:func:`~rjfacil.casedoc.model.team_member_id`), so two co-workers migrating copies of
    the same case make the same ids.

    A consent's share-with text that names anyone it cannot match is kept, as first
    written, at the end of that consent's ``note`` ("Share with (as first written): ..."),
    so nothing is lost; the participants it did match are in ``share_with``.
    """
    out = dict(document)
    case = dict(first_record(document, "case"))
    meta = dict(first_record(document, "meta"))
    case_id = str(case.get("id", ""))
    owner_id = str(case.get("created_by", ""))
    made: list[str] = []

    team = _team_from_facilitators(document, case)
    made += [str(member.get("id")) for member in team.values()]
    people = _People(case_id, owner_id, team, document.get("participants", {}), case, made)

    _reconcile_facts(case, document)
    case_key = next(iter(document.get("case", {})), "1")
    for field, role in (("co_worker", "co_worker"), ("case_supervisor", "case_supervisor")):
        case[field] = people.team_member(case.get(field), role)
    if "case" in document:
        out["case"] = {**document["case"], case_key: case}

    out["actions"] = {
        key: {**action, "by_whom": people.anyone(action.get("by_whom"))}
        for key, action in document.get("actions", {}).items()
    }
    out["consents"] = {
        key: _consent_v2(consent, people) for key, consent in document.get("consents", {}).items()
    }
    out["team"] = team
    out.pop("facilitators", None)
    meta.update(
        format=2,
        readable_by=2,
        made_by_migration=[*meta.get("made_by_migration", []), *made],
    )
    out["meta"] = {next(iter(document.get("meta", {})), "1"): meta}
    for name in ("actions", "consents"):
        if not out[name] and name not in document:
            del out[name]
    return out


def _team_from_facilitators(document: Tables, case: dict[str, Any]) -> dict[str, Any]:
    when = case.get("created_at")
    team: dict[str, Any] = {}
    for key, person in document.get("facilitators", {}).items():
        member = {
            **person,
            "role": "facilitator",
            "created_at": when,
            "created_by": person.get("id"),
            "updated_at": when,
            "updated_by": person.get("id"),
            "deleted": False,
        }
        team[key] = member
    return team


class _People:
    """Free-text names to ids, for one case, adding team members as needed."""

    def __init__(
        self,
        case_id: str,
        owner_id: str,
        team: dict[str, Any],
        participants: dict[str, Any],
        case: dict[str, Any],
        made: list[str],
    ) -> None:
        self.case_id = case_id
        self.team = team
        self.case = case
        self.made = made
        self.team_names: dict[str, str] = {}
        for member in team.values():
            self.team_names.setdefault(normalised(str(member.get("name", ""))), member["id"])
        if owner_id in {m.get("id") for m in team.values()}:
            for word in OWNER_WORDS:
                self.team_names.setdefault(word, owner_id)
        live = [p for p in participants.values() if not p.get("deleted")]
        self.by_name = _unique(live, "name")
        self.by_address = _unique(live, "address_as")

    def participant(self, text: str) -> str | None:
        key = normalised(text)
        return self.by_name.get(key) or self.by_address.get(key)

    def team_member(self, text: Any, role: str) -> str | None:
        """A team member's id for a name: an existing one, else a new one with ``role``."""
        if not isinstance(text, str) or not text.strip():
            return None
        key = normalised(text)
        found = self.team_names.get(key)
        if found:
            return found
        member_id = str(team_member_id(UUID(self.case_id), text))
        when = self.case.get("created_at")
        by = self.case.get("created_by")
        self.team[str(_next_key(self.team))] = {
            "id": member_id,
            "name": " ".join(text.split()),
            "role": role,
            "created_at": when,
            "created_by": by,
            "updated_at": when,
            "updated_by": by,
            "deleted": False,
        }
        self.team_names[key] = member_id
        self.made.append(member_id)
        return member_id

    def anyone(self, text: Any) -> str | None:
        """Whoever a name means: the team first, then a participant, else a new member."""
        if not isinstance(text, str) or not text.strip():
            return None
        return (
            self.team_names.get(normalised(text))
            or self.participant(text)
            or self.team_member(text, "other")
        )


def _unique(people: Iterable[dict[str, Any]], field: str) -> dict[str, str]:
    """Each normalised value of ``field`` held by exactly one person, to their id."""
    seen: dict[str, str | None] = {}
    for person in people:
        value = person.get(field)
        if not isinstance(value, str) or not value.strip():
            continue
        key = normalised(value)
        seen[key] = None if key in seen else str(person.get("id"))
    return {key: pid for key, pid in seen.items() if pid is not None}


def _consent_v2(consent: dict[str, Any], people: _People) -> dict[str, Any]:
    text = consent.get("share_with")
    if not isinstance(text, str) or not text.strip():
        return {**consent, "share_with": []}
    found: list[str] = []
    missed = False
    for part in LIST_SEPARATORS.split(text):
        if not part.strip():
            continue
        pid = people.participant(part)
        if pid is None:
            missed = True
        elif pid not in found:
            found.append(pid)
    changed = {**consent, "share_with": found}
    if missed:
        note = str(consent.get("note") or "")
        changed["note"] = (note + "\n" if note else "") + SHARE_NOTE + text.strip()
    return changed


def _reconcile_facts(case: dict[str, Any], document: Tables) -> None:
    """Set each fact field from its answer where the answer is the later of the two."""
    case_id = case.get("id")
    latest: dict[str, tuple[datetime, Any]] = {}
    for answer in document.get("answers", {}).values():
        fact = V1_FACT_ITEMS.get((answer.get("checklist_id"), answer.get("item_id")))
        when = _when(answer.get("created_at"))
        if fact is None or answer.get("participant_id") is not None or when is None:
            continue
        if fact not in latest or when >= latest[fact][0]:
            latest[fact] = (when, answer.get("value"))
    for fact, (answered_at, value) in latest.items():
        written = _field_written_at(document, case_id, fact)
        if written is not None and answered_at <= written:
            continue
        if fact == "process" and (value is None or value in V1_PROCESSES):
            case[fact] = value
        elif fact == "meeting_date" and (value is None or _is_date(value)):
            case[fact] = value.strip() if isinstance(value, str) else None
        elif fact in ("meeting_venue", "co_worker") and (value is None or isinstance(value, str)):
            case[fact] = (value or "").strip()


def _field_written_at(document: Tables, case_id: Any, field: str) -> datetime | None:
    """When format 1 last wrote a case field, from the audit entries' words for it."""
    last: datetime | None = None
    for entry in document.get("audit", {}).values():
        if entry.get("record_id") != case_id and case_id not in entry.get("also", []):
            continue
        action = str(entry.get("action", ""))
        wrote = action == "opened the case"
        if action.startswith("updated the case (") and action.endswith(")"):
            wrote = field in action[len("updated the case (") : -1].split(", ")
        if field == "process" and action == "answered process.process_type":
            wrote = True
        when = _when(entry.get("created_at"))
        if wrote and when is not None and (last is None or when > last):
            last = when
    return last


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return False
    return True


def _next_key(table: dict[str, Any]) -> int:
    return max((int(key) for key in table if key.isdigit()), default=0) + 1


# -- format 2 -> 3: audit chains per author ------------------------------------------------


def v2_to_v3(document: Tables) -> Tables:
    """Format 2 to format 3: the meta keeps where each author's audit chain ends.

    Formats 1 and 2 kept one chain per case (``audit_head``, ``audit_count``), written by its
    vault's owner alone: that chain becomes its author's entry in ``audit_heads`` (author id
    -> {"head", "count"}). The entries themselves are untouched, so they still verify. A
    case with no audit entries gets an empty ``audit_heads``.
    """
    out = dict(document)
    meta = dict(first_record(document, "meta"))
    authors = [
        str(entry.get("created_by"))
        for entry in document.get("audit", {}).values()
        if isinstance(entry, dict)
    ]
    heads: dict[str, dict[str, Any]] = {}
    if "audit_head" in meta or "audit_count" in meta:
        # The last entry's author wrote the chain (one author per case before format 3).
        author = authors[-1] if authors else None
        if author is not None:
            heads[author] = {"head": meta.get("audit_head"), "count": meta.get("audit_count")}
    meta.pop("audit_head", None)
    meta.pop("audit_count", None)
    meta.update(format=3, readable_by=3, audit_heads=heads)
    out["meta"] = {next(iter(document.get("meta", {})), "1"): meta}
    return out


# -- format 3 -> 4: letters vetted per version ----------------------------------------------

# The letters checklist's items that format 4 asks for each version of a letter (their
# ids when format 4 was made; frozen with this step).
V3_LETTER_VETTING_ITEMS = (
    "letter_own_views",
    "letter_support",
    "letter_expectations",
    "letter_honest_respectful",
    "letter_addresses_concerns",
    "letter_hidden_messages",
    "letter_checked",
)
# Never change: the vettings this step makes have ids made with it, so two co-workers
# migrating copies of the same case make the same records.
VETTING_NAMESPACE = UUID("0b6a1f5e-9d2c-5c1e-8f3a-6e7d4c2b1a90")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def v3_to_v4(document: Tables) -> Tables:
    """Format 3 to format 4: the letter checklist is answered for each letter version.

    Formats 1-3 answered the letter items (A 3(a) 11-12) once for the whole case, and kept
    a letter "approved" when its text was revised. For each letter (deleted ones too):

    - its approval (status approved, withheld) becomes a vetting of the version that was
      current when the status was set (the letter's ``updated_at``), by whoever set it,
      with its vetting note as the reasons: "vetted", or "not to be handed over" for a
      withheld letter. A letter revised after its approval is thereby no longer vetted;
    - the case's current answers to the letter items go with it: into that vetting, or,
      for a letter with no such decision, into a vetting of its current version with no
      decision yet (when there are any answers). The case's answers stay as history;
    - a letter handed over keeps its status and gets no vetting (none was recorded).

    The new records' ids are made from the letter's id, so two copies of the case migrate
    alike; the meta lists them under ``made_by_migration``. Letters get no new fields here
    (``in_reply_to``, ``recipient_agreed_on`` and ``handed_over_version`` read as empty).
    """
    out = dict(document)
    meta = dict(first_record(document, "meta"))
    answers: dict[str, tuple[datetime, dict[str, Any]]] = {}
    for answer in document.get("answers", {}).values():
        if answer.get("checklist_id") != "letters" or answer.get("participant_id") is not None:
            continue
        item_id = str(answer.get("item_id"))
        answered_at = _when(answer.get("created_at"))
        if answered_at is None or item_id not in V3_LETTER_VETTING_ITEMS:
            continue
        if item_id not in answers or answered_at >= answers[item_id][0]:
            answers[item_id] = (answered_at, answer)
    values = {
        item_id: answer.get("value")
        for item_id, (_, answer) in answers.items()
        if answer.get("value") is not None
    }
    versions: dict[str, list[dict[str, Any]]] = {}
    for version in document.get("letter_versions", {}).values():
        versions.setdefault(str(version.get("letter_id")), []).append(version)
    vettings = dict(document.get("letter_vettings", {}))
    made: list[str] = []
    for letter in document.get("letters", {}).values():
        letter_id = str(letter.get("id"))
        ordered = sorted(
            versions.get(letter_id, []), key=lambda v: _when(v.get("created_at")) or EPOCH
        )
        if not ordered:
            continue
        status = letter.get("status")
        decision = {"approved": "vetted", "withheld": "withhold"}.get(str(status))
        if status == "delivered" or (decision is None and not values):
            continue
        if decision is not None:
            set_at = _when(letter.get("updated_at"))
            then = [
                v
                for v in ordered
                if set_at is None or (_when(v.get("created_at")) or set_at) <= set_at
            ]
            version = (then or ordered)[-1]
            when, by = letter.get("updated_at"), letter.get("updated_by")
        else:
            version = ordered[-1]
            last = max(answers.values(), key=lambda pair: pair[0])[1]
            when, by = last.get("created_at"), last.get("created_by")
        vetting_id = str(uuid5(VETTING_NAMESPACE, f"{letter_id}:{version.get('id')}"))
        vettings[str(_next_key(vettings))] = {
            "id": vetting_id,
            "created_at": when,
            "created_by": by,
            "letter_id": letter_id,
            "version_id": version.get("id"),
            "answers": values,
            "decision": decision,
            "reasons": letter.get("vetting_note") or "",
        }
        made.append(vetting_id)
    if vettings:
        out["letter_vettings"] = vettings
    meta.update(format=4, readable_by=3)
    if made:
        meta["made_by_migration"] = [*meta.get("made_by_migration", []), *made]
    out["meta"] = {next(iter(document.get("meta", {})), "1"): meta}
    return out


# Each released format's step to the next: STEPS[n] turns format n into n + 1.
STEPS: dict[int, Step] = {1: v1_to_v2, 2: v2_to_v3, 3: v3_to_v4}


def migrate(document: Tables, from_format: int, to_format: int) -> Tables:
    """Run the steps from ``from_format`` up to ``to_format``."""
    for version in range(from_format, to_format):
        document = STEPS[version](document)
    return document
