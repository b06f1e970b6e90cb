"""One door to the renderers: a document and a format name in, the file's bytes out.

The PDF renderer (and fpdf2) is imported only when a PDF is asked for.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from rjfacil.export.document import Document
from rjfacil.export.errors import ExportFailed

Format: TypeAlias = Literal["md", "html", "pdf"]
FORMATS: tuple[Format, ...] = ("md", "html", "pdf")
SUFFIXES: dict[Format, str] = {"md": ".md", "html": ".html", "pdf": ".pdf"}


def render(document: Document, fmt: Format, *, password: str | None = None) -> bytes:
    """Render ``document`` as ``fmt`` and return the bytes to write.

    Args:
        document: What to render.
        fmt: ``md`` (UTF-8 Markdown), ``html`` (one self-contained UTF-8 page) or ``pdf``.
        password: For ``pdf`` only: encrypt with AES-256 under this password.

    Raises:
        ExportFailed: a password was given for a format that cannot carry one, or it is
            empty.
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
    """
    if password is not None and fmt != "pdf":
        raise ExportFailed("Only a PDF export can be protected with a password.")
    if fmt == "md":
        from rjfacil.export.markdown import render_markdown

        return render_markdown(document).encode("utf-8")
    if fmt == "html":
        from rjfacil.export.html import render_html

        return render_html(document).encode("utf-8")
    if fmt == "pdf":
        from rjfacil.export.pdf import render_pdf

        return render_pdf(document, password=password)
    raise ValueError(f"Unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
