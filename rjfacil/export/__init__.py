"""Exports: a case rendered for people outside the vault.

``document`` is the format-neutral model an export is built from; ``markdown``, ``html``
and ``pdf`` render it; ``write`` puts the result on disk (0600). The renderers know
nothing of cases: mapping a case onto a :class:`~rjfacil.export.document.Document` is
the job of the summary and disclosure builders.

Importing this package is cheap: the PDF library loads only when a PDF is made.
"""
