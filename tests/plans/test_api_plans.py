"""/api/v1/plans: each endpoint for success, 400, 401, 403 for the wrong role, 404 and 409."""

from __future__ import annotations

import pytest

from kefu.org.roles import Role
from kefu.plans.models import ApprovalRecord, ApprovalThreshold, CommitteeMember, VersionStatus
from tests import factories
from tests.plans.factories import TERMS, approved, customer, people, plan, thresholds, v

pytestmark = pytest.mark.django_db
BASE = "plans"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "/1"),
        ("get", "/chain"),
        ("patch", "/1/versions/1"),
        ("post", "/1/versions/1/submit"),
        ("post", "/1/versions/1/approve"),
        ("post", "/1/versions/1/return"),
        ("post", "/1/changes"),
        ("post", "/1/team"),
        ("post", "/1/checkpoints"),
        ("post", "/checkpoints/1/done"),
        ("get", "/checkpoints/overdue"),
        ("get", "/thresholds"),
        ("post", "/thresholds"),
        ("patch", "/thresholds/1"),
        ("delete", "/thresholds/1"),
        ("get", "/committee"),
        ("post", "/committee"),
        ("delete", "/committee/1"),
    ],
)
def test_it_answers_401_to_anonymous_callers(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(f"{BASE}{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_r_pln_1_drafts_a_plan_through_the_api(api):
    p = people()
    thresholds()
    c = customer(p)
    body = {"customer_id": c.pk, "title": "供货方案"} | TERMS
    response = api(user=p.marketer).post(BASE, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["versions"][0]["status"] == "draft"
    assert data["versions"][0]["budget"] == "80000.00"
    listed = api(user=p.marketer).get(BASE).json()
    assert [row["id"] for row in listed["items"]] == [data["id"]]


def test_it_answers_400_for_missing_terms_and_a_zero_amount(api):
    p = people()
    c = customer(p)
    client = api(user=p.marketer)
    assert client.post(BASE, {"customer_id": c.pk, "title": "x"}).status_code == 400
    zero = client.post(BASE, {"customer_id": c.pk, "title": "x"} | TERMS | {"amount": "0"})
    assert zero.status_code == 400
    assert zero.json()["errors"][0]["field"] == "amount"


def test_it_answers_403_to_an_agent_drafting_and_404_for_an_unknown_customer(api):
    p = people()
    c = customer(p)
    body = {"customer_id": c.pk, "title": "x"} | TERMS
    assert api(Role.AGENT, department=p.marketing_dept).post(BASE, body).status_code == 403
    missing = api(user=p.marketer).post(BASE, body | {"customer_id": 999999})
    assert missing.status_code == 404


def test_it_answers_409_for_a_blacklisted_customer(api):
    from kefu.customers.services import customer_blacklist
    from kefu.org.permissions import SYSTEM

    p = people()
    thresholds()
    c = customer(p)
    customer_blacklist(actor=SYSTEM, customer=c, reason="欠款")
    response = api(user=p.marketer).post(BASE, {"customer_id": c.pk, "title": "x"} | TERMS)
    assert response.status_code == 409
    assert "R-CUS-5" in response.json()["detail"]


def test_r_pln_2_reviews_through_the_api_and_refuses_out_of_turn_with_409(api):
    p = people()
    pl = plan(p)
    path = f"{BASE}/{pl.pk}/versions/1"
    assert api(user=p.marketer).post(f"{path}/submit").json()["current_step"] == "cs_supervisor"
    early = api(user=p.director).post(f"{path}/approve", {"comment": "同意"})
    assert early.status_code == 409
    assert not ApprovalRecord.objects.exists()
    assert api(user=p.supervisor).post(f"{path}/approve", {"comment": "同意"}).status_code == 200
    returned = api(user=p.director).post(f"{path}/return", {"comment": "请补充回款担保"})
    assert returned.json()["status"] == "returned"
    assert api(user=p.director).post(f"{path}/return", {"comment": ""}).status_code == 400
    assert api(user=p.colleague).post(f"{path}/approve", {}).status_code == 403
    assert api(user=p.supervisor).post(f"{BASE}/{pl.pk}/versions/9/approve", {}).status_code == 404


def test_r_pln_3_edits_are_refused_with_409_once_approved_and_a_change_opens_v2(api):
    p = people()
    pl = approved(p)
    client = api(user=p.marketer)
    frozen = client.patch(f"{BASE}/{pl.pk}/versions/1", {"amount": "1"})
    assert frozen.status_code == 409
    change = client.post(
        f"{BASE}/{pl.pk}/changes", {"reason": "延长供货周期", "supply_cycle": "半年"}
    )
    assert change.status_code == 201
    assert (change.json()["number"], change.json()["previous_id"]) == (2, v(pl).pk)
    again = client.post(f"{BASE}/{pl.pk}/changes", {"reason": "再改"})
    assert again.status_code == 409
    detail = client.get(f"{BASE}/{pl.pk}").json()
    assert detail["current_version"] == 1
    assert [x["status"] for x in detail["versions"]] == ["approved", "draft"]


def test_r_pln_4_team_checkpoints_and_overdue_through_the_api(api):
    p = people()
    pl = approved(p)
    client = api(user=p.marketer)
    team = client.post(
        f"{BASE}/{pl.pk}/team", {"team_id": p.marketing_dept.pk, "lead_id": p.colleague.pk}
    )
    assert team.status_code == 200
    point = client.post(
        f"{BASE}/{pl.pk}/checkpoints",
        {"title": "首批供货", "due_on": "2099-01-01", "owner_id": p.colleague.pk},
    )
    assert point.status_code == 201
    bad = client.post(
        f"{BASE}/{pl.pk}/checkpoints",
        {"title": "x", "due_on": "2000-01-01", "owner_id": p.colleague.pk},
    )
    assert bad.status_code == 400
    done = api(user=p.colleague).post(
        f"{BASE}/checkpoints/{point.json()['id']}/done", {"note": "好"}
    )
    assert done.json()["done_at"]
    twice = api(user=p.colleague).post(f"{BASE}/checkpoints/{point.json()['id']}/done", {})
    assert twice.status_code == 409
    assert client.get(f"{BASE}/checkpoints/overdue").json() == []
    other = api(Role.AGENT)
    assert other.post(f"{BASE}/{pl.pk}/team", {"team_id": 1, "lead_id": 1}).status_code == 403


def test_r_pln_2_the_administrator_keeps_the_threshold_table_and_committee(api):
    p = people()
    admin = api(Role.SYSADMIN)
    created = admin.post(
        f"{BASE}/thresholds",
        {"customer_class": "potential", "up_to": "123456", "chain": ["director", "committee"]},
    )
    assert created.status_code == 201
    row_id = created.json()["id"]
    bad = admin.post(
        f"{BASE}/thresholds", {"customer_class": "potential", "up_to": "5", "chain": ["agent"]}
    )
    assert bad.status_code == 400
    dup = admin.post(
        f"{BASE}/thresholds", {"customer_class": "potential", "up_to": "123456", "chain": ["gm"]}
    )
    assert dup.status_code == 409
    assert admin.patch(f"{BASE}/thresholds/{row_id}", {"chain": ["gm"]}).json()["chain"] == ["gm"]
    chain = api(user=p.marketer).get(f"{BASE}/chain", customer_class="potential", amount="100000")
    for absurd in ("1e400", "-5", "0"):
        refused = api(user=p.marketer).get(
            f"{BASE}/chain", customer_class="potential", amount=absurd
        )
        assert refused.status_code == 400, absurd
    assert chain.json()["chain"] == ["gm"]
    assert api(user=p.marketer).post(f"{BASE}/thresholds", {}).status_code in {400, 403}
    assert api(user=p.marketer).delete(f"{BASE}/thresholds/{row_id}").status_code == 403
    assert admin.delete(f"{BASE}/thresholds/{row_id}").status_code == 204
    assert admin.delete(f"{BASE}/thresholds/{row_id}").status_code == 404
    assert not ApprovalThreshold.objects.filter(pk=row_id).exists()
    director = factories.user(Role.DIRECTOR)
    assert admin.post(f"{BASE}/committee", {"user_id": director.pk}).status_code == 201
    assert admin.post(f"{BASE}/committee", {"user_id": director.pk}).status_code == 409
    agent = factories.user(Role.AGENT)
    assert admin.post(f"{BASE}/committee", {"user_id": agent.pk}).status_code == 400
    assert admin.delete(f"{BASE}/committee/{director.pk}").status_code == 204
    assert not CommitteeMember.objects.filter(user=director).exists()


def test_it_hides_another_departments_plan_from_marketing_with_403(api):
    p = people()
    pl = plan(p)
    outsider = api(Role.MARKETING, department=factories.department())
    assert outsider.get(f"{BASE}/{pl.pk}").status_code == 403
    assert outsider.get(BASE).json()["items"] == []
    assert api(Role.GM).get(f"{BASE}/{pl.pk}").status_code == 200
    assert api(Role.GM).get(f"{BASE}/999999").status_code == 404
    assert v(pl).status == VersionStatus.DRAFT


def test_r_pln_3_submitting_an_approved_version_is_refused_in_plain_chinese(api):
    """The 409 says what cannot be done (提交), not a state word (不能已提交)."""
    p = people()
    pl = approved(p)
    refused = api(user=p.marketer).post(f"{BASE}/{pl.pk}/versions/1/submit")
    assert refused.status_code == 409
    assert "当前状态为“已批准”，现在不能提交。" in refused.json()["detail"]
