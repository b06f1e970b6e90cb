"""Make the README's screenshots (PNG) from the snapshot tests' SVGs: ``make screenshots``.

The snapshots are the screens as the tests fix them (frozen clock, fictional cases), so the
pictures stay true to the app; run the snapshot tests first after a change to the screens.
Needs cairosvg (in the test extras).
"""

from __future__ import annotations

from pathlib import Path

import cairosvg

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "__snapshots__"
OUT = Path(__file__).resolve().parent
WIDTH = 800  # pixels: readable on GitHub, a few tens of KB each

SHOTS = {
    "case-list.png": "test_ui_snapshots_shell/test_case_list[80x24].svg",
    "case-view.png": "test_ui_snapshots_case/test_case_overview[80x24].svg",
    "walker.png": "test_ui_snapshots_case/test_walker_with_a_raised_flag[80x24].svg",
    "high-contrast.png": "test_ui_snapshots_shell/test_high_contrast[case_list-80x24].svg",
}


def main() -> None:
    for name, snapshot in SHOTS.items():
        target = OUT / name
        cairosvg.svg2png(url=str(SNAPSHOTS / snapshot), write_to=str(target), output_width=WIDTH)
        print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
