"""Demo plans (R-PLN-*): one in force with its team and checkpoints (one overdue), one in
review, one draft, and one approved plan whose change awaits the decision committee."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.customers.models import Customer
from kefu.org.models import Department, User
from kefu.org.permissions import SYSTEM
from kefu.plans import services
from kefu.plans.models import Checkpoint, PlanVersion

TERMS = [
    {
        "financial_instruments": "银行承兑汇票结算，必要时办理保理融资",
        "supply_cycle": "按季度分批供货，每批次提前15天确认数量",
        "payment_method": "银行转账",
        "payment_period": "每批货物验收合格后30天内付款",
        "other_terms": "质保期一年；逾期付款按日万分之五计收违约金",
    },
    {
        "financial_instruments": "分期付款，首付30%",
        "supply_cycle": "一次性交付",
        "payment_method": "银行转账",
        "payment_period": "交付后分6个月等额付清",
        "other_terms": "交付后提供三次免费上门服务",
    },
]
BUDGET = [{"item": "客户答谢活动", "amount": "20000"}, {"item": "宣传资料", "amount": "8000"}]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def load_plans(rng: random.Random) -> None:
    marketing = Department.objects.filter(code="marketing").first()
    marketer = _user("marketing")
    supervisor, director, gm = _user("cs_supervisor"), _user("director"), _user("gm")
    if not all((marketing, marketer, supervisor, director, gm)):
        return
    services.committee_member_add(actor=SYSTEM, user=gm)
    services.committee_member_add(actor=SYSTEM, user=director)
    customers = list(
        Customer.objects.filter(merged_into__isnull=True)
        .exclude(blacklist__isnull=False)
        .order_by("id")[:40]
    )
    rng.shuffle(customers)
    if len(customers) < 4:
        return
    today = timezone.localdate()

    def draft(customer, amount: str, n: int):
        return services.plan_create(
            actor=marketer,
            customer=customer,
            title=f"{customer.name}业务运作方案",
            amount=amount,
            budget_items=BUDGET,
            **TERMS[n % len(TERMS)],
        )

    def approve_all(version: PlanVersion, signoff: str = "") -> None:
        for approver in (supervisor, director, gm):
            version.refresh_from_db()
            step = version.current_step
            if step is None:
                return
            if step == "committee":
                services.plan_approve(actor=gm, version=version, signoff=signoff)
                return
            if approver.has_role(step):
                services.plan_approve(actor=approver, version=version, comment="同意")

    # 1. In force, handed over, with checkpoints; one of them overdue.
    plan = draft(customers[0], "1500000", 0)
    version = plan.versions.get()
    services.plan_submit(actor=marketer, version=version)
    approve_all(version)
    services.plan_assign_team(actor=SYSTEM, plan=plan, team=marketing, lead=marketer)
    # R-PLN-4: a checkpoint's owner follows it on the plan's page, so needs plan.view;
    # the information collector (no plan.view) is no owner.
    owner = marketer
    for title, days in (("签订供货合同", -20), ("首批货物交付", -3), ("首笔回款到账", 25)):
        point = services.checkpoint_add(
            actor=SYSTEM,
            plan=plan,
            title=title,
            due_on=today + dt.timedelta(days=max(days, 0)),
            owner=owner,
        )
        if days < 0:
            Checkpoint.objects.filter(pk=point.pk).update(due_on=today + dt.timedelta(days=days))
    first = plan.checkpoints.order_by("due_on").first()
    services.checkpoint_done(actor=SYSTEM, checkpoint=first, note="合同已签")

    # 2. In review: the supervisor approved, the director's turn.
    plan = draft(customers[1], "800000", 1)
    version = plan.versions.get()
    services.plan_submit(actor=marketer, version=version)
    services.plan_approve(actor=supervisor, version=version, comment="方案可行")

    # 3. A draft.
    draft(customers[2], "300000", 0)

    # 4. Approved, then changed: the change awaits the decision committee's sign-off.
    plan = draft(customers[3], "600000", 1)
    version = plan.versions.get()
    services.plan_submit(actor=marketer, version=version)
    approve_all(version)
    change = services.plan_change_request(
        actor=marketer,
        plan=plan,
        reason="客户要求将回款周期延长至60天",
        payment_period="验收后60天内付款",
    )
    services.plan_submit(actor=marketer, version=change)
    change.refresh_from_db()
    for approver in (supervisor, director, gm):
        change.refresh_from_db()
        if (
            change.current_step
            and change.current_step != "committee"
            and approver.has_role(change.current_step)
        ):
            services.plan_approve(actor=approver, version=change, comment="同意，报决策委员会")
