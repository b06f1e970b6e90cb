"""Small widgets and helpers shared by the case screens.

Everything here shows user text through :func:`screens.safe.plain`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast
from uuid import UUID

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen
from textual.style import Style as VisualStyle
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.widgets.option_list import Option

from rjfacil.errors import RjfacilError
from rjfacil.sanitize import visible
from rjfacil.views.dates import DATE_HINT, parse_day, show_when
from screens.safe import plain

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

    from rjfacil.commands.casefile import CaseFile
    from rjfacil.views.flags import FlagExplanation

T = TypeVar("T")

# The app's lock key, listed again early in a busy screen's BINDINGS so that the footer shows
# it before the screen's own keys and 80 columns never cut it. The app's priority binding
# still does the work; Textual keeps the footer position of the first listing.
LOCK_IN_FOOTER = Binding(
    "ctrl+l",
    "app.lock",
    "Lock",
    id="screen.lock",
    tooltip="Hide everything now; only the passphrase brings it back",
)


# Help, listed in a busy screen's BINDINGS for the same reason (the app's F1 does the work).
HELP_IN_FOOTER = Binding(
    "f1",
    "app.help",
    "Help",
    id="screen.help",
    tooltip="Every key of the app and of this screen",
)


def keys_first(
    active: dict[str, ActiveBinding], first: tuple[str, ...]
) -> dict[str, ActiveBinding]:
    """``active`` (a screen's active bindings) with the bindings whose ids are in ``first``
    listed first, in that order: the footer shows keys in this order and cuts the last ones
    at 80 columns, so the keys a screen cannot do without are named here."""
    rank = {binding_id: place for place, binding_id in enumerate(first)}
    leading = sorted(
        (key for key, each in active.items() if each.binding.id in rank),
        key=lambda key: rank[active[key].binding.id or ""],
    )
    ordered = {key: active[key] for key in leading}
    ordered.update((key, each) for key, each in active.items() if key not in ordered)
    return ordered


class DateValidator(Validator):
    """Marks an Input invalid until it holds a date (or nothing, if optional)."""

    def __init__(self, optional: bool = True) -> None:
        super().__init__(failure_description=DATE_HINT)
        self.optional = optional

    def validate(self, value: str) -> ValidationResult:
        try:
            day = parse_day(value)
        except ValueError:
            return self.failure(DATE_HINT)
        if day is None and not self.optional:
            return self.failure("A date is needed. " + DATE_HINT)
        return self.success()


def editable(text: str) -> str:
    """Stored text made safe to put in an Input or TextArea for editing.

    Those widgets draw their text as it is, and Rich passes ESC through to the terminal,
    so control characters are shown as visible symbols (saving keeps the symbols).
    """
    return visible(text)


def first_line(text: str, width: int = 60) -> Content:
    """The first line of a long text, cut to ``width``, shown literally."""
    line = text.strip().split("\n", 1)[0]
    if len(line) > width:
        line = line[: width - 1] + "…"
    return plain(line, single_line=True)


# -- messages panes send up to the case screen -------------------------------------------


class CaseChanged(Message):
    """A pane saved a change to the case; the case screen refreshes what shows it."""


class WalkRequested(Message):
    """Open the checklist walker on a target (and optionally at an item)."""

    def __init__(
        self, checklist_id: str, participant_id: UUID | None = None, item_id: str | None = None
    ) -> None:
        super().__init__()
        self.checklist_id = checklist_id
        self.participant_id = participant_id
        self.item_id = item_id


# -- tables -------------------------------------------------------------------------------


def highlighted_key(table: DataTable[Any]) -> str | None:
    """The key of a table's highlighted row, or None when it has no rows."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:
        return None


class RecordTable(DataTable[Any]):
    """A read-only table of records, one row per record keyed by its id."""

    DEFAULT_CSS = """
    RecordTable {
        height: auto;
        max-height: 12;
    }
    """

    def __init__(self, *columns: str, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type="row",
            zebra_stripes=True,
            cursor_foreground_priority="renderable",
        )
        self._column_labels = columns
        self._table_rows: list[tuple[str, list[Text]]] = []
        self._drawn_width = 0

    def on_mount(self) -> None:
        self.add_columns(*self._column_labels)

    def cell(self, value: Content | str) -> Text:
        """A cell as Rich Text: never parsed as markup, theme variables resolved.

        DataTable parses a str as markup and cannot measure a Content, so every cell
        goes through here.
        """
        if isinstance(value, str):
            return Text(visible(value, single_line=True), no_wrap=True, end="")
        text = Text(no_wrap=True, end="")
        for part, style in value.render(end="", parse_style=self._parse_style):
            text.append(part, style.rich_style if style else None)
        return text

    def _parse_style(self, style: str | VisualStyle) -> VisualStyle:
        # A Rich Text cell cannot blend a translucent colour with what is under it: dim can.
        if isinstance(style, str):
            style = style.replace("$foreground-muted", "dim")
        return self.app.stylesheet.parse_style(style)

    def fill(
        self, rows: Iterable[tuple[str, Sequence[Content | str]]], select: str | None = None
    ) -> None:
        """Replace every row, keeping the cursor on the same record when it is still there.

        The last column takes the width left over, its text cut with an ellipsis, so the
        table never needs scrolling sideways.

        Args:
            rows: (key, cells) per row.
            select: Put the cursor on this row instead (a record just saved).
        """
        self._table_rows = [(key, [self.cell(value) for value in cells]) for key, cells in rows]
        self._draw(select or self.current_key)

    def redraw(self) -> None:
        """Draw the rows again at the table's width now (their columns sized afresh)."""
        if self._table_rows:
            self._drawn_width = self.size.width
            self._draw(self.current_key)

    def _draw(self, kept: str | None) -> None:
        data = self._table_rows
        room = self._last_column_room(data)
        # Columns only ever widen: start them again so a cut last column fits.
        self.clear(columns=True)
        rows = []
        for key, cells in data:
            if room is not None and cells and cells[-1].cell_len > room:
                last = cells[-1].copy()
                last.truncate(room, overflow="ellipsis")
                cells = [*cells[:-1], last]
            rows.append((key, cells))
        # Each column as wide as its widest cell, set here: DataTable measures its own
        # on an idle moment, which a table filled under a walker or a dialog may not get
        # before it is seen (its columns then showed as narrow as their headings).
        for index, label in enumerate(self._column_labels):
            widest = max(
                (cells[index].cell_len for _, cells in rows if index < len(cells)), default=0
            )
            self.add_column(label, width=max(cell_len(label), widest))
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if kept is not None and kept in self.rows:
            self.move_cursor(row=self.get_row_index(kept), animate=False)

    def _last_column_room(self, data: list[tuple[str, list[Text]]]) -> int | None:
        width = self.scrollable_content_region.width
        if not width or not data:
            return None
        columns = len(data[0][1])
        used = 0
        for index in range(columns - 1):
            label = len(self._column_labels[index]) if index < len(self._column_labels) else 0
            used += max([label, *(cells[index].cell_len for _, cells in data)]) + 2
        return max(12, width - used - 2 - 1)

    def on_resize(self) -> None:
        if self._table_rows and self.size.width != self._drawn_width:
            self._drawn_width = self.size.width
            self._draw(self.current_key)

    @property
    def current_key(self) -> str | None:
        """The key of the highlighted row, or None when the table is empty."""
        return highlighted_key(self)


class WalkTable(RecordTable):
    """A table of checklists or items: Enter walks from the selected row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Walk",
            id="table.walk",
            tooltip="Walk the checklist from the selected row",
        ),
    ]


class NextSteps(OptionList):
    """The next unanswered checklist items: Enter walks from the one selected."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Walk", id="next.walk", tooltip="Walk the checklist from here"),
    ]


# -- flags -----------------------------------------------------------------------------


def flag_blocks(
    flags: Sequence[FlagExplanation], *, reasons: bool = False
) -> list[tuple[str, Content]]:
    """Flags as (kind, line) pairs: kind is "title", "text", "heading", "step" or "aside".

    Args:
        flags: The flags to show, explained, in order.
        reasons: Also list the answers that raise each flag.
    """
    # Here, not at the top: the unlock prompt imports this module and needs none of it.
    from rjfacil.views.flags import reason_line

    blocks: list[tuple[str, Content]] = []
    for flag in flags:
        title = Content.assemble(
            ("⚑ ", "bold $warning"),
            (flag.title, "bold"),
            (f"  ({flag.reference})", "$foreground-muted"),
        )
        if not flag.raised:
            title = title + Content.styled("  cleared", "italic $foreground-muted")
        blocks.append(("title", title))
        blocks.append(("text", plain(flag.meaning)))
        if reasons:
            if flag.reasons:
                blocks.append(("heading", Content("Raised by these answers:")))
            for reason in flag.reasons:
                blocks.append(("step", plain(reason_line(reason))))
            for via in flag.via:
                blocks.append(("aside", plain(f"Raised with the flag '{via.title}'.")))
        if flag.asks:
            blocks.append(("heading", Content("What the guidance asks next:")))
            blocks.extend(("step", plain(step)) for step in flag.asks)
        override = flag.override
        if override is not None:
            verb = "Cleared" if override.cleared else "Restored"
            when = override.day if override.on is not None else show_when(override.at)
            line = f"{verb} by {override.by} on {when}: {override.reason}"
            if override.cleared and override.outdated:
                line += " (an answer given since raises it again)"
            blocks.append(("aside", plain(line)))
    return blocks


class FlagBanner(Widget):
    """A prominent block showing flags, each step with a hanging bullet; hidden when empty.

    One widget however many flags: it wraps the steps itself at the width it has, so a
    case with every flag raised still opens at once.
    """

    DEFAULT_CSS = """
    FlagBanner {
        height: auto;
        border: heavy $warning;
        border-title-color: $warning;
        border-title-style: bold;
        background: $warning 8%;
        padding: 0 1;
        margin: 1 0 0 0;
        display: none;
    }
    FlagBanner.-shown { display: block; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._blocks: list[tuple[str, Content]] = []

    def show_flags(
        self, flags: Sequence[FlagExplanation], *, title: str = "", reasons: bool = False
    ) -> None:
        """Show these flags (or hide the banner when there are none)."""
        self.set_class(bool(flags), "-shown")
        self.border_title = Content(title)
        self._blocks = flag_blocks(flags, reasons=reasons)
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """Everything the banner says, unwrapped (for tests and screen readers)."""
        return "\n".join(line.plain for _, line in self._blocks)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual passes a widget's styles as the rules, too (they answer .get alike).
        return self._content(width).get_height(cast("RulesMap", self.styles), width)

    def render(self) -> Content:
        return self._content(self.content_region.width)

    def _content(self, width: int) -> Content:
        """The flags as lines, each step wrapped at ``width`` under its bullet."""
        width = max(20, width or 76)
        lines: list[Content] = []
        first = True
        for kind, line in self._blocks:
            if kind == "title" and not first:
                lines.append(Content(""))
            if kind == "heading":
                lines.append(Content(""))
                line = line.stylize("bold")
            elif kind == "aside":
                line = line.stylize("italic $foreground-muted")
            if kind == "step":
                wrapped = line.wrap(width - 2)
                lines.extend(
                    Content("• " if n == 0 else "  ") + part for n, part in enumerate(wrapped)
                )
            else:
                lines.append(line)
            first = False
        return Content("\n").join(lines)


# -- dialogs ---------------------------------------------------------------------------


class PickModal(ModalScreen[T | None], Generic[T]):
    """Pick one of a few options; dismisses with its value, or None on escape."""

    DEFAULT_CSS = """
    PickModal { align: center middle; }
    PickModal > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    PickModal Label { width: 100%; margin: 0 0 1 0; }
    PickModal OptionList { height: auto; max-height: 16; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel", tooltip="Close without choosing"),
    ]

    def __init__(
        self, prompt: str, options: Sequence[tuple[Content | str, T]], current: T | None = None
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.options = list(options)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.prompt))
            yield OptionList(
                *(
                    Option(label if isinstance(label, Content) else Content(label), id=str(index))
                    for index, (label, _) in enumerate(self.options)
                )
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for index, (_, value) in enumerate(self.options):
            if value == self.current:
                options.highlighted = index
                break
        else:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextModal(ModalScreen[None]):
    """Read a long text (a note's history, a letter's versions); escape closes it."""

    DEFAULT_CSS = """
    TextModal { align: center middle; }
    TextModal > Vertical {
        width: 100;
        max-width: 100%;
        height: 90%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    TextModal VerticalScroll { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="text.close", tooltip="Close this view"),
    ]

    def __init__(self, title: str, body: Content) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = Content(self.title_text)
            with VerticalScroll(id="text-body"):
                yield Static(self.body)

    def on_mount(self) -> None:
        self.query_one("#text-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


# -- panes ----------------------------------------------------------------------------


class CasePane(Vertical):
    """One tab of the case screen. The screen calls ``show(case)``; the pane saves
    through the core and posts :class:`CaseChanged` up."""

    DEFAULT_CSS = """
    CasePane { height: 1fr; }
    """

    stale = True
    case: CaseFile
    _select: str | None = None

    def show(self, case: CaseFile) -> None:
        """Fill the pane from the case."""
        self.case = case
        self.stale = False

    def focus_main(self) -> None:
        """Focus the pane's main widget (its table)."""
        for widget in self.query("*"):
            if widget.focusable:
                widget.focus()
                return

    def changed(self, select: object = None) -> None:
        """Tell the case screen the case changed (it refreshes every view of it).

        Args:
            select: The id of a record just saved: its row is selected on refresh.
        """
        self._select = str(select) if select is not None else None
        self.post_message(CaseChanged())

    def take_select(self) -> str | None:
        """The row to select after a change (once)."""
        select, self._select = self._select, None
        return select

    def save_change(self, change: Callable[[], object]) -> bool:
        """Save a change through the core, then refresh every view of the case.

        A failure the user can act on is shown in one line, and nothing else is claimed.

        Returns:
            Whether the change was saved.
        """
        try:
            change()
        except RjfacilError as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return False
        self.changed()
        return True


R = TypeVar("R")


class RecordsPane(CasePane, Generic[R]):
    """A tab whose main widget is one table of records keyed by id (``records``, filled by
    ``show``): the highlighted record is shown in full, and Enter edits it."""

    records: dict[str, R]

    def selected(self) -> R | None:
        """The highlighted record, or None when the table is empty."""
        key = self.query_one(RecordTable).current_key
        return self.records.get(key) if key else None

    def show_selected(self) -> None:
        """Show the highlighted record in full, or what to do when there is none."""

    def edit(self, record: R) -> None:
        """Open the record's editor (an override marks itself ``@edits``)."""

    def action_edit(self) -> None:
        record = self.selected()
        if record is not None:
            self.edit(record)

    def focus_main(self) -> None:
        self.query_one(RecordTable).focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()
