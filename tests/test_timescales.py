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


# -- met deadlines: a timescale's duty recorded as done (HMPPS 4.3, 4.6, 4.11, 4.14, 4.16) --


def shipped(item: str, value: str) -> AnswerFact:
    return AnswerFact("referral", item, None, value, "Sam", T0)


@pytest.mark.parametrize(
    ("started_by", "done_by", "paragraph"),
    [
        ("referral_requested", "referral_made", "HMPPS 4.3"),
        ("vlo_notice_received", "vlo_notified", "HMPPS 4.6"),
        ("vcs_information_requested", "vcs_information_given", "HMPPS 4.14"),
        ("consent_to_share_given", "information_shared", "HMPPS 4.16"),
        ("probation_disclosure", "probation_information_given", "HMPPS 4.11"),
    ],
)
def test_each_shipped_timescale_is_met_by_its_duty_recorded_as_done(
    started_by: str, done_by: str, paragraph: str
) -> None:
    # referral.<started_by> starts the timescale of <paragraph>; referral.<done_by>
    # records the duty done.
    from rjfacil.checklists.locate import builtin_dir

    catalogue = load_catalogue(builtin_dir(), builtin_dir() / "no-organisation-folder")
    assert catalogue.item("referral", done_by).reference == paragraph
    [due] = deadlines(catalogue, [shipped(started_by, "2026-04-29")])
    assert due.reference == paragraph and not due.met
    [done] = deadlines(
        catalogue, [shipped(started_by, "2026-04-29"), shipped(done_by, "2026-05-06")]
    )
    assert done.met and done.done_on == date(2026, 5, 6)


def test_the_referral_deadline_shows_met_with_its_date_and_is_no_longer_due(
    vault: object,
) -> None:
    # referral.referral_requested / referral.referral_made, HMPPS 4.3: the referral is made
    # within fifteen working days of the request. Today is long after the due date.
    from rjfacil.views.deadlines import due_dates, met_timescales
    from rjfacil.views.supervision import supervisor_summary
    from rjfacil.workspace import Vault

    assert isinstance(vault, Vault)
    case = vault.new_case("RJ-T1")
    case.answer("referral", "referral_requested", "2024-04-29")
    [overdue] = [d for d in due_dates(case) if d.reference == "HMPPS 4.3"]
    assert overdue.status().overdue and overdue.status().phrase == "overdue"

    case.answer("referral", "referral_made", "2024-05-14")
    assert [d for d in due_dates(case) if d.reference == "HMPPS 4.3"] == []
    [met] = met_timescales(case)
    status = met.status()
    assert not status.overdue and status.met
    assert status.phrase == "met on 14 May 2024"
    assert status.day_overdue == "21 May 2024 met"
    lines = [d for d in supervisor_summary(case).deadlines if d.reference == "HMPPS 4.3"]
    assert [(d.label, d.due, d.status) for d in lines] == [
        ("Referral to the RJ provider", "21 May 2024", "met on 14 May 2024")
    ]


def test_a_duty_done_after_its_due_date_is_met_late_not_overdue(vault: object) -> None:
    # referral.referral_made after the fifteen working days of HMPPS 4.3.
    from rjfacil.views.deadlines import met_timescales
    from rjfacil.workspace import Vault

    assert isinstance(vault, Vault)
    case = vault.new_case("RJ-T2")
    case.answer("referral", "referral_requested", "2024-04-29")
    case.answer("referral", "referral_made", "2024-06-03")
    [met] = met_timescales(case)
    assert not met.status().overdue
    assert met.status().phrase == "met late, on 3 Jun 2024"
