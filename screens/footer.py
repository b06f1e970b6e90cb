"""The key footer every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer throws its keys away and builds them anew whenever the focused widget's
bindings might have changed: every focus move, every modal. Most moves (down a table,
between the fields of a form) leave the same keys on show, and the rebuild restyles every
key each time. Here the footer keeps what it shows when the keys, their labels and whether
they are enabled are what it already shows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that recomposes only when the keys it would show differ from those shown."""

    _shown: object = None

    def _keys(self) -> object:
        """What the footer would show now: each shown binding's key, label, state and group."""
        shown = tuple(
            (
                binding.key,
                binding.key_display,
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        palette_shown = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        return (shown, palette[2] if palette and palette_shown else None)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        for widget in super().compose():
            # A compact footer's keys (the widgets with a "compact" of their own, bound to
            # the footer's) set their "-compact" class when first bound, each restyled on
            # its own; given it before they are mounted, they are styled once.
            if self.compact and hasattr(widget, "compact"):
                widget.add_class("-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if self._bindings_ready and self.is_attached and self._shown == self._keys():
            return
        await super().recompose()
