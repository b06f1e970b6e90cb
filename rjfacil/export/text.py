"""User text prepared for an export, the same way for every format.

Every string of a :class:`~rjfacil.export.document.Document` passes through
:func:`clean` (or :func:`one_line`) before a renderer escapes it for its own format:
line endings become ``\\n``, control characters and bidirectional overrides become
visible symbols (:func:`rjfacil.sanitize.visible`), and lone surrogates, which no
encoder accepts, become U+FFFD.
"""

from __future__ import annotations

import re

from rjfacil.sanitize import visible

_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANKS = re.compile("[\n\t]+")


def clean(text: str) -> str:
    """Return ``text`` with normal line ends and every unsafe character made visible."""
    text = _NEWLINES.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", text)
    return visible(text)


def one_line(text: str) -> str:
    """Like :func:`clean`, for places that hold a single line: newlines become spaces."""
    return _BLANKS.sub(" ", clean(text))


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing once cleaned (every renderer asks the same question)."""
    return not clean(text).strip()
