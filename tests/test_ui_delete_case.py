"""Deleting a case from the case list: the Delete key (in F1's list and the palette, not the
footer: it is rare and final), the reference typed in full."""

from __future__ import annotations

from rjfacil.workspace import Vault
from screens.case_list import CaseListScreen
from screens.dialogs import TextPromptModal
from tests.pilot_helpers import Notices, hosted, paste, screen_text, settle


async def test_delete_a_case_from_the_list_after_typing_its_reference(vault: Vault) -> None:
    vault.new_case("RJ-2026-003").add_note("Kept only until the retention period ends.")
    vault.new_case("RJ-2026-004")
    notices = Notices()
    async with hosted(vault, CaseListScreen, message_hook=notices, notifications=True) as (
        app,
        pilot,
    ):
        assert "Delete" not in screen_text(app)  # not offered in passing
        table = app.screen.query_one("#cases")
        table.move_cursor(row=table.get_row_index(str(vault.find_case("RJ-2026-003"))))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, TextPromptModal)
        assert "Delete case RJ-2026-003" in screen_text(app)
        await paste(pilot, "RJ-2026-004")
        await pilot.press("enter")
        await settle(pilot)
        assert "does not match 'RJ-2026-003'" in screen_text(app)
        assert len(vault.list_cases()) == 2
        await pilot.press("ctrl+u")
        await paste(pilot, "RJ-2026-003")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseListScreen)
        assert [row.reference for row in vault.list_cases()] == ["RJ-2026-004"]
        assert "RJ-2026-003" not in screen_text(app).replace("Case RJ-2026-003 deleted", "")
        assert "1 case" in screen_text(app)
        assert "Case RJ-2026-003 deleted." in notices.messages
