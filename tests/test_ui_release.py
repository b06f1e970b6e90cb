"""Releasing one private note from the notes list: asked first, said in words, recorded."""

from __future__ import annotations

from textual.widgets import Static

from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import ConfirmModal
from screens.widgets import RecordTable
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    Notices,
    running,
    screen_text,
    settle,
    squashed,
    two_people,
)


def footer_keys(app: CaseHost) -> str:
    return squashed(screen_text(app).splitlines()[-1])


async def test_release_a_private_note_after_saying_what_it_means(vault: Vault) -> None:
    case = vault.new_case("RJ-310")
    harmed, _ = two_people(case)
    private = case.add_note(
        "Zqmine: worried about Ana's brother.", participant_id=harmed, private=True
    )
    ordinary = case.add_note("Visit arranged.", participant_id=harmed)
    app = CaseHost(vault, lambda: CaseScreen(case.id, tab="notes"))
    notices = Notices()
    async with running(app, size=SIZE, notifications=True, message_hook=notices) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#notes-table", RecordTable)
        table.focus()
        # The newest note (not private) is selected: there is nothing to release.
        assert table.current_key == str(ordinary.id)
        assert "Release" not in footer_keys(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        await pilot.press("down")
        await settle(pilot)
        assert table.current_key == str(private.id)
        assert "r Release" in footer_keys(app)  # the key it needs is not cut at 80 columns

        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        question = app.screen.query_one(".dialog-question", Static).content
        asked = squashed(str(question))
        assert "Release this private note about Ana Silva (person harmed)?" in asked
        assert "co-workers' case files and supervisor summaries" in asked
        assert "not shared with any participant" in asked
        await pilot.press("n")  # changed my mind: nothing happens
        await settle(pilot)
        assert case.note(private.id).private
        assert "Private: only for the facilitator" in squashed(screen_text(app))

        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not case.note(private.id).private
        assert case.audit_log[-1].action.startswith("released a private note about the person")
        assert any(
            message.startswith("Note released: it now goes with the case")
            for message in notices.messages
        )
        assert "Private: only for the facilitator" not in squashed(screen_text(app))
        assert "Release" not in footer_keys(app)
