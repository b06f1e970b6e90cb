"""What is due across every case (the dashboard), and the facilitator's supervision
sessions: both reached from the case list.

Render and dispatch only: the list is :meth:`rjfacil.workspace.Vault.due` (the same as
``rjfacil due``), the sessions' words :func:`rjfacil.views.due.supervision_lines`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Input, Static, TextArea

from rjfacil.errors import RjfacilError, os_cause
from rjfacil.views.dates import show_day
from rjfacil.views.due import DueItem, session_day_default, supervision_lines
from screens.case_list import OpenCase, fit
from screens.footer import KeyFooter
from screens.host import VaultHost
from screens.readonly import ReadOnlyBanner, edits
from screens.safe import plain
from screens.widgets import editable

if TYPE_CHECKING:
    from rjfacil.commands.supervision import SupervisionSession
    from rjfacil.workspace import Vault


class DueTable(DataTable[Any]):
    """The dashboard's lines; Enter opens the case of the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open case",
            id="due.open",
            tooltip="Open the case this line is about",
        ),
    ]


@dataclass(frozen=True)
class DueWidths:
    """The dashboard's column widths for a table ``width`` cells wide (1 cell padding a
    side of each column, room for the scrollbar): What takes what the others leave."""

    day: int
    status: int
    case: int
    kind: int
    what: int

    @classmethod
    def for_width(cls, width: int) -> DueWidths:
        day, status, case, kind = (11, 16, 16, 11) if width >= 100 else (11, 11, 12, 11)
        return cls(day, status, case, kind, max(width - day - status - case - kind - 12, 16))


def due_cells(item: DueItem, widths: DueWidths) -> list[Content]:
    """A line's cells: the day, how it stands (bold when overdue), the case, what it is."""
    status = Content(item.status)
    if item.overdue:
        status = Content.styled(item.status, "bold $text-error")
    return [
        Content(show_day(item.when)),
        fit(status, widths.status, max_lines=3),
        fit(item.reference or "—", widths.case, max_lines=2),
        Content(item.kind.label),
        fit(plain(item.what, single_line=True), widths.what, max_lines=3),
    ]


class DueScreen(Screen[None]):
    """Everything due across the cases and the facilitator's practice, soonest first."""

    CSS_PATH = "case_list.tcss"
    app = getters.app(VaultHost)
    AUTO_FOCUS = "DueTable"
    TITLE = "rjfacil"
    SUB_TITLE = "Due across cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="due.back", tooltip="Back to the list of cases"),
        Binding(
            "u",
            "app.supervision",
            "Supervision",
            id="due.supervision",
            tooltip="Your supervision sessions: record one, see them all",
        ),
    ]

    def location(self) -> dict[str, Any]:
        return {}

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        yield DueTable(cursor_type="row", zebra_stripes=True, id="due")
        yield Static("", id="due-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        vault = self.app.vault_if_unlocked
        items = vault.due(self.app.settings) if vault is not None else []
        table = self.query_one(DueTable)
        table.clear(columns=True)
        widths = DueWidths.for_width(self.size.width or self.app.size.width)
        for heading, size in (
            ("Date", widths.day),
            ("When", widths.status),
            ("Case", widths.case),
            ("Kind", widths.kind),
            ("What", widths.what),
        ):
            table.add_column(heading, width=size, key=heading.lower())
        for number, item in enumerate(items):
            cells = due_cells(item, widths)
            height = max(cell.plain.count("\n") + 1 for cell in cells)
            table.add_row(*cells, height=height, key=f"{item.case_id or ''}/{number}")
        status = self.query_one("#due-status", Static)
        if items:
            count = f"{len(items)} thing{'s' if len(items) != 1 else ''} due"
            status.update(Content(f"{count}, soonest first. Enter opens the case."))
        else:
            status.update(Content("Nothing is due."))

    @on(DataTable.RowSelected, "#due")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        case_id = (event.row_key.value or "").split("/")[0]
        if case_id:
            self.post_message(OpenCase(UUID(case_id)))
        else:
            self.app.action_supervision()

    def action_back(self) -> None:
        self.dismiss(None)


class SupervisionScreen(Screen[None]):
    """The facilitator's supervision sessions, newest first; a key records a new one,
    another edits the one under the cursor."""

    CSS_PATH = "case_list.tcss"
    app = getters.app(VaultHost)
    AUTO_FOCUS = "DataTable"
    TITLE = "rjfacil"
    SUB_TITLE = "Supervision"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="supervision.back", tooltip="Back"),
        Binding(
            "a",
            "add",
            "Record a session",
            id="supervision.add",
            tooltip="Record a supervision session: when, with whom, cases, what was agreed",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="supervision.edit",
            tooltip="Edit the session under the cursor",
        ),
    ]

    _sessions: list[SupervisionSession]  # as listed, newest first (each row's)

    def location(self) -> dict[str, Any]:
        return {}

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield ReadOnlyBanner()
        yield DataTable(cursor_type="row", zebra_stripes=True, id="sessions")
        yield Static("", id="supervision-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        vault = self.app.vault_if_unlocked
        self._sessions = vault.supervision_sessions() if vault is not None else []
        lines = supervision_lines(self._sessions, vault.list_cases()) if vault is not None else []
        table = self.query_one("#sessions", DataTable)
        table.clear(columns=True)
        width = self.size.width or self.app.size.width
        agreed = max(width - 11 - 16 - 18 - 2 * 4 - 2, 12)
        for heading, size in (
            ("Date", 11),
            ("Supervisor", 16),
            ("Cases discussed", 18),
            ("Agreed", agreed),
        ):
            table.add_column(heading, width=size)
        for session, line in zip(self._sessions, lines, strict=True):
            cells = [
                Content(line.day),
                fit(line.supervisor, 16, max_lines=2),
                fit(line.cases or "—", 18, max_lines=3),
                fit(plain(line.agreed, single_line=True) or Content("—"), agreed, max_lines=4),
            ]
            table.add_row(
                *cells, height=max(c.plain.count("\n") + 1 for c in cells), key=str(session.id)
            )
        weeks = self.app.settings.supervision_weeks
        said = f"Reminded on the Due screen {weeks} weeks after the last session (Settings)."
        status = self.query_one("#supervision-status", Static)
        if lines:
            status.update(Content(f"{len(lines)} sessions, newest first. {said}"))
        else:
            status.update(Content(f"No supervision sessions yet: press a to record one. {said}"))

    @edits
    @work(exclusive=True, group="supervision-flow")
    async def action_add(self) -> None:
        vault = self.app.vault_if_unlocked
        if vault is None:
            return
        added = await self.app.push_screen_wait(SessionModal())
        if added:
            self.reload()
            self.notify("Supervision session recorded.")

    @edits
    @work(exclusive=True, group="supervision-flow")
    async def action_edit(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if not self._sessions or table.cursor_row < 0:
            self.notify("No session to edit yet: press a to record one.")
            return
        session = self._sessions[min(table.cursor_row, len(self._sessions) - 1)]
        if await self.app.push_screen_wait(SessionModal(session)):
            self.reload()
            self.notify("Supervision session saved.")

    def action_back(self) -> None:
        self.dismiss(None)


class SessionModal(ModalScreen[bool]):
    """Record a supervision session, or edit ``session``. Dismisses True once it is saved."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="session.cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", id="session.save", tooltip="Save the session"),
    ]
    app = getters.app(VaultHost)

    def __init__(self, session: SupervisionSession | None = None) -> None:
        super().__init__(classes="dialog")
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        vault = self.app.vault_if_unlocked
        references = {row.id: row.reference for row in vault.list_cases()} if vault else {}
        cases = (
            ", ".join(references[c] for c in session.case_ids if c in references) if session else ""
        )
        title = "Edit the supervision session" if session else "Record a supervision session"
        with Vertical(classes="dialog-box"):
            yield Static(Content(title), classes="dialog-title")
            yield Static(Content("Day (YYYY-MM-DD)"), classes="session-label")
            day = session.held_on.isoformat() if session else session_day_default()
            yield Input(day, id="session-day", compact=True)
            yield Static(Content("Supervisor"), classes="session-label")
            yield Input(
                editable(session.supervisor) if session else "",
                id="session-supervisor",
                compact=True,
            )
            yield Static(
                Content("Cases discussed (references, separated by commas)"),
                classes="session-label",
            )
            yield Input(
                cases,
                placeholder="e.g. RJ-2026-011, RJ-2026-014",
                id="session-cases",
                compact=True,
            )
            yield Static(Content("What was agreed, in your words"), classes="session-label")
            yield TextArea(
                editable(session.agreed) if session else "", id="session-agreed", compact=True
            )
            yield Static("", id="session-error", classes="dialog-error")
            yield Static(
                Content("Tab to the next field · Ctrl+S saves · Escape cancels"),
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#session-error").display = False
        self.query_one("#session-supervisor", Input).focus()

    def _error(self, message: str) -> None:
        error = self.query_one("#session-error", Static)
        error.update(plain(message))
        error.display = True

    def action_save(self) -> None:
        vault: Vault | None = self.app.vault_if_unlocked
        if vault is None:
            return
        day_text = self.query_one("#session-day", Input).value.strip()
        try:
            held_on = date.fromisoformat(day_text)
        except ValueError:
            self._error("Give the day as YYYY-MM-DD, e.g. 2026-03-03.")
            return
        references = self.query_one("#session-cases", Input).value.split(",")
        supervisor = self.query_one("#session-supervisor", Input).value
        agreed = self.query_one("#session-agreed", TextArea).text
        try:
            case_ids = [vault.find_case(ref.strip()) for ref in references if ref.strip()]
            if self.session is None:
                vault.add_supervision_session(held_on, supervisor, case_ids, agreed)
            else:
                # A case deleted since has no reference to show: it stays discussed.
                known = {row.id for row in vault.list_cases()}
                case_ids += [c for c in self.session.case_ids if c not in known]
                vault.update_supervision_session(
                    self.session.id, held_on, supervisor, case_ids, agreed
                )
        except RjfacilError as error:
            self._error(str(error))
            return
        except OSError as error:
            self._error(f"Not saved: {os_cause(error)}.")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
