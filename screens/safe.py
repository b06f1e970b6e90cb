"""User text reaches the screen as Content, never as markup (STYLE.md rule 13)."""

from __future__ import annotations

from textual.content import Content

from rjfacil.sanitize import visible


def plain(text: str, single_line: bool = False) -> Content:
    """Content showing ``text`` literally: no markup, control characters made visible."""
    return Content(visible(text, single_line=single_line))
