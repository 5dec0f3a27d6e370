"""Inspections and hazards; the inspector named when an ignored hazard ends in an incident
(R-INC-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents import services
from kefu.incidents.models import HazardStatus, Party, PartyRole
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector():
    return factories.user(Role.SAFETY_INSPECTOR)


def _visit(inspector, site, *hazards, days_ago=2):
    return services.inspection_record(
        actor=inspector,
        site=site,
        visited_at=timezone.now() - dt.timedelta(days=days_ago),
        route="一号通道—配电房",
        hazards=list(hazards),
    )


def test_it_records_a_visit_with_hazards_each_assigned_with_a_deadline(inspector):
    """R-INC-7: inspectors record visits and hazards; each hazard is assigned by a deadline."""
    site = services.site_create(actor=inspector, name="3号楼配电房")
    visit = _visit(inspector, site, "电缆桥架积水", "灭火器过期")
    assert visit.hazards.count() == 2
    hazard = visit.hazards.first()
    worker = factories.user(Role.TECH_SERVICE)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.hazard_assign(
            actor=inspector, hazard=hazard, assignee=worker, deadline=today - dt.timedelta(days=1)
        )
    services.hazard_assign(
        actor=inspector, hazard=hazard, assignee=worker, deadline=today + dt.timedelta(days=3)
    )
    with pytest.raises(PermissionDenied):
        services.hazard_rectify(actor=factories.user(Role.AGENT), hazard=hazard, note="x")
    services.hazard_rectify(actor=worker, hazard=hazard, note="已排水并封堵")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.RECTIFIED
    with pytest.raises(Conflict):
        services.hazard_rectify(actor=worker, hazard=hazard, note="again")


def test_r_inc_7_a_reassigned_hazard_keeps_when_it_was_first_assigned(inspector):
    site = services.site_create(actor=inspector, name="5号楼水泵房")
    hazard = _visit(inspector, site, "水泵漏水").hazards.get()
    today = timezone.localdate()
    first, second = factories.user(Role.TECH_SERVICE), factories.user(Role.TECH_SERVICE)
    services.hazard_assign(
        actor=inspector, hazard=hazard, assignee=first, deadline=today + dt.timedelta(days=3)
    )
    hazard.refresh_from_db()
    assigned_at = hazard.assigned_at
    services.hazard_assign(
        actor=inspector, hazard=hazard, assignee=second, deadline=today + dt.timedelta(days=5)
    )
    hazard.refresh_from_db()
    assert hazard.assignee == second and hazard.assigned_at == assigned_at


def test_it_names_the_inspector_when_an_incident_follows_an_unassigned_hazard(inspector):
    """R-INC-7: a hazard recorded at the site and never assigned → the inspector is named."""
    site = services.site_create(actor=inspector, name="地下车库")
    _visit(inspector, site, "消防通道堵塞")
    report = incident(site=site, place="地下车库B2")
    party = Party.objects.get(incident=report, role=PartyRole.INSPECTOR)
    assert party.person == inspector and "消防通道堵塞" in party.reason


def test_it_names_nobody_when_the_hazard_was_assigned_or_elsewhere(inspector):
    site = services.site_create(actor=inspector, name="水泵房")
    other = services.site_create(actor=inspector, name="屋顶")
    visit = _visit(inspector, site, "水泵漏电")
    _visit(inspector, other, "护栏松动")
    services.hazard_assign(
        actor=inspector,
        hazard=visit.hazards.get(),
        assignee=factories.user(Role.TECH_SERVICE),
        deadline=timezone.localdate(),
    )
    now = timezone.now()
    report = incident(site=site, place="水泵房", occurred_at=now, now=now + dt.timedelta(minutes=5))
    assert not Party.objects.filter(incident=report, role=PartyRole.INSPECTOR).exists()


def test_it_refuses_inspections_by_other_roles_and_duplicate_sites(inspector):
    with pytest.raises(PermissionDenied):
        services.site_create(actor=factories.user(Role.AGENT), name="x")
    services.site_create(actor=inspector, name="锅炉房")
    with pytest.raises(Conflict):
        services.site_create(actor=inspector, name="锅炉房")


def test_r_inc_7_the_assignee_follows_the_notice_to_a_page_where_they_record_the_fix(
    inspector, web
):
    """R-INC-7: a technician told to rectify a hazard (without inspection.view) can open the
    notice's link and record the fix there; the inspections page stays closed to them."""
    from kefu.core.models import Notification

    site = services.site_create(actor=inspector, name="5号楼水泵房")
    hazard = _visit(inspector, site, "水泵漏水").hazards.get()
    client = web(Role.TECH_SERVICE)
    worker = client.user
    services.hazard_assign(
        actor=inspector,
        hazard=hazard,
        assignee=worker,
        deadline=timezone.localdate() + dt.timedelta(days=2),
    )
    notice = Notification.objects.get(user=worker)
    assert client.get("/incidents/inspections/").status_code == 403
    page = client.get(notice.url)
    assert page.status_code == 200 and "水泵漏水" in page.content.decode()
    assert notice.url == f"/incidents/hazards/{hazard.pk}/rectify/"
    done = client.post(notice.url, {"note": "已更换密封圈", "next": "hazard"})
    assert done.status_code == 302 and done.url == notice.url
    hazard.refresh_from_db()
    assert (hazard.status, hazard.rectified_note) == (HazardStatus.RECTIFIED, "已更换密封圈")
    after = client.get(done.url).content.decode()
    assert "已更换密封圈" in after and "已整改" in after
    # Another technician, not assigned, may not open it.
    assert web(Role.TECH_SERVICE).get(notice.url).status_code == 403


def test_r_inc_7_an_overdue_hazard_reminder_takes_the_assignee_to_their_own_page(inspector):
    from kefu.core.models import Notification
    from kefu.incidents.services.reminders import incident_reminders_send

    site = services.site_create(actor=inspector, name="地下车库")
    hazard = _visit(inspector, site, "排水沟堵塞").hazards.get()
    worker = factories.user(Role.TECH_SERVICE)
    services.hazard_assign(
        actor=inspector, hazard=hazard, assignee=worker, deadline=timezone.localdate()
    )
    Notification.objects.all().delete()
    incident_reminders_send(now=timezone.now() + dt.timedelta(days=3))
    urls = dict(Notification.objects.values_list("user_id", "url"))
    assert urls == {
        worker.pk: f"/incidents/hazards/{hazard.pk}/rectify/",
        inspector.pk: "/incidents/inspections/",
    }
