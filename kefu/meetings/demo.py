"""Demo meeting services: the meeting centre, floor and executive rooms, their AV equipment
with a fault and its repair, and a fortnight of bookings with their tasks."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from kefu.errors import DomainError
from kefu.meetings import services
from kefu.meetings.models import Booking, RoomKind
from kefu.org.models import Department, User
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role

ROOMS = [
    ("会议中心多功能厅", RoomKind.CENTRE, 120, "1F 会议中心"),
    ("会议中心第一会议室", RoomKind.CENTRE, 40, "1F 会议中心"),
    ("十二楼小会议室", RoomKind.FLOOR, 12, "12F"),
    ("领导层会议室", RoomKind.EXECUTIVE, 16, "18F 领导楼层"),
]
EQUIPMENT = [
    ("会议中心多功能厅", "数字调音台", "audio", "雅马哈 TF1"),
    ("会议中心多功能厅", "无线话筒（4支）", "microphone", "舒尔 BLX24"),
    ("会议中心多功能厅", "激光投影机", "projector", "爱普生 CB-L630U"),
    ("会议中心第一会议室", "视频会议终端", "video_terminal", "华为 Box 600"),
    ("领导层会议室", "会议音响系统", "audio", "博世 DCN"),
    ("领导层会议室", "86寸会议平板", "video", "MAXHUB V6"),
]
MEETINGS = [
    ("客户服务部周例会", "cs", 9, 10, {"tea": True}),
    ("季度经营分析会", "gm-office", 14, 16, {"name_cards": True, "tea": True, "audio": True}),
    ("市场推广方案评审", "marketing", 10, 12, {"tea": True, "video": True}),
    ("安全生产例会", "safety", 15, 16, {"audio": True}),
    ("技术服务培训", "tech", 13, 17, {"audio": True, "video": True, "tea": True}),
]


def _next_days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


def load_meetings(rng: random.Random) -> None:
    # An own generator: drawing from the shared one would change every later step's data.
    rng = random.Random(len(MEETINGS) * 2026)  # noqa: S311 - demo data, not secrets
    staff = {r: User.objects.filter(username=r.value).first() for r in Role}
    attendant = staff[Role.MEETING_ATTENDANT]
    rooms = {}
    for name, kind, seats, floor in ROOMS:
        rooms[name] = services.room_create(
            actor=SYSTEM,
            name=name,
            kind=kind,
            capacity=seats,
            floor=floor,
            attendant=attendant if kind == RoomKind.EXECUTIVE else None,
        )
    items = [
        services.equipment_create(
            actor=SYSTEM,
            name=name,
            kind=kind,
            room=rooms[room],
            model=model,
            installed_on=dt.date(2024, 3, 1),
        )
        for room, name, kind, model in EQUIPMENT
    ]
    old = services.fault_report(actor=SYSTEM, equipment=items[1], description="2号话筒有杂音")
    services.maintenance_record(
        actor=SYSTEM, equipment=items[1], kind="repair", description="更换天线和电池", fault=old
    )
    services.maintenance_record(
        actor=SYSTEM, equipment=items[0], kind="preventive", description="季度保养：除尘、检查线路"
    )
    services.fault_report(actor=SYSTEM, equipment=items[3], description="远端画面偶尔卡顿")

    departments = {d.code: d for d in Department.objects.all()}
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    room_names = [n for n, *_ in ROOMS]
    for day in _next_days(today, 14):
        for title, dept, start, end, needs in rng.sample(MEETINGS, k=rng.randint(1, 3)):
            room = rooms[rng.choice(room_names)]
            try:
                booking = services.booking_create(
                    actor=SYSTEM,
                    room=room,
                    department=departments[dept],
                    title=title,
                    starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(start))),
                    ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(end))),
                    attendees=min(room.capacity, rng.randint(5, 30)),
                    now=midnight,
                    **needs,
                )
            except DomainError:  # taken, or a year the calendar does not know
                continue
            if booking.status == "confirmed":
                services.booking_assign_staff(
                    actor=SYSTEM,
                    booking=booking,
                    attendant=attendant,
                    av_technician=staff[Role.AV_TECHNICIAN],
                    cleaner=staff[Role.CLEANER],
                    now=midnight,
                )
    if not Booking.objects.filter(status="pending").exists():
        weekend = next((d for d in _next_days(today, 14) if d.weekday() == 5), None)
        if weekend is not None:
            try:
                services.booking_create(
                    actor=SYSTEM,
                    room=rooms["会议中心多功能厅"],
                    department=departments["marketing"],
                    title="周末客户答谢会",
                    starts_at=timezone.make_aware(dt.datetime.combine(weekend, dt.time(9))),
                    ends_at=timezone.make_aware(dt.datetime.combine(weekend, dt.time(11))),
                    attendees=80,
                    flowers=True,
                    tea=True,
                    audio=True,
                    now=midnight,
                )
            except DomainError:
                pass
