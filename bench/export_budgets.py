"""Measure the export budgets (DESIGN.md, "Budgets") and print the figures, as medians.

    .venv/bin/python bench/export_budgets.py [--notes 300] [--runs 7]

Renders a document the size of a supervisor summary of a 300-note case, with every
note in full (the heaviest export): facts, flags with reasons, risk, people, deadline
and history tables, checklist concerns, and 300 notes of 2-6 sentences each (about
110,000 characters). Budgets: Markdown and HTML <= 200 ms, PDF <= 1.5 s (with and
without a password). The first PDF is timed apart: it includes unpacking the font.
Not a test: it prints, and the figures go in the closing note.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rjfacil.export.document import Note
from rjfacil.export.html import render_html
from rjfacil.export.markdown import render_markdown
from rjfacil.export.pdf import render_pdf
from tests.export_samples import SENTENCES, long_summary  # the tests render it too


def timed(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    samples = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    document = long_summary(args.notes)
    chars = sum(len(b.text) for b in document.sections[-1].blocks if isinstance(b, Note))
    print(f"document: {args.notes} notes, {chars:,} characters of note text")

    start = time.perf_counter()
    first = render_pdf(document)
    first_pdf = time.perf_counter() - start

    md_time, md = timed(args.runs, lambda: render_markdown(document))
    html_time, html = timed(args.runs, lambda: render_html(document))
    pdf_time, pdf = timed(args.runs, lambda: render_pdf(document))
    enc_time, _ = timed(max(3, args.runs // 2), lambda: render_pdf(document, password="pw"))
    pages = first.count(b"/Type /Page\n") or first.count(b"/Type /Page ")

    def row(name: str, seconds: float, budget: float, size: int) -> None:
        verdict = "ok" if seconds <= budget else "OVER BUDGET"
        figure = f"{seconds * 1000:8.1f} ms  (budget {budget * 1000:.0f} ms, {size:,} bytes)"
        print(f"{name:<22} {figure} {verdict}")

    assert isinstance(md, str) and isinstance(html, str) and isinstance(pdf, bytes)
    row("markdown", md_time, 0.2, len(md.encode()))
    row("html", html_time, 0.2, len(html.encode()))
    row("pdf (first, cold)", first_pdf, 1.5, len(first))
    row("pdf", pdf_time, 1.5, len(pdf))
    row("pdf, AES-256 password", enc_time, 1.5, len(pdf))
    if pages:
        print(f"pdf pages: {pages}")
    case_summaries(args.notes, args.runs, row)


def case_summaries(notes: int, runs: int, row: Callable[[str, float, float, int], None]) -> None:
    """The real thing: a 300-note case in a vault, from the read model to the bytes
    (supervisor summary with every note in full, names redacted)."""
    import tempfile

    from rjfacil.casedoc.model import NoteSource
    from rjfacil.export.summary import ExportOptions, render_export
    from rjfacil.store import kdf
    from rjfacil.vocab import Role
    from rjfacil.workspace import Vault

    kdf.calibrate = lambda *a, **k: kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)  # type: ignore[assignment]
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        vault, _ = Vault.create(Path(folder) / "v", "bench passphrase", "Sam Okafor")
        with vault:
            case = vault.new_case("RJ-BENCH-300", summary=" ".join(SENTENCES[:2]))
            harmed = case.add_participant(Role.PERSON_HARMED, "Alex Morgan", address_as="Alex")
            other = case.add_participant(Role.PERSON_RESPONSIBLE, "Jordan Lee")
            for n in range(notes):
                text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
                case.add_note(
                    f"Alex {text}",
                    participant_id=harmed.id if n % 2 else other.id,
                    source=NoteSource.FROM_PARTICIPANT,
                )
            print(f"case summary: a vault case of {notes} notes, notes in full")
            for fmt in ("md", "html", "pdf", "json"):
                options = ExportOptions(fmt=fmt, notes="all")  # type: ignore[arg-type]
                seconds, data = timed(runs, lambda o=options: render_export(case, o))
                assert isinstance(data, bytes)
                row(f"case summary {fmt}", seconds, 1.5 if fmt == "pdf" else 0.2, len(data))


if __name__ == "__main__":
    main()
