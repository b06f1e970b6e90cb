"""The one clock: stored moments are UTC, days are the facilitator's own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from rjfacil import clock

LATE_EVENING_UTC = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
BERLIN_SUMMER = timezone(timedelta(hours=2))
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))


def test_now_is_aware_utc_whatever_the_source_gives() -> None:
    with clock.frozen(LATE_EVENING_UTC.astimezone(BERLIN_SUMMER)):
        moment = clock.now()
    assert moment == LATE_EVENING_UTC
    assert moment.utcoffset() == timedelta(0)


def test_today_is_the_facilitators_own_day() -> None:
    # 23:30 UTC on 30 June is already 1 July in Berlin, and still 30 June in New York.
    with clock.frozen(LATE_EVENING_UTC, zone=BERLIN_SUMMER):
        assert clock.today() == date(2025, 7, 1)
        assert clock.local(clock.now()).hour == 1
    with clock.frozen(LATE_EVENING_UTC, zone=NEW_YORK_SUMMER):
        assert clock.today() == date(2025, 6, 30)


def test_a_frozen_clock_steps_and_is_put_back() -> None:
    steps = [LATE_EVENING_UTC + timedelta(seconds=n) for n in range(10)]
    with clock.frozen(LATE_EVENING_UTC, step=timedelta(seconds=1)):
        assert [clock.now() for _ in range(3)] == steps[:3]
    assert clock.now() not in steps


def test_a_source_can_be_set_and_reset() -> None:
    clock.set_source(lambda: LATE_EVENING_UTC)
    try:
        assert clock.now() == LATE_EVENING_UTC
    finally:
        clock.set_source(None)
    assert clock.now() != LATE_EVENING_UTC
