"""The case list (the dashboard) and the full-text search across cases.

Every cell is built from user text with ``plain()`` and wrapped here to the column's
width: DataTable parses plain strings as markup, and cannot measure Content itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import events, getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, ProgressBar, Static
from textual.worker import get_current_worker

from rjfacil.errors import RjfacilError
from rjfacil.sanitize import visible
from rjfacil.views.dates import ago, relative_day
from rjfacil.views.deadlines import due_status
from rjfacil.views.labels import row_flag_labels, search_where_label, stage_label
from screens.footer import KeyFooter
from screens.host import VaultHost
from screens.readonly import ReadOnlyBanner, edits
from screens.safe import plain
from screens.widgets import highlighted_key

if TYPE_CHECKING:
    from rjfacil.views.summary import CaseSummary
    from rjfacil.workspace import SearchHit, Vault


class OpenCase(Message):
    """Open a case (posted upward; the app pushes the case screen).

    Args:
        case_id: The case to open.
        tab: Which tab of the case to show, or None for its default.
    """

    def __init__(self, case_id: UUID, tab: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id
        self.tab = tab


# -- formatting -------------------------------------------------------------------


def answered_text(row: CaseSummary) -> Content:
    """How much of the current stage's checklists is answered, e.g. "12/40"."""
    if not row.stage_total:
        return Content("—")
    done = f"{row.stage_answered}/{row.stage_total}"
    return Content.styled(done, "$text-success") if row.stage_complete else Content(done)


def deadline_text(row: CaseSummary) -> Content:
    """The next deadline: its day (bold when overdue) and what it is."""
    if row.next_deadline is None:
        return Content("—")
    day = Content(relative_day(row.next_deadline))
    status = due_status(row.next_deadline)
    if status.overdue:
        day = Content.styled(f"{day.plain}, {status.phrase}", "bold $text-error")
    label = plain(row.deadline_label, single_line=True)
    return day + Content(" · ") + label if label else day


def fit(text: str | Content, width: int, max_lines: int = 4) -> Content:
    """Wrap text to a column's width (at most ``max_lines`` lines, then an ellipsis)."""
    content = text if isinstance(text, Content) else plain(text, single_line=True)
    if "\n" not in content.plain and content.cell_length <= width:
        return content
    lines = content.wrap(max(width, 1)) or [Content("")]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].truncate(width - 1) + Content("…")
    return Content("\n").join(line.rstrip() for line in lines)


ANSWERED_WIDTH = 8  # "Answered", and "125/125"


@dataclass(frozen=True)
class Widths:
    reference: int
    stage: int
    flags: int
    deadline: int
    updated: int
    answered: int = 0  # 0: no room for the column (at 80 columns)

    @classmethod
    def for_width(cls, width: int, reference_wants: int = 40, deadline_wants: int = 34) -> Widths:
        """Column widths that fit ``width`` cells (each column has 1 cell padding a side).

        At 80 columns every column gets its minimum; extra room goes first to the stage
        (so "Outcome agreement" fits), then to a column of how much of this stage's
        checklists is answered, then to the references and the deadlines as far as they
        need it, then to "Updated".

        Args:
            width: The table's width in cells.
            reference_wants: The longest reference on one line.
            deadline_wants: The longest deadline (day and label) on one line.
        """
        available = width - 2 * 5 - 2  # cell padding, and room for the scrollbar
        reference, stage, flags, deadline, updated = 12, 13, 19, 15, 9
        extra = available - (reference + stage + flags + deadline + updated)

        def grow(current: int, limit: int) -> int:
            nonlocal extra
            step = min(max(extra, 0), max(limit - current, 0))
            extra -= step
            return current + step

        stage = grow(stage, 17)
        answered = 0
        if extra >= ANSWERED_WIDTH + 2:  # its own cell padding too
            answered, extra = ANSWERED_WIDTH, extra - ANSWERED_WIDTH - 2
        reference = grow(reference, min(reference_wants, 40))
        deadline = grow(deadline, min(deadline_wants, 34))
        updated = grow(updated, 11)
        reference = grow(reference, 40)
        return cls(reference, stage, flags, deadline, updated, answered)


# -- the case list ---------------------------------------------------------------------


class CaseTable(DataTable[Any]):
    """The table of cases; Enter opens the highlighted one (and says so in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select_cursor", "Open", id="cases.open", tooltip="Open the highlighted case"
        ),
    ]


class FilterInput(Input):
    """The filter field; Down or Escape goes back to the table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "screen.focus_table",
            "To the list",
            show=False,
            id="filter.to_list",
            tooltip="Move to the list of cases",
        ),
        Binding(
            "escape",
            "screen.clear_filter",
            "Clear filter",
            id="filter.clear",
            tooltip="Clear the filter and go back to the list",
        ),
    ]


class CaseListScreen(Screen[None]):
    """The dashboard: every case with its stage, flags, next deadline and last change.

    Reads ``self.app.vault_if_unlocked``. Opening a case posts :class:`OpenCase`.
    """

    CSS_PATH = "case_list.tcss"
    app = getters.app(VaultHost)
    AUTO_FOCUS = "CaseTable"
    TITLE = "rjfacil"
    SUB_TITLE = "Cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_case", "New case", id="cases.new", tooltip="Start a new case"),
        Binding(
            "i",
            "app.import_bundle",
            "Import",
            # Not in the footer (F1 and the palette list it): at 80 columns the footer has
            # room for Due, used every day, or Import, used now and then, not both.
            show=False,
            id="cases.import",
            tooltip="Import a co-worker's case file (preview before anything is written)",
        ),
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            id="cases.filter",
            tooltip="Filter the list by reference, stage or flag",
            # The filter box says its key ("( / )"): the footer keeps room for Delete
            # and Help at 80 columns.
            show=False,
        ),
        Binding(
            "s",
            "app.search",
            "Search",
            id="cases.search",
            tooltip="Search the notes, names and references of every case",
        ),
        Binding(
            "d",
            "app.due",
            "Due",
            id="cases.due",
            tooltip="What is due across every case, soonest first",
        ),
        Binding(
            "u",
            "app.supervision",
            "Supervision",
            # Not in the footer: at 80 columns it would push Help out of it. In the help
            # (F1), the palette, and the Due screen's footer.
            show=False,
            id="cases.supervision",
            tooltip="Your supervision sessions: record one, see them all",
        ),
        Binding(
            "delete",
            "delete_case",
            "Delete",
            # Not in the footer: deleting is rare and final, and at 80 columns the footer
            # has no room. In the help (F1) and the palette.
            show=False,
            id="cases.delete",
            tooltip="Delete the highlighted case for good (asks for its reference)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[CaseSummary] = []
        self._widths: Widths | None = None
        self._width = 0
        self._cell_cache: dict[UUID, tuple[Any, list[Content], int]] = {}

    def location(self) -> dict[str, Any]:
        """Rebuilt after a lock with nothing remembered (the filter may name someone)."""
        return {}

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        with Horizontal(id="filter-bar"):
            yield FilterInput(placeholder="Filter by reference, stage or flag  ( / )", id="filter")
        yield CaseTable(cursor_type="row", zebra_stripes=True, id="cases")
        yield Static(Content("No cases yet. Press n to start one."), id="empty", classes="hidden")
        yield Static("", id="count")
        yield KeyFooter()

    @property
    def vault(self) -> Vault | None:
        return self.app.vault_if_unlocked

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from a case (or a new one): its row may have changed.
        if self.is_mounted:
            self.reload()

    def on_resize(self, event: events.Resize) -> None:
        if self._width != event.size.width:
            self._show()

    def reload(self) -> None:
        """Read the case list again from the vault (an in-memory index: no decryption)."""
        vault = self.vault
        # Open cases first, closed ones after them (Vault.list_cases orders them).
        self._rows = vault.list_cases() if vault is not None else []
        self._show()

    # -- the table ------------------------------------------------------------------

    def _matches(self, row: CaseSummary, needle: str) -> bool:
        if not needle:
            return True
        haystack = " ".join(
            [row.reference, stage_label(row.stage), row.deadline_label, *row_flag_labels(row)]
        )
        return needle in haystack.casefold()

    def _show(self) -> None:
        """Fill the table with the rows that match the filter.

        The first screenful is added at once; the rest in chunks from an async worker, so
        a long list (2,000 cases) never holds the UI for long, and each keystroke in the
        filter cancels the previous filling.
        """
        table = self.query_one(CaseTable)
        needle = self.query_one(FilterInput).value.strip().casefold()
        selected = self._selected_key()
        shown = [row for row in self._rows if self._matches(row, needle)]
        deadlines = {row.id: deadline_text(row) for row in shown}
        widths = Widths.for_width(
            self.size.width or self.app.size.width,
            max((len(visible(row.reference, single_line=True)) for row in shown), default=0),
            max((len(text.plain) for text in deadlines.values()), default=0),
        )
        self._width = self.size.width
        if widths != self._widths:
            self._widths = widths
            table.clear(columns=True)
            table.add_column("Reference", width=widths.reference, key="reference")
            table.add_column("Stage", width=widths.stage, key="stage")
            if widths.answered:
                table.add_column("Answered", width=widths.answered, key="answered")
            table.add_column("Flags", width=widths.flags, key="flags")
            table.add_column("Next deadline", width=widths.deadline, key="deadline")
            table.add_column("Updated", width=widths.updated, key="updated")
        else:
            table.clear()
        first, rest = shown[: self.FIRST_ROWS], shown[self.FIRST_ROWS :]
        self._add_rows(first, widths, deadlines)
        empty = not self._rows
        table.display = not empty
        self.query_one("#empty").set_class(not empty, "hidden")
        self._count(len(shown), needle)
        self._fill(rest, widths, deadlines, selected)

    FIRST_ROWS = 60
    CHUNK_ROWS = 150

    def _add_rows(
        self, rows: list[CaseSummary], widths: Widths, deadlines: dict[UUID, Content]
    ) -> None:
        table = self.query_one(CaseTable)
        for row in rows:
            cells, height = self._cells(row, widths, deadlines[row.id])
            table.add_row(*cells, height=height, key=str(row.id))

    def _cells(
        self, row: CaseSummary, widths: Widths, deadline: Content
    ) -> tuple[list[Content], int]:
        updated = ago(row.updated_at)
        # Keyed by what the cells say, so a new day (deadline or "updated" text) redraws them.
        key = (row.id, row.updated_at, row.stage, widths, deadline.plain, updated)
        cached = self._cell_cache.get(row.id)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        cells = [
            fit(row.reference, widths.reference, max_lines=3),
            fit(stage_label(row.stage), widths.stage),
            *([answered_text(row)] if widths.answered else []),
            fit(
                Content("\n").join(Content(label) for label in row_flag_labels(row))
                if row.flags or row.unreadable
                else Content("—"),
                widths.flags,
            ),
            fit(deadline, widths.deadline),
            fit(updated, widths.updated),
        ]
        if not row.stage.is_open:
            cells = [cell.stylize_before("dim") for cell in cells]
        height = max(max(cell.plain.count("\n") + 1 for cell in cells), 1)
        self._cell_cache[row.id] = (key, cells, height)
        return cells, height

    @work(exclusive=True, group="fill-cases")
    async def _fill(
        self,
        rest: list[CaseSummary],
        widths: Widths,
        deadlines: dict[UUID, Content],
        selected: str | None,
    ) -> None:
        table = self.query_one(CaseTable)
        for start in range(0, len(rest), self.CHUNK_ROWS):
            await asyncio.sleep(0)  # let keys and paints through between chunks
            self._add_rows(rest[start : start + self.CHUNK_ROWS], widths, deadlines)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected), animate=False)

    def _count(self, shown: int, needle: str) -> None:
        total = len(self._rows)
        count = self.query_one("#count", Static)
        if not needle:
            count.update(Content(f"{total} case{'s' if total != 1 else ''}"))
        elif shown:
            count.update(Content(f"{shown} of {total} cases match the filter"))
        else:
            count.update(Content("No case matches the filter. Escape clears it."))

    def _selected_key(self) -> str | None:
        return highlighted_key(self.query_one(CaseTable))

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._show()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_focus_table()

    @on(DataTable.RowSelected, "#cases")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(OpenCase(UUID(event.row_key.value)))

    # -- actions -----------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one(FilterInput).focus()

    def action_focus_table(self) -> None:
        self.query_one(CaseTable).focus()

    def action_clear_filter(self) -> None:
        self.query_one(FilterInput).value = ""
        self.action_focus_table()

    @edits
    @work(exclusive=True, group="delete-case")
    async def action_delete_case(self) -> None:
        """Ask for the highlighted case's reference, typed in full, then delete it."""
        from screens.dialogs import TextPromptModal

        key = self._selected_key()
        row = next((row for row in self._rows if str(row.id) == key), None)
        if row is None:
            return
        reference = visible(row.reference, single_line=True)
        error = ""
        while True:
            typed = await self.app.push_screen_wait(
                TextPromptModal(
                    f"Delete case {reference}",
                    error=error,
                    placeholder=reference,
                    help="This removes the case's file and every backup of it for good: "
                    "nothing of it can be restored. The vault keeps only a record that a "
                    "case with this reference was deleted, and when. Type its reference "
                    "to delete it.",
                )
            )
            vault = self.vault
            if typed is None or vault is None:
                return
            result = await self._delete(vault, row.id, typed).wait()
            if result is None:
                break
            error = result
        self.notify(f"Case {reference} deleted.", markup=False)
        self.reload()

    @work(thread=True, group="case-io")
    def _delete(self, vault: Vault, case_id: UUID, typed: str) -> str | None:
        try:
            vault.delete_case(case_id, typed)
        except RjfacilError as error:
            return str(error)
        except OSError as error:
            return f"The case could not be deleted: {error.strerror or error}."
        return None


# -- search across cases -------------------------------------------------------------


class ResultsTable(DataTable[Any]):
    """Search results; Enter opens the case a result is in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open case",
            id="search.open",
            tooltip="Open the case this result is in",
        ),
    ]


def excerpt(hit: SearchHit, needle: str, width: int) -> Content:
    """The matching text, on at most two lines, the match itself in bold."""
    text = visible(hit.excerpt, single_line=True).strip()
    content = Content(text)
    at = text.casefold().find(needle)
    if needle and at >= 0:
        content = content.stylize("bold underline", at, at + len(needle))
    return fit(content, width, max_lines=2)


class SearchScreen(Screen[None]):
    """Full-text search over every case (Vault.search in a thread worker, with progress).

    Results appear as they are found; Enter on one opens its case.
    """

    CSS_PATH = "case_list.tcss"
    app = getters.app(VaultHost)
    AUTO_FOCUS = "#query"
    TITLE = "rjfacil"
    SUB_TITLE = "Search all cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="search.back", tooltip="Back to the list of cases"),
        Binding(
            "slash",
            "focus_query",
            "New search",
            id="search.query",
            tooltip="Type a new search",
        ),
    ]
    PROGRESS_EVERY = 0.05
    """Seconds between progress updates from the search thread."""

    def __init__(self) -> None:
        super().__init__()
        self._found = 0

    def location(self) -> dict[str, Any]:
        """Rebuilt empty after a lock: the words searched for are not kept."""
        return {}

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        with Horizontal(id="search-bar"):
            yield Input(
                placeholder="Search notes, names and references — Enter to search", id="query"
            )
        yield ProgressBar(id="progress", show_eta=False, classes="hidden")
        yield Static(
            Content("Type a word or a phrase and press Enter. Every case is searched."),
            id="search-status",
        )
        yield ResultsTable(cursor_type="row", zebra_stripes=True, id="results")
        yield KeyFooter()

    @property
    def vault(self) -> Vault | None:
        return self.app.vault_if_unlocked

    def _columns(self) -> tuple[int, int, int]:
        width = self.size.width or self.app.size.width
        reference, where = (16, 16) if width >= 100 else (12, 14)
        return reference, where, max(width - reference - where - 2 * 3 - 2, 20)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        needle = event.value.strip()
        vault = self.vault
        if not needle or vault is None:
            return
        table = self.query_one(ResultsTable)
        table.clear(columns=True)
        reference, where, text = self._columns()
        table.add_column("Case", width=reference, key="case")
        table.add_column("Found in", width=where, key="where")
        table.add_column("Text", width=text, key="text")
        self._found = 0
        progress = self.query_one(ProgressBar)
        progress.update(total=None, progress=0)
        progress.remove_class("hidden")
        self._status(Content("Searching…"))
        self._search(vault, needle)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, vault: Vault, needle: str) -> None:
        worker = get_current_worker()
        pending: list[SearchHit] = []
        last = 0.0
        state = {"done": 0, "total": 0}

        def progress(done: int, total: int) -> None:
            state["done"], state["total"] = done, total

        try:
            for hit in vault.search(needle, progress):
                if worker.is_cancelled:
                    return
                pending.append(hit)
                if monotonic() - last > self.PROGRESS_EVERY:
                    last = monotonic()
                    batch, pending = pending, []
                    self.app.call_from_thread(
                        self._progress, state["done"], state["total"], batch, needle
                    )
        except RjfacilError as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._failed, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finished, state["total"], pending, needle)

    def _add(self, hits: Iterable[SearchHit], needle: str) -> None:
        table = self.query_one(ResultsTable)
        reference, _where, text = self._columns()
        folded = needle.casefold()
        for hit in hits:
            self._found += 1
            cells = [
                fit(hit.reference, reference, max_lines=2),
                Content(search_where_label(hit.where)),
                excerpt(hit, folded, text),
            ]
            height = max(len(cell.plain.splitlines()) for cell in cells)
            table.add_row(*cells, height=max(height, 1), key=f"{hit.case_id}/{self._found}")

    def _progress(self, done: int, total: int, hits: list[SearchHit], needle: str) -> None:
        progress = self.query_one(ProgressBar)
        progress.update(total=max(total, 1), progress=done)
        self._add(hits, needle)
        self._status(Content(f"Searched {done} of {total} cases · {self._found} found"))

    def _finished(self, total: int, hits: list[SearchHit], needle: str) -> None:
        self._add(hits, needle)
        self.query_one(ProgressBar).add_class("hidden")
        cases = f"{total} case{'s' if total != 1 else ''}"
        if self._found:
            found = f"{self._found} result{'s' if self._found != 1 else ''}"
            self._status(Content(f"{found} in {cases}. Enter opens the case."))
            self.query_one(ResultsTable).focus()
        else:
            self._status(
                Content("Nothing found in ")
                + Content(cases)
                + Content(" for ")
                + plain(needle, single_line=True)
            )

    def _failed(self, message: str) -> None:
        self.query_one(ProgressBar).add_class("hidden")
        self._status(plain(message))

    def _status(self, content: Content) -> None:
        self.query_one("#search-status", Static).update(content)

    @on(DataTable.RowSelected, "#results")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(OpenCase(UUID(event.row_key.value.split("/")[0])))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()
