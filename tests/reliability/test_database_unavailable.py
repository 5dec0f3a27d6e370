"""A lost database connection is a clean 503 on the API and on pages, never a 500 (issue 10).

The PostgreSQL restart itself is in test_database_restart.py (PostgreSQL suite); here the
connection error is raised where a real one surfaces first (the token lookup, the page's
first query), so both suites check the answer a client gets.
"""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError

from kefu.org.roles import Role

pytestmark = pytest.mark.django_db


def _lost(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_api_answers_503_with_a_problem_body(api, monkeypatch, error):
    client = api(Role.AGENT)

    def lost(*args, **kwargs):
        raise error("connection already closed")

    monkeypatch.setattr("kefu.api.token_authenticate", lost)
    response = client.get("tickets")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and body["type"].endswith("/unavailable")
    assert body["title"] == "服务暂不可用" and "数据库" in body["detail"]


def test_a_page_answers_503_with_the_error_page(web, monkeypatch):
    client = web(Role.AGENT)
    monkeypatch.setattr("kefu.core.views.allowed", _lost)
    response = client.get("/")
    assert response.status_code == 503
    assert "暂时无法连接数据库" in response.content.decode()


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (OperationalError("server closed the connection unexpectedly"), True),
        (OperationalError("database is locked"), True),
        (InterfaceError("connection already closed"), True),
        (OperationalError("no such table: reports_kpiclose"), False),
        (OperationalError("table customers_customer has no column named x"), False),
    ],
)
def test_only_a_lost_or_busy_database_is_an_outage_a_missing_table_is_a_defect(error, outage):
    """A missing table (a migration not run) must not hide behind "try again later"."""
    from kefu.errors import is_database_unavailable

    assert is_database_unavailable(error) is outage


def test_a_missing_table_on_the_api_is_not_passed_off_as_an_outage(api, monkeypatch):
    client = api(Role.AGENT)

    def missing(*args, **kwargs):
        raise OperationalError("no such table: tickets_ticket")

    monkeypatch.setattr("kefu.api.token_authenticate", missing)
    with pytest.raises(OperationalError, match="no such table"):
        client.get("tickets")  # a 500 with its trace in the log, not "try again later"
