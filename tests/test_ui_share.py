"""Sending a case to a co-worker from the app, and the share passphrase's deliberate wait
said on screen ("Encrypting…", "Decrypting…") rather than a silent pause.

The key derivation is replaced by a gate the test opens, so the tests neither wait for
scrypt nor time anything: they look at what is on screen while the work is held.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from rjfacil.errors import BundleError
from rjfacil.store import agefile
from rjfacil.workspace import Vault
from screens.app import RjfacilApp
from screens.case import CaseScreen
from screens.dialogs import BusyModal, ConfirmModal, TextPromptModal
from tests.bundle_helpers import make_vault
from tests.pilot_helpers import Notices
from tests.test_ui_bundle import flat
from tests.test_ui_shell import OWNER, PASSPHRASE, SIZE, unlock, until


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Passphrase encryption and decryption wait until the test opens the gate; the file
    is then sealed to, or opened with, a recipient (no scrypt in the test)."""
    opened = threading.Event()
    identity, recipient = agefile.new_identity()
    real_encrypt, real_decrypt = agefile.encrypt_to_recipients, agefile.decrypt

    def encrypt(data: bytes, passphrase: str, **_: Any) -> bytes:
        assert opened.wait(10)
        return real_encrypt(data, [recipient])

    def decrypt(source: Any, identities: Any = None, passphrase: str | None = None, **kw: Any):
        if passphrase is None:
            try:
                return real_decrypt(source, identities, **kw)
            except BundleError as error:
                if error.reason != agefile.Refusal.WRONG_RECIPIENT:
                    raise
                # Sealed by the stand-in: to this vault, it is a passphrase file.
                raise BundleError("It needs its share passphrase.", "needs-passphrase") from None
        assert opened.wait(10)
        return real_decrypt(source, [identity], **kw)

    monkeypatch.setattr(agefile, "encrypt_with_passphrase", encrypt)
    monkeypatch.setattr(agefile, "decrypt", decrypt)
    return opened


def prompt(app: RjfacilApp) -> TextPromptModal:
    screen = app.screen
    assert isinstance(screen, TextPromptModal)
    return screen


async def answer(pilot: Any, text: str) -> None:
    prompt(pilot.app).query_one(Input).value = text
    await pilot.press("enter")


async def test_send_a_case_to_a_co_workers_recipient(isolated_home: Path, tmp_path: Path) -> None:
    mine, _ = Vault.create(isolated_home, PASSPHRASE, OWNER)
    case = mine.new_case("RJ-SEND/1")
    case.add_note("Ana wants to meet.")
    case.add_note("My own worry.", private=True)
    mine.close()
    theirs = make_vault(tmp_path / "theirs", "Priya Shah")
    target = tmp_path / "for-priya.age"
    app = RjfacilApp(home=isolated_home)
    notices = Notices()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices) as pilot:
        await unlock(pilot)
        app.open_case(case.id)
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        assert "Send case RJ-SEND/1 to a co-worker" in flat(app)
        await answer(pilot, "age1notarecipient")
        await until(pilot, lambda: "is not an age recipient" in flat(app))
        await answer(pilot, theirs.recipient)
        await until(pilot, lambda: "Save the case file to" in flat(app))
        assert prompt(app).query_one(Input).value.endswith("RJ-SEND-1.age")
        await answer(pilot, str(target))
        await until(pilot, lambda: target.exists() and isinstance(app.screen, CaseScreen))
        assert any(
            m.startswith(f"Wrote case RJ-SEND/1 to {target}, for 1 co-worker's key.")
            and "1 private note stayed in this vault." in m
            for m in notices.messages
        ), notices.messages
    got = theirs.read_bundle(target)
    assert got.document.case.reference == "RJ-SEND/1"
    assert len(got.document.records["notes"]) == 1
    theirs.close()


async def test_a_share_passphrase_asked_twice_and_encrypting_is_shown(
    isolated_home: Path, tmp_path: Path, gate: threading.Event
) -> None:
    mine, _ = Vault.create(isolated_home, PASSPHRASE, OWNER)
    case = mine.new_case("RJ-SEND/2")
    mine.close()
    target = tmp_path / "shared.age"
    app = RjfacilApp(home=isolated_home)
    notices = Notices()
    async with app.run_test(size=SIZE, notifications=True, message_hook=notices) as pilot:
        await unlock(pilot)
        app.open_case(case.id)
        await until(pilot, lambda: isinstance(app.screen, CaseScreen))
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        await answer(pilot, "")  # no recipient: a share passphrase
        await until(pilot, lambda: "Share passphrase" in flat(app))
        assert prompt(app).query_one(Input).password
        await answer(pilot, "a long share passphrase")
        await until(pilot, lambda: "The same share passphrase again" in flat(app))
        await answer(pilot, "a different one")
        await until(pilot, lambda: "The two share passphrases differ" in flat(app))
        await answer(pilot, "a long share passphrase")
        await until(pilot, lambda: "The same share passphrase again" in flat(app))
        await answer(pilot, "a long share passphrase")
        await until(pilot, lambda: "Save the case file to" in flat(app))
        await answer(pilot, str(target))
        await until(pilot, lambda: isinstance(app.screen, BusyModal))
        assert "Encrypting with the share passphrase" in flat(app)
        assert "a long share passphrase" not in flat(app)
        gate.set()
        await until(pilot, lambda: target.exists() and isinstance(app.screen, CaseScreen))
        assert any("a share passphrase" in m for m in notices.messages)


async def test_decrypting_with_a_share_passphrase_is_shown(
    isolated_home: Path, tmp_path: Path, gate: threading.Event
) -> None:
    mine, _ = Vault.create(isolated_home, PASSPHRASE, OWNER)
    mine.close()
    theirs = make_vault(tmp_path / "theirs", "Alex Rivera")
    case = theirs.new_case("RJ-PASS")
    sealed = tmp_path / "by-passphrase.age"
    gate.set()  # the sender's side is not what is shown here
    theirs.export_bundle(case.id, sealed, passphrase="a long share passphrase")
    gate.clear()
    theirs.close()
    app = RjfacilApp(home=isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, TextPromptModal))
        # With this vault's identity it cannot be opened: the passphrase is asked for.
        await answer(pilot, str(sealed))
        await until(pilot, lambda: "Share passphrase" in flat(app))
        await answer(pilot, "a long share passphrase")
        await until(pilot, lambda: isinstance(app.screen, BusyModal))
        assert "Decrypting with the share passphrase" in flat(app)
        gate.set()
        await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
        assert "RJ-PASS is new to this vault" in flat(app)
