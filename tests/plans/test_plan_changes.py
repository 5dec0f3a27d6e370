"""R-PLN-3 (and R-SEC-4): an approved plan is frozen; a change is a new version the
committee must approve with a written sign-off before it replaces the old one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.errors import Conflict, ValidationFailed
from kefu.plans import services
from kefu.plans.models import PlanVersion, VersionStatus
from tests.plans.factories import approved, people, plan, v

pytestmark = pytest.mark.django_db


def test_r_pln_3_refuses_any_change_to_an_approved_version_and_its_budget():
    p = people()
    pl = approved(p)
    for change in ({"amount": "900000"}, {"budget_items": [{"item": "差旅", "amount": "80000"}]}):
        with pytest.raises(Conflict) as refused:
            services.plan_version_update(actor=p.marketer, version=v(pl), **change)
        assert "R-PLN-3" in refused.value.message
    version = v(pl)
    assert version.amount == Decimal("800000.00")
    assert [i["item"] for i in version.budget_items] == ["广告投放", "客户活动"]


def test_r_pln_3_refuses_editing_a_version_in_review():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    with pytest.raises(Conflict):
        services.plan_version_update(actor=p.marketer, version=v(pl), supply_cycle="每周")


def test_r_pln_3_a_change_opens_version_two_referencing_one_which_stays_in_force():
    p = people()
    pl = approved(p)
    new = services.plan_change_request(
        actor=p.marketer,
        plan=pl,
        reason="客户要求缩短供货周期",
        supply_cycle="每月供货一次",
    )
    assert (new.number, new.previous, new.status) == (2, v(pl, 1), VersionStatus.DRAFT)
    assert new.financial_instruments == v(pl, 1).financial_instruments
    assert new.budget == v(pl, 1).budget
    pl.refresh_from_db()
    assert pl.current == v(pl, 1)
    assert v(pl, 1).supply_cycle == "每季度供货一次"


def test_r_pln_3_the_change_needs_a_new_round_ending_with_the_committee_sign_off():
    p = people()
    pl = approved(p)
    services.plan_change_request(
        actor=p.marketer,
        plan=pl,
        reason="追加预算",
        budget_items=[{"item": "广告", "amount": "90000"}],
    )
    version = services.plan_submit(actor=p.marketer, version=v(pl, 2))
    assert version.chain == ["cs_supervisor", "director", "committee"]
    services.plan_approve(actor=p.supervisor, version=v(pl, 2))
    services.plan_approve(actor=p.director, version=v(pl, 2))
    pl.refresh_from_db()
    assert pl.current == v(pl, 1)  # not before the committee has signed
    with pytest.raises(ValidationFailed):
        services.plan_approve(actor=p.member, version=v(pl, 2))
    services.plan_approve(actor=p.member, version=v(pl, 2), signoff="同意追加广告预算")
    pl.refresh_from_db()
    assert pl.current == v(pl, 2)
    assert v(pl, 2).budget == Decimal("90000.00")
    old = v(pl, 1)
    assert old.status == VersionStatus.SUPERSEDED
    assert old.budget == Decimal("80000.00")  # the old stays frozen and readable


def test_r_pln_3_refuses_a_second_open_change_and_a_change_before_approval():
    p = people()
    draft_only = plan(p)
    with pytest.raises(Conflict):
        services.plan_change_request(actor=p.marketer, plan=draft_only, reason="改")
    pl = approved(p)
    services.plan_change_request(actor=p.marketer, plan=pl, reason="第一次变更")
    with pytest.raises(Conflict):
        services.plan_change_request(actor=p.marketer, plan=pl, reason="第二次变更")
    assert PlanVersion.objects.filter(plan=pl).count() == 2


def test_r_pln_3_a_change_needs_a_reason():
    p = people()
    pl = approved(p)
    with pytest.raises(ValidationFailed):
        services.plan_change_request(actor=p.marketer, plan=pl, reason="")
