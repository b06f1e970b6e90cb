"""Dates and times as a facilitator reads and writes them: the one home of every format.

Every day here is the facilitator's own (:func:`rjfacil.clock.today`, the local time
zone); stored moments stay aware UTC and are shown in local time.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from rjfacil import clock

_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})(?:[/.](\d{4}))?")
DATE_FORMS = "2025-03-14, 14/03/2025 or 14/03"  # the forms parse_day reads, as examples
DATE_HINT = f"Write the date as {DATE_FORMS} (or 'today')."


def show_day(day: date | None) -> str:
    """A date as a facilitator reads it: ``3 Mar 2025``; empty for none."""
    if day is None:
        return ""
    return f"{day.day} {day:%b %Y}"


def local_day(moment: datetime) -> date:
    """The facilitator's date of a stored (UTC) moment."""
    return clock.local(moment).date()


def show_when(moment: datetime) -> str:
    """A stored (UTC) moment in local time: ``3 Mar 2025 14:05``."""
    local = clock.local(moment)
    return f"{local.day} {local:%b %Y %H:%M}"


def show_day_of(moment: datetime) -> str:
    """The local date of a stored (UTC) moment: ``3 Mar 2025``."""
    return show_day(local_day(moment))


def day_input(day: date | None) -> str:
    """A date as a date field holds it for editing (ISO), empty for none."""
    return day.isoformat() if day else ""


def today_input() -> str:
    """Today as a date field holds it: the default of a field that asks 'when'."""
    return day_input(clock.today())


def parse_day(text: str) -> date | None:
    """A date typed by the facilitator; empty text is no date.

    Accepts ISO (2025-03-14), day/month/year (14/03/2025), day/month (14/03: this
    year's, or next year's if this year's is over half a year gone, so "8/1" typed in
    December is next January's)
    and "today".

    Raises:
        ValueError: The text is not a date; the message says how to write one.
    """
    text = text.strip()
    if not text:
        return None
    if text.lower() == "today":
        return clock.today()
    try:
        match = _DMY.fullmatch(text)
        if match:
            day, month, year = match.groups()
            if year is None:
                return _this_year_or_next(int(day), int(month))
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(DATE_HINT) from None


def _this_year_or_next(day: int, month: int) -> date:
    """This year's day/month, or next year's when this year's is more than half a
    year gone (ValueError if there is no such day)."""
    today = clock.today()
    for year in (today.year, today.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if (today - candidate).days <= 183:
            return candidate
    raise ValueError(DATE_HINT)


def relative_day(day: date, today: date | None = None) -> str:
    """A day near today in words: "Today", "Tomorrow", "Yesterday", "Mon 3 Mar", or
    "3 Mar 2027" in another year."""
    today = today or clock.today()
    delta = (day - today).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Tomorrow"
    if delta == -1:
        return "Yesterday"
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{day.day} {day:%b %Y}"


def ago(moment: datetime, today: date | None = None) -> str:
    """How long ago a stored moment was, by the facilitator's days: "today",
    "yesterday", "3 days ago", else its date ("3 Mar", or "3 Mar 2024" in another year)."""
    today = today or clock.today()
    day = local_day(moment)
    days = (today - day).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if 1 < days < 7:
        return f"{days} days ago"
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"
