"""Meeting test data: rooms, meeting staff and a booker, times on known workdays."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from kefu.meetings import services
from kefu.meetings.models import RoomKind
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories

TZ = ZoneInfo("Asia/Shanghai")
# A Monday morning; the meetings below are on the Wednesday after (a workday).
NOW = dt.datetime(2025, 6, 2, 9, 0, tzinfo=TZ)
WEDNESDAY = dt.date(2025, 6, 4)
SATURDAY = dt.date(2025, 6, 7)
NATIONAL_DAY = dt.date(2025, 10, 1)
MAKEUP_SUNDAY = dt.date(2025, 9, 28)  # 调休: a Sunday worked before the National Day holiday

_n = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def attendant(**kw):
    return factories.user(Role.MEETING_ATTENDANT, **kw)


def room(*, kind: str = RoomKind.CENTRE, capacity: int = 20, attendant=None, name: str = ""):
    return services.room_create(
        actor=SYSTEM,
        name=name or f"会议室{next(_n)}",
        kind=kind,
        capacity=capacity,
        floor="3F",
        attendant=attendant,
    )


new_room = room


def booker(department=None):
    return factories.user(Role.AGENT, department=department or factories.department())


def booking(
    *,
    room=None,
    actor=None,
    day: dt.date = WEDNESDAY,
    start: int = 10,
    end: int = 12,
    now: dt.datetime = NOW,
    **needs,
):
    actor = actor or booker()
    return services.booking_create(
        actor=actor,
        room=room or new_room(),
        title=needs.pop("title", "季度工作会"),
        starts_at=at(day, start),
        ends_at=at(day, end),
        attendees=needs.pop("attendees", 10),
        now=now,
        **needs,
    )
