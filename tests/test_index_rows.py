"""The case list's rows, rebuilt from the stored documents without opening each case in full.

Rebuilding the list reads only the tables a row is made from (summarise_stored); these tests
hold it to the row of the case opened in full, for the demo vault, for every golden vault
(older formats migrated on the way) and for generated cases, and hold the progress counts
to a plain count of the items that apply.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rjfacil import clock
from rjfacil.casedoc import codec
from rjfacil.casedoc.model import ActionStatus, RiskRating
from rjfacil.checklists.schema import AppliesWhen, Item, same_answer
from rjfacil.commands.casefile import CaseFile
from rjfacil.commands.letters import LETTER_FIELD_ITEMS
from rjfacil.demo import fill_demo_vault
from rjfacil.views.progress import case_progress, stage_totals
from rjfacil.views.summary import (
    CaseSummary,
    record_id_prefixes,
    stored_id_prefixes,
    stored_ids,
    summarise,
    summarise_stored,
)
from rjfacil.vocab import ClosureReason, ProcessType, Role, Stage
from rjfacil.workspace import Vault

GOLDEN = Path(__file__).parent / "golden"
# Before the golden cases' dates, so their rows show what is due rather than nothing.
GOLDEN_TODAY = datetime(2026, 11, 20, 12, tzinfo=UTC)
GOLDEN_VAULTS = {
    "vault-v1": ("golden vault passphrase", 1),
    "demo-v1": ("golden demo passphrase", 1),
    "people-v1": ("golden people passphrase", 1),
    "demo-v3": ("golden demo passphrase", 3),
}


def stored_row(vault: Vault, case_id: uuid.UUID) -> CaseSummary:
    path, _name = vault.files.case_path(case_id)
    raw = vault.files.read_case_document(case_id)
    return summarise_stored(raw, path, vault.owner, vault.catalogue)


def opened_in_full(vault: Vault, case_id: uuid.UUID) -> CaseFile:
    vault._open.pop(case_id, None)  # read from disk, every record validated
    return vault.open_case(case_id)


def plain_counts(case: CaseFile) -> tuple[dict[str, tuple[int, int]], int]:
    """(answered, total) per stage of the checklists, and the answers needing attention,
    counted item by item as the guidance says: a checklist counts while it applies, for the
    case and for each participant whose role it is asked of; an item counts for its own
    scope and roles; an unticked check or empty text is not an answer."""
    current = {
        key: answer.value
        for key, answer in case.answers().items()
        if (found := case.catalogue.find(key[0], key[1])) is not None
        and (found[1].scope == "participant") == (key[2] is not None)
    }

    def chosen(checklist_id: str, item_id: str, whose: uuid.UUID | None = None) -> list[Any]:
        return [
            v
            for (c, i, p), v in current.items()
            if (c, i) == (checklist_id, item_id) and (whose is None or p == whose)
        ]

    def holds(rule: AppliesWhen | None, whose: uuid.UUID | None = None) -> bool:
        # A condition holds while an answer to its item is one of any_of; with
        # if_not_known = "ask", also while no answer to it is known (none, "unknown").
        # A participant's item reads that participant's answer to a participant item.
        if rule is None:
            return True
        found = case.catalogue.find(rule.checklist_id, rule.item_id)
        if whose is not None and found is not None and found[1].scope != "participant":
            whose = None
        values = chosen(rule.checklist_id, rule.item_id, whose)
        if any(same_answer(value, each) for value in values for each in rule.any_of):
            return True
        known = [v for v in values if v not in (None, False, "", "unknown")]
        return rule.if_not_known == "ask" and not known

    stages: dict[str, tuple[int, int]] = {}
    attention = 0
    for checklist in case.catalogue.checklists:
        if not holds(checklist.applies_when):
            continue
        askers: list[tuple[uuid.UUID | None, Role | None]] = [(None, None)]
        askers += [
            (p.id, p.role)
            for p in case.participants
            if checklist.roles is None or p.role in checklist.roles
        ]
        for person, role in askers:
            items: list[Item] = [
                item
                for item in checklist.items
                if (
                    item.scope == "case"
                    if person is None
                    else item.scope == "participant" and (item.roles is None or role in item.roles)
                )
                and holds(item.applies_when, person)
            ]
            answered = 0
            for item in items:
                value = current.get((checklist.id, item.id, person))
                if not item.is_answered(value):
                    continue
                attention += any(same_answer(value, each) for each in item.attention)
                answered += 1
            if items:
                done, total = stages.get(checklist.stage, (0, 0))
                stages[checklist.stage] = (done + answered, total + len(items))
    return stages, attention


def assert_plain_counts(case: CaseFile, row: CaseSummary) -> None:
    """The row's progress, and every stage's, are the plain count of the items that apply."""
    stages, attention = plain_counts(case)
    here = stages.get(case.case.stage.checklist_stage, (0, 0))
    assert (row.stage_answered, row.stage_total, row.attention) == (*here, attention)
    report = case_progress(case)
    assert {each.stage: (each.answered, each.total) for each in report.stages} == stages
    # The row counts without a row per checklist: the same totals.
    assert stage_totals(case) == report.stages


def assert_rows_agree(vault: Vault, case_id: uuid.UUID) -> CaseSummary:
    full = summarise(opened_in_full(vault, case_id))
    assert stored_row(vault, case_id) == full
    return full


def test_the_demo_vaults_rows_are_the_same_read_in_part_or_in_full(vault: Vault) -> None:
    fill_demo_vault(vault)
    listed = {row.id: row for row in vault.list_cases()}  # live rows of the cases made
    vault._open.clear()
    assert vault.rebuild_index() == 6
    rebuilt = {row.id: row for row in vault.list_cases()}
    assert rebuilt == listed
    for case_id, row in rebuilt.items():
        assert assert_rows_agree(vault, case_id) == row
        case = vault.open_case(case_id)
        assert_plain_counts(case, row)
    flagged = [row for row in rebuilt.values() if row.flags]
    assert [row.flags[0] for row in flagged] == ["sensitive_complex"]
    assert any(row.next_deadline for row in rebuilt.values())
    assert any(row.stage_answered for row in rebuilt.values())
    assert any(row.attention for row in rebuilt.values())


# What the golden vaults' rows say on GOLDEN_TODAY (names, counts and dates that do not
# depend on how the checklists are worded), as the case list showed it before the list
# was rebuilt from part of each case.
GOLDEN_ROWS = {
    "vault-v1": [("GOLD-1", "communication", 2, 3, date(2026, 12, 1), "Risk review")],
    "demo-v1": [
        ("RJ-2025-087", "closed", 2, 0, None, ""),
        ("RJ-2026-003", "follow_up", 2, 3, date(2026, 12, 6), "Agreement action due"),
        ("RJ-2026-009", "preparation", 3, 10, None, ""),
        ("RJ-2026-011", "communication", 2, 1, None, ""),
        ("RJ-2026-014", "assessment", 2, 4, date(2026, 12, 11), "Risk review"),
    ],
    "people-v1": [("PEOPLE-1", "referral", 3, 3, date(2026, 12, 18), "Meeting")],
}
GOLDEN_ROWS["demo-v3"] = GOLDEN_ROWS["demo-v1"]


@pytest.mark.parametrize("name", sorted(GOLDEN_VAULTS))
def test_every_golden_vault_gives_the_same_rows_read_in_part_or_in_full(
    tmp_path: Path, name: str
) -> None:
    passphrase, written_in = GOLDEN_VAULTS[name]
    home = tmp_path / name
    shutil.copytree(GOLDEN / name, home)
    with clock.frozen(GOLDEN_TODAY), Vault.open(home).unlock(passphrase) as vault:
        vault.rebuild_index()
        rows = vault.list_cases()
        for row in rows:
            # Read in the format it was written in: the partial read migrates it too.
            meta = vault.files.read_case_document(row.id)["meta"]
            assert next(iter(meta.values())).get("format", 1) == written_in
            assert assert_rows_agree(vault, row.id) == row
            case = vault.open_case(row.id)
            assert_plain_counts(case, row)
            assert row.updated_at == case.audit_log[-1].created_at
        shown = sorted(
            (
                r.reference,
                r.stage.value,
                r.participants,
                r.answered,
                r.next_deadline,
                r.deadline_label,
            )
            for r in rows
        )
        assert shown == GOLDEN_ROWS[name]
        flagged = {r.reference for r in rows if "sensitive_complex" in r.flags}
        assert flagged == ({"RJ-2026-014"} if name.startswith("demo") else set())


def test_a_case_read_in_part_shows_only_what_it_read_and_cannot_be_changed(vault: Vault) -> None:
    made = vault.new_case("RJ-PART")
    person = made.add_participant(Role.PERSON_HARMED, "Ana")
    made.add_note("She would like to meet.", participant_id=person.id)
    path, _name = vault.files.case_path(made.id)
    from rjfacil.casedoc import codec

    document = codec.decode(
        vault.files.read_case_document(made.id), path, only={"participants"}, newest_of=("audit",)
    )
    part = CaseFile(None, path, vault.owner, vault.catalogue, document=document)
    assert [p.name for p in part.participants] == ["Ana"]
    assert part.last_changed == made.audit_log[-1].created_at == made.last_changed
    with pytest.raises(KeyError):
        part.notes()  # not read: an error, never an empty list
    with pytest.raises(RuntimeError, match="read only to be shown"):
        part.add_note("not saved")
    assert [made.note_text(n.id) for n in opened_in_full(vault, made.id).notes()] == [
        "She would like to meet."
    ]


def test_a_damaged_case_is_still_listed_as_unreadable_after_a_rebuild(vault: Vault) -> None:
    damaged = vault.new_case("RJ-DAMAGED")
    damaged.add_note("a second version, so a backup exists")
    vault.new_case("RJ-FINE")
    data = bytearray(damaged.path.read_bytes())
    data[-5] ^= 0x01
    damaged.path.write_bytes(bytes(data))
    vault._open.clear()
    vault.rebuild_index()
    rows = {row.reference: row for row in vault.list_cases()}  # still under its reference
    assert not rows["RJ-FINE"].unreadable
    assert str(damaged.path) in rows["RJ-DAMAGED"].unreadable
    assert "A good backup exists" in rows["RJ-DAMAGED"].unreadable


# -- generated cases --------------------------------------------------------------------

TODAY = date(2026, 3, 2)


def _value(item: Item, draw: st.DrawFn) -> Any:
    """An answer to ``item`` as a facilitator could give it (or None, clearing it)."""
    if draw(st.integers(0, 9)) == 0:
        return None
    if item.kind == "check":
        return draw(st.booleans())
    if item.kind == "text":
        return draw(st.sampled_from(["seen at home", "Priya Shah", " Priya  shah "]))
    if item.kind == "date":
        return (TODAY + timedelta(days=draw(st.integers(-40, 40)))).isoformat()
    return draw(st.sampled_from(list(item.fixed_answers() or ())))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_generated_case_gives_the_same_row_read_in_part_or_in_full(
    vault: Vault, data: st.DataObject
) -> None:
    draw = data.draw
    with clock.frozen(datetime(2026, 3, 2, 9, tzinfo=UTC), step=timedelta(seconds=1)):
        case = vault.new_case(f"RJ-{uuid.uuid4().hex[:8]}")
        people = [
            case.add_participant(draw(st.sampled_from(list(Role))), f"Person {number}").id
            for number in range(draw(st.integers(0, 3)))
        ]
        if draw(st.booleans()):
            case.update_case(process=draw(st.sampled_from(list(ProcessType))))
        items = [
            (checklist.id, item)
            for checklist in case.catalogue.checklists
            for item in checklist.items
        ]
        # Half the answers go to items that do something: raise a flag, need attention,
        # start a timescale, state a case fact or decide whether a checklist applies.
        deciding = {
            (rule.checklist_id, rule.item_id)
            for c in case.catalogue.checklists
            for rule in [c.applies_when, *(item.applies_when for item in c.items)]
            if rule
        }
        telling = [
            (checklist_id, item)
            for checklist_id, item in items
            if item.flags
            or item.attention
            or item.deadline
            or item.fact
            or (checklist_id, item.id) in deciding
        ]
        for _ in range(draw(st.integers(0, 16))):
            checklist_id, item = draw(st.sampled_from(telling) | st.sampled_from(items))
            whom = None
            if item.scope == "letter":  # answered when vetting a version of a letter
                if not people or item.id in LETTER_FIELD_ITEMS:
                    continue
                letter = case.letters[0] if case.letters else case.add_letter(people[0], "Dear")
                case.vet_letter(letter.id, {item.id: _value(item, draw)}, None)
                continue
            if item.scope == "participant":
                if not people:
                    continue
                whom = draw(st.sampled_from(people))
            case.answer(checklist_id, item.id, _value(item, draw), participant_id=whom)
        if draw(st.booleans()):
            case.add_risk(
                "Contact in the street",
                rating=draw(st.sampled_from(list(RiskRating))),
                review_date=draw(st.dates(TODAY, TODAY + timedelta(days=60)) | st.none()),
                resolved=draw(st.sampled_from([False, False, True])),
            )
        if draw(st.booleans()):
            case.add_action(
                "Write a letter",
                due=draw(st.dates(TODAY - timedelta(days=9), TODAY + timedelta(60)) | st.none()),
                status=draw(st.sampled_from([ActionStatus.OPEN, *ActionStatus])),
            )
        if draw(st.booleans()):
            flag = draw(st.sampled_from(list(case.catalogue.flags)))
            case.override_flag(
                flag, "Discussed with the case supervisor", draw(st.booleans()), "Lee", TODAY
            )
        if draw(st.booleans()):
            case.add_note("Spoke on the phone.", participant_id=people[0] if people else None)
        if people and draw(st.booleans()):
            case.remove_participant(people[-1])
        stage = draw(
            st.sampled_from([s for s in Stage if s.is_open]) | st.sampled_from(list(Stage))
        )
        reason = None if stage.is_open else draw(st.sampled_from(list(ClosureReason)))
        # A "Stop:" flag may be raised: the move gives its reason, as a facilitator must.
        case.update_case(
            stage=stage, closure_reason=reason, going_on_because="Discussed with the supervisor"
        )

        full = summarise(opened_in_full(vault, case.id))
        assert stored_row(vault, case.id) == full
        assert summarise(case) == full
        assert_plain_counts(case, full)


def test_progress_flags_and_dates_follow_each_change_of_an_open_case(vault: Vault) -> None:
    """What a case derives from its answers is kept only until the case changes."""
    case = vault.new_case("RJ-FOLLOW")
    checklist_id, item, raising = next(
        (checklist.id, item, rule)
        for checklist in case.catalogue.checklists
        for item in checklist.items
        for rule in item.flags
        if item.scope == "case" and item.fact is None
    )
    before = summarise(case)
    assert raising.flag not in before.flags
    case.answer(checklist_id, item.id, raising.when[0])
    raised = summarise(case)
    assert raising.flag in raised.flags
    assert raised.answered == before.answered + 1
    case.answer(checklist_id, item.id, None)  # cleared: the flag goes with it
    assert raising.flag not in summarise(case).flags
    case.update_case(meeting_date=clock.today() + timedelta(days=3))
    assert summarise(case).deadline_label == "Meeting"
    assert summarise(case) == stored_row(vault, case.id)


def test_a_row_keeps_the_same_id_starts_however_an_id_was_written() -> None:
    """The row's record ids are read without making a UUID of ids written as rjfacil
    writes them; ids written otherwise (a hand-edited or older file) give the same starts,
    and ids that are no UUID are left out, as before."""
    first, second, third = (uuid.uuid4() for _ in range(3))
    tables = {
        "notes": {
            "1": {"id": str(first)},
            "2": {"id": str(second).upper()},
            "3": {"id": "{" + second.hex + "}"},
            "4": {"id": f"urn:uuid:{third}"},
            "5": {"id": "0123456z-0000-0000-0000-000000000000"},  # not hex
            "6": {"id": 12},
            "7": {"text": "no id"},
            "8": ["not", "a", "record"],
        },
        "team": {"9": {"id": str(uuid.uuid4())}},  # the team's ids are not kept
    }
    document = cast(codec.CaseDocument, SimpleNamespace(tables=tables))
    expected = {value.bytes[:4] for value in (first, second, third)}
    assert record_id_prefixes(stored_ids(document)) == expected
    assert stored_id_prefixes(document) == expected


_WRITTEN = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda value: str(value).upper()),
    st.builds(lambda a, b: f"{a}\n{b}", st.uuids(), st.uuids()),  # two ids on one line
    st.uuids().map(lambda value: f"{value}\n"),
    st.uuids().map(lambda value: str(value).replace("-", " ", 1)),
    st.uuids().map(lambda value: str(value)[:-1] + "\u0663"),  # ARABIC-INDIC DIGIT THREE
    st.uuids().map(lambda value: str(value)[:-2] + " 0"),
    st.text(alphabet="0123456789abcdefABCDEF-\n{} \u0663", max_size=40),
    st.integers(),
)


@given(st.lists(_WRITTEN, max_size=12))
def test_a_row_reads_the_id_starts_of_every_id_at_once_as_it_reads_them_one_by_one(
    written: list[str | int],
) -> None:
    """The ids of a case are read all at once when each is written as rjfacil writes it,
    and give the starts the ids read one by one would: an id holding a line break, a space
    or a digit other than 0 to 9 and a to f is read as a UUID reads it, and never counts as
    two."""
    tables = {"notes": {str(n): {"id": text} for n, text in enumerate(written)}}
    document = cast(codec.CaseDocument, SimpleNamespace(tables=tables))
    assert stored_id_prefixes(document) == record_id_prefixes(stored_ids(document))
