"""The command palette (ctrl+p): open any case by reference, and the main actions.

References are user text: their hits are built with ``plain()`` and highlighted here,
never through ``Matcher.highlight`` (which parses its argument as markup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from rjfacil.sanitize import visible
from screens.themes import THEME_LABELS

if TYPE_CHECKING:
    from rjfacil.views.summary import CaseSummary
    from screens.app import RjfacilApp


class RjfacilCommands(Provider):
    """Cases by reference (while unlocked), then new case, search, lock, settings, help,
    themes and quit."""

    @property
    def host(self) -> RjfacilApp:
        """The app, typed (this provider serves the rjfacil app only)."""
        from screens.app import RjfacilApp  # loaded already: it imports this module

        app = self.app
        assert isinstance(app, RjfacilApp)
        return app

    def _actions(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        app = self.host
        if app.unlocked:
            yield "New case", "Start a case with a new reference", app.action_new_case
            yield "Search all cases", "Notes, names and references", app.action_search
            yield (
                "What is due",
                "Across every case, soonest first, with supervision and retention",
                app.action_due,
            )
            yield (
                "Supervision sessions",
                "Record one, see them all",
                app.action_supervision,
            )
            yield from self._screen_actions()
            yield (
                "Import a co-worker's case file",
                "Preview what it adds, changes and sets aside, then confirm",
                app.action_import_bundle,
            )
            yield (
                "Review conflicts",
                "In the open case: values a merge set aside",
                app.action_review_conflicts,
            )
            yield "Lock now", "Hide everything until the passphrase is typed", app.action_lock
            yield (
                "Settings",
                "Theme, idle lock, supervision interval, retention, passphrase",
                app.action_settings,
            )
            yield (
                "Change passphrase",
                "A new vault key and recovery code",
                app.action_change_passphrase,
            )
        yield "Keys and help", "Every key of the app and this screen", app.action_help
        for name, label in THEME_LABELS.items():
            yield f"Theme: {label}", "Remembered for next time", partial(app.set_theme, name)
        yield "Quit", "Close rjfacil (everything is already saved)", app.action_quit

    def _screen_actions(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        """Every action of the screen the palette was opened on (its keys, the focused
        pane's and the screen's own, shown in the footer or not): help says the palette
        finds any action by name."""
        app = self.host
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if (
                active.node is app
                or not binding.id
                or binding.id in seen
                or not active.enabled
                or not (binding.description or binding.tooltip)
                or binding.action.startswith("app.")
            ):
                continue
            seen.add(binding.id)
            title = binding.description or binding.tooltip
            if binding.id == "case.tab1":
                title = "Go to the Overview tab"  # shown as "1-9 Tabs" in the footer
            help_text = binding.tooltip if binding.tooltip != title else ""
            node, action = active.node, binding.action
            yield title, help_text, partial(app.run_action, action, node)

    def _cases(self) -> list[CaseSummary]:
        vault = self.host.vault_if_unlocked
        return list(vault.list_cases()) if vault is not None else []

    def _open(self, row: CaseSummary) -> Callable[[], Any]:
        return partial(self.host.open_case, row.id)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._actions():
            yield DiscoveryHit(title, callback, text=title, help=help_text)
        for row in self._cases():
            reference = visible(row.reference, single_line=True)
            yield DiscoveryHit(
                Content("Open case ") + Content(reference),
                self._open(row),
                text=f"Open case {reference}",
                help=_case_help(row),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions():
            # A key's name is short ("Stage"): its tooltip says what it does, and is
            # searched too.
            score = max(matcher.match(title), matcher.match(f"{title} {help_text}"))
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
        for row in self._cases():
            reference = visible(row.reference, single_line=True)
            text = f"Open case {reference}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(text, query, matcher),
                    self._open(row),
                    text=text,
                    help=_case_help(row),
                )


def _highlight(text: str, query: str, matcher: Any) -> Content:
    """``text`` as literal Content with the matched letters bold (no markup parsing)."""
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize("bold underline", offset, offset + 1)
    return content


def _case_help(row: CaseSummary) -> str:
    """The stage and flags: our own labels only (the palette parses help as markup)."""
    # Imported here: the case model behind the labels is not needed before the unlock
    # prompt paints (start-up budget, bench/startup.py).
    from rjfacil.views.labels import row_flag_labels, stage_label

    parts = [stage_label(row.stage), *row_flag_labels(row)]
    return " · ".join(parts).replace("[", "(").replace("]", ")")
