"""Supervision pages: duty log, sign-off, samples (R-SUP-1), weekly reports (R-SUP-3),
walk-throughs (R-SUP-5), and the home panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.supervision import services
from kefu.supervision.models import (
    DutyDaySignoff,
    DutyLogEntry,
    DutyLogSample,
    Walkthrough,
    WeeklyReport,
)
from tests import factories
from tests.supervision.factories import entries, operator

pytestmark = pytest.mark.django_db


def _past(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_r_sup_1_an_operator_writes_an_entry_from_the_page(web):
    client = web(user=operator())
    page = client.get("/supervision/duty-log/new/")
    assert page.status_code == 200
    response = client.post(
        "/supervision/duty-log/new/", {"what": "巡查发现消防通道堵塞", "action": "已清理"}
    )
    assert response.status_code == 302
    assert DutyLogEntry.objects.get().what == "巡查发现消防通道堵塞"
    bad = client.post("/supervision/duty-log/new/", {"what": "", "ticket_number": "T-NONE"})
    assert bad.status_code == 400


def test_r_sup_1_the_supervisor_sees_unsigned_days_at_home_and_signs_one(web):
    entries(_past(1), 2)
    client = web(Role.CS_SUPERVISOR)
    home = client.get("/").content.decode()
    assert _past(1).isoformat() in home and 'id="home-unsigned"' in home
    url = f"/supervision/duty-log/{_past(1).isoformat()}/"
    assert "sign-form" in client.get(url).content.decode()
    assert client.post(url, {"note": "已查阅"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'id="signature-state"' in page and DutyDaySignoff.objects.count() == 1
    again = client.post(url, {"note": ""})
    assert again.status_code == 400 and "签字确认过了" in again.content.decode()


def test_r_sup_1_the_month_page_exports_xlsx(web):
    entries(_past(1), 1)
    client = web(Role.DIRECTOR)
    month = _past(1).strftime("%Y-%m")
    assert client.get(f"/supervision/duty-log/?month={month}").status_code == 200
    response = client.get(f"/supervision/duty-log/?month={month}&format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_r_sup_1_the_director_draws_reviews_and_signs_from_the_pages(web):
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    entries(first, 3)
    client = web(Role.DIRECTOR)
    assert 'id="home-samples"' in client.get("/").content.decode()
    response = client.post("/supervision/samples/", {"month": first.strftime("%Y-%m")})
    assert response.status_code == 302
    sample = DutyLogSample.objects.get()
    [item] = sample.items.all()
    early = client.post(f"/supervision/samples/{sample.pk}/sign/", follow=True).content.decode()
    assert "尚未审阅" in early or "未审" in early or "尚未" in early
    client.post(
        f"/supervision/samples/{sample.pk}/entries/{item.entry_id}/review/", {"in_order": "1"}
    )
    client.post(f"/supervision/samples/{sample.pk}/sign/", {"note": "合格"})
    sample.refresh_from_db()
    assert sample.is_signed
    assert client.get(f"/supervision/samples/{sample.pk}/").status_code == 200


def test_pages_refuse_the_wrong_role(web):
    agent = web(Role.AGENT)
    assert agent.get("/supervision/duty-log/").status_code == 403
    assert agent.get("/supervision/weekly/").status_code == 403
    assert agent.get("/supervision/walkthroughs/new/").status_code == 403
    assert web(user=operator()).post(f"/supervision/duty-log/{_past(1)}/", {}).status_code == 403


def test_r_sup_3_a_person_completes_and_submits_the_draft_from_the_page(web):
    person = factories.user(Role.TECH_SERVICE, department=factories.department())
    services.weekly_reports_draft(actor=SYSTEM)
    report = WeeklyReport.objects.get(person=person)
    client = web(user=person)
    assert report.week_label in client.get("/").content.decode()
    url = f"/supervision/weekly/{report.pk}/"
    assert client.post(url, {"comments": "", "submit": "1"}).status_code == 400
    assert client.post(url, {"comments": "本周正常", "submit": "1"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    boss = web(Role.CS_SUPERVISOR)
    assert person.display_name in boss.get("/supervision/weekly/").content.decode()
    assert boss.post("/supervision/weekly/draft/", {"week": report.week_label}).status_code == 302


def test_r_sup_5_a_reviewer_records_a_walk_through_and_the_assignee_closes_the_fix(web):
    worker = factories.user(Role.AGENT, department=factories.department())
    boss = web(Role.CS_SUPERVISOR)
    response = boss.post(
        "/supervision/walkthroughs/new/",
        {
            "process": "来电报修",
            "kind": "routine",
            "perspective": "customer",
            "walked_on": str(timezone.localdate()),
            "findings": "等待时间长\n未告知上门时间",
        },
    )
    assert response.status_code == 302
    walk = Walkthrough.objects.get()
    url = f"/supervision/walkthroughs/{walk.pk}/"
    due = str(timezone.localdate() - dt.timedelta(days=1))
    assert (
        boss.post(url, {"action": "告知上门时间", "assignee": worker.pk, "due_on": due}).status_code
        == 302
    )
    fix = walk.fixes.get()
    assert "逾期" in boss.get(url).content.decode()
    mine = web(user=worker)
    assert 'id="home-fixes"' in mine.get("/").content.decode()
    mine.post(f"/supervision/fixes/{fix.pk}/move/", {"to": "done", "note": "已整改"})
    walk.refresh_from_db()
    assert walk.closed_at is not None
    assert boss.get("/supervision/walkthroughs/").status_code == 200


def test_the_demo_loads_duty_logs_weekly_reports_and_a_walk_through():
    from kefu.core.demo import load_demo

    load_demo(steps=["supervision"])
    assert DutyLogEntry.objects.count() > 30
    assert DutyDaySignoff.objects.exists()
    assert WeeklyReport.objects.filter(status="submitted").exists()
    assert Walkthrough.objects.get().fixes.count() == 2
