"""/api/v1/incidents: each endpoint for success, 400, 401, 403, 404 and 409 where they apply."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.incidents.models import Incident, SanctionRule
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident, walk_chain

pytestmark = pytest.mark.django_db
BASE = "incidents"


def _report_body(**extra):
    return {
        "kind": "incident",
        "occurred_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "place": "5号楼电梯井",
        "description": "电梯困人",
        "injured_count": 0,
        **extra,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", ""),
        ("get", ""),
        ("get", "/1"),
        ("post", "/1/steps/chief"),
        ("post", "/1/investigation"),
        ("get", "/sanction-rules"),
        ("post", "/sanction-rules"),
        ("get", "/people/1/sanctions"),
        ("get", "/inspections"),
    ],
)
def test_it_answers_401_without_a_token(anonymous_api, method, path):
    assert getattr(anonymous_api, method)(f"{BASE}{path}").status_code == 401


def test_it_reports_an_incident_from_any_role(api):
    """R-INC-1 through the API."""
    response = api(Role.AUDITOR).post(BASE, _report_body(injured_count=1))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("SG") and [s["step"] for s in body["steps"]] == [
        "chief",
        "doctor",
        "scene",
    ]


def test_it_answers_400_for_bad_reports(api):
    client = api(Role.AGENT)
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert client.post(BASE, _report_body(occurred_at=future)).status_code == 400
    assert client.post(BASE, _report_body(injured_count=-1)).status_code == 400
    assert client.post(BASE, _report_body(kind="flood")).status_code == 400
    assert client.post(BASE, _report_body(site_id=999)).status_code == 404
    assert not Incident.objects.exists()


def test_it_shows_an_incident_to_its_reporter_and_watchers_only(api):
    reporter = factories.user(Role.AGENT)
    made = incident(actor=reporter)
    assert api(user=reporter).get(f"{BASE}/{made.pk}").status_code == 200
    assert api(Role.DISPATCHER).get(f"{BASE}/{made.pk}").status_code == 200
    assert api(Role.AGENT).get(f"{BASE}/{made.pk}").status_code == 403
    assert api(Role.DISPATCHER).get(f"{BASE}/999").status_code == 404
    listed = api(Role.DISPATCHER).get(BASE).json()
    assert listed["count"] == 1 and api(Role.AGENT).get(BASE).json()["count"] == 0


def test_it_records_chain_steps_with_400_403_404_409(api):
    """R-INC-2 through the API."""
    made = incident()
    dispatcher = api(Role.DISPATCHER)
    url = f"{BASE}/{made.pk}/steps/chief"
    assert dispatcher.post(url, {}).status_code == 400
    assert api(Role.AUDITOR).post(url, {"contact_name": "x"}).status_code == 403
    assert dispatcher.post(f"{BASE}/999/steps/chief", {"contact_name": "x"}).status_code == 404
    assert (
        dispatcher.post(f"{BASE}/{made.pk}/steps/sales", {"contact_name": "x"}).status_code == 400
    )
    chief = factories.user(Role.DIRECTOR)
    ok = dispatcher.post(url, {"person_id": chief.pk, "note": "电话通知"})
    assert ok.status_code == 200 and ok.json()["who"] == chief.display_name
    assert dispatcher.post(url, {"contact_name": "y"}).status_code == 409


def test_it_runs_the_investigation_through_the_api(api):
    """R-INC-4 through the API: 24 hours, uninvited attendance, and 404 before scheduling."""
    chief = factories.user(Role.DIRECTOR)
    made = incident(occurred_at=timezone.now() - dt.timedelta(hours=2))
    walk_chain(made, chief=chief)
    client = api(user=chief)
    inv = f"{BASE}/{made.pk}/investigation"
    assert client.get(inv).status_code == 404
    late = (made.occurred_at + dt.timedelta(hours=25)).isoformat()
    assert client.post(inv, {"meeting_at": late}).status_code == 400
    assert api(Role.AGENT).post(inv, {"meeting_at": late}).status_code == 403
    soon = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    created = client.post(inv, {"meeting_at": soon, "meeting_place": "三楼会议室"})
    assert created.status_code == 201 and created.json()["attendees"]
    stranger = factories.user(Role.AGENT)
    body = {"person_id": stranger.pk, "attendance": "absent"}
    assert client.post(f"{inv}/attendance", body).status_code == 400
    body["person_id"] = chief.pk
    assert client.post(f"{inv}/attendance", body).json()["attendees"][0]["attendance"] == "absent"
    assert client.post(f"{inv}/close", {"conclusion": "x"}).status_code == 409


def test_it_files_injury_paperwork_and_refuses_it_late(api):
    """R-INC-5 through the API."""
    office = api(Role.OFFICE)
    fresh = incident(injured_count=1)
    assert (
        office.post(f"{BASE}/{fresh.pk}/injury-filings", {"injured_name": "王五"}).status_code
        == 201
    )
    old = incident(injured_count=1, occurred_at=timezone.now() - dt.timedelta(days=4))
    assert (
        office.post(f"{BASE}/{old.pk}/injury-filings", {"injured_name": "王五"}).status_code == 409
    )
    assert (
        api(Role.AGENT).post(f"{BASE}/{fresh.pk}/injury-filings", {"injured_name": "x"}).status_code
        == 403
    )


def test_it_keeps_the_rule_table_through_the_api(api, sysadmin):
    """R-INC-6 through the API: edit, negative fine 400, wrong role 403, 404, duplicate 409."""
    admin = api(user=sysadmin)
    assert len(api(Role.AGENT).get(f"{BASE}/sanction-rules").json()) == SanctionRule.objects.count()
    body = {"severity": "minor", "role": "responsible", "measure": "warning", "fine_yuan": "-10"}
    assert admin.post(f"{BASE}/sanction-rules", body).status_code == 400
    body["fine_yuan"] = "50"
    assert api(Role.DIRECTOR).post(f"{BASE}/sanction-rules", body).status_code == 403
    created = admin.post(f"{BASE}/sanction-rules", body)
    assert created.status_code == 201
    assert admin.post(f"{BASE}/sanction-rules", body).status_code == 409
    rule_id = created.json()["id"]
    change = {"measure": "demerit", "fine_yuan": "80", "deposit_percent": 0}
    assert admin.put(f"{BASE}/sanction-rules/{rule_id}", change).json()["fine_yuan"] == "80.00"
    assert admin.put(f"{BASE}/sanction-rules/999", change).status_code == 404
    assert admin.delete(f"{BASE}/sanction-rules/{rule_id}").status_code == 204


def test_it_confirms_sanctions_and_shows_the_persons_record(api):
    """R-INC-6 through the API."""
    leader = factories.user(Role.TECH_SERVICE)
    incident(occurred_at=timezone.now() - dt.timedelta(hours=3), shift_leader=leader)
    director = api(Role.DIRECTOR)
    waiting = director.get(f"{BASE}/sanctions/waiting").json()
    assert {s["basis"] for s in waiting} == {"late_report", "late_violation"}
    assert api(Role.AGENT).get(f"{BASE}/sanctions/waiting").status_code == 403
    first = waiting[0]["id"]
    assert director.post(f"{BASE}/sanctions/{first}/confirm", {}).status_code == 200
    assert director.post(f"{BASE}/sanctions/{first}/confirm", {}).status_code == 409
    assert director.post(f"{BASE}/sanctions/999/confirm", {}).status_code == 404
    assert director.post(f"{BASE}/sanctions/{waiting[1]['id']}/drop", {}).status_code == 400
    record = api(user=leader).get(f"{BASE}/people/{leader.pk}/sanctions").json()
    assert [s["status"] for s in record].count("confirmed") == 1
    assert api(Role.AGENT).get(f"{BASE}/people/{leader.pk}/sanctions").status_code == 403


def test_it_records_inspections_and_hazards_through_the_api(api):
    """R-INC-7 through the API."""
    inspector = api(Role.SAFETY_INSPECTOR)
    site = inspector.post(f"{BASE}/sites", {"name": "冷冻机房"}).json()
    assert inspector.post(f"{BASE}/sites", {"name": "冷冻机房"}).status_code == 409
    visit = {
        "site_id": site["id"],
        "visited_at": timezone.now().isoformat(),
        "hazards": ["管道渗漏"],
    }
    assert api(Role.AGENT).post(f"{BASE}/inspections", visit).status_code == 403
    created = inspector.post(f"{BASE}/inspections", visit)
    assert created.status_code == 201
    hazard = created.json()["hazards"][0]["id"]
    worker = factories.user(Role.TECH_SERVICE)
    past = {"assignee_id": worker.pk, "deadline": "2000-01-01"}
    assert inspector.post(f"{BASE}/hazards/{hazard}/assign", past).status_code == 400
    ok = {"assignee_id": worker.pk, "deadline": timezone.localdate().isoformat()}
    assert inspector.post(f"{BASE}/hazards/{hazard}/assign", ok).json()["status"] == "assigned"
    assert inspector.post(f"{BASE}/hazards/999/assign", ok).status_code == 404
    done = api(user=worker).post(f"{BASE}/hazards/{hazard}/rectify", {"note": "已更换阀门"})
    assert done.json()["status"] == "rectified"
    assert (
        api(user=worker).post(f"{BASE}/hazards/{hazard}/rectify", {"note": "x"}).status_code == 409
    )


def test_it_answers_400_for_a_time_the_database_cannot_hold(api):
    """Year 1 in Beijing time is before year 1 in UTC: a clear 400, not a 500."""
    client = api(Role.AGENT)
    body = {"kind": "incident", "place": "3号楼", "description": "漏水"}
    response = client.post(BASE, body | {"occurred_at": "0001-01-01T00:00:00"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "occurred_at"
    assert not Incident.objects.exists()
