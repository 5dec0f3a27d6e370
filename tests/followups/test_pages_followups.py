"""Follow-up pages: my tasks, recording a result, overdue callbacks, campaigns (R-FUP-1, -2, -6)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.followups.campaigns import campaign_open, campaign_open_yearly
from kefu.followups.models import Campaign, FollowUp, Status
from kefu.followups.services import followup_record, followups_generate
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.followups.factories import delivered_contract, managed_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    customer = managed_customer()
    contract = delivered_contract(customer, dt.date(2025, 1, 31))
    followups_generate(actor=SYSTEM, today=dt.date(2025, 1, 31))
    return FollowUp.objects.get(contract=contract)


def test_it_lists_my_follow_ups_and_shows_the_nav_link(web, task):
    html = web(user=task.owner).get("/followups/").content.decode()
    assert task.customer.name in html and f"/followups/{task.pk}/" in html
    assert 'href="/followups/"' in html


def test_r_fup_1_records_a_result_on_the_page_and_shows_it_on_the_customer_page(web, task):
    client = web(user=task.owner)
    response = client.post(
        f"/followups/{task.pk}/", {"reached": "1", "satisfaction": "5", "notes": "很满意"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.satisfaction) == (Status.DONE, 5)
    customer_page = client.get(f"/customers/{task.customer_id}/").content.decode()
    assert "很满意" in customer_page


def test_r_fup_1_shows_a_bad_result_on_the_form_without_writing(web, task):
    response = web(user=task.owner).post(f"/followups/{task.pk}/", {"reached": "1", "notes": "x"})
    assert response.status_code == 400
    assert "1–5" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.PLANNED


def test_it_refuses_a_task_page_to_another_department_with_403_and_unknown_with_404(web, task):
    assert web(Role.CUSTOMER_MANAGER).get(f"/followups/{task.pk}/").status_code == 403
    assert web(user=task.owner).get("/followups/999999/").status_code == 404


def test_r_fup_2_shows_the_supervisor_overdue_callbacks_and_their_xlsx(web, task):
    client = web(Role.CS_SUPERVISOR)
    html = client.get("/followups/overdue/").content.decode()
    assert task.owner.display_name in html and task.customer.name in html
    xlsx = client.get("/followups/overdue/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert web(user=task.owner).get("/followups/overdue/").status_code == 403
    assert client.post("/followups/generate/").status_code == 302


def test_r_fup_6_opens_the_campaign_on_1_december_once(web):
    customer = managed_customer(first_grade="B")
    blacklisted = managed_customer(first_grade="B")
    from kefu.customers.services import customer_blacklist

    customer_blacklist(actor=SYSTEM, customer=blacklisted, reason="恶意欠费")
    assert campaign_open_yearly(today=dt.date(2026, 12, 1)).year == 2027
    assert campaign_open_yearly(today=dt.date(2026, 12, 1)) is None
    tasks = FollowUp.objects.filter(campaign__year=2027)
    assert [t.customer for t in tasks] == [customer]
    assert tasks.get().due_on == dt.date(2026, 12, 31)
    followup_record(
        actor=customer.manager,
        followup=tasks.get(),
        reached=True,
        satisfaction=4,
        notes="明年计划扩建",
        demand_plan="新增两栋楼的物业服务",
        gift="台历",
    )
    client = web(Role.CS_SUPERVISOR)
    html = client.get(f"/followups/campaigns/{Campaign.objects.get().pk}/").content.decode()
    assert "新增两栋楼的物业服务" in html and "台历" in html
    xlsx = client.get(f"/followups/campaigns/{Campaign.objects.get().pk}/?format=xlsx")
    assert xlsx.content[:2] == b"PK"


def test_r_fup_6_refuses_demand_fields_on_other_tasks_and_a_second_campaign(web, task):
    from kefu.errors import Conflict, ValidationFailed

    with pytest.raises(ValidationFailed):
        followup_record(
            actor=task.owner, followup=task, reached=True, satisfaction=3, notes="x", gift="台历"
        )
    campaign_open(actor=SYSTEM, year=2027, today=dt.date(2026, 12, 1))
    with pytest.raises(Conflict):
        campaign_open(actor=SYSTEM, year=2027, today=dt.date(2026, 12, 1))
    client = web(Role.CS_SUPERVISOR)
    response = client.post("/followups/campaigns/", {"year": "2027", "grades": ["A"]})
    assert response.status_code == 400 and "2027" in response.content.decode()
    assert web(Role.AGENT).get("/followups/campaigns/").status_code == 403


@pytest.mark.parametrize("role", [Role.GM, Role.BUSINESS_SUPERVISOR, Role.MARKETING, Role.AUDITOR])
def test_the_follow_up_list_links_surveys_only_for_who_may_open_them(web, role):
    """R-FUP-3: the surveys page is 403 for these roles, so its tab is not shown to them."""
    client = web(role, department=factories.department())
    page = client.get("/followups/")
    assert page.status_code == 200
    assert 'href="/followups/surveys/"' not in page.content.decode()
    assert client.get("/followups/surveys/").status_code == 403
    supervisor = web(Role.CS_SUPERVISOR).get("/followups/").content.decode()
    assert 'href="/followups/surveys/"' in supervisor


def test_follow_up_pages_say_owner_as_the_person_responsible_not_the_property_owner(web):
    """The customers catalog's "Owner" (业主, a customer class) does not leak into follow-ups."""
    page = web(Role.CS_SUPERVISOR).get("/followups/").content.decode()
    assert "<th>负责人</th>" in page and "业主" not in page
