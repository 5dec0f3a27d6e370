"""R-SUP-2: the monthly service supervision report, built from the data, frozen once issued."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from kefu.audit.models import AuditEntry
from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.reports import services
from kefu.reports.models import MonthlyReport
from kefu.reports.tasks import monthly_report_build_last_month
from kefu.reports.xlsx import report_xlsx
from tests import factories
from tests.reports.factories import agent, at, call, followup, scheme, ticket_on

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
LEAK = "楼上卫生间漏水，天花板渗水"


@pytest.fixture
def october():
    """A department's October: requests, complaints (two about the same leak), calls, callbacks."""
    dept = factories.department(name="客服中心")
    a = agent(dept)
    ticket_on("2026-10-02", actor=a, resolved_at_first_contact=True, resolved_at=at("2026-10-02"))
    ticket_on("2026-10-03", actor=a, kind="fault", resolution_breached=True)
    ticket_on("2026-10-04", actor=a, kind="complaint", title="漏水", description=LEAK)
    ticket_on(
        "2026-10-09",
        actor=a,
        kind="complaint",
        title="天花板渗水",
        description="卫生间楼上漏水渗到天花板",
    )
    ticket_on("2026-11-02", actor=a)  # next month: not in October
    for day in ("2026-10-05", "2026-10-06"):
        for _ in range(9):
            call(enter_at=at(day), agent=a)
    call(enter_at=at("2026-10-06"), answered=False)
    for _ in range(3):
        call(enter_at=at("2026-10-07"), answered=False)
    call(enter_at=at("2026-10-07"))
    followup(department=dept, due_on=dt.date(2026, 10, 10), status="done", satisfaction=5)
    followup(department=dept, due_on=dt.date(2026, 10, 11))
    scheme(lines=[("answer_rate", "90", "50"), ("fcr", "50", "50")])
    return dept


def supervisor():
    return factories.user(Role.BUSINESS_SUPERVISOR)


def test_r_sup_2_the_report_counts_the_months_requests_complaints_calls_and_callbacks(october):
    report = services.monthly_report_build(actor=supervisor(), month=OCT)
    d = report.data
    assert d["requests"]["received"] == 4 and d["requests"]["handled"] == 1
    assert {k["kind"]: k["received"] for k in d["requests"]["by_kind"]}["complaint"] == 2
    assert d["requests"]["resolution_late"] == 1 and d["requests"]["fcr_percent"] == 25.0
    assert d["complaints"]["total"] == 2
    assert d["calls"]["offered"] == 23 and d["calls"]["answered"] == 19
    assert d["calls"]["days_below"] == 1  # 7 October: 1 of 4 answered
    assert [x["day"] for x in d["calls"]["daily"] if x["below"]] == ["2026-10-07"]
    assert d["proactive"]["due"] == 2 and d["proactive"]["completion_percent"] == 50.0
    assert d["kpis"][0]["items"][0]["indicator"] == "接通率"
    assert d["trend"][-1]["month"] == "2026-10" and d["trend"][-1]["received"] == 4
    assert len(d["trend"]) == 12


def test_r_sup_2_the_hot_spots_are_found_in_the_complaint_texts(october):
    d = services.monthly_report_build(actor=supervisor(), month=OCT).data
    [group] = d["complaints"]["text_groups"]
    assert group["size"] == 2 and "漏水" in group["terms"]
    assert group["uncategorised"] == 2  # nobody has given these a category yet


def test_r_sup_2_a_report_for_a_month_that_has_not_begun_is_refused():
    with time_machine.travel(at("2026-11-27"), tick=False):
        with pytest.raises(ValidationFailed, match="2026-12"):
            services.monthly_report_build(actor=supervisor(), month=dt.date(2026, 12, 1))
    assert not MonthlyReport.objects.exists()


def test_r_sup_2_only_the_business_department_and_director_build_reports():
    with pytest.raises(PermissionDenied):
        services.monthly_report_build(actor=factories.user(Role.GM), month=OCT)


def test_r_sup_2_rebuilding_a_draft_replaces_its_figures(october):
    who = supervisor()
    report = services.monthly_report_build(actor=who, month=OCT)
    ticket_on("2026-10-20", actor=agent())
    again = services.monthly_report_build(actor=who, month=OCT)
    assert again.pk == report.pk and again.data["requests"]["received"] == 5
    assert again.version == report.version + 1


def test_r_sup_2_issuing_needs_the_commentary_then_freezes_the_report(
    october, django_capture_on_commit_callbacks
):
    who = supervisor()
    report = services.monthly_report_build(actor=who, month=OCT)
    with pytest.raises(ValidationFailed, match="评语"):
        services.monthly_report_issue(actor=who, report=report)
    report = services.monthly_report_comment(
        actor=who, report=report, commentary="十月接通率偏低。"
    )
    gm = factories.user(Role.GM)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.monthly_report_issue(actor=who, report=report)
    assert report.is_issued and report.content_hash == services.content_hash(report)
    assert Notification.objects.filter(user=gm, text__contains="2026-10").exists()
    assert AuditEntry.objects.filter(action="sign", target_id=str(report.pk)).exists()
    # R-SEC-4: frozen from now on.
    with pytest.raises(Conflict):
        services.monthly_report_comment(actor=who, report=report, commentary="改一下")
    with pytest.raises(Conflict):
        services.monthly_report_build(actor=who, month=OCT)
    report.refresh_from_db()
    assert report.commentary == "十月接通率偏低。" and report.data["requests"]["received"] == 4


def test_r_sup_2_the_running_month_may_be_built_to_look_at_but_is_issued_after_it_ends(web):
    """R-SUP-2: the report is made at month end. A draft of the running month shows the
    figures so far; issuing it is refused, naming the month, until the month is over."""
    who = supervisor()
    with time_machine.travel(at("2026-10-20"), tick=False):
        ticket_on("2026-10-05", actor=agent())
        report = services.monthly_report_build(actor=who, month=OCT)
        report = services.monthly_report_comment(actor=who, report=report, commentary="月中预览")
        with pytest.raises(Conflict, match="2026-10 尚未结束"):
            services.monthly_report_issue(actor=who, report=report)
        page = web(user=who).get("/reports/monthly/2026-10/").content.decode()
        assert 'id="running-month"' in page and "本月尚未结束" in page
    report.refresh_from_db()
    assert not report.is_issued and report.data["requests"]["received"] == 1
    with time_machine.travel(at("2026-11-01"), tick=False):
        ticket_on("2026-10-28", actor=agent())
        report = services.monthly_report_build(actor=who, month=OCT)
        assert (
            'id="running-month"'
            not in web(user=who).get("/reports/monthly/2026-10/").content.decode()
        )
        report = services.monthly_report_issue(actor=who, report=report)
    assert report.is_issued and report.data["requests"]["received"] == 2


def test_r_sup_2_a_stale_version_is_refused(october):
    who = supervisor()
    report = services.monthly_report_build(actor=who, month=OCT)
    services.monthly_report_comment(actor=who, report=report, commentary="第一稿")
    with pytest.raises(Conflict, match="刷新"):
        services.monthly_report_comment(
            actor=who, report=report, commentary="旧稿", version=report.version
        )


def test_r_sup_2_the_trend_reuses_the_figures_of_months_already_reported(october):
    who = supervisor()
    sept = services.monthly_report_build(actor=who, month=dt.date(2026, 9, 1))
    data = sept.data | {"trend_point": sept.data["trend_point"] | {"received": 777}}
    MonthlyReport.objects.filter(pk=sept.pk).update(data=data)
    trend = services.monthly_report_build(actor=who, month=OCT).data["trend"]
    assert [t["received"] for t in trend[-2:]] == [777, 4]


def test_r_sup_2_the_worker_builds_last_months_report_on_the_first_day(october):
    factories.user(Role.BUSINESS_SUPERVISOR)
    with time_machine.travel(at("2026-11-01", "04:00"), tick=False):
        monthly_report_build_last_month.call_local()
        monthly_report_build_last_month.call_local()  # a retry adds nothing twice
    assert list(MonthlyReport.objects.values_list("month", flat=True)) == [OCT]


def test_r_sup_2_the_xlsx_has_native_excel_charts(october):
    report = services.monthly_report_build(actor=supervisor(), month=OCT)
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    charts = {ws.title: len(ws._charts) for ws in book.worksheets}
    assert sum(charts.values()) >= 6
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}
    assert summary["收到服务请求"] == 4 and summary["接通率（%）"] == pytest.approx(82.61)


def test_r_sup_2_the_command_builds_a_month_and_writes_the_xlsx(october, tmp_path):
    out = io.StringIO()
    call_command(
        "report", "monthly", "--month", "2026-10", "--xlsx", str(tmp_path / "r.xlsx"), stdout=out
    )
    assert "4 requests" in out.getvalue()
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0]


def test_r_sup_2_the_command_names_a_bad_month():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-13"):
        call_command("report", "monthly", "--month", "2026-13")
