"""History: the case's audit log, newest first — when, who, what — in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import DataTable, Static

from rjfacil.views.history import HistoryEntry, case_history
from screens.dialogs import DetailModal
from screens.safe import plain
from screens.widgets import CasePane, RecordTable, first_line

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile


WHO_WIDTH = 14  # the Who column, in cells


class HistoryPane(CasePane):
    """Every change to the case, as the audit log records it. Enter shows one whole."""

    def compose(self) -> ComposeResult:
        yield Static(id="history-count")
        yield RecordTable("When", "Who", "What", id="history-table")

    def show(self, case: CaseFile) -> None:
        super().show(case)
        self._entries = case_history(case, you=True)
        self.query_one("#history-count", Static).update(
            Content.styled(
                f"{len(self._entries)} changes, newest first · Enter shows one whole",
                "$foreground-muted",
            )
        )
        self.query_one(RecordTable).fill(
            (
                str(entry.id),
                (
                    entry.when,
                    # "You" for this vault's facilitator; another's name cut, so What
                    # keeps the room at 80 columns (Enter shows the entry whole).
                    first_line(entry.who, WHO_WIDTH),
                    plain(entry.what, single_line=True),
                ),
            )
            for entry in self._entries
        )

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = str(event.row_key.value)
        entry: HistoryEntry = next(e for e in self._entries if str(e.id) == key)
        who = "you" if entry.who == "You" else entry.who
        self.app.push_screen(DetailModal(entry.when, [f"By {who}", entry.what]))

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()
