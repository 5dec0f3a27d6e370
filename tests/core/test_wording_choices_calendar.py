"""What a person reads when a choice setting or the work calendar refuses (R-TIC-6, R-CC-5).

A choice setting's refusal names each choice by its Chinese label with its code beside it
(the code is what the API takes); the work calendar's messages — a year nobody entered,
malformed business hours, a calendar with no business time left — are Chinese on the
settings page, through the API and on the tickets and meetings they stop.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from kefu import policy
from kefu.core.models import PolicySetting
from kefu.core.workcalendar import BusinessHours, CalendarYearMissing, WorkCalendar, YearEntry
from kefu.meetings.models import Booking
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf
from tests.meetings.factories import room
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
CHOICE_POLICIES = [p for p in policy.POLICIES.values() if p.choices]

# Each choice setting's refusal, as the API and the settings page give it (after the label).
REFUSALS = {
    "calendar.unknown_year_rule": (
        "只能是“拒绝计算，须先录入该年”（error）或“按周一至周五为工作日计算”（weekdays）"
        "（您填写的是“guess”）。"
    ),
    "callcenter.service_level_formula": (
        "只能是“全部呼入来电”（offered）、“呼入来电减去短时放弃”（no_short_abandons）"
        "或“仅已接听来电”（answered）（您填写的是“guess”）。"
    ),
}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _errors(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="field-error" role="alert">(.*?)</p>', html)]


def test_the_choice_settings_are_the_ones_these_tests_name():
    """A new choice setting gets its expected refusal here too (R-TIC-6, R-CC-5)."""
    assert sorted(p.key for p in CHOICE_POLICIES) == sorted(REFUSALS)


@pytest.mark.parametrize("key", sorted(REFUSALS))
def test_the_api_refuses_a_bad_choice_naming_each_choice_by_its_chinese_label(api, key):
    """R-TIC-6, R-CC-5: PUT /policies/{key} with a value not among the choices is a 400 that
    names every choice in Chinese with its code beside it, and nothing is written."""
    client = api(Role.SYSADMIN)
    refused = client.put(f"policies/{key}", {"value": "guess", "reason": "试"})
    assert refused.status_code == 400
    problem = refused.json()
    with translation.override("zh-hans"):
        label = str(policy.POLICIES[key].label)
    assert problem["detail"] == f"{label}：{REFUSALS[key]}"
    assert problem["errors"] == [{"field": "value", "message": problem["detail"]}]
    assert not PolicySetting.objects.filter(key=key).exists()
    assert client.patch(f"policies/{key}", {"value": "guess"}).status_code == 405


@pytest.mark.parametrize("key", sorted(REFUSALS))
def test_the_settings_page_refuses_a_bad_choice_in_chinese(web, key):
    """R-TIC-6, R-CC-5: a posted value not among the choices (a stale or edited form) is
    refused on the page, next to the setting, in the same Chinese words."""
    page = web(Role.SYSADMIN).post("/settings/policies/", {"key": key, "value": "guess"})
    assert page.status_code == 200
    assert any(e.endswith(REFUSALS[key]) for e in _errors(page.content.decode())), _errors(
        page.content.decode()
    )
    assert not PolicySetting.objects.filter(key=key).exists()


@pytest.mark.parametrize("key", sorted(REFUSALS))
def test_the_api_lists_each_choice_with_its_chinese_label(api, key):
    """An API user sees which codes a choice setting takes and what each means."""
    listed = {p["key"]: p for p in api(Role.SYSADMIN).get("policies").json()}
    choices = listed[key]["choices"]
    assert [c["value"] for c in choices] == list(policy.POLICIES[key].codes)
    for choice in choices:
        assert not ENGLISH_WORD.search(choice["label"]), choice
        assert f"“{choice['label']}”（{choice['value']}）" in REFUSALS[key]
    assert listed["callcenter.lines"]["choices"] == []


def test_a_good_choice_is_still_taken_and_shown_by_its_label(api, web):
    client = api(Role.SYSADMIN)
    saved = client.put("policies/calendar.unknown_year_rule", {"value": "weekdays"})
    assert saved.status_code == 200 and saved.json()["value"] == "weekdays"
    html = web(Role.SYSADMIN).get("/settings/policies/").content.decode()
    row = html[html.index('id="policy-calendar.unknown_year_rule"') :]
    assert "<strong>按周一至周五为工作日计算</strong>" in row[: row.index("</tr>")]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("13:00-12:00", "时段 13:00-12:00 的结束时间不晚于开始时间"),
        ("09:00-12:00,11:00-13:00", "时段 11:00-13:00 在前一时段结束之前就开始了"),
        ("nine to five", "“nine to five”不是 09:00-12:00 这样的时段"),
        (",", "没有填写任何时段"),
    ],
)
def test_malformed_business_hours_are_refused_naming_the_bad_window_in_chinese(
    api, web, value, problem
):
    """R-TIC-6: the work calendar says what is wrong with the business hours, then what it
    wants — through the API and on the settings page."""
    key = "calendar.business_hours"
    wanted = "请填写一个或多个时段，例如 09:00-12:00,13:30-18:00；每个时段的结束晚于开始"
    refused = api(Role.SYSADMIN).put(f"policies/{key}", {"value": value})
    assert refused.status_code == 400
    detail = refused.json()["detail"]
    assert f"：{problem}；{wanted}" in detail
    assert detail.endswith(f"（您填写的是“{value}”）。")
    page = web(Role.SYSADMIN).post("/settings/policies/", {"key": key, "value": value})
    assert page.status_code == 200
    assert any(problem in e and wanted in e for e in _errors(page.content.decode()))
    assert policy.get(key) == policy.POLICIES[key].default


def test_a_ticket_in_a_year_nobody_entered_says_so_in_chinese_through_the_api(api):
    """R-TIC-6: the contact is recorded; the ticket says in Chinese why it has no due
    times, naming the year."""
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    with time_machine.travel(dt.datetime(2031, 3, 3, 10, 0, tzinfo=SH), tick=False):
        client = api(user=agent)  # a token issued then: one issued today has expired
        made = client.post(
            "tickets",
            {
                "kind": "complaint",
                "channel": "phone",
                "description": "物业费争议",
                "customer_id": customer.pk,
            },
        )
        assert made.status_code == 201, made.json()
        ticket = client.get(f"tickets/{made.json()['id']}").json()
    assert ticket["response_due"] is None and ticket["resolution_due"] is None
    notes = [e["note"] for e in ticket["events"]]
    assert (
        "无法计算处理时限：工作日历中尚未录入 2031 年的节假日，请联系客服主管或系统管理员录入。"
        in notes
    )


def test_a_ticket_whose_calendar_has_no_business_time_left_says_so_in_chinese(api):
    """R-TIC-6: eleven entered years with every day off leave no business time within ten
    years; the ticket is still recorded (before: a 500) and says to check the calendar."""
    admin = api(Role.SYSADMIN)
    for year in range(2031, 2042):
        days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(366)]
        entered = admin.put(
            f"calendar/{year}", {"holidays": [d.isoformat() for d in days if d.year == year]}
        )
        assert entered.status_code == 200, entered.json()
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    with time_machine.travel(dt.datetime(2031, 3, 3, 10, 0, tzinfo=SH), tick=False):
        client = api(user=agent)
        made = client.post(
            "tickets",
            {
                "kind": "complaint",
                "channel": "phone",
                "description": "投诉",
                "customer_id": customer.pk,
            },
        )
        assert made.status_code == 201, made.json()
        notes = [e["note"] for e in client.get(f"tickets/{made.json()['id']}").json()["events"]]
    assert "十年内没有任何工作时间：请检查工作日历中录入的节假日。" in notes


def test_a_meeting_in_a_year_nobody_entered_is_refused_in_chinese_through_the_api(api):
    """R-MTG-3 on the R-TIC-6 calendar: a booking on a day of an unknown year is a 400 that
    names the year in Chinese; nothing is booked."""
    meeting_room = room()
    with time_machine.travel(dt.datetime(2031, 3, 3, 9, 0, tzinfo=SH), tick=False):
        client = api(Role.AGENT, department=factories.department())
        refused = client.post(
            "/api/v1/meetings/bookings",
            {
                "room_id": meeting_room.pk,
                "title": "季度工作会",
                "starts_at": dt.datetime(2031, 3, 5, 10, 0, tzinfo=SH).isoformat(),
                "ends_at": dt.datetime(2031, 3, 5, 12, 0, tzinfo=SH).isoformat(),
                "attendees": 8,
            },
        )
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "无法判断当天是否为工作日：工作日历中尚未录入 2031 年的节假日，请联系管理员录入。"
    )
    assert not Booking.objects.exists()


def test_the_work_calendars_own_messages_are_chinese():
    """R-TIC-6: every message the work calendar raises for a person (the ones callers pass
    on, and the ones its own checks give should a caller not check first) reads in Chinese."""
    with translation.override("zh-hans"):
        with pytest.raises(CalendarYearMissing) as missing:
            WorkCalendar().is_workday(dt.date(2031, 1, 2))
        assert str(missing.value) == (
            "2031 年的节假日和调休上班日尚未录入：请先在工作日历（设置）中录入 2031 年的安排，"
            "再按工作时间计算时限。"
        )
        with pytest.raises(ValueError, match="^不是 2031 年的日期：2030-12-31$"):
            YearEntry(2031, frozenset({dt.date(2030, 12, 31)}), frozenset())
        day = dt.date(2031, 5, 1)
        with pytest.raises(ValueError, match="^同一天不能既是节假日又是调休上班日：2031-05-01$"):
            YearEntry(2031, frozenset({day}), frozenset({day}))
        with pytest.raises(ValueError) as rule:
            WorkCalendar(fallback="guess")
        assert str(rule.value) == (
            "未录入年份的处理规则只能是“拒绝计算，须先录入该年”（error）或"
            "“按周一至周五为工作日计算”（weekdays），而不是“guess”。"
        )
        with pytest.raises(ValueError, match="^没有填写任何时段$"):
            BusinessHours(())
