"""Render a :class:`~rjfacil.export.document.Document` as an A4 PDF, optionally encrypted.

Made with fpdf2 (pure Python). The text face is FiraGO (SIL Open Font License), shipped
inside the ``pymupdf-fonts`` package: Latin with every European accent, Greek, Cyrillic,
Arabic, Hebrew, Georgian, Devanagari and Thai. A character FiraGO lacks is drawn from
Noto Sans Symbols (same package: ticks, arrows, shapes) or from a system font that covers
it (a CJK face, say); otherwise it is shown as ``<U+XXXX>``, and a control character as
``<ESC>``, ``<NUL>``..., never dropped in silence and never a crash. Right-to-left and
joined scripts are shaped by HarfBuzz (``uharfbuzz``) where it is installed, line by line
and only where needed.

Layout is done here rather than with fpdf2's ``multi_cell``, whose line breaking costs
grow with the square of a line's length: text is wrapped once with cached glyph
widths, then drawn a line at a time, so a 300-note summary stays well inside its budget
and a 10,000-character note or a word longer than the page wraps like any other.
Tables repeat their header row on every page they cross; a row taller than what is
left of a page is split across pages rather than drawn off the edge. A section heading
(and its lead) stays on the page where what follows it starts: each block says how much
room it needs to start without moving itself overleaf. Every page has the
case reference and "Page N of M" in its footer.

With a password, the file is encrypted with AES-256 (PDF 2.0 security handler, revision
6), its metadata included: without the password nothing in it is readable.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from fpdf.bidi import auto_detect_base_direction
from fpdf.enums import AccessPermission, EncryptionMethod, TextDirection

from rjfacil.export.document import (
    Block,
    BulletList,
    Document,
    Flag,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)
from rjfacil.export.errors import ExportFailed
from rjfacil.export.text import C0_NAMES, blank, clean, one_line

__all__ = ["SYSTEM_FALLBACK_FONTS", "render_pdf"]

# ---------------------------------------------------------------------------------- page

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 18.0, 18.0, 18.0, 20.0
CONTENT_W = PAGE_W - LEFT - RIGHT
CONTENT_BOTTOM = PAGE_H - BOTTOM
FOOTER_Y = PAGE_H - 13.0
PT = 25.4 / 72  # millimetres per point

Colour = tuple[int, int, int]
INK: Colour = (29, 36, 48)
MUTED: Colour = (91, 101, 115)
RULE: Colour = (205, 211, 219)
ACCENT: Colour = (44, 90, 122)
WASH: Colour = (241, 244, 247)
TONES: dict[str, tuple[str, Colour, Colour]] = {
    "blocking": ("BLOCKING", (162, 59, 59), (251, 240, 240)),
    "attention": ("NEEDS ATTENTION", (158, 100, 16), (253, 246, 230)),
    "info": ("NOTE", (63, 106, 136), (238, 244, 248)),
}

FAMILY = "body"
HEADER_LINES = 4  # at most, per cell of a table's header row
FIRAGO = {"": "figo", "B": "figbo", "I": "figit"}
# Noto Sans Symbols 2 and Symbols, from the same package: ticks, crosses, arrows, shapes.
BUNDLED_FALLBACKS = ("symbol2", "symbol1")
CONTROL_PICTURES = frozenset(range(0x2400, 0x2422))  # always spelt out: <ESC>, <NUL>...

SYSTEM_FALLBACK_FONTS: tuple[str, ...] = (
    # Debian/Ubuntu, Fedora, Arch: Droid Sans Fallback and Noto CJK cover Han, Kana, Hangul.
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    # Windows
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/malgun.ttf",
    "C:/Windows/Fonts/msgothic.ttc",
    # macOS
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
"""Fonts tried, in order, for characters FiraGO lacks; only those found are used, and
only when the document needs them."""

# A placeholder for the page count that user text cannot hold: it is made of a
# private-use character, and every character the fonts lack is rewritten before drawing.
NB_ALIAS = "\ue000nb\ue000"

_CONTROL_NAMES = (*C0_NAMES, "SP", "DEL")  # what U+2400-2421 picture
# Scripts that need shaping (joining, reordering): Hebrew to Myanmar, Khmer, and the
# Hebrew and Arabic presentation forms.
_COMPLEX = re.compile("[\u0590-\u109f\u1780-\u17ff\ufb1d-\ufdff\ufe70-\ufefe]")
_TOKENS = re.compile(r"\n|[^\S\n]+|\S+")


@dataclass(frozen=True, slots=True)
class _Style:
    weight: str = ""  # "", "B" or "I"
    size: float = 10.0  # points
    colour: Colour = INK
    leading: float = 1.42

    @property
    def line_height(self) -> float:
        return self.size * PT * self.leading


BODY = _Style()
SMALL = _Style(size=8.5, colour=MUTED)
SMALL_BOLD = _Style("B", 8.5, INK, 1.75)
META = _Style(size=8.5, colour=MUTED, leading=1.75)
LABEL = _Style("B", 9.0, MUTED)
BOLD = _Style("B", 10.0)
LEAD = _Style("I", 10.0, MUTED)
EMPTY = _Style("I", 9.5, MUTED)
TH = _Style("B", 9.0, INK, 1.35)
TD = _Style("", 9.0, INK, 1.35)
H1 = _Style("B", 17.0, ACCENT, 1.25)
H2 = _Style("B", 12.5, ACCENT, 1.3)

Run = tuple[str, _Style]
Line = list[Run]


@functools.cache
def _bundled(name: str) -> bytes:
    """A font shipped in pymupdf-fonts, by its name there ("figo", "symbol2"...)."""
    import pymupdf_fonts  # type: ignore[import-untyped]

    data: bytes = pymupdf_fonts.myfont(name)
    return data


@functools.cache
def _bundled_cmap(name: str) -> frozenset[int]:
    font = TTFont(io.BytesIO(_bundled(name)), lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


@functools.cache
def _cmap(path: str) -> frozenset[int]:
    """The characters of a system font file (cached: these paths do not change)."""
    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


class _Coverage(dict[int, str]):
    """A ``str.translate`` table, filled on demand: each character maps to itself when a
    font can draw it, else to something visible (or nothing, for invisible format
    characters)."""

    def __init__(self, covered: frozenset[int]) -> None:
        super().__init__()
        self.covered = covered

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code in self.covered:
            shown = char
        elif 0x2400 <= code <= 0x2421:  # the control pictures rjfacil.sanitize draws
            shown = f"<{_CONTROL_NAMES[code - 0x2400]}>"
        elif code == 0x0A:
            shown = char
        elif char.isspace():
            shown = " "
        elif unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F:
            shown = ""  # invisible format characters and variation selectors
        else:
            shown = f"<U+{code:04X}>"
        self[code] = shown
        return shown


class _Pdf(FPDF):
    """fpdf2 with the footer every page carries."""

    def __init__(self, reference: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.reference = reference
        self.footer_text: str | None = None

    def footer(self) -> None:
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(LEFT, FOOTER_Y - 1.5, PAGE_W - RIGHT, FOOTER_Y - 1.5)
        page = f"Page {self.page_no()} of {NB_ALIAS}"
        self.set_xy(PAGE_W - RIGHT - 40, FOOTER_Y)
        self.cell(40, 4, page, align="R")
        if self.footer_text is None:
            self.footer_text = self._fit(self.reference, CONTENT_W - 45)
        self.set_xy(LEFT, FOOTER_Y)
        self.cell(CONTENT_W - 45, 4, self.footer_text)

    def _fit(self, text: str, width: float) -> str:
        """``text``, cut short with an ellipsis if it is wider than ``width``."""
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[: max(0, min(len(text) - 1, int(len(text) * 0.9)))]
        return text + "…"


class _Layout:
    """Wraps and draws text a line at a time, breaking pages itself."""

    def __init__(
        self, pdf: _Pdf, coverage: _Coverage, primary: frozenset[int], shaping: bool
    ) -> None:
        self.pdf = pdf
        self.coverage = coverage
        self.primary = primary
        self.shaping = shaping
        self._shaping_on = False
        self._widths: dict[tuple[str, float], dict[str, float]] = {}
        self._word_widths: dict[tuple[str, str, float], float] = {}
        self._current: tuple[str, float] | None = None
        self.repeat: Table | None = None
        self.repeat_widths: list[float] = []

    # ------------------------------------------------------------------ text and widths

    def prepare(self, text: str) -> str:
        """User text, cleaned, composed and limited to what the fonts can draw."""
        text = unicodedata.normalize("NFC", clean(text)).replace("\t", "    ")
        return text.translate(self.coverage)

    def prepare_line(self, text: str) -> str:
        return unicodedata.normalize("NFC", one_line(text)).strip().translate(self.coverage)

    def _font(self, style: _Style) -> None:
        key = (style.weight, style.size)
        if self._current != key:
            self.pdf.set_font(FAMILY, style.weight, style.size)
            self._current = key

    def _set_shaping(self, on: bool) -> None:
        if on != self._shaping_on:
            self.pdf.set_text_shaping(on)
            self._shaping_on = on

    def width(self, text: str, style: _Style) -> float:
        if self.shaping and _COMPLEX.search(text):
            key = (text, style.weight, style.size)
            if key not in self._word_widths:
                self._font(style)
                self._set_shaping(True)
                self._word_widths[key] = self.pdf.get_string_width(text)
            return self._word_widths[key]
        table = self._widths.setdefault((style.weight, style.size), {})
        total = 0.0
        for char in text:
            width = table.get(char)
            if width is None:
                self._font(style)
                self._set_shaping(False)
                width = table[char] = self.pdf.get_string_width(char)
            total += width
        return total

    def wrap(self, runs: Sequence[Run], width: float) -> list[Line]:
        """Greedy line breaking of styled runs; newlines in the text are kept."""
        width = max(width, 1.0)  # a table of very many columns still wraps, a letter a line
        lines: list[Line] = []
        line: Line = []
        used = 0.0
        at_start = True  # at the start of a line of the user's text, keep indentation

        def flush() -> None:
            nonlocal line, used
            while line and not line[-1][0].strip():
                line.pop()
            lines.append(_merge(line))
            line, used = [], 0.0

        for text, style in runs:
            for match in _TOKENS.finditer(text):
                token = match.group()
                if token == "\n":
                    flush()
                    at_start = True
                    continue
                if not token.strip():
                    if line or at_start:
                        line.append((token, style))
                        used += self.width(token, style)
                    continue
                at_start = False
                size = self.width(token, style)
                if used + size <= width:
                    line.append((token, style))
                    used += size
                    continue
                if any(part[0].strip() for part in line):
                    flush()
                else:
                    line, used = [], 0.0
                if size <= width:
                    line.append((token, style))
                    used = size
                    continue
                for piece in self._split_word(token, style, width):
                    if line:
                        flush()
                    line.append((piece, style))
                    used = self.width(piece, style)
        if line or not lines:
            flush()
        return lines

    def _split_word(self, word: str, style: _Style, width: float) -> Iterator[str]:
        """A word wider than the line, in pieces that fit (at least one character each)."""
        start = 0
        used = 0.0
        for index, char in enumerate(word):
            size = self.width(char, style)
            if used + size > width and index > start:
                yield word[start:index]
                start, used = index, 0.0
            used += size
        yield word[start:]

    # -------------------------------------------------------------------------- drawing

    @property
    def y(self) -> float:
        return self.pdf.get_y()

    def room(self) -> float:
        return CONTENT_BOTTOM - self.y

    def new_page(self) -> None:
        self.pdf.add_page()
        self._current = None
        self.pdf.set_y(TOP)
        if self.repeat is not None:
            self.table_header(self.repeat, self.repeat_widths)

    def ensure(self, height: float) -> None:
        if self.y + height > CONTENT_BOTTOM + 0.01:
            self.new_page()

    def space(self, height: float) -> None:
        if self.y + height <= CONTENT_BOTTOM:
            self.pdf.set_y(self.y + height)

    def draw_line(self, line: Line, x: float, y: float, width: float) -> None:
        total = sum(self.width(text, style) for text, style in line)
        plain = "".join(text for text, _ in line)
        rtl = self.shaping and _COMPLEX.search(plain)
        if rtl and auto_detect_base_direction(plain) == TextDirection.RTL:
            x += max(0.0, width - total)  # a right-to-left line sits at the right
        height = _line_height(line)
        baseline = y + height / 2 + 0.3 * max((s.size for _, s in line), default=0.0) * PT
        for text, style in line:
            self._font(style)
            self.pdf.set_text_color(*style.colour)
            run_width = self.width(text, style)
            if self._simple(text):
                # fpdf2's text() is five times cheaper than cell(); it places the baseline
                # where cell() would.
                self.pdf.text(x, baseline, text)
            else:  # shaping or a fallback font: cell() does both
                self._set_shaping(self.shaping and bool(_COMPLEX.search(text)))
                self.pdf.set_xy(x, y)
                self.pdf.cell(run_width, height, text)
                # A fallback font may now be selected in the page's text state, and even
                # be fpdf2's current font: make the next run select ours again.
                self.pdf.current_font_is_set_on_page = False
                self._current = None
            x += run_width

    def _simple(self, text: str) -> bool:
        """Whether ``text`` needs neither shaping nor a fallback font."""
        if text.isascii():
            return True
        if self.shaping and _COMPLEX.search(text):
            return False
        primary = self.primary
        return all(ord(char) in primary for char in text)

    def lines(
        self,
        lines: Sequence[Line],
        x: float = LEFT,
        width: float = CONTENT_W,
        fill: Colour | None = None,
        bar: Colour | None = None,
        bar_width: float = 1.2,
        pad: float = 0.0,
    ) -> None:
        """Draw wrapped lines from the current position, with an optional background and
        left bar drawn line by line, so a block that crosses a page keeps its look."""
        for line in lines:
            height = _line_height(line)
            self.ensure(height)
            y = self.y
            self._decorate(y, height, fill, bar, bar_width, x)
            self.draw_line(line, x + pad, y, width - 2 * pad)
            self.pdf.set_y(y + height)

    def _decorate(
        self,
        y: float,
        height: float,
        fill: Colour | None,
        bar: Colour | None,
        bar_width: float,
        x: float,
    ) -> None:
        if fill is not None:
            self.pdf.set_fill_color(*fill)
            self.pdf.rect(x, y, CONTENT_W - (x - LEFT), height, style="F")
        if bar is not None:
            self.pdf.set_fill_color(*bar)
            self.pdf.rect(x, y, bar_width, height, style="F")

    def padding(self, height: float, x: float, fill: Colour | None, bar: Colour | None) -> None:
        if self.y + height > CONTENT_BOTTOM:
            return
        self._decorate(self.y, height, fill, bar, 1.2, x)
        self.pdf.set_y(self.y + height)

    # --------------------------------------------------------------------------- tables

    def table_header(self, table: Table, widths: list[float]) -> None:
        self._row(self._header_cells(table, widths), widths, TH, header=True)

    def _row(
        self, cells: list[list[Line]], widths: list[float], style: _Style, header: bool = False
    ) -> None:
        height = style.line_height
        rows = max(len(cell) for cell in cells)
        total = rows * height + 2.4
        if header:
            self.ensure(total + height)
        y = self.y
        if header:
            self.pdf.set_fill_color(*WASH)
            self.pdf.rect(LEFT, y, CONTENT_W, total, style="F")
        x = LEFT
        for cell, width in zip(cells, widths, strict=True):
            for number, line in enumerate(cell):
                self.draw_line(line, x + 1.5, y + 1.2 + number * height, width - 3.0)
            x += width
        self.pdf.set_draw_color(*(ACCENT if header else RULE))
        self.pdf.set_line_width(0.35 if header else 0.2)
        self.pdf.line(LEFT, y + total, LEFT + CONTENT_W, y + total)
        self.pdf.set_y(y + total)

    @staticmethod
    def _column_widths(table: Table) -> list[float]:
        shares = table.shares
        return [CONTENT_W * share / sum(shares) for share in shares]

    def _cells(self, row: Sequence[str], widths: list[float]) -> list[list[Line]]:
        return [
            self.wrap([(self.prepare(cell), TD)], width - 3.0)
            for cell, width in zip(row, widths, strict=True)
        ]

    def _header_cells(self, table: Table, widths: list[float]) -> list[list[Line]]:
        cells = []
        for title, width in zip(table.header, widths, strict=True):
            lines = self.wrap([(self.prepare_line(title), TH)], width - 3.0)
            if len(lines) > HEADER_LINES:  # a header row repeats on every page: keep it short
                lines = [*lines[: HEADER_LINES - 1], [("…", TH)]]
            cells.append(lines)
        return cells

    def _table_opening(self, table: Table) -> float:
        """The room a table needs where it starts: its header row and its first row (or
        the first lines of a row too tall to keep whole)."""
        if not table.rows:
            return EMPTY.line_height
        widths = self._column_widths(table)
        header = max(len(cell) for cell in self._header_cells(table, widths))
        header_height = header * TH.line_height + 2.4
        first = max(len(cell) for cell in self._cells(table.rows[0], widths))
        first_height = first * TD.line_height + 2.4
        if not _row_kept_whole(first_height):
            first_height = TD.line_height * 3 + 2.4
        return max(
            TH.line_height * 2 + TD.line_height * 2 + 5,
            header_height + TH.line_height,
            header_height + first_height,
        )

    def table(self, table: Table) -> None:
        if not table.rows:
            self.paragraph(table.empty, EMPTY)
            return
        widths = self._column_widths(table)
        self.ensure(TH.line_height * 2 + TD.line_height * 2 + 5)
        self.table_header(table, widths)
        self.repeat, self.repeat_widths = table, widths
        try:
            for row in table.rows:
                self._table_row(self._cells(row, widths), widths)
        finally:
            self.repeat = None

    def _table_row(self, cells: list[list[Line]], widths: list[float]) -> None:
        height = TD.line_height
        rows = max(len(cell) for cell in cells)
        if rows * height + 2.4 <= self.room():
            self._row(cells, widths, TD)
            return
        if _row_kept_whole(rows * height + 2.4) or self.room() < height * 3 + 2.4:
            self.new_page()  # keep a row that fits on one page whole
        while any(cells):
            fit = max(1, int((self.room() - 2.4) // height))
            self._row([cell[:fit] for cell in cells], widths, TD)
            cells = [cell[fit:] for cell in cells]
            if any(cells):
                self.new_page()

    # ---------------------------------------------------------------------------- blocks

    def paragraph(self, text: str, style: _Style = BODY, x: float = LEFT) -> None:
        self.lines(self.wrap([(self.prepare(text), style)], CONTENT_W - (x - LEFT)), x=x)

    def bullets(self, items: Sequence[str], x: float = LEFT, style: _Style = BODY) -> None:
        indent = 5.0
        for item in items:
            wrapped = self.wrap([(self.prepare(item), style)], CONTENT_W - (x - LEFT) - indent)
            self.ensure(style.line_height)
            self._font(style)
            self.pdf.set_text_color(*MUTED)
            self.pdf.text(x + 1.0, self.y + style.line_height / 2 + 0.3 * style.size * PT, "•")
            self.lines(wrapped, x=x + indent)
            self.pdf.set_y(self.y + 0.8)

    def _pair(self, key: str, value: str, label_width: float) -> tuple[list[Line], list[Line]]:
        labels = self.wrap([(self.prepare_line(key), LABEL)], label_width - 4.0)
        values = self.wrap([(self.prepare(value), BODY)], CONTENT_W - label_width)
        return labels, values

    @staticmethod
    def _pair_opening(labels: list[Line], values: list[Line]) -> float:
        """A pair of up to 40 mm is kept whole; a longer one needs one line to start."""
        height = max(len(labels), len(values)) * BODY.line_height
        return height if height <= 40 else BODY.line_height

    def key_values(self, pairs: Sequence[tuple[str, str]], label_width: float = 48.0) -> None:
        for key, value in pairs:
            labels, values = self._pair(key, value, label_width)
            count = max(len(labels), len(values))
            self.ensure(self._pair_opening(labels, values))
            for number in range(count):
                self.ensure(BODY.line_height)
                y = self.y
                if number < len(labels):
                    self.draw_line(labels[number], LEFT, y + 0.3, label_width - 4.0)
                if number < len(values):
                    self.draw_line(values[number], LEFT + label_width, y, CONTENT_W - label_width)
                self.pdf.set_y(y + BODY.line_height)
            self.pdf.set_y(self.y + 0.8)

    def _flag_lines(self, flag: Flag) -> list[Line]:
        label, strong, _ = TONES[flag.tone]
        inner = CONTENT_W - 8.0
        title: list[Run] = [(label + "  ", _Style("B", 7.5, strong, 1.9))]
        title.append((self.prepare_line(flag.statement), BOLD))
        lines = self.wrap(title, inner)
        for reason in flag.reasons:
            wrapped = self.wrap([(self.prepare(reason), BODY)], inner - 5.0)
            for number, line in enumerate(wrapped):
                lines.append([("•   " if number == 0 else "     ", BODY), *line])
        return lines

    @staticmethod
    def _flag_opening(lines: list[Line]) -> float:
        """A flag of up to 80 mm is kept whole; a longer one needs its first lines."""
        height = sum(_line_height(line) for line in lines) + 5.0
        return height if height <= 80.0 else 2.5 + sum(_line_height(line) for line in lines[:3])

    def flag(self, flag: Flag) -> None:
        _, strong, soft = TONES[flag.tone]
        lines = self._flag_lines(flag)
        height = sum(_line_height(line) for line in lines) + 5.0
        if self.room() < height <= 80.0:
            self.new_page()  # keep a flag whole when it fits on a page
        self.padding(2.5, LEFT, soft, strong)
        self.lines(lines, fill=soft, bar=strong, pad=4.0)
        self.padding(2.5, LEFT, soft, strong)

    def _note_lines(self, note: Note) -> tuple[list[Line], float]:
        """A note's lines (its facts, then its text) and the height of them all."""
        meta: list[Run] = []
        author = self.prepare_line(note.author)
        if author:
            meta.append((author, SMALL_BOLD))
        for part in (note.when, *note.tags):
            shown = self.prepare_line(part)
            if shown:
                meta.append(("  ·  " if meta else "", META))
                meta.append((shown, META))
        lines = self.wrap(meta, CONTENT_W - 4.0) if meta else []
        text = self.prepare(note.text.strip("\n"))
        if not text.strip():
            text, style = "(no text)", EMPTY
        else:
            style = BODY
        body = self.wrap([(text, style)], CONTENT_W - 4.0)
        whole = len(lines) * META.line_height + len(body) * BODY.line_height
        return [*lines, *body], whole

    @staticmethod
    def _note_opening(whole: float) -> float:
        """A note of up to 60 mm is kept whole; a longer one needs 25 mm to start."""
        return whole if whole <= 60 else 25.0

    def note(self, note: Note) -> None:
        lines, whole = self._note_lines(note)
        if whole > self.room():
            self.ensure(self._note_opening(whole))
        self.lines(lines, bar=RULE, bar_width=0.8, pad=2.0)

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(block.text)
        elif isinstance(block, BulletList):
            if block.items:
                self.bullets(block.items)
            else:
                self.paragraph("None.", EMPTY)
        elif isinstance(block, KeyValues):
            self.key_values(block.pairs)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Flag):
            self.flag(block)
        elif isinstance(block, Note):
            self.note(block)
        else:  # pragma: no cover - Section refuses other types
            raise TypeError(type(block).__name__)
        self.space(3.5)

    def opening(self, block: Block) -> float:
        """The room ``block`` needs where it starts, or it moves itself to the next page
        (each block's own rule for what it keeps together): what a heading keeps with it."""
        if isinstance(block, Paragraph):
            return _first_lines(self.wrap([(self.prepare(block.text), BODY)], CONTENT_W))
        if isinstance(block, BulletList):
            if not block.items:
                return EMPTY.line_height
            first = self.wrap([(self.prepare(block.items[0]), BODY)], CONTENT_W - 5.0)
            return _first_lines(first)
        if isinstance(block, KeyValues):
            if not block.pairs:
                return 0.0
            return self._pair_opening(*self._pair(*block.pairs[0], label_width=48.0))
        if isinstance(block, Table):
            return self._table_opening(block)
        if isinstance(block, Flag):
            return self._flag_opening(self._flag_lines(block))
        if isinstance(block, Note):
            return self._note_opening(self._note_lines(block)[1])
        raise TypeError(type(block).__name__)  # pragma: no cover - Section refuses others

    def section(self, section: Section) -> None:
        heading = self.wrap([(self.prepare_line(section.heading), H2)], CONTENT_W)
        has_lead = section.lead is not None and not blank(section.lead)
        lead = self.wrap([(self.prepare(section.lead or ""), LEAD)], CONTENT_W) if has_lead else []
        self.space(3.0)
        # Keep the heading (and its lead) with the start of what follows, so no page ends
        # on a heading whose table or note begins overleaf; a start taller than a page
        # cannot be kept, and then three lines are.
        top = len(heading) * H2.line_height + 3.3
        if lead:
            top += sum(map(_line_height, lead)) + 2.5
        start = self.opening(section.blocks[0]) if section.blocks else EMPTY.line_height
        if top + start > CONTENT_BOTTOM - TOP:
            start = 3 * BODY.line_height
        self.ensure(top + start)
        self.lines(heading)
        y = self.y + 0.8
        self.pdf.set_draw_color(*RULE)
        self.pdf.set_line_width(0.3)
        self.pdf.line(LEFT, y, PAGE_W - RIGHT, y)
        self.pdf.set_y(y + 2.5)
        if has_lead:
            self.lines(lead)
            self.space(2.5)
        if not section.blocks:
            self.paragraph(section.empty, EMPTY)
            self.space(3.5)
        for block in section.blocks:
            self.block(block)

    def header(self, document: Document) -> None:
        self.lines(self.wrap([(self.prepare_line(document.title), H1)], CONTENT_W))
        self.space(3.0)
        self.key_values(document.header.facts(), label_width=38.0)
        notice = document.header.notice
        if not blank(notice):
            _, strong, soft = TONES["attention"]
            lines = self.wrap([(self.prepare(notice), BOLD)], CONTENT_W - 8.0)
            self.space(1.5)
            self.padding(2.2, LEFT, soft, strong)
            self.lines(lines, fill=soft, bar=strong, pad=4.0)
            self.padding(2.2, LEFT, soft, strong)
        self.space(2.0)


def _row_kept_whole(height: float) -> bool:
    """Whether a table row of ``height`` moves whole to the next page rather than split."""
    return height <= CONTENT_BOTTOM - TOP - 20


def _first_lines(lines: list[Line]) -> float:
    """The height of the first three lines of a text (all of it when shorter)."""
    return sum(_line_height(line) for line in lines[:3]) or BODY.line_height


def _line_height(line: Line) -> float:
    return max((style.line_height for _, style in line), default=BODY.line_height)


def _merge(line: Line) -> Line:
    """Join neighbouring runs of one style, so a line is drawn in as few cells as it can."""
    merged: Line = []
    for text, style in line:
        if merged and merged[-1][1] == style:
            merged[-1] = (merged[-1][0] + text, style)
        else:
            merged.append((text, style))
    return merged


def _document_text(document: Document) -> Iterator[str]:
    yield document.title
    for pair in document.header.facts():
        yield from pair
    yield document.header.notice
    for section in document.sections:
        yield section.heading
        yield section.lead or ""
        yield section.empty
        for block in section.blocks:
            if isinstance(block, Paragraph):
                yield block.text
            elif isinstance(block, BulletList):
                yield from block.items
            elif isinstance(block, KeyValues):
                for pair in block.pairs:
                    yield from pair
            elif isinstance(block, Table):
                yield from block.header
                for row in block.rows:
                    yield from row
            elif isinstance(block, Flag):
                yield block.statement
                yield from block.reasons
            elif isinstance(block, Note):
                yield from (block.author, block.when, block.text, *block.tags)


def _fallbacks(
    needed: set[int], candidates: Iterable[str | Path], folder: Path
) -> list[tuple[Path, frozenset[int]]]:
    """The fonts that cover some of ``needed``, in order: the bundled symbol fonts
    (unpacked into ``folder`` when used), then the candidate files that exist."""
    chosen = []
    for name in BUNDLED_FALLBACKS:
        cmap = _bundled_cmap(name)
        if needed & cmap:
            path = folder / f"{name}.ttf"
            path.write_bytes(_bundled(name))
            chosen.append((path, cmap))
            needed = needed - cmap
    for candidate in candidates:
        if not needed:
            break
        path = Path(candidate)
        if not path.is_file():
            continue
        try:
            cmap = _cmap(str(path))
        except Exception:  # an unreadable system font is skipped, never fatal
            continue
        if needed & cmap:
            chosen.append((path, cmap))
            needed = needed - cmap
    return chosen


def _drop_layout_tables(pdf: FPDF) -> None:
    """Forget the OpenType layout tables of the fonts fpdf2 holds in memory.

    fpdf2 leaves them out of the embedded subsets anyway, but fontTools still decodes
    them while subsetting, which costs a third of a second per export. Shaping is not
    affected: HarfBuzz reads the font files themselves.
    """
    for font in pdf.fonts.values():
        ttfont = getattr(font, "ttfont", None)
        if ttfont is None:
            continue
        for tag in ("GSUB", "GPOS", "GDEF", "JSTF", "BASE", "MATH"):
            if tag in ttfont:
                del ttfont[tag]


def _has_shaping() -> bool:
    return importlib.util.find_spec("uharfbuzz") is not None


def render_pdf(
    document: Document,
    *,
    password: str | None = None,
    fallback_fonts: Sequence[str | Path] | None = None,
) -> bytes:
    """Render ``document`` as PDF bytes.

    Args:
        document: What to render.
        password: When given, the PDF is encrypted with AES-256 and opens only with it.
        fallback_fonts: Font files (TTF, OTF, TTC) tried for characters that neither
            FiraGO nor the bundled symbol fonts have; None tries
            :data:`SYSTEM_FALLBACK_FONTS`.

    Raises:
        ExportFailed: the password is empty.
    """
    if password is not None and not password:
        raise ExportFailed("The PDF password is empty: give one, or export without a password.")
    with tempfile.TemporaryDirectory(prefix="rjfacil-fonts-", ignore_cleanup_errors=True) as tmp:
        # fpdf2 reads fonts from files: these hold FiraGO (and the symbol fonts when
        # needed), unpacked from their package. Only font data is written here, never
        # anything of the case.
        paths = {}
        for style, name in FIRAGO.items():
            paths[style] = Path(tmp) / f"{name}.ttf"
            paths[style].write_bytes(_bundled(name))
        # What every style of FiraGO can draw (the italic lacks one private-use glyph).
        primary = frozenset.intersection(*(_bundled_cmap(name) for name in FIRAGO.values()))
        used: set[int] = set()
        for text in _document_text(document):
            used.update(map(ord, unicodedata.normalize("NFC", clean(text))))
        needed = {c for c in used - primary - CONTROL_PICTURES if not chr(c).isspace()}
        candidates = SYSTEM_FALLBACK_FONTS if fallback_fonts is None else fallback_fonts
        fallbacks = _fallbacks(needed, candidates, Path(tmp)) if needed else []

        covered = primary.union(*(cmap for _, cmap in fallbacks))
        covered -= CONTROL_PICTURES | {ord(NB_ALIAS[0])}
        coverage = _Coverage(frozenset(covered))
        reference = unicodedata.normalize("NFC", one_line(document.header.case_reference))
        pdf = _Pdf(reference.strip()[:400].translate(coverage))
        try:
            return _render(pdf, document, paths, fallbacks, coverage, primary, password)
        finally:
            for font in pdf.fonts.values():
                ttfont = getattr(font, "ttfont", None)
                if ttfont is not None:
                    ttfont.close()  # let the folder go (Windows keeps open files)


def _render(
    pdf: _Pdf,
    document: Document,
    paths: dict[str, Path],
    fallbacks: list[tuple[Path, frozenset[int]]],
    coverage: _Coverage,
    primary: frozenset[int],
    password: str | None,
) -> bytes:
    for style, path in paths.items():
        pdf.add_font(FAMILY, style, path)
    names = []
    for number, (path, _) in enumerate(fallbacks):
        pdf.add_font(f"fallback{number}", "", path)
        names.append(f"fallback{number}")
    if names:
        pdf.set_fallback_fonts(names, exact_match=False)
    _drop_layout_tables(pdf)
    pdf.alias_nb_pages(NB_ALIAS)
    pdf.set_auto_page_break(False)
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.c_margin = 0
    pdf.set_title(one_line(document.title)[:200])
    pdf.set_lang(document.language)
    pdf.set_creator("rjfacil")
    if password is not None:
        pdf.set_encryption(
            owner_password=secrets.token_urlsafe(32),
            user_password=password,
            encryption_method=EncryptionMethod.AES_256,
            permissions=AccessPermission.all(),
            encrypt_metadata=True,
        )
    layout = _Layout(pdf, coverage, primary, shaping=_has_shaping())
    layout.new_page()
    layout.header(document)
    for section in document.sections:
        layout.section(section)
    return bytes(pdf.output())
