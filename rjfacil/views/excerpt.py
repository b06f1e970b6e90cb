"""The part of a long text around a search match, cut at words, as a result list shows it."""

from __future__ import annotations

REACH = 40  # characters of context wanted on each side of the match


def excerpt(text: str, at: int, length: int, reach: int = REACH) -> str:
    """``text`` around ``text[at:at + length]``: whole words only, "…" where text is left out.

    Whitespace (new lines included) reads as single spaces.
    """
    start, end = max(0, at - reach), min(len(text), at + length + reach)
    if start > 0:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", at + length, end)
        end = space if space >= 0 else end
    shown = " ".join(text[start:end].split())
    return ("…" if start > 0 else "") + shown + ("…" if end < len(text) else "")
