"""The letters of a case as a facilitator works them (A 3(a) 11-12): vet a version in the
letter's own checklist, see a changed text lose its vetting and its handover refused, and
read the letter beside the reading aid."""

from __future__ import annotations

from textual.widgets import Select

from rjfacil.casedoc.model import LetterStatus, VettingDecision
from rjfacil.workspace import Vault
from screens.dialogs import TextPromptModal
from screens.plans import (
    HandOverEditor,
    LetterEditor,
    LetterView,
    ReviewEditor,
    VettingEditor,
)
from tests.pilot_helpers import (
    case_screen,
    open_with,
    press,
    screen_of,
    screen_text,
    settle,
    squashed,
    two_people,
)


async def test_a_letter_is_vetted_per_version_and_read_beside_the_reading_aid(
    vault: Vault,
) -> None:
    case = vault.new_case("RJ-801")
    harmed, responsible = two_people(case)
    letter = case.add_letter(responsible, "Dear Ana, I am sorry.", to_participant=harmed)
    async with case_screen(vault, case.id, "agreement", size=(120, 40)) as (app, pilot):
        await press(pilot, "tab")  # to the letters
        vetting = await open_with(pilot, "v", VettingEditor)
        vetting.query_one("#v-decision", Select).value = VettingDecision.VETTED.value
        vetting.query_one("#v-item-5", Select).value = "no"  # no hidden message
        await press(pilot, "ctrl+s")
        records = case.letter_records(letter.id)
        assert records.current_vetted and case.letters[0].status is LetterStatus.APPROVED
        assert "Vetted: waiting for the recipient's agreement" in squashed(screen_text(app))
        # A new text is not vetted: the handover is refused, with the reason, in words.
        editor = await open_with(pilot, "e", LetterEditor)
        editor.text.widget.text = "Dear Ana, I am sorry. Meet me at the park on Friday."
        await press(pilot, "ctrl+s")
        assert "Changed since it was vetted" in squashed(screen_text(app))
        await open_with(pilot, "o", HandOverEditor)
        await press(pilot, "ctrl+s")
        screen_of(app, HandOverEditor)  # refused: the editor stays open and says why
        refusal = squashed(screen_text(app))
        assert "its text changed after it was vetted" in refusal
        assert "agreement to receive it is not recorded" in refusal
        assert case.letters[0].status is LetterStatus.UNDER_REVIEW
        await press(pilot, "escape")
        await settle(pilot)
        # The reading aid points, beside the text, each passage with its reason.
        await press(pilot, "h")
        screen_of(app, LetterView)
        shown = squashed(screen_text(app))
        assert "Worth a second look" in shown
        assert "May press the reader" in shown and "“Meet me”" in shown
        assert "A place or a time" in shown and "“Friday”" in shown
        assert "Dear Ana, I am sorry. Meet me at the park on Friday." in shown
        await press(pilot, "escape")
        await settle(pilot)


async def test_a_reply_a_review_the_agreement_and_the_handover(vault: Vault) -> None:
    case = vault.new_case("RJ-802", co_worker="Priya Shah")
    harmed, responsible = two_people(case)
    letter = case.add_letter(responsible, "Dear Ana, I am sorry.", to_participant=harmed)
    case.vet_letter(letter.id, {"letter_checked": "yes"}, VettingDecision.VETTED)
    async with case_screen(vault, case.id, "agreement", size=(120, 40)) as (app, pilot):
        await press(pilot, "tab")
        review = await open_with(pilot, "w", ReviewEditor)
        assert review.reviewer.value == str(case.case.co_worker)  # the co-worker first
        review.view.widget.text = "His own words."
        await press(pilot, "ctrl+s")
        [saved] = case.letter_records(letter.id).reviews
        assert (case.person_name(saved.reviewer), saved.view) == ("Priya Shah", "His own words.")
        await open_with(pilot, "y", TextPromptModal)
        await press(pilot, "enter")  # today, as offered
        assert case.letters[0].recipient_agreed_on is not None
        editor = await open_with(pilot, "o", HandOverEditor)
        editor.how.widget.text = "In person at the centre."
        await press(pilot, "ctrl+s")
        assert case.letters[0].status is LetterStatus.DELIVERED
        reply = await open_with(pilot, "r", LetterEditor)
        # A reply goes back the other way, and names the letter it answers.
        assert (reply.sender.value, reply.to.value) == (str(harmed), str(responsible))
        assert "Answers the letter from Ben Cole" in screen_text(app)
        reply.text.widget.text = "Thank you, Ben."
        await press(pilot, "ctrl+s")
        answer = next(each for each in case.letters if each.id != letter.id)
        assert answer.in_reply_to == letter.id
