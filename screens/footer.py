"""The key footer every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer throws its keys away and builds them anew whenever the focused widget's
bindings might have changed: every focus move, every modal. Most moves (down a table,
between the fields of a form) leave the same keys on show, and the rebuild restyles every
key each time. Here the footer keeps what it shows when the keys, their labels and whether
they are enabled are what it already shows.

A key that does not fit left of the palette key is left out whole, rather than cut at its
edge ("g Stag▏^p palette"); the keys come in the screen's order, so the first ones (Esc and
Help) are the last to go.
"""

from __future__ import annotations

from fractions import Fraction

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
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
        self.call_after_refresh(self._fit)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit)

    def on_resize(self, _event: events.Resize) -> None:
        self._fit()

    def _fit(self) -> None:
        """Show each key only if it fits whole left of the palette key (docked right)."""
        if not self.is_attached or self.size.width == 0:
            return
        palette = [c for c in self.children if c.has_class("-command-palette")]
        room = self.size.width - sum(self._width(c)[0] for c in palette)
        for child in self.children:
            if child in palette:
                continue
            width, right = self._width(child)
            child.display = width - right <= room  # its right margin may fall off the edge
            if child.display:
                room -= width

    def _width(self, child: Widget) -> tuple[int, int]:
        """The cells ``child`` takes in the footer, margins included, shown or not, and
        how many of them are its right margin."""
        box = child._get_box_model(self.size, self.app.size, Fraction(1), Fraction(1))
        return int(box.width) + box.margin.width, box.margin.right
