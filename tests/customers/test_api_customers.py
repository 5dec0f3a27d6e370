"""/api/v1/customers: success, 400, 401, 403, 404 and 409 for each endpoint."""

from __future__ import annotations

import pytest

from kefu.audit.models import Action, AuditEntry
from kefu.customers.models import Customer
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_creates_a_customer_through_the_api(api):
    dept = factories.department()
    client = api(Role.CUSTOMER_MANAGER, department=dept)
    r = client.post(
        "customers",
        {"name": "张伟", "department_id": dept.pk, "phone": "13812345678", "tags": ["VIP"]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "张伟"
    assert body["phone"] == "138****5678"
    assert body["masked"] is True


def test_it_answers_400_naming_an_invalid_phone(api):
    dept = factories.department()
    r = api(Role.CS_SUPERVISOR).post(
        "customers", {"name": "张伟", "department_id": dept.pk, "phone": "999"}
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "phone"
    assert not Customer.objects.exists()


def test_it_answers_400_for_unknown_fields_and_impossible_dates(api):
    dept = factories.department()
    client = api(Role.CS_SUPERVISOR)
    r = client.post("customers", {"name": "张伟", "department_id": dept.pk, "shoe": 42})
    assert r.status_code == 400
    r = client.post(
        "customers", {"name": "张伟", "department_id": dept.pk, "birth_date": "1990-02-30"}
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "birth_date"


def test_it_answers_401_without_a_token(anonymous_api):
    assert anonymous_api.get("customers").status_code == 401
    assert anonymous_api.post("customers", {"name": "x", "department_id": 1}).status_code == 401


def test_it_answers_403_to_a_role_that_may_not_create(api):
    dept = factories.department()
    r = api(Role.AGENT, department=dept).post(
        "customers", {"name": "张伟", "department_id": dept.pk}
    )
    assert r.status_code == 403
    assert r.json()["permission"] == "customer.edit"


def test_it_answers_404_for_an_unknown_customer_or_department(api):
    client = api(Role.CS_SUPERVISOR)
    assert client.get("customers/999999").status_code == 404
    assert client.post("customers", {"name": "张伟", "department_id": 999999}).status_code == 404


def test_it_answers_409_for_a_duplicate_phone(api):
    existing = cf.customer(phone="13811112222")
    r = api(Role.CS_SUPERVISOR).post(
        "customers",
        {"name": "张伟", "department_id": existing.department_id, "phone": "13811112222"},
    )
    assert r.status_code == 409
    assert f"#{existing.pk}" in r.json()["detail"]


def test_it_shows_an_agent_only_customers_of_their_department(api):
    """R-SEC-3 / issue: an agent sees only customers of departments they serve."""
    own, other = factories.department(), factories.department()
    mine = cf.customer(department=own, name="本部门客户")
    theirs = cf.customer(department=other, name="外部门客户")
    client = api(Role.AGENT, department=own)
    listed = client.get("customers").json()["items"]
    assert [c["id"] for c in listed] == [mine.pk]
    assert client.get(f"customers/{theirs.pk}").status_code == 403


def test_it_updates_a_customer_with_patch(api):
    customer = cf.customer()
    r = api(Role.CS_SUPERVISOR).patch(
        f"customers/{customer.pk}",
        {"occupation": "教师", "customer_class": "intended", "reason": "来访"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["occupation"] == "教师"
    assert r.json()["customer_class"] == "intended"


def test_it_answers_400_when_patch_sets_owner_by_hand(api):
    """R-CUS-2: owner follows purchases."""
    customer = cf.customer()
    r = api(Role.CS_SUPERVISOR).patch(f"customers/{customer.pk}", {"customer_class": "owner"})
    assert r.status_code == 400


def test_it_answers_403_to_an_agent_changing_a_customer(api):
    dept = factories.department()
    customer = cf.customer(department=dept)
    r = api(Role.AGENT, department=dept).patch(f"customers/{customer.pk}", {"occupation": "x"})
    assert r.status_code == 403


def test_it_reveals_a_phone_with_a_reason_and_records_it(api):
    """R-SEC-1: reveal needs the permission and a reason, and is written to the audit trail."""
    customer = cf.customer(phone="13812345678")
    client = api(Role.CS_SUPERVISOR)
    r = client.post(
        f"customers/{customer.pk}/reveal", {"field": "phone", "reason": "客户来电核实身份"}
    )
    assert r.status_code == 200
    assert r.json()["value"] == "13812345678"
    entry = AuditEntry.objects.get(action=Action.REVEAL)
    assert entry.reason == "客户来电核实身份"
    assert entry.actor == client.user
    assert "电话" in entry.summary and "phone" not in entry.summary  # read by people


def test_it_answers_400_403_404_for_bad_reveals(api):
    customer = cf.customer()
    sup = api(Role.CS_SUPERVISOR)
    assert (
        sup.post(f"customers/{customer.pk}/reveal", {"field": "phone", "reason": ""}).status_code
        == 400
    )
    assert (
        sup.post(f"customers/{customer.pk}/reveal", {"field": "name", "reason": "核实"}).status_code
        == 400
    )
    assert (
        sup.post("customers/999999/reveal", {"field": "phone", "reason": "核实"}).status_code == 404
    )
    agent = api(Role.AGENT, department=customer.department)
    assert (
        agent.post(
            f"customers/{customer.pk}/reveal", {"field": "phone", "reason": "核实"}
        ).status_code
        == 403
    )
    assert not AuditEntry.objects.filter(action=Action.REVEAL).exists()


def test_it_adds_a_contact_to_an_organisation(api):
    org = cf.customer(kind="organisation", name="某某公司")
    client = api(Role.CS_SUPERVISOR)
    r = client.post(f"customers/{org.pk}/contacts", {"name": "刘主任", "phone": "13700001111"})
    assert r.status_code == 201
    assert r.json()["phone"] == "137****1111"
    assert (
        client.post(f"customers/{org.pk}/contacts", {"name": "x", "phone": "1"}).status_code == 400
    )
    assert client.post("customers/999999/contacts", {"name": "x"}).status_code == 404
    r = api(Role.AGENT, department=org.department).post(
        f"customers/{org.pk}/contacts", {"name": "x"}
    )
    assert r.status_code == 403


def test_it_shows_the_customer_page_data_in_one_answer(api):
    """R-CUS-8: contacts, contracts, warnings, blacklist and timeline in one place."""
    customer = cf.customer()
    cf.contract(customer)
    r = api(Role.CS_SUPERVISOR).get(f"customers/{customer.pk}")
    assert r.status_code == 200
    body = r.json()
    assert len(body["contracts"]) == 1
    assert {e["kind"] for e in body["timeline"]} >= {
        "customer_created",
        "contract_signed",
        "class_changed",
    }
    assert body["customer_class"] == "owner"


def test_it_pages_the_timeline(api):
    customer = cf.customer()
    r = api(Role.CS_SUPERVISOR).get(f"customers/{customer.pk}/timeline")
    assert r.status_code == 200
    assert r.json()["count"] == 1
