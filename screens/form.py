"""Editors: typed fields laid out as a labelled form in a modal that saves through the core.

A field knows its label, the widget it shows, the value it started with and the value it
holds now, read back as the type it stands for (text, a chosen value, a set of picks, a
tick). An editor lists its fields once: the modal lays them out as labelled rows under
its title, says whether closing would lose anything, shows why a save failed on its
error line, and keeps what was typed as a private draft note if the screen locks.

Every label and option shown is Content or a str shown literally (screens.safe.plain):
names in a list of people are user text, never markup.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import (
    Checkbox,
    Input,
    Label,
    RadioSet,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from rjfacil.errors import RjfacilError
from rjfacil.views.dates import DATE_FORMS, parse_day
from screens.dialogs import ConfirmModal
from screens.safe import plain
from screens.toggles import ChoiceButton, PickList, TickBox
from screens.widgets import DateValidator

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

T = TypeVar("T")
V = TypeVar("V")
W = TypeVar("W", bound=Widget)

# An option of a choice: what it shows (a str is shown literally) and the value it stands for.
Option = tuple[Content | str, str]


def _shown(text: Content | str) -> Content:
    return text if isinstance(text, Content) else plain(text, single_line=True)


# -- fields ----------------------------------------------------------------------------


class Field(ABC, Generic[V, W]):
    """One labelled field: the widget it shows, the value it started with, its value now.

    Args:
        label: Shown beside the field, and before its value in a rescued draft.
        id: The widget's id.
        start: The value the field starts with; ``changed`` compares with it.
    """

    def __init__(self, label: str, id: str, start: V) -> None:
        self.label = label
        self.id = id
        self.start = start
        self._widget: W | None = None

    @abstractmethod
    def build(self) -> W:
        """A new widget showing ``start``."""

    @abstractmethod
    def read(self, widget: W) -> V:
        """The value ``widget`` holds now."""

    def words(self, value: V) -> str:
        """``value`` as a facilitator would read it (empty for nothing worth keeping)."""
        return str(value)

    @property
    def widget(self) -> W:
        """The field's widget, made the first time it is asked for."""
        if self._widget is None:
            self._widget = self.build()
        return self._widget

    @property
    def value(self) -> V:
        """What the field holds now (``start`` until its widget exists)."""
        return self.start if self._widget is None else self.read(self._widget)

    @property
    def changed(self) -> bool:
        """Whether the value differs from the one the field started with."""
        return self.value != self.start

    def row(self) -> Horizontal:
        """The field as a row of the form: its label on the left, the widget beside it."""
        return Horizontal(
            Label(Content(self.label), classes="form-label"), self.widget, classes="form-row"
        )


class Line(Field[str, Input]):
    """One line of text."""

    def __init__(self, label: str, id: str, start: str = "", *, placeholder: str = "") -> None:
        super().__init__(label, id, start)
        self.placeholder = placeholder

    def build(self) -> Input:
        return Input(self.start, placeholder=self.placeholder, compact=True, id=self.id)

    def read(self, widget: Input) -> str:
        return widget.value


class Day(Field[str, Input]):
    """A date as typed: either common form is accepted, and checked as it is typed."""

    def __init__(self, label: str, id: str, start: str = "", *, required: bool = False) -> None:
        super().__init__(label, id, start)
        self.required = required

    def build(self) -> Input:
        return Input(
            self.start,
            placeholder=DATE_FORMS,
            validators=[DateValidator(optional=not self.required)],
            compact=True,
            id=self.id,
        )

    def read(self, widget: Input) -> str:
        return widget.value.strip()

    @property
    def day(self) -> date | None:
        """The date typed, or None for none.

        Raises:
            ValueError: It is not a date; the message names the field and how to write one.
        """
        try:
            return parse_day(self.value)
        except ValueError as bad:
            raise ValueError(f"{self.label}: {bad}") from None


class Text(Field[str, TextArea]):
    """Several lines of text: wraps, and Tab moves on rather than indenting."""

    def build(self) -> TextArea:
        return TextArea(self.start, soft_wrap=True, tab_behavior="focus", compact=True, id=self.id)

    def read(self, widget: TextArea) -> str:
        return widget.text


class Choice(Field[str, Select[str]]):
    """One of a list of options (a drop-down); its value is the chosen option's value.

    With no options at all it shows blank and its value is "".
    """

    def __init__(self, label: str, id: str, options: Sequence[Option], start: str) -> None:
        super().__init__(label, id, start)
        self.options = [(_shown(prompt), value) for prompt, value in options]

    def build(self) -> Select[str]:
        return Select(
            self.options,
            value=self.start if self.options else Select.NULL,
            allow_blank=not self.options,
            compact=True,
            id=self.id,
        )

    def read(self, widget: Select[str]) -> str:
        value = widget.value
        return "" if value is Select.NULL else str(value)

    def words(self, value: str) -> str:
        return next((prompt.plain for prompt, each in self.options if each == value), "")


class OneOf(Field[str, RadioSet]):
    """One of a few options side by side (radio buttons, each with the option's value as
    its id); its value is the pressed one's."""

    def __init__(self, label: str, id: str, options: Sequence[tuple[str, str]], start: str) -> None:
        super().__init__(label, id, start)
        self.options = list(options)

    def build(self) -> RadioSet:
        return RadioSet(
            *(
                ChoiceButton(Content(caption), value=value == self.start, id=value)
                for caption, value in self.options
            ),
            compact=True,
            id=self.id,
        )

    def read(self, widget: RadioSet) -> str:
        pressed = widget.pressed_button
        return pressed.id if pressed is not None and pressed.id else self.start

    def words(self, value: str) -> str:
        return next((caption for caption, each in self.options if each == value), "")


class Tick(Field[bool, Checkbox]):
    """A yes-or-no box with a caption."""

    def __init__(self, label: str, id: str, caption: str, start: bool = False) -> None:
        super().__init__(label, id, start)
        self.caption = caption

    def build(self) -> Checkbox:
        return TickBox(Content(self.caption), value=self.start, compact=True, id=self.id)

    def read(self, widget: Checkbox) -> bool:
        return widget.value

    def words(self, value: bool) -> str:
        return "yes" if value else ""


class Picks(Field[frozenset[str], SelectionList[str]]):
    """Any number of a list of options, ticked; its value is the set of ticked values."""

    def __init__(
        self, label: str, id: str, options: Sequence[Option], start: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(label, id, start)
        self.options = [(_shown(prompt), value) for prompt, value in options]

    def build(self) -> SelectionList[str]:
        return PickList[str](
            *((prompt, value, value in self.start) for prompt, value in self.options),
            compact=True,
            id=self.id,
        )

    def read(self, widget: SelectionList[str]) -> frozenset[str]:
        return frozenset(widget.selected)

    def words(self, value: frozenset[str]) -> str:
        return ", ".join(prompt.plain for prompt, each in self.options if each in value)

    def in_order(self) -> list[str]:
        """The ticked values, in the order the options are listed."""
        ticked = self.value
        return [value for _, value in self.options if value in ticked]

    def offer(self, options: Sequence[Option], chosen: frozenset[str]) -> None:
        """Offer other options, ticking those in ``chosen``."""
        self.options = [(_shown(prompt), value) for prompt, value in options]
        widget = self.widget
        widget.clear_options()
        widget.add_options([(prompt, value, value in chosen) for prompt, value in self.options])
        if widget.option_count:
            widget.highlighted = 0


class Form:
    """The fields of an editor, in the order they are shown."""

    def __init__(self, *fields: Field[Any, Any]) -> None:
        self.fields = fields

    def __iter__(self) -> Iterator[Field[Any, Any]]:
        return iter(self.fields)

    def rows(self) -> ComposeResult:
        """Each field as a labelled row."""
        for field in self.fields:
            yield field.row()

    @property
    def changed(self) -> bool:
        """Whether any field differs from what it started with."""
        return any(field.changed for field in self.fields)

    def settle(self) -> None:
        """Take what the fields hold now as their starting point (after a save)."""
        for field in self.fields:
            field.start = field.value

    def words(self) -> str:
        """Every field that holds something, one "Label: value" line each."""
        lines = []
        for field in self.fields:
            said = field.words(field.value)
            if said.strip():
                lines.append(f"{field.label}: {said}")
        return "\n".join(lines)


def changes(record: object, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value differs from the record's: what an update needs to send."""
    return {name: value for name, value in fields.items() if getattr(record, name) != value}


class _Record(Protocol):
    @property
    def id(self) -> UUID: ...


Rec = TypeVar("Rec", bound=_Record)


def add_or_update(
    record: Rec | None,
    fields: dict[str, Any],
    add: Callable[..., Rec],
    update: Callable[..., Rec],
) -> Rec:
    """A new record of ``fields`` (``add``), or ``record`` updated with those of them that
    changed (``update`` with its id; with none changed, nothing is written)."""
    if record is None:
        return add(**fields)
    changed = changes(record, fields)
    return update(record.id, **changed) if changed else record


def draft_note(case: CaseFile, what: str, text: str, participant_id: UUID | None = None) -> None:
    """Save text typed but not saved as a private note marked as a draft.

    Private notes are never exported or bundled, so nothing leaks; the text is encrypted
    like every note, so nothing is written in plaintext.
    """
    if participant_id is not None and participant_id not in {p.id for p in case.participants}:
        participant_id = None
    case.add_note(
        f"DRAFT ({what}), kept when the screen locked:\n\n{text}",
        participant_id=participant_id,
        private=True,
    )


# -- the editor ------------------------------------------------------------------------


class EditorModal(ModalScreen[T | None], Generic[T]):
    """An editor that saves through the core and dismisses with what it saved.

    Subclasses give a title and their :class:`Form` (``self.fields``), and save in
    ``save()``, raising RjfacilError or ValueError with a message for the user, in which
    case the editor stays open with nothing lost and the message on its error line.
    Escape asks before discarding anything changed; before a lock, what was changed is
    kept as a private draft note (``draft_of`` says of what).

    Args:
        title: Shown in the editor's border.
        fields: The fields, in order.
    """

    DEFAULT_CSS = """
    EditorModal { align: center middle; }
    EditorModal > #editor-box {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    EditorModal #editor-form { height: auto; max-height: 1fr; }
    EditorModal .form-row { height: auto; margin-bottom: 1; }
    EditorModal .form-label { width: 15; color: $text-muted; padding-top: 0; }
    EditorModal .form-row > Input, EditorModal .form-row > Select { width: 1fr; }
    EditorModal .form-row > TextArea { width: 1fr; height: 5; }
    EditorModal .form-row > Input, EditorModal .form-row > TextArea { background: $panel; }
    EditorModal .form-row > Input:focus, EditorModal .form-row > TextArea:focus {
        background: $primary 15%;
    }
    EditorModal .form-row > RadioSet { width: 1fr; layout: horizontal; }
    EditorModal .form-row > RadioSet > RadioButton { width: auto; margin-right: 3; }
    EditorModal .form-row > SelectionList { width: 1fr; height: auto; max-height: 5; }
    EditorModal .form-hint { color: $text-muted; margin-left: 15; margin-bottom: 1; }
    EditorModal #editor-error { color: $text-error; text-style: bold; display: none; }
    EditorModal #editor-error.-shown { display: block; }
    EditorModal #editor-keys { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True, id="editor.save", tooltip="Save now"),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="editor.cancel",
            tooltip="Close; asks before discarding",
        ),
    ]

    DISCARD_QUESTION: ClassVar[str] = "Discard your changes? They are not saved."
    # Whether Enter in a one-line field saves the form.
    ENTER_SAVES: ClassVar[bool] = False

    # What a draft kept at a lock is of ("a risk"); empty: nothing is kept.
    draft_of = ""

    def __init__(self, title: str, fields: Form) -> None:
        super().__init__()
        self.heading = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-box") as box:
            box.border_title = Content(self.heading)
            with VerticalScroll(id="editor-form"):
                yield from self.form()
            yield Static(id="editor-error")
            yield Static(
                Content("Ctrl+S saves · Escape cancels · Tab moves between fields"),
                id="editor-keys",
            )

    def form(self) -> ComposeResult:
        """The editor's rows: each field with its label (override to add hints)."""
        yield from self.fields.rows()

    def on_mount(self) -> None:
        self.first_field().widget.focus()

    def first_field(self) -> Field[Any, Any]:
        """The field that has the focus when the editor opens."""
        return next(iter(self.fields))

    def save(self) -> T:
        """Save through the core and return the saved record."""
        raise NotImplementedError

    def dirty(self) -> bool:
        """Whether closing now would lose something typed or chosen."""
        return self.fields.changed

    def show_error(self, message: str) -> None:
        error = self.query_one("#editor-error", Static)
        error.update(plain(message))
        error.set_class(bool(message), "-shown")

    def action_save(self) -> None:
        try:
            saved = self.save()
        except (RjfacilError, ValueError) as failure:
            self.show_error(str(failure))
            return
        self.fields.settle()
        self.dismiss(saved)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if self.ENTER_SAVES:
            event.stop()
            self.action_save()

    def action_cancel(self) -> None:
        self._cancel()

    @work(exclusive=True, group="editor-cancel")
    async def _cancel(self) -> None:
        if self.dirty():
            discard = await self.app.push_screen_wait(
                ConfirmModal(self.DISCARD_QUESTION, yes="Discard", no="Keep editing", danger=True)
            )
            if not discard:
                return
        self.dismiss(None)

    def draft(self) -> str:
        """What to keep of the form as a draft: every field that holds something."""
        return self.fields.words()

    def draft_about(self) -> UUID | None:
        """The participant a kept draft concerns, if any."""
        return None

    def rescue_draft(self, case: CaseFile) -> bool:
        """Before a lock: keep unsaved work safe as a private draft note. True if saved."""
        if not self.draft_of or not self.dirty():
            return False
        text = self.draft()
        if not text.strip():
            return False
        draft_note(case, self.draft_of, text, self.draft_about())
        return True
