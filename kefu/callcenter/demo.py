"""Demo call history: four weeks of a property-service hotline with daily and weekly peaks."""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from kefu.callcenter.models import (
    AgentExtension,
    CallRecord,
    CtiSettings,
    Hotline,
    Queue,
)

# Share of a day's calls per hour: morning and afternoon peaks, quiet nights.
_HOURLY = [
    0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 4.0, 8.5, 9.5, 8.0, 5.0, 5.5, 8.0, 8.5,
    7.5, 6.5, 4.5, 3.5, 2.5, 1.8, 1.2, 0.7,
]  # fmt: skip
_WEEKDAY = [1.2, 1.05, 1.0, 1.0, 1.05, 0.8, 0.7]  # Monday busiest, Sunday quietest


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means of half an hour.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def load_calls(rng: random.Random, *, weeks: int = 4, per_day: int = 320) -> int:
    """Answered, abandoned and short-abandoned calls for the ``weeks`` before today."""
    from kefu.customers.models import Customer
    from kefu.org.models import Department, User
    from kefu.org.roles import Role

    zone = ZoneInfo(settings.TIME_ZONE)
    answering = Department.objects.filter(name="呼叫中心").first()  # answers both hotlines
    main = Hotline.objects.create(
        number="4008001234",
        name="客服热线",
        ivr_menu='{"1": "报修", "2": "投诉", "3": "缴费咨询", "0": "人工服务"}',
        department=answering,
    )
    repairs = Hotline.objects.create(
        number="4008005678", name="报修热线", department=answering,
        ivr_menu='{"1": "水电", "2": "电梯", "0": "人工服务"}',
    )  # fmt: skip
    queues = [  # the PBX's names; people read the display names (R-CC-5)
        Queue.objects.create(name="service", display_name="客服专线", hotline=main),
        Queue.objects.create(name="repairs", display_name="报修专线", hotline=repairs),
    ]
    CtiSettings.objects.get_or_create(pk=1)
    agents = list(
        User.objects.filter(role_rows__role__in=[Role.AGENT, Role.TEAM_LEAD]).order_by("username")
    )
    for n, agent in enumerate(agents, start=1):
        AgentExtension.objects.get_or_create(user=agent, defaults={"extension": f"80{n:02d}"})
    phones = list(Customer.objects.exclude(phone="").values_list("pk", "phone")[:400])
    today = timezone.localdate()
    first = today - dt.timedelta(weeks=weeks)
    rows = []
    seq = 0
    day = first
    while day < today:
        trend = 1.0 + 0.02 * (day - first).days / 7  # a slowly growing hotline
        for half in range(48):
            mean = per_day * trend * _WEEKDAY[day.weekday()] * _HOURLY[half // 2] / 100 / 2
            for _ in range(_poisson(rng, mean)):
                seq += 1
                start = dt.datetime.combine(day, dt.time(half // 2, 30 * (half % 2)), tzinfo=zone)
                start += dt.timedelta(seconds=rng.randrange(1800))
                busy = _HOURLY[half // 2] > 7
                wait = int(rng.expovariate(1 / (35 if busy else 8)))
                patience = rng.expovariate(1 / 90)
                customer = rng.choice(phones) if phones and rng.random() < 0.35 else None
                caller = customer[1] if customer else f"13{rng.randrange(10**9):09d}"
                queue = rng.choice(queues) if rng.random() < 0.3 else queues[0]
                record = CallRecord(
                    key=f"demo-{start:%Y%m%d}-{seq}",
                    source="queue_log",
                    caller=caller,
                    callee=queue.hotline.number,
                    hotline=queue.hotline,
                    queue=queue,
                    enter_at=start,
                    customer_id=customer[0] if customer else None,
                )
                if wait <= patience and agents:
                    agent = rng.choice(agents)
                    talk = max(20, int(rng.gammavariate(2.0, 110)))
                    record.agent = agent
                    record.agent_label = f"PJSIP/{agent.cc_extension.extension}"
                    record.answer_at = start + dt.timedelta(seconds=wait)
                    record.end_at = record.answer_at + dt.timedelta(seconds=talk)
                    record.wait_seconds, record.talk_seconds = wait, talk
                    record.disposition = "answered"
                else:
                    gone = int(patience)
                    record.end_at = start + dt.timedelta(seconds=gone)
                    record.wait_seconds = gone
                    record.disposition = "abandoned"
                    record.abandoned = True
                rows.append(record)
        day += dt.timedelta(days=1)
    CallRecord.objects.bulk_create(rows, batch_size=1000)
    _planning_inputs(agents, today, zone)
    return len(rows)


def _planning_inputs(agents, today: dt.date, zone) -> None:
    """Next week: one agent on leave for two days, and a campaign raising Monday's morning."""
    from kefu.callcenter.models import ForecastOverride, StaffLeave

    monday = today + dt.timedelta(days=7 - today.weekday())
    start = dt.datetime.combine(monday, dt.time(), tzinfo=zone)
    if agents:
        StaffLeave.objects.create(
            user=agents[-1], starts_at=start + dt.timedelta(days=2),
            ends_at=start + dt.timedelta(days=4), reason="年假",
        )  # fmt: skip
    ForecastOverride.objects.create(
        starts_at=start + dt.timedelta(hours=9), ends_at=start + dt.timedelta(hours=11),
        calls_per_hour=60, aht_seconds=300, reason="物业费缴费通知发出后的咨询高峰",
    )  # fmt: skip
