"""The Due screen and the supervision sessions, as a facilitator reaches them from the
case list (Pilot: the flows are the point)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.message import Message
from textual.widgets import Input

from rjfacil import clock
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.case_list import CaseListScreen, OpenCase
from screens.due import DueScreen, SessionModal, SupervisionScreen
from screens.settings import SettingsChanged, SettingsScreen
from tests.pilot_helpers import (
    frozen_clock,
    hosted,
    open_with,
    paste,
    press,
    screen_of,
    screen_text,
)

__all__ = ["frozen_clock"]


async def test_d_shows_what_is_due_soonest_first_and_enter_opens_its_case(
    vault: Vault, frozen_clock: Any
) -> None:
    today = clock.today()
    later = vault.new_case("RJ-LATER")
    person = later.add_participant(Role.PERSON_RESPONSIBLE, "Ben Cole")
    later.add_action("Write to the shop", by_whom=person.id, due=today + timedelta(days=9))
    sooner = vault.new_case("RJ-SOONER")
    sooner.add_risk("Contact outside the process", review_date=today - timedelta(days=1))
    vault.add_supervision_session(today - timedelta(weeks=13), "Jo Bell", [], "")
    opened: list[Message] = []
    async with hosted(vault, CaseListScreen, message_hook=opened.append) as (app, pilot):
        assert "d Due" in screen_text(app)
        await press(pilot, "d")
        screen_of(app, DueScreen)
        shown = screen_text(app)
        # Supervision was due a week ago, the risk review yesterday, the action in 9 days.
        assert shown.index("Supervision") < shown.index("RJ-SOONER") < shown.index("RJ-LATER")
        assert "Risk review" in shown and "overdue" in shown and "in 9 days" in shown
        await press(pilot, "down", "enter")
        asked = [m for m in opened if isinstance(m, OpenCase)]
        assert asked and {m.case_id for m in asked} == {sooner.id}  # (seen as it bubbles)
        await press(pilot, "up", "enter")
        screen_of(app, SupervisionScreen)


async def test_a_supervision_session_is_recorded_and_listed_with_its_cases(
    vault: Vault, frozen_clock: Any
) -> None:
    vault.new_case("RJ-20")
    async with hosted(vault, CaseListScreen) as (app, pilot):
        await press(pilot, "u")
        screen_of(app, SupervisionScreen)
        assert "No supervision sessions yet" in screen_text(app)
        await press(pilot, "a")
        screen_of(app, SessionModal)
        await paste(pilot, "Jo Bell")
        await press(pilot, "tab")
        await paste(pilot, "RJ-20, RJ-404")
        await press(pilot, "ctrl+s")
        assert "No case" in screen_text(app)  # the unknown reference, in words; not saved
        await pilot.press(*["backspace"] * 8)  # the cases field keeps the focus: "RJ-20"
        await press(pilot, "tab")
        await paste(pilot, "Agreed to bring RJ-20 back next month.")
        await press(pilot, "ctrl+s")
        screen_of(app, SupervisionScreen)
        shown = screen_text(app)
        assert "3 Mar 2025" in shown and "Jo Bell" in shown and "RJ-20" in shown
        assert "Agreed to bring" in shown
    assert [s.supervisor for s in vault.supervision_sessions()] == ["Jo Bell"]


async def test_the_supervision_interval_and_retention_period_are_settings(vault: Vault) -> None:
    changed: list[Message] = []
    async with hosted(vault, SettingsScreen, size=(80, 50), message_hook=changed.append) as (
        app,
        pilot,
    ):
        shown = screen_text(app)
        assert "Remind after" in shown and "Keep cases" in shown
        app.screen.query_one("#supervision-weeks", Input).value = "8"
        await pilot.pause()
        app.screen.query_one("#retention-years", Input).value = "0"
        await pilot.pause()
        assert "from 1 to 100" in screen_text(app)
        app.screen.query_one("#retention-years", Input).value = "7"
        await pilot.pause()
    said = [m.settings for m in changed if isinstance(m, SettingsChanged)]
    assert (said[-1].supervision_weeks, said[-1].retention_years) == (8, 7)


async def test_a_supervision_session_can_be_edited(vault: Vault, frozen_clock: Any) -> None:
    vault.new_case("RJ-21")
    vault.add_supervision_session(clock.today() - timedelta(days=7), "Jo Bel", [], "First.")
    async with hosted(vault, SupervisionScreen) as (app, pilot):
        assert "e Edit" in screen_text(app)
        editor = await open_with(pilot, "e", SessionModal)
        assert "Edit the supervision session" in screen_text(app)
        name = editor.query_one("#session-supervisor", Input)
        assert name.value == "Jo Bel"  # what was recorded, to correct
        name.value = "Jo Bell"
        editor.query_one("#session-cases", Input).value = "RJ-21"
        await press(pilot, "ctrl+s")
        screen_of(app, SupervisionScreen)
        shown = screen_text(app)
        assert "Jo Bell" in shown and "RJ-21" in shown and "First." in shown
    [session] = vault.supervision_sessions()
    assert (session.supervisor, len(session.case_ids)) == ("Jo Bell", 1)
