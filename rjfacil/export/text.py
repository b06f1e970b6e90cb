"""User text prepared for an export, the same way for every format.

Every string of a :class:`~rjfacil.export.document.Document` passes through
:func:`clean` (or :func:`one_line`) before a renderer escapes it for its own format:
line endings become ``\\n``; C0 control characters and DEL are spelt out (``<ESC>``,
``<NUL>``: an export is read in fonts that often lack the control pictures a terminal
shows); C1 controls and bidirectional overrides become visible by
:func:`rjfacil.sanitize.visible` (``<U+202E>``); lone surrogates, which no encoder
accepts, become U+FFFD.
"""

from __future__ import annotations

import re

from rjfacil.sanitize import visible

_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029")
_SURROGATES = re.compile("[\ud800-\udfff]")
_BLANKS = re.compile("[\n\t]+")
_C0 = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
C0_NAMES = (
    *("NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF"),
    *("VT", "FF", "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK"),
    *("SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"),
)


def _name(match: re.Match[str]) -> str:
    code = ord(match.group())
    return "<DEL>" if code == 0x7F else f"<{C0_NAMES[code]}>"


def clean(text: str) -> str:
    """Return ``text`` with normal line ends and every unsafe character made visible."""
    text = _NEWLINES.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", text)
    return visible(_C0.sub(_name, text))


def one_line(text: str) -> str:
    """Like :func:`clean`, for places that hold a single line: newlines become spaces."""
    return _BLANKS.sub(" ", clean(text))


def blank(text: str) -> bool:
    """Whether ``text`` shows nothing once cleaned (every renderer asks the same question)."""
    return not clean(text).strip()
