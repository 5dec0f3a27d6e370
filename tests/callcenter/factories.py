"""Call-centre test data: calls written through the importer path, built per test."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from kefu.callcenter.models import CallRecord, CtiSettings

_seq = itertools.count(1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=SHANGHAI)


def call(
    *,
    enter_at: dt.datetime,
    answered: bool = True,
    wait: int = 5,
    talk: int = 120,
    caller: str | None = None,
    abandoned: bool | None = None,
    **fields,
) -> CallRecord:
    n = next(_seq)
    if abandoned is None:
        abandoned = not answered
    return CallRecord.objects.create(
        key=f"test-{n}",
        source="csv",
        direction=fields.pop("direction", "in"),
        caller=caller if caller is not None else f"1380000{n:04d}",
        enter_at=enter_at,
        answer_at=enter_at + dt.timedelta(seconds=wait) if answered else None,
        end_at=enter_at + dt.timedelta(seconds=wait + (talk if answered else 0)),
        wait_seconds=wait,
        talk_seconds=talk if answered else None,
        disposition="answered" if answered else ("abandoned" if abandoned else "failed"),
        abandoned=abandoned and not answered,
        **fields,
    )


def cti_link(token: str = "pbx-token-123", blocked=()) -> CtiSettings:
    CtiSettings.objects.all().delete()
    return CtiSettings.objects.create(token=token, blocked_numbers=list(blocked))
