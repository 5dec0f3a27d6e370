"""R-PLN-4: the approved plan is handed to a marketing team, with checkpoints that are tracked."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.plans import selectors, services
from kefu.plans.models import Checkpoint
from kefu.plans.tasks import plan_checkpoints_remind
from tests import factories
from tests.plans.factories import approved, people, plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def _handed_over(p):
    pl = approved(p)
    return services.plan_assign_team(
        actor=p.marketer, plan=pl, team=p.marketing_dept, lead=p.colleague
    )


def test_r_pln_4_hands_an_approved_plan_to_a_marketing_team_and_tells_the_lead():
    p = people()
    pl = _handed_over(p)
    assert (pl.team, pl.team_lead) == (p.marketing_dept, p.colleague)
    assert pl.briefed_at is not None
    assert Notification.objects.filter(user=p.colleague, text__contains=pl.number).exists()


def test_r_pln_4_refuses_carrying_out_a_plan_not_yet_approved():
    p = people()
    pl = plan(p)
    with pytest.raises(Conflict):
        services.plan_assign_team(
            actor=p.marketer, plan=pl, team=p.marketing_dept, lead=p.colleague
        )


def test_r_pln_4_refuses_a_lead_who_is_not_marketing_staff_of_the_team():
    p = people()
    pl = approved(p)
    with pytest.raises(ValidationFailed) as refused:
        services.plan_assign_team(
            actor=p.marketer, plan=pl, team=p.marketing_dept, lead=p.supervisor
        )
    assert refused.value.errors[0].field == "lead_id"


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_r_pln_4_tracks_checkpoints_done_and_overdue():
    p = people()
    pl = _handed_over(p)
    first = services.checkpoint_add(
        actor=p.marketer,
        plan=pl,
        title="首批供货",
        due_on=TODAY + dt.timedelta(days=3),
        owner=p.colleague,
    )
    second = services.checkpoint_add(
        actor=p.marketer,
        plan=pl,
        title="首笔回款",
        due_on=TODAY + dt.timedelta(days=10),
        owner=p.colleague,
    )
    services.checkpoint_done(actor=p.colleague, checkpoint=first, note="已按时供货")
    with pytest.raises(Conflict):
        services.checkpoint_done(actor=p.colleague, checkpoint=first)
    later = TODAY + dt.timedelta(days=12)
    overdue = list(selectors.checkpoints_overdue(p.supervisor, today=later))
    assert overdue == [second]
    assert second.is_overdue(later) and not Checkpoint.objects.get(pk=first.pk).is_overdue(later)


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_r_pln_4_refuses_a_checkpoint_in_the_past_or_owned_outside_the_team():
    p = people()
    pl = _handed_over(p)
    with pytest.raises(ValidationFailed):
        services.checkpoint_add(
            actor=p.marketer,
            plan=pl,
            title="回款",
            due_on=TODAY - dt.timedelta(days=1),
            owner=p.colleague,
        )
    with pytest.raises(ValidationFailed):
        services.checkpoint_add(
            actor=p.marketer, plan=pl, title="回款", due_on=TODAY, owner=p.supervisor
        )
    assert not Checkpoint.objects.exists()


def test_r_pln_4_someone_outside_the_team_cannot_mark_a_checkpoint_done():
    p = people()
    pl = _handed_over(p)
    point = services.checkpoint_add(
        actor=p.marketer, plan=pl, title="供货", due_on=dt.date(2099, 1, 1), owner=p.colleague
    )
    outsider = factories.user(Role.MARKETING, department=factories.department())
    with pytest.raises(PermissionDenied):
        services.checkpoint_done(actor=outsider, checkpoint=point)


def test_r_pln_4_the_daily_job_tells_owner_and_lead_of_each_overdue_checkpoint_once():
    p = people()
    pl = _handed_over(p)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        services.checkpoint_add(
            actor=p.marketer, plan=pl, title="首笔回款", due_on=TODAY, owner=p.marketer
        )
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        plan_checkpoints_remind.call_local()
        plan_checkpoints_remind.call_local()
    overdue = Notification.objects.filter(text__contains="首笔回款")
    assert sorted(n.user_id for n in overdue.filter(text__contains="2026-03-02")) == sorted(
        [p.marketer.pk, p.colleague.pk]
    )


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_r_pln_4_refuses_a_checkpoint_owner_who_could_not_open_the_plan(web):
    """R-PLN-4: an information collector of the team (no plan.view) gets no checkpoint and
    no notice linking to a plan page that would answer 403; the owner chooser leaves them out."""
    p = people()
    pl = _handed_over(p)
    collector = factories.user(Role.COLLECTOR, department=p.marketing_dept)
    assert web(user=collector).get(f"/plans/{pl.pk}/").status_code == 403
    with pytest.raises(ValidationFailed) as refused:
        services.checkpoint_add(
            actor=p.marketer, plan=pl, title="回款", due_on=TODAY, owner=collector
        )
    assert "plan.view" in refused.value.message
    assert not Notification.objects.filter(user=collector).exists()
    page = web(user=p.marketer).get(f"/plans/{pl.pk}/").content.decode()
    assert f'value="{p.colleague.pk}"' in page and f'value="{collector.pk}"' not in page
