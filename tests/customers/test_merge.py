"""R-CUS-11: duplicates (same phone or ID) are found and merged without losing history."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.customers import selectors, services
from kefu.customers.models import Customer
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def _pair():
    dept = factories.department()
    survivor = cf.customer(department=dept, name="王小明", phone="13812345678", tags=["VIP"])
    duplicate = services.customer_create(
        actor=SYSTEM,
        department=dept,
        name="王晓明",
        phone="13812345678",
        email="w@example.com",
        tags=["老客户"],
        allow_duplicate=True,
    )
    return survivor, duplicate


def test_it_finds_duplicates_by_normalised_phone():
    """R-CUS-11: same phone (normalised) → duplicate."""
    survivor, duplicate = _pair()
    user = factories.user(Role.CS_SUPERVISOR)
    assert selectors.customer_duplicates_of(user, survivor) == [duplicate]
    groups = selectors.duplicate_groups(user)
    assert [set(c.pk for c in g["customers"]) for g in groups] == [{survivor.pk, duplicate.pk}]


def test_it_merges_without_losing_any_history():
    """R-CUS-11: contracts, contacts, claims, blacklist, history and timeline all move."""
    survivor, duplicate = _pair()
    contract = cf.contract(duplicate)
    services.contact_create(actor=SYSTEM, customer=duplicate, name="联系人")
    services.customer_blacklist(actor=SYSTEM, customer=duplicate, reason="欠费")
    events_before = survivor.timeline.count() + duplicate.timeline.count()
    services.customer_merge(actor=SYSTEM, survivor=survivor, duplicate=duplicate, reason="同一人")
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert list(survivor.contracts.all()) == [contract]
    assert survivor.contacts.count() == 1
    assert survivor.blacklist.count() == 1
    assert survivor.class_changes.filter(to_class="owner").exists()
    # plus the merge and the survivor becoming an owner through the moved contract
    assert survivor.timeline.count() == events_before + 2
    assert duplicate.timeline.count() == 0
    assert survivor.email == "w@example.com"
    assert survivor.tags == ["VIP", "老客户"]
    assert survivor.customer_class == "owner"
    assert AuditEntry.objects.filter(target_id=str(duplicate.pk), reason="同一人").exists()


def test_it_refuses_merging_a_customer_into_itself():
    survivor, _dup = _pair()
    with pytest.raises(ValidationFailed):
        services.customer_merge(actor=SYSTEM, survivor=survivor, duplicate=survivor)


def test_it_refuses_merging_an_already_merged_customer():
    survivor, duplicate = _pair()
    services.customer_merge(actor=SYSTEM, survivor=survivor, duplicate=duplicate)
    with pytest.raises(Conflict):
        services.customer_merge(actor=SYSTEM, survivor=survivor, duplicate=duplicate)


def test_it_refuses_merging_to_an_agent():
    survivor, duplicate = _pair()
    agent = factories.user(Role.AGENT, department=survivor.department)
    with pytest.raises(PermissionDenied):
        services.customer_merge(actor=agent, survivor=survivor, duplicate=duplicate)


def test_it_merges_through_the_api(api, anonymous_api):
    survivor, duplicate = _pair()
    client = api(Role.CS_SUPERVISOR)
    r = client.get(f"customers/{survivor.pk}/duplicates")
    assert [c["id"] for c in r.json()] == [duplicate.pk]
    assert client.get("customers/duplicates").status_code == 200
    path = f"customers/{survivor.pk}/merge"
    assert client.post(path, {"duplicate_id": survivor.pk}).status_code == 400
    assert client.post(path, {"duplicate_id": 999999}).status_code == 404
    assert client.post(path, {"duplicate_id": "x"}).status_code == 400
    assert anonymous_api.post(path, {"duplicate_id": duplicate.pk}).status_code == 401
    manager = api(Role.CUSTOMER_MANAGER, department=survivor.department)
    assert manager.post(path, {"duplicate_id": duplicate.pk}).status_code == 403
    r = client.post(path, {"duplicate_id": duplicate.pk, "reason": "同一人"})
    assert r.status_code == 200
    assert client.post(path, {"duplicate_id": duplicate.pk}).status_code == 409
    assert Customer.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
