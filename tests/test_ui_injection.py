"""User text is data: markup, links, actions and terminal escapes show literally and do
nothing, wherever a case shows them (DESIGN.md, "Text from users is data")."""

from __future__ import annotations

from datetime import date

from textual.widgets import Select

from rjfacil.casedoc.model import ConsentPurpose, ShareHow
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.plans import LetterView
from screens.walker import ChecklistWalker
from screens.widgets import TextModal
from tests.conftest import case_with_old_reference
from tests.pilot_helpers import CaseHost, case_screen, hosted, press, screen_text, settle, squashed

MARKUP = "[bold]B[/bold] [link=https://example.org]L[/link] [@click=app.quit]Q[/]"
ESCAPES = "\x1b[2J \x1b]8;;http://x\x07X"
EVIL = f"{MARKUP} {ESCAPES}"
# What the screen shows: the markup as typed, each control character as its symbol.
SHOWN_MARKUP = MARKUP
SHOWN_ESCAPES = "␛[2J ␛]8;;http://x␇X"
REFERENCE = "[@click=app.quit]RJ[/] \x1b[2J [b]"
SHOWN_REFERENCE = "[@click=app.quit]RJ[/] ␛[2J [b]"


def shows(app: CaseHost, *texts: str) -> None:
    shown = squashed(screen_text(app))
    for text in texts:
        assert squashed(text) in shown, f"{text!r} is not on the screen"
    assert "\x1b" not in screen_text(app)


async def click_everything(app: CaseHost, pilot, selectors: list[str]) -> None:  # type: ignore[no-untyped-def]
    for selector in selectors:
        await pilot.click(selector)
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, CaseScreen), f"clicking {selector} left the case"


async def test_markup_and_escapes_in_case_text_show_literally_and_do_nothing(
    vault: Vault,
) -> None:
    case = case_with_old_reference(vault, REFERENCE, summary=EVIL)
    harmed = case.add_participant(Role.PERSON_HARMED, f"Ana {MARKUP}", address_as=ESCAPES)
    responsible = case.add_participant(Role.PERSON_RESPONSIBLE, f"Ben {ESCAPES}")
    case.record_consent(harmed.id, ConsentPurpose.SHARING, information=MARKUP, note=ESCAPES)
    case.add_note(
        EVIL,
        participant_id=harmed.id,
        share_with=[responsible.id],
        share_how=ShareHow.SUMMARY,
    )
    case.add_risk(EVIL, mitigation=EVIL, review_date=date(2030, 1, 1))
    case.add_action(EVIL, by_whom=harmed.id)  # a name with markup in it
    case.add_letter(harmed.id, EVIL, responsible.id)
    case.update_case(co_worker=MARKUP, meeting_venue=ESCAPES)
    case.answer("risk", "initial_assessment", "yes", note=EVIL)

    async with case_screen(vault, case.id, size=(120, 40), notifications=True) as (app, pilot):
        shows(app, SHOWN_REFERENCE, f"Ana {SHOWN_MARKUP}")
        await click_everything(app, pilot, ["#case-title", "#ov-case", "#ov-people"])
        app.screen.query_one("#ov-next").focus()
        await pilot.press("enter")  # the first next step opens the walker
        await settle(pilot)
        assert isinstance(app.screen, ChecklistWalker)
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)

        await press(pilot, "2")
        shows(app, f"Ana {SHOWN_MARKUP}", f"Ben {SHOWN_ESCAPES}", SHOWN_ESCAPES)
        await click_everything(
            app, pilot, ["#participants-table", "#participant-about", "#participant-consent"]
        )
        shows(app, f"Sharing information ({SHOWN_MARKUP}): given")

        await press(pilot, "4")
        shows(app, f"Risk: {SHOWN_MARKUP} {SHOWN_ESCAPES}")
        await click_everything(app, pilot, ["#risks-table", "#risk-text"])

        await press(pilot, "5")
        shows(app, f"{SHOWN_MARKUP} {SHOWN_ESCAPES}")
        await click_everything(app, pilot, ["#notes-table", "#notes-meta", "#notes-text"])
        who = app.screen.query_one("#notes-who", Select)
        who.value = str(harmed.id)
        await settle(pilot)
        shows(app, f"Ana {SHOWN_MARKUP}")
        await press(pilot, "h")
        assert isinstance(app.screen, TextModal)
        shows(app, SHOWN_MARKUP, SHOWN_ESCAPES)
        await pilot.click("#text-body")
        await settle(pilot)
        assert app.is_running
        await press(pilot, "escape")

        await press(pilot, "6")
        shows(app, f"Co-worker: {SHOWN_MARKUP}")
        await press(pilot, "7")
        shows(app, f"Venue: {SHOWN_ESCAPES}")
        await press(pilot, "8")
        shows(app, SHOWN_MARKUP)
        await click_everything(app, pilot, ["#actions-table", "#letters-table", "#letter-detail"])
        app.screen.query_one("#letters-table").focus()
        await press(pilot, "h")  # the letter beside the reading aid: its text, literally
        assert isinstance(app.screen, LetterView)
        shows(app, SHOWN_MARKUP)
        await press(pilot, "escape")
        await press(pilot, "9")
        await click_everything(app, pilot, ["#history-table"])
        assert app.is_running
        assert case.case.reference == REFERENCE  # nothing was changed by any of it


async def test_markup_in_an_answer_and_its_note_shows_literally(vault: Vault) -> None:
    case = vault.new_case("RJ-401")
    case.answer("sensitive", "sources_of_vulnerability", EVIL, note=EVIL)
    async with hosted(
        vault,
        lambda: ChecklistWalker(case.id, "sensitive", item_id="sources_of_vulnerability"),
        size=(120, 40),
    ) as (app, pilot):
        shows(app, f"Answer: {SHOWN_MARKUP} {SHOWN_ESCAPES}", f"Note: {SHOWN_MARKUP}")
        await pilot.click("#walk-answer")
        await settle(pilot)
        assert app.is_running
        assert isinstance(app.screen, ChecklistWalker)


async def test_editors_show_control_characters_visibly(vault: Vault) -> None:
    case = vault.new_case("RJ-402")
    person = case.add_participant(Role.PERSON_HARMED, f"Ana {ESCAPES}", access_needs=EVIL)
    note = case.add_note(EVIL, participant_id=person.id)
    async with case_screen(vault, case.id, "participants", size=(120, 40)) as (app, pilot):
        await press(pilot, "e")
        shows(app, f"Ana {SHOWN_ESCAPES}", SHOWN_MARKUP)
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)
        assert case.participant(person.id).name == f"Ana {ESCAPES}"  # unchanged

        await press(pilot, "5")
        await press(pilot, "e")
        shows(app, SHOWN_MARKUP, SHOWN_ESCAPES)
        await press(pilot, "escape")
        assert isinstance(app.screen, CaseScreen)
        assert len(case.note_history(note.id)) == 1  # opening and closing adds nothing
