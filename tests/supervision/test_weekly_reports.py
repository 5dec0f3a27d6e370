"""R-SUP-3: weekly reports drafted from the week's data, completed, submitted before the meeting."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from kefu.core.models import Notification
from kefu.core.services import policy_set
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.supervision import selectors, services, tasks
from kefu.supervision.models import WeeklyReport, WeeklyStatus
from kefu.supervision.services.weekly import meeting_time
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Ticket
from tests import factories
from tests.supervision.factories import at
from tests.tickets.factories import ticket

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 9)  # ISO week 2026-W11
WEDNESDAY = MONDAY + dt.timedelta(days=2)
FRIDAY = MONDAY + dt.timedelta(days=4)


def tech():
    return factories.user(Role.TECH_SERVICE, department=factories.department())


def _week_of_work(person):
    """Two tickets recorded on Wednesday, one resolved, one overdue, one callback quoted."""
    with time_machine.travel(at(WEDNESDAY, 10), tick=False):
        done = ticket(actor=person, kind="service_request", title="空调不制冷")
        late = ticket(actor=person, kind="service_request", title="门禁故障")
        ticket_services.ticket_resolve(
            actor=person, ticket=done, version=done.version, resolution="已更换配件"
        )
    Ticket.objects.filter(pk=late.pk).update(resolution_due=at(WEDNESDAY, 12))
    Ticket.objects.filter(pk=done.pk).update(
        callback_at=at(WEDNESDAY, 16), callback_satisfaction=4, callback_note="师傅很专业"
    )
    return done, late


def _draft(now=None):
    return services.weekly_reports_draft(actor=SYSTEM, week_start=MONDAY, now=now or at(FRIDAY, 8))


def test_r_sup_3_drafts_each_persons_week_from_the_data_and_tells_them():
    person = tech()
    _week_of_work(person)
    assert _draft() == {"created": 1, "refreshed": 0}
    report = WeeklyReport.objects.get(person=person)
    figures = report.figures
    assert (figures["handled"], figures["resolved"], figures["overdue"]) == (2, 1, 1)
    assert (figures["callbacks"], figures["satisfaction"]) == (1, "4.00")
    assert figures["quotes"][0]["text"] == "师傅很专业"
    assert report.due_at == at(FRIDAY, 15)
    assert Notification.objects.filter(user=person, text__contains="2026-W11").count() == 1


def test_r_sup_3_drafts_nothing_twice_when_run_again():
    person = tech()
    _draft()
    assert _draft() == {"created": 0, "refreshed": 0}
    assert WeeklyReport.objects.filter(person=person).count() == 1
    assert Notification.objects.filter(user=person).count() == 1


def test_r_sup_3_the_daily_job_drafts_from_the_meeting_day_on_and_only_once():
    person = tech()
    with time_machine.travel(at(WEDNESDAY, 8), tick=False):
        tasks.weekly_reports_draft_daily.call_local()
    assert not WeeklyReport.objects.exists()
    with time_machine.travel(at(FRIDAY, 8), tick=False):
        tasks.weekly_reports_draft_daily.call_local()
        tasks.weekly_reports_draft_daily.call_local()
    assert WeeklyReport.objects.get(person=person).week_start == MONDAY


def test_r_sup_3_freezes_the_figures_when_submitted_on_time():
    person = tech()
    _draft()
    report = WeeklyReport.objects.get(person=person)
    services.weekly_report_update(actor=person, report=report, comments="本周处理报修两起")
    submitted = services.weekly_report_submit(actor=person, report=report, now=at(FRIDAY, 14))
    assert submitted.status == WeeklyStatus.SUBMITTED and not submitted.late
    assert submitted.comments == "本周处理报修两起"
    _week_of_work(person)  # data arriving afterwards does not change a submitted report
    _draft()
    assert WeeklyReport.objects.get(pk=report.pk).figures["handled"] == 0
    with pytest.raises(Conflict, match="不能再修改"):
        services.weekly_report_update(actor=person, report=report, comments="再改")


def test_r_sup_3_marks_a_report_submitted_after_the_meeting_late():
    person = tech()
    _draft()
    report = WeeklyReport.objects.get(person=person)
    late = services.weekly_report_submit(
        actor=person, report=report, comments="迟交", now=at(FRIDAY, 15, 1)
    )
    assert late.late
    [row] = selectors.late_or_missing(MONDAY, now=at(FRIDAY, 16))
    assert row["state"] == "late"


def test_r_sup_3_lists_missing_reports_once_the_meeting_has_passed():
    person = tech()
    punctual = tech()
    _draft()
    services.weekly_report_submit(
        actor=punctual,
        report=WeeklyReport.objects.get(person=punctual),
        comments="按时提交",
        now=at(FRIDAY, 11),
    )
    states = {
        r["person"].pk: r["state"] for r in selectors.weekly_overview(MONDAY, now=at(FRIDAY, 14))
    }
    assert states == {person.pk: "due", punctual.pk: "on_time"}
    [row] = selectors.late_or_missing(MONDAY, now=at(FRIDAY, 15, 30))
    assert row["person"] == person and row["state"] == "missing"


def test_r_sup_3_reads_the_meeting_time_from_policy():
    admin = factories.user(Role.SYSADMIN)
    policy_set(actor=admin, key="supervision.weekly_meeting_weekday", value="4")
    policy_set(actor=admin, key="supervision.weekly_meeting_time", value="16:30")
    assert meeting_time(MONDAY) == at(MONDAY + dt.timedelta(days=3), 16, 30)


def test_r_sup_3_refuses_an_empty_submission_another_persons_and_a_second_one():
    person = tech()
    _draft()
    report = WeeklyReport.objects.get(person=person)
    with pytest.raises(ValidationFailed) as empty:
        services.weekly_report_submit(actor=person, report=report, comments=" ")
    assert empty.value.errors[0].field == "comments"
    with pytest.raises(PermissionDenied):
        services.weekly_report_submit(actor=tech(), report=report, comments="代交")
    services.weekly_report_submit(actor=person, report=report, comments="本周正常")
    with pytest.raises(Conflict):
        services.weekly_report_submit(actor=person, report=report, comments="再交一次")
    assert WeeklyReport.objects.get(pk=report.pk).comments == "本周正常"


def test_r_sup_3_drafts_from_the_command_line_for_a_given_week(capsys):
    person = tech()
    call_command("weekly_reports", "draft", "--week", "2026-W11")
    assert WeeklyReport.objects.get(person=person).week_start == MONDAY
    assert "drafted 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not an ISO week"):
        call_command("weekly_reports", "draft", "--week", "2026-11")
