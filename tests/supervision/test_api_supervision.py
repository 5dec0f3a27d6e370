"""/api/v1/supervision: duty log, sign-offs and samples (R-SUP-1), weekly reports (R-SUP-3),
walk-throughs (R-SUP-5). Each endpoint: success, 400, 401, 403, 404 and 409 where they apply."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.supervision import services
from kefu.supervision.models import DutyDaySignoff, DutyLogSample, WeeklyReport
from kefu.supervision.sampling import draw_sample
from tests import factories
from tests.supervision.factories import at, entries, entry, operator

pytestmark = pytest.mark.django_db
BASE = "supervision"


def _past(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def _last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "duty-log?day=2026-03-01"),
        ("post", "duty-log/entries"),
        ("patch", "duty-log/entries/1"),
        ("post", "duty-log/days/2026-03-01/sign"),
        ("get", "duty-log/unsigned"),
        ("get", "duty-log/months/2026-03.xlsx"),
        ("post", "samples"),
        ("get", "samples/1"),
        ("post", "samples/1/entries/1/review"),
        ("post", "samples/1/sign"),
        ("post", "weekly-reports/draft"),
        ("get", "weekly-reports"),
        ("get", "weekly-reports/mine"),
        ("get", "weekly-reports/1"),
        ("patch", "weekly-reports/1"),
        ("post", "weekly-reports/1/submit"),
        ("get", "walkthroughs"),
        ("post", "walkthroughs"),
        ("get", "walkthroughs/1"),
        ("post", "walkthroughs/1/fixes"),
        ("get", "fixes/mine"),
        ("post", "fixes/1/transition"),
    ],
)
def test_it_answers_401_to_anonymous_callers(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(f"{BASE}/{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


# ---------------------------------------------------------------- duty log (R-SUP-1)


def test_r_sup_1_a_duty_operator_writes_an_entry_and_reads_the_day(api):
    client = api(user=operator())
    when = at(_past(1), 21, 15)
    response = client.post(
        f"{BASE}/duty-log/entries",
        {
            "what": "3号楼停电",
            "action": "通知电工",
            "occurred_at": when.isoformat(),
            "incident_ref": "SG-1",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["day"] == _past(1).isoformat()
    day = client.get(f"{BASE}/duty-log", day=_past(1).isoformat()).json()
    assert [e["what"] for e in day["entries"]] == ["3号楼停电"]
    assert day["signed"] is False and day["signature_valid"] is None


def test_it_answers_400_for_an_empty_entry_or_a_bad_day(api):
    client = api(user=operator())
    assert client.post(f"{BASE}/duty-log/entries", {"what": ""}).status_code == 400
    assert client.get(f"{BASE}/duty-log", day="yesterday").status_code == 400


def test_it_answers_403_when_an_agent_writes_or_an_operator_signs(api):
    assert api(Role.AGENT).post(f"{BASE}/duty-log/entries", {"what": "x"}).status_code == 403
    body = api(user=operator()).post(f"{BASE}/duty-log/days/{_past(1)}/sign", {}).json()
    assert body["status"] == 403 and body["permission"] == "dutylog.sign"


def test_it_answers_404_for_an_unknown_ticket_or_corrected_entry(api):
    client = api(user=operator())
    assert (
        client.post(f"{BASE}/duty-log/entries", {"what": "x", "ticket_id": 999}).status_code == 404
    )
    assert (
        client.post(f"{BASE}/duty-log/entries", {"what": "x", "corrects_id": 999}).status_code
        == 404
    )
    assert client.patch(f"{BASE}/duty-log/entries/999", {"what": "x"}).status_code == 404


def test_r_sup_1_the_supervisor_signs_a_day_once_and_then_it_is_frozen(api):
    writer = operator()
    [first] = entries(_past(2), 1, actor=writer)
    boss = api(Role.CS_SUPERVISOR)
    assert [d["day"] for d in boss.get(f"{BASE}/duty-log/unsigned").json()] == [
        _past(2).isoformat()
    ]
    signed = boss.post(f"{BASE}/duty-log/days/{_past(2)}/sign", {"note": "已阅"})
    assert signed.status_code == 201
    assert signed.json()["entry_count"] == 1 and len(signed.json()["content_hash"]) == 64
    again = boss.post(f"{BASE}/duty-log/days/{_past(2)}/sign", {})
    assert again.status_code == 409 and "签字确认过了" in again.json()["detail"]
    assert DutyDaySignoff.objects.count() == 1
    changed = api(user=writer).patch(f"{BASE}/duty-log/entries/{first.pk}", {"what": "改"})
    assert changed.status_code == 409
    day = boss.get(f"{BASE}/duty-log", day=_past(2).isoformat()).json()
    assert day["signature_valid"] is True and boss.get(f"{BASE}/duty-log/unsigned").json() == []
    correction = api(user=writer).post(
        f"{BASE}/duty-log/entries", {"what": "更正", "corrects_id": first.pk}
    )
    assert correction.status_code == 201 and correction.json()["corrects_id"] == first.pk


def test_it_answers_400_when_signing_a_day_not_over_yet(api):
    response = api(Role.CS_SUPERVISOR).post(f"{BASE}/duty-log/days/{timezone.localdate()}/sign", {})
    assert response.status_code == 400
    assert "当天结束后" in response.json()["detail"]


def test_r_sup_1_exports_a_month_as_xlsx_and_refuses_a_bad_month(api):
    entries(_past(2), 2)
    client = api(Role.CS_SUPERVISOR)
    month = _past(2).strftime("%Y-%m")
    response = client.get(f"{BASE}/duty-log/months/{month}.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert client.get(f"{BASE}/duty-log/months/2026-13.xlsx").status_code == 400
    assert api(Role.AGENT).get(f"{BASE}/duty-log/months/{month}.xlsx").status_code == 403


def test_r_sup_1_the_director_draws_reviews_and_signs_a_sample(api):
    first = _last_month()
    writer = operator()
    for n in range(6):
        entries(first + dt.timedelta(days=n), 1, actor=writer)
    director = api(Role.DIRECTOR)
    drawn = director.post(f"{BASE}/samples", {"month": first.strftime("%Y-%m"), "seed": 42})
    assert drawn.status_code == 201, drawn.content
    body = drawn.json()
    assert (body["population"], body["sampled"], body["seed"]) == (6, 2, 42)
    sample_id = body["id"]
    ids = [i["entry"]["id"] for i in body["items"]]
    early = director.post(f"{BASE}/samples/{sample_id}/sign", {})
    assert early.status_code == 409 and "尚未审阅" in early.json()["detail"]
    bad = director.post(f"{BASE}/samples/{sample_id}/entries/{ids[0]}/review", {"in_order": False})
    assert bad.status_code == 400
    for entry_id in ids:
        ok = director.post(
            f"{BASE}/samples/{sample_id}/entries/{entry_id}/review", {"in_order": True}
        )
        assert ok.status_code == 200
    signed = director.post(f"{BASE}/samples/{sample_id}/sign", {"note": "抽查合格"}).json()
    assert signed["signature_valid"] is True and signed["reviewed"] == 2
    assert director.post(f"{BASE}/samples/{sample_id}/sign", {}).status_code == 409
    again = director.post(f"{BASE}/samples", {"month": first.strftime("%Y-%m")})
    assert again.status_code == 409


def test_it_answers_400_403_and_404_around_samples(api):
    director = api(Role.DIRECTOR)
    assert director.post(f"{BASE}/samples", {"month": "March"}).status_code == 400
    assert api(Role.CS_SUPERVISOR).post(f"{BASE}/samples", {"month": "2026-01"}).status_code == 403
    assert director.get(f"{BASE}/samples/999").status_code == 404
    assert director.post(f"{BASE}/samples/999/sign", {}).status_code == 404
    review = director.post(f"{BASE}/samples/999/entries/1/review", {"in_order": True})
    assert review.status_code == 404
    assert DutyLogSample.objects.count() == 0


# ---------------------------------------------------------------- weekly reports (R-SUP-3)


def test_r_sup_3_drafts_completes_and_submits_a_weekly_report(api):
    person = factories.user(Role.TECH_SERVICE, department=factories.department())
    boss = api(Role.CS_SUPERVISOR)
    assert boss.post(f"{BASE}/weekly-reports/draft", {"week": "2026-W11"}).json()["created"] == 1
    report = WeeklyReport.objects.get(person=person)
    mine = api(user=person)
    assert [r["week"] for r in mine.get(f"{BASE}/weekly-reports/mine").json()] == ["2026-W11"]
    saved = mine.patch(f"{BASE}/weekly-reports/{report.pk}", {"comments": "本周正常"})
    assert saved.status_code == 200 and saved.json()["status"] == "draft"
    submitted = mine.post(f"{BASE}/weekly-reports/{report.pk}/submit", {}).json()
    assert submitted["status"] == "submitted" and submitted["late"] is True  # 2026-W11 is past
    again = mine.post(f"{BASE}/weekly-reports/{report.pk}/submit", {})
    assert again.status_code == 409
    rows = boss.get(f"{BASE}/weekly-reports", week="2026-W11").json()
    assert [(r["person_id"], r["state"]) for r in rows] == [(person.pk, "late")]


def test_it_answers_400_403_and_404_around_weekly_reports(api):
    person = factories.user(Role.TECH_SERVICE, department=factories.department())
    services.weekly_reports_draft(actor=SYSTEM, week_start=dt.date(2026, 3, 9))
    report = WeeklyReport.objects.get(person=person)
    boss = api(Role.CS_SUPERVISOR)
    assert boss.post(f"{BASE}/weekly-reports/draft", {"week": "W11"}).status_code == 400
    assert boss.get(f"{BASE}/weekly-reports", week="2026-W99").status_code == 400
    empty = api(user=person).post(f"{BASE}/weekly-reports/{report.pk}/submit", {"comments": ""})
    assert empty.status_code == 400
    assert api(Role.AGENT).post(f"{BASE}/weekly-reports/draft", {}).status_code == 403
    other = api(Role.TECH_SERVICE)
    assert other.get(f"{BASE}/weekly-reports/{report.pk}").status_code == 403
    assert boss.patch(f"{BASE}/weekly-reports/{report.pk}", {"comments": "x"}).status_code == 403
    assert boss.get(f"{BASE}/weekly-reports/{report.pk}").status_code == 200
    assert boss.get(f"{BASE}/weekly-reports/999").status_code == 404


# ---------------------------------------------------------------- walk-throughs (R-SUP-5)


def test_r_sup_5_records_a_walk_through_and_moves_its_fix_to_closure(api):
    worker = factories.user(Role.AGENT, department=factories.department())
    boss = api(Role.BUSINESS_SUPERVISOR)
    created = boss.post(
        f"{BASE}/walkthroughs",
        {
            "process": "投诉处理流程",
            "kind": "special",
            "perspective": "front_line",
            "walked_on": str(timezone.localdate()),
            "findings": ["工作联络单填写繁琐"],
            "fixes": [
                {
                    "action": "简化联络单",
                    "assignee_id": worker.pk,
                    "due_on": "2030-01-01",
                    "finding": 0,
                }
            ],
        },
    )
    assert created.status_code == 201, created.content
    walk = created.json()
    [fix] = walk["fixes"]
    mine = api(user=worker)
    assert [f["id"] for f in mine.get(f"{BASE}/fixes/mine").json()] == [fix["id"]]
    done = mine.post(f"{BASE}/fixes/{fix['id']}/transition", {"to": "done", "note": "已简化"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert boss.get(f"{BASE}/walkthroughs/{walk['id']}").json()["closed_at"] is not None
    skip = mine.post(f"{BASE}/fixes/{fix['id']}/transition", {"to": "done", "note": "x"})
    assert skip.status_code == 409
    added = boss.post(
        f"{BASE}/walkthroughs/{walk['id']}/fixes",
        {"action": "培训", "assignee_id": worker.pk, "due_on": "2030-01-01"},
    )
    assert added.status_code == 201
    assert boss.get(f"{BASE}/walkthroughs", open_only=True).json()[0]["id"] == walk["id"]


def test_it_answers_400_403_and_404_around_walk_throughs(api):
    boss = api(Role.BUSINESS_SUPERVISOR)
    bad = boss.post(
        f"{BASE}/walkthroughs",
        {
            "process": "x",
            "kind": "weekly",
            "perspective": "customer",
            "walked_on": "2026-03-01",
            "findings": ["a"],
        },
    )
    assert bad.status_code == 400
    nobody = boss.post(
        f"{BASE}/walkthroughs",
        {
            "process": "x",
            "kind": "routine",
            "perspective": "customer",
            "walked_on": "2026-03-01",
            "findings": ["a"],
            "fixes": [{"action": "y", "assignee_id": 999999, "due_on": "2026-04-01"}],
        },
    )
    assert nobody.status_code == 400
    agent = api(Role.AGENT)
    assert (
        agent.post(
            f"{BASE}/walkthroughs",
            {
                "process": "x",
                "kind": "routine",
                "perspective": "customer",
                "walked_on": "2026-03-01",
                "findings": ["a"],
            },
        ).status_code
        == 403
    )
    assert boss.get(f"{BASE}/walkthroughs/999").status_code == 404
    assert boss.post(f"{BASE}/fixes/999/transition", {"to": "done"}).status_code == 404
    assert (
        boss.post(
            f"{BASE}/walkthroughs/999/fixes",
            {"action": "y", "assignee_id": 1, "due_on": "2026-04-01"},
        ).status_code
        == 404
    )


def test_it_answers_400_for_an_event_time_the_log_cannot_hold(api):
    client = api(user=operator())
    response = client.post(
        f"{BASE}/duty-log/entries", {"what": "x", "occurred_at": "0001-01-01T00:00:00"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "occurred_at"


def test_r_sec_3_a_department_operator_sees_only_own_entries_of_the_sample(api):
    """A duty operator (dutylog.view, department scope) reading the director's sample, by
    API or in the month's xlsx, sees the sampled entries of their department, not others'."""
    own, other = operator(factories.department()), operator(factories.department())
    first = _last_month()
    mine = [entry(actor=own, occurred_at=at(first, 9 + n), what=f"本部门{n}") for n in range(3)]
    theirs = [entry(actor=other, occurred_at=at(first, 9 + n), what=f"外部门{n}") for n in range(3)]
    ids = sorted(e.pk for e in mine + theirs)
    # a seed that draws one entry of each department (the draw is reproducible)
    seed = next(
        s
        for s in range(1, 1000)
        if len({e.author_id for e in mine + theirs if e.pk in draw_sample(ids, 20, s)}) == 2
    )
    director = factories.user(Role.DIRECTOR, department=factories.department())
    sample = services.duty_sample_draw(actor=director, month=first, seed=seed)

    body = api(user=own).get(f"{BASE}/samples/{sample.pk}").json()
    assert [i["entry"]["author_id"] for i in body["items"]] == [own.pk]
    assert len(api(user=director).get(f"{BASE}/samples/{sample.pk}").json()["items"]) == 2

    xlsx = api(user=own).get(f"{BASE}/duty-log/months/{first:%Y-%m}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[2]
    texts = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True) if row[2]]
    assert any(t.startswith("本部门") for t in texts)
    assert not any(t.startswith("外部门") for t in texts)


def test_r_sup_1_the_month_xlsx_keeps_every_digit_of_the_sample_seed(api):
    """The seed makes the draw reproducible; Excel would round a 19-digit number."""
    first = _last_month()
    entries(first + dt.timedelta(days=1), 3)
    director = factories.user(Role.DIRECTOR, department=factories.department())
    seed = 4246402332266140515
    services.duty_sample_draw(actor=director, month=first, seed=seed)
    xlsx = api(user=director).get(f"{BASE}/duty-log/months/{first:%Y-%m}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[2]
    seeds = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "种子"]
    assert seeds == [str(seed)]


def test_it_lists_walk_throughs_in_a_fixed_number_of_queries(api):
    boss = api(Role.BUSINESS_SUPERVISOR)

    def record(n):
        response = boss.post(
            f"{BASE}/walkthroughs",
            {
                "process": f"流程{n}",
                "kind": "routine",
                "perspective": "customer",
                "walked_on": "2026-03-01",
                "findings": ["a", "b"],
                "fixes": [{"action": "y", "assignee_id": boss.user.pk, "due_on": "2030-01-01"}],
            },
        )
        assert response.status_code == 201

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert boss.get(f"{BASE}/walkthroughs").status_code == 200
        return len(queries)

    record(1)
    one = count()
    for n in range(2, 6):
        record(n)
    assert count() == one
