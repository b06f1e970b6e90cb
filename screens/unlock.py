"""Getting into the vault: create it (first run), unlock it, change the passphrase.

Nothing here imports the vault, the crypto or the checklists at module import time: this
module is on the path to the first painted frame, so those are imported inside the thread
workers that need them (the start-up budget in DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, CSSPathType
from textual.binding import Binding, BindingType
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from rjfacil.errors import RjfacilError, TooManyAttempts, WrongPassphrase, os_cause
from screens.footer import KeyFooter
from screens.safe import plain

if TYPE_CHECKING:
    from rjfacil.workspace import LockedVault, Vault

ATTEMPTS = 3
"""Wrong passphrases (or recovery codes) allowed before the attempt ends (DESIGN.md)."""

PASSPHRASE_MIN = 8
"""Only for the live feedback; the core's own check (Vault.create) is what decides."""


def describe_passphrase(passphrase: str, minimum: int = PASSPHRASE_MIN) -> str:
    """Plain, non-judging feedback on a new passphrase: its length and its variety.

    Args:
        passphrase: What has been typed so far.
        minimum: The shortest passphrase the vault accepts.

    Returns:
        One or two short sentences for under the field.
    """
    if not passphrase:
        return (
            f"At least {minimum} characters. A few ordinary words in a row are easy to "
            "remember and hard to guess."
        )
    length = len(passphrase)
    if length < minimum:
        return (
            f"{length} character{'s' if length != 1 else ''} so far; at least {minimum} are needed."
        )
    kinds = [
        name
        for name, present in (
            ("lower-case letters", any(c.islower() for c in passphrase)),
            ("capitals", any(c.isupper() for c in passphrase)),
            ("digits", any(c.isdigit() for c in passphrase)),
            ("spaces", " " in passphrase),
            ("symbols", any(not c.isalnum() and not c.isspace() for c in passphrase)),
        )
        if present
    ]
    words = len(passphrase.split())
    described = f"{length} characters, {words} word{'s' if words != 1 else ''}"
    if kinds:
        described += ", " + ", ".join(kinds)
    described += "."
    if words < 4 and length < 20:
        described += " Each extra word makes it much harder to guess."
    return described


REKEYING = "Changing the passphrase: re-encrypting every file…"
"""Said as a new vault key is made, before the first file is done."""

RESUMING = "Finishing an interrupted passphrase change."
"""Said at an unlock that finishes or undoes a key change a crash interrupted."""


def reencrypting(done: int, total: int) -> str:
    """How far re-encrypting the vault has got, as every key change says it."""
    return f"Re-encrypting files: {done} of {total}…"


# -- unlocking ---------------------------------------------------------------------


@dataclass
class Unlocked:
    """The vault, unlocked, and how."""

    vault: Vault
    by_recovery: bool = False


class UnlockScreen(Screen[None]):
    """Ask for the passphrase (or the recovery code) and unlock the vault.

    The app hands the vault's door (a LockedVault) down with :meth:`set_door` once it has
    opened it, or :meth:`show_fatal` when it cannot (e.g. another process holds it).
    Key derivation runs in a thread worker; the screen shows "Unlocking…" meanwhile.

    It is the bottom screen of the stack (the app's first screen, or what a lock leaves),
    so it reports upward with messages rather than dismissing: :class:`UnlockScreen.Shown`
    once painted, and :class:`UnlockScreen.Done` with :class:`Unlocked`, or None after
    three wrong attempts (having shown why for ``app.exit_pause`` seconds).

    Args:
        door: The vault's door, if the app already holds it (after a lock).
        heading: The one line at the top ("rjfacil", or "rjfacil — locked").
        demo_passphrase: Shown as a hint when this is the demo vault.
    """

    CSS_PATH = "unlock.tcss"
    AUTO_FOCUS = "#secret"

    class Shown(Message):
        """The prompt has been painted (the app opens the vault folder after this)."""

    class Done(Message):
        """The attempt is over: the vault unlocked, or None after three wrong tries."""

        def __init__(self, result: Unlocked | None) -> None:
            super().__init__()
            self.result = result

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "toggle_recovery",
            "Recovery code",
            id="unlock.recovery",
            tooltip="Unlock with the recovery code instead of the passphrase",
        ),
        Binding("ctrl+q", "app.quit", "Quit", id="unlock.quit", tooltip="Close rjfacil"),
    ]

    def __init__(
        self,
        door: LockedVault | None = None,
        *,
        heading: str = "rjfacil",
        demo_passphrase: str | None = None,
    ) -> None:
        super().__init__()
        self._door = door
        self._heading = heading
        self._demo = demo_passphrase
        self._recovery = False
        self._pending: str | None = None
        self._left = ATTEMPTS
        self._fatal = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="unlock-box"):
            yield Static(Content(self._heading), id="heading")
            yield Static(Content("Passphrase"), id="secret-label")
            yield Input(password=True, id="secret", placeholder="Your passphrase")
            yield Static("", id="message")
            if self._demo is not None:
                yield Static(
                    Content("Demo vault: its passphrase is ") + plain(self._demo),
                    id="demo-hint",
                )
        yield KeyFooter()

    # -- from the app --------------------------------------------------------------

    def set_door(self, door: LockedVault) -> None:
        """The app opened the vault folder; an attempt typed meanwhile goes ahead now."""
        self._door = door
        if self._pending is not None:
            secret, self._pending = self._pending, None
            self._say_unlocking()
            self._unlock(door, secret, self._recovery)

    def _say_unlocking(self) -> None:
        """'Unlocking…', and when the vault's key settings are costly (judged from the
        settings, not timed), that it takes a few seconds."""
        door = self._door
        if door is not None and door.unlock_is_slow(self._recovery):
            self._say("Unlocking… this takes a few seconds with this vault's key settings.")
        else:
            self._say("Unlocking…")

    def show_fatal(self, message: str) -> None:
        """The vault cannot be opened at all (held elsewhere, damaged header): say why."""
        self._fatal = True
        self._pending = None
        self._say(message, error=True)
        secret = self.query_one("#secret", Input)
        secret.disabled = True
        self.refresh_bindings()

    # -- the attempt ---------------------------------------------------------------

    @on(Input.Submitted, "#secret")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._fatal or not event.value:
            return
        secret = event.value
        event.input.value = ""
        self._busy(True)
        if self._door is None:
            self._pending = secret  # the door opens in a moment (app's worker)
        else:
            self._unlock(self._door, secret, self._recovery)

    @work(thread=True, exclusive=True, group="unlock")
    def _unlock(self, door: LockedVault, secret: str, by_recovery: bool) -> None:
        def progress(done: int, total: int) -> None:
            # Only once the secret opened a slot: an interrupted key change is finished
            # or undone now, and every file is re-encrypted.
            self.app.call_from_thread(self._say, f"{RESUMING} {reencrypting(done, total)}")

        try:
            if by_recovery:
                vault = door.unlock_with_recovery(secret, progress)
            else:
                vault = door.unlock(secret, progress)
        except WrongPassphrase as error:
            self.app.call_from_thread(self._wrong, str(error))
            return
        except RjfacilError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._done, Unlocked(vault, by_recovery))

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_message, self.Shown())

    def _done(self, result: Unlocked) -> None:
        self.post_message(self.Done(result))

    def _wrong(self, message: str) -> None:
        self._left -= 1
        if self._left > 0:
            self._busy(False)
            tries = "one more try" if self._left == 1 else f"{self._left} more tries"
            self._say(f"{message} ({tries})", error=True)
            return
        self._busy(False)
        self.show_fatal(str(TooManyAttempts()))
        self.set_timer(getattr(self.app, "exit_pause", 1.5), self._give_up)

    def _give_up(self) -> None:
        self.post_message(self.Done(None))

    def _failed(self, message: str) -> None:
        self._busy(False)
        self._say(message, error=True)

    def _busy(self, busy: bool) -> None:
        secret = self.query_one("#secret", Input)
        secret.disabled = busy
        if busy:
            self._say_unlocking()
        else:
            self._say("")
            secret.focus()

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.update(plain(message))
        line.set_class(error, "error")

    # -- recovery code -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_recovery":
            return not self._fatal
        return True

    def action_toggle_recovery(self) -> None:
        self._recovery = not self._recovery
        secret = self.query_one("#secret", Input)
        label = self.query_one("#secret-label", Static)
        secret.value = ""
        if self._recovery:
            label.update(Content("Recovery code"))
            secret.password = False
            secret.placeholder = "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
            self._say("Type the recovery code you stored when the vault was made.")
        else:
            label.update(Content("Passphrase"))
            secret.password = True
            secret.placeholder = "Your passphrase"
            self._say("")
        secret.focus()


# -- creating the vault --------------------------------------------------------------


@dataclass
class Created:
    """What the create screen dismisses with: the open vault and its recovery code."""

    vault: Vault
    recovery_code: str


class CreateVaultScreen(Screen[Created]):
    """First run: the facilitator's name and a passphrase (twice); makes the vault.

    Vault.create runs in a thread worker (it tunes the key derivation to this laptop and
    takes a few seconds). Every failure shows the core's one-line message.

    Args:
        home: The vault folder to create.
    """

    CSS_PATH = "create_vault.tcss"
    AUTO_FOCUS = "#name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+n",
            "create",
            "Create the vault",
            id="create.submit",
            tooltip="Create the vault with this name and passphrase",
        ),
        Binding("ctrl+q", "app.quit", "Quit", id="create.quit", tooltip="Close rjfacil"),
    ]

    def __init__(self, home: Path) -> None:
        super().__init__()
        self._home = home
        self._minimum = PASSPHRASE_MIN
        self._working = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="create-box"):
            yield Static(Content("Welcome to rjfacil"), id="heading")
            yield Static(
                Content(
                    "First, your vault: an encrypted folder on this laptop for your "
                    "case notes. Only your passphrase opens it."
                ),
                id="intro",
            )
            with Horizontal(classes="field"):
                yield Static(Content("Your name"), classes="field-label")
                yield Input(id="name", placeholder="As your co-workers know you")
            with Horizontal(classes="field"):
                yield Static(Content("Passphrase"), classes="field-label")
                yield Input(id="new", password=True)
            yield Static(Content(describe_passphrase("")), id="strength")
            with Horizontal(classes="field"):
                yield Static(Content("Once more"), classes="field-label")
                yield Input(id="again", password=True, placeholder="The same passphrase again")
            yield Static("", id="message")
            with Horizontal(id="create-buttons"):
                yield Button(Content("Create the vault"), id="create", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._learn_minimum()

    @work(thread=True, group="warm")
    def _learn_minimum(self) -> None:
        # Imports the vault (and its crypto) now, while the facilitator types, and says
        # at once if the folder cannot take a vault (before a passphrase is typed).
        from rjfacil.workspace import PASSPHRASE_MIN as minimum
        from rjfacil.workspace import Vault

        self.app.call_from_thread(setattr, self, "_minimum", minimum)
        try:
            Vault.check_new_folder(self._home)
        except RjfacilError as error:
            self.app.call_from_thread(self._refused, str(error))
        except OSError as error:
            self.app.call_from_thread(
                self._refused, f"Could not look in the folder {self._home}: {os_cause(error)}."
            )

    def _refused(self, message: str) -> None:
        """The folder cannot take a vault: say why, and offer nothing to submit."""
        self._working = True
        self._set_disabled(True)
        self._say(message, error=True)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.value and not self._working:
            self._say("")  # an old complaint no longer applies to what is typed now
        if event.input.id == "new":
            self.query_one("#strength", Static).update(
                Content(describe_passphrase(event.value, self._minimum))
            )

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "again":
            self.action_create()
        else:
            self.focus_next(Input)

    @on(Button.Pressed, "#create")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_create()

    def action_create(self) -> None:
        if self._working:
            return
        name = self.query_one("#name", Input).value
        new = self.query_one("#new", Input).value
        again = self.query_one("#again", Input).value
        if not name.strip():
            self._say("Your name is needed: co-workers see it on what you write.", error=True)
            self.query_one("#name", Input).focus()
            return
        if len(new) < self._minimum:
            self._say(f"The passphrase needs at least {self._minimum} characters.", error=True)
            self.query_one("#new", Input).focus()
            return
        if new != again:
            self._say("The two passphrases differ. Type the second one again.", error=True)
            again_input = self.query_one("#again", Input)
            again_input.value = ""
            again_input.focus()
            return
        self._working = True
        self._set_disabled(True)
        self._say("Creating your vault, tuned to this laptop. This takes a few seconds…")
        self._create(name, new)

    @work(thread=True, exclusive=True, group="create")
    def _create(self, name: str, passphrase: str) -> None:
        from rjfacil.workspace import Vault

        try:
            # Counted as shown once the app has shown it (a kill before then: the vault
            # says its code was never shown, and how to get one).
            vault, code = Vault.create(self._home, passphrase, name, shown_later=True)
        except RjfacilError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        except OSError as error:
            self.app.call_from_thread(
                self._failed, f"Could not create the vault at {self._home}: {os_cause(error)}."
            )
            return
        self.app.call_from_thread(self._done, Created(vault, code))

    def _done(self, created: Created) -> None:
        self.dismiss(created)

    def _failed(self, message: str) -> None:
        self._working = False
        self._set_disabled(False)
        self._say(message, error=True)
        self.query_one("#name", Input).focus()

    def _set_disabled(self, disabled: bool) -> None:
        for widget in self.query("Input, Button"):
            widget.disabled = disabled

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.update(plain(message))
        line.set_class(error, "error")


class RecoveryCodeScreen(Screen[None]):
    """Show the recovery code, once, with what to do with it. Dismisses on the confirm key.

    Args:
        code: The recovery code Vault.create returned.
    """

    CSS_PATH = "create_vault.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "c",
            "stored",
            "I have stored it — continue",
            id="recovery.stored",
            tooltip="Continue once the recovery code is written down and put away safely",
        ),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self._code = code

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="recovery-box"):
            yield Static(Content("Your recovery code"), id="heading")
            yield Static(
                Content(
                    "If you ever forget your passphrase, this code is the only other way "
                    "into your vault. It is shown now and never again."
                ),
                classes="recovery-text",
            )
            yield Static(plain(self._code), id="code")
            yield Static(
                Content(
                    "Write it on paper now and keep it somewhere safe, away from this "
                    "laptop: not in a file on it, not in a photo on your phone."
                ),
                classes="recovery-text",
            )
            yield Static(Content("Press c when it is stored safely."), id="recovery-keys")
        yield KeyFooter()

    def action_stored(self) -> None:
        self._code = ""
        self.query_one("#code", Static).update("")
        self.dismiss(None)


# -- changing the passphrase -----------------------------------------------------------


@dataclass
class PassphraseChange:
    """The current passphrase and the new one (typed twice, and the two matched)."""

    old: str
    new: str


class ChangePassphraseModal(ModalScreen["PassphraseChange | None"]):
    """Ask for the current passphrase and a new one, twice. Dismisses them, or None.

    The caller runs Vault.change_passphrase in a worker and, when it fails, pushes this
    again with the core's message as ``error``.

    Args:
        error: Why the last attempt failed.
        need_old: False after a recovery-code unlock: only the new passphrase is asked.
    """

    CSS_PATH: ClassVar[CSSPathType] = ["dialogs.tcss", "create_vault.tcss"]
    AUTO_FOCUS = "#old"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="passwd.cancel", tooltip="Keep the passphrase"),
    ]

    def __init__(self, error: str = "", need_old: bool = True) -> None:
        super().__init__(classes="dialog")
        self._error = error
        self._need_old = need_old

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box", id="passwd-box"):
            if self._need_old:
                yield Static(Content("Change the passphrase"), classes="dialog-title")
                with Horizontal(classes="field"):
                    yield Static(Content("Current"), classes="field-label")
                    yield Input(id="old", password=True)
            else:
                yield Static(Content("Set a new passphrase"), classes="dialog-title")
                yield Static(
                    Content("You unlocked with the recovery code. Choose a new passphrase now."),
                    classes="dialog-help",
                )
            with Horizontal(classes="field"):
                yield Static(Content("New"), classes="field-label")
                yield Input(id="new", password=True)
            yield Static(Content(describe_passphrase("")), id="strength")
            with Horizontal(classes="field"):
                yield Static(Content("New, once more"), classes="field-label")
                yield Input(id="again", password=True)
            yield Static(plain(self._error), id="message", classes="error")
            yield Static(
                Content(
                    "Enter to change · Escape to cancel"
                    if self._need_old
                    else "Enter to set it · Escape to keep the current one"
                ),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        if not self._need_old:
            self.query_one("#new", Input).focus()

    @on(Input.Changed, "#new")
    def _strength(self, event: Input.Changed) -> None:
        self.query_one("#strength", Static).update(Content(describe_passphrase(event.value)))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "again":
            self.focus_next(Input)
            return
        old = self.query_one("#old", Input).value if self._need_old else ""
        new = self.query_one("#new", Input).value
        message = self.query_one("#message", Static)
        if self._need_old and not old:
            message.update(Content("Type the current passphrase first."))
            self.query_one("#old", Input).focus()
        elif new != event.value:
            message.update(Content("The two new passphrases differ. Type the second again."))
            event.input.value = ""
        else:
            self.dismiss(PassphraseChange(old, new))

    def action_cancel(self) -> None:
        self.dismiss(None)
