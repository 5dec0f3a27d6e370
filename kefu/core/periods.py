"""Calendar months and local days in the installation's time zone, for every app that
counts by them."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.errors import ValidationFailed

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_month(text: str, *, field: str = "month") -> dt.date:
    """``YYYY-MM`` → the month's first day; anything else is a clear error."""
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValidationFailed.on(field, _("“%(v)s” is not a month; write YYYY-MM.") % {"v": text})
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first day 00:00, next month's first day 00:00) in local time."""
    since = dt.datetime.combine(month.replace(day=1), dt.time(), tzinfo=zone())
    return since, dt.datetime.combine(next_month(month), dt.time(), tzinfo=zone())


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_back(last: dt.date, count: int) -> list[dt.date]:
    """``count`` months ending with ``last``, oldest first."""
    return [add_months(last.replace(day=1), -i) for i in range(count - 1, -1, -1)]


def this_month(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), zone()).date().replace(day=1)


def previous_month(now: dt.datetime | None = None) -> dt.date:
    return add_months(this_month(now), -1)


def storable_local(moment: dt.datetime) -> dt.datetime | None:
    """``moment`` with a zone (a time without one is read as local time, as forms send it),
    or None when the database cannot hold it: it stores UTC, and the first and last days of
    the calendar have none."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    return moment
