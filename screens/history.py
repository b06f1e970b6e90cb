"""History: the case's audit log, newest first — when, who, what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from rjfacil.views.dates import show_when
from screens.safe import plain
from screens.widgets import CasePane, RecordTable

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile


class HistoryPane(CasePane):
    """Every change to the case, as the audit log records it."""

    def compose(self) -> ComposeResult:
        yield Static(id="history-count")
        yield RecordTable("When", "Who", "What", id="history-table")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        entries = case.audit_log
        self.query_one("#history-count", Static).update(
            Content.styled(f"{len(entries)} changes, newest first", "$foreground-muted")
        )
        self.query_one(RecordTable).fill(
            (
                str(entry.id),
                (
                    show_when(entry.created_at),
                    plain(case.author(entry.created_by), single_line=True),
                    plain(_what(case, entry.action), single_line=True),
                ),
            )
            for entry in reversed(entries)
        )

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()


def _what(case: CaseFile, action: str) -> str:
    """The audit entry's action, naming a checklist item by its question."""
    if action.startswith("answered "):
        checklist_id, _, item_id = action.removeprefix("answered ").partition(".")
        found = case.catalogue.find(checklist_id, item_id)
        if found is not None:
            _, item = found
            return f"answered “{item.ask}” ({item.reference})"
    return action
