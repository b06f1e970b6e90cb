"""A password-protected PDF from the export dialog, as from the command line: asked twice,
hidden as typed, never shown or recorded; the PDF opens only with it."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from textual.widgets import Input, Select, Static

from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import ConfirmModal
from tests.pilot_helpers import CaseHost, Notices, running, screen_text, settle
from tests.test_ui_export import case_with_notes, open_dialog

SECRET = "Zq-blue-kettle-42"


async def wait_for(pilot, path: Path) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if path.exists():
            break
        await pilot.pause(0.02)
    await settle(pilot)


async def test_a_pdf_with_a_password_asked_twice_needs_no_plaintext_warning(
    vault: Vault, tmp_path: Path
) -> None:
    case = case_with_notes(vault)
    target = tmp_path / "summary.pdf"
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    notices = Notices()
    async with running(app, size=(80, 24), notifications=True, message_hook=notices) as pilot:
        modal = await open_dialog(pilot)
        first = modal.query_one("#export-password", Input)
        again = modal.query_one("#export-password-again", Input)
        assert first.display and first.password and again.password  # hidden as typed
        modal.query_one("#export-path", Input).value = str(target)
        first.value, again.value = SECRET, SECRET + "x"
        modal.action_confirm()
        await settle(pilot)
        assert app.screen is modal  # not dismissed
        error = modal.query_one("#export-error", Static)
        assert error.display and "The two passwords differ" in str(error.content)
        assert SECRET not in screen_text(app)

        again.value = SECRET
        modal.action_confirm()
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)  # protected: no plaintext warning
        await wait_for(pilot, target)
        assert isinstance(app.screen, CaseScreen)
        assert any("password protected" in m for m in notices.messages)
        assert all(SECRET not in m for m in notices.messages)

    reader = PdfReader(io.BytesIO(target.read_bytes()))
    assert reader.is_encrypted
    assert reader.decrypt(SECRET) and "RJ-EXP/1" in reader.pages[0].extract_text()
    assert all(SECRET not in entry.action for entry in case.audit_log)
    assert "password protected" in case.audit_log[-1].action


async def test_the_password_is_for_a_pdf_only_and_blank_means_none(vault: Vault) -> None:
    case = case_with_notes(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    async with running(app, size=(80, 24)) as pilot:
        modal = await open_dialog(pilot)
        assert modal.options().password is None  # blank: not protected (the warning asks)
        modal.query_one("#export-password", Input).value = SECRET
        modal.query_one("#export-password-again", Input).value = SECRET
        assert modal.options().password == SECRET
        modal.query_one("#export-format", Select).value = "md"
        await settle(pilot)
        assert not modal.query_one("#export-password", Input).display
        assert modal.options().password is None
