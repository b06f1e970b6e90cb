"""The facilitator's preferences (theme, idle lock, the supervision interval, the
retention period). No case data: kept as plain JSON."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

from rjfacil.paths import PRIVATE_FILE, config_dir, ensure_private_dir

THEMES = ("rjfacil-dark", "rjfacil-light", "rjfacil-high-contrast")
# How often the facilitator means to have supervision: the dashboard reminds them once
# this has passed since their last session.
SUPERVISION_WEEKS = 12
# How long a case is kept after its closure before the dashboard lists it for deletion.
# A default to check against the organisation's own retention policy, which decides (see
# README, "Retention").
RETENTION_YEARS = 6


@dataclass
class Settings:
    theme: str = THEMES[0]
    idle_lock_minutes: int = 5
    supervision_weeks: int = SUPERVISION_WEEKS
    retention_years: int = RETENTION_YEARS


def load_settings() -> Settings:
    """The saved settings, or the defaults where the file is missing or unreadable."""
    try:
        data = json.loads((config_dir() / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    settings = Settings()
    if data.get("theme") in THEMES:
        settings.theme = data["theme"]
    minutes = data.get("idle_lock_minutes")
    if isinstance(minutes, int) and 1 <= minutes <= 120:
        settings.idle_lock_minutes = minutes
    weeks = data.get("supervision_weeks")
    if isinstance(weeks, int) and not isinstance(weeks, bool) and 1 <= weeks <= 104:
        settings.supervision_weeks = weeks
    years = data.get("retention_years")
    if isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= 100:
        settings.retention_years = years
    return settings


def save_settings(settings: Settings) -> None:
    folder = ensure_private_dir(config_dir())
    temporary = folder / ".settings.json.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(settings), handle)
    os.replace(temporary, folder / "settings.json")
