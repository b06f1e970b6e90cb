"""Where the shipped checklist files live: the one place that knows."""

from __future__ import annotations

from pathlib import Path


def builtin_dir() -> Path:
    """The folder holding the checklist TOML files that ship with rjfacil.

    An installed wheel carries them inside this package (hatchling force-includes
    ``checklists/`` as ``rjfacil/checklists/``, beside this module); a development
    checkout keeps them at the repository root.

    Returns:
        The folder of the shipped ``*.toml`` files.
    """
    here = Path(__file__).resolve().parent
    if any(here.glob("*.toml")):
        return here
    return here.parents[1] / "checklists"
