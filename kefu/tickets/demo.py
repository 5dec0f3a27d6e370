"""Demo tickets: a month of a property-service call centre's contacts, in every state."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.customers.models import Customer
from kefu.org.models import Department, User
from kefu.org.roles import Role
from kefu.tickets import services
from kefu.tickets.models import ComplaintCategory

TEXTS = {
    "inquiry": [
        "询问物业费缴纳方式",
        "咨询停车月卡办理流程",
        "询问小区停水通知时间",
        "咨询装修申报手续",
    ],
    "service_request": [
        "厨房下水道堵塞，请上门疏通",
        "客厅灯具损坏需要更换",
        "门锁故障无法开门",
        "申请家庭保洁服务",
    ],
    "complaint": [
        "楼上装修噪音扰民，多次反映未处理",
        "维修人员上门爽约",
        "电梯长期故障无人维修",
        "保安态度恶劣",
    ],
    "fault": ["3号楼电梯困人", "地下车库照明全部熄灭", "单元门禁系统失灵", "二次供水水压不足"],
    "demand": ["希望增设电动车充电桩", "建议延长会所开放时间", "需要增加快递柜"],
    "suggestion": ["建议在儿童乐园加装遮阳棚", "建议垃圾分类点增加指示牌"],
}
WEIGHTS = {
    "inquiry": 30,
    "service_request": 25,
    "complaint": 15,
    "fault": 15,
    "demand": 8,
    "suggestion": 7,
}


def load_tickets(rng: random.Random, count: int = 300) -> None:
    agents = list(User.objects.filter(role_rows__role=Role.AGENT, is_active=True))
    customers = list(Customer.objects.filter(merged_into__isnull=True).order_by("pk")[:400])
    if not agents or not customers:
        return
    tech = User.objects.filter(role_rows__role=Role.TECH_SERVICE).first()
    supervisor = User.objects.filter(role_rows__role=Role.CS_SUPERVISOR).first()
    office = User.objects.filter(role_rows__role=Role.OFFICE).first()
    engineering = Department.objects.filter(code="tech").first()
    categories = list(ComplaintCategory.objects.filter(parent__isnull=False))
    kinds = [k for k, w in WEIGHTS.items() for _ in range(w)]
    now = timezone.now()
    for _n in range(count):
        kind = rng.choice(kinds)
        agent = rng.choice(agents)
        customer = rng.choice(customers)
        at = now - dt.timedelta(days=rng.uniform(0, 28), minutes=rng.randint(0, 600))
        text = rng.choice(TEXTS[kind])
        quick = kind == "inquiry" and rng.random() < 0.7
        ticket = services.ticket_create(
            actor=agent,
            kind=kind,
            channel=rng.choice(["phone"] * 6 + ["web", "walk_in", "store", "email"]),
            description=f"{customer.name}：{text}",
            title=text,
            customer=customer,
            category=rng.choice(categories) if kind == "complaint" and categories else None,
            priority=rng.choice(["normal"] * 6 + ["high", "low", "urgent"]),
            resolve_now=quick,
            resolution="已当场答复客户" if quick else "",
            now=at,
        )
        if quick or engineering is None or tech is None:
            continue
        roll = rng.random()
        if roll < 0.25:
            continue  # still open with the first responder
        due = now + dt.timedelta(days=2)
        handoff = services.ticket_handoff(
            actor=agent, ticket=ticket, version=None, to_department=engineering,
            what=f"请处理：{text}", why="属技术服务部职责", due_by=due,
        )  # fmt: skip
        if roll < 0.32 and office is not None:
            services.handoff_reject(actor=tech, handoff=handoff, version=None, reason="不属本部门")
            if roll < 0.29:
                services.ticket_arbitrate(
                    actor=office, ticket=ticket, version=None, department=engineering, owner=tech,
                    decision="设施设备问题由技术服务部负责",
                )  # fmt: skip
            continue
        services.handoff_accept(actor=tech, handoff=handoff, version=None)
        if roll < 0.45:
            continue
        ticket = services.ticket_resolve(
            actor=tech, ticket=ticket, version=None, resolution="已上门处理完毕"
        )
        if kind == "complaint":
            if roll < 0.6 or supervisor is None:
                continue
            services.ticket_record_callback(
                actor=supervisor, ticket=ticket, version=None, reached=True,
                satisfaction=rng.choice([3, 4, 4, 5, 5]), note="客户对处理结果表示认可",
            )  # fmt: skip
        if roll < 0.8:
            services.ticket_close(actor=tech, ticket=ticket, version=None)
    services.tickets_check_time_limits(now=now)
