"""Plan test data: a marketing department, the approvers of the chain, a customer, a plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kefu.org.models import Department, User
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.plans import services
from kefu.plans.models import ApprovalThreshold, Plan, PlanVersion
from tests import factories
from tests.customers import factories as customer_factories

TERMS = {
    "amount": "800000",
    "financial_instruments": "银行承兑汇票，保理融资",
    "supply_cycle": "每季度供货一次",
    "payment_method": "银行转账",
    "payment_period": "验收后30天内付清",
    "other_terms": "质保期一年",
    "budget_items": [
        {"item": "广告投放", "amount": "50000"},
        {"item": "客户活动", "amount": "30000"},
    ],
}


@dataclass
class People:
    marketing_dept: Department
    marketer: User
    colleague: User
    supervisor: User
    director: User
    gm: User
    member: User  # on the decision committee


def people() -> People:
    root = factories.department(name="公司")
    marketing = factories.department(name="市场部", parent=root)
    cs = factories.department(name="客服部", parent=root)
    member = factories.user(Role.GM, full_name="委员甲", department=root)
    services.committee_member_add(actor=SYSTEM, user=member)
    return People(
        marketing_dept=marketing,
        marketer=factories.user(Role.MARKETING, department=marketing, full_name="营销员"),
        colleague=factories.user(Role.MARKETING, department=marketing, full_name="营销同事"),
        supervisor=factories.user(Role.CS_SUPERVISOR, department=cs, full_name="客服主管"),
        director=factories.user(Role.DIRECTOR, department=root, full_name="主任"),
        gm=factories.user(Role.GM, department=root, full_name="总经理"),
        member=member,
    )


def thresholds(customer_class: str = "intended") -> None:
    """A known table for the class, independent of the migration's defaults."""
    ApprovalThreshold.objects.filter(customer_class=customer_class).delete()
    for up_to, chain in [
        ("500000", ["cs_supervisor"]),
        ("2000000", ["cs_supervisor", "director"]),
        ("10000000", ["cs_supervisor", "director", "gm"]),
    ]:
        ApprovalThreshold.objects.create(
            customer_class=customer_class, up_to=Decimal(up_to), chain=chain
        )


def customer(p: People, **fields):
    c = customer_factories.customer(department=p.marketing_dept, **fields)
    if c.customer_class != "intended":
        type(c).objects.filter(pk=c.pk).update(customer_class="intended")
        c.refresh_from_db()
    return c


def plan(p: People, *, amount: str = "800000", **terms) -> Plan:
    thresholds()
    return services.plan_create(
        actor=p.marketer,
        customer=customer(p),
        title="年度供货运作方案",
        **(TERMS | {"amount": amount} | terms),
    )


def v(plan: Plan, number: int = 1) -> PlanVersion:
    return PlanVersion.objects.get(plan=plan, number=number)


def approved(p: People, *, amount: str = "800000") -> Plan:
    """A plan approved through its chain (supervisor then director for 800,000)."""
    pl = plan(p, amount=amount)
    services.plan_submit(actor=p.marketer, version=v(pl))
    services.plan_approve(actor=p.supervisor, version=v(pl), comment="同意")
    services.plan_approve(actor=p.director, version=v(pl), comment="同意")
    pl.refresh_from_db()
    return pl
