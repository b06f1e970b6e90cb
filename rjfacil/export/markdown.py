"""Render a :class:`~rjfacil.export.document.Document` as Markdown that reads as plain text.

A supervisor may open the file in Notepad or in a Markdown viewer; both must show the
user's words and nothing else. User text is escaped so that no renderer (CommonMark,
GitHub, markdown-it) turns it into a link, an image, HTML, emphasis, code, a heading, a
quote, a list or a table: the characters that start those constructs are
backslash-escaped, which every CommonMark renderer shows as the bare character. The
escaping is kept to what can be active, so ordinary prose reads unchanged.

A URL with a scheme (``https://``), one starting ``www.`` and an e-mail address have their
``:``, ``.`` or ``@`` escaped, so GitHub's autolinks leave them as text. A bare domain such
as ``example.org`` is left alone: only a viewer's own guessing (linkify's "fuzzy" mode)
would make it a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rjfacil.export.document import (
    BulletList,
    Document,
    Flag,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)
from rjfacil.export.text import blank, clean, one_line

__all__ = ["escape_inline", "escape_lines", "render_markdown"]

# Characters that open inline constructs anywhere in a line: escapes, code, emphasis,
# strikethrough, links and images, raw HTML and autolinks, table cells, math.
_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_SCHEME = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)")
_WWW = re.compile(r"(?i)(?<![A-Za-z0-9])(www)(\.)")
_AT = re.compile(r"@")
# What opens a block at the start of a line: heading, list item, setext underline,
# thematic break (the other markers are escaped everywhere by _INLINE).
_LINE_START = re.compile(r"^([#+\-=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
_LEADING = re.compile(r"^[ \t]+")

TITLE = {"blocking": "Blocking", "attention": "Needs attention", "info": "Note"}
HARD_BREAK = "  "  # two trailing spaces: a line break in Markdown, invisible as text


def escape_inline(text: str) -> str:
    """Escape one line of user text (already cleaned) so nothing in it is active."""
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _SCHEME.sub(r"\\\1", text)
    text = _WWW.sub(r"\1\\\2", text)
    text = _AT.sub(r"\\@", text)
    # "](" is where a link's target starts: escape the parenthesis too, so not even a
    # renderer that ignores backslash escapes before "]" sees a link.
    return text.replace("\\](", "\\]\\(")


def _escape_line(line: str) -> str:
    # Leading blanks would make an indented code block: keep the indent as no-break
    # spaces, which Markdown treats as text and Notepad shows as spaces.
    line = _LEADING.sub(lambda m: m.group().replace("\t", "    ").replace(" ", "\u00a0"), line)
    line = escape_inline(line)
    line = _LINE_START.sub(r"\\\1", line)
    return _ORDERED.sub(r"\1\\\2", line)


def escape_lines(text: str) -> list[str]:
    """Clean and escape multi-line user text; one escaped line per line of the text."""
    return [_escape_line(line) for line in clean(text).split("\n")]


def _inline(text: str) -> str:
    """User text for a place that holds one line (a heading, a label, a table cell)."""
    return _escape_line(one_line(text).strip())


def _cell(text: str) -> str:
    # A table cell holds one line; the note's own lines are kept apart by " / ".
    lines = [line.strip() for line in clean(text).split("\n")]
    return escape_inline(" / ".join(line for line in lines if line)).replace("\t", " ")


def _lines_with_breaks(text: str, prefix: str = "", indent: str = "") -> list[str]:
    """Multi-line text as Markdown lines: each newline kept as a hard line break, a blank
    line as a paragraph break, continuation lines indented under ``prefix``."""
    lines = escape_lines(text)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return [prefix.rstrip()] if prefix.strip() else []
    out = []
    for number, line in enumerate(lines):
        if not line.strip():
            out.append("")
            continue
        text_line = f"{prefix if number == 0 else indent}{line}".rstrip()
        following = lines[number + 1] if number + 1 < len(lines) else ""
        out.append(text_line + HARD_BREAK if following.strip() else text_line)
    return out


def _paragraph(text: str) -> Iterator[str]:
    yield from _lines_with_breaks(text)


def _bullets(items: tuple[str, ...]) -> Iterator[str]:
    for item in items:
        yield from _lines_with_breaks(item, prefix="- ", indent="  ")


def _key_values(pairs: tuple[tuple[str, str], ...]) -> Iterator[str]:
    for key, value in pairs:
        label = _inline(key)
        yield from _lines_with_breaks(value, prefix=f"- **{label}:** ", indent="  ")


def _table(table: Table) -> Iterator[str]:
    if not table.rows:
        yield _inline(table.empty)
        return
    yield "| " + " | ".join(_cell(title) for title in table.header) + " |"
    yield "|" + "|".join(" --- " for _ in table.header) + "|"
    for row in table.rows:
        yield "| " + " | ".join(_cell(cell) for cell in row) + " |"


def _flag(flag: Flag) -> Iterator[str]:
    statement = _inline(flag.statement)
    yield f"**{TITLE[flag.tone]}: {statement}**" if statement else f"**{TITLE[flag.tone]}**"
    if flag.reasons:
        yield ""
        yield from _bullets(flag.reasons)


def _note(note: Note) -> Iterator[str]:
    author = _inline(note.author)
    facts = [f"**{author}**" if author else "", _inline(note.when)]
    facts += [_inline(tag) for tag in note.tags]
    yield " · ".join(fact for fact in facts if fact)
    yield ""
    lines = escape_lines(note.text)
    # Blank lines before and after the text would quote nothing (a bare ">" line).
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        yield "> (no text)"
        return
    for number, line in enumerate(lines):
        last = number == len(lines) - 1
        if not line.strip():
            yield ">"
        elif last or not lines[number + 1].strip():
            yield f"> {line}".rstrip()
        else:
            yield f"> {line}".rstrip() + HARD_BREAK


def _block(block: object) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield from _paragraph(block.text)
    elif isinstance(block, BulletList):
        yield from _bullets(block.items) if block.items else iter(["None."])
    elif isinstance(block, KeyValues):
        yield from _key_values(block.pairs)
    elif isinstance(block, Table):
        yield from _table(block)
    elif isinstance(block, Flag):
        yield from _flag(block)
    elif isinstance(block, Note):
        yield from _note(block)
    else:  # pragma: no cover - Section refuses other types
        raise TypeError(type(block).__name__)


def _section(section: Section) -> Iterator[str]:
    yield f"## {_inline(section.heading)}"
    if section.lead is not None and not blank(section.lead):
        yield ""
        yield from _lines_with_breaks(section.lead)
    if not section.blocks:
        yield ""
        yield _inline(section.empty)
    for block in section.blocks:
        yield ""
        yield from _block(block)


def render_markdown(document: Document) -> str:
    """Render ``document`` as Markdown text (UTF-8 when written; ``\\n`` line ends)."""
    header = document.header
    lines = [f"# {_inline(document.title)}", ""]
    for label, value in header.facts():
        lines.extend(_lines_with_breaks(value, prefix=f"- **{_inline(label)}:** ", indent="  "))
    if not blank(header.notice):
        lines += ["", f"> **{_inline(header.notice)}**"]
    for section in document.sections:
        lines.append("")
        lines.extend(_section(section))
    return "\n".join(lines) + "\n"
