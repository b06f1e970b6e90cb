"""What is overdue shows as overdue on every screen that shows a date (views decides it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from rjfacil import clock
from rjfacil.casedoc.model import ActionStatus
from rjfacil.workspace import Vault
from screens.case_list import CaseListScreen
from tests.pilot_helpers import case_screen, hosted, screen_text, settle, squashed

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=UTC)  # a Monday
TODAY = date(2025, 3, 3)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with clock.frozen(NOW, zone=UTC, step=timedelta(seconds=1)):
        yield


async def test_the_case_list_says_which_deadline_is_overdue(vault: Vault) -> None:
    late = vault.new_case("RJ-LATE")
    late.add_risk("Brother on the street", review_date=TODAY - timedelta(days=1))
    soon = vault.new_case("RJ-SOON")
    soon.add_action("Write a letter", due=TODAY + timedelta(days=1))
    async with hosted(vault, CaseListScreen, size=(120, 30)) as (app, _):
        shown = squashed(screen_text(app))
    assert "Yesterday, overdue · Risk review" in shown
    assert "Tomorrow · Agreement action due" in shown
    assert "Tomorrow, overdue" not in shown


async def test_risks_and_actions_say_overdue_only_while_still_open(vault: Vault) -> None:
    case = vault.new_case("RJ-TABS")
    past = TODAY - timedelta(days=2)
    case.add_risk("Open risk", review_date=past)
    case.add_risk("Resolved risk", review_date=past, resolved=True)
    case.add_action("Open action", due=past)
    case.add_action("Done action", due=past, status=ActionStatus.DONE)
    async with case_screen(vault, case.id, "risks", size=(120, 30)) as (app, pilot):
        risks = [line for line in screen_text(app).splitlines() if "risk" in line]
        await pilot.press("8")  # the Agreement tab
        await settle(pilot)
        actions = [line for line in screen_text(app).splitlines() if "action" in line]
    assert any("Open risk" in line and "1 Mar 2025 overdue" in line for line in risks)
    assert any("Resolved risk" in line and "overdue" not in line for line in risks)
    assert any("Open action" in line and "1 Mar 2025 overdue" in line for line in actions)
    assert any("Done action" in line and "overdue" not in line for line in actions)
