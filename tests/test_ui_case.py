"""The case screen: overview, participants and consent, stage, checklists, lock."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from textual.widgets import Input, OptionList, Select, TabbedContent, TextArea

from rjfacil.casedoc.model import ConsentPurpose, NoteSource, ShareHow
from rjfacil.views.flags import raised_flags
from rjfacil.views.history import case_history
from rjfacil.views.progress import walk_target
from rjfacil.vocab import ClosureReason, Role, Stage
from rjfacil.workspace import Vault
from screens.case import CaseDetailsEditor, CaseScreen
from screens.dialogs import ConfirmModal, TextPromptModal
from screens.notes import NoteEditor
from screens.participants import ConsentEditor, ParticipantEditor
from screens.walker import ChecklistWalker
from screens.widgets import PickModal, RecordTable
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    Notices,
    case_screen,
    open_with,
    paste,
    press,
    reopen,
    running,
    screen_of,
    screen_text,
    settle,
    squashed,
    two_people,
)


async def test_opening_a_case_shows_its_overview(vault: Vault) -> None:
    case = vault.new_case("RJ-101", referral_date=date(2025, 2, 3))
    two_people(case)
    case.answer("sensitive", "manipulation", "yes")
    async with case_screen(vault, case.id) as (app, pilot):
        assert isinstance(app.screen, CaseScreen)
        shown = squashed(screen_text(app))
        assert "RJ-101" in shown
        assert "Stage: Referral" in shown
        assert "Sensitive and complex case" in shown
        assert "Next steps" in shown
        scroll = app.screen.query_one("#overview-scroll")
        scroll.scroll_to_widget(app.screen.query_one("#ov-people"), animate=False, top=True)
        await settle(pilot)
        shown = squashed(screen_text(app))
        assert "Ana Silva — person harmed; addressed as Ana" in shown
        assert "Ben Cole — person responsible; addressed as Mr Cole" in shown
        scroll.scroll_end(animate=False)
        await settle(pilot)
        assert "What the guidance asks next" in squashed(screen_text(app))


async def test_a_case_opens_on_the_tab_asked_for_and_says_where_it_is(vault: Vault) -> None:
    case = vault.new_case("RJ-102")
    async with case_screen(vault, case.id, "risks") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        assert screen.query_one(TabbedContent).active == "risks"
        assert "No risks recorded" in screen_text(app)
        await press(pilot, "5")
        assert screen.location() == {"case_id": case.id, "tab": "notes"}


async def test_add_participants_with_how_they_wish_to_be_addressed(vault: Vault) -> None:
    case = vault.new_case("RJ-103")
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        assert "No participants yet" in screen_text(app)

        editor = await open_with(pilot, "a", ParticipantEditor)
        await paste(pilot, "Ana Silva")
        await pilot.press("tab", "tab")  # the role stays "Person harmed"
        await paste(pilot, "Ana")
        await press(pilot, "ctrl+s")

        editor = await open_with(pilot, "a", ParticipantEditor)
        await paste(pilot, "Ben Cole")
        await pilot.press("tab", "enter")  # open the role list
        await settle(pilot)
        await pilot.press("down", "enter")  # person responsible
        await settle(pilot)
        assert editor.query_one("#p-role", Select).value == Role.PERSON_RESPONSIBLE.value
        await pilot.press("tab")
        await paste(pilot, "Mr Cole")
        editor.query_one("#p-access", TextArea).text = "A ground floor room"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)

        people = {p.name: p for p in case.participants}
        assert people["Ana Silva"].role is Role.PERSON_HARMED
        assert people["Ana Silva"].address_as == "Ana"
        assert people["Ben Cole"].role is Role.PERSON_RESPONSIBLE
        assert people["Ben Cole"].address_as == "Mr Cole"
        assert people["Ben Cole"].access_needs == "A ground floor room"
        shown = screen_text(app)
        assert "Ana Silva" in shown and "Person harmed" in shown
        assert "Ben Cole" in shown and "Person responsible" in shown
        assert "Access needs: A ground floor room" in shown  # the new row is selected

    vault = reopen(vault)
    assert sorted(p.name for p in vault.open_case(case.id).participants) == [
        "Ana Silva",
        "Ben Cole",
    ]
    vault.close()


async def test_a_participant_needs_a_name_and_the_editor_stays_open(vault: Vault) -> None:
    case = vault.new_case("RJ-104")
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ParticipantEditor)
        assert "needs a name" in screen_text(app)
        assert case.participants == []


async def test_record_and_withdraw_consent_and_see_the_history(vault: Vault) -> None:
    case = vault.new_case("RJ-105")
    harmed, _ = two_people(case)
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        assert "No consent recorded yet" in screen_text(app)

        editor = await open_with(pilot, "c", ConsentEditor)
        editor.query_one("#c-on", Input).value = "2025-03-01"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)
        [given] = case.current_consents(harmed)
        assert given.given and given.purpose is ConsentPurpose.TAKE_PART
        assert given.on == date(2025, 3, 1) and given.form == "verbal"
        shown = screen_text(app)
        assert "Taking part: given (verbal, 1 Mar 2025)" in shown

        editor = await open_with(pilot, "w", ConsentEditor)
        assert "withdrawal" in screen_text(app)
        editor.query_one("#c-on", Input).value = "14/03/2025"
        editor.query_one("#c-note", Input).value = "Wants time to think"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CaseScreen)

        [current] = case.current_consents(harmed)
        assert not current.given and current.on == date(2025, 3, 14)
        assert [c.given for c in case.consents(harmed)] == [True, False]
        shown = screen_text(app)
        assert "Taking part: withdrawn (verbal, 14 Mar 2025) — Wants time to think" in shown
        assert "History (oldest first)" in shown
        assert "given (verbal, 1 Mar 2025; recorded by Sam Okafor" in shown
        assert "withdrawn (verbal, 14 Mar 2025; recorded by Sam Okafor" in shown
        table = app.screen.query_one("#participants-table", RecordTable)
        assert table.get_row_at(0)[3].plain == "withdrawn"


async def test_closing_a_case_asks_the_closure_reason(vault: Vault) -> None:
    case = vault.new_case("RJ-106")
    async with case_screen(vault, case.id) as (app, pilot):
        await press(pilot, "g")
        assert isinstance(app.screen, PickModal)
        options = app.screen.query_one(OptionList)
        options.highlighted = list(Stage).index(Stage.CLOSED)
        await press(pilot, "enter")
        assert isinstance(app.screen, PickModal)
        assert "Why is the case closing?" in screen_text(app)
        await pilot.press("escape")  # no reason: nothing changes
        await settle(pilot)
        assert case.case.stage is Stage.REFERRAL

        await press(pilot, "g")
        app.screen.query_one(OptionList).highlighted = list(Stage).index(Stage.WITHDRAWN)
        await press(pilot, "enter")
        reasons = list(ClosureReason)
        app.screen.query_one(OptionList).highlighted = reasons.index(
            ClosureReason.WITHDREW_PERSON_HARMED
        )
        await press(pilot, "enter")
        assert case.case.stage is Stage.WITHDRAWN
        assert case.case.closure_reason is ClosureReason.WITHDREW_PERSON_HARMED
        assert "Withdrawn: the person harmed withdrew" in screen_text(app)

        await press(pilot, "g")
        app.screen.query_one(OptionList).highlighted = list(Stage).index(Stage.ASSESSMENT)
        await press(pilot, "enter")
        assert case.case.stage is Stage.ASSESSMENT and case.case.closure_reason is None


async def test_case_details_are_saved_at_once(vault: Vault) -> None:
    case = vault.new_case("RJ-107")
    async with case_screen(vault, case.id) as (app, pilot):
        editor = await open_with(pilot, "e", CaseDetailsEditor)
        editor.query_one("#d-referral", Input).value = "02/01/2025"
        editor.query_one("#d-process", Select).value = "letter"
        await press(pilot, "ctrl+s")
        assert case.case.referral_date == date(2025, 1, 2)
        assert case.case.process is not None and case.case.process.value == "letter"
        assert "Process: letter" in screen_text(app)


async def test_a_meeting_chosen_in_communication_asks_for_the_go_ahead_reason(
    vault: Vault,
) -> None:
    """Letters turned into a meeting (A 3(a) 13) at communication, without the go-ahead
    before direct communication and before a meeting (A 2(a) 6-8): the case details ask
    for the reason for going on; Escape saves nothing, a reason saves it."""
    case = vault.new_case("RJ-107b")
    case.update_case(
        process="letter", stage=Stage.COMMUNICATION, going_on_because="Contact made by referrer"
    )
    async with case_screen(vault, case.id) as (app, pilot):
        editor = await open_with(pilot, "e", CaseDetailsEditor)
        editor.query_one("#d-process", Select).value = "face_to_face"
        await press(pilot, "ctrl+s")
        prompt = screen_of(app, TextPromptModal)
        shown = squashed(screen_text(app))
        assert "No go-ahead recorded before any direct communication" in shown
        assert "Change the process" in shown and "anyway?" in shown
        await press(pilot, "escape")
        assert screen_of(app, CaseDetailsEditor) is editor
        assert case.case.process is not None and case.case.process.value == "letter"
        await press(pilot, "ctrl+s")
        prompt = screen_of(app, TextPromptModal)
        prompt.query_one(Input).focus()
        await paste(pilot, "Both asked to meet")
        await press(pilot, "enter")
        assert case.case.process is not None and case.case.process.value == "face_to_face"
    assert case_history(case)[0].what.endswith("; the reason given: Both asked to meet")


async def test_checklists_tab_shows_progress_and_enter_walks(vault: Vault) -> None:
    case = vault.new_case("RJ-108")
    two_people(case)
    case.answer("sensitive", "manipulation", "yes")
    async with case_screen(vault, case.id, "checklists") as (app, pilot):
        table = app.screen.query_one("#checklists-table", RecordTable)
        rows = {table.get_row_at(i)[3].plain: table.get_row_at(i) for i in range(table.row_count)}
        sensitive = rows["Sensitive and complex cases"]
        # The items that apply: HMPPS 4.4's specific-vulnerability factor waits for the route.
        total = len(walk_target(case, "sensitive", None).items)
        assert total == len(case.catalogue.checklist("sensitive").items) - 1
        assert sensitive[0].plain == f"1/{total}"
        # Long labels are cut to fit the width, never scrolled sideways.
        assert any(label.startswith("Risk assessment: Ana Silva (p") for label in rows)
        table.move_cursor(row=list(rows).index("Sensitive and complex cases"))
        walker = await open_with(pilot, "enter", ChecklistWalker)
        assert walker.checklist_id == "sensitive" and walker.participant_id is None
        assert app.screen.location()["checklist_id"] == "sensitive"
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)


async def test_risks_are_added_edited_and_resolved(vault: Vault) -> None:
    case = vault.new_case("RJ-109")
    async with case_screen(vault, case.id, "risks") as (app, pilot):
        await press(pilot, "a")
        await paste(pilot, "Lives on the same street")
        editor = app.screen
        editor.query_one("#r-rating", Select).value = "high"
        editor.query_one("#r-mitigation", TextArea).text = "Meet at the centre, not at home"
        editor.query_one("#r-review", Input).value = "2025-04-01"
        await press(pilot, "ctrl+s")
        [risk] = case.risks
        assert risk.rating.value == "high" and risk.review_date == date(2025, 4, 1)
        shown = screen_text(app)
        assert "Lives on the same street" in shown and "High" in shown
        assert "Managed by: Meet at the centre, not at home" in shown
        await press(pilot, "r")
        assert case.risks[0].resolved
        assert "resolved" in screen_text(app)


async def test_before_lock_keeps_an_unsaved_note_as_a_private_draft(vault: Vault) -> None:
    case = vault.new_case("RJ-110")
    two_people(case)
    async with case_screen(vault, case.id, "notes") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        await press(pilot, "a")
        assert isinstance(app.screen, NoteEditor)
        await paste(pilot, "Half a sentence")
        assert screen.before_lock() == 1
        [draft] = case.notes()
        assert draft.private
        assert draft.share_how is ShareHow.NOT_SHARED
        assert draft.source is NoteSource.FACILITATOR_ASSESSMENT
        assert case.note_text(draft.id).startswith("DRAFT (a new note)")
        assert case.note_text(draft.id).endswith("Half a sentence")
        assert screen.location() == {"case_id": case.id, "tab": "notes"}

    # Nothing in plaintext on disk: the draft is inside the encrypted case file.
    for path in vault.home.rglob("*"):
        if path.is_file():
            assert b"Half a sentence" not in path.read_bytes()


async def test_a_case_of_300_notes_lists_them_all(vault: Vault) -> None:
    case = vault.new_case("RJ-111")
    harmed, _ = two_people(case)
    for n in range(300):
        case.add_note(f"Note number {n}\nwith a second line", participant_id=harmed)
    vault = reopen(vault)
    async with case_screen(vault, case.id, "notes") as (app, _):
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        # How long it takes is a budget, printed by bench/ui_budgets.py.
        table = screen.query_one("#notes-table", RecordTable)
        assert table.row_count == 300
        assert {table.get_row_at(i)[4].plain for i in range(300)} == {
            f"Note number {n}" for n in range(300)
        }
    vault.close()


async def test_escape_in_an_editor_with_changes_asks_first(vault: Vault) -> None:
    case = vault.new_case("RJ-112")
    async with case_screen(vault, case.id, "participants") as (app, pilot):
        await press(pilot, "a")
        await paste(pilot, "Dee")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmModal)
        await press(pilot, "n")
        assert isinstance(app.screen, ParticipantEditor)
        assert app.screen.query_one("#p-name", Input).value == "Dee"
        await press(pilot, "escape")
        await press(pilot, "y")
        assert isinstance(app.screen, CaseScreen)
        assert case.participants == []


async def test_a_flag_is_cleared_by_a_recorded_decision_with_its_reason(vault: Vault) -> None:
    case = vault.new_case("RJ-113")
    case.answer("risk", "measures_in_place", "no")
    assert raised_flags(case) == ["risk_unmanaged"]
    async with case_screen(vault, case.id) as (app, pilot):
        assert "⚑ 1 flag" in screen_text(app)
        await press(pilot, "o")
        assert isinstance(app.screen, PickModal)
        assert "Clear: Risk not managed" in screen_text(app)
        await press(pilot, "enter")
        await paste(pilot, "Supervisor agreed measures on the phone")
        await press(pilot, "enter")
        assert raised_flags(case) == []
        [override] = case.overrides
        assert override.reason == "Supervisor agreed measures on the phone"
        assert "No flags raised." in screen_text(app)
        assert "⚑ 1 flag" not in screen_text(app)


async def test_a_stop_flag_is_cleared_with_the_managers_name_and_day(vault: Vault) -> None:
    """Issue 11: a flag that needs a manager (here A 2(a) 5's child protection concern) is
    cleared only by recording who cleared it, when and why."""
    case = vault.new_case("RJ-114")
    case.answer("risk", "child_protection", "yes")
    async with case_screen(vault, case.id) as (app, pilot):
        await press(pilot, "o")
        assert "Clear: Stop: Child protection concern" in screen_text(app)
        await press(pilot, "enter")
        await paste(pilot, "Referred to children's services")
        await press(pilot, "enter")
        assert "the manager's name" in screen_text(app)
        await paste(pilot, "Lee Manager")
        await press(pilot, "enter")
        assert "On which day?" in screen_text(app)
        await press(pilot, "enter")  # today, as offered
        [override] = case.overrides
        assert case.person_name(override.cleared_by) == "Lee Manager"
        assert override.cleared_on is not None
        assert raised_flags(case) == []


async def test_a_case_that_cannot_be_opened_says_why(vault: Vault) -> None:
    missing = uuid4()
    app = CaseHost(vault, lambda: CaseScreen(missing))
    notices = Notices()
    async with running(app, size=SIZE, notifications=True, message_hook=notices) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, CaseScreen)
        assert any(f"No case {missing}" in message for message in notices.messages)


async def test_history_says_what_changed_in_words_and_enter_shows_one_whole(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-150")
    case.update_case(stage=Stage.CLOSED, closure_reason=ClosureReason.WITHDREW_PERSON_HARMED)
    app = CaseHost(vault, lambda: CaseScreen(case.id, tab="history"))
    async with running(app, size=(80, 24)) as pilot:
        await settle(pilot)
        shown = squashed(screen_text(app))
        assert "closure_reason" not in shown and "Sam Okafor" not in shown
        assert "You" in shown
        app.screen.query_one("#history-table", RecordTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        whole = squashed(screen_text(app))
        assert "By you" in whole
        assert "Changed the stage from Referral to Closed;" in whole
        assert "reason to the person harmed withdrew" in whole  # wrapped after "closure"
        await pilot.press("escape")
        await settle(pilot)
        assert "By you" not in squashed(screen_text(app))


async def test_moving_on_past_a_stop_flag_asks_for_a_reason_and_records_it(
    vault: Vault,
) -> None:
    # risk.child_protection = yes (A 2(a) 5) raises a blocking flag: the overview says
    # "Stop", and a move to a later stage asks for the reason, which the history keeps.
    from rjfacil.views.history import case_history
    from screens.dialogs import TextPromptModal

    case = vault.new_case("RJ-107")
    case.answer("risk", "child_protection", "yes")
    async with case_screen(vault, case.id) as (app, pilot):
        assert "Stop: Child protection concern" in screen_text(app)
        await press(pilot, "g")
        app.screen.query_one(OptionList).highlighted = list(Stage).index(Stage.ASSESSMENT)
        await press(pilot, "enter")
        assert isinstance(app.screen, TextPromptModal)
        assert "Stop: Child protection concern" in screen_text(app)
        await pilot.press("escape")  # no reason: the case stays where it is
        await settle(pilot)
        assert case.case.stage is Stage.REFERRAL

        await press(pilot, "g")
        app.screen.query_one(OptionList).highlighted = list(Stage).index(Stage.ASSESSMENT)
        await press(pilot, "enter")
        await paste(pilot, "Referred to children's services today")
        await press(pilot, "enter")
        assert case.case.stage is Stage.ASSESSMENT
        assert case_history(case)[0].what.endswith(
            "the reason given: Referred to children's services today"
        )
