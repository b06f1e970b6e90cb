"""Measure full-text search over every field of 2,000 cases (40,000 notes) and print it.

    .venv/bin/python bench/search_budgets.py [--cases 2000] [--runs 5]

The first search after unlocking reads and decrypts every case file; later searches scan
what was read (kept in memory while the vault is unlocked). Printed for a word found in
one case and for a word found in every note. Not a test: the figures go in the note.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault_budgets import FAST, PASSPHRASE, build_vault

from rjfacil.workspace import Vault


def timed(vault: Vault, word: str) -> tuple[float, int]:
    started = time.perf_counter()
    hits = sum(1 for _ in vault.search(word))
    return time.perf_counter() - started, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="rjfacil-bench-search-")) / "vault"
    build_vault(home, args.cases, 20, FAST)
    with Vault.open(home).unlock(PASSPHRASE) as vault:
        case = vault.open_case(vault.list_cases()[-1].id)
        case.add_risk("Meeting near the old quarry", mitigation="Separate arrivals")
    for word, what in (("quarry", "a word in one case"), ("what would help", "in every note")):
        cold, warm = [], []
        for _ in range(args.runs):
            with Vault.open(home).unlock(PASSPHRASE) as vault:
                first, hits = timed(vault, word)
                cold.append(first)
                warm.append(timed(vault, word)[0])
        print(
            f"search {args.cases} cases, {what} ({hits} hits): first after unlock "
            f"{statistics.median(cold) * 1000:.0f} ms, again "
            f"{statistics.median(warm) * 1000:.0f} ms   aim <= 100 ms"
        )


if __name__ == "__main__":
    main()
