"""Every /api/v1/customers endpoint: 401 without a token, 404 for unknown ids, 403 for a
role outside its permission (R-SEC-3)."""

from __future__ import annotations

import pytest

from kefu.org.roles import Role
from tests import factories
from tests.customers import factories as cf

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "customers"),
    ("post", "customers"),
    ("get", "customers/quality"),
    ("get", "customers/duplicates"),
    ("get", "customers/export"),
    ("post", "customers/grading"),
    ("get", "customers/grading/{id}/proposals"),
    ("post", "customers/grading/{id}/approve"),
    ("post", "customers/contracts/{id}/deliver"),
    ("post", "customers/contracts/{id}/cancel"),
    ("post", "customers/contracts/{id}/claims"),
    ("post", "customers/blacklist/{id}/lift"),
    ("get", "customers/{id}"),
    ("patch", "customers/{id}"),
    ("post", "customers/{id}/reveal"),
    ("get", "customers/{id}/timeline"),
    ("post", "customers/{id}/contacts"),
    ("post", "customers/{id}/contracts"),
    ("post", "customers/{id}/blacklist"),
    ("get", "customers/{id}/duplicates"),
    ("post", "customers/{id}/merge"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_it_answers_401_without_a_token_everywhere(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(path.format(id=1))
    assert response.status_code == 401
    assert response.json()["status"] == 401


BODIES = {
    "customers/grading/{id}/approve": {},
    "customers/contracts/{id}/deliver": {"delivered_on": "2025-01-01"},
    "customers/contracts/{id}/cancel": {"reason": "x"},
    "customers/contracts/{id}/claims": {"claimed_on": "2025-01-01", "amount_claimed": "1"},
    "customers/blacklist/{id}/lift": {"reason": "x"},
    "customers/{id}": {"occupation": "x"},
    "customers/{id}/reveal": {"field": "phone", "reason": "核实"},
    "customers/{id}/contacts": {"name": "x"},
    "customers/{id}/contracts": {"number": "N", "amount": "1", "signed_on": "2025-01-01"},
    "customers/{id}/blacklist": {"reason": "x"},
    "customers/{id}/merge": {"duplicate_id": 1},
}


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if "{id}" in e[1]])
def test_it_answers_404_for_unknown_ids(api, method, path):
    client = api(Role.CS_SUPERVISOR)
    url = path.format(id=999999)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, BODIES.get(path, {}))
    assert response.status_code == 404, response.content


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "customers/quality"),
        ("get", "customers/duplicates"),
        ("get", "customers/export"),
        ("post", "customers/grading"),
    ],
)
def test_it_answers_403_to_an_agent_for_supervisor_endpoints(api, method, path):
    response = getattr(api(Role.AGENT), method)(path)
    assert response.status_code == 403
    assert response.json()["permission"].startswith("customer.")


def test_it_answers_403_for_a_customer_outside_the_users_departments(api):
    customer = cf.customer(department=factories.department())
    client = api(Role.CUSTOMER_MANAGER, department=factories.department())
    assert client.get(f"customers/{customer.pk}").status_code == 403
    assert client.patch(f"customers/{customer.pk}", {"occupation": "x"}).status_code == 403
    assert client.get(f"customers/{customer.pk}/timeline").status_code == 403
