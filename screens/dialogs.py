"""Generic dialogs: a yes/no question, a one-line text prompt, a record shown whole, and a
"working on it" notice.

Both are typed ``ModalScreen[T]`` that only ``dismiss`` their answer; the caller decides
what happens next (STYLE.md rule 5). Any text shown in them may come from a user, so a
plain ``str`` is shown literally (never parsed as markup); pass a ``Content`` to style it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, LoadingIndicator, Static

from screens.safe import plain


def _shown(text: str | Content) -> Content:
    """A str is user text until proven otherwise: shown literally."""
    return text if isinstance(text, Content) else plain(text)


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question. Dismisses True for yes, False for no or Escape.

    Args:
        question: What is asked (a str is shown literally).
        yes: The label of the button that confirms.
        no: The label of the button that declines.
        danger: Style the confirming button as destructive.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Answer yes"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="Answer no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel", tooltip="Answer no"),
    ]

    def __init__(
        self,
        question: str | Content,
        *,
        yes: str = "Yes",
        no: str = "No",
        danger: bool = False,
    ) -> None:
        super().__init__(classes="dialog")
        self._question = _shown(question)
        self._yes = yes
        self._no = no
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self._question, classes="dialog-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    Content(self._yes),
                    id="yes",
                    variant="error" if self._danger else "primary",
                )
                yield Button(Content(self._no), id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self._danger else "#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TextPromptModal(ModalScreen[str | None]):
    """Ask for one line of text. Dismisses the text typed, or None on Escape.

    Args:
        title: The question, e.g. "Reference for the new case".
        value: Text to start with (e.g. what was typed before an error).
        placeholder: A hint shown while the field is empty.
        error: A message to show under the field (e.g. why the last try failed).
        password: Hide what is typed.
        allow_empty: Whether an empty answer may be submitted.
        help: One more line of explanation under the title (a str is shown literally).
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close without saving"),
    ]

    def __init__(
        self,
        title: str | Content,
        *,
        value: str = "",
        placeholder: str = "",
        error: str = "",
        password: bool = False,
        allow_empty: bool = False,
        help: str | Content = "",
    ) -> None:
        super().__init__(classes="dialog")
        self._title = _shown(title)
        self._help = _shown(help) if help else None
        self._value = value
        self._placeholder = placeholder
        self._error = error
        self._password = password
        self._allow_empty = allow_empty

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self._title, classes="dialog-title")
            if self._help is not None:
                yield Static(self._help, classes="dialog-help")
            yield Input(
                self._value,
                placeholder=self._placeholder,
                password=self._password,
                id="prompt-input",
            )
            yield Static(plain(self._error), id="prompt-error", classes="dialog-error")
            yield Static(Content("Enter to confirm · Escape to cancel"), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#prompt-error").display = bool(self._error)
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip() and not self._allow_empty:
            error = self.query_one("#prompt-error", Static)
            error.update(Content("Type something first, or press Escape to cancel."))
            error.display = True
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def going_on_prompt(holding: list[str], question: str) -> TextPromptModal:
    """Ask the reason for going on past what holds a case (a limit of the guidance raised,
    a go-ahead not recorded): the case's history records it.

    Args:
        holding: What holds it, each in words.
        question: What going on does, e.g. "Move to Preparation anyway?".
    """
    return TextPromptModal(
        Content("; ".join(holding) + f". {question}"),
        help="Give the reason for going on: it is recorded in the case's history.",
        placeholder="The reason for going on",
    )


class DetailModal(ModalScreen[None]):
    """Show one record whole: a title and lines of text (each str shown literally).

    Dismisses on Escape or Enter.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="detail.close", tooltip="Back to the list"),
        Binding("enter", "close", "Close", show=False, id="detail.enter"),
    ]

    def __init__(self, title: str | Content, lines: list[str | Content]) -> None:
        super().__init__(classes="dialog")
        self._title = _shown(title)
        self._lines = [_shown(line) for line in lines]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self._title, classes="dialog-title")
            for line in self._lines:
                yield Static(line, classes="dialog-line")
            yield Static(Content("Escape or Enter to close"), classes="dialog-keys")

    def action_close(self) -> None:
        self.dismiss(None)


class BusyModal(ModalScreen[None]):
    """Says what is being done while it takes a few seconds (a share passphrase's key
    derivation, say), so the wait is not silent. It has no keys of its own: the work
    cannot be stopped half way; the caller calls :meth:`finish` when it is done.

    Args:
        text: What is being done, e.g. "Decrypting with the share passphrase…".
    """

    CSS_PATH = "dialogs.tcss"

    def __init__(self, text: str | Content) -> None:
        super().__init__(classes="dialog")
        self._text = _shown(text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self._text, id="busy-text", classes="dialog-question")
            yield LoadingIndicator(classes="dialog-busy")

    def on_mount(self) -> None:
        # What was said between compose and mount would otherwise be lost.
        self.query_one("#busy-text", Static).update(self._text)

    def say(self, text: str | Content) -> None:
        """Say how far the work has got ("Re-encrypting files: 3 of 12…")."""
        self._text = _shown(text)
        if self.is_mounted:
            self.query_one("#busy-text", Static).update(self._text)

    def finish(self) -> None:
        """Close the notice, if it is still the screen shown (a lock closes it first)."""
        if self.is_current:
            self.dismiss()
