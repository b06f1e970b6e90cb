"""Documents for the export tests: a hostile one, and a builder that puts one text everywhere."""

from __future__ import annotations

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

TEXTUAL = "[@click=app.quit]quit[/] [bold red]loud[/]"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_LINK = "[click me](javascript:alert(3)) ![img](http://evil.example/x.png) <http://evil.example>"
ESCAPES = "\x1b[31mred\x1b[0m\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x07\x00\x9b1m"
BIDI = "\u202egnp.exe\u202c \u2066isolate\u2069 \u202dLRO\u202c"
MD_SYNTAX = (
    "*em* _em_ **strong** __strong__ `code` ~~gone~~ | pipe | $x$ &amp; &#60;b&#62; a@b.example"
)
LINE_STARTS = (
    "# heading\n> quote\n- item\n+ item\n* item\n1. one\n2) two\n    code\n---\n===\n```\nfence"
)
URLS = "https://evil.example/path www.evil.example mailto:x@evil.example"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 40
NAMES = "Zażółć Gęślą Jaźń · Ёжик Иванов · Ελένη · محمد عبد الله · שרה · नमस्ते · 张伟 · 김민준"

HOSTILE = " ".join((TEXTUAL, SCRIPT, IMG, MD_LINK, ESCAPES, BIDI, MD_SYNTAX, URLS))


def hostile_document() -> Document:
    """Every field holds markup, script, escapes and overrides; some blocks are huge."""
    ten_k = ("A long note. " + HOSTILE + "\n") * 30
    ten_k = (ten_k * (10_000 // len(ten_k) + 1))[:10_000]
    return Document(
        title=f"Supervisor summary {HOSTILE}",
        header=Header(
            case_reference=f"RJ-2025-017 {SCRIPT} {ESCAPES} {BIDI}",
            exported_by=f"Sam Okafor {TEXTUAL} {IMG}",
            exported_at="4 December 2025, 16:40 UTC",
            redaction=f"None: names shown {MD_SYNTAX}",
            notice=f"Names shown: this export contains personal data {SCRIPT}",
            extra=((f"Notes {MD_LINK}", f"All {BIDI}"),),
        ),
        sections=(
            Section(
                f"Risk {HOSTILE}",
                lead=f"Is the risk assessment adequate? {HOSTILE}\n{LINE_STARTS}",
                blocks=(
                    Flag(
                        f"Sensitive and complex {HOSTILE}",
                        (NAMES, HOSTILE, LINE_STARTS),
                        "blocking",
                    ),
                    Flag(HOSTILE, (), "attention"),
                    Flag("", (HOSTILE,), "info"),
                    Paragraph(f"{HOSTILE}\n{LINE_STARTS}\n{URLS}\n{LONG_WORD}"),
                    BulletList((HOSTILE, LINE_STARTS, "", LONG_WORD)),
                    KeyValues(((HOSTILE, HOSTILE), (LINE_STARTS, LINE_STARTS), ("", ""))),
                    Table(
                        (f"When {SCRIPT}", f"Risk | {MD_LINK}", "Mitigation"),
                        (
                            ("1 Dec", HOSTILE, LINE_STARTS),
                            (LONG_WORD, "", ten_k),
                            ("", "", ""),
                        ),
                        wide=(1, 2),
                    ),
                    Table((HOSTILE,), ()),
                    Note(f"Sam {HOSTILE}", f"3 Dec {SCRIPT}", ten_k, (HOSTILE, NAMES)),
                    Note("", "", "", ()),
                    Note(NAMES, "today", f"{LINE_STARTS}\n\n\n{HOSTILE}\r\nCRLF line\rCR line"),
                ),
            ),
            Section(f"Empty {HOSTILE}", empty=f"Nothing {SCRIPT}"),
            Section("Names", lead=None, blocks=(Paragraph(NAMES), BulletList(()))),
        ),
    )


def everywhere(text: str) -> Document:
    """A document of every block type with ``text`` in every field."""
    return Document(
        title=text,
        header=Header(text, text, text, text, text, ((text, text),)),
        sections=(
            Section(
                text,
                lead=text,
                blocks=(
                    Paragraph(text),
                    BulletList((text, text)),
                    KeyValues(((text, text),)),
                    Table((text, text), ((text, text),), wide=(1,), empty=text),
                    Table((text,), (), empty=text),
                    Flag(text, (text,), "blocking"),
                    Note(text, text, text, (text,)),
                ),
            ),
            Section(text, empty=text),
        ),
    )
