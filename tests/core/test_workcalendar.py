"""R-TIC-6: business time on the Chinese calendar, with years an administrator enters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.workcalendar import (
    BusinessHours,
    CalendarYearMissing,
    WorkCalendar,
    YearEntry,
    add_business_time,
    business_time_between,
)

SH = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
# hypothesis takes naive bounds and attaches the zone itself
NAIVE_BOUNDS = (dt.datetime(2024, 1, 1), dt.datetime(2026, 6, 30))  # noqa: DTZ001


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_it_skips_the_national_day_holiday_of_the_packaged_calendar():
    """R-TIC-6: 2025-10-01..08 are statutory holidays; 2025-09-28 and 10-11 are make-up workdays."""
    cal = WorkCalendar()
    assert not cal.is_workday(dt.date(2025, 10, 1))
    assert cal.is_workday(dt.date(2025, 9, 28))  # a Sunday worked in lieu (调休)
    assert cal.is_workday(dt.date(2025, 10, 11))  # a Saturday worked in lieu
    # 8 business hours from the last afternoon before the holiday lands after it.
    due = add_business_time(at(2025, 9, 30, 17, 0), 8 * H, calendar=cal)
    assert due == at(2025, 10, 9, 17, 30)  # 1 h on 9-30, 3 h + 4 h on 10-09


def test_it_counts_around_the_clock_for_7x24_service():
    due = add_business_time(at(2025, 10, 1, 23, 0), 2 * H, calendar=None)
    assert due == at(2025, 10, 2, 1, 0)


def test_it_counts_only_inside_the_business_windows():
    cal = WorkCalendar()
    # Tuesday 2025-11-25 11:00 + 2h: 1h before lunch, lunch 12:00-13:30 skipped, 1h after.
    assert add_business_time(at(2025, 11, 25, 11, 0), 2 * H, calendar=cal) == at(
        2025, 11, 25, 14, 30
    )
    # A start before opening counts from opening; a Friday evening start goes to Monday.
    assert add_business_time(at(2025, 11, 25, 7, 0), H, calendar=cal) == at(2025, 11, 25, 10, 0)
    assert add_business_time(at(2025, 11, 28, 19, 0), H, calendar=cal) == at(2025, 12, 1, 10, 0)


def test_it_refuses_a_year_nobody_entered_naming_the_year():
    """R-TIC-6: a date in a year nobody entered is an explicit error, never a silent guess."""
    cal = WorkCalendar()
    with pytest.raises(CalendarYearMissing) as missing:
        add_business_time(at(2031, 3, 2, 9, 0), 4 * H, calendar=cal)
    assert missing.value.year == 2031
    assert "2031" in str(missing.value)


def test_it_follows_the_documented_weekday_rule_when_chosen():
    cal = WorkCalendar(fallback="weekdays")
    assert cal.source(2031) == "weekdays"
    assert cal.is_workday(dt.date(2031, 1, 1))  # a Wednesday: no holidays known
    assert not cal.is_workday(dt.date(2031, 1, 4))  # a Saturday


def test_it_uses_a_year_the_administrator_entered_over_the_package():
    """R-TIC-6: the State Council's list for a new year, entered before any package has it."""
    entry = YearEntry(
        year=2031,
        holidays=frozenset({dt.date(2031, 1, 1), dt.date(2031, 1, 2)}),
        makeup_workdays=frozenset({dt.date(2031, 1, 4)}),
    )
    cal = WorkCalendar(entered={2031: entry})
    assert cal.source(2031) == "entered"
    assert not cal.is_workday(dt.date(2031, 1, 2))
    assert cal.is_workday(dt.date(2031, 1, 4))
    # Friday 2031-01-03 17:30 + 1h: half an hour that day, the rest on the Saturday worked in lieu.
    assert add_business_time(at(2031, 1, 3, 17, 30), H, calendar=cal) == at(2031, 1, 4, 9, 30)


def test_it_corrects_a_packaged_year_with_an_entered_one():
    packaged = WorkCalendar()
    assert packaged.is_workday(dt.date(2025, 11, 25))
    corrected = WorkCalendar(
        entered={
            2025: YearEntry(
                year=2025, holidays=frozenset({dt.date(2025, 11, 25)}), makeup_workdays=frozenset()
            )
        }
    )
    assert not corrected.is_workday(dt.date(2025, 11, 25))


def test_it_refuses_a_day_that_is_both_holiday_and_workday():
    day = dt.date(2031, 5, 1)
    with pytest.raises(ValueError, match="既是节假日又是调休上班日：2031-05-01"):
        YearEntry(year=2031, holidays=frozenset({day}), makeup_workdays=frozenset({day}))


def test_it_parses_business_hours_and_refuses_overlaps():
    hours = BusinessHours.parse("08:30-12:00，13:00-17:30")
    assert hours.per_day == dt.timedelta(hours=8)
    assert hours.text() == "08:30-12:00,13:00-17:30"
    with pytest.raises(ValueError, match="时段 11:00-13:00 在前一时段结束之前就开始了"):
        BusinessHours.parse("09:00-12:00,11:00-13:00")
    with pytest.raises(ValueError, match="不是 09:00-12:00 这样的时段"):
        BusinessHours.parse("nine to five")


def test_it_refuses_naive_times():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_time(dt.datetime(2025, 11, 25, 9), H, calendar=WorkCalendar())  # noqa: DTZ001


@given(
    start=st.datetimes(min_value=NAIVE_BOUNDS[0], max_value=NAIVE_BOUNDS[1], timezones=st.just(SH)),
    minutes=st.integers(min_value=0, max_value=60 * 200),
)
def test_it_measures_back_exactly_the_business_time_it_added(start, minutes):
    """add_business_time and business_time_between are inverse on the packaged years."""
    cal = WorkCalendar()
    duration = dt.timedelta(minutes=minutes)
    due = add_business_time(start, duration, calendar=cal)
    assert due >= start
    assert business_time_between(start, due, calendar=cal) == duration
