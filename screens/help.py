"""The keys of the app and of the current screen, gathered from their BINDINGS."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from rjfacil.views.labels import WORDS

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

Section = tuple[str, list[tuple[str, str]]]
"""A titled list of (key, what it does)."""

MOVING_AROUND: list[tuple[str, str]] = [
    ("↑ ↓", "Move in a list"),
    ("tab / shift+tab", "Next / previous field or button"),
    ("enter", "Open, choose or confirm"),
    ("escape", "Back, or cancel a dialog"),
]


def _describe(binding: Binding) -> str:
    return binding.description or binding.tooltip or binding.action


def _rows(app: App[Any], bindings: Iterable[Binding], seen: set[str]) -> list[tuple[str, str]]:
    rows = []
    for binding in bindings:
        # Only rjfacil's own keys (they all have an id); Textual's built-in ones (cursor
        # keys, Tab) are summed up under "Moving around".
        if binding.system or not binding.id or not (binding.description or binding.tooltip):
            continue
        key = app.get_key_display(binding)
        if key in seen:
            continue
        seen.add(key)
        text = binding.description
        if binding.tooltip and binding.tooltip != binding.description:
            text = f"{text} — {binding.tooltip}" if text else binding.tooltip
        rows.append((key, text))
    return rows


def collect_keys(app: App[Any], screen: Screen[Any]) -> list[Section]:
    """Every key of the app, and those of the screen and its focused widget.

    Keys bound by the focused widget and the screen come first (they win over the app's).
    Editing keys of text fields, which have no description, are left out.
    """
    seen: set[str] = set()
    here: list[tuple[str, str]] = []
    node = screen.focused
    while node is not None and node is not screen:
        here += _rows(app, (b for _, b in node._bindings), seen)
        node = node.parent  # type: ignore[assignment]
    here += _rows(app, (b for _, b in screen._bindings), seen)
    everywhere = _rows(
        app,
        # Only what can be done now (no Lock or Settings while locked).
        (b for _, b in app._bindings if app.check_action(b.action, ()) is not False),
        seen,
    )
    if app.ENABLE_COMMAND_PALETTE and "ctrl+p" not in seen:
        everywhere.append(
            (
                app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "")),
                "Command palette — open a case or run any action by name",
            )
        )
    sections = []
    if here:
        sections.append(("On this screen", here))
    sections.append(("Everywhere", everywhere))
    sections.append(("Moving around", MOVING_AROUND))
    sections.append(("Words used", [(f"{word}:", meaning) for word, meaning in WORDS]))
    return sections


class HelpScreen(ModalScreen[None]):
    """Lists the keys, in sections. Escape, F1 or q closes it.

    Args:
        sections: What :func:`collect_keys` gathered for the screen help was asked on.
    """

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,q,question_mark",
            "close",
            "Close",
            id="help.close",
            tooltip="Close the list of keys",
        ),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Content("Keys"), id="help-title")
            with VerticalScroll(id="help-body"):
                width = max((len(key) for _, rows in self._sections for key, _ in rows)) + 2
                for title, rows in self._sections:
                    yield Static(Content(title), classes="help-section")
                    for key, text in rows:
                        # Two columns, so a long description wraps beside its key, not under it.
                        key_cell = Static(Content(key), classes="help-key")
                        key_cell.styles.width = width
                        yield Horizontal(
                            key_cell, Static(Content(text), classes="help-text"), classes="help-row"
                        )
            yield Static(
                Content("Escape closes this list. Ctrl+P finds any action by name."),
                id="help-foot",
            )

    def action_close(self) -> None:
        self.dismiss(None)
