"""Measure the reading aid over a letter of a few pages and print it.

    .venv/bin/python bench/letter_budgets.py [--pages 4] [--runs 20]

A page is about 500 words of a letter written to look like a real one (an apology with
contact details, times and names), so every kind of pattern is tried. Budget: well under
50 ms for a letter of a few pages (the letter view redraws it when a version is shown).
Not a test: the figures go in the note.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rjfacil.views.reading_aid import read_letter

PARAGRAPH = (
    "Dear Hana, I want to say sorry for what I did that night. I have thought a lot about "
    "the harm it caused, and about how frightening it must have been for you and your "
    "family. It was not just a joke and it was not your fault. I am working with my "
    "probation officer on the things that led to it, and I go to a group on Tuesdays at "
    "7pm. If you want to reply, the facilitator will pass it on; I will not contact you "
    "myself. I understand if you do not want to hear from me again.\n"
)
BUDGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    words_per_paragraph = len(PARAGRAPH.split())
    text = PARAGRAPH * max(1, args.pages * 500 // words_per_paragraph)
    names = ("Hana Gold", "Rory Gold", "Sam Gold")
    read_letter(text, names)  # the word list is read once
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        found = read_letter(text, names)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    print(
        f"reading aid: {len(text.split())} words, {len(found)} passages: "
        f"median {median:.1f} ms, worst {max(times):.1f} ms (budget {BUDGET_MS:.0f} ms)"
    )
    if median > BUDGET_MS:
        sys.exit(1)


if __name__ == "__main__":
    main()
