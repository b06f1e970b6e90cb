"""Property tests: arbitrary text in every field never breaks escaping or a renderer.

Examples per run: Markdown 400 + 300, HTML 400 + 300, PDF 60 (``--hypothesis-show-statistics``
prints the counts).
"""

from __future__ import annotations

import html
import io
import os
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from rjfacil.export.document import Document, Header, Paragraph, Section
from rjfacil.export.html import render_html
from rjfacil.export.markdown import render_markdown
from rjfacil.export.pdf import render_pdf
from rjfacil.export.text import blank, clean
from tests.export_samples import everywhere
from tests.test_export_render import UNSAFE, markdown_it, md_tokens, parse_html

FRAGMENTS = (
    "[@click=app.quit]x[/]", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<!--",
    "-->", "<![CDATA[", "[a](javascript:alert(1))", "![i](x)", "[r]: /url", "<http://x.y>",
    "https://x.example", "www.x.example", "a@b.example", "*", "**", "_", "__", "`", "```", "~~",
    "~~~", "|", "---", "===", "#", "> ", "- ", "+ ", "1. ", "2) ", "    ", "\t", "\n", "\r\n", "\r",
    "\n\n", "\\", "&amp;", "&#60;", "&#x3C;", "&nbsp", "$", "$$", "{nb}", '"', "'", "\x1b[31m",
    "\x1b]8;;http://x\x07", "\x00", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u200f",
    "\u2028", "\u00a0", "\u3000", "\ufeff", "\ud800", "\ue000", "\U0001f600", "e\u0301",
    "مرحبا", "שלום", "नमस्ते", "张伟", "Łódź", "x" * 300, "</style>", "\\]", "](",
)  # fmt: skip

fragments = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)
anything = st.text(st.characters(exclude_categories=()), max_size=80)
texts = st.lists(st.one_of(fragments, anything), min_size=1, max_size=4).map("".join)

# RJFACIL_FUZZ_EXAMPLES raises every count for a long campaign; these keep make test quick.
SCALE = int(os.environ.get("RJFACIL_FUZZ_EXAMPLES", "0"))
FAST = settings(
    max_examples=max(SCALE, 150), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
MIXED = settings(
    max_examples=max(SCALE, 100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=max(SCALE // 10, 20), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ACTIVE_MD = {
    "html_inline", "html_block", "link_open", "image", "code_inline", "code_block", "fence",
    "em_open", "s_open", "ordered_list_open", "hr", "heading_open",
}  # fmt: skip


def md_shape(text: str) -> Counter[str]:
    """Which constructs the Markdown parses into, bar paragraphs, breaks and text."""
    kinds = Counter(md_tokens(text))
    for loose in ("paragraph_open", "paragraph_close", "inline", "softbreak", "hardbreak"):
        kinds.pop(loose, None)
    kinds.pop("text", None)
    kinds.pop("text_special", None)
    return kinds


def html_shape(page: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(tag, tuple(name for name, _ in attrs)) for tag, attrs in parse_html(page).tags]


BASE = {True: everywhere(""), False: everywhere("x")}
MD_BASE = {key: md_shape(render_markdown(doc)) for key, doc in BASE.items()}
HTML_BASE = {key: html_shape(render_html(doc)) for key, doc in BASE.items()}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@FAST
@given(texts)
def test_markdown_structure_never_depends_on_the_text(text: str) -> None:
    out = render_markdown(everywhere(text))
    assert not UNSAFE.search(out)
    shape = md_shape(out)
    assert shape == MD_BASE[blank(text)]
    headings = shape["heading_open"]
    assert headings == 3, "the title, two section headings and nothing else"


@FAST
@given(texts)
def test_markdown_shows_exactly_the_users_words(text: str) -> None:
    doc = Document("t", Header("r", "b", "a", "x"), (Section("s", (Paragraph(text),)),))
    tokens = MarkdownIt("gfm-like", {"html": True, "linkify": True})
    tokens.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    parsed = tokens.parse(render_markdown(doc))
    kinds = {t.type for t in parsed} | {c.type for t in parsed for c in t.children or ()}
    assert not kinds & (ACTIVE_MD - {"heading_open"})
    start = max(i for i, t in enumerate(parsed) if t.type == "heading_close") + 1
    shown = " ".join(
        "".join(
            child.content if child.type in ("text", "text_special") else " "
            for child in token.children or ()
        )
        for token in parsed[start:]
        if token.type == "inline"
    )
    assert squash(shown) == squash(clean(text))


@MIXED
@given(texts, texts)
def test_markdown_mixed_fields(first: str, second: str) -> None:
    rendered = markdown_it().render(render_markdown(everywhere(first + "\n" + second)))
    for active in ("<a ", "<img", "<script", "<em>", "<code>", "<pre>", "<del>", "<s>", "<h3"):
        assert active not in rendered


@FAST
@given(texts)
def test_html_structure_never_depends_on_the_text(text: str) -> None:
    page = render_html(everywhere(text))
    assert not UNSAFE.search(page)
    assert html_shape(page) == HTML_BASE[blank(text)]
    shown = html.unescape(page)
    assert clean(text).strip("\n") in shown or blank(text)


@MIXED
@given(texts, texts)
def test_html_attribute_values_stay_inside_their_quotes(first: str, second: str) -> None:
    page = render_html(everywhere(first + '"' + second + "'"))
    for tag, attrs in parse_html(page).tags:
        for name, _ in attrs:
            assert not name.startswith("on") and name not in ("src", "href", "style"), tag


@SLOW
@given(texts)
def test_pdf_renders_any_text(text: str) -> None:
    data = render_pdf(everywhere(text))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    extracted = "".join(page.extract_text() or "" for page in reader.pages)
    assert not re.search("[\x1b\u202a-\u202e\u2066-\u2069]", extracted)
