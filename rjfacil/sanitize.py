"""Make user text safe to show: control characters and bidi overrides become visible.

Rich passes ESC through to the terminal and a right-to-left override can disguise a name,
so every piece of user text goes through ``visible`` before a terminal or an export sees it.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides
# and isolates (U+202A-202E, U+2066-2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\n\t]")


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture", e.g. ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def visible(text: str, single_line: bool = False) -> str:
    """Return ``text`` with every control or bidi character shown as a visible symbol."""
    shown = _UNSAFE.sub(_show, text)
    if single_line:
        shown = _LINE_BREAKS.sub(" ", shown)
    return shown
