"""The checklist walker: single keys answer, each answer is saved at once, a raised flag
shows at once with what it means and what the guidance asks next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from textual.widgets import Input

from rjfacil import clock
from rjfacil.errors import RjfacilError
from rjfacil.views.flags import raised_flags
from rjfacil.views.progress import walk_target
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import TextPromptModal
from screens.walker import ChecklistWalker
from screens.widgets import FlagBanner
from tests.pilot_helpers import (
    Notices,
    case_screen,
    hosted,
    paste,
    press,
    reopen,
    screen_of,
    screen_text,
    settle,
    squashed,
    two_people,
)


async def test_walk_the_sensitive_checklist_to_a_raised_flag(vault: Vault) -> None:
    case = vault.new_case("RJ-201")
    two_people(case)
    # The items that apply: HMPPS 4.4's specific-vulnerability factor waits for the route.
    items = walk_target(case, "sensitive", None).items
    assert len(items) == len(case.catalogue.checklist("sensitive").items) - 1
    async with case_screen(vault, case.id, "checklists") as (app, pilot):
        table = app.screen.query_one("#checklists-table")
        labels = [table.get_row_at(i)[3].plain for i in range(table.row_count)]
        table.move_cursor(row=labels.index("Sensitive and complex cases"))
        await press(pilot, "enter")
        walker = screen_of(app, ChecklistWalker)
        shown = squashed(screen_text(app))
        assert f"1 of {len(items)}" in shown
        assert items[0].ask[:40] in shown
        assert items[0].reference in shown

        # "no" is saved and the walker moves on to the next item.
        await press(pilot, "n")
        assert case.answers()[("sensitive", items[0].id, None)].value == "no"
        assert walker.item.id == items[1].id
        assert f"2 of {len(items)}" in screen_text(app)
        assert not walker.query_one(FlagBanner).has_class("-shown")

        # Skip the second; answer yes to the third kind of risk that raises the flag.
        await press(pilot, "j")
        assert walker.item.id == items[2].id
        walker.index = [i.id for i in items].index("manipulation")
        walker.show_item()
        await settle(pilot)
        assert raised_flags(case) == []
        await pilot.press("y")
        await settle(pilot)

        assert case.answers()[("sensitive", "manipulation", None)].value == "yes"
        assert "sensitive_complex" in raised_flags(case)
        assert walker.item.id == "manipulation"  # it stays on the answer that raised it
        banner = walker.query_one(FlagBanner)
        assert banner.has_class("-shown")
        shown = squashed(screen_text(app))
        assert "Flags raised" in shown
        assert "Sensitive and complex case" in shown
        assert "This answer raises: Sensitive and complex case" in shown
        # What comes with it (by implication); the line wraps at the scrollbar.
        assert "; with it: Co-working" in shown and "advised, Managerial oversight needed" in shown
        # What it means and what the guidance asks next, in the banner.
        banner_text = squashed(banner.text)
        flag = case.catalogue.flags["sensitive_complex"]
        assert squashed(flag.meaning) in banner_text
        assert "What the guidance asks next:" in banner_text
        assert squashed(flag.next_steps[0]) in banner_text
        assert "Co-working advised" in banner_text
        assert "Managerial oversight needed" in banner_text

        # Moving on hides the banner; coming back shows the answer and who gave it.
        await press(pilot, "right")
        assert not walker.query_one(FlagBanner).has_class("-shown")
        await press(pilot, "left")
        shown = squashed(screen_text(app))
        assert "Answer: yes — given by Sam Okafor" in shown
        assert "⚑ This answer raises: Sensitive and complex case" in shown

    # The answers were saved as they were given: they are there after a restart.
    vault = reopen(vault)
    again = vault.open_case(case.id)
    assert again.answers()[("sensitive", "manipulation", None)].value == "yes"
    assert again.answers()[("sensitive", items[0].id, None)].value == "no"
    assert ("sensitive", items[1].id, None) not in again.answers()
    assert "sensitive_complex" in raised_flags(again)
    vault.close()


async def test_a_changed_answer_shows_the_earlier_one(vault: Vault) -> None:
    case = vault.new_case("RJ-202")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "risk", item_id="initial_assessment")
    ) as (app, pilot):
        await press(pilot, "u")
        await press(pilot, "left")
        await press(pilot, "y")
        await press(pilot, "left")
        shown = squashed(screen_text(app))
        assert "Answer: yes — given by Sam Okafor" in shown
        assert "Earlier: unknown (Sam Okafor" in shown
        assert [a.value for a in case.answer_history("risk", "initial_assessment")] == [
            "unknown",
            "yes",
        ]


async def test_an_item_shows_the_earlier_answer_it_builds_on(vault: Vault) -> None:
    """sensitive.motivation_ability_to_harm (B) asks only what risk.motivation (A 2(a) 3)
    did not: the walker shows the risk assessment's answers with it, for each person."""
    case = vault.new_case("RJ-204")
    harmed, responsible = two_people(case)
    case.answer("risk", "motivation", "no", harmed)
    case.answer("risk", "motivation", "yes", responsible)
    async with hosted(
        vault,
        lambda: ChecklistWalker(case.id, "sensitive", item_id="motivation_ability_to_harm"),
        size=(120, 40),
    ) as (app, pilot):
        shown = squashed(screen_text(app))
        assert "Already answered in Risk assessment" in shown
        assert "Ana Silva (person harmed): no; Ben Cole (person responsible): yes" in shown
        await press(pilot, "y")
        assert case.answers()[("sensitive", "motivation_ability_to_harm", None)].value == "yes"


async def test_choosing_a_meeting_past_a_missing_go_ahead_asks_the_reason(vault: Vault) -> None:
    """process.process_type (HMPPS 6.3) answered "face to face" at communication, without
    the go-ahead before direct communication and before a meeting (A 2(a) 6-8, A 3(a) 13):
    the walker asks the reason for going on before it saves."""
    from rjfacil.vocab import Stage

    case = vault.new_case("RJ-205")
    case.update_case(process="letter", stage=Stage.COMMUNICATION, going_on_because="Referrer")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "process", item_id="process_type")
    ) as (app, pilot):
        await press(pilot, "1")  # Face to face meeting
        prompt = screen_of(app, TextPromptModal)
        shown = squashed(screen_text(app))
        assert "No go-ahead recorded before any direct communication" in shown
        assert "Save this answer" in shown
        assert case.case.process is not None and case.case.process.value == "letter"
        prompt.query_one(Input).focus()
        await paste(pilot, "Both asked to meet")
        await press(pilot, "enter")
        assert case.case.process is not None and case.case.process.value == "face_to_face"
        assert case.answers()[("process", "process_type", None)].value == "face_to_face"


async def test_participant_items_choices_by_number(vault: Vault) -> None:
    case = vault.new_case("RJ-203")
    _, responsible = two_people(case)
    item = case.catalogue.item("risk", "responsibility_taken")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "risk", responsible, item_id=item.id)
    ) as (app, pilot):
        shown = squashed(screen_text(app))
        assert "Ben Cole (person responsible)" in shown
        assert item.choices is not None
        assert item.choices[1].label in shown
        await press(pilot, "2")
        answer = case.answers()[("risk", item.id, responsible)]
        assert answer.value == item.choices[1].id


async def test_a_date_item_validates_what_is_typed(vault: Vault) -> None:
    case = vault.new_case("RJ-204")
    async with hosted(vault, lambda: ChecklistWalker(case.id, "risk", item_id="last_reviewed")) as (
        app,
        pilot,
    ):
        walker = screen_of(app, ChecklistWalker)
        field = walker.query_one("#walk-input", Input)
        assert field.has_focus
        # Real key presses: digits are the walker's keys too, and the field must take them.
        await press(pilot, *"31/02/2025", "enter")
        assert "Write the date as 2025-03-14" in screen_text(app)
        assert ("risk", "last_reviewed", None) not in case.answers()
        field.value = ""
        await press(pilot, *"14/03/2025", "enter")
        assert case.answers()[("risk", "last_reviewed", None)].value == "2025-03-14"


async def test_a_date_item_takes_day_and_month_as_people_write_them(vault: Vault) -> None:
    case = vault.new_case("RJ-206")
    with clock.frozen(datetime(2026, 3, 2, 9, tzinfo=UTC), zone=UTC):
        async with hosted(
            vault, lambda: ChecklistWalker(case.id, "risk", item_id="last_reviewed")
        ) as (_app, pilot):
            await press(pilot, *"12/12", "enter")
    assert case.answers()[("risk", "last_reviewed", None)].value == "2026-12-12"


async def test_a_note_goes_with_the_answer(vault: Vault) -> None:
    case = vault.new_case("RJ-205")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "risk", item_id="initial_assessment")
    ) as (app, pilot):
        await press(pilot, "a")  # before an answer, the note says why there is none
        assert "Why is this not answered yet?" in screen_text(app)
        await press(pilot, "escape")
        await press(pilot, "y", "left")
        await press(pilot, "a")
        assert isinstance(app.screen, TextPromptModal)
        await paste(pilot, "Done with the probation officer")
        await press(pilot, "enter")
        answer = case.answers()[("risk", "initial_assessment", None)]
        assert answer.value == "yes" and answer.note == "Done with the probation officer"
        assert "Note: Done with the probation officer" in screen_text(app)


async def test_a_failed_save_shows_why_and_is_not_shown_as_saved(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = vault.new_case("RJ-206")

    def disk_full(*args: object, **kwargs: object) -> None:
        raise RjfacilError("Could not save the case: the disk is full. Nothing was lost.")

    async with hosted(
        vault,
        lambda: ChecklistWalker(case.id, "risk", item_id="initial_assessment"),
        notifications=True,
    ) as (app, pilot):
        monkeypatch.setattr(case, "answer", disk_full)
        await press(pilot, "y")
        walker = screen_of(app, ChecklistWalker)
        assert walker.item.id == "initial_assessment"  # it did not move on
        shown = squashed(screen_text(app))
        assert "Could not save the case: the disk is full." in shown
        assert "Not answered yet." in shown
        assert "Answer: yes" not in shown
    assert case.answers() == {}


async def test_check_items_tick_with_space_and_clear(vault: Vault) -> None:
    case = vault.new_case("RJ-207")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "risk", item_id="concerns_recorded")
    ) as (app, pilot):
        await press(pilot, "space")
        assert case.answers()[("risk", "concerns_recorded", None)].value is True
        walker = screen_of(app, ChecklistWalker)
        assert walker.item.id != "concerns_recorded"
        await press(pilot, "left", "x")
        assert ("risk", "concerns_recorded", None) not in case.answers()
        assert "Not answered yet." in screen_text(app)


async def test_text_typed_and_not_saved_is_kept_as_a_draft_on_lock(vault: Vault) -> None:
    case = vault.new_case("RJ-208")
    async with case_screen(vault, case.id, "checklists") as (app, pilot):
        screen = app.screen
        assert isinstance(screen, CaseScreen)
        app.push_screen(ChecklistWalker(case.id, "sensitive", item_id="sources_of_vulnerability"))
        await settle(pilot)
        await paste(pilot, "Recent bereavement")
        where = screen.location()
        assert where["walk"] == {
            "checklist_id": "sensitive",
            "participant_id": None,
            "item_id": "sources_of_vulnerability",
        }
        assert screen.before_lock() == 1
        [draft] = case.notes()
        assert draft.private
        assert "Recent bereavement" in case.note_text(draft.id)


async def test_a_rebuilt_case_screen_returns_to_the_walker(vault: Vault) -> None:
    case = vault.new_case("RJ-209")
    walk = {"checklist_id": "risk", "participant_id": None, "item_id": "power_imbalance"}
    async with case_screen(vault, case.id, "checklists", walk) as (app, pilot):
        await settle(pilot)
        walker = screen_of(app, ChecklistWalker)
        assert walker.item.id == "power_imbalance"
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)
        assert app.screen.active_tab == "checklists"


async def test_the_walker_closes_kindly_for_a_participant_no_longer_in_the_case(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-210")
    harmed, _ = two_people(case)
    case.remove_participant(harmed)
    walk = {"checklist_id": "risk", "participant_id": harmed, "item_id": "sees_value"}
    notices = Notices()
    async with case_screen(
        vault, case.id, "checklists", walk, notifications=True, message_hook=notices
    ) as (app, pilot):
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        assert any("no longer in the case" in message for message in notices.messages)


async def test_answering_a_case_fact_drops_the_items_that_no_longer_apply(vault: Vault) -> None:
    """coworking.co_worked (D) answered "no" in the walker: the co-working questions after
    it (coworking.coworker, "Skip if working alone" before) are not walked."""
    case = vault.new_case("RJ-210")
    async with hosted(
        vault, lambda: ChecklistWalker(case.id, "coworking", item_id="co_worked")
    ) as (app, pilot):
        total = len(case.catalogue.checklist("coworking").items)
        assert f"5 of {total}" in squashed(screen_text(app))
        await press(pilot, "n")
        shown = squashed(screen_text(app))
        assert "5 of 5" in shown
        assert "That was the last item" in shown
        await press(pilot, "y")
        # Co-worked after all: the next question is who the co-worker is.
        assert "Who is my co-worker?" in squashed(screen_text(app))
