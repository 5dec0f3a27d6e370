"""Plan pages: list, draft, review buttons, change, execution, overdue, settings, home panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.org.roles import Role
from kefu.plans import services
from kefu.plans.models import ApprovalRecord, Plan, VersionStatus
from tests import factories
from tests.plans.factories import TERMS, approved, customer, people, plan, thresholds, v

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_r_pln_1_drafts_a_plan_from_the_page():
    p = people()
    thresholds()
    c = customer(p)
    form = {k: val for k, val in TERMS.items() if k != "budget_items"} | {
        "customer": c.pk,
        "title": "页面起草的方案",
        "budget": "广告投放 50000\n客户活动 30000",
    }
    response = _client(p.marketer).post("/plans/new/", form)
    assert response.status_code == 302
    pl = Plan.objects.get(title="页面起草的方案")
    assert v(pl).budget == 80000
    page = _client(p.marketer).get(f"/plans/{pl.pk}/").content.decode()
    assert "银行承兑汇票" in page and "广告投放" in page


def test_r_pln_1_the_customer_page_offers_to_draft_a_plan_for_that_customer():
    p = people()
    c = customer(p)
    page = _client(p.marketer).get(f"/customers/{c.pk}/").content.decode()
    assert f'href="/plans/new/?customer={c.pk}"' in page
    form = _client(p.marketer).get(f"/plans/new/?customer={c.pk}").content.decode()
    assert f'value="{c.pk}"' in form  # the number is filled in, no list of every customer
    gm_page = _client(factories.user(Role.GM)).get(f"/customers/{c.pk}/")
    assert gm_page.status_code == 200 and "/plans/new/" not in gm_page.content.decode()


def test_r_pln_1_an_unknown_customer_number_is_refused_on_the_form():
    p = people()
    thresholds()
    form = {k: val for k, val in TERMS.items() if k != "budget_items"} | {
        "customer": 987654,
        "title": "方案",
    }
    response = _client(p.marketer).post("/plans/new/", form)
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_r_pln_1_shows_a_bad_amount_on_the_form_without_saving():
    p = people()
    thresholds()
    c = customer(p)
    form = {k: val for k, val in TERMS.items() if k != "budget_items"} | {
        "customer": c.pk,
        "title": "方案",
        "amount": "abc",
    }
    response = _client(p.marketer).post("/plans/new/", form)
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_r_pln_2_the_approver_sees_the_plan_awaiting_review_and_approves_it_on_the_page():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    home = _client(p.supervisor).get("/").content.decode()
    assert pl.number in home
    page = _client(p.supervisor).get(f"/plans/{pl.pk}/").content.decode()
    assert 'id="approve-form"' in page
    assert 'id="approve-form"' not in _client(p.director).get(f"/plans/{pl.pk}/").content.decode()
    response = _client(p.supervisor).post(f"/plans/{pl.pk}/v/1/approve/", {"comment": "同意"})
    assert response.status_code == 302
    assert v(pl).step == 1


def test_r_pln_2_approving_out_of_turn_on_the_page_shows_the_refusal_and_writes_nothing():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    response = _client(p.director).post(f"/plans/{pl.pk}/v/1/approve/", {}, follow=True)
    assert response.status_code == 200
    assert "R-PLN-2" in response.content.decode()
    assert not ApprovalRecord.objects.exists()


def test_r_pln_3_requests_a_change_from_the_page_and_shows_both_versions():
    p = people()
    pl = approved(p)
    form = {k: val for k, val in TERMS.items() if k != "budget_items"} | {
        "reason": "客户要求调整付款方式",
        "payment_method": "商业承兑汇票",
        "budget": "广告投放 50000\n客户活动 30000",
    }
    response = _client(p.marketer).post(f"/plans/{pl.pk}/change/", form)
    assert response.status_code == 302
    assert v(pl, 2).payment_method == "商业承兑汇票"
    assert v(pl, 1).status == VersionStatus.APPROVED
    page = _client(p.marketer).get(f"/plans/{pl.pk}/").content.decode()
    assert 'id="version-1"' in page and 'id="version-2"' in page


def test_r_pln_4_assigns_the_team_adds_and_completes_a_checkpoint_on_the_page():
    p = people()
    pl = approved(p)
    soon = timezone.localdate() + dt.timedelta(days=5)
    client = _client(p.marketer)
    client.post(f"/plans/{pl.pk}/team/", {"team": p.marketing_dept.pk, "lead": p.colleague.pk})
    client.post(
        f"/plans/{pl.pk}/checkpoints/",
        {"title": "合同签订", "due_on": str(soon), "owner": p.colleague.pk},
    )
    point = pl.checkpoints.get()
    assert point.owner == p.colleague
    home = _client(p.colleague).get("/").content.decode()
    assert "合同签订" in home
    _client(p.colleague).post(f"/plans/checkpoints/{point.pk}/done/", {"note": "已签"})
    point.refresh_from_db()
    assert point.done_at is not None


def test_r_pln_4_lists_overdue_checkpoints():
    p = people()
    pl = approved(p)
    services.plan_assign_team(actor=p.marketer, plan=pl, team=p.marketing_dept, lead=p.colleague)
    point = services.checkpoint_add(
        actor=p.marketer,
        plan=pl,
        title="首笔回款",
        due_on=timezone.localdate(),
        owner=p.colleague,
    )
    type(point).objects.filter(pk=point.pk).update(due_on=dt.date(2020, 1, 1))
    page = _client(p.supervisor).get("/plans/overdue/").content.decode()
    assert "首笔回款" in page


def test_r_pln_2_the_administrator_edits_the_threshold_table_on_the_page():
    admin = factories.user(Role.SYSADMIN)
    client = _client(admin)
    response = client.post(
        "/plans/settings/",
        {"add_threshold": "1", "customer_class": "owner", "up_to": "777777", "chain": "gm"},
    )
    assert response.status_code == 302
    bad = client.post(
        "/plans/settings/",
        {"add_threshold": "1", "customer_class": "owner", "up_to": "1", "chain": "agent"},
    )
    assert bad.status_code == 400
    page = client.get("/plans/settings/").content.decode()
    assert "777777" in page


def test_the_pages_refuse_an_agent_with_403():
    agent = factories.user(Role.AGENT)
    assert _client(agent).get("/plans/").status_code == 403
    assert _client(agent).get("/plans/new/").status_code == 403
    assert _client(agent).post("/plans/settings/", {"add_member": "1"}).status_code == 403


def test_r_pln_1_the_plan_form_names_the_customer_and_never_asks_for_a_raw_id():
    """R-PLN-1: the customer of a new plan is chosen by name (from their page, or by a search
    on the form), shown by name; no editable "customer number" box with a database id."""
    p = people()
    c = customer(p)
    client = _client(p.marketer)
    chosen = client.get(f"/plans/new/?customer={c.pk}").content.decode()
    assert c.name in chosen
    assert 'type="number" name="customer"' not in chosen and "客户编号" not in chosen
    assert f'<option value="{c.pk}" selected>' in chosen
    found = client.get("/plans/new/", {"q": c.name}).content.decode()
    assert 'id="customer-search"' in found and f'<option value="{c.pk}"' in found
    nothing = client.get("/plans/new/").content.decode()
    assert "<option value=" not in nothing.split('id="id_customer"')[1].split("</select>")[0]
