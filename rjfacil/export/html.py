"""Render a :class:`~rjfacil.export.document.Document` as one self-contained HTML5 file.

The file carries its stylesheet inline and nothing else: no script, no image, no font
or stylesheet from anywhere. A Content-Security-Policy meta forbids scripts and every
remote load, and allows the one stylesheet by its SHA-256 hash, so even a style
attribute that somehow reached the page would be ignored. Every user string is
cleaned (:func:`rjfacil.export.text.clean`) and escaped with ``html.escape(quote=True)``.

It prints on A4 (page size, margins, the case reference and "Page N of M" in the page
margins, blocks kept whole where they fit, table headers repeated) and reads on a phone
(a viewport meta; below 40rem each table row becomes a card whose cells carry their
column's title).
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Iterator

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
from rjfacil.export.text import blank, clean, one_line

__all__ = ["css_string", "render_html"]

TONE_LABEL = {"blocking": "Blocking", "attention": "Needs attention", "info": "Note"}
_FOOTER_MAX = 60  # characters of the case reference in the printed page margin
_CSS_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,:")

CSS = """\
:root {
  --ink: #1d2430; --muted: #5b6573; --rule: #d9dee5; --accent: #2c5a7a;
  --paper: #ffffff; --wash: #f5f7f9;
  --block: #a23b3b; --block-bg: #fbf0f0;
  --attn: #a86b12; --attn-bg: #fdf6e6;
  --info: #3f6a88; --info-bg: #eef4f8;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--wash); color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
    "Helvetica Neue", Arial, sans-serif;
}
main {
  max-width: 52rem; margin: 2rem auto; padding: 2.5rem 3rem; background: var(--paper);
  border: 1px solid var(--rule); border-radius: 6px;
}
h1, h2, p, dl, dd, ul { margin: 0; }
h1 { font-size: 1.6rem; line-height: 1.25; color: var(--accent); font-weight: 650; }
h2 {
  font-size: 1.15rem; line-height: 1.3; color: var(--accent); font-weight: 650;
  margin: 2.2rem 0 0.8rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--rule);
  break-after: avoid; page-break-after: avoid;
}
h1, h2, p, li, dd, dt, td, th, .note-text {
  overflow-wrap: anywhere; word-break: normal;
}
.text, .note-text, li, dd, td { white-space: pre-wrap; }
.facts {
  display: grid; grid-template-columns: fit-content(35%) minmax(0, 1fr); gap: 0.25rem 1.25rem;
  margin-top: 1.2rem; font-size: 0.95rem;
}
.facts dt { color: var(--muted); }
.notice {
  margin-top: 1.2rem; padding: 0.6rem 0.9rem; border: 1px solid var(--attn);
  border-left-width: 4px; background: var(--attn-bg); font-weight: 600;
}
.lead { color: var(--muted); margin-bottom: 0.9rem; }
.block { margin: 0 0 1rem; }
.flag, .facts { break-inside: avoid; page-break-inside: avoid; }
.kv dt { break-after: avoid; page-break-after: avoid; }
.note-meta { break-after: avoid; page-break-after: avoid; }
.empty { color: var(--muted); font-style: italic; }
ul { padding-left: 1.4rem; }
li + li { margin-top: 0.2rem; }
.kv { display: grid; grid-template-columns: minmax(0, 30%) minmax(0, 1fr); gap: 0.3rem 1rem; }
.kv dt { color: var(--muted); font-weight: 600; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.5rem; }
th { background: var(--wash); border-bottom: 2px solid var(--rule); font-weight: 600; }
td { border-bottom: 1px solid var(--rule); }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
.flag {
  padding: 0.6rem 0.9rem; border-left: 4px solid var(--attn); background: var(--attn-bg);
  border-radius: 0 4px 4px 0;
}
.flag-blocking { border-left-color: var(--block); background: var(--block-bg); }
.flag-info { border-left-color: var(--info); background: var(--info-bg); }
.flag-title { font-weight: 600; }
.tone {
  display: inline-block; font-size: 0.75rem; letter-spacing: 0.04em; text-transform: uppercase;
  color: var(--attn); margin-right: 0.5rem;
}
.flag-blocking .tone { color: var(--block); }
.flag-info .tone { color: var(--info); }
.flag ul { margin-top: 0.35rem; }
.note { border-left: 3px solid var(--rule); padding: 0.1rem 0 0.1rem 0.9rem; }
.note-meta { font-size: 0.88rem; color: var(--muted); margin-bottom: 0.25rem; }
.note-meta .author { color: var(--ink); font-weight: 600; }
.sep { color: var(--rule); padding: 0 0.35rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; background: var(--paper); }
  main { margin: 0; padding: 1.2rem 1rem; border: 0; border-radius: 0; }
  h1 { font-size: 1.35rem; }
  .facts, .kv { grid-template-columns: minmax(0, 1fr); gap: 0; }
  .facts dd, .kv dd { margin-bottom: 0.4rem; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  colgroup, thead { display: none; }
  tr { border: 1px solid var(--rule); border-radius: 4px; margin-bottom: 0.6rem; }
  td { border: 0; padding: 0.3rem 0.6rem; }
  td::before {
    content: attr(data-label); display: block; font-size: 0.8rem; color: var(--muted);
    font-weight: 600; white-space: normal;
  }
}
@media print {
  body { background: none; font-size: 10pt; }
  main { max-width: none; margin: 0; padding: 0; border: 0; }
  h1 { font-size: 17pt; }
  h2 { font-size: 12.5pt; margin-top: 1.4rem; }
  .flag, .notice, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

_PAGE_CSS = """\
@page {
  size: A4; margin: 16mm 15mm 18mm;
  @bottom-left { content: %s; font: 8pt system-ui, sans-serif; color: #5b6573; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt system-ui, sans-serif; color: #5b6573; }
}
"""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string: anything but plain ASCII is a hex escape.

    The result cannot end the string, the rule or the ``<style>`` element it sits in.
    """
    return '"' + "".join(ch if ch in _CSS_PLAIN else f"\\{ord(ch):06x}" for ch in text) + '"'


def _e(text: str) -> str:
    """Clean and escape user text for HTML content or a quoted attribute."""
    return html.escape(clean(text), quote=True)


def _e1(text: str) -> str:
    """As :func:`_e`, for a place that holds a single line."""
    return html.escape(one_line(text), quote=True)


def _sep() -> str:
    return '<span class="sep" aria-hidden="true">·</span>'


def _column_widths(table: Table, number: int) -> str:
    """CSS giving table ``number`` its column widths (:attr:`Table.shares`). (Style
    attributes would be refused by the page's policy.)"""
    shares = table.shares
    total = sum(shares)
    return "".join(
        f"#t{number} col:nth-child({index}) {{ width: {100 * share / total:.2f}%; }}\n"
        for index, share in enumerate(shares, start=1)
    )


def _table(table: Table, number: int) -> Iterator[str]:
    if not table.rows:
        yield f'<p class="block empty">{_e(table.empty)}</p>'
        return
    yield f'<div class="block table-wrap"><table id="t{number}">'
    yield "<colgroup>" + "<col>" * len(table.header) + "</colgroup>"
    yield "<thead><tr>" + "".join(f'<th scope="col">{_e(t)}</th>' for t in table.header)
    yield "</tr></thead><tbody>"
    labels = [_e1(title) for title in table.header]
    for row in table.rows:
        cells = "".join(
            f'<td data-label="{label}">{_e(cell)}</td>'
            for label, cell in zip(labels, row, strict=True)
        )
        yield f"<tr>{cells}</tr>"
    yield "</tbody></table></div>"


def _bullets(items: tuple[str, ...], css: str = "block") -> str:
    return f'<ul class="{css}">' + "".join(f"<li>{_e(item)}</li>" for item in items) + "</ul>"


def _block(block: Block, tables: list[Table]) -> Iterator[str]:
    if isinstance(block, Paragraph):
        yield f'<p class="block text">{_e(block.text)}</p>'
    elif isinstance(block, BulletList):
        yield _bullets(block.items) if block.items else '<p class="block empty">None.</p>'
    elif isinstance(block, KeyValues):
        yield '<dl class="block kv">'
        for key, value in block.pairs:
            yield f"<dt>{_e1(key)}</dt><dd>{_e(value)}</dd>"
        yield "</dl>"
    elif isinstance(block, Table):
        tables.append(block)
        yield from _table(block, len(tables))
    elif isinstance(block, Flag):
        yield f'<div class="block flag flag-{block.tone}" role="note">'
        yield (
            f'<p class="flag-title"><span class="tone">{TONE_LABEL[block.tone]}</span>'
            f"{_e1(block.statement)}</p>"
        )
        if block.reasons:
            yield _bullets(block.reasons, css="reasons")
        yield "</div>"
    elif isinstance(block, Note):
        meta = [] if blank(block.author) else [f'<span class="author">{_e1(block.author)}</span>']
        meta += [_e1(part) for part in (block.when, *block.tags) if not blank(part)]
        yield '<article class="block note">'
        yield f'<p class="note-meta">{_sep().join(meta)}</p>'
        text = block.text.strip("\n")
        if not blank(text):
            yield f'<p class="note-text">{_e(text)}</p>'
        else:
            yield '<p class="note-text empty">(no text)</p>'
        yield "</article>"
    else:  # pragma: no cover - Section refuses other types
        raise TypeError(type(block).__name__)


def _section(section: Section, number: int, tables: list[Table]) -> Iterator[str]:
    yield f'<section aria-labelledby="s{number}">'
    yield f'<h2 id="s{number}">{_e1(section.heading)}</h2>'
    if section.lead is not None and not blank(section.lead):
        yield f'<p class="lead text">{_e(section.lead)}</p>'
    if not section.blocks:
        yield f'<p class="block empty">{_e(section.empty)}</p>'
    for block in section.blocks:
        yield from _block(block, tables)
    yield "</section>"


def render_html(document: Document) -> str:
    """Render ``document`` as a complete, self-contained HTML5 page."""
    header = document.header
    title = _e1(document.title)
    body = ['<header class="doc-header">', f"<h1>{title}</h1>", '<dl class="facts">']
    for label, value in header.facts():
        body.append(f"<dt>{_e1(label)}</dt><dd>{_e(value)}</dd>")
    body.append("</dl>")
    if not blank(header.notice):
        body.append(f'<p class="notice" role="note">{_e(header.notice)}</p>')
    body.append("</header>")
    tables: list[Table] = []
    for number, section in enumerate(document.sections, start=1):
        body.extend(_section(section, number, tables))

    reference = one_line(header.case_reference).strip()[:_FOOTER_MAX]
    css = (
        _PAGE_CSS % css_string(reference)
        + CSS
        + "".join(_column_widths(table, n) for n, table in enumerate(tables, start=1))
    )
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "img-src 'none'; font-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; connect-src 'none'; script-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{document.language}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="robots" content="noindex, nofollow">',
        '<meta name="color-scheme" content="light">',
        f"<title>{title}</title>",  # the document's title already names the case
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>", ""])
