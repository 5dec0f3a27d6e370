"""The figures of a weekly report (R-SUP-3), read from tickets, callbacks and surveys.

A technical service person's week: tickets handled, resolved, overdue, callbacks made
on their tickets, customer feedback quoted from callbacks and survey answers, and the
customers' satisfaction. Computed, never typed in; frozen into the report on submission.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db.models import Avg, F, Q
from django.utils import timezone

from kefu.followups.models import Answer
from kefu.tickets.models import Ticket, TicketEvent

MAX_QUOTES = 10
MAX_NUMBERS = 30
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def parse_week(text: str) -> dt.date | None:
    """The Monday of an ISO week written YYYY-Www, or None when it is not one."""
    match = WEEK_PATTERN.match((text or "").strip())
    if not match:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight of the Monday and of the Monday after, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    return start, end


def weekly_figures(person, week_start: dt.date, *, until: dt.datetime) -> dict:
    """The week of ``person`` from Monday 00:00 to ``until`` (at most the end of the week)."""
    start, end = week_bounds(week_start)
    until = max(start, min(until, end))
    touched = TicketEvent.objects.filter(actor=person, at__gte=start, at__lt=until).values(
        "ticket_id"
    )
    handled = Ticket.objects.filter(
        Q(pk__in=touched) | Q(owner=person, created_at__gte=start, created_at__lt=until)
    ).distinct()
    resolved = Ticket.objects.filter(owner=person, resolved_at__gte=start, resolved_at__lt=until)
    overdue = Ticket.objects.filter(owner=person, resolution_due__lt=until).filter(
        Q(resolved_at__isnull=True, closed_at__isnull=True)
        | Q(resolved_at__gte=start, resolved_at__gt=F("resolution_due"))
    )
    callbacks = Ticket.objects.filter(owner=person, callback_at__gte=start, callback_at__lt=until)
    satisfaction = callbacks.filter(callback_satisfaction__isnull=False).aggregate(
        avg=Avg("callback_satisfaction")
    )["avg"]
    quotes = [
        {"ticket": number, "text": note.strip()}
        for number, note in callbacks.exclude(callback_note="")
        .order_by("callback_at")
        .values_list("number", "callback_note")[:MAX_QUOTES]
    ]
    survey_texts = (
        Answer.objects.filter(
            response__ticket__owner=person,
            response__answered_at__gte=start,
            response__answered_at__lt=until,
        )
        .exclude(text="")
        .order_by("response__answered_at")
        .values_list("response__ticket__number", "text")
    )
    quotes += [
        {"ticket": number, "text": text.strip()}
        for number, text in survey_texts[: max(0, MAX_QUOTES - len(quotes))]
    ]
    return {
        "from": start.isoformat(),
        "until": until.isoformat(),
        "handled": handled.count(),
        "resolved": resolved.count(),
        "overdue": overdue.count(),
        "overdue_tickets": list(
            overdue.order_by("resolution_due").values_list("number", flat=True)[:MAX_NUMBERS]
        ),
        "callbacks": callbacks.count(),
        "satisfaction": (
            str(Decimal(str(satisfaction)).quantize(Decimal("0.01")))
            if satisfaction is not None
            else None
        ),
        "quotes": quotes,
    }
