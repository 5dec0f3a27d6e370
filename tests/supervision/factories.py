"""Supervision test data: a control room with a duty operator, a supervisor, a director."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.org.roles import Role
from kefu.supervision import services
from tests import factories

TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of ``day`` in Beijing time (the installation's time zone)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def operator(department=None):
    return factories.user(Role.DUTY_OPERATOR, department=department or factories.department())


def supervisor():
    return factories.user(Role.CS_SUPERVISOR, department=factories.department())


def director():
    return factories.user(Role.DIRECTOR, department=factories.department())


def entry(*, actor=None, occurred_at: dt.datetime, what: str = "业主来电报修电梯异响", **kw):
    return services.duty_log_entry_create(
        actor=actor or operator(),
        what=what,
        action=kw.pop("action", "已通知工程部上门"),
        occurred_at=occurred_at,
        now=kw.pop("now", occurred_at + dt.timedelta(minutes=1)),
        **kw,
    )


def entries(day: dt.date, count: int, *, actor=None) -> list:
    actor = actor or operator()
    return [
        entry(actor=actor, occurred_at=at(day, 8 + n % 12, n % 60), what=f"第{n + 1}条值班记录")
        for n in range(count)
    ]
