"""Decisions and gates as records, not answers (issue 11, "Decisions and gates"): a
suitability or go/no-go decision before first contact (001 A 2(a) 2), before any direct
communication (A 2(a) 6) and before a meeting (A 2(a) 7-8) says who decided, when and why;
on the HMPPS route, the manager who gave oversight and when (003 HMPPS 4.4, 4.21, 4.22)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rjfacil.casedoc.model import DecisionOutcome, DecisionPoint
from rjfacil.commands.casefile import CaseFile
from rjfacil.errors import RjfacilError
from rjfacil.export.summary import ExportOptions, render_export
from rjfacil.views.decisions import decision_lines, waiting_for_decision
from rjfacil.views.history import case_history
from rjfacil.workspace import Vault

DAY = date(2026, 3, 2)


def _manager(case: CaseFile) -> object:
    case.update_case(case_supervisor="Priya Shah")
    return case.case.case_supervisor


def test_a_decision_before_first_contact_records_who_when_and_why_and_reads_back(
    vault: Vault,
) -> None:
    # A 2(a) 2: assessment before any communication; the decision is a record of its own.
    case = vault.new_case("RJ-DEC-1")
    case.record_decision(
        DecisionPoint.FIRST_CONTACT,
        DecisionOutcome.GO,
        decided_by=vault.owner.id,
        decided_on=DAY,
        reason="Risk assessment read; both willing to be contacted.",
    )
    again = vault.open_case(case.id)
    [line] = decision_lines(again)
    assert line.point == "Before first contact"
    assert line.outcome == "Go ahead"
    assert line.decided_by == vault.owner.name
    assert line.decided_on == "2 Mar 2026"
    assert line.reason == "Risk assessment read; both willing to be contacted."
    assert line.current
    assert "Before first contact" not in waiting_for_decision(again)


def test_a_decision_without_a_reason_is_not_saved(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-2")
    with pytest.raises(RjfacilError, match="needs its reason"):
        case.record_decision("first_contact", "go", vault.owner.id, DAY, "   ")
    assert case.decisions == []


def test_a_decision_is_taken_by_someone_in_the_team_not_a_participant(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-3")
    person = case.add_participant("person_harmed", "Ann Ode")
    with pytest.raises(RjfacilError, match="case's team"):
        case.record_decision("first_contact", "go", person.id, DAY, "They asked.")


def test_on_the_hmpps_route_a_decision_needs_the_managers_oversight_hmpps_4_4(
    vault: Vault,
) -> None:
    # HMPPS 4.4: managerial oversight before referring or sharing; 4.21/4.22: the line
    # manager keeps oversight during the process.
    case = vault.new_case("RJ-DEC-4")
    case.answer("facts", "route", "hmpps")
    manager = _manager(case)
    with pytest.raises(RjfacilError, match=r"HMPPS 4\.4"):
        case.record_decision("meeting", "go", vault.owner.id, DAY, "Measures in place.")
    with pytest.raises(RjfacilError, match="both"):
        case.record_decision(
            "meeting", "go", vault.owner.id, DAY, "Measures in place.", oversight_by=manager
        )
    case.record_decision(
        "meeting",
        "wait",
        vault.owner.id,
        DAY,
        "Waiting for the panel.",
        oversight_by=manager,  # type: ignore[arg-type]
        oversight_on=DAY,
    )
    [line] = decision_lines(case)
    assert line.oversight.startswith("oversight given by Priya Shah on ")


def test_outside_hmpps_oversight_is_optional(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-5")
    case.answer("facts", "route", "other_service")
    case.record_decision("first_contact", "no_go", vault.owner.id, DAY, "Not safe yet.")
    assert [d.outcome.value for d in case.decisions] == ["no_go"]


def test_a_later_decision_at_the_same_point_supersedes_the_earlier_one(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-6")
    case.record_decision("first_contact", "wait", vault.owner.id, DAY, "Ask the supervisor.")
    case.record_decision("first_contact", "go", vault.owner.id, DAY, "Supervisor agreed.")
    newest, older = decision_lines(case)
    assert (newest.outcome, newest.current) == ("Go ahead", True)
    assert (older.outcome, older.current) == ("Wait", False)


def test_a_letter_only_case_waits_only_for_the_decision_before_first_contact(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-DEC-7")
    assert waiting_for_decision(case) == [
        "Before first contact",
        "Before any direct communication",
        "Before a meeting",
    ]
    case.update_case(process="letter")
    assert waiting_for_decision(case) == ["Before first contact"]


def test_the_history_says_the_decision_in_plain_words(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-8")
    case.answer("facts", "route", "hmpps")
    manager = _manager(case)
    case.record_decision(
        "direct_communication",
        "go",
        vault.owner.id,
        DAY,
        "Both agreed to meet.",
        oversight_by=manager,  # type: ignore[arg-type]
        oversight_on=DAY,
    )
    what = case_history(case)[0].what
    assert what.startswith("Recorded a decision before any direct communication: go ahead")
    assert "Both agreed to meet." in what and "Priya Shah" in what
    assert "direct_communication" not in what and "no_go" not in what


def test_the_supervisor_summary_has_a_decisions_section(vault: Vault) -> None:
    case = vault.new_case("RJ-DEC-9")
    case.record_decision("first_contact", "go", vault.owner.id, DAY, "Safe to contact.")
    md = render_export(case, ExportOptions(fmt="md", redaction="none", notes="none")).decode()
    assert "## Decisions" in md and "Safe to contact." in md
    assert "Before any direct communication" in md  # still waiting for one
    data = json.loads(
        render_export(case, ExportOptions(fmt="json", redaction="none", notes="none"))
    )
    [decision] = data["decisions"]
    assert decision["point"] == "Before first contact"
    assert decision["outcome"] == "Go ahead"
    assert decision["reason"] == "Safe to contact."
    assert data["decisions_waiting"] == ["Before any direct communication", "Before a meeting"]


def test_a_manager_named_for_the_first_time_joins_the_team_as_line_manager(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-DEC-10")
    case.answer("facts", "route", "hmpps")
    decision = case.record_decision(
        "first_contact", "go", vault.owner.id, DAY, "Oversight given.", "Lee Manager", DAY
    )
    assert case.person_label(decision.oversight_by) == "Lee Manager (line manager)"


async def test_d_on_the_overview_records_a_decision_and_the_overview_shows_it(
    vault: Vault,
) -> None:
    """The flow a facilitator follows: d (shown in the footer), the reason typed, Ctrl+S;
    the overview then says the decision, who took it and why."""
    from textual.widgets import TextArea

    from screens.decisions import DecisionEditor
    from tests.pilot_helpers import case_screen, open_with, paste, press, screen_text, squashed

    case = vault.new_case("RJ-DEC-UI")
    async with case_screen(vault, case.id) as (app, pilot):
        footer = squashed(screen_text(app))
        assert "d Decision" in footer, footer[-300:]
        editor = await open_with(pilot, "d", DecisionEditor)
        editor.query_one("#dec-reason", TextArea).focus()
        await paste(pilot, "Both willing; risk assessments read.")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, DecisionEditor)
        scroll = app.screen.query_one("#overview-scroll")
        scroll.scroll_to_widget(app.screen.query_one("#ov-decisions"), animate=False, top=True)
        await press(pilot)
        shown = squashed(screen_text(app))
        assert "Before first contact: Go ahead" in shown
        assert "Both willing; risk assessments read." in shown
    assert [d.reason for d in vault.open_case(case.id).decisions] == [
        "Both willing; risk assessments read."
    ]


def test_moving_into_communication_without_a_go_ahead_asks_for_a_reason(vault: Vault) -> None:
    """A gate (A 2(a) 2, 6-8): moving a case into communication between the participants,
    or later, lists each point with no decision to go ahead; going on takes a reason,
    which the history records in words."""
    from rjfacil.errors import BlockingFlagsRaised
    from rjfacil.vocab import Stage

    case = vault.new_case("RJ-DEC-11")
    case.record_decision("first_contact", "go", vault.owner.id, DAY, "Safe to contact.")
    case.update_case(process="letter", stage=Stage.PREPARATION)
    case.record_decision("first_contact", "wait", vault.owner.id, DAY, "Ask the supervisor.")
    with pytest.raises(BlockingFlagsRaised) as raised:
        case.update_case(stage=Stage.COMMUNICATION)
    assert raised.value.headings == ["No go-ahead recorded before first contact"]
    case.update_case(stage=Stage.COMMUNICATION, going_on_because="The supervisor agreed by phone")
    what = case_history(case)[0].what
    assert what == (
        "Changed the stage from Preparation to Communication, although no go-ahead was "
        "recorded before first contact; the reason given: The supervisor agreed by phone"
    )
    other = vault.new_case("RJ-DEC-12")
    other.update_case(process="face_to_face")
    for point in ("first_contact", "direct_communication", "meeting"):
        other.record_decision(point, "go", vault.owner.id, DAY, "Measures in place.")
    other.update_case(stage=Stage.COMMUNICATION)  # every point has its go-ahead
    assert other.case.stage is Stage.COMMUNICATION


def test_letters_turning_into_a_meeting_at_communication_ask_for_the_go_ahead(
    vault: Vault,
) -> None:
    """Indirect communication can move to a direct meeting within the communication stage
    (A 3(a) 13): choosing a direct process there, in the case details or in the process
    checklist (process.process_type, HMPPS 6.3), without the go-ahead before any direct
    communication (A 2(a) 6) and before a meeting (A 2(a) 7-8) asks for a reason, which
    the history records; before communication the stage move asks instead."""
    from rjfacil.errors import BlockingFlagsRaised
    from rjfacil.vocab import ProcessType, Stage

    case = vault.new_case("RJ-DEC-15")
    case.record_decision("first_contact", "go", vault.owner.id, DAY, "Safe to contact.")
    case.update_case(process="letter", stage=Stage.PREPARATION)
    case.update_case(process="face_to_face")  # before communication: the move will ask
    case.update_case(process="letter")
    case.update_case(stage=Stage.COMMUNICATION)  # letters: first contact is enough
    missing = [
        "No go-ahead recorded before any direct communication",
        "No go-ahead recorded before a meeting",
    ]
    with pytest.raises(BlockingFlagsRaised) as raised:
        case.update_case(process="face_to_face")
    assert raised.value.headings == missing
    assert str(raised.value).startswith("Not changed: No go-ahead recorded")
    with pytest.raises(BlockingFlagsRaised) as raised:
        case.answer("process", "process_type", "video_conference")
    assert raised.value.headings == missing
    assert case.case.process is ProcessType.LETTER
    assert case.answers()[("process", "process_type", None)].value == "letter"
    case.update_case(process="shuttle")  # still indirect: nothing to ask
    case.answer(
        "process",
        "process_type",
        "face_to_face",
        going_on_because="Both asked to meet; the supervisor agreed by phone",
    )
    assert case.case.process is ProcessType.FACE_TO_FACE
    assert case_history(case)[0].what == (
        "Answered “Which form of restorative process is planned?”: Face to face meeting, "
        "although no go-ahead was recorded before any direct communication or before a "
        "meeting; the reason given: Both asked to meet; the supervisor agreed by phone"
    )
    other = vault.new_case("RJ-DEC-16")
    for point in ("first_contact", "direct_communication", "meeting"):
        other.record_decision(point, "go", vault.owner.id, DAY, "Measures in place.")
    other.update_case(process="letter", stage=Stage.COMMUNICATION)
    other.update_case(process="video_conference")  # every go-ahead recorded
    case.update_case(process="letter")
    with pytest.raises(BlockingFlagsRaised):
        case.update_case(process="video_conference")
    case.update_case(process="video_conference", going_on_because="Travel is too far")
    assert case_history(case)[0].what == (
        "Changed the form of communication from letter to video conference, "
        "although no go-ahead was recorded before any direct communication or before a "
        "meeting; the reason given: Travel is too far"
    )


def test_moving_into_assessment_without_a_go_ahead_before_first_contact_asks_for_a_reason(
    vault: Vault,
) -> None:
    """First contact is made in assessment (A 2(a) 2): a move there, or later, without a
    go-ahead before first contact asks for a reason; the other points wait for
    communication."""
    from rjfacil.errors import BlockingFlagsRaised
    from rjfacil.vocab import Stage

    case = vault.new_case("RJ-DEC-13")
    case.update_case(process="face_to_face")
    for stage in (Stage.ASSESSMENT, Stage.PREPARATION):
        with pytest.raises(BlockingFlagsRaised) as raised:
            case.update_case(stage=stage)
        assert raised.value.headings == ["No go-ahead recorded before first contact"]
    assert case.case.stage is Stage.REFERRAL
    case.record_decision("first_contact", "go", vault.owner.id, DAY, "Safe to contact.")
    case.update_case(stage=Stage.ASSESSMENT)
    case.update_case(stage=Stage.PREPARATION)
    assert case.case.stage is Stage.PREPARATION
    with pytest.raises(BlockingFlagsRaised) as raised:
        case.update_case(stage=Stage.COMMUNICATION)
    assert raised.value.headings == [
        "No go-ahead recorded before any direct communication",
        "No go-ahead recorded before a meeting",
    ]
    other = vault.new_case("RJ-DEC-14")
    other.update_case(stage=Stage.ASSESSMENT, going_on_because="Referrer already spoke to both")
    assert "no go-ahead was recorded before first contact" in case_history(other)[0].what


def test_a_reason_ending_a_sentence_is_followed_by_the_oversight_as_a_new_one(
    vault: Vault,
) -> None:
    # The history read "…because Both agreed to meet.; oversight given by …".
    case = vault.new_case("RJ-DEC-8B")
    case.answer("facts", "route", "hmpps")
    manager = _manager(case)
    case.record_decision(
        "meeting",
        "go",
        vault.owner.id,
        DAY,
        "Both agreed to meet.",
        oversight_by=manager,  # type: ignore[arg-type]
        oversight_on=DAY,
    )
    what = case_history(case)[0].what
    assert ".;" not in what
    assert "because Both agreed to meet. Oversight given by Priya Shah on " in what
