"""Each format step of the case document, on its own: a pure function, dict in, dict out."""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from rjfacil.casedoc.codec import CURRENT_FORMAT, READABLE_BY
from rjfacil.casedoc.migrations import STEPS, migrate, v1_to_v2, v2_to_v3, v3_to_v4
from rjfacil.casedoc.model import team_member_id

CASE = "11111111-1111-4111-8111-111111111111"
OWNER = "22222222-2222-4222-8222-222222222222"
RORY = "33333333-3333-4333-8333-333333333333"
HANA = "44444444-4444-4444-8444-444444444444"
SAM_A = "55555555-5555-4555-8555-555555555555"
SAM_B = "66666666-6666-4666-8666-666666666666"
T0 = "2026-10-01T09:00:00Z"
T1 = "2026-10-02T09:00:00Z"
T2 = "2026-10-03T09:00:00.500000Z"


def entry(action: str, at: str, record: str = CASE, also: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "action": action,
        "table": "case",
        "record_id": record,
        "also": list(also),
        "created_at": at,
        "created_by": OWNER,
        "prev": "0" * 64,
        "hash": "f" * 64,
    }


def person(pid: str, name: str, address_as: str = "", deleted: bool = False) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "address_as": address_as,
        "role": "supporter",
        "deleted": deleted,
        "created_at": T0,
        "created_by": OWNER,
    }


def v1(**case: Any) -> dict[str, Any]:
    """A format 1 case document, as rjfacil 0.1 wrote it."""
    return {
        "facilitators": {"1": {"id": OWNER, "name": "Golden Facilitator"}},
        "case": {
            "1": {
                "id": CASE,
                "reference": "R-1",
                "created_at": T0,
                "created_by": OWNER,
                "updated_at": T0,
                "updated_by": OWNER,
                "co_worker": "",
                "case_supervisor": "",
                "meeting_date": None,
                **case,
            }
        },
        "participants": {
            "1": person(RORY, "Rory Gold"),
            "2": person(HANA, "Hana Gold", address_as="Hana"),
            "3": person(SAM_A, "Sam Ng", address_as="Sam"),
            "4": person(SAM_B, "Sam Oz", address_as="Sam"),
        },
        "audit": {"1": entry("opened the case", T0)},
        "meta": {"1": {"format": 1, "audit_head": "f" * 64, "audit_count": 1}},
    }


def case_of(document: dict[str, Any]) -> dict[str, Any]:
    return next(iter(document["case"].values()))


def team_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {member["name"]: member for member in document["team"].values()}


def test_every_released_format_has_a_step_to_the_current_one() -> None:
    assert sorted(STEPS) == list(range(1, CURRENT_FORMAT))
    migrated = migrate(v1(), 1, CURRENT_FORMAT)
    assert migrated["meta"]["1"]["readable_by"] == READABLE_BY
    assert migrated["meta"]["1"]["format"] == CURRENT_FORMAT


def test_v1_to_v2_leaves_its_argument_and_the_audit_history_alone() -> None:
    before = v1(co_worker="Priya Shah")
    kept = copy.deepcopy(before)
    after = v1_to_v2(before)
    assert before == kept
    assert after["audit"] == before["audit"]
    meta = after["meta"]["1"]
    assert (meta["audit_head"], meta["audit_count"]) == ("f" * 64, 1)
    assert (meta["format"], meta["readable_by"]) == (2, 2)


def test_v1_to_v2_makes_the_facilitators_the_team_and_lists_what_it_made() -> None:
    after = v1_to_v2(v1(co_worker="Priya Shah"))
    assert "facilitators" not in after
    team = team_of(after)
    assert team["Golden Facilitator"]["id"] == OWNER
    assert team["Golden Facilitator"]["role"] == "facilitator"
    priya = team["Priya Shah"]
    assert priya["role"] == "co_worker"
    assert priya["created_at"] == T0 and priya["created_by"] == OWNER
    assert after["meta"]["1"]["made_by_migration"] == [OWNER, priya["id"]]


def test_v1_to_v2_names_the_co_worker_and_supervisor_by_id() -> None:
    after = v1_to_v2(v1(co_worker="  priya   SHAH ", case_supervisor="Facilitator"))
    case = case_of(after)
    assert case["co_worker"] == str(team_member_id(UUID(CASE), "Priya Shah"))
    assert team_of(after)["priya SHAH"]["id"] == case["co_worker"]
    assert case["case_supervisor"] == OWNER
    nobody = case_of(v1_to_v2(v1(co_worker="", case_supervisor=None)))
    assert (nobody["co_worker"], nobody["case_supervisor"]) == (None, None)


def test_v1_to_v2_finds_who_does_an_action() -> None:
    document = v1(co_worker="Priya Shah")
    owners = [
        "rory gold",
        "Hana",
        "Facilitator",
        "golden facilitator",
        "Priya Shah",
        "Sam",
        "Rory and Mo",
        "",
    ]
    document["actions"] = {
        str(n): {"id": f"a{n}", "description": "x", "by_whom": text}
        for n, text in enumerate(owners, start=1)
    }
    after = v1_to_v2(document)
    by_whom = [action["by_whom"] for action in after["actions"].values()]
    priya = case_of(after)["co_worker"]
    team = team_of(after)
    # "Sam" addresses two participants: not a guess, a team member named as written.
    assert by_whom == [
        RORY,
        HANA,
        OWNER,
        OWNER,
        priya,
        team["Sam"]["id"],
        team["Rory and Mo"]["id"],
        None,
    ]
    assert team["Rory and Mo"]["role"] == "other"


def test_v1_to_v2_keeps_whom_a_consent_shares_with_and_what_it_cannot_match() -> None:
    document = v1()
    document["consents"] = {
        "1": {"id": "c1", "share_with": "Rory Gold", "note": ""},
        "2": {"id": "c2", "share_with": "rory gold, Hana and her sister", "note": "Verbal."},
        "3": {"id": "c3", "share_with": "", "note": ""},
    }
    after = v1_to_v2(document)["consents"]
    assert after["1"] == {"id": "c1", "share_with": [RORY], "note": ""}
    assert after["2"]["share_with"] == [RORY, HANA]
    assert after["2"]["note"] == (
        "Verbal.\nShare with (as first written): rory gold, Hana and her sister"
    )
    assert after["3"]["share_with"] == []


def test_v1_to_v2_gives_each_case_fact_the_later_of_its_field_and_its_answer() -> None:
    document = v1(meeting_date="2026-12-20", meeting_venue="Town hall", co_worker="Priya Shah")
    document["answers"] = {
        # Walked after the case was opened: the answer is the later word.
        "1": {
            "checklist_id": "meeting",
            "item_id": "meeting_date",
            "participant_id": None,
            "value": "2026-12-18",
            "created_at": T1,
        },
        # Answered, then the field was set again on the Meeting tab: the field stands.
        "2": {
            "checklist_id": "meeting",
            "item_id": "venue",
            "participant_id": None,
            "value": "Library",
            "created_at": T1,
        },
        # A participant's answer is never a case fact.
        "3": {
            "checklist_id": "coworking",
            "item_id": "coworker",
            "participant_id": RORY,
            "value": "Someone",
            "created_at": T2,
        },
    }
    document["audit"]["2"] = entry("updated the case (meeting_venue)", T2)
    document["audit"]["3"] = entry("updated the case (stage)", "2026-10-04T09:00:00Z")
    case = case_of(v1_to_v2(document))
    assert case["meeting_date"] == "2026-12-18"
    assert case["meeting_venue"] == "Town hall"
    assert case["co_worker"] == str(team_member_id(UUID(CASE), "Priya Shah"))


def test_v1_to_v2_ids_are_the_same_in_every_copy_of_a_case() -> None:
    first = v1_to_v2(v1(co_worker="Priya Shah", case_supervisor="Dana Whitfield"))
    second = v1_to_v2(v1(co_worker="PRIYA SHAH", case_supervisor="dana whitfield"))
    assert case_of(first)["co_worker"] == case_of(second)["co_worker"]
    assert case_of(first)["case_supervisor"] == case_of(second)["case_supervisor"]


def test_v2_to_v3_keeps_the_one_chain_as_its_authors_and_leaves_the_entries_alone() -> None:
    before = v1_to_v2(v1())
    kept = copy.deepcopy(before)
    after = v2_to_v3(before)
    assert before == kept
    assert after["audit"] == before["audit"]
    meta = after["meta"]["1"]
    assert "audit_head" not in meta and "audit_count" not in meta
    assert meta["audit_heads"] == {OWNER: {"head": "f" * 64, "count": 1}}
    assert (meta["format"], meta["readable_by"]) == (3, 3)
    assert meta["made_by_migration"] == before["meta"]["1"]["made_by_migration"]


def test_v2_to_v3_of_a_case_without_history_has_no_heads() -> None:
    document = v1_to_v2(v1())
    document["audit"] = {}
    document["meta"]["1"] = {"format": 2, "readable_by": 2}
    assert v2_to_v3(document)["meta"]["1"]["audit_heads"] == {}


LETTER_A = "77777777-7777-4777-8777-777777777777"
LETTER_B = "88888888-8888-4888-8888-888888888888"


def letters_v3() -> dict[str, Any]:
    """Format 3: letter A approved at T1 and revised at T2 (it stayed approved); letter B
    under review; the letter items answered once for the case."""
    document = v2_to_v3(v1_to_v2(v1()))

    def letter(lid: str, status: str, at: str, note: str = "") -> dict[str, Any]:
        return {
            "id": lid,
            "from_participant": RORY,
            "to_participant": HANA,
            "status": status,
            "vetting_note": note,
            "created_at": T0,
            "created_by": OWNER,
            "updated_at": at,
            "updated_by": OWNER,
            "deleted": False,
        }

    def version(vid: str, lid: str, at: str) -> dict[str, Any]:
        return {
            "id": vid,
            "letter_id": lid,
            "text": "Dear Hana",
            "created_at": at,
            "created_by": OWNER,
        }

    def answer(item: str, value: str, at: str) -> dict[str, Any]:
        return {
            "id": f"{item}-{at}",
            "checklist_id": "letters",
            "item_id": item,
            "participant_id": None,
            "value": value,
            "created_at": at,
            "created_by": OWNER,
        }

    document["letters"] = {
        "1": letter(LETTER_A, "approved", T1, "Read with my supervisor."),
        "2": letter(LETTER_B, "under_review", T0),
    }
    document["letter_versions"] = {
        "1": version("a1", LETTER_A, T0),
        "2": version("a2", LETTER_A, T2),
        "3": version("b1", LETTER_B, T0),
    }
    document["answers"] = {
        "1": answer("letter_hidden_messages", "unknown", T0),
        "2": answer("letter_hidden_messages", "no", T1),
        "3": answer("letter_recipient_agreed", "yes", T1),
    }
    return document


def test_v3_to_v4_vets_the_version_approved_and_carries_the_case_answers() -> None:
    before = letters_v3()
    kept = copy.deepcopy(before)
    after = v3_to_v4(before)
    assert before == kept
    assert after["audit"] == before["audit"] and after["answers"] == before["answers"]
    vettings = {v["letter_id"]: v for v in after["letter_vettings"].values()}
    approved = vettings[LETTER_A]
    # The approval was of the version current at T1: the revision at T2 is not vetted.
    assert (approved["version_id"], approved["decision"]) == ("a1", "vetted")
    assert approved["reasons"] == "Read with my supervisor."
    assert (approved["created_at"], approved["created_by"]) == (T1, OWNER)
    assert approved["answers"] == {"letter_hidden_messages": "no"}
    # A letter with no decision gets the case's answers on its current version, undecided.
    assert (vettings[LETTER_B]["version_id"], vettings[LETTER_B]["decision"]) == ("b1", None)
    meta = after["meta"]["1"]
    assert (meta["format"], meta["readable_by"]) == (4, 3)
    assert {v["id"] for v in vettings.values()} <= set(meta["made_by_migration"])
    assert v3_to_v4(copy.deepcopy(before))["letter_vettings"] == after["letter_vettings"]


def test_v3_to_v4_of_a_case_without_letters_adds_nothing() -> None:
    after = v3_to_v4(v2_to_v3(v1_to_v2(v1())))
    assert "letter_vettings" not in after
    assert after["meta"]["1"]["format"] == 4
