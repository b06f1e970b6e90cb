"""The export document model: immutable, plain strings only, checked when built."""

from __future__ import annotations

import dataclasses

import pytest

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
from rjfacil.export.text import blank, clean, one_line

HEADER = Header("RJ-1", "Sam", "4 Dec 2025", "Names replaced by roles")


def test_lists_become_tuples_and_the_model_is_frozen() -> None:
    table = Table(["A", "B"], [["1", "2"]], wide=[1])  # type: ignore[arg-type]
    assert table.header == ("A", "B") and table.rows == (("1", "2"),) and table.wide == (1,)
    section = Section("s", [Paragraph("p")])  # type: ignore[arg-type]
    doc = Document("t", HEADER, [section])  # type: ignore[arg-type]
    assert isinstance(doc.sections, tuple) and isinstance(section.blocks, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.title = "x"  # type: ignore[misc]
    assert hash(doc) == hash(Document("t", HEADER, (Section("s", (Paragraph("p"),)),)))


def test_a_tables_columns_share_the_width_three_to_one_or_as_it_says() -> None:
    assert Table(("A", "B", "C"), wide=(1,)).shares == (1, 3, 1)
    assert Table(("A", "B"), wide=(1,), widths=[2, 3]).shares == (2, 3)  # type: ignore[arg-type]


def test_header_facts_in_order_with_extras() -> None:
    header = Header("RJ-1", "Sam", "now", "none", "Names shown", (("Notes", "All"),))
    assert [label for label, _ in header.facts()] == [
        "Case reference",
        "Exported by",
        "Exported at",
        "Redaction",
        "Notes",
    ]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Paragraph(1),
        lambda: Paragraph(b"bytes"),
        lambda: BulletList("one string"),
        lambda: BulletList(("ok", None)),
        lambda: KeyValues((("k", 2),)),
        lambda: Note("a", "b", object()),
        lambda: Flag("s", "reason as a str"),
        lambda: Section("s", (object(),)),
        lambda: Section("s", "not blocks"),
        lambda: Document("t", object()),
        lambda: Document("t", HEADER, (Paragraph("not a section"),)),
        lambda: Header("RJ", "a", "b", 3),
        lambda: Table(("A",), (), wide=(True,)),
    ],
)
def test_anything_but_plain_strings_is_refused(build: object) -> None:
    with pytest.raises(TypeError):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Table(()),
        lambda: Table(("A", "B"), (("only one",),)),
        lambda: Table(("A",), wide=(1,)),
        lambda: Table(("A", "B"), widths=(1,)),
        lambda: Table(("A",), widths=(0,)),
        lambda: Table(("A",), widths=(True,)),
        lambda: KeyValues((("k", "v", "extra"),)),
        lambda: Flag("s", tone="urgent"),
        lambda: Document("t", HEADER, language='en"><script>'),
    ],
)
def test_malformed_structure_is_refused(build: object) -> None:
    with pytest.raises(ValueError):
        build()  # type: ignore[operator]


def test_clean_makes_controls_and_overrides_visible() -> None:
    assert clean("a\r\nb\rc\u2028d") == "a\nb\nc\nd"
    assert clean("\x1b[31m\x00\x7f") == "<ESC>[31m<NUL><DEL>"
    assert clean("\x9b1m") == "<U+009B>1m"
    assert clean("\u202eabc") == "<U+202E>abc"
    assert clean("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean("tab\tkept\nnewline kept") == "tab\tkept\nnewline kept"
    assert one_line("a\nb\tc") == "a b c"
    assert blank(" \n\t\u2028") and not blank("\x1c") and not blank("x")
