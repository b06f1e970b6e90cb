"""Pilot tests: import a co-worker's file (preview, then confirm) and resolve a conflict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input

from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case import CaseScreen
from screens.case_list import CaseListScreen
from screens.conflicts import ConflictsScreen
from screens.dialogs import ConfirmModal, TextPromptModal
from screens.settings import SettingsScreen
from tests.bundle_helpers import make_vault
from tests.test_ui_shell import OWNER, PASSPHRASE, SIZE, shown, unlock, until


def flat(app: RjfacilApp) -> str:
    """What the screen shows, lines joined (a dialog wraps long lines)."""
    return " ".join(shown(app).replace("│", " ").split())


def _mine(home: Path) -> Vault:
    vault, _ = Vault.create(home, PASSPHRASE, OWNER)
    return vault


async def test_import_shows_a_preview_and_writes_only_when_confirmed(
    isolated_home: Path, tmp_path: Path
) -> None:
    mine = _mine(isolated_home)
    theirs = make_vault(tmp_path / "theirs", "Alex Rivera")
    case = theirs.new_case("RJ-SENT")
    case.add_note("Ana wants to meet.")
    bundle = tmp_path / "sent.age"
    theirs.export_bundle(case.id, bundle, recipients=[mine.recipient])
    theirs.close()
    mine.close()
    app = RjfacilApp(home=isolated_home)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        for confirm in (False, True):
            await pilot.press("i")
            await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
            app.screen.query_one(Input).value = str(bundle)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            text = flat(app)
            assert "RJ-SENT is new to this vault: it comes from Alex Rivera." in text
            assert "Added:" in text and "1 note" in text
            # Nothing is written before the answer.
            assert "RJ-SENT" not in [row.reference for row in app.vault.list_cases()]
            await pilot.press("y" if confirm else "n")
            if not confirm:
                await until(pilot, lambda: isinstance(app.screen, CaseListScreen))
                assert "RJ-SENT" not in [row.reference for row in app.vault.list_cases()]
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        assert "RJ-SENT" in [row.reference for row in app.vault.list_cases()]


async def test_a_conflict_is_reviewed_and_resolved_one_commit_each(
    isolated_home: Path, tmp_path: Path
) -> None:
    mine = _mine(isolated_home)
    theirs = make_vault(tmp_path / "theirs", "Alex Rivera")
    case = theirs.new_case("RJ-BOTH")
    ana = case.add_participant(Role.PERSON_HARMED, "Ana Silva")
    theirs.export_bundle(case.id, tmp_path / "1.age", recipients=[mine.recipient])
    mine.import_bundle(mine.preview_import(mine.read_bundle(tmp_path / "1.age")))
    case.update_participant(ana.id, address_as="Ana (Alex's)")
    mine.open_case(case.id).update_participant(ana.id, address_as="Mrs Silva")
    theirs.export_bundle(case.id, tmp_path / "2.age", recipients=[mine.recipient])
    theirs.close()
    mine.import_bundle(mine.preview_import(mine.read_bundle(tmp_path / "2.age")))
    [conflict] = mine.open_case(case.id).conflicts()
    entries = len(mine.open_case(case.id).audit_log)
    mine.close()
    app = RjfacilApp(home=isolated_home)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        app.open_case(case.id)
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, ConflictsScreen))
        text = shown(app)
        assert "1 to review" in text
        assert "Participant: Ana Silva (person harmed)" in text  # which one, by name
        assert "Mrs Silva" in text and "Ana (Alex's)" in text
        assert "Alex Rivera" in text and OWNER in text
        await pilot.click(f"#take-{conflict.id.hex}")
        await until(pilot, lambda: "No conflicts to review" in shown(app))
        got: Any = app.vault
        reopened = got.open_case(case.id)
        assert reopened.participant(ana.id).address_as == "Ana (Alex's)"
        assert len(reopened.audit_log) == entries + 1
        assert reopened.chain_problems() == []


async def test_settings_show_the_recipient_with_a_copy_button(isolated_home: Path) -> None:
    mine = _mine(isolated_home)
    recipient = mine.recipient
    mine.close()
    app = RjfacilApp(home=isolated_home)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        app.action_settings()
        await until(pilot, lambda: isinstance(app.screen, SettingsScreen))
        # Settings scroll: the recipient comes after the theme, idle lock, passphrase, name,
        # supervision and retention, as a user scrolling down finds it.
        app.screen.query_one("#copy-recipient").scroll_visible(animate=False)
        await until(pilot, lambda: recipient in shown(app))
        await pilot.click("#copy-recipient")
        await until(pilot, lambda: copied == [recipient])
