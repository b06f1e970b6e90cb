"""The key footer every screen shows: the screen's keys drawn as one line.

Textual's Footer is a row of widgets, one per key, thrown away and built again whenever the
focused widget's bindings change (every tab, every modal): each key was mounted and styled
again, with two more style nodes for its parts, and a key that did not fit was hidden after
the next layout, which laid the screen out once more. Here the footer is one widget that
draws its keys as text, so a change of keys is one redraw of one line.

It looks and behaves as Textual's footer (its theme colours, the compact spacing, a click
presses the key, a key's tooltip on hover, a disabled key dimmed) with one difference: a key
that does not fit left of the palette key is left out whole, rather than cut at its edge
("g Stag▏^p palette"); the keys come in the screen's order, so the first ones (Esc and Help)
are the last to go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class FooterKey:
    """One key as the footer shows it."""

    key: str  # what a click presses
    shown: str  # the key as it is written ("esc", "^l", "⏎")
    description: str
    enabled: bool = True
    tooltip: str = ""


@dataclass(frozen=True)
class Placed:
    """A key at its column, with the cells of its key and its description."""

    key: FooterKey
    x: int
    key_text: str
    description_text: str

    @property
    def end(self) -> int:
        return self.x + cell_len(self.key_text) + cell_len(self.description_text)


def _parts(key: FooterKey, compact: bool) -> tuple[str, str]:
    """The key's two parts with their padding: Textual's footer spacing."""
    if compact:
        return key.shown, f" {key.description}" if key.description else ""
    return f" {key.shown} ", f"{key.description} " if key.description else ""


def place_keys(
    keys: Sequence[FooterKey], palette: FooterKey | None, width: int, compact: bool
) -> tuple[list[Placed], Placed | None]:
    """Where each key goes in a footer ``width`` cells wide, and the palette key at the
    right edge (after a one-cell edge, with a space after it).

    A key goes in only if it fits whole left of the palette key; a key left out leaves its
    room to the keys after it. A compact footer puts a space after each key, which may fall
    off the edge.
    """
    placed_palette = None
    room = width
    if palette is not None:
        key_text, description_text = _parts(palette, compact=True)
        size = 1 + cell_len(key_text) + cell_len(description_text) + 1
        placed_palette = Placed(palette, width - size + 1, key_text, description_text)
        room -= size
    placed = []
    x = 0
    gap = 1 if compact else 0
    for key in keys:
        key_text, description_text = _parts(key, compact)
        size = cell_len(key_text) + cell_len(description_text)
        if x + size > room:
            continue
        placed.append(Placed(key, x, key_text, description_text))
        x += size + gap
    return placed, placed_palette


class KeyFooter(Widget, can_focus=False):
    """The keys of the screen it is on, in one line docked at the bottom."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--item",
        "key-footer--key",
        "key-footer--description",
        "key-footer--hover",
        "key-footer--edge",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--item {
            background: $footer-item-background;
        }
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .key-footer--edge {
            color: $foreground 20%;
        }
    }
    """

    _hovered: reactive[str | None] = reactive(None)

    def __init__(self, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__()
        self.compact = compact
        self.show_command_palette = show_command_palette
        self._keys: tuple[list[FooterKey], FooterKey | None] = ([], None)

    def on_mount(self) -> None:
        self._keys = self._screen_keys()
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen[object]) -> None:
        keys = self._screen_keys()
        if keys != self._keys:
            self._keys = keys
            self.refresh()

    def _screen_keys(self) -> tuple[list[FooterKey], FooterKey | None]:
        """The keys the screen shows now (one per action, in the screen's order), and the
        palette key."""
        active = self.screen.active_bindings
        keys: dict[str, FooterKey] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    enabled,
                    tooltip,
                )
        palette = None
        found = active.get(self.app.COMMAND_PALETTE_BINDING)
        if found is not None and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            _node, binding, enabled, _tooltip = found
            palette = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                enabled,
                binding.tooltip or binding.description,
            )
        return list(keys.values()), palette

    def _all_placed(self) -> Iterable[Placed]:
        """The keys where they go at the footer's width, the palette key last."""
        keys, palette = self._keys
        placed, placed_palette = place_keys(keys, palette, self.size.width, self.compact)
        yield from placed
        if placed_palette is not None:
            yield placed_palette

    def render(self) -> Text:
        style = self.get_component_rich_style
        item, key, description = (
            style("key-footer--item"),
            style("key-footer--key"),
            style("key-footer--description"),
        )
        hover = style("key-footer--hover")
        palette = self._keys[1]
        line = Text(no_wrap=True, overflow="crop", end="")
        for each in self._all_placed():
            if each.key is palette:
                line.append(" " * (each.x - 1 - line.cell_len))
                line.append("▏", style("key-footer--edge"))
            else:
                line.append(" " * (each.x - line.cell_len))
            base, over = item, Style()
            if each.key.key == self._hovered:
                # The key under the mouse takes the hover background, over its parts' own.
                base, over = item + hover, Style(bgcolor=hover.bgcolor)
            if not each.key.enabled:
                base += Style(dim=True)
            line.append(each.key_text, base + key + over)
            line.append(each.description_text, base + description + over)
            if each.key is palette:
                line.append(" ", base)
        return line

    def _key_at(self, x: int) -> FooterKey | None:
        for each in self._all_placed():
            if each.x <= x < each.end:
                return each.key
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if (key.key if key else None) == self._hovered:
            return  # still on the same key (or between keys): its tooltip stays as it is
        self._hovered = key.key if key else None
        self.tooltip = (key.tooltip or key.description) if key else None

    def on_leave(self, _event: events.Leave) -> None:
        self._hovered = None
        self.tooltip = None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
