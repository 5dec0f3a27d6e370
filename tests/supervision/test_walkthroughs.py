"""R-SUP-5: process walk-throughs with findings and fixes tracked to closure."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.supervision import selectors, services
from kefu.supervision.models import FixStatus, Walkthrough
from tests import factories
from tests.supervision.factories import at

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)
NOW = at(TODAY, 10)


def reviewer():
    return factories.user(Role.BUSINESS_SUPERVISOR, department=factories.department())


def staff():
    return factories.user(Role.AGENT, department=factories.department())


def _walk(actor=None, fixes=None):
    actor = actor or reviewer()
    return services.walkthrough_create(
        actor=actor,
        process="报修受理流程",
        kind="routine",
        perspective="customer",
        walked_on=TODAY,
        findings=["电话等待时间过长", "维修人员未按约定时间上门"],
        fixes=fixes or [],
        now=NOW,
    )


def test_r_sup_5_records_a_walk_through_with_findings_and_assigned_fixes():
    worker = staff()
    walk = _walk(
        fixes=[{"action": "高峰时段增加坐席", "assignee": worker, "due_on": TODAY, "finding": 0}]
    )
    assert [f.text for f in walk.findings.all()] == ["电话等待时间过长", "维修人员未按约定时间上门"]
    [fix] = walk.fixes.all()
    assert (fix.assignee, fix.finding.text, fix.status) == (worker, "电话等待时间过长", "open")
    assert Notification.objects.filter(user=worker, text__contains="高峰时段增加坐席").exists()
    assert walk.closed_at is None


def test_r_sup_5_refuses_a_walk_through_without_findings_or_with_an_unknown_kind():
    with pytest.raises(ValidationFailed) as none:
        services.walkthrough_create(
            actor=reviewer(), process="投诉处理", kind="special", perspective="front_line",
            walked_on=TODAY, findings=["  "], now=NOW,
        )  # fmt: skip
    assert none.value.errors[0].field == "findings"
    with pytest.raises(ValidationFailed) as kind:
        services.walkthrough_create(
            actor=reviewer(), process="投诉处理", kind="weekly", perspective="customer",
            walked_on=TODAY, findings=["问题"], now=NOW,
        )  # fmt: skip
    assert kind.value.errors[0].field == "kind"
    with pytest.raises(ValidationFailed):
        _walk(fixes=[{"action": "整改", "assignee": staff(), "due_on": TODAY, "finding": 5}])
    assert not Walkthrough.objects.exists()


def test_r_sup_5_lets_only_managers_record_walk_throughs():
    with pytest.raises(PermissionDenied):
        _walk(actor=staff())


def test_r_sup_5_closes_the_walk_through_when_every_fix_is_done_and_reopens_on_a_new_fix():
    boss = reviewer()
    a, b = staff(), staff()
    walk = _walk(
        actor=boss,
        fixes=[
            {"action": "增加坐席", "assignee": a, "due_on": TODAY},
            {"action": "上门前电话确认", "assignee": b, "due_on": TODAY},
        ],
    )
    fix_a, fix_b = walk.fixes.order_by("pk")
    services.fix_transition(actor=a, fix=fix_a, to="done", note="已排班", now=NOW)
    walk.refresh_from_db()
    assert walk.closed_at is None
    services.fix_transition(actor=b, fix=fix_b, to="done", note="已培训", now=NOW)
    walk.refresh_from_db()
    assert walk.closed_at == NOW
    services.fix_transition(actor=boss, fix=fix_a, to="verified", now=NOW)
    walk.refresh_from_db()
    assert walk.closed_at == NOW
    services.walkthrough_add_fix(
        actor=boss, walkthrough=walk, action="复查", assignee=a, due_on=TODAY, now=NOW
    )
    walk.refresh_from_db()
    assert walk.closed_at is None


def test_r_sup_5_tracks_a_fix_as_data_refusing_skips_and_strangers():
    boss = reviewer()
    worker = staff()
    walk = _walk(actor=boss, fixes=[{"action": "整改", "assignee": worker, "due_on": TODAY}])
    [fix] = walk.fixes.all()
    with pytest.raises(Conflict, match="不能改为"):
        services.fix_transition(actor=boss, fix=fix, to="verified", now=NOW)
    with pytest.raises(PermissionDenied):
        services.fix_transition(actor=staff(), fix=fix, to="done", note="不是我的", now=NOW)
    with pytest.raises(ValidationFailed):
        services.fix_transition(actor=worker, fix=fix, to="done", note="", now=NOW)
    services.fix_transition(actor=worker, fix=fix, to="done", note="完成", now=NOW)
    with pytest.raises(PermissionDenied):
        services.fix_transition(actor=worker, fix=fix, to="verified", now=NOW)
    services.fix_transition(actor=boss, fix=fix, to="open", note="未彻底解决", now=NOW)
    fix.refresh_from_db()
    assert fix.status == FixStatus.OPEN
    walk.refresh_from_db()
    assert walk.closed_at is None


def test_r_sup_5_highlights_an_open_fix_past_its_due_date_for_its_assignee():
    worker = staff()
    _walk(fixes=[{"action": "整改", "assignee": worker, "due_on": TODAY - dt.timedelta(days=1)}])
    [fix] = selectors.open_fixes_of(worker)
    assert fix.is_overdue(TODAY)
    assert not fix.is_overdue(TODAY - dt.timedelta(days=1))
