"""The app as the screens see it: one typed way to the vault.

``app.vault`` is the vault's state: None (no vault yet), a LockedVault (the folder is
held, the key is not in memory: at the unlock prompt and while locked) or a Vault
(unlocked). A screen that reads cases asks for :attr:`VaultHost.unlocked_vault`, typed
``Vault``, through a typed ``app`` getter::

    class CaseScreen(Screen[None]):
        app = getters.app(VaultHost)
        ...
        self.app.unlocked_vault.open_case(case_id)

Only Textual and the core's errors are imported here at run time: the app module imports
this one, and the unlock prompt must paint before the vault's modules (and their crypto)
are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.reactive import Reactive
from textual.theme import Theme

from rjfacil.errors import RjfacilError
from rjfacil.sanitize import visible
from rjfacil.settings import Settings
from screens.themes import DARK, RJFACIL_THEMES

_RJFACIL_THEMES = {theme.name: theme for theme in RJFACIL_THEMES}

if TYPE_CHECKING:
    from rjfacil.workspace import LockedVault, Vault


class NotUnlocked(RjfacilError):
    """The vault was asked for while it is locked (say, a worker finishing after a lock)."""

    def __init__(self) -> None:
        super().__init__("The vault is locked: unlock it to go on.")


class VaultHost(App[None]):
    """An app that holds the vault: the rjfacil app, and the test hosts of single screens."""

    # In high contrast the surface is the background's black and its lightened and darkened
    # shades are black too: a button drew its edges in the colour behind it, and had none.
    # There it gets a white edge (a yellow one when focused); a compact button, which has
    # no room for an edge, is a white block with black words instead. Textual marks the
    # app with its theme's name (-theme-NAME; the name is rjfacil.settings.THEMES[2]).
    DEFAULT_CSS = """
    VaultHost.-theme-rjfacil-high-contrast Button {
        border: round $foreground;
        &:focus, &:hover {
            border: round $accent;
        }
        &.-textual-compact {
            background: $foreground;
            color: $background;
            &:focus, &:hover {
                background: $accent;
            }
        }
    }
    """

    # rjfacil's theme from the first frame. Textual builds the stylesheet in App.__init__
    # from the theme current then, and setting another one afterwards parsed every rule
    # again: about 30 ms at each start (and at each UI test's).
    theme: Reactive[str] = Reactive(DARK)

    @property
    def available_themes(self) -> dict[str, Theme]:
        """Textual's themes and rjfacil's, these known before any is registered."""
        # Textual looks the current theme up here whenever a widget's colours are worked
        # out (thousands of times a second while a screen is built), so nothing is rebuilt.
        return super().available_themes | _RJFACIL_THEMES

    async def on_event(self, event: events.Event) -> None:
        # Pasted text reaches an Input or a TextArea as it is, and they draw it as it is:
        # an escape sequence in it would go to the terminal and garble the screen. Control
        # characters become their visible symbols (␛) before any field sees the paste, as
        # stored text does when it is edited (screens.widgets.editable). Line ends stay
        # line ends: terminals send a pasted newline as CR, or CR LF from Windows.
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = visible(event.text.replace("\r\n", "\n").replace("\r", "\n"))
        await super().on_event(event)

    settings: Settings = Settings()
    """The facilitator's preferences (the rjfacil app loads and saves them)."""

    def action_due(self) -> None:
        """Show what is due across every case (the dashboard)."""
        from screens.due import DueScreen

        if self.unlocked and not isinstance(self.screen, DueScreen):
            self.push_screen(DueScreen())

    def action_supervision(self) -> None:
        """Show the facilitator's supervision sessions."""
        from screens.due import SupervisionScreen

        if self.unlocked and not isinstance(self.screen, SupervisionScreen):
            self.push_screen(SupervisionScreen())

    vault: Vault | LockedVault | None = None
    """None (no vault yet), a LockedVault (held, locked) or a Vault (unlocked)."""

    @property
    def vault_if_unlocked(self) -> Vault | None:
        """The vault if it is unlocked, else None."""
        vault = self.vault
        if vault is None:
            return None
        # Already imported (the vault object was made by it): no cost at start-up.
        from rjfacil.workspace import Vault

        return vault if isinstance(vault, Vault) else None

    @property
    def unlocked(self) -> bool:
        """Whether the vault is open (its key in memory)."""
        return self.vault_if_unlocked is not None

    @property
    def unlocked_vault(self) -> Vault:
        """The unlocked vault.

        Raises:
            NotUnlocked: The vault is locked (or there is none yet).
        """
        vault = self.vault_if_unlocked
        if vault is None:
            raise NotUnlocked()
        return vault
