"""/api/v1/followups: tasks, results, overdue list, generation and campaigns (R-FUP-1, -2, -6).

Each endpoint: success, 400, 401, 403 for the wrong role, 404, and 409 where it applies.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.followups.models import Campaign, FollowUp, Status
from kefu.followups.services import followups_generate
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.followups.factories import delivered_contract, managed_customer

pytestmark = pytest.mark.django_db
BASE = "followups"


@pytest.fixture
def task():
    customer = managed_customer()
    contract = delivered_contract(customer, dt.date(2025, 1, 31))
    followups_generate(actor=SYSTEM, today=dt.date(2025, 1, 31))
    return FollowUp.objects.get(contract=contract)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "tasks"),
        ("get", "tasks/overdue"),
        ("get", "tasks/overdue.xlsx"),
        ("get", "tasks/1"),
        ("post", "tasks/1/result"),
        ("post", "generate"),
        ("get", "campaigns"),
        ("post", "campaigns"),
        ("get", "campaigns/1.xlsx"),
    ],
)
def test_it_answers_401_to_anonymous_callers(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(f"{BASE}/{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_it_lists_the_managers_own_tasks(api, task):
    client = api(user=task.owner)
    body = client.get(f"{BASE}/tasks", mine=True).json()
    assert [t["id"] for t in body["items"]] == [task.pk]
    assert body["items"][0]["owner_name"] == task.owner.display_name


def test_it_answers_400_for_an_unknown_status_filter(api, task):
    assert api(user=task.owner).get(f"{BASE}/tasks", status="lost").status_code == 400


def test_it_answers_403_to_a_role_that_may_not_see_follow_ups(api, task):
    response = api(Role.DISPATCHER).get(f"{BASE}/tasks")
    assert response.status_code == 403
    assert response.json()["permission"] == "followup.view"


def test_it_shows_one_task_and_answers_404_and_403(api, task):
    assert api(user=task.owner).get(f"{BASE}/tasks/{task.pk}").json()["due_on"] == "2025-02-28"
    assert api(user=task.owner).get(f"{BASE}/tasks/999999").status_code == 404
    outsider = factories.user(Role.CUSTOMER_MANAGER, department=factories.department())
    assert api(user=outsider).get(f"{BASE}/tasks/{task.pk}").status_code == 403


def test_r_fup_1_records_a_result_with_an_issue_through_the_api(api, task):
    client = api(user=task.owner)
    response = client.post(
        f"{BASE}/tasks/{task.pk}/result",
        {"reached": True, "satisfaction": 3, "notes": "还行", "issue": "电梯异响"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["issue_ticket_id"] is not None
    again = client.post(
        f"{BASE}/tasks/{task.pk}/result", {"reached": True, "satisfaction": 3, "notes": "x"}
    )
    assert again.status_code == 409


def test_r_fup_1_answers_400_for_a_satisfaction_outside_the_scale(api, task):
    response = api(user=task.owner).post(
        f"{BASE}/tasks/{task.pk}/result", {"reached": True, "satisfaction": 9, "notes": "x"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "satisfaction"
    task.refresh_from_db()
    assert task.status == Status.PLANNED


def test_it_answers_403_and_404_for_recording(api, task):
    auditor = api(Role.AUDITOR)
    body = {"reached": False, "notes": "x"}
    assert auditor.post(f"{BASE}/tasks/{task.pk}/result", body).json()["permission"] == (
        "followup.record"
    )
    assert api(user=task.owner).post(f"{BASE}/tasks/999999/result", body).status_code == 404


def test_r_fup_2_lists_overdue_callbacks_for_the_supervisor_with_xlsx(api, task):
    supervisor = api(Role.CS_SUPERVISOR)
    rows = supervisor.get(f"{BASE}/tasks/overdue").json()
    assert [(r["id"], r["owner_id"]) for r in rows] == [(task.pk, task.owner_id)]
    assert rows[0]["days_overdue"] > 300
    xlsx = supervisor.get(f"{BASE}/tasks/overdue.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api(user=task.owner).get(f"{BASE}/tasks/overdue").status_code == 403
    assert api(user=task.owner).get(f"{BASE}/tasks/overdue.xlsx").status_code == 403


def test_r_fup_1_generates_through_the_api(api):
    delivered_contract(managed_customer(), dt.date(2026, 1, 10))
    supervisor = api(Role.CS_SUPERVISOR)
    response = supervisor.post(f"{BASE}/generate", {"today": "2026-01-10"})
    assert response.json()["delivery_callback"]["created"] == 1
    assert supervisor.post(f"{BASE}/generate", {"today": "not a date"}).status_code == 400
    assert api(Role.AGENT).post(f"{BASE}/generate", {}).status_code == 403


def test_r_fup_6_opens_a_campaign_through_the_api_and_exports_it(api):
    customer = managed_customer(first_grade="A")
    managed_customer(first_grade="D")
    supervisor = api(Role.CS_SUPERVISOR)
    year = dt.date.today().year + 1  # noqa: DTZ011 - the campaign year the service defaults to
    response = supervisor.post(f"{BASE}/campaigns", {"year": year, "grades": ["A"]})
    assert response.status_code == 201, response.json()
    assert response.json()["tasks"] == 1
    assert FollowUp.objects.get(campaign_id=response.json()["id"]).customer == customer
    assert supervisor.post(f"{BASE}/campaigns", {"year": year, "grades": ["A"]}).status_code == 409
    assert supervisor.post(f"{BASE}/campaigns", {"grades": ["Z"]}).status_code == 400
    assert api(Role.AGENT).post(f"{BASE}/campaigns", {}).status_code == 403
    assert [c["year"] for c in supervisor.get(f"{BASE}/campaigns").json()] == [year]
    assert api(Role.AGENT).get(f"{BASE}/campaigns").status_code == 403
    campaign = Campaign.objects.get()
    xlsx = supervisor.get(f"{BASE}/campaigns/{campaign.pk}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert supervisor.get(f"{BASE}/campaigns/999999.xlsx").status_code == 404
    assert api(Role.AGENT).get(f"{BASE}/campaigns/{campaign.pk}.xlsx").status_code == 403


def test_r_fup_2_filters_overdue_callbacks_by_kind(api, web, task):
    supervisor = api(Role.CS_SUPERVISOR)
    assert supervisor.get(f"{BASE}/tasks/overdue", kind="upkeep").json() == []
    assert len(supervisor.get(f"{BASE}/tasks/overdue", kind="delivery_callback").json()) == 1
    assert supervisor.get(f"{BASE}/tasks/overdue", kind="lunch").status_code == 400
    page = web(Role.CS_SUPERVISOR).get("/followups/overdue/?kind=upkeep").content.decode()
    assert task.customer.name not in page
