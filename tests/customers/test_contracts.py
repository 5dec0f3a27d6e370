"""R-CUS-7 contracts and claims; R-CUS-2 class follows purchases."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.customers import services
from kefu.customers.models import ContractStatus, CustomerClass
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db


def test_it_records_a_contract_with_number_amount_and_dates():
    """R-CUS-7: number, amount, signing date, delivery date."""
    customer = cf.customer()
    contract = cf.contract(
        customer,
        number="HT-2025-001",
        amount="1250000.50",
        signed_on=dt.date(2025, 3, 1),
        delivered_on=dt.date(2025, 9, 30),
    )
    assert contract.status == ContractStatus.DELIVERED
    assert str(contract.amount) == "1250000.50"


def test_it_makes_a_customer_an_owner_when_a_contract_is_signed():
    """R-CUS-2: class changes follow purchases and are recorded."""
    customer = cf.customer(customer_class="intended")
    contract = cf.contract(customer)
    customer.refresh_from_db()
    assert customer.customer_class == CustomerClass.OWNER
    change = customer.class_changes.first()
    assert (change.from_class, change.to_class, change.contract) == ("intended", "owner", contract)


def test_it_returns_an_owner_to_intended_when_the_last_contract_is_cancelled():
    """R-CUS-2: cancelling the only live contract ends ownership, recorded."""
    customer = cf.customer()
    first, second = cf.contract(customer), cf.contract(customer)
    services.contract_cancel(actor=SYSTEM, contract=first, reason="客户退订")
    customer.refresh_from_db()
    assert customer.customer_class == CustomerClass.OWNER
    services.contract_cancel(actor=SYSTEM, contract=second, reason="客户退订")
    customer.refresh_from_db()
    assert customer.customer_class == CustomerClass.INTENDED
    assert [c.to_class for c in customer.class_changes.all()][:2] == ["intended", "owner"]


def test_it_refuses_a_duplicate_contract_number():
    customer = cf.customer()
    cf.contract(customer, number="HT-1")
    with pytest.raises(Conflict):
        cf.contract(customer, number="HT-1")


def test_it_refuses_delivery_before_signing():
    with pytest.raises(ValidationFailed) as error:
        cf.contract(cf.customer(), signed_on=dt.date(2025, 5, 1), delivered_on=dt.date(2025, 4, 1))
    assert error.value.errors[0].field == "delivered_on"


def test_it_refuses_cancelling_a_cancelled_contract():
    contract = cf.contract(cf.customer())
    services.contract_cancel(actor=SYSTEM, contract=contract, reason="退订")
    with pytest.raises(Conflict):
        services.contract_cancel(actor=SYSTEM, contract=contract, reason="再次")


def test_it_records_delivery_later():
    contract = cf.contract(cf.customer(), signed_on=dt.date(2025, 1, 1))
    services.contract_deliver(actor=SYSTEM, contract=contract, delivered_on=dt.date(2025, 6, 1))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.DELIVERED
    assert contract.delivered_on == dt.date(2025, 6, 1)


def test_it_records_a_claim_against_a_contract():
    contract = cf.contract(cf.customer())
    claim = services.claim_create(
        actor=SYSTEM,
        contract=contract,
        claimed_on=dt.date(2025, 8, 1),
        amount_claimed="5000",
        amount_paid="3000",
        description="漏水赔偿",
    )
    assert claim.customer == contract.customer
    assert contract.customer.timeline.filter(kind="claim_recorded").exists()


def test_it_creates_contracts_and_claims_through_the_api(api):
    customer = cf.customer()
    client = api(Role.CS_SUPERVISOR)
    r = client.post(
        f"customers/{customer.pk}/contracts",
        {"number": "HT-API-1", "amount": "300000", "signed_on": "2025-02-01"},
    )
    assert r.status_code == 201, r.content
    contract_id = r.json()["id"]
    r = client.post(
        f"customers/contracts/{contract_id}/claims",
        {"claimed_on": "2025-03-01", "amount_claimed": "100", "amount_paid": "50"},
    )
    assert r.status_code == 201
    r = client.post(f"customers/contracts/{contract_id}/deliver", {"delivered_on": "2025-04-01"})
    assert r.status_code == 200
    assert r.json()["status"] == "delivered"
    r = client.post(f"customers/contracts/{contract_id}/cancel", {"reason": "退订"})
    assert r.status_code == 200
    assert (
        client.post(f"customers/contracts/{contract_id}/cancel", {"reason": "再次"}).status_code
        == 409
    )


def test_it_answers_contract_errors_through_the_api(api, anonymous_api):
    customer = cf.customer()
    cf.contract(customer, number="HT-DUP")
    client = api(Role.CS_SUPERVISOR)
    path = f"customers/{customer.pk}/contracts"
    good = {"number": "HT-X", "amount": "1", "signed_on": "2025-02-01"}
    assert client.post(path, good | {"signed_on": "2025-13-01"}).status_code == 400
    assert client.post(path, good | {"amount": "-5"}).status_code == 400
    assert client.post(path, good | {"number": "HT-DUP"}).status_code == 409
    assert client.post("customers/999999/contracts", good).status_code == 404
    assert client.post("customers/contracts/999999/cancel", {"reason": "x"}).status_code == 404
    assert anonymous_api.post(path, good).status_code == 401
    agent = api(Role.AGENT, department=customer.department)
    assert agent.post(path, good).status_code == 403
