"""The one clock: every 'now' and every 'today' in rjfacil comes from here.

Stored moments are timezone-aware UTC (:func:`now`). Days are the facilitator's own: a
note written at 00:30 in London on 1 July is written on 1 July, not on 30 June as UTC
would have it, so :func:`today` and :func:`local` use the local time zone.

The source of time and the time zone are injectable, so tests freeze them
(:func:`frozen`, or :func:`set_source` and :func:`set_zone`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, tzinfo

Source = Callable[[], datetime]


def system_now() -> datetime:
    """The system's clock, as timezone-aware UTC."""
    return datetime.now(UTC)


_source: Source = system_now
_zone: tzinfo | None = None  # None: the system's local time zone


def set_source(source: Source | None) -> None:
    """Read time from ``source`` (a function returning an aware datetime); None resets."""
    global _source
    _source = source or system_now


def set_zone(zone: tzinfo | None) -> None:
    """Show days and times in ``zone``; None means the system's local time zone."""
    global _zone
    _zone = zone


def now() -> datetime:
    """Timezone-aware UTC now: what is stored."""
    return _source().astimezone(UTC)


def local(moment: datetime) -> datetime:
    """An aware moment in the facilitator's time zone (the one shown on screen)."""
    return moment.astimezone(_zone)


def today() -> date:
    """The facilitator's date today, in their own time zone: the one notion of today."""
    return local(now()).date()


@contextmanager
def frozen(
    at: datetime, *, zone: tzinfo | None = UTC, step: timedelta = timedelta(0)
) -> Iterator[None]:
    """Freeze the clock at ``at`` (advancing ``step`` per reading) in ``zone``.

    Args:
        at: An aware moment.
        zone: The facilitator's time zone meanwhile.
        step: How far each reading moves the clock on (records keep their order).
    """
    readings = 0

    def source() -> datetime:
        nonlocal readings
        readings += 1
        return at + step * (readings - 1)

    previous = (_source, _zone)
    set_source(source)
    set_zone(zone)
    try:
        yield
    finally:
        set_source(previous[0])
        set_zone(previous[1])
