"""R-SEC-1, R-SEC-3: a department-scoped role sees its own department's records only.

Two sibling departments, 甲 and 乙, each with a customer, a ticket, a follow-up and a
call. For every role whose permission is DEPARTMENT-scoped, a user of 甲 must find
甲's records and never 乙's: in lists, in details (refused: 403 or 404, whichever the
resource answers, always the same), in exports (xlsx) and in search — through the
API and through the pages.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from kefu.org.permissions import PERMISSIONS, Scope
from kefu.org.roles import Role
from tests import factories
from tests.callcenter import factories as calls
from tests.conftest import ApiClient
from tests.customers import factories as customers
from tests.reports import factories as reports
from tests.tickets import factories as tickets

pytestmark = pytest.mark.django_db


def scoped(code: str) -> list[Role]:
    """The roles holding ``code`` for their own department only."""
    return [r for r, s in PERMISSIONS[code].grants.items() if s == Scope.DEPARTMENT]


class Side:
    """One department's records; the customer name is the search term both sides share."""

    def __init__(self, root, name: str):
        self.department = factories.department(name=name, parent=root)
        agent = factories.user(Role.AGENT, department=self.department)
        self.customer = customers.customer(department=self.department, name=f"范围测试客户{name}")
        self.ticket = tickets.ticket(
            actor=agent, customer=self.customer, title=f"范围测试工单{name}"
        )
        self.followup = reports.followup(
            department=self.department, due_on=timezone.localdate(), customer=self.customer
        )
        self.call = calls.call(enter_at=timezone.now() - dt.timedelta(hours=1), agent=agent)


@pytest.fixture
def sides():
    root = factories.department(name="总公司")
    return Side(root, "甲"), Side(root, "乙")


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def _xlsx_text(response) -> str:
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    return "\n".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


@pytest.mark.parametrize("role", scoped("customer.view"))
def test_r_sec_3_customers_of_another_department_are_out_of_list_detail_and_search(sides, role):
    mine, theirs = sides
    user = factories.user(role, department=mine.department)
    api = ApiClient(user)
    assert _ids(api.get("customers")) == {mine.customer.pk}
    assert _ids(api.get("customers", q="范围测试客户")) == {mine.customer.pk}
    assert api.get(f"customers/{mine.customer.pk}").status_code == 200
    assert api.get(f"customers/{theirs.customer.pk}").status_code == 403
    assert api.get(f"customers/{theirs.customer.pk}/timeline").status_code == 403
    web = Client()
    web.force_login(user)
    listed = web.get("/customers/", {"q": "范围测试客户"}).content.decode()
    assert "范围测试客户甲" in listed and "范围测试客户乙" not in listed
    assert web.get(f"/customers/{mine.customer.pk}/").status_code == 200
    assert web.get(f"/customers/{theirs.customer.pk}/").status_code == 403


@pytest.mark.parametrize("role", scoped("customer.export"))
def test_r_sec_3_a_customer_export_holds_the_own_department_only(sides, role):
    mine, theirs = sides
    user = factories.user(role, department=mine.department)
    text = _xlsx_text(ApiClient(user).get("customers/export", q="范围测试客户"))
    assert "范围测试客户甲" in text and "范围测试客户乙" not in text
    web = Client()
    web.force_login(user)
    text = _xlsx_text(web.get("/customers/export/", {"q": "范围测试客户"}))
    assert "范围测试客户甲" in text and "范围测试客户乙" not in text


@pytest.mark.parametrize("role", scoped("ticket.view"))
def test_r_sec_3_tickets_of_another_department_are_out_of_list_detail_search_and_export(
    sides, role
):
    mine, theirs = sides
    user = factories.user(role, department=mine.department)
    api = ApiClient(user)
    assert _ids(api.get("tickets")) == {mine.ticket.pk}
    assert _ids(api.get("tickets", q="范围测试")) == {mine.ticket.pk}
    assert api.get(f"tickets/{mine.ticket.pk}").status_code == 200
    assert api.get(f"tickets/{theirs.ticket.pk}").status_code == 404
    text = _xlsx_text(api.get("tickets/export.xlsx"))
    assert mine.ticket.number in text and theirs.ticket.number not in text
    web = Client()
    web.force_login(user)
    queue = web.get("/tickets/", {"queue": "all", "q": "范围测试"}).content.decode()
    assert mine.ticket.number in queue and theirs.ticket.number not in queue
    assert web.get(f"/tickets/{mine.ticket.pk}/").status_code == 200
    assert web.get(f"/tickets/{theirs.ticket.pk}/").status_code == 404


@pytest.mark.parametrize("role", scoped("followup.view"))
def test_r_sec_3_follow_ups_of_another_department_are_out_of_list_and_detail(sides, role):
    mine, theirs = sides
    user = factories.user(role, department=mine.department)
    api = ApiClient(user)
    assert _ids(api.get("followups/tasks")) == {mine.followup.pk}
    assert api.get(f"followups/tasks/{mine.followup.pk}").status_code == 200
    assert api.get(f"followups/tasks/{theirs.followup.pk}").status_code == 403
    web = Client()
    web.force_login(user)
    assert web.get(f"/followups/{mine.followup.pk}/").status_code == 200
    assert web.get(f"/followups/{theirs.followup.pk}/").status_code == 403


@pytest.mark.parametrize("role", scoped("callcenter.view"))
def test_r_sec_3_calls_of_another_department_are_out_of_list_and_detail(sides, role):
    mine, theirs = sides
    user = factories.user(role, department=mine.department)
    api = ApiClient(user)
    assert _ids(api.get("callcenter/calls")) == {mine.call.pk}
    assert api.get(f"callcenter/calls/{mine.call.pk}").status_code == 200
    assert api.get(f"callcenter/calls/{theirs.call.pk}").status_code == 404
    web = Client()
    web.force_login(user)
    page = web.get("/callcenter/calls/").content.decode()
    assert mine.call.caller[-4:] in page and theirs.call.caller[-4:] not in page


def test_r_sec_3_a_company_wide_role_sees_both_departments(sides):
    """The other half of the rule: ALL scope is not cut down to the user's department."""
    mine, theirs = sides
    api = ApiClient(factories.user(Role.CS_SUPERVISOR, department=mine.department))
    both = {mine.customer.pk, theirs.customer.pk}
    assert _ids(api.get("customers", q="范围测试客户")) == both
    assert _ids(api.get("tickets", q="范围测试")) == {mine.ticket.pk, theirs.ticket.pk}
    assert api.get(f"tickets/{theirs.ticket.pk}").status_code == 200
