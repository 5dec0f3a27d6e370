"""R-CC-5 and R-CC-9: the figures, their formula variants, and where they are shown."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from kefu.callcenter import stats
from kefu.callcenter.models import CallRecord
from kefu.core.models import PolicySetting
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.factories import at, call

pytestmark = pytest.mark.django_db


def report(first="2026-03-02", last="2026-03-02", **kw):
    since, until = stats.day_bounds(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    return stats.call_stats(calls=CallRecord.objects.all(), since=since, until=until, **kw)


def ten_calls():
    """10 offered: 8 answered (6 within 20 s), 1 abandoned after 3 s, 1 after 40 s."""
    day = "2026-03-02"
    for i, wait in enumerate([2, 5, 10, 15, 18, 20, 25, 60]):
        call(enter_at=at(day, f"09:{i:02d}"), wait=wait, talk=100 + i * 10)
    call(enter_at=at(day, "09:30"), answered=False, wait=3)
    call(enter_at=at(day, "09:31"), answered=False, wait=40)


def test_it_counts_offered_answered_abandoned_and_short_abandons_apart_rcc5():
    ten_calls()
    total = report().total
    assert (total.offered, total.answered, total.abandoned, total.short_abandoned) == (10, 8, 2, 1)
    assert total.answer_rate == pytest.approx(0.8)
    assert total.asa_seconds == pytest.approx((2 + 5 + 10 + 15 + 18 + 20 + 25 + 60) / 8)
    assert total.aht_seconds == pytest.approx(135)
    assert total.quick_answer_rate == pytest.approx(0.4)  # within 15 s
    assert total.below_target  # 80% < 90% (R-CC-9)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [("offered", 6 / 10), ("no_short_abandons", 6 / 9), ("answered", 6 / 8)],
)
def test_the_service_level_formula_is_a_setting_shown_with_its_definition_rcc5(formula, expected):
    PolicySetting.objects.create(key="callcenter.service_level_formula", value=formula)
    ten_calls()
    result = report()
    assert result.total.service_level == pytest.approx(expected)
    assert "20" in result.definitions["service_level"]


def test_peak_lines_occupancy_and_first_contact_resolution_rcc5():
    agent = factories.user(Role.AGENT)
    call(enter_at=at("2026-03-02", "10:00"), wait=0, talk=600, agent=agent, caller="13800000001")
    call(enter_at=at("2026-03-02", "10:05"), wait=0, talk=60, agent=agent, caller="13800000002")
    call(enter_at=at("2026-03-02", "10:05:30"), wait=0, talk=60, caller="13800000003")
    call(enter_at=at("2026-03-05", "10:00"), wait=0, talk=60, caller="13800000002")  # repeat
    call(enter_at=at("2026-02-25", "10:00"), wait=0, talk=60, caller="13800000003")  # before
    total = report().total
    assert total.peak_lines == 3
    assert total.fcr_rate == pytest.approx(1 / 3)  # only ...001 called once in ±7 days
    assert total.occupancy == pytest.approx(660 / 1800)  # one agent, one 30-min interval


def test_it_groups_by_interval_day_and_agent_and_flags_days_under_target_rcc9():
    agent = factories.user(Role.AGENT, full_name="周小燕")
    for minute in (0, 10, 40):
        call(enter_at=at("2026-03-02", f"09:{minute:02d}"), agent=agent)
    call(enter_at=at("2026-03-03", "09:00"), agent=agent)
    call(enter_at=at("2026-03-03", "09:05"), answered=False, wait=30)
    by_day = report(last="2026-03-03", group="day")
    assert [(r.key, r.offered, r.below_target) for r in by_day.rows] == [
        ("2026-03-02", 3, False),
        ("2026-03-03", 2, True),
    ]
    by_interval = report(group="interval", interval_minutes=30)
    assert [r.offered for r in by_interval.rows] == [2, 1]
    by_agent = report(last="2026-03-03", group="agent")
    assert {r.label: r.answered for r in by_agent.rows}["周小燕"] == 4


def test_an_agent_the_pbx_names_but_kefu_does_not_know_gets_a_row_of_their_own_rcc5():
    """R-CC-5: calls answered by an agent of an imported history (no staff member behind the
    PBX's name) are counted under that name, not among the calls no agent took."""
    call(enter_at=at("2026-03-02", "09:00"), agent=None, agent_label="Paty Marin")
    call(enter_at=at("2026-03-02", "09:10"), agent=None, agent_label="Paty Marin")
    call(enter_at=at("2026-03-02", "09:20"), answered=False, wait=30, agent=None)
    rows = {r.label: (r.offered, r.answered) for r in report(group="agent").rows}
    assert rows["Paty Marin"] == (2, 2)
    assert rows["（无坐席）"] == (1, 0)


def test_the_stats_page_highlights_a_day_under_90_percent_and_exports_xlsx_rcc9(web):
    call(enter_at=at("2026-03-02", "09:00"))
    call(enter_at=at("2026-03-02", "09:05"), answered=False, wait=30)
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/callcenter/stats/", {"since": "2026-03-02", "until": "2026-03-02"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="cc-below"' in text and "<svg" in text and "50%" in text
    xlsx = client.get(
        "/callcenter/stats/", {"since": "2026-03-02", "until": "2026-03-02", "format": "xlsx"}
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    # Sheets and column headers in the reader's language (the figures, not their keys)
    assert book.sheetnames == ["统计", "指标定义"]
    sheet = book["统计"]
    assert (sheet["B1"].value, sheet["B2"].value, sheet["C2"].value) == ("呼入量", 2, 1)
    assert web(Role.OPERATOR).get("/callcenter/stats/").status_code == 403
    assert client.get("/callcenter/stats/", {"since": "yesterday"}).status_code == 400


def test_the_stats_api_gives_rows_totals_and_definitions_rcc5(api, anonymous_api):
    call(enter_at=at("2026-03-02", "09:00"))
    client = api(Role.DIRECTOR)
    response = client.get("callcenter/stats", since="2026-03-02", until="2026-03-02", group="day")
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["offered"] == 1 and body["lines"] == 90
    assert "answer_rate" in body["definitions"]
    xlsx = client.get("callcenter/stats", since="2026-03-02", format="xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    assert client.get("callcenter/stats", group="year").status_code == 400
    bad_range = client.get("callcenter/stats", since="2026-03-05", until="2026-03-01")
    assert bad_range.status_code == 400
    assert anonymous_api.get("callcenter/stats").status_code == 401
    assert api(Role.OPERATOR).get("callcenter/stats").status_code == 403


def test_the_calls_api_lists_masked_numbers_and_scopes_agents_to_their_department(api):
    dept = factories.department()
    mine = factories.user(Role.AGENT, department=dept)
    stranger = factories.user(Role.AGENT, department=factories.department())
    own = call(enter_at=at("2026-03-02", "09:00"), agent=mine, caller="13812345678")
    call(enter_at=at("2026-03-02", "09:01"), agent=stranger)
    response = api(user=mine).get("callcenter/calls")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [own.pk] and items[0]["caller"] == "138****5678"
    assert api(user=mine).get(f"callcenter/calls/{own.pk + 1}").status_code == 404
    assert api(Role.DIRECTOR).get("callcenter/calls").json()["count"] == 2


def test_a_department_sees_the_calls_its_hotlines_missed_and_no_one_elses_r_sec_1(api):
    """R-SEC-1, R-CC-5: an unanswered call has no agent; the department answering its hotline
    (directly or through the call's queue) still sees it, so its answer rate is not 100%."""
    from kefu.callcenter.models import Hotline, Queue

    centre, other = factories.department(name="呼叫中心"), factories.department(name="工程部")
    lead = factories.user(Role.TEAM_LEAD, department=centre)
    agent = factories.user(Role.AGENT, department=centre)
    ours = Hotline.objects.create(number="4008001234", name="客服热线", department=centre)
    theirs = Hotline.objects.create(number="4008009999", name="工程热线", department=other)
    queue = Queue.objects.create(name="repairs", hotline=ours)
    day = "2026-03-02"
    call(enter_at=at(day, "09:00"), agent=agent, hotline=ours)
    call(enter_at=at(day, "09:01"), answered=False, hotline=ours)
    call(enter_at=at(day, "09:02"), answered=False, queue=queue)
    call(enter_at=at(day, "09:03"), answered=False, hotline=theirs)
    body = api(user=lead).get("callcenter/stats", since=day, until=day, group="day").json()
    assert (body["total"]["offered"], body["total"]["answered"]) == (3, 1)
    assert api(user=lead).get("callcenter/calls").json()["count"] == 3
    assert api(Role.DIRECTOR).get("callcenter/calls").json()["count"] == 4


def test_a_hotline_names_the_department_that_answers_it_r_cc_1(api):
    centre = factories.department(name="呼叫中心")
    client = api(Role.SYSADMIN)
    made = client.post(
        "callcenter/hotlines",
        {"number": "4008001234", "name": "客服热线", "department_id": centre.pk},
    )
    assert made.status_code == 201 and made.json()["department_id"] == centre.pk
    pk = made.json()["id"]
    kept = client.patch(f"callcenter/hotlines/{pk}", {"name": "客服热线（新）"})
    assert kept.json()["department_id"] == centre.pk  # left out: unchanged
    cleared = client.patch(f"callcenter/hotlines/{pk}", {"department_id": 0})
    assert cleared.json()["department_id"] is None
    missing = client.post(
        "callcenter/hotlines", {"number": "95511", "name": "x", "department_id": 999999}
    )
    assert missing.status_code == 404
