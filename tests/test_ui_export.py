"""Exporting from the case screen: the dialog, its preview, the plaintext warning, the file."""

from __future__ import annotations

import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from rjfacil.workspace import Vault
from screens.case import CaseScreen
from screens.dialogs import ConfirmModal
from screens.export import ExportModal
from tests.pilot_helpers import (
    SIZE,
    CaseHost,
    Notices,
    press,
    running,
    screen_text,
    settle,
    two_people,
)


def case_with_notes(vault: Vault):  # -> CaseFile
    case = vault.new_case("RJ-EXP/1", summary="[bold]not markup[/bold]")
    harmed, _ = two_people(case)
    case.add_note("Ana wants to ask a question.", participant_id=harmed)
    return case


async def open_dialog(pilot) -> ExportModal:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, ExportModal)
    await preview_showing(pilot, modal, "")
    return modal


async def preview_showing(pilot, modal: ExportModal, text: str) -> str:  # type: ignore[no-untyped-def]
    """The preview once it holds ``text`` (it is made in a thread; "": anything)."""
    for _ in range(50):
        preview = modal.query_one("#export-preview", TextArea).text
        if preview and text in preview:
            break
        await pilot.pause(0.02)
    return modal.query_one("#export-preview", TextArea).text


async def test_the_preview_shows_the_case_redacted_and_confirming_writes_a_private_file(
    vault: Vault, tmp_path: Path
) -> None:
    case = case_with_notes(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    notices = Notices()
    async with running(app, size=(120, 40), notifications=True, message_hook=notices) as pilot:
        modal = await open_dialog(pilot)
        preview = modal.query_one("#export-preview", TextArea).text
        assert "Supervisor summary: RJ-EXP/1" in preview
        assert "Person harmed A. wants to ask a question." in preview
        assert "Ana Silva" not in preview
        assert "[bold]not markup[/bold]" in preview.replace("\\", "")
        path = modal.query_one("#export-path", Input)
        assert path.value.endswith("RJ-EXP-1-summary.pdf")
        modal.query_one("#export-format", Select).value = "md"
        await settle(pilot)
        assert path.value.endswith("RJ-EXP-1-summary.md")
        target = tmp_path / "out.md"
        path.value = str(target)
        modal.action_confirm()
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        await pilot.click("#yes")
        for _ in range(100):
            if target.exists():
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert "Person harmed A." in target.read_text()
        assert isinstance(app.screen, CaseScreen)
        assert any("Exported to" in m for m in notices.messages)
        assert case.audit_log[-1].action.startswith("exported a supervisor summary (md")


async def test_cancel_writes_nothing_and_declining_the_warning_writes_nothing(
    vault: Vault, tmp_path: Path
) -> None:
    case = case_with_notes(vault)
    entries = len(case.audit_log)
    out = tmp_path / "out"
    out.mkdir()
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    async with running(app, size=SIZE) as pilot:
        modal = await open_dialog(pilot)
        modal.query_one("#export-path", Input).value = str(out / "a.pdf")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CaseScreen)
        modal = await open_dialog(pilot)
        modal.query_one("#export-path", Input).value = str(out / "b.pdf")
        modal.action_confirm()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await settle(pilot)
    assert list(out.iterdir()) == []
    assert len(case.audit_log) == entries


async def test_a_disclosure_is_chosen_by_participant(vault: Vault) -> None:
    case = case_with_notes(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    async with running(app, size=SIZE) as pilot:
        modal = await open_dialog(pilot)
        harmed = case.participants[0]
        modal.query_one("#export-kind", Select).value = str(harmed.id)
        await settle(pilot)
        preview = await preview_showing(pilot, modal, "Your information")
        assert "Your information: RJ-EXP/1" in preview
        assert "Information for Ana Silva only." in preview
        assert modal.query_one("#export-path", Input).value.endswith("-disclosure.pdf")
        # The printable outcome agreement: names shown, no redaction or notes to choose.
        modal.query_one("#export-kind", Select).value = "agreement"
        await settle(pilot)
        preview = await preview_showing(pilot, modal, "Outcome agreement")
        assert "Outcome agreement: RJ-EXP/1" in preview
        assert "Signatures" in preview
        assert modal.query_one("#export-path", Input).value.endswith("-agreement.pdf")
        assert not modal.query_one("#export-redaction-row").display
        assert modal.options().agreement


async def test_the_app_answers_keys_while_an_export_is_written(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF takes a moment: the facilitator can move around the case meanwhile."""
    import screens.case

    started, may_finish = threading.Event(), threading.Event()
    write = screens.case.export_case

    def slow_export(*args: Any, **kwargs: Any) -> Path:
        started.set()
        may_finish.wait(timeout=30)
        return write(*args, **kwargs)

    monkeypatch.setattr(screens.case, "export_case", slow_export)
    case = case_with_notes(vault)
    app = CaseHost(vault, lambda: CaseScreen(case.id))
    notices = Notices()
    async with running(app, size=(120, 40), notifications=True, message_hook=notices) as pilot:
        modal = await open_dialog(pilot)
        target = tmp_path / "out.pdf"
        modal.query_one("#export-path", Input).value = str(target)
        modal.action_confirm()
        await settle(pilot)
        await pilot.click("#yes")
        for _ in range(500):
            if started.is_set():
                break
            await pilot.pause(0.01)
        assert started.is_set() and not target.exists()
        await press(pilot, "5")  # the notes tab, while the export waits
        assert "Ana wants to ask a question." in screen_text(app)
        may_finish.set()
        for _ in range(500):
            if any("Exported to" in m for m in notices.messages):
                break
            await pilot.pause(0.01)
        assert target.exists()
