"""Reads of meeting services: rooms, bookings, task lists, the day view, approvals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.errors import ValidationFailed
from kefu.meetings.models import (
    HOLDING,
    Booking,
    BookingStatus,
    Duty,
    Equipment,
    MeetingTask,
    Room,
    TaskStatus,
)
from kefu.org.permissions import check

# The day view shows these hours at least; bookings outside them widen it.
DAY_FROM, DAY_TO = 8, 20
SLOT_MINUTES = 30


def rooms_list(user, *, include_closed: bool = False):
    check(user, "meeting.view")
    rooms = Room.objects.select_related("attendant", "department").annotate(
        equipment_count=Count("equipment", distinct=True)
    )
    return rooms if include_closed else rooms.filter(is_active=True)


def bookings_list(
    user,
    *,
    day: dt.date | None = None,
    room: Room | None = None,
    status: str | None = None,
    upcoming: bool = False,
):
    check(user, "meeting.view")
    bookings = Booking.objects.select_related("room", "department", "booked_by")
    if day is not None:
        start, end = _day_bounds(day)
        bookings = bookings.filter(starts_at__lt=end, ends_at__gt=start)
    if room is not None:
        bookings = bookings.filter(room=room)
    if status:
        bookings = bookings.filter(status=status)
    if upcoming:
        bookings = bookings.filter(ends_at__gte=timezone.now())
    return bookings.order_by("starts_at", "id")


def bookings_awaiting_approval(user):
    """R-MTG-3: weekend and holiday meetings waiting for the office or the director."""
    check(user, "meeting.approve")
    return (
        Booking.objects.filter(status=BookingStatus.PENDING)
        .select_related("room", "department", "booked_by")
        .order_by("starts_at")
    )


def booking_tasks(booking: Booking):
    return booking.tasks.select_related("assignee", "done_by").order_by("due_at", "id")


def my_tasks(user, *, day: dt.date | None = None, include_done: bool = False):
    """The meeting tasks of ``user``: assigned to them, or to nobody yet in a post they hold.

    Only confirmed bookings: a meeting awaiting overtime approval is not prepared yet.
    """
    check(user, "meeting.task")
    posts = [d for d in Duty.values if d in user.role_codes]
    tasks = MeetingTask.objects.filter(booking__status=BookingStatus.CONFIRMED).filter(
        Q(assignee=user) | Q(assignee__isnull=True, duty__in=posts)
    )
    if not include_done:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    if day is not None:
        start, end = _day_bounds(day)
        tasks = tasks.filter(due_at__gte=start, due_at__lt=end)
    return tasks.select_related("booking__room", "assignee", "done_by").order_by("due_at", "id")


def equipment_list(user, *, room: Room | None = None):
    check(user, "meeting.view")
    items = Equipment.objects.select_related("room").annotate(
        open_faults=Count("faults", filter=Q(faults__status="open"))
    )
    return items.filter(room=room) if room is not None else items


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    try:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        end = start + dt.timedelta(days=1)
        # the database compares in UTC; the first and last days of the calendar cannot go there
        start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationFailed.on(
            "day", _("%(day)s is outside the calendar Kefu can hold.") % {"day": day}
        ) from None
    return start, end


@dataclass
class Cell:
    slot: int
    span: int = 1
    booking: Booking | None = None


@dataclass
class Row:
    room: Room
    cells: list[Cell] = field(default_factory=list)


@dataclass
class DayGrid:
    day: dt.date
    hours: list[int]
    rows: list[Row]
    bookings: list[Booking]


def day_grid(user, day: dt.date) -> DayGrid:
    """Rooms × half-hours of one day, each booking drawn once across the slots it fills."""
    check(user, "meeting.view")
    start, end = _day_bounds(day)
    bookings = list(
        Booking.objects.filter(status__in=HOLDING, starts_at__lt=end, ends_at__gt=start)
        .select_related("room", "department", "attendant")
        .order_by("starts_at")
    )
    first, last = DAY_FROM, DAY_TO
    for b in bookings:
        s = max(timezone.localtime(b.starts_at), start)
        e = min(timezone.localtime(b.ends_at), end)
        first = min(first, s.hour)
        last = max(last, e.hour + (1 if (e.minute or e.second) else 0))
    last = min(last, 24)
    slots_per_hour = 60 // SLOT_MINUTES
    origin = start + dt.timedelta(hours=first)
    n_slots = (last - first) * slots_per_hour

    def slot_of(moment: dt.datetime, *, ending: bool) -> int:
        minutes = (moment - origin).total_seconds() / 60
        index = int(minutes // SLOT_MINUTES)
        if ending and minutes % SLOT_MINUTES == 0:
            index -= 1
        return max(0, min(n_slots - 1, index))

    by_room: dict[int, list[Booking]] = {}
    for b in bookings:
        by_room.setdefault(b.room_id, []).append(b)
    rooms = list(Room.objects.filter(Q(is_active=True) | Q(pk__in=list(by_room))))
    rows = []
    for room in rooms:
        taken: dict[int, Booking] = {}
        for b in by_room.get(room.pk, []):
            first_slot = slot_of(max(b.starts_at, start), ending=False)
            last_slot = slot_of(min(b.ends_at, end), ending=True)
            for index in range(first_slot, last_slot + 1):
                taken.setdefault(index, b)
        row, index = Row(room=room), 0
        while index < n_slots:
            booking = taken.get(index)
            span = 1
            while booking is not None and taken.get(index + span) is booking:
                span += 1
            row.cells.append(Cell(slot=index, span=span, booking=booking))
            index += span
        rows.append(row)
    return DayGrid(day=day, hours=list(range(first, last)), rows=rows, bookings=bookings)


def tasks_due_today(user, *, today: dt.date | None = None):
    return my_tasks(user, day=today or timezone.localdate())
