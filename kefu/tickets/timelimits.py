"""Due times of a ticket (R-TIC-6): computed once, stored, shifted by paused time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.calendar_services import business_hours, work_calendar
from kefu.core.workcalendar import (
    CalendarYearMissing,
    NoBusinessTime,
    add_business_time,
    business_time_between,
)
from kefu.errors import ValidationFailed
from kefu.tickets.models import Clock, Ticket, TimeLimit

# Used only when the administrator has not set a limit for a kind and priority.
FALLBACK = {"response_minutes": 60, "resolution_minutes": 3 * 8 * 60, "clock": Clock.BUSINESS}


def limit_for(kind: str, priority: str) -> dict:
    row = TimeLimit.objects.filter(kind=kind, priority=priority).first()
    if row is None:
        return dict(FALLBACK)
    return {
        "response_minutes": row.response_minutes,
        "resolution_minutes": row.resolution_minutes,
        "clock": row.clock,
    }


def _year_missing(missing: CalendarYearMissing | NoBusinessTime) -> ValidationFailed:
    """Why the due times cannot be counted (R-TIC-6), in the reader's language."""
    if isinstance(missing, NoBusinessTime):
        return ValidationFailed.on("created_at", str(missing))
    return ValidationFailed.on(
        "created_at",
        _(
            "The time limit cannot be counted: the holidays of %(year)s are not entered in "
            "the work calendar. Ask the supervisor or administrator to enter them."
        )
        % {"year": missing.year},
    )


def _add(start: dt.datetime, minutes: int, clock: str) -> dt.datetime:
    local = timezone.localtime(start)
    if clock == Clock.ALWAYS:
        return add_business_time(local, dt.timedelta(minutes=minutes), calendar=None)
    try:
        return add_business_time(
            local, dt.timedelta(minutes=minutes), calendar=work_calendar(), hours=business_hours()
        )
    except (CalendarYearMissing, NoBusinessTime) as missing:
        raise _year_missing(missing) from None


def set_due_times(ticket: Ticket, *, start: dt.datetime) -> str | None:
    """Store response and resolution due times for a new ticket (R-TIC-6).

    Returns None, or why they cannot be counted (a year nobody entered in the work
    calendar): the due times then stay empty and the caller records the reason on the
    ticket, because a first responder is never turned away from recording a contact.
    """
    limit = limit_for(ticket.kind, ticket.priority)
    ticket.clock = limit["clock"]
    try:
        ticket.response_due = _add(start, limit["response_minutes"], limit["clock"])
        ticket.resolution_due = _add(start, limit["resolution_minutes"], limit["clock"])
    except ValidationFailed as problem:
        ticket.response_due = ticket.resolution_due = None
        return problem.message
    return None


def resume(ticket: Ticket, now: dt.datetime) -> list[str]:
    """Leaving a waiting state: the paused time moves the due times on and is recorded."""
    if ticket.paused_since is None:
        return []
    start, end = timezone.localtime(ticket.paused_since), timezone.localtime(now)
    if ticket.clock == Clock.ALWAYS:
        paused = end - start
    else:
        try:
            paused = business_time_between(
                start, end, calendar=work_calendar(), hours=business_hours()
            )
        except (CalendarYearMissing, NoBusinessTime) as missing:
            raise _year_missing(missing) from None
    minutes = int(paused.total_seconds() // 60)
    if ticket.response_due and ticket.responded_at is None:
        ticket.response_due = _add(ticket.response_due, minutes, ticket.clock)
    if ticket.resolution_due:
        ticket.resolution_due = _add(ticket.resolution_due, minutes, ticket.clock)
    ticket.paused_seconds += int((end - start).total_seconds())
    ticket.paused_since = None
    ticket.paused_from = ""
    return ["response_due", "resolution_due", "paused_seconds", "paused_since", "paused_from"]
