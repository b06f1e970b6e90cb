"""rjfacil: a terminal companion for restorative justice facilitators (the core, no UI)."""

from __future__ import annotations

__version__ = "0.1.0"
