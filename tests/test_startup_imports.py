"""Start-up: the unlock prompt paints within 1.15x of a minimal Textual app (DESIGN.md,
bench/startup.py). Importing the case model, pydantic and the checklists before it cost
more than the whole minimal app; nothing on the way to the prompt may import them."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("rjfacil.casedoc.model", "rjfacil.commands.casefile", "rjfacil.checklists.catalogue")


def test_the_way_to_the_unlock_prompt_imports_no_case_model() -> None:
    probe = (
        "import sys, rjfacil.cli, screens.app, screens.unlock; "
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "", f"imported before the unlock prompt: {loaded}"
