"""Daily call facts for KPIs and reports (R-SUP-2, R-SUP-4), kept from the call records.

A month of a busy call centre is ten million call records; a scorecard must answer in a
fraction of a second. So the inbound calls are counted once per local day and agent into
:class:`CallDayFact`, and the answer-rate and service-level indicators read those few
thousand rows. A month's facts are brought up to date before they are read:

- the whole month when it has none yet, or when the service-level settings changed;
- otherwise only the days of calls recorded since the last look (by ``created_at``, with a
  margin of an hour for imports that were still running at the last look), plus today and
  yesterday, whose live calls are still being answered and hung up.

The definitions are the call centre's own (:mod:`kefu.callcenter.stats`): blocked callers
and calls still ringing are not offered; answered within T seconds; short abandons apart.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, DateField, Func, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from kefu.core.periods import month_bounds, zone
from kefu.reports.models import CallDayFact, FactMonth

# A call is stamped when its row is built, which may be before its import commits.
RECORDED_MARGIN = dt.timedelta(hours=1)


class LocalDay(Func):
    """The local calendar day of a timestamp, by the database's own date functions.

    Django's TruncDate runs a Python function per row on SQLite; over ten million calls
    that alone takes minutes. ``offset`` is the zone's UTC offset in the month (China keeps
    no summer time, so one offset holds for the whole month).
    """

    output_field = DateField()

    def __init__(self, expression, *, offset: dt.timedelta):
        super().__init__(expression)
        self.offset_minutes = int(offset.total_seconds() // 60)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"{self.offset_minutes:+d} minutes"]

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql} AT TIME ZONE %s) AS date)", [*params, str(zone())]


def _settings():
    from kefu.callcenter.stats import Settings

    return Settings.current()


def _count_days(first: dt.date, last: dt.date) -> int:
    """Recount the facts of the local days [first, last] from the call records."""
    from kefu.callcenter.models import CallRecord, Disposition
    from kefu.callcenter.stats import offered_calls

    s = _settings()
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone())
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone())
    offered = offered_calls()
    answered = offered & Q(disposition=Disposition.ANSWERED)
    rows = (
        CallRecord.objects.filter(enter_at__gte=since, enter_at__lt=until)
        .annotate(day=LocalDay("enter_at", offset=since.utcoffset()))
        .annotate(
            dept=Coalesce(
                "agent__department_id", "hotline__department_id", "queue__hotline__department_id"
            )
        )
        .values("day", "agent_id", "dept")
        .annotate(
            offered=Count("id", filter=offered),
            answered=Count("id", filter=answered),
            answered_within=Count(
                "id", filter=answered & Q(wait_seconds__lte=s.service_level_seconds)
            ),
            short_abandoned=Count(
                "id",
                filter=offered & Q(abandoned=True, wait_seconds__lt=s.short_abandon_seconds),
            ),
        )
        .order_by()
    )
    CallDayFact.objects.filter(day__gte=first, day__lte=last).delete()
    facts = [
        CallDayFact(
            day=r["day"], agent_id=r["agent_id"], department_id=r["dept"],
            offered=r["offered"], answered=r["answered"],
            answered_within=r["answered_within"], short_abandoned=r["short_abandoned"],
        )
        for r in rows
        if r["offered"]
    ]  # fmt: skip
    CallDayFact.objects.bulk_create(facts, batch_size=2000)
    return len(facts)


@transaction.atomic
def call_facts_ensure(month: dt.date, *, now: dt.datetime | None = None) -> None:
    """Bring the month's call facts up to date (see the module docstring)."""
    from kefu.callcenter.models import CallRecord

    s = _settings()
    now = now or timezone.now()
    month = month.replace(day=1)
    since, until = month_bounds(month)
    state = FactMonth.objects.select_for_update().filter(month=month).first()
    created = False
    if state is None:
        # The month's first look makes its row before counting: a second first look at the
        # same moment waits on the row, then finds the facts counted, instead of counting
        # the month again and writing the same facts twice (a 500 under issue 9's load test).
        state, created = FactMonth.objects.get_or_create(
            month=month,
            defaults={"checked_at": now, "service_level_seconds": 0, "short_abandon_seconds": 0},
        )
        if not created:
            state = FactMonth.objects.select_for_update().get(month=month)
    first_day, last_day = since.date(), (until - dt.timedelta(days=1)).date()
    stale = created or (
        state.service_level_seconds != s.service_level_seconds
        or state.short_abandon_seconds != s.short_abandon_seconds
    )
    if stale:
        _count_days(first_day, last_day)
    else:
        # Only the recorded-at index is used here (a filter on the arrival time as well
        # makes SQLite walk the whole month instead); the span is cut to the month after.
        # The count is there for PostgreSQL: with MIN and MAX alone it answers each from the
        # arrival-time index, walking it from the oldest call until one was recorded lately,
        # which is nearly the whole table (330 ms at 500k calls, issue 9's profile).
        span = CallRecord.objects.filter(
            created_at__gte=state.checked_at - RECORDED_MARGIN
        ).aggregate(first=Min("enter_at"), last=Max("enter_at"), recorded=Count("id"))
        if span["first"] is not None and span["first"] < until and span["last"] >= since:
            _count_days(
                max(first_day, timezone.localtime(span["first"], zone()).date()),
                min(last_day, timezone.localtime(span["last"], zone()).date()),
            )
        today = timezone.localtime(now, zone()).date()
        live = [d for d in (today - dt.timedelta(days=1), today) if first_day <= d <= last_day]
        if live:
            _count_days(live[0], live[-1])
    FactMonth.objects.update_or_create(
        month=month,
        defaults={
            "checked_at": now,
            "service_level_seconds": s.service_level_seconds,
            "short_abandon_seconds": s.short_abandon_seconds,
        },
    )
