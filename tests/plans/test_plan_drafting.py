"""R-PLN-1: marketing drafts a plan per customer with its terms; R-CUS-5: never for a listed one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.audit.models import AuditEntry
from kefu.customers.services import customer_blacklist
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.plans import services
from kefu.plans.models import Plan, PlanVersion, VersionStatus
from tests import factories
from tests.plans.factories import TERMS, customer, people, plan, thresholds, v

pytestmark = pytest.mark.django_db


def test_r_pln_1_marketing_drafts_a_plan_with_every_term_as_version_one():
    p = people()
    pl = plan(p)
    version = v(pl)
    assert pl.number.startswith("YW")
    assert pl.department == p.marketing_dept
    assert version.status == VersionStatus.DRAFT
    assert version.amount == Decimal("800000.00")
    assert version.financial_instruments == TERMS["financial_instruments"]
    assert (version.supply_cycle, version.payment_method, version.payment_period) == (
        "每季度供货一次",
        "银行转账",
        "验收后30天内付清",
    )
    assert version.other_terms == "质保期一年"
    assert version.budget == Decimal("80000.00")
    assert [i["item"] for i in version.budget_items] == ["广告投放", "客户活动"]
    assert AuditEntry.objects.filter(target_type="plans.plan", target_id=str(pl.pk)).exists()


def test_r_pln_1_a_draft_can_be_edited_until_it_is_submitted():
    p = people()
    pl = plan(p)
    services.plan_version_update(actor=p.marketer, version=v(pl), supply_cycle="每月供货")
    assert v(pl).supply_cycle == "每月供货"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "-5"),
        ("amount", "很多"),
        ("amount", "1.234"),
        ("financial_instruments", "  "),
        ("payment_method", ""),
        ("budget_items", [{"item": "", "amount": "10"}]),
        ("budget_items", [{"item": "广告", "amount": "-1"}]),
    ],
)
def test_r_pln_1_refuses_bad_terms_naming_the_field_and_writes_nothing(field, value):
    p = people()
    thresholds()
    with pytest.raises(ValidationFailed) as refused:
        services.plan_create(
            actor=p.marketer, customer=customer(p), title="方案", **(TERMS | {field: value})
        )
    assert refused.value.errors[0].field.startswith(field)
    assert not Plan.objects.exists()
    assert not PlanVersion.objects.exists()


def test_r_pln_1_refuses_drafting_by_an_agent():
    p = people()
    agent = factories.user(Role.AGENT, department=p.marketing_dept)
    with pytest.raises(PermissionDenied) as refused:
        services.plan_create(actor=agent, customer=customer(p), title="方案", **TERMS)
    assert refused.value.permission == "plan.draft"


def test_r_pln_1_refuses_drafting_for_another_department():
    p = people()
    other = factories.department(name="别的部门")
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=p.marketer, customer=customer(p), title="方案", department=other, **TERMS
        )


def test_r_cus_5_refuses_a_plan_for_a_blacklisted_customer_naming_the_entry():
    """R-CUS-5 through the customer archive's one check: no plan, nothing written."""
    p = people()
    listed = customer(p)
    entry = customer_blacklist(actor=SYSTEM, customer=listed, reason="长期拖欠货款")
    with pytest.raises(Conflict) as refused:
        services.plan_create(actor=p.marketer, customer=listed, title="方案", **TERMS)
    assert f"#{entry.pk}" in refused.value.message
    assert "长期拖欠货款" in refused.value.message
    assert not Plan.objects.exists()


def test_r_cus_5_refuses_submitting_a_draft_once_the_customer_is_blacklisted():
    p = people()
    pl = plan(p)
    customer_blacklist(actor=SYSTEM, customer=pl.customer, reason="涉嫌欺诈")
    with pytest.raises(Conflict):
        services.plan_submit(actor=p.marketer, version=v(pl))
    assert v(pl).status == VersionStatus.DRAFT
