"""Review what merging a co-worker's file set aside: each conflict's two values, who wrote
each and when, and a choice (keep the current value, or use the other). Each choice is one
commit (rjfacil.commands.CaseFile.resolve_conflict)."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Static

from rjfacil.errors import RjfacilError
from rjfacil.views.merge_words import ConflictView, conflict_view
from screens.footer import KeyFooter
from screens.readonly import ReadOnlyBanner, refused
from screens.safe import plain


def _values(view_by: str, at: str, values: list[tuple[str, str]], heading: str) -> str:
    lines = [f"{heading} — {view_by}, {at}"]
    lines += [f"  {label}: {value}" for label, value in values]
    return "\n".join(lines)


class ConflictsScreen(Screen[None]):
    """The open conflicts of one case, oldest first."""

    DEFAULT_CSS = """
    ConflictsScreen .conflict {
        border: round $primary; padding: 0 1; height: auto; margin: 0 0 1 0;
    }
    ConflictsScreen .conflict-buttons { height: auto; }
    ConflictsScreen .conflict-buttons Button { margin-right: 2; }
    ConflictsScreen #conflicts-status { color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="conflicts.back", tooltip="Back to the case"),
    ]

    def __init__(self, case_id: UUID) -> None:
        super().__init__()
        self.case_id = case_id

    @property
    def case(self) -> Any:
        return self.app.vault.open_case(self.case_id)  # type: ignore[attr-defined]

    def views(self) -> list[ConflictView]:
        case = self.case
        return [conflict_view(case, c, case.conflict_current(c)) for c in case.conflicts()]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        yield Static(Content(""), id="conflicts-status")
        yield VerticalScroll(id="conflicts-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        views = self.views()
        reference = self.case.case.reference
        self.title = f"Conflicts · {reference}"
        status = self.query_one("#conflicts-status", Static)
        status.update(
            plain(
                f"{len(views)} to review. The current value is the later edit; "
                "both are kept until you choose."
                if views
                else "No conflicts to review."
            )
        )
        box = self.query_one("#conflicts-list", VerticalScroll)
        box.remove_children()
        for view in views:
            key = view.id.hex
            box.mount(
                Vertical(
                    Static(plain(view.what), classes="conflict-what"),
                    Static(
                        plain(_values(view.current_by, view.current_at, view.current, "Current")),
                        classes="conflict-current",
                    ),
                    Static(
                        plain(_values(view.other_by, view.other_at, view.other, "Other")),
                        classes="conflict-other",
                    ),
                    Horizontal(
                        Button(Content("Keep current"), id=f"keep-{key}", variant="primary"),
                        Button(Content("Use other"), id=f"take-{key}"),
                        classes="conflict-buttons",
                    ),
                    classes="conflict",
                    id=f"conflict-{key}",
                )
            )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.id or ""
        choice, _, key = name.partition("-")
        if choice in ("keep", "take") and key and not refused(self):
            self._resolve(UUID(hex=key), choice == "take")

    @work(thread=True, exclusive=True, group="conflicts")
    def _resolve(self, conflict_id: UUID, take_other: bool) -> None:
        try:
            self.case.resolve_conflict(conflict_id, take_other)
        except (RjfacilError, OSError) as error:
            self.app.call_from_thread(self._say, str(error))
            return
        self.app.call_from_thread(self._resolved, take_other)

    def _resolved(self, take_other: bool) -> None:
        self.refresh_list()
        self.notify("Used the other value." if take_other else "Kept the current value.")

    def _say(self, message: str) -> None:
        self.query_one("#conflicts-status", Static).update(plain(message))

    def action_close(self) -> None:
        self.dismiss(None)
