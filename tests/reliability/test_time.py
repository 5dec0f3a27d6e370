"""Time (issue 10): aware datetimes everywhere, and the calendar edge suite (R-TIC-6).

The years come from the installed ``chinesecalendar`` release (``packaged_years()``), never
from a list in this file: a new release adds its years to the suite by itself. For each
year: its Spring Festival days off and make-up workdays (调休), the time limits of a ticket
recorded just before the festival, and the end of every month. The year after the last
known one (and the one before the first) is a clear error, never a guess.

Expected values are worked out here from ``chinese_calendar.constants`` (the raw lists the
package ships) with plain date arithmetic, not by Kefu's WorkCalendar they check.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from chinese_calendar import Holiday, constants
from django.apps import apps
from django.conf import settings
from django.db import models

from kefu.core.workcalendar import (
    BusinessHours,
    CalendarYearMissing,
    WorkCalendar,
    add_business_time,
    business_time_between,
    packaged_years,
)

SH = ZoneInfo("Asia/Shanghai")
YEARS = list(packaged_years())
SPRING = Holiday.spring_festival.value


def _workday(day: dt.date) -> bool:
    """Independent of WorkCalendar: the package's raw lists and the day of the week."""
    if day in constants.workdays:
        return True
    if day in constants.holidays:
        return False
    return day.weekday() < 5


def _next_workday(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not _workday(day):
        day += dt.timedelta(days=1)
    return day


def _previous_workday(day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not _workday(day):
        day -= dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SH)


def _spring_festival(year: int) -> tuple[list[dt.date], list[dt.date]]:
    off = sorted(d for d, h in constants.holidays.items() if d.year == year and h == SPRING)
    worked = sorted(d for d, h in constants.workdays.items() if d.year == year and h == SPRING)
    return off, worked


# ---------------------------------------------------------------- aware datetimes


def test_every_datetime_is_aware_settings_models_and_lint():
    """Django stores and returns aware datetimes; every model default is aware; the ruff
    DTZ rules (no naive now()/today()/strptime) stay switched on."""
    assert settings.USE_TZ is True
    checked = 0
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField) and field.has_default():
                value = field.get_default()
                if value is None:
                    continue
                assert value.tzinfo is not None, f"{model._meta.label}.{field.name}"
                checked += 1
    assert checked >= 10
    import tomllib

    from tests.reliability.installation import ROOT

    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert "DTZ" in ruff.get("lint", ruff).get("select", [])


def test_periodic_jobs_run_at_local_times_not_utc():
    """The worker's crontab hours are Beijing times: callback generation, scheduled at 02:30,
    is due at 02:30 in Asia/Shanghai (it would be 10:30 if Huey read them as UTC)."""
    from kefu.core.jobs import last_due
    from kefu.followups.tasks import followups_generate_daily

    assert settings.HUEY["utc"] is False
    task = followups_generate_daily.task_class
    now = dt.datetime(2026, 3, 10, 3, 0, tzinfo=SH)
    assert last_due(task, now, since=now - dt.timedelta(days=1)) == dt.datetime(  # noqa: DTZ001
        2026, 3, 10, 2, 30
    )
    assert last_due(task, now, since=dt.datetime(2026, 3, 10, 2, 31, tzinfo=SH)) is None


# ---------------------------------------------------------------- the calendar, every year


def test_the_package_knows_a_run_of_years_with_a_spring_festival_each():
    assert len(YEARS) >= 10 and YEARS == list(range(YEARS[0], YEARS[-1] + 1))
    for year in YEARS:
        off, _ = _spring_festival(year)
        assert len(off) >= 3, year


@pytest.mark.parametrize("year", YEARS)
def test_spring_festival_days_off_and_make_up_workdays(year):
    """R-TIC-6: each Spring Festival day off is no workday, each make-up day (调休, a
    weekend worked in lieu) is; a time limit started before the festival lands after it."""
    cal = WorkCalendar()
    off, worked = _spring_festival(year)
    assert not any(cal.is_workday(d) for d in off)
    assert all(cal.is_workday(d) and d.weekday() >= 5 for d in worked)
    # Two business hours from 17:00 on the last workday before the festival: one that day,
    # one from 09:00 on the first workday after it (a make-up Saturday counts).
    eve = _previous_workday(off[0])
    start = _at(eve, 17)
    due = add_business_time(start, dt.timedelta(hours=2), calendar=cal)
    back = _next_workday(eve)
    assert back > off[-1] or back in worked
    assert due == _at(back, 10)
    assert business_time_between(start, due, calendar=cal) == dt.timedelta(hours=2)


@pytest.mark.parametrize("year", YEARS)
def test_time_limits_across_every_month_end(year):
    """R-TIC-6: from 17:30 on each month's last workday, one business hour ends at 09:30 on
    the next workday — in the next month, across holidays; December runs into January."""
    cal = WorkCalendar()
    for month in range(1, 13):
        first_next = dt.date(year + month // 12, month % 12 + 1, 1)
        last = _previous_workday(first_next)
        start = _at(last, 17, 30)
        if year == YEARS[-1] and month == 12:
            with pytest.raises(CalendarYearMissing):  # the next year is not known yet
                add_business_time(start, dt.timedelta(hours=1), calendar=cal)
            continue
        due = add_business_time(start, dt.timedelta(hours=1), calendar=cal)
        assert due == _at(_next_workday(last), 9, 30), (year, month)
        assert due.date() >= first_next
        # A whole business day later: the same time on the workday after.
        week = add_business_time(start, BusinessHours().per_day, calendar=cal)
        assert week == _at(_next_workday(last), 17, 30)


@pytest.mark.parametrize("year", [YEARS[0] - 1, YEARS[-1] + 1])
def test_a_year_the_package_does_not_know_is_a_clear_error(year):
    """R-TIC-6: the year before the first and after the last known one: refused, naming the
    year, for a single day and for a time limit reaching into it."""
    cal = WorkCalendar()
    assert cal.source(year) == "error"
    with pytest.raises(CalendarYearMissing) as missing:
        cal.is_workday(dt.date(year, 6, 1))
    assert missing.value.year == year and str(year) in str(missing.value)
    with pytest.raises(CalendarYearMissing):
        add_business_time(_at(dt.date(year, 1, 5), 9), dt.timedelta(hours=1), calendar=cal)


@pytest.mark.django_db
def test_a_ticket_before_the_spring_festival_gets_due_times_after_it():
    """R-TIC-6 through the ticket's own time limits (respond within 1 h, resolve within 24
    business hours), for the last known year's festival."""
    from kefu.tickets.models import Clock, Ticket, TimeLimit
    from kefu.tickets.timelimits import set_due_times

    TimeLimit.objects.update_or_create(
        kind="inquiry",
        priority="normal",
        defaults={"response_minutes": 60, "resolution_minutes": 24 * 60, "clock": Clock.BUSINESS},
    )

    off, _ = _spring_festival(YEARS[-1])
    eve = _previous_workday(off[0])
    ticket = Ticket(kind="inquiry", priority="normal")
    assert set_due_times(ticket, start=_at(eve, 17, 30)) is None
    back = _next_workday(eve)
    assert ticket.response_due == _at(back, 9, 30)
    # 24 h of 7.5 h days: 0.5 h on the eve, 3 × 7.5 h, then 1 h: 10:00 on the 4th workday.
    day = back
    for _ in range(3):
        day = _next_workday(day)
    assert ticket.resolution_due == _at(day, 10)


@pytest.mark.django_db
def test_a_ticket_whose_limit_reaches_an_unknown_year_says_so(api):
    """R-TIC-6: no due time is guessed; the reason names the year to enter; the calendar API
    shows the year as unknown (source "error", no workday count)."""
    from kefu.org.roles import Role
    from kefu.tickets.models import Clock, Ticket, TimeLimit
    from kefu.tickets.timelimits import set_due_times

    TimeLimit.objects.filter(kind="inquiry", priority="normal").update(clock=Clock.BUSINESS)
    unknown = YEARS[-1] + 1
    last = _previous_workday(dt.date(unknown, 1, 1))
    ticket = Ticket(kind="inquiry", priority="normal")
    reason = set_due_times(ticket, start=_at(last, 17, 30))
    assert ticket.response_due is None and ticket.resolution_due is None
    assert str(unknown) in reason and "工作日历" in reason
    shown = api(Role.SYSADMIN).get(f"calendar/{unknown}").json()
    assert shown["source"] == "error" and shown["workdays"] is None
