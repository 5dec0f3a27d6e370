"""R-PLN-2: tiered review — the chain comes from the threshold table; each step in turn."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.plans import services
from kefu.plans.models import ApprovalRecord, ApprovalThreshold, VersionStatus
from kefu.plans.services import chain_for
from tests import factories
from tests.plans.factories import approved, people, plan, thresholds, v

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "chain"),
    [
        ("300000", ["cs_supervisor"]),
        ("500000", ["cs_supervisor"]),
        ("500000.01", ["cs_supervisor", "director"]),
        ("2000000", ["cs_supervisor", "director"]),
        ("9000000", ["cs_supervisor", "director", "gm"]),
        ("10000001", ["cs_supervisor", "director", "gm", "committee"]),
    ],
)
def test_r_pln_2_chooses_the_chain_by_customer_class_and_amount(amount, chain):
    thresholds("intended")
    assert chain_for("intended", Decimal(amount)) == chain


def test_r_pln_2_the_administrators_table_differs_by_customer_class():
    thresholds("intended")
    thresholds("owner")
    services.threshold_update(
        actor=SYSTEM,
        threshold=ApprovalThreshold.objects.get(customer_class="owner", up_to=Decimal("500000")),
        chain=["director"],
    )
    assert chain_for("owner", Decimal("100")) == ["director"]
    assert chain_for("intended", Decimal("100")) == ["cs_supervisor"]


def test_r_pln_2_the_migration_seeds_a_default_table_for_every_class():
    from kefu.customers.models import CustomerClass

    for customer_class in CustomerClass.values:
        assert chain_for(customer_class, Decimal("1"))
        assert chain_for(customer_class, Decimal("99999999999"))[-1] == "committee"


def test_r_pln_2_submitting_takes_the_chain_and_tells_the_first_approver():
    p = people()
    pl = plan(p, amount="800000")
    version = services.plan_submit(actor=p.marketer, version=v(pl))
    assert version.status == VersionStatus.IN_REVIEW
    assert version.chain == ["cs_supervisor", "director"]
    assert version.current_step == "cs_supervisor"
    assert len(version.content_hash) == 64
    assert Notification.objects.filter(user=p.supervisor, text__contains=pl.number).exists()


def test_r_pln_2_each_approver_approves_in_turn_and_the_last_freezes_the_plan():
    p = people()
    pl = approved(p, amount="800000")
    version = v(pl)
    assert version.status == VersionStatus.APPROVED
    assert pl.current == version
    decisions = list(ApprovalRecord.objects.filter(version=version).order_by("step"))
    assert [(d.step_role, d.actor, d.decision) for d in decisions] == [
        ("cs_supervisor", p.supervisor, "approved"),
        ("director", p.director, "approved"),
    ]


def test_r_pln_2_refuses_approving_out_of_turn_naming_whose_turn_it_is_and_writes_nothing():
    p = people()
    pl = plan(p, amount="800000")
    services.plan_submit(actor=p.marketer, version=v(pl))
    with pytest.raises(Conflict) as refused:
        services.plan_approve(actor=p.director, version=v(pl), comment="先批了")
    assert "1" in refused.value.message and "2" in refused.value.message
    assert v(pl).step == 0
    assert not ApprovalRecord.objects.exists()


def test_r_pln_2_refuses_approving_a_draft_that_was_never_submitted():
    p = people()
    pl = plan(p)
    with pytest.raises(Conflict):
        services.plan_approve(actor=p.supervisor, version=v(pl))
    assert not ApprovalRecord.objects.exists()


def test_r_pln_2_refuses_a_role_that_may_not_approve_at_all():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    with pytest.raises(PermissionDenied) as refused:
        services.plan_approve(actor=p.colleague, version=v(pl))
    assert refused.value.permission == "plan.approve"


def test_r_pln_2_one_person_decides_only_one_step_of_a_round():
    p = people()
    both = factories.user("cs_supervisor", "director", department=p.marketing_dept)
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    services.plan_approve(actor=both, version=v(pl))
    with pytest.raises(Conflict):
        services.plan_approve(actor=both, version=v(pl))
    assert v(pl).step == 1


def test_r_pln_2_an_approver_returns_with_a_comment_and_the_resubmission_starts_over():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    services.plan_approve(actor=p.supervisor, version=v(pl))
    version = services.plan_return(actor=p.director, version=v(pl), comment="回款周期太长")
    assert version.status == VersionStatus.RETURNED
    assert Notification.objects.filter(user=p.marketer, text__contains="回款周期太长").exists()
    services.plan_version_update(actor=p.marketer, version=version, payment_period="验收后15天")
    services.plan_submit(actor=p.marketer, version=v(pl))
    assert v(pl).current_step == "cs_supervisor"
    services.plan_approve(actor=p.supervisor, version=v(pl))
    services.plan_approve(actor=p.director, version=v(pl))
    assert v(pl).status == VersionStatus.APPROVED
    rounds = list(ApprovalRecord.objects.filter(version=v(pl)).values_list("round", "decision"))
    assert rounds == [(1, "approved"), (1, "returned"), (2, "approved"), (2, "approved")]


def test_r_pln_2_returning_needs_a_comment():
    p = people()
    pl = plan(p)
    services.plan_submit(actor=p.marketer, version=v(pl))
    with pytest.raises(ValidationFailed):
        services.plan_return(actor=p.supervisor, version=v(pl), comment=" ")
    assert v(pl).status == VersionStatus.IN_REVIEW


def test_r_pln_2_the_largest_plans_go_to_the_decision_committee_with_a_written_signoff():
    p = people()
    pl = plan(p, amount="12000000")
    services.plan_submit(actor=p.marketer, version=v(pl))
    for approver in (p.supervisor, p.director, p.gm):
        services.plan_approve(actor=approver, version=v(pl))
    assert v(pl).current_step == "committee"
    with pytest.raises(ValidationFailed) as refused:
        services.plan_approve(actor=p.member, version=v(pl), signoff="")
    assert refused.value.errors[0].field == "signoff"
    services.plan_approve(actor=p.member, version=v(pl), signoff="决策委员会2026年第3次会议同意")
    record = ApprovalRecord.objects.get(version=v(pl), step_role="committee")
    assert record.signoff_text == "决策委员会2026年第3次会议同意"
    assert len(record.signoff_hash) == 64
    assert v(pl).status == VersionStatus.APPROVED


def test_r_pln_2_only_a_committee_member_decides_the_committee_step():
    p = people()
    pl = plan(p, amount="12000000")
    services.plan_submit(actor=p.marketer, version=v(pl))
    for approver in (p.supervisor, p.director, p.gm):
        services.plan_approve(actor=approver, version=v(pl))
    other = factories.user("director")
    with pytest.raises(Conflict):
        services.plan_approve(actor=other, version=v(pl), signoff="同意")
