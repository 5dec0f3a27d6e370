"""The worker's reminders: an investigation meeting coming due (R-INC-4), a hazard past its
rectification deadline (R-INC-7); each told once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import Notification
from kefu.incidents import services
from kefu.incidents.models import Incident
from kefu.incidents.services.reminders import incident_reminders_send
from kefu.incidents.tasks import incident_reminders
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db


def _told(user, text: str) -> int:
    return Notification.objects.filter(user=user, text__contains=text).count()


def test_r_inc_4_the_chief_and_director_are_told_once_when_the_meeting_comes_due():
    now = timezone.now()
    chief, director = factories.user(Role.SAFETY_INSPECTOR), factories.user(Role.DIRECTOR)
    soon = incident(occurred_at=now - dt.timedelta(hours=20), now=now)  # due in 4 h
    Incident.objects.filter(pk=soon.pk).update(chief=chief)
    fresh = incident(occurred_at=now - dt.timedelta(hours=2), now=now)  # due in 22 h
    assert incident_reminders_send(now=now) == {"investigations": 1, "hazards": 0}
    assert _told(chief, soon.number) == 1 and _told(director, soon.number) == 1
    assert _told(director, fresh.number) == 0
    incident_reminders.call_local()  # the next run tells nobody twice
    assert _told(director, soon.number) == 1


def test_r_inc_4_no_reminder_once_the_meeting_was_held():
    now = timezone.now()
    director = factories.user(Role.DIRECTOR)
    made = incident(occurred_at=now - dt.timedelta(hours=20), now=now)
    from kefu.incidents.models import Investigation

    Investigation.objects.create(
        incident=made, deadline=now + dt.timedelta(hours=4), meeting_at=now, held_at=now,
        scheduled_by=director,
    )  # fmt: skip
    assert incident_reminders_send(now=now)["investigations"] == 0


def test_r_inc_7_a_hazard_past_its_deadline_is_told_to_the_assignee_and_inspector_once():
    inspector = factories.user(Role.SAFETY_INSPECTOR)
    worker = factories.user(Role.TECH_SERVICE)
    site = services.site_create(actor=inspector, name="2号楼水泵房")
    visit = services.inspection_record(
        actor=inspector, site=site, visited_at=timezone.now() - dt.timedelta(days=5),
        route="水泵房", hazards=["水泵漏水", "配电箱门未关"],
    )  # fmt: skip
    late, done = visit.hazards.order_by("pk")
    today = timezone.localdate()
    for hazard in (late, done):
        services.hazard_assign(
            actor=inspector, hazard=hazard, assignee=worker, deadline=today,
            today=today - dt.timedelta(days=3),
        )  # fmt: skip
    services.hazard_rectify(actor=worker, hazard=done, note="已关门上锁")
    before = {who: _told(who, "水泵漏水") for who in (worker, inspector)}
    untouched = _told(worker, "配电箱门未关")
    later = timezone.now() + dt.timedelta(days=2)
    assert incident_reminders_send(now=later)["hazards"] == 1
    assert _told(worker, "水泵漏水") == before[worker] + 1
    assert _told(inspector, "水泵漏水") == before[inspector] + 1
    assert _told(worker, "配电箱门未关") == untouched  # rectified: nobody is chased
    assert incident_reminders_send(now=later)["hazards"] == 0
