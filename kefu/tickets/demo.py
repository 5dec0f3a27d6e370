"""Demo tickets: a month of a property-service call centre's contacts, in every state."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

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


def _stamped_models():
    """Rows a ticket step writes whose time comes from a field default, not from the code."""
    from kefu.core.models import Notification
    from kefu.customers.models import TimelineEvent
    from kefu.followups.models import FollowUp
    from kefu.tickets.models import Handoff, TicketEvent

    return [
        (TicketEvent, "at"),
        (Handoff, "created_at"),
        (TimelineEvent, "at"),
        (FollowUp, "created_at"),
        (Notification, "created_at"),
    ]


@contextmanager
def simulated_clock(at: dt.datetime) -> Iterator[None]:
    """Run one step of a demo ticket's life as if it happened at ``at``.

    The services read the time with ``timezone.now()``; here it answers ``at``, so the
    ticket's times and its history (TicketEvent) carry the ticket's own simulated time,
    not the load time. Rows whose time is a field default (the customer timeline,
    notifications, hand-off forms) are restamped afterwards: anything written since
    the step began (all earlier demo rows lie in the past) is moved to ``at``.
    """
    began = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield
    for model, field in _stamped_models():
        model.objects.filter(**{f"{field}__gte": began}).update(**{field: at})


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
    # Recorded in the order they happened, so a repeat contact (R-TIC-4) follows its original.
    times = sorted(
        now - dt.timedelta(days=rng.uniform(0, 28), minutes=rng.randint(0, 600))
        for _n in range(count)
    )
    for at in times:
        kind = rng.choice(kinds)
        agent = rng.choice(agents)
        customer = rng.choice(customers)
        text = rng.choice(TEXTS[kind])
        quick = kind == "inquiry" and rng.random() < 0.7
        with simulated_clock(at):
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

        def step(hours: float) -> dt.datetime:
            # Each later step a little after the one before, never beyond the load time.
            nonlocal at
            at = min(at + dt.timedelta(hours=hours), now - dt.timedelta(minutes=1))
            return at

        with simulated_clock(step(0.2)):
            handoff = services.ticket_handoff(
                actor=agent, ticket=ticket, version=None, to_department=engineering,
                what=f"请处理：{text}", why="属技术服务部职责",
                due_by=at + dt.timedelta(days=2),
            )  # fmt: skip
        if roll < 0.32 and office is not None:
            with simulated_clock(step(rng.uniform(0.5, 4))):
                services.handoff_reject(
                    actor=tech, handoff=handoff, version=None, reason="不属本部门"
                )
            if roll < 0.29:
                with simulated_clock(step(rng.uniform(1, 8))):
                    services.ticket_arbitrate(
                        actor=office, ticket=ticket, version=None, department=engineering,
                        owner=tech, decision="设施设备问题由技术服务部负责",
                    )  # fmt: skip
            continue
        with simulated_clock(step(rng.uniform(0.2, 3))):
            services.handoff_accept(actor=tech, handoff=handoff, version=None)
        if roll < 0.45:
            continue
        with simulated_clock(step(rng.uniform(1, 30))):
            ticket = services.ticket_resolve(
                actor=tech, ticket=ticket, version=None, resolution="已上门处理完毕"
            )
        if kind == "complaint":
            if roll < 0.6 or supervisor is None:
                continue
            with simulated_clock(step(rng.uniform(4, 48))):
                services.ticket_record_callback(
                    actor=supervisor, ticket=ticket, version=None, reached=True,
                    satisfaction=rng.choice([3, 4, 4, 5, 5]), note="客户对处理结果表示认可",
                )  # fmt: skip
        if roll < 0.8:
            with simulated_clock(step(rng.uniform(0.5, 24))):
                services.ticket_close(actor=tech, ticket=ticket, version=None)
    _check_time_limits_as_the_worker_would(now)


def _check_time_limits_as_the_worker_would(now: dt.datetime) -> None:
    """R-TIC-6: the worker checks every few minutes, so a breach is found when the limit
    passes; the demo checks once, at load time, and dates each breach's history lines
    (missed, escalated) at the due time that was missed."""
    from kefu.tickets.models import EventKind, TicketEvent

    services.tickets_check_time_limits(now=now)
    found = TicketEvent.objects.filter(
        kind__in=[EventKind.BREACH, EventKind.ESCALATED], at__gte=now
    ).select_related("ticket")
    by_ticket: dict[int, list[TicketEvent]] = {}
    for event in found.order_by("pk"):
        by_ticket.setdefault(event.ticket_id, []).append(event)
    for events in by_ticket.values():
        ticket = events[0].ticket
        # The response limit is checked first, then the resolution limit: one pair each.
        missed = [ticket.response_due] if ticket.response_breached else []
        missed += [ticket.resolution_due] if ticket.resolution_breached else []
        pairs = [events[i : i + 2] for i in range(0, len(events), 2)]
        for pair, due in zip(pairs, missed, strict=False):
            if due is not None and due < now:
                TicketEvent.objects.filter(pk__in=[e.pk for e in pair]).update(at=due)
