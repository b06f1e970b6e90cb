"""The export document: what an export says, with no opinion on how it looks.

A :class:`Document` is a title, a :class:`Header` of facts every export states (case
reference, who exported it and when, the redaction level, a notice), and
:class:`Section` objects holding blocks: :class:`Paragraph`, :class:`BulletList`,
:class:`KeyValues`, :class:`Table`, :class:`Flag` and :class:`Note`.

Every piece of content is a plain ``str`` and is treated as data by every renderer,
never as markup: a name holding ``<script>`` or ``[x](javascript:...)`` prints as those
characters. The model is immutable (frozen dataclasses over tuples) and checks its
types when built, so a stray Rich ``Text`` or a list of lists fails here, at the
builder, rather than in a renderer. Lists given where tuples are declared are accepted
and stored as tuples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias

FlagTone: TypeAlias = Literal["blocking", "attention", "info"]
"""How loud a :class:`Flag` is: ``blocking`` stops the case, ``attention`` asks for a
look, ``info`` is a remark."""

FLAG_TONES: tuple[FlagTone, ...] = ("blocking", "attention", "info")

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def _texts(values: Iterable[str], what: str) -> tuple[str, ...]:
    if isinstance(values, str):
        raise TypeError(f"{what} must be a sequence of str, not a single str")
    return tuple(_text(value, what) for value in values)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # frozen dataclasses normalise in __post_init__


@dataclass(frozen=True, slots=True)
class Header:
    """The facts at the top of every export.

    Attributes:
        case_reference: The case's reference, also printed in the PDF footer.
        exported_by: Who made the export (a name, or a role when names are redacted).
        exported_at: When, already formatted for people (the views layer owns dates).
        redaction: The redaction level in words, e.g. "Names replaced by roles".
        notice: A line shown prominently under the facts, e.g. "Names shown: this
            export contains personal data". Empty for none.
        extra: Further facts as (label, value) pairs, shown after the four above.
    """

    case_reference: str
    exported_by: str
    exported_at: str
    redaction: str
    notice: str = ""
    extra: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for name in ("case_reference", "exported_by", "exported_at", "redaction", "notice"):
            _text(getattr(self, name), f"Header.{name}")
        _set(self, "extra", _pairs(self.extra, "Header.extra"))

    def facts(self) -> tuple[tuple[str, str], ...]:
        """Every fact as (label, value), in the order an export shows them."""
        return (
            ("Case reference", self.case_reference),
            ("Exported by", self.exported_by),
            ("Exported at", self.exported_at),
            ("Redaction", self.redaction),
            *self.extra,
        )


def _pairs(values: Iterable[tuple[str, str]], what: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for pair in values:
        items = _texts(pair, what)
        if len(items) != 2:
            raise ValueError(f"{what} holds (label, value) pairs, got {len(items)} items")
        pairs.append((items[0], items[1]))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text. Newlines in it are kept as line breaks."""

    text: str

    def __post_init__(self) -> None:
        _text(self.text, "Paragraph.text")


@dataclass(frozen=True, slots=True)
class BulletList:
    """An unordered list of short items."""

    items: tuple[str, ...]

    def __post_init__(self) -> None:
        _set(self, "items", _texts(self.items, "BulletList.items"))


@dataclass(frozen=True, slots=True)
class KeyValues:
    """Labelled facts, e.g. "Process: direct meeting"."""

    pairs: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        _set(self, "pairs", _pairs(self.pairs, "KeyValues.pairs"))


@dataclass(frozen=True, slots=True)
class Table:
    """A header row and rows of plain strings, all of the header's length.

    Attributes:
        header: The column titles.
        rows: The cells, row by row.
        wide: Indexes of columns that hold running text and get more of the width.
        empty: What to say when there are no rows.
        widths: Each column's share of the width, where three to one would break the
            narrow columns' words (see :attr:`shares`).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    wide: tuple[int, ...] = ()
    empty: str = "None."
    widths: tuple[int, ...] = ()

    @property
    def shares(self) -> tuple[int, ...]:
        """Each column's share of the width: ``widths`` when given, else three for a wide
        column and one for another."""
        if self.widths:
            return self.widths
        return tuple(3 if index in self.wide else 1 for index in range(len(self.header)))

    def __post_init__(self) -> None:
        header = _texts(self.header, "Table.header")
        if not header:
            raise ValueError("Table.header needs at least one column")
        rows = tuple(_texts(row, "Table.rows") for row in self.rows)
        for number, row in enumerate(rows, start=1):
            if len(row) != len(header):
                raise ValueError(
                    f"Table row {number} has {len(row)} cells; the header has {len(header)}"
                )
        wide = tuple(sorted(set(self.wide)))
        for index in wide:
            if not isinstance(index, int) or isinstance(index, bool):
                raise TypeError("Table.wide holds column indexes (int)")
            if not 0 <= index < len(header):
                raise ValueError(f"Table.wide names column {index}; there are {len(header)}")
        if self.widths and (
            len(self.widths) != len(header)
            or not all(type(share) is int and share > 0 for share in self.widths)
        ):
            raise ValueError("Table.widths gives a positive whole share for each column")
        _text(self.empty, "Table.empty")
        _set(self, "header", header)
        _set(self, "rows", rows)
        _set(self, "wide", wide)
        _set(self, "widths", tuple(self.widths))


@dataclass(frozen=True, slots=True)
class Flag:
    """A short emphasised statement with the reasons behind it.

    Attributes:
        statement: What the reader must notice, e.g. "Sensitive and complex case".
        reasons: Why, one line each (the answers or records that raised it).
        tone: ``blocking``, ``attention`` (the default) or ``info``.
    """

    statement: str
    reasons: tuple[str, ...] = ()
    tone: FlagTone = "attention"

    def __post_init__(self) -> None:
        _text(self.statement, "Flag.statement")
        _set(self, "reasons", _texts(self.reasons, "Flag.reasons"))
        if self.tone not in FLAG_TONES:
            raise ValueError(f"Flag.tone must be one of {', '.join(FLAG_TONES)}")


@dataclass(frozen=True, slots=True)
class Note:
    """A note as written, with who wrote it and when.

    Attributes:
        author: Who wrote it.
        when: When, already formatted for people.
        text: The note itself; may run to many lines, each kept.
        tags: Short facts about the note, e.g. "About: person harmed",
            "From the participant", "May be shared with: co-worker".
    """

    author: str
    when: str
    text: str
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("author", "when", "text"):
            _text(getattr(self, name), f"Note.{name}")
        _set(self, "tags", _texts(self.tags, "Note.tags"))


Block: TypeAlias = Paragraph | BulletList | KeyValues | Table | Flag | Note
BLOCK_TYPES = (Paragraph, BulletList, KeyValues, Table, Flag, Note)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, an optional lead paragraph and the blocks under it.

    Attributes:
        heading: The section's title.
        blocks: Its content, in order.
        lead: A sentence or two saying what the section answers; None for none.
        empty: What to say when there are no blocks.
    """

    heading: str
    blocks: tuple[Block, ...] = ()
    lead: str | None = None
    empty: str = "Nothing recorded."

    def __post_init__(self) -> None:
        _text(self.heading, "Section.heading")
        if self.lead is not None:
            _text(self.lead, "Section.lead")
        _text(self.empty, "Section.empty")
        if isinstance(self.blocks, str):
            raise TypeError("Section.blocks must be a sequence of blocks")
        blocks = tuple(self.blocks)
        for block in blocks:
            if not isinstance(block, BLOCK_TYPES):
                raise TypeError(f"Section.blocks cannot hold a {type(block).__name__}")
        _set(self, "blocks", blocks)


@dataclass(frozen=True, slots=True)
class Document:
    """An export, ready to render.

    Attributes:
        title: E.g. "Supervisor summary".
        header: The facts every export states.
        sections: The body, in order.
        language: The BCP 47 tag of the document's own wording (HTML ``lang``).
    """

    title: str
    header: Header
    sections: tuple[Section, ...] = ()
    language: str = "en"

    def __post_init__(self) -> None:
        _text(self.title, "Document.title")
        if not isinstance(self.header, Header):
            raise TypeError("Document.header must be a Header")
        if isinstance(self.sections, str):
            raise TypeError("Document.sections must be a sequence of Section")
        sections = tuple(self.sections)
        for section in sections:
            if not isinstance(section, Section):
                raise TypeError(f"Document.sections cannot hold a {type(section).__name__}")
        if not (isinstance(self.language, str) and _LANGUAGE.fullmatch(self.language)):
            raise ValueError("Document.language must be a language tag such as 'en-GB'")
        _set(self, "sections", sections)
