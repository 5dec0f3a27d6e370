"""Shift templates (R-CC-7, R-CC-6), staff leave and forecast overrides (R-CC-10): the
supervisor's inputs to the roster, through the services, the API and the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from kefu.audit.models import AuditEntry
from kefu.callcenter import planning
from kefu.callcenter.models import ForecastOverride, ShiftTemplate, StaffLeave
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.factories import SHANGHAI
from tests.callcenter.test_planning import WEEK, history, run, small_team

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 9, tzinfo=SHANGHAI)  # WEEK starts here
BEFORE_WEEK = dt.datetime(2026, 3, 2, 12, tzinfo=SHANGHAI)


def _id(code: str) -> int:
    return ShiftTemplate.objects.get(code=code).pk


# ---------------------------------------------------------------------------- templates


def test_the_three_seed_shifts_are_the_first_templates_the_night_one_over_midnight_rcc7(api):
    rows = api(Role.CS_SUPERVISOR).get("callcenter/shift-templates").json()
    assert [(r["code"], r["start"][:5], r["end"][:5], r["overnight"]) for r in rows] == [
        ("day", "08:00", "20:00", False),
        ("middle", "09:00", "21:00", False),
        ("night", "20:00", "08:00", True),
    ]
    assert {r["name"] for r in rows} == {"白班", "中班", "夜班"}


def test_it_refuses_templates_that_leave_a_gap_in_seven_by_twenty_four_naming_the_time_rcc6(
    api, anonymous_api
):
    client = api(Role.CS_SUPERVISOR)
    night = client.patch(f"callcenter/shift-templates/{_id('night')}", {"is_active": False})
    assert night.status_code == 400 and "21:00–08:00" in night.json()["detail"]
    day = client.patch(f"callcenter/shift-templates/{_id('day')}", {"is_active": False})
    assert day.status_code == 400 and "08:00–09:00" in day.json()["detail"]
    shorter = client.patch(
        f"callcenter/shift-templates/{_id('night')}", {"end": "06:00", "paid_hours": 10}
    )
    assert shorter.status_code == 400 and "06:00–08:00" in shorter.json()["detail"]
    assert ShiftTemplate.objects.filter(is_active=True).count() == 3  # nothing half-changed
    assert ShiftTemplate.objects.get(code="night").end == dt.time(8)
    new = {"code": "x", "name": "X", "start": "10:00", "end": "10:00", "paid_hours": 8}
    assert client.post("callcenter/shift-templates", new).status_code == 400
    too_paid = {**new, "end": "14:00", "paid_hours": 5}
    assert client.post("callcenter/shift-templates", too_paid).json()["errors"][0]["field"] == (
        "paid_hours"
    )
    taken = {**new, "code": "day", "end": "14:00", "paid_hours": 4}
    assert client.post("callcenter/shift-templates", taken).status_code == 409
    assert api(Role.AGENT).post("callcenter/shift-templates", taken).status_code == 403
    assert api(Role.TEAM_LEAD).patch(
        f"callcenter/shift-templates/{_id('day')}", {"name": "x"}
    ).status_code == 403  # fmt: skip
    assert anonymous_api.get("callcenter/shift-templates").status_code == 401
    assert client.patch("callcenter/shift-templates/999999", {"name": "x"}).status_code == 404


def test_the_supervisor_adds_changes_and_deactivates_templates_and_it_is_audited_rcc7(api):
    client = api(Role.CS_SUPERVISOR)
    early = client.post(
        "callcenter/shift-templates",
        {"code": "early", "name": "早班", "start": "07:00", "end": "15:00", "paid_hours": 7.5},
    )
    assert early.status_code == 201 and early.json()["paid_hours"] == "7.50"
    off = client.patch(f"callcenter/shift-templates/{_id('day')}", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    renamed = client.patch(f"callcenter/shift-templates/{_id('middle')}", {"name": "中间班"})
    assert renamed.json()["name"] == "中间班"
    assert AuditEntry.objects.filter(target_type="callcenter.shifttemplate").count() == 3


def test_the_roster_uses_only_the_active_templates_and_their_paid_hours_rcc7_rcc10():
    history()
    small_team(8)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    from kefu.callcenter import services

    services.shift_template_create(
        actor=supervisor, code="early", name="早班", start=dt.time(7), end=dt.time(15),
        paid_hours=8,
    )  # fmt: skip
    services.shift_template_update(
        actor=supervisor, template=ShiftTemplate.objects.get(code="day"), is_active=False
    )
    plan = planning.roster_plan(actor=supervisor, week=WEEK, interval_minutes=60)
    used = {a.shift for a in plan.roster.assignments}
    assert used <= {"early", "middle", "night"} and "day" not in used
    paid = {"early": 8 * 60, "middle": 12 * 60, "night": 12 * 60}
    assert plan.roster.paid_minutes == sum(paid[a.shift] for a in plan.roster.assignments)
    names = {name for _user, days in plan.named_sheet() for name in days if name}
    assert names <= {"早班", "中班", "夜班"}


def test_the_shifts_page_adds_a_template_and_shows_a_gap_as_an_error_rcc6_rcc7(web):
    client = web(Role.CS_SUPERVISOR)
    page = client.get("/callcenter/schedule/")
    assert page.status_code == 200 and "夜班" in page.content.decode()
    form = {"action": "template_new", "t-code": "late", "t-name": "晚班", "t-start": "14:00",
            "t-end": "22:00", "t-paid_hours": "8", "t-is_active": "on"}  # fmt: skip
    assert client.post("/callcenter/schedule/", form).status_code == 302
    assert ShiftTemplate.objects.filter(code="late", is_active=True).exists()
    gap = client.post(
        "/callcenter/schedule/", {"action": "template_toggle", "id": _id("night")}, follow=True
    )
    assert "21:00–08:00" in gap.content.decode() or "22:00–08:00" in gap.content.decode()
    assert ShiftTemplate.objects.get(code="night").is_active
    edit = {**form, "action": "template_edit", "id": _id("late"), "t-end": "23:00"}
    edited = client.post(f"/callcenter/schedule/?edit={_id('late')}", edit)
    assert edited.status_code == 302
    assert ShiftTemplate.objects.get(code="late").end == dt.time(23)
    assert web(Role.AGENT).get("/callcenter/schedule/").status_code == 403


# ---------------------------------------------------------------------------- leave


def test_the_roster_gives_nobody_a_shift_during_their_leave_rcc10():
    history()
    small_team(7)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    people = planning.roster_staff()
    away = people[0]
    from kefu.callcenter import services

    services.staff_leave_create(
        actor=supervisor, user=away, starts_at=MONDAY, ends_at=MONDAY + dt.timedelta(days=2),
        reason="年假",
    )  # fmt: skip
    plan = planning.roster_plan(actor=supervisor, week=WEEK, interval_minutes=60)
    shifts = dict(plan.sheet())[away]
    assert shifts[0] == "" and shifts[1] == ""  # Monday and Tuesday off
    # Wednesday 06:00: a night shift starting Tuesday 20:00 would touch it too
    assert all(not (a.person == away.username and a.day < 2) for a in plan.roster.assignments)


def test_an_infeasible_roster_names_the_interval_the_rule_and_who_is_on_leave_rcc6_rcc10():
    history()
    small_team(2)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    first, second = planning.roster_staff()
    from kefu.callcenter import services

    services.staff_leave_create(
        actor=supervisor, user=first, starts_at=MONDAY - dt.timedelta(days=1),
        ends_at=MONDAY + dt.timedelta(days=8), reason="病假",
    )  # fmt: skip
    plan = planning.roster_plan(actor=supervisor, week=WEEK, interval_minutes=60)
    assert plan.shortfalls
    text = " ".join(plan.shortfalls)
    assert "R-CC-6" in text and first.display_name in text and "03-09" in text
    assert all(a.person == second.username for a in plan.roster.assignments)


def test_leave_through_the_api_with_bad_input_overlap_roles_and_withdrawal(api, anonymous_api):
    agent = factories.user(Role.AGENT)
    client = api(Role.CS_SUPERVISOR)
    body = {"user_id": agent.pk, "starts_at": "2026-03-10T08:00:00+08:00",
            "ends_at": "2026-03-11T08:00:00+08:00", "reason": "培训"}  # fmt: skip
    created = client.post("callcenter/leave", body)
    assert created.status_code == 201 and created.json()["user_name"] == agent.display_name
    backwards = {**body, "ends_at": "2026-03-09T08:00:00+08:00"}
    assert client.post("callcenter/leave", backwards).json()["errors"][0]["field"] == "ends_at"
    assert client.post("callcenter/leave", {**body, "reason": " "}).status_code == 400
    assert client.post("callcenter/leave", {**body, "user_id": 999999}).status_code == 404
    assert client.post("callcenter/leave", body).status_code == 409
    assert api(Role.AGENT).post("callcenter/leave", body).status_code == 403
    assert anonymous_api.post("callcenter/leave", body).status_code == 401
    with time_machine.travel(BEFORE_WEEK, tick=False):
        assert len(client.get("callcenter/leave").json()) == 1
    leave_id = created.json()["id"]
    assert client.delete(f"callcenter/leave/{leave_id}").status_code == 204
    assert client.delete(f"callcenter/leave/{leave_id}").status_code == 404
    assert not StaffLeave.objects.exists()


def test_a_team_lead_records_leave_only_for_their_own_department(api):
    mine, other = factories.department(), factories.department()
    lead = factories.user(Role.TEAM_LEAD, department=mine)
    body = {"starts_at": "2026-03-10T08:00:00+08:00", "ends_at": "2026-03-10T20:00:00+08:00",
            "reason": "事假"}  # fmt: skip
    own = factories.user(Role.AGENT, department=mine)
    stranger = factories.user(Role.AGENT, department=other)
    assert api(user=lead).post("callcenter/leave", {**body, "user_id": own.pk}).status_code == 201
    refused = api(user=lead).post("callcenter/leave", {**body, "user_id": stranger.pk})
    assert refused.status_code == 403


def test_the_leave_page_records_and_refuses_bad_input_writing_nothing(web):
    agent = factories.user(Role.AGENT)
    client = web(Role.CS_SUPERVISOR)
    bad = client.post("/callcenter/schedule/", {
        "action": "leave_new", "l-user": agent.pk, "l-starts_at": "2030-03-10T08:00",
        "l-ends_at": "2030-03-09T08:00", "l-reason": "年假",
    })  # fmt: skip
    assert bad.status_code == 200 and not StaffLeave.objects.exists()
    ok = client.post("/callcenter/schedule/", {
        "action": "leave_new", "l-user": agent.pk, "l-starts_at": "2030-03-10T08:00",
        "l-ends_at": "2030-03-12T08:00", "l-reason": "年假",
    })  # fmt: skip
    assert ok.status_code == 302 and StaffLeave.objects.get().user == agent
    assert agent.display_name in client.get("/callcenter/schedule/").content.decode()


# ---------------------------------------------------------------------------- overrides


@time_machine.travel(BEFORE_WEEK, tick=False)
def test_overrides_replace_calls_and_handle_time_and_show_as_overridden_rcc10(api):
    history()
    client = api(Role.CS_SUPERVISOR)
    body = {"starts_at": "2026-03-09T09:00:00+08:00", "ends_at": "2026-03-09T11:00:00+08:00",
            "calls_per_hour": 40, "aht_seconds": 300, "reason": "促销活动"}  # fmt: skip
    assert client.post("callcenter/forecast-overrides", body).status_code == 201
    half = {"starts_at": "2026-03-10T09:30:00+08:00", "ends_at": "2026-03-10T10:00:00+08:00",
            "aht_seconds": 480, "reason": "新系统"}  # fmt: skip
    assert client.post("callcenter/forecast-overrides", half).status_code == 201
    rows = client.get("callcenter/forecast", week=WEEK, interval=60).json()["intervals"]
    by_start = {r["start"][:16]: r for r in rows}
    nine = by_start["2026-03-09T09:00"]
    assert nine["overridden"] and nine["calls"] == pytest.approx(40) and nine["aht_seconds"] == 300
    assert by_start["2026-03-09T11:00"]["overridden"] is False
    tuesday = by_start["2026-03-10T09:00"]  # half the hour at 480 s, half at history's 240 s
    assert tuesday["overridden"] and tuesday["aht_seconds"] == pytest.approx(360, abs=1)
    assert sum(r["overridden"] for r in rows) == 3
    seats_before = by_start["2026-03-11T09:00"]["agents"]
    assert nine["agents"] > seats_before
    command = json.loads(run("forecast", "--week", WEEK, "--interval", "60", "--json"))
    assert sum(i["overridden"] for i in command["intervals"]) == 3  # `kefu forecast` too


@time_machine.travel(BEFORE_WEEK, tick=False)
def test_overrides_refuse_bad_input_overlaps_and_the_wrong_role(api, anonymous_api):
    client = api(Role.CS_SUPERVISOR)
    body = {"starts_at": "2026-03-09T09:00:00+08:00", "ends_at": "2026-03-09T11:00:00+08:00",
            "calls_per_hour": 40, "reason": "促销活动"}  # fmt: skip

    def field(data) -> str:
        answer = client.post("callcenter/forecast-overrides", data)
        assert answer.status_code == 400
        return answer.json()["errors"][0]["field"]

    assert field({**body, "calls_per_hour": None}) == "calls_per_hour"
    assert field({**body, "calls_per_hour": -3}) == "calls_per_hour"
    assert field({**body, "aht_seconds": 0}) == "aht_seconds"
    assert field({**body, "starts_at": "2026-03-09T09:10:00+08:00"}) == "starts_at"
    assert field({**body, "ends_at": "2026-03-09T08:00:00+08:00"}) == "ends_at"
    past = {
        **body,
        "starts_at": "2026-02-02T09:00:00+08:00",
        "ends_at": "2026-02-02T10:00:00+08:00",
    }
    assert field(past) == "ends_at"
    assert not ForecastOverride.objects.exists()
    created = client.post("callcenter/forecast-overrides", body)
    assert created.status_code == 201
    overlap = {
        **body,
        "starts_at": "2026-03-09T10:00:00+08:00",
        "ends_at": "2026-03-09T12:00:00+08:00",
    }
    assert client.post("callcenter/forecast-overrides", overlap).status_code == 409
    assert api(Role.TEAM_LEAD).post("callcenter/forecast-overrides", body).status_code == 403
    assert anonymous_api.post("callcenter/forecast-overrides", body).status_code == 401
    assert len(client.get("callcenter/forecast-overrides").json()) == 1
    row = created.json()["id"]
    assert client.delete(f"callcenter/forecast-overrides/{row}").status_code == 204
    assert client.delete(f"callcenter/forecast-overrides/{row}").status_code == 404


@time_machine.travel(BEFORE_WEEK, tick=False)
def test_the_forecast_page_adds_an_override_and_marks_the_intervals_rcc10(web):
    history()
    client = web(Role.CS_SUPERVISOR)
    saved = client.post(f"/callcenter/forecast/?week={WEEK}&interval=60", {
        "action": "override_new",
        "o-starts_at": "2026-03-09T09:00", "o-ends_at": "2026-03-09T10:00",
        "o-calls_per_hour": "30", "o-reason": "春节后返工",
    })  # fmt: skip
    assert saved.status_code == 302 and ForecastOverride.objects.count() == 1
    page = client.get("/callcenter/forecast/", {"week": WEEK, "interval": "60"}).content.decode()
    assert page.count('class="cc-overridden"') == 1 and "春节后返工" in page
    bad = client.post(f"/callcenter/forecast/?week={WEEK}", {
        "action": "override_new",
        "o-starts_at": "2026-03-09T09:00", "o-ends_at": "2026-03-09T10:00",
        "o-reason": "x",
    })  # fmt: skip
    assert bad.status_code == 200 and ForecastOverride.objects.count() == 1
    no_history = client.get("/callcenter/forecast/", {"week": "2020-W01"})
    assert no_history.status_code == 200 and 'role="alert"' in no_history.content.decode()
