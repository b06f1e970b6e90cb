"""A hostile document renders in every format without any of it becoming active."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import subprocess
import warnings
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader

from rjfacil.export.document import (
    BulletList,
    Document,
    Flag,
    Header,
    KeyValues,
    Note,
    Paragraph,
    Section,
    Table,
)
from rjfacil.export.html import css_string, render_html
from rjfacil.export.markdown import render_markdown
from rjfacil.export.pdf import render_pdf
from tests.export_samples import LONG_WORD, NAMES, everywhere, hostile_document, long_summary

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# ------------------------------------------------------------------------------ helpers


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str | None], ...]]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse_html(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def markdown_it() -> MarkdownIt:
    """A GitHub-like renderer: tables, strikethrough, raw HTML allowed, and linkify.

    Linkify's fuzzy mode (bare ``example.org``) is off: the Markdown escapes links with a
    scheme, ``www.`` and e-mail addresses, and leaves bare domains to the viewer.
    """
    md = MarkdownIt("gfm-like", {"html": True, "linkify": True})
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    return md


def md_tokens(text: str) -> list[str]:
    """The types of every token the Markdown parses into, inline ones included."""
    types = []
    for token in markdown_it().parse(text):
        types.append(token.type)
        types.extend(child.type for child in token.children or ())
    return types


def pdf_text(data: bytes, password: str | None = None) -> str:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


@pytest.fixture(scope="module")
def hostile() -> Document:
    return hostile_document()


@pytest.fixture(scope="module")
def hostile_pdf(hostile: Document) -> bytes:
    return render_pdf(hostile)


# ----------------------------------------------------------------------------- markdown


def test_markdown_of_hostile_document_has_nothing_active(hostile: Document) -> None:
    text = render_markdown(hostile)
    assert not UNSAFE.search(text), "no control character or bidi override survives"
    assert "](javascript:" not in text and "](http" not in text
    assert not re.search(r"(?<!\\)<(script|img|http)", text), "no unescaped HTML or autolink"
    assert "\\<script\\>" in text, "HTML shows as its characters, escaped"
    rendered = markdown_it().render(text)
    for active in ("<a ", "<img", "<script", "<em>", "<code>", "<pre>", "<del>", "<s>"):
        assert active not in rendered, active
    types = set(md_tokens(text))
    assert not types & {"html_inline", "html_block", "link_open", "image", "code_inline"}
    assert not types & {"code_block", "fence", "em_open", "s_open", "ordered_list_open", "hr"}
    headings = re.findall(r"<h(\d)>", rendered)
    assert headings.count("1") == 1 and set(headings) <= {"1", "2"}


def test_markdown_structure_does_not_depend_on_user_text(hostile: Document) -> None:
    def shape(text: str) -> Counter[str]:
        kinds = Counter(md_tokens(text))
        for loose in ("paragraph_open", "paragraph_close", "inline", "softbreak", "hardbreak"):
            kinds.pop(loose, None)
        kinds.pop("text", None)
        kinds.pop("text_special", None)
        return kinds

    assert shape(render_markdown(hostile_document())) == shape(render_markdown(hostile))
    for text in ("x", "<b>x</b> *y* [z](w) #1", "1. a\n- b\n> c\n    d\n```"):
        assert shape(render_markdown(everywhere(text))) == shape(render_markdown(everywhere("x")))


def test_markdown_keeps_the_words_and_the_lines() -> None:
    text = render_markdown(everywhere("Line one\nLine two *not em*\n\nAfter a blank line"))
    assert "Line one  \nLine two \\*not em\\*\n" in text
    assert "> Line one  \n> Line two \\*not em\\*\n>\n> After a blank line" in text
    plain = render_markdown(everywhere("Tom & Jerry's café, 3.5 hours (approx.) - fine"))
    assert "Tom & Jerry's café, 3.5 hours (approx.) - fine" in plain, "prose is left alone"


def test_markdown_note_quote_ends_on_its_last_line_of_text() -> None:
    for text in ("Ana wants to meet.\n", "\n\nAna wants to meet.\nSoon.\n\n\n", "One.\r\n"):
        doc = Document(
            title="Summary",
            header=Header("RJ-1", "Sam", "today", "names"),
            sections=(Section("Notes", (Note("Sam", "today", text),)),),
        )
        lines = render_markdown(doc).split("\n")
        quoted = [number for number, line in enumerate(lines) if line.startswith(">")]
        assert lines[quoted[0]] != ">", repr(text)
        assert lines[quoted[-1]] != ">", repr(text)
        assert lines[quoted[-1]].rstrip() in ("> Ana wants to meet.", "> Soon.", "> One.")


def test_markdown_url_and_email_do_not_autolink() -> None:
    text = render_markdown(
        everywhere("see https://evil.example and www.evil.example or a@b.example")
    )
    assert "https\\://evil.example" in text and "www\\.evil.example" in text
    assert "a\\@b.example" in text
    assert "<a " not in markdown_it().render(text)


def test_markdown_table_cells_hold_one_line_and_escape_pipes() -> None:
    doc = everywhere("x")
    table = Table(("A | B", "C"), (("one\ntwo | three", "z"),))
    text = render_markdown(Document("t", doc.header, (Section("s", (table,)),)))
    assert "| A \\| B | C |" in text
    assert "| one / two \\| three | z |" in text
    assert markdown_it().render(text).count("<td>") == 2


# --------------------------------------------------------------------------------- html


def test_html_of_hostile_document_has_nothing_active(hostile: Document) -> None:
    page = render_html(hostile)
    assert not UNSAFE.search(page)
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    parsed = parse_html(page)
    allowed = {
        "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2",
        "dl", "dt", "dd", "p", "section", "div", "ul", "li", "table", "colgroup", "col",
        "thead", "tbody", "tr", "th", "td", "article", "span",
    }  # fmt: skip
    assert {tag for tag, _ in parsed.tags} <= allowed
    for tag, attrs in parsed.tags:
        for name, _ in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "href", "srcset", "action", "formaction", "style"), tag
    assert "[@click=app.quit]quit[/]" in "".join(parsed.text), "Textual markup stays text"


def test_html_structure_does_not_depend_on_user_text(hostile: Document) -> None:
    def shape(page: str) -> list[tuple[str, tuple[str, ...]]]:
        return [
            (tag, tuple(name for name, _ in attrs if name != "data-label"))
            for tag, attrs in parse_html(page).tags
        ]

    baseline = shape(render_html(everywhere("x")))
    for text in ("<b>x</b>", '"><script>alert(1)</script>', "' onmouseover='x", "</style><i>"):
        assert shape(render_html(everywhere(text))) == baseline


def test_html_is_self_contained_with_a_strict_policy(hostile: Document) -> None:
    page = render_html(hostile)
    parsed = parse_html(page)
    metas = {
        (attrs.get("http-equiv") or attrs.get("name") or "charset"): attrs
        for attrs in (dict(a) for tag, a in parsed.tags if tag == "meta")
    }
    assert page.startswith("<!DOCTYPE html>\n")
    assert metas["charset"].get("charset") == "utf-8"
    assert "width=device-width" in (metas["viewport"]["content"] or "")
    policy = metas["Content-Security-Policy"]["content"] or ""
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy
    digest = base64.b64encode(hashlib.sha256(parsed.style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy, "the policy allows exactly our stylesheet"
    style = parsed.style
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert "@page" in style and "size: A4" in style and "@media (max-width" in style
    assert "break-inside: avoid" in style


def test_css_string_cannot_break_out() -> None:
    quoted = css_string('RJ-1"; } </style><script>x</script> \\ é')
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    assert not set(inner) & set("\"'<>;{}/") - {"\\"}
    assert re.fullmatch(r"(?:[A-Za-z0-9 \-_.,:]|\\[0-9a-f]{6})*", inner)


def test_html_keeps_note_lines_and_wraps_long_words() -> None:
    page = render_html(everywhere(f"Line one\nLine two\n{LONG_WORD}"))
    assert "Line one\nLine two\n" in page
    assert "white-space: pre-wrap" in page and "overflow-wrap: anywhere" in page
    assert "table-layout: fixed" in page


# ---------------------------------------------------------------------------------- pdf


def test_pdf_of_hostile_document_renders_everything_as_text(hostile_pdf: bytes) -> None:
    text = pdf_text(hostile_pdf)
    assert not UNSAFE.search(text)
    assert "<script>alert(1)</script>" in text
    assert "[@click=app.quit]quit[/]" in text
    assert "<ESC>[31mred<ESC>[0m" in text, "terminal escapes are shown, not obeyed"
    assert "<U+202E>gnp.exe<U+202C>" in text, "bidi overrides are shown, not obeyed"
    reader = PdfReader(io.BytesIO(hostile_pdf))
    assert not reader.is_encrypted
    for page in reader.pages:  # no links, no actions, no JavaScript anywhere
        assert "/Annots" not in page
    for action in (b"/JavaScript", b"/JS", b"/URI", b"/Launch", b"/SubmitForm", b"/AA"):
        assert action not in hostile_pdf, action
    # fpdf2's one OpenAction is a destination (open at page 1, full width), not an action.
    assert re.findall(rb"/OpenAction ([^\n]*)", hostile_pdf) == [b"[3 0 R /FitH null]"]


def test_pdf_pages_are_a4_with_a_footer_on_each(hostile_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(hostile_pdf))
    pages = len(reader.pages)
    assert pages > 3
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842), "A4 in points"
        text = page.extract_text()
        assert f"Page {number} of {pages}" in text
        assert "RJ-2025-017" in text


def test_pdf_wraps_a_long_word_and_a_ten_thousand_character_note() -> None:
    note = ("word " * 2000).strip()
    doc = Document(
        "t",
        Header("RJ-1", "me", "now", "none"),
        (Section("Notes", (Note("me", "now", note), Paragraph(LONG_WORD))),),
    )
    text = pdf_text(render_pdf(doc))
    assert text.count("word") == 2000
    assert re.sub(r"\s+", "", text).count("Pneumonoultramicroscopicsilicovolcanoconiosis") == 40


def test_a_long_summary_keeps_every_note_once_in_every_format() -> None:
    doc = long_summary(40)
    notes = [block for block in doc.sections[-1].blocks if isinstance(block, Note)]
    assert len(notes) == 40
    flat = {
        "md": " ".join(render_markdown(doc).split()),
        "html": " ".join(" ".join(parse_html(render_html(doc)).text).split()),
        "pdf": " ".join(pdf_text(render_pdf(doc)).split()),
    }
    for fmt, text in flat.items():
        for note in notes:  # each note's time is its own: minute i of the i-th note
            assert text.count(note.when) == 1, (fmt, note.when)
        assert text.index(notes[0].when) < text.index(notes[-1].when), fmt


def test_pdf_repeats_table_headers_across_pages() -> None:
    rows = tuple((f"{n} May", f"Row {n} " + "text " * 12, "Due") for n in range(1, 151))
    doc = Document(
        "t",
        Header("RJ-1", "me", "now", "none"),
        (Section("Deadlines", (Table(("Due date", "What is due", "Status"), rows, wide=(1,)),)),),
    )
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert "What is due" in page.extract_text()
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"Row {n} " in text for n in range(1, 151))


HEADING = "Who is involved, and who is not"
LEAD_LINE = "Newest first. Private notes are never included."
OPENINGS = {
    "table": Table(
        ("Role", "Name", "Taking part"),
        tuple((f"Person {i}", "Name\nsecond\nthird", "Given\nmore\nmore\nmore") for i in range(6)),
    ),
    "note": Note("Sam", "3 Dec", "\n".join(f"Note line {i}." for i in range(8)), ("About: A.",)),
    "flag": Flag("Sensitive and complex", tuple(f"Reason {i}" for i in range(8)), "blocking"),
    "key values": KeyValues(tuple((f"Fact {i}", "one\ntwo") for i in range(5))),
}


def _page_ends(data: bytes) -> list[str]:
    """The last line of text on each page, the footer (reference, page number) left out."""
    ends = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines = [line.strip() for line in (page.extract_text() or "").splitlines()]
        content = [line for line in lines if line and "Page " not in line and line != "RJ-1"]
        ends.append(content[-1] if content else "")
    return ends


@pytest.mark.parametrize("first", list(OPENINGS))
def test_pdf_never_ends_a_page_on_a_section_heading(first: str) -> None:
    # The filler grows a line at a time, so the heading meets the page's foot at one of them.
    for filler in range(29, 38):
        document = Document(
            title="Supervisor summary: RJ-1",
            header=Header("RJ-1", "Sam", "3 Dec 2026", "Names replaced by roles"),
            sections=(
                Section("Filler", (Paragraph("\n".join(f"Line {i}." for i in range(filler))),)),
                Section(HEADING, (OPENINGS[first],), lead=LEAD_LINE if first == "note" else None),
                Section("Afterwards", (Paragraph("The end."),)),
            ),
        )
        ends = _page_ends(render_pdf(document))
        assert len(ends) >= 2
        assert HEADING not in ends and LEAD_LINE not in ends, (filler, ends)


def test_pdf_splits_a_row_taller_than_a_page() -> None:
    tall = "\n".join(f"line {n}" for n in range(200))
    doc = Document(
        "t",
        Header("RJ-1", "me", "now", "none"),
        (Section("s", (Table(("A", "B"), (("x", tall),)),)),),
    )
    reader = PdfReader(io.BytesIO(render_pdf(doc)))
    assert len(reader.pages) >= 3
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(f"line {n}" in text for n in range(200))


def test_pdf_names_in_many_scripts() -> None:
    doc = Document("t", Header("RJ-1", "me", "now", "none"), (Section("s", (Paragraph(NAMES),)),))
    text = pdf_text(render_pdf(doc, fallback_fonts=()))
    for name in ("Zażółć Gęślą Jaźń", "Ёжик Иванов", "Ελένη"):
        assert name in text
    assert "<U+5F20><U+4F1F>" in text, "without a CJK font, Han is shown by code point"


@pytest.mark.skipif(
    not Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf").is_file(),
    reason="needs a CJK font (Debian: fonts-droid-fallback)",
)
def test_pdf_draws_cjk_from_a_fallback_font() -> None:
    doc = Document("t", Header("RJ-1", "me", "now", "none"), (Section("s", (Paragraph(NAMES),)),))
    data = render_pdf(
        doc,
        fallback_fonts=[
            "/nonexistent.ttf",
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        ],
    )
    text = pdf_text(data)
    assert "张伟" in text, "Han from the fallback font"
    assert "<U+AE40><U+BBFC><U+C900>" in text, "Hangul, which it lacks, by code point"


# ---------------------------------------------------------------------------- encryption

CANARY = "CANARY-4417-Okafor"


def canary_document() -> Document:
    return Document(
        f"Summary {CANARY}",
        Header(CANARY, CANARY, "now", "none"),
        (Section("s", (Paragraph(f"text {CANARY}"),)),),
    )


def test_pdf_without_password_is_plain() -> None:
    data = render_pdf(canary_document())
    assert CANARY.encode() in data or CANARY.encode("utf-16-be") in data
    assert CANARY in pdf_text(data)


def test_pdf_with_password_is_aes256_and_opens_only_with_it() -> None:
    data = render_pdf(canary_document(), password="correct horse")
    for encoded in (CANARY.encode(), CANARY.encode("utf-16-be"), b"CANARY"):
        assert encoded not in data, "no plaintext, metadata included"
    reader = PdfReader(io.BytesIO(data))
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"]
    assert encrypt["/V"] == 5 and encrypt["/R"] == 6, "AES-256 (PDF 2.0 handler)"
    assert not reader.decrypt("wrong password")
    with pytest.raises(Exception):  # noqa: B017 - pypdf's error type varies by version
        PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert CANARY in pdf_text(data, password="correct horse")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_pdf_with_password_opens_in_another_reader(tmp_path: Path) -> None:
    path = tmp_path / "summary.pdf"
    path.write_bytes(render_pdf(canary_document(), password="pässwörd ✓"))
    good = subprocess.run(
        ["pdftotext", "-upw", "pässwörd ✓", str(path), "-"], capture_output=True, text=True
    )
    assert good.returncode == 0 and CANARY in good.stdout
    bad = subprocess.run(
        ["pdftotext", "-upw", "nope", str(path), "-"], capture_output=True, text=True
    )
    assert bad.returncode != 0 and CANARY not in bad.stdout


def test_pdf_empty_password_is_refused() -> None:
    from rjfacil.export.errors import ExportFailed

    with pytest.raises(ExportFailed, match="password is empty"):
        render_pdf(canary_document(), password="")


def test_pdf_never_asks_a_font_for_a_glyph_it_lacks(
    hostile: Document, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render_pdf(hostile, fallback_fonts=())
    assert not [r for r in caplog.records if "missing" in r.getMessage().lower()]


def test_pdf_page_count_placeholder_is_not_user_text() -> None:
    doc = Document(
        "t", Header("RJ-1", "me", "now", "none"), (Section("s", (Paragraph("{nb} pages"),)),)
    )
    text = pdf_text(render_pdf(doc))
    assert "{nb} pages" in text and "Page 1 of 1" in text


def test_pdf_table_of_very_many_columns() -> None:
    header = tuple(f"Column {n}" for n in range(80))
    doc = Document(
        "t", Header("RJ-1", "me", "now", "none"), (Section("s", (Table(header, (header,)),)),)
    )
    assert PdfReader(io.BytesIO(render_pdf(doc))).pages


def test_pdf_symbols_from_the_bundled_fallback_and_plain_text_after_them() -> None:
    # A run drawn with a fallback font must not leave that font selected for the next.
    doc = Document(
        "✓ Checked",
        Header("RJ-1", "me", "now", "none"),
        (
            Section(
                "s",
                (
                    Paragraph("⚠ first\nplain line after a symbol"),
                    BulletList(("✓ done", "plain item")),
                    Note("✗ author", "now", "plain note text"),
                ),
            ),
        ),
    )
    data = render_pdf(doc, fallback_fonts=())
    text = pdf_text(data)
    for expected in ("✓ Checked", "⚠ first", "plain line after a symbol", "✓ done", "plain item"):
        assert expected in text
    assert "plain note text" in text and "<U+" not in text
    if shutil.which("pdftotext"):
        checked = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True)
        assert checked.returncode == 0 and b"Error" not in checked.stderr
