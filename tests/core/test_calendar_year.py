"""R-TIC-6: an administrator enters a new year's holidays; business time then uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.audit.models import AuditEntry
from kefu.core.calendar_services import calendar_year_set, work_calendar
from kefu.core.services import policy_set
from kefu.core.workcalendar import CalendarYearMissing
from kefu.errors import PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_uses_a_year_once_the_administrator_has_entered_it(sysadmin):
    """R-TIC-6: a year nobody entered is refused; once entered, it is used."""
    with pytest.raises(CalendarYearMissing):
        work_calendar().is_workday(dt.date(2031, 1, 2))
    calendar_year_set(
        actor=sysadmin,
        year=2031,
        holidays="2031-01-01\n2031-01-02",
        makeup_workdays=["2031-01-04"],
        source="国务院办公厅通知",
    )
    cal = work_calendar()
    assert cal.source(2031) == "entered"
    assert not cal.is_workday(dt.date(2031, 1, 2))
    assert cal.is_workday(dt.date(2031, 1, 4))
    entry = AuditEntry.objects.get(target_type="core.calendaryear")
    assert entry.after["holidays"] == ["2031-01-01", "2031-01-02"]


def test_it_refuses_dates_of_another_year_and_writes_nothing(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        calendar_year_set(actor=sysadmin, year=2031, holidays="2030-12-31", makeup_workdays="")
    assert refused.value.errors[0].field == "holidays"
    with pytest.raises(CalendarYearMissing):
        work_calendar().is_workday(dt.date(2031, 6, 2))


def test_it_refuses_a_day_both_off_and_worked(sysadmin):
    with pytest.raises(ValidationFailed):
        calendar_year_set(
            actor=sysadmin, year=2031, holidays="2031-05-01", makeup_workdays="2031-05-01"
        )


def test_it_lets_only_the_calendar_keepers_enter_a_year():
    with pytest.raises(PermissionDenied):
        calendar_year_set(
            actor=factories.user(Role.AGENT), year=2031, holidays="", makeup_workdays=""
        )
    calendar_year_set(
        actor=factories.user(Role.CS_SUPERVISOR), year=2031, holidays="", makeup_workdays=""
    )


def test_it_counts_weekdays_for_unknown_years_when_the_policy_says_so(sysadmin):
    policy_set(actor=sysadmin, key="calendar.unknown_year_rule", value="weekdays")
    assert work_calendar().is_workday(dt.date(2031, 1, 2))
    with pytest.raises(ValidationFailed):
        policy_set(actor=sysadmin, key="calendar.unknown_year_rule", value="guess")


def test_it_refuses_malformed_business_hours(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        policy_set(actor=sysadmin, key="calendar.business_hours", value="9-5")
    assert "09:00-12:00" in refused.value.message


def test_it_reads_and_enters_a_year_through_the_api(api):
    client = api(Role.SYSADMIN)
    packaged = client.get("calendar/2025").json()
    assert packaged["source"] == "package"
    assert "2025-10-01" in packaged["holidays"]
    assert "2025-09-28" in packaged["makeup_workdays"]
    assert client.get("calendar/2031").json()["workdays"] is None
    put = client.put(
        "calendar/2031", {"holidays": ["2031-01-01"], "makeup_workdays": [], "source": "通知"}
    )
    assert put.status_code == 200
    assert put.json()["source"] == "entered"
    assert client.put("calendar/2031", {"holidays": ["31/01/2031"]}).status_code == 400
    assert api(Role.AGENT).put("calendar/2031", {"holidays": []}).status_code == 403


def test_it_enters_a_year_on_the_calendar_page(web):
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/settings/calendar/?year=2031").content.decode()
    assert 'id="calendar-years"' in page
    saved = client.post(
        "/settings/calendar/?year=2031",
        {"year": 2031, "holidays": "2031-01-01", "makeup_workdays": "", "source": "通知"},
    )
    assert saved.status_code == 302
    assert work_calendar().source(2031) == "entered"
    bad = client.post(
        "/settings/calendar/", {"year": 2031, "holidays": "next monday", "makeup_workdays": ""}
    )
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    assert web(Role.AGENT).post("/settings/calendar/", {"year": 2031}).status_code == 403
