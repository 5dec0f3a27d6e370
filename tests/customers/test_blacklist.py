"""R-CUS-5: the blacklist refuses new business, names the entry, and lifting is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.customers import services
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_refuses_a_contract_for_a_blacklisted_customer():
    """R-CUS-5: no new contract while listed; the refusal names the entry."""
    customer = cf.customer()
    supervisor = factories.user(Role.CS_SUPERVISOR)
    entry = services.customer_blacklist(
        actor=supervisor,
        customer=customer,
        reason="恶意拖欠物业费",
        until=timezone.localdate() + dt.timedelta(days=365),
    )
    with pytest.raises(Conflict) as error:
        cf.contract(customer)
    assert f"#{entry.pk}" in error.value.message
    assert "恶意拖欠物业费" in error.value.message
    assert not customer.contracts.exists()


def test_it_refuses_other_business_through_the_one_check():
    """R-CUS-5: plans and paid services call ensure_not_blacklisted too."""
    customer = cf.customer()
    entry = services.customer_blacklist(actor=SYSTEM, customer=customer, reason="欺诈")
    with pytest.raises(Conflict) as error:
        services.ensure_not_blacklisted(customer, "paid service")
    assert f"#{entry.pk}" in error.value.message
    assert "paid service" in error.value.message


def test_it_accepts_business_again_after_the_blacklist_is_lifted():
    """R-CUS-5: lifting is recorded with who and why."""
    customer = cf.customer()
    supervisor = factories.user(Role.CS_SUPERVISOR)
    entry = services.customer_blacklist(actor=supervisor, customer=customer, reason="欠费")
    services.customer_blacklist_lift(actor=supervisor, entry=entry, reason="已结清欠款")
    entry.refresh_from_db()
    assert entry.lifted_by == supervisor
    assert entry.lift_reason == "已结清欠款"
    assert cf.contract(customer).pk
    assert AuditEntry.objects.filter(
        target_type="customers.blacklistentry", reason="已结清欠款"
    ).exists()


def test_it_accepts_business_after_the_end_date(monkeypatch):
    customer = cf.customer()
    entry = services.customer_blacklist(
        actor=SYSTEM, customer=customer, reason="欠费", until=timezone.localdate()
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    services.ensure_not_blacklisted(customer, "contract")
    assert entry.is_active_on(timezone.localdate()) is False


def test_it_refuses_blacklisting_twice_or_without_reason_or_in_the_past():
    customer = cf.customer()
    with pytest.raises(ValidationFailed):
        services.customer_blacklist(actor=SYSTEM, customer=customer, reason=" ")
    with pytest.raises(ValidationFailed):
        services.customer_blacklist(
            actor=SYSTEM, customer=customer, reason="x", until=dt.date(2000, 1, 1)
        )
    services.customer_blacklist(actor=SYSTEM, customer=customer, reason="欠费")
    with pytest.raises(Conflict):
        services.customer_blacklist(actor=SYSTEM, customer=customer, reason="再次")


def test_it_refuses_an_agent_blacklisting():
    customer = cf.customer()
    with pytest.raises(PermissionDenied):
        services.customer_blacklist(
            actor=factories.user(Role.AGENT, department=customer.department),
            customer=customer,
            reason="x",
        )


def test_it_blacklists_and_lifts_through_the_api(api, anonymous_api):
    customer = cf.customer()
    client = api(Role.CS_SUPERVISOR)
    path = f"customers/{customer.pk}/blacklist"
    assert client.post(path, {"reason": "欠费", "until": "2099-02-30"}).status_code == 400
    assert anonymous_api.post(path, {"reason": "欠费"}).status_code == 401
    assert (
        api(Role.CUSTOMER_MANAGER, department=customer.department)
        .post(path, {"reason": "x"})
        .status_code
        == 403
    )
    assert client.post("customers/999999/blacklist", {"reason": "x"}).status_code == 404
    r = client.post(path, {"reason": "欠费", "until": "2099-12-31"})
    assert r.status_code == 201
    entry_id = r.json()["id"]
    assert client.post(path, {"reason": "again"}).status_code == 409
    body = client.get(f"customers/{customer.pk}").json()
    assert body["blacklisted"] is True and body["blacklist_entry_id"] == entry_id
    r = client.post(
        f"customers/{customer.pk}/contracts",
        {"number": "HT-B", "amount": "1", "signed_on": "2025-01-01"},
    )
    assert r.status_code == 409
    assert f"#{entry_id}" in r.json()["detail"]
    assert (
        client.post(f"customers/blacklist/{entry_id}/lift", {"reason": "结清"}).status_code == 200
    )
    assert (
        client.post(f"customers/blacklist/{entry_id}/lift", {"reason": "结清"}).status_code == 409
    )
    assert client.post("customers/blacklist/999999/lift", {"reason": "结清"}).status_code == 404
