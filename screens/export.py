"""The export dialog: choose what to export and how, see it, say where.

:class:`ExportModal` gathers the choices and shows a preview (the Markdown rendering, as
plain text in a read-only area: user text is never markup); it only dismisses an
:class:`ExportRequest` or None. The case screen asks for the plaintext confirmation (not for a PDF
protected by a password, typed twice here as on the command line) and writes the file in a
worker (:func:`rjfacil.export.summary.export_case`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from rjfacil.errors import RjfacilError
from rjfacil.export.summary import ExportOptions, default_file_name, preview_markdown
from rjfacil.paths import exports_dir
from screens.safe import plain

if TYPE_CHECKING:
    from rjfacil.commands.casefile import CaseFile

SUMMARY = "summary"
AGREEMENT = "agreement"
FORMATS = (("Markdown", "md"), ("HTML (prints on A4)", "html"), ("PDF", "pdf"), ("JSON", "json"))
REDACTIONS = (
    ("Names replaced by roles", "names"),
    ("Names and free text removed", "full"),
    ("None: names shown", "none"),
)
NOTES = (("First lines of each note", "excerpts"), ("Notes in full", "all"), ("No notes", "none"))


def _options(pairs: tuple[tuple[str, str], ...]) -> list[tuple[Content, str]]:
    return [(Content(label), value) for label, value in pairs]


def _choice_row(
    label: str, options: list[tuple[Content, str]], value: str, select_id: str
) -> Horizontal:
    """One labelled choice of the dialog (what, format, redaction, notes)."""
    return Horizontal(
        Label(label),
        Select(options, value=value, allow_blank=False, id=select_id, compact=True),
        classes="export-row",
        id=f"{select_id}-row",
    )


PLAINTEXT_WARNING = (
    "This file is not encrypted: anyone who can open it can read what it holds. "
    "Keep it somewhere safe and delete it when it is no longer needed.\n\nWrite it to {path}?"
)


@dataclass(frozen=True)
class ExportRequest:
    """What the user chose: the options and the file to write."""

    options: ExportOptions
    path: Path


class ExportModal(ModalScreen[ExportRequest | None]):
    """Choose kind, format, redaction and notes; preview; choose the file.

    Args:
        case: The open case.
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = ["dialogs.tcss", "export.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "cancel", "Cancel", id="export.cancel", tooltip="Close; nothing is written"
        ),
        Binding("ctrl+s", "confirm", "Export", id="export.confirm", tooltip="Write the export"),
    ]

    def __init__(self, case: CaseFile) -> None:
        super().__init__(classes="dialog")
        self.case = case
        self._folder = exports_dir()
        self._suggested = str(self._default_path())

    def compose(self) -> ComposeResult:
        kinds: list[tuple[Content, str]] = [
            (Content("Supervisor summary"), SUMMARY),
            (Content("Outcome agreement to print and sign (names shown)"), AGREEMENT),
        ]
        for person in self.case.participants:
            label = f"Disclosure for {person.name} ({person.role.label.lower()})"
            kinds.append((plain(label, single_line=True), str(person.id)))
        with Vertical(classes="dialog-box", id="export-box"):
            yield Static(
                plain(f"Export case {self.case.case.reference}", single_line=True),
                classes="dialog-title",
            )
            yield _choice_row("What", kinds, SUMMARY, "export-kind")
            yield _choice_row("Format", _options(FORMATS), "pdf", "export-format")
            yield _choice_row("Redaction", _options(REDACTIONS), "names", "export-redaction")
            yield _choice_row("Notes", _options(NOTES), "excerpts", "export-notes")
            with Horizontal(classes="export-row", id="export-password-row"):
                yield Label("Password")
                yield Input(
                    password=True,
                    placeholder="blank: not protected",
                    id="export-password",
                    compact=True,
                )
                yield Label("Again", classes="export-again")
                yield Input(password=True, id="export-password-again", compact=True)
            yield TextArea(
                "", read_only=True, show_line_numbers=False, soft_wrap=True, id="export-preview"
            )
            with Horizontal(classes="export-row"):
                yield Label("Save to")
                yield Input(self._suggested, id="export-path", compact=True)
            yield Static("", id="export-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content("Export"), id="export-go", variant="primary", compact=True)
                yield Button(Content("Cancel"), id="export-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-error").display = False
        self._show_password_row()
        self._refresh_preview()
        self.query_one("#export-kind", Select).focus()

    def options(self) -> ExportOptions:
        """The options as chosen now (a PDF's password as typed first; blank is none)."""
        kind = self.query_one("#export-kind", Select).value
        fmt = self.query_one("#export-format", Select).value
        password = self.query_one("#export-password", Input).value
        return ExportOptions(
            fmt=fmt,  # type: ignore[arg-type]
            redaction=self.query_one("#export-redaction", Select).value,  # type: ignore[arg-type]
            notes=self.query_one("#export-notes", Select).value,  # type: ignore[arg-type]
            for_participant=None if kind in (SUMMARY, AGREEMENT) else UUID(str(kind)),
            password=password if fmt == "pdf" and password else None,
            agreement=kind == AGREEMENT and fmt != "json",
        )

    def _default_path(self) -> Path:
        options = ExportOptions(fmt="pdf")
        return self._folder / default_file_name(self.case.case.reference, options)

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        if not self.is_mounted:
            return
        path = self.query_one("#export-path", Input)
        if path.value == self._suggested:  # not edited: follow the kind and format
            name = default_file_name(self.case.case.reference, self.options())
            self._suggested = str(Path(path.value).parent / name)
            path.value = self._suggested
        self._show_password_row()
        self._refresh_preview()

    def _agreement_chosen(self) -> bool:
        return self.query_one("#export-kind", Select).value == AGREEMENT

    def _show_password_row(self) -> None:
        """A password protects a PDF only: the row is there for a PDF. The printable
        agreement names the participants who sign it: no redaction or notes to choose."""
        agreement = self._agreement_chosen()
        self.query_one("#export-redaction-row").display = not agreement
        self.query_one("#export-notes-row").display = not agreement
        is_pdf = self.query_one("#export-format", Select).value == "pdf"
        self.query_one("#export-password-row").display = is_pdf
        for field in self.query("#export-password-row Input").results(Input):
            field.display = is_pdf

    @work(thread=True, exclusive=True, group="export-preview")
    def _refresh_preview(self) -> None:
        options = replace(self.options(), fmt="md")
        try:
            text = preview_markdown(self.case, options)
        except RjfacilError as error:
            text = str(error)
        self.app.call_from_thread(self._show_preview, text)

    def _show_preview(self, text: str) -> None:
        preview = self.query_one("#export-preview", TextArea)
        preview.load_text(text)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-go":
            self.action_confirm()
        else:
            self.action_cancel()

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        options = self.options()
        again = self.query_one("#export-password-again", Input)
        if not text:
            self._refuse("Give a file name to write the export to.")
            return
        if self._agreement_chosen() and not options.agreement:
            self._refuse("The printable agreement is Markdown, HTML or PDF: choose one of them.")
            return
        if options.password is not None and again.value != options.password:
            # The password itself is never shown, logged or kept past the export.
            again.value = ""
            again.focus()
            self._refuse("The two passwords differ: type the password again.")
            return
        self.dismiss(ExportRequest(options, Path(text).expanduser()))

    def _refuse(self, why: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(Content(why))
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
