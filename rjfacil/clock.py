"""The one source of 'now', so tests can freeze time."""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """Timezone-aware UTC now."""
    return datetime.now(UTC)


def today() -> date:
    return now().date()
