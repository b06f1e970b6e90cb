"""Working-day timescales (HMPPS 4.3, 4.6, ...) and the deadlines date answers start."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rjfacil.checklists.evaluate import AnswerFact
from rjfacil.checklists.load import load_catalogue
from rjfacil.checklists.timescales import add_working_days, deadlines, is_working_day

FIXTURES = Path(__file__).parent / "fixtures" / "checklists"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_weekend_is_skipped() -> None:
    friday = date(2026, 3, 6)
    assert add_working_days(friday, 1) == date(2026, 3, 9)  # Monday
    assert add_working_days(friday, 5) == date(2026, 3, 13)


def test_christmas_bank_holidays_and_the_boxing_day_substitute_are_skipped() -> None:
    # 25 Fri Christmas, 26 Sat Boxing Day, 27 Sun, 28 Mon substitute: the 29th is next.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 30)
    assert not is_working_day(date(2026, 12, 28))


def test_easter_monday_is_a_holiday_in_england_and_wales() -> None:
    # Good Friday 3 April and Easter Monday 6 April 2026.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_scottish_only_holidays_are_working_days() -> None:
    # 2 January is a bank holiday in Scotland, not in England and Wales.
    assert is_working_day(date(2026, 1, 2))


def test_fifteen_working_days_across_the_may_bank_holiday() -> None:
    # HMPPS 4.3: a request on Wednesday 29 April 2026; Monday 4 May is a bank holiday.
    assert add_working_days(date(2026, 4, 29), 15) == date(2026, 5, 21)


def test_zero_and_negative() -> None:
    assert add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)
    assert add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)


def fact(item: str, value: str | None, who: str | None = None) -> AnswerFact:
    return AnswerFact("intake", item, who, value, "Sam", T0)


def test_deadlines_come_from_date_answers_with_a_timescale() -> None:
    catalogue = load_catalogue(FIXTURES / "builtin")
    found = deadlines(
        catalogue, [fact("request_date", "2026-12-24"), fact("process_type", "letter")]
    )
    assert len(found) == 1
    due = found[0]
    assert (
        due.due == add_working_days(date(2026, 12, 24), 15) == date(2027, 1, 19)
    )  # New Year's Day skipped too
    assert (due.label, due.reference) == ("Referral to the RJ provider", "HMPPS 4.3")
    assert (due.checklist_id, due.item_id, due.participant_id) == ("intake", "request_date", None)


@pytest.mark.parametrize("value", [None, "", "soon", "24/12/2026"])
def test_no_deadline_without_a_real_date(value: str | None) -> None:
    catalogue = load_catalogue(FIXTURES / "builtin")
    assert deadlines(catalogue, [fact("request_date", value)]) == []
