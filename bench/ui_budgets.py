"""Work the UI does on the event loop, against "nothing blocks the UI for more than 100 ms".

Prints, as medians: loading the checklist catalogue (done once at start-up); filling the
notes list of a case of 300 notes; showing the overview of a case with every flag raised.
Each runs headless in a real Textual app (no terminal), on a vault in a temporary folder.

Run: ``.venv/bin/python bench/ui_budgets.py [--runs N]``. Not a test: it prints, and the
figures go in the closing note.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rjfacil.casedoc.model import VettingDecision
from rjfacil.checklists.load import clear_cache, load_catalogue
from rjfacil.store import kdf
from rjfacil.views.flags import raised_flags
from rjfacil.vocab import Role
from rjfacil.workspace import Vault
from screens.case import CaseScreen
from tests.pilot_helpers import CaseHost  # the host of the case screens' UI tests

BUDGET_MS = 100
FAST = kdf.KdfParams(memory_kib=1024, iterations=1, lanes=1)


def median_ms(run: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def report(what: str, ms: float) -> None:
    print(f"{what}: {ms:.1f} ms   budget <= {BUDGET_MS} ms")


async def time_pane(vault: Vault, case_id: Any, tab: str, runs: int) -> float:
    screen = CaseScreen(case_id, tab=tab)
    app = CaseHost(vault, lambda: screen)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.pause()
        pane = screen.query_one(f"#pane-{tab}")

        def show() -> None:
            pane.show(vault.open_case(case_id))  # type: ignore[attr-defined]

        return median_ms(show, runs)


def every_flag(vault: Vault) -> Any:
    """A case whose answers raise every flag the catalogue knows."""
    case = vault.new_case("RJ-FLAGS")
    person = case.add_participant(Role.PERSON_HARMED, "Pat Example")
    writer = case.add_participant(Role.PERSON_RESPONSIBLE, "Sam Example")
    vetting: dict[str, str] = {}  # letter items are answered for a letter's version
    for checklist in vault.catalogue.checklists:
        for item in checklist.items:
            for rule in item.flags:
                scope = item.scope or checklist.scope
                if scope == "letter":
                    vetting[item.id] = rule.when[0]
                    continue
                who = person.id if scope == "participant" else None
                case.answer(checklist.id, item.id, rule.when[0], who)
    if vetting:
        letter = case.add_letter(writer.id, "Dear Pat", to_participant=person.id)
        case.vet_letter(letter.id, vetting, VettingDecision.CHANGES_NEEDED, "Raises every flag")
    return case


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    def load() -> None:
        clear_cache()
        load_catalogue()

    report("load the checklist catalogue", median_ms(load, args.runs))

    home = Path(tempfile.mkdtemp(prefix="rjfacil-ui-bench-")) / "vault"
    vault, _code = Vault.create(home, "bench passphrase", "Bench Facilitator", FAST)
    with vault:
        case = vault.new_case("RJ-300")
        person = case.add_participant(Role.PERSON_HARMED, "Pat Example")
        for number in range(300):
            case.add_note(f"Visit {number}: what happened and what would help.", person.id)
        fill = asyncio.run(time_pane(vault, case.id, "notes", args.runs))
        report("fill the notes list of a case of 300 notes", fill)
        flagged = every_flag(vault)
        raised = len(raised_flags(flagged))
        overview = asyncio.run(time_pane(vault, flagged.id, "overview", args.runs))
        report(f"show the overview of a case with every flag raised ({raised})", overview)


if __name__ == "__main__":
    main()
