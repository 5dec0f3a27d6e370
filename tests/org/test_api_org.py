"""/api/v1/org: success, 400, 401, 403, 404 and 409 for each endpoint."""

from __future__ import annotations

import pytest

from kefu.org.models import Department, User
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_lists_the_department_tree_for_any_role(api):
    root = factories.department(name="公司")
    factories.department(name="客服部", parent=root)
    response = api(Role.AGENT).get("org/departments")
    assert response.status_code == 200
    assert [d["name"] for d in response.json()] == ["公司", "客服部"]


def test_it_refuses_an_anonymous_caller_with_401(anonymous_api):
    response = anonymous_api.get("org/departments")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "Bearer" in response.json()["detail"]


def test_it_refuses_a_wrong_token_with_401(api):
    from tests.conftest import ApiClient

    response = ApiClient(token="kefu_0000_nope").get("org/departments")
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_it_creates_a_department_as_sysadmin(api):
    client = api(Role.SYSADMIN)
    response = client.post("org/departments", {"name": "中控室", "code": "control"})
    assert response.status_code == 201
    assert Department.objects.get(code="control").name == "中控室"


def test_it_refuses_department_creation_by_an_agent_with_403_naming_the_permission(api):
    response = api(Role.AGENT).post("org/departments", {"name": "中控室"})
    assert response.status_code == 403
    assert response.json()["permission"] == "org.manage"
    assert not Department.objects.exists()


def test_it_answers_bad_input_with_400_and_field_errors(api):
    response = api(Role.SYSADMIN).post("org/departments", {"name": ""})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


def test_it_answers_a_wrong_type_with_400_not_500(api):
    response = api(Role.SYSADMIN).post("org/departments", {"name": "x", "parent_id": "abc"})
    assert response.status_code == 400


def test_it_answers_a_duplicate_code_with_409(api):
    client = api(Role.SYSADMIN)
    client.post("org/departments", {"name": "客服部", "code": "cs"})
    response = client.post("org/departments", {"name": "客服二部", "code": "cs"})
    assert response.status_code == 409


def test_it_answers_an_unknown_parent_with_404(api):
    response = api(Role.SYSADMIN).post("org/departments", {"name": "x", "parent_id": 999999})
    assert response.status_code == 404


def test_it_moves_a_department_through_patch(api):
    a, b = factories.department(), factories.department()
    response = api(Role.SYSADMIN).patch(
        f"org/departments/{a.pk}", {"parent_id": b.pk, "move": True}
    )
    assert response.status_code == 200
    assert response.json()["parent_id"] == b.pk


def test_it_creates_staff_and_lists_them_paginated_with_roles(api):
    dept = factories.department()
    client = api(Role.SYSADMIN, department=dept)
    for n in range(3):
        created = client.post(
            "org/staff",
            {
                "username": f"agent{n}",
                "password": "a-long-pass-phrase",
                "full_name": f"坐席{n}",
                "department_id": dept.pk,
                "roles": ["agent"],
            },
        )
        assert created.status_code == 201
    page = client.get("org/staff", role="agent", page_size=2)
    assert page.status_code == 200
    body = page.json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert body["items"][0]["roles"] == ["agent"]
    assert body["items"][0]["department_name"] == dept.name


def test_it_searches_staff_by_chinese_name(api):
    factories.user(Role.AGENT, full_name="周小燕")
    factories.user(Role.AGENT, full_name="李建军")
    body = api(Role.AGENT).get("org/staff", q="小燕").json()
    assert [m["full_name"] for m in body["items"]] == ["周小燕"]


def test_it_answers_an_unknown_staff_member_with_404(api):
    response = api(Role.AGENT).get("org/staff/999999")
    assert response.status_code == 404


def test_it_changes_roles_through_patch_and_refuses_an_agent(api, sysadmin):
    member = factories.user(Role.AGENT)
    ok = api(user=sysadmin).patch(f"org/staff/{member.pk}", {"roles": ["team_lead"]})
    assert ok.status_code == 200 and ok.json()["roles"] == ["team_lead"]
    refused = api(Role.AGENT).patch(f"org/staff/{member.pk}", {"roles": ["sysadmin"]})
    assert refused.status_code == 403
    assert User.objects.get(pk=member.pk).role_codes == {"team_lead"}


def test_it_publishes_the_role_table_and_the_permission_table(api):
    client = api(Role.AUDITOR)
    roles = {r["code"]: r for r in client.get("org/roles").json()}
    assert len(roles) == 20  # the 17 of SPEC.md and the three meeting posts (R-MTG-2)
    assert "audit.read" in roles["auditor"]["permissions"]
    perms = {p["code"]: p for p in client.get("org/permissions").json()}
    assert perms["staff.manage"]["grants"] == {"sysadmin": "all", "director": "department"}
