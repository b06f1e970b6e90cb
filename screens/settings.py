"""Settings: the theme, the idle lock, the supervision interval and the retention period,
and changing the passphrase.

Every change is saved as soon as it is made (the app applies and saves what this screen
reports with :class:`SettingsChanged`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Header, Input, RadioSet, Static

from rjfacil.errors import RjfacilError
from rjfacil.settings import THEMES, Settings, load_settings
from screens.footer import KeyFooter
from screens.host import VaultHost
from screens.readonly import ReadOnlyBanner, edits
from screens.safe import plain
from screens.themes import THEME_LABELS
from screens.toggles import ChoiceButton
from screens.unlock import REKEYING, ChangePassphraseModal, RecoveryCodeScreen, reencrypting

if TYPE_CHECKING:
    from rjfacil.workspace import Vault

IDLE_MIN, IDLE_MAX = 1, 120
# As rjfacil.settings.load_settings accepts them.
WEEKS_MIN, WEEKS_MAX = 1, 104
YEARS_MIN, YEARS_MAX = 1, 100


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


class SettingsChanged(Message):
    """The facilitator changed a setting; the app applies it and saves it at once."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings


class SettingsScreen(Screen[None]):
    """Theme, idle-lock minutes, and the passphrase change (in a worker)."""

    CSS_PATH = "settings.tcss"
    app = getters.app(VaultHost)
    TITLE = "rjfacil"
    SUB_TITLE = "Settings"
    AUTO_FOCUS = "RadioSet"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="settings.back", tooltip="Back to where you were"),
        Binding(
            "ctrl+o",
            "change_passphrase",
            "Change passphrase",
            id="settings.passphrase",
            tooltip="Change the vault's passphrase (a new recovery code is issued)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._settings: Settings = Settings()

    def location(self) -> dict[str, Any]:
        return {}

    def compose(self) -> ComposeResult:
        current = getattr(self.app, "settings", None)
        self._settings = replace(current) if isinstance(current, Settings) else load_settings()
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        with VerticalScroll(id="settings-body"):
            with Vertical(classes="setting"):
                yield Static(Content("Theme"), classes="setting-title")
                with RadioSet(id="theme"):
                    for name in THEMES:
                        yield ChoiceButton(
                            Content(THEME_LABELS.get(name, name)),
                            value=name == self._settings.theme,
                            name=name,
                        )
            with Vertical(classes="setting"):
                yield Static(Content("Lock when idle"), classes="setting-title")
                yield _number_row(
                    "Lock after",
                    self._settings.idle_lock_minutes,
                    "idle",
                    "minutes without a key press or the mouse",
                )
            with Vertical(classes="setting"):
                yield Static(Content("Passphrase"), classes="setting-title")
                yield Button(Content("Change the passphrase…"), id="passphrase")
            yield Static("", id="settings-status")
            with Vertical(classes="setting"):
                yield Static(Content("Your name"), classes="setting-title")
                yield Static(
                    Content("As co-workers know you; every case shows it. Enter saves it."),
                    classes="setting-label",
                )
                yield Input(self._owner_name(), id="owner-name", max_length=120)
            with Vertical(classes="setting"):
                yield Static(Content("Supervision and retention"), classes="setting-title")
                yield _number_row(
                    "Remind after",
                    self._settings.supervision_weeks,
                    "supervision-weeks",
                    "weeks without a supervision session",
                )
                yield _number_row(
                    "Keep cases",
                    self._settings.retention_years,
                    "retention-years",
                    "years after closure, then listed as due",
                )
            with Vertical(classes="setting"):
                yield Static(Content("Your age recipient"), classes="setting-title")
                yield Static(
                    Content("Give it to co-workers so they can send you case files."),
                    classes="setting-label",
                )
                yield Static(Content(self._recipient()), id="recipient")
                yield Button(Content("Copy"), id="copy-recipient")
        yield KeyFooter()

    def on_mount(self) -> None:
        # The cursor starts on the theme in use, not on the first: a highlighted row that
        # is not the chosen one read as chosen (in high contrast above all).
        themes = self.query_one("#theme", RadioSet)
        if themes.pressed_index >= 0:
            themes._selected = themes.pressed_index
        # Focusing the themes scrolled their heading off at 80x24: start at the top.
        self.call_after_refresh(self._to_top)

    def _to_top(self) -> None:
        self.query_one("#settings-body", VerticalScroll).scroll_home(animate=False)

    @property
    def vault(self) -> Vault | None:
        return self.app.vault_if_unlocked

    @on(RadioSet.Changed, "#theme")
    def _theme(self, event: RadioSet.Changed) -> None:
        event.stop()
        name = event.pressed.name
        if name in THEMES and name != self._settings.theme:
            self._settings = replace(self._settings, theme=name)
            self.post_message(SettingsChanged(replace(self._settings)))
            self._say(f"Theme: {THEME_LABELS.get(name, name)}. Saved.")

    @on(Input.Changed, "#idle")
    def _idle(self, event: Input.Changed) -> None:
        event.stop()
        try:
            minutes = int(event.value)
        except ValueError:
            minutes = 0
        if not IDLE_MIN <= minutes <= IDLE_MAX:
            self._say(f"A whole number of minutes from {IDLE_MIN} to {IDLE_MAX}.", error=True)
            return
        if minutes != self._settings.idle_lock_minutes:
            self._settings = replace(self._settings, idle_lock_minutes=minutes)
            self.post_message(SettingsChanged(replace(self._settings)))
            self._say(f"Locks after {minutes} minute{'s' if minutes != 1 else ''} idle. Saved.")

    def _owner_name(self) -> str:
        vault = self.vault
        return vault.owner.name if vault is not None else ""

    @edits
    def _rename(self, name: str) -> None:
        vault = self.vault
        if vault is None:
            return
        try:
            vault.rename_owner(name)
        except RjfacilError as error:
            self._say(str(error), error=True)
            return
        self.query_one("#owner-name", Input).value = vault.owner.name
        self._say(f"Your name: {vault.owner.name}. Saved; every case shows it.")

    @on(Input.Submitted, "#owner-name")
    def _name_given(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() != self._owner_name():
            self._rename(event.value)

    @on(Input.Changed, "#supervision-weeks")
    def _supervision_weeks(self, event: Input.Changed) -> None:
        event.stop()
        weeks = _whole(event.value)
        if not WEEKS_MIN <= weeks <= WEEKS_MAX:
            self._say(f"A whole number of weeks from {WEEKS_MIN} to {WEEKS_MAX}.", error=True)
            return
        if weeks != self._settings.supervision_weeks:
            self._settings = replace(self._settings, supervision_weeks=weeks)
            self.post_message(SettingsChanged(replace(self._settings)))
            plural = "s" if weeks != 1 else ""
            self._say(f"Supervision is due {weeks} week{plural} after the last session. Saved.")

    @on(Input.Changed, "#retention-years")
    def _retention_years(self, event: Input.Changed) -> None:
        event.stop()
        years = _whole(event.value)
        if not YEARS_MIN <= years <= YEARS_MAX:
            self._say(f"A whole number of years from {YEARS_MIN} to {YEARS_MAX}.", error=True)
            return
        if years != self._settings.retention_years:
            self._settings = replace(self._settings, retention_years=years)
            self.post_message(SettingsChanged(replace(self._settings)))
            plural = "s" if years != 1 else ""
            self._say(f"Closed cases are listed {years} year{plural} after closure. Saved.")

    def _recipient(self) -> str:
        vault = self.vault
        return str(getattr(vault, "recipient", "")) if vault is not None else ""

    @on(Button.Pressed, "#copy-recipient")
    def _copy_recipient(self, event: Button.Pressed) -> None:
        event.stop()
        recipient = self._recipient()
        if recipient:
            self.app.copy_to_clipboard(recipient)
            self._say("Your recipient was copied to the clipboard.")

    @on(Button.Pressed, "#passphrase")
    def _passphrase(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_change_passphrase()

    @edits
    @work(exclusive=True, group="passphrase")
    async def action_change_passphrase(self) -> None:
        """Ask (old, new twice) and rewrap the key in a thread, until it works or Escape."""
        error = ""
        while True:
            change = await self.app.push_screen_wait(ChangePassphraseModal(error))
            if change is None:
                self._say("")
                return
            vault = self.vault
            if vault is None:
                return
            self._say(REKEYING)
            rotation = self._rotate(vault, change.old, change.new)
            error, code = cast("tuple[str, str]", await rotation.wait())
            if not error:
                message = "Passphrase changed. The old passphrase and recovery code open nothing."
                self._say(message)
                await self.app.push_screen_wait(RecoveryCodeScreen(code))
                del code
                vault.recovery_code_shown()
                self.notify(message, markup=False)
                return
            self._say(error, error=True)

    @work(thread=True, group="rewrap")
    def _rotate(self, vault: Vault, old: str, new: str) -> tuple[str, str]:
        """Vault.change_passphrase (a new key, every file re-encrypted).

        Returns:
            The error ('' if none) and the new recovery code ('' on error).
        """

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._say, reencrypting(done, total))

        try:
            return "", vault.change_passphrase(old, new, progress)
        except RjfacilError as error:  # a failed save is a WriteFailed
            return str(error), ""

    def _say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#settings-status", Static)
        status.update(plain(message))
        status.set_class(error, "error")

    def action_back(self) -> None:
        self.dismiss(None)


def _number_row(label: str, value: int, input_id: str, after: str) -> Horizontal:
    """A setting that is a whole number: its label, a three-digit field and what it counts."""
    return Horizontal(
        Static(Content(label), classes="setting-label aligned"),
        Input(str(value), type="integer", max_length=3, id=input_id),
        Static(Content(after), classes="setting-after"),
        classes="setting-row",
    )
