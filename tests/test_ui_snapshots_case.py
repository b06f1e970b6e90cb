"""Snapshots of the case screen's main tabs and the checklist walker at 80x24 and 120x40.

The clock is frozen, so every date and time shown is the same on every run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot

from rjfacil.casedoc.model import NoteSource, ShareHow
from rjfacil.vocab import ProcessType, Stage
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.walker import ChecklistWalker
from tests.pilot_helpers import CaseHost, frozen_clock, settle, two_people

__all__ = ["frozen_clock"]  # the fixture, used by name below

SIZES = [(80, 24), (120, 40)]


def a_case(vault: Vault) -> Any:
    case = vault.new_case(
        "RJ-2025-014",
        referral_date=date(2025, 2, 24),
        process=ProcessType.FACE_TO_FACE,
        stage=Stage.ASSESSMENT,
    )
    harmed, responsible = two_people(case)
    case.update_case(case_supervisor="Priya Shah", meeting_date=date(2025, 3, 20))
    case.add_note(
        "Ana would like Ben to understand the effect on her children.",
        participant_id=harmed,
        source=NoteSource.FROM_PARTICIPANT,
        share_with=[responsible],
        share_how=ShareHow.SUMMARY,
    )
    case.add_risk("Ben's brother lives on Ana's street.", review_date=date(2025, 3, 1))
    case.answer("risk", "initial_assessment", "yes")
    case.answer("sensitive", "manipulation", "yes")
    return case


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_case_overview(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int]
) -> None:
    case = a_case(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id))

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("tab", ["participants", "checklists", "notes"])
def test_case_tab(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int], tab: str
) -> None:
    case = a_case(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id, tab=tab))

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_walker_with_a_raised_flag(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-2025-015")
    two_people(case)
    app = CaseHost(vault, lambda: ChecklistWalker(case.id, "risk", item_id="complex_intimidation"))

    async def answer_yes(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=answer_yes)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_walker_on_a_choice_item(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int]
) -> None:
    case = vault.new_case("RJ-2025-016")
    _, responsible = two_people(case)
    case.answer("risk", "responsibility_taken", "partial", responsible)
    app = CaseHost(
        vault,
        lambda: ChecklistWalker(case.id, "risk", responsible, item_id="responsibility_taken"),
    )

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


def with_a_letter(case: Any) -> Any:
    """The case with an agreement action and a letter under review (the Agreement tab)."""
    harmed, responsible = (p.id for p in case.participants)
    case.add_action("Ben repairs Ana's fence", by_whom=responsible, due=date(2025, 4, 30))
    letter = case.add_letter(
        responsible, "Dear Ana, I am sorry for what I did.", to_participant=harmed
    )
    case.revise_letter(letter.id, "Dear Ana, I am sorry for the harm I caused you and your family.")
    case.set_letter_status(letter.id, "under_review")
    return case


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_agreement_and_letters(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int]
) -> None:
    case = with_a_letter(a_case(vault))
    app = CaseHost(vault, lambda: CaseScreen(case.id, tab="agreement"))

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


# High contrast: the same screens, to see that nothing (an unticked box, a muted line) is lost.
HIGH_CONTRAST = "rjfacil-high-contrast"


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("where", ["overview", "notes", "agreement", "walker"])
def test_high_contrast(
    vault: Vault, frozen_clock: object, snap_compare: Any, size: tuple[int, int], where: str
) -> None:
    case = with_a_letter(a_case(vault))
    if where == "walker":
        # A check item, unticked: its box must show in high contrast too.
        app = CaseHost(vault, lambda: ChecklistWalker(case.id, "risk", item_id="concerns_recorded"))
    else:
        app = CaseHost(vault, lambda: CaseScreen(case.id, tab=where))

    async def ready(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.theme = HIGH_CONTRAST
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)
