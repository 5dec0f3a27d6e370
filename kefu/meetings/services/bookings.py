"""Room bookings (R-MTG-1, R-MTG-3) and the service tasks they create (R-MTG-2)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.meetings import plan
from kefu.meetings.models import (
    HOLDING,
    Booking,
    BookingStatus,
    Duty,
    MeetingTask,
    Phase,
    Room,
    TaskStatus,
)
from kefu.meetings.services._common import (
    actor_or_none,
    clean_times,
    needs_overtime,
    staff_with,
)
from kefu.org.models import Department, User
from kefu.org.permissions import allowed, check
from kefu.org.roles import Role

_FIELDS = [
    "room",
    "department",
    "title",
    "starts_at",
    "ends_at",
    "attendees",
    "name_cards",
    "flowers",
    "tea",
    "audio",
    "video",
    "requirements",
    "av_lead_minutes",
    "status",
    "overtime",
    "decided_by",
    "decision_comment",
    "attendant",
    "av_technician",
    "cleaner",
    "cancel_reason",
]

# States and their allowed moves: data, checked by one function (_move).
_S = BookingStatus
TRANSITIONS: dict[str, set[str]] = {
    _S.PENDING: {_S.CONFIRMED, _S.REFUSED, _S.CANCELLED},
    _S.CONFIRMED: {_S.PENDING, _S.CANCELLED},
    _S.REFUSED: set(),
    _S.CANCELLED: set(),
}
STAFF_FIELDS = {
    Duty.ATTENDANT: "attendant",
    Duty.AV_TECHNICIAN: "av_technician",
    Duty.CLEANER: "cleaner",
}


def url(booking: Booking) -> str:
    return reverse("meetings:booking", args=[booking.pk])


def _move(booking: Booking, to: str) -> None:
    if to not in TRANSITIONS[booking.status]:
        raise Conflict(
            message=_("A booking that is %(now)s cannot become %(to)s.")
            % {"now": booking.get_status_display(), "to": BookingStatus(to).label}
        )
    booking.status = to


def _lock(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("room").get(pk=booking.pk)


def _may_change(actor, booking: Booking) -> None:
    if not allowed(actor, "meeting.manage"):
        check(actor, "meeting.book", department=booking.department)


def _not_over(booking: Booking, now: dt.datetime) -> None:
    if booking.ends_at <= now:
        raise Conflict(
            message=_("This meeting is over; its booking is kept as it was and cannot change.")
        )


def _clean_lead(av_lead_minutes) -> int | None:
    if av_lead_minutes is None or av_lead_minutes == "":
        return None
    if isinstance(av_lead_minutes, bool) or not isinstance(av_lead_minutes, int):
        raise ValidationFailed.on("av_lead_minutes", _("Give the AV test lead in whole minutes."))
    if not 0 <= av_lead_minutes <= 1440:
        raise ValidationFailed.on(
            "av_lead_minutes", _("The AV test is at most 1440 minutes (a day) before the start.")
        )
    return av_lead_minutes


def _clean_attendees(attendees, room: Room) -> int:
    if isinstance(attendees, bool) or not isinstance(attendees, int) or attendees < 1:
        raise ValidationFailed.on("attendees", _("Give the number of attendees (at least 1)."))
    if attendees > room.capacity:
        raise ValidationFailed.on(
            "attendees",
            _("%(room)s seats %(seats)d; %(n)d attendees do not fit.")
            % {"room": room.name, "seats": room.capacity, "n": attendees},
        )
    return attendees


def _lock_room(room: Room) -> Room:
    """Lock the room row so two bookings of one room are checked one after the other."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not room.is_active:
        raise ValidationFailed.on(
            "room", _("%(room)s is closed for booking.") % {"room": room.name}
        )
    return room


def _refuse_double_booking(room: Room, starts_at, ends_at, *, exclude: int | None = None) -> None:
    """R-MTG-1: a room holds one meeting at a time. Runs with the room row locked."""
    clash = (
        Booking.objects.filter(
            room=room, status__in=HOLDING, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .exclude(pk=exclude)
        .select_related("department")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise Conflict(
            message=_(
                "%(room)s is already booked from %(start)s to %(end)s by %(dept)s (%(title)s). "
                "Choose another time or room."
            )
            % {
                "room": room.name,
                "start": f"{timezone.localtime(clash.starts_at):%Y-%m-%d %H:%M}",
                "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
                "dept": clash.department.name,
                "title": clash.title,
            }
        )


def leads_for(booking: Booking) -> plan.Leads:
    return plan.Leads(
        preparation=policy.get("meetings.preparation_lead_minutes"),
        av_test=booking.av_lead_minutes
        if booking.av_lead_minutes is not None
        else policy.get("meetings.av_test_lead_minutes"),
        after=policy.get("meetings.after_meeting_minutes"),
    )


def _staff_for(booking: Booking, duty: str) -> User | None:
    return getattr(booking, STAFF_FIELDS[duty])


def _plan_tasks(booking: Booking) -> list[MeetingTask]:
    """R-MTG-2: the preparation, in-meeting and after-meeting tasks of the booking's needs."""
    leads = leads_for(booking)
    tasks = [
        MeetingTask(
            booking=booking,
            kind=spec.kind,
            phase=spec.phase,
            duty=spec.duty,
            assignee=_staff_for(booking, spec.duty),
            due_at=plan.due_at(spec, booking.starts_at, booking.ends_at, leads),
        )
        for spec in plan.tasks_for(booking.needs)
    ]
    return MeetingTask.objects.bulk_create(tasks)


def _move_tasks(booking: Booking) -> int:
    """A rescheduled meeting moves its open tasks with it (R-MTG-2). A preparation already
    done for the old time or room (the equipment tested, the room cleaned, the tea made) is
    to be done again for the new one: it is reopened (its completion stays in the audit
    trail)."""
    leads = leads_for(booking)
    specs = {s.kind: s for s in plan.TASKS}
    moved = []
    tasks = booking.tasks.filter(
        Q(status=TaskStatus.OPEN) | Q(status=TaskStatus.DONE, phase=Phase.BEFORE)
    )
    for task in tasks:
        task.due_at = plan.due_at(specs[task.kind], booking.starts_at, booking.ends_at, leads)
        if task.status == TaskStatus.DONE:
            task.status, task.done_at, task.done_by = TaskStatus.OPEN, None, None
            task.note = str(_("to do again: the meeting was moved"))
        moved.append(task)
    MeetingTask.objects.bulk_update(moved, ["due_at", "status", "done_at", "done_by", "note"])
    return len(moved)


def _cancel_tasks(booking: Booking, why: str) -> list[User]:
    open_tasks = booking.tasks.filter(status=TaskStatus.OPEN)
    told = [t.assignee for t in open_tasks.select_related("assignee") if t.assignee_id]
    open_tasks.update(status=TaskStatus.CANCELLED, note=why[:300])
    return told


def _staff_of(booking: Booking) -> list[User | None]:
    return [booking.attendant, booking.av_technician, booking.cleaner]


def _approvers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, role_rows__role__in=[Role.OFFICE, Role.DIRECTOR]
        ).distinct()
    )


def _audit(actor, booking: Booking, summary: str, before: dict | None) -> None:
    audit_record(
        actor=actor,
        action=Action.CREATE if before is None else Action.UPDATE,
        target=booking,
        summary=summary,
        before=before,
        after=snapshot(booking, _FIELDS),
    )


@transaction.atomic
def booking_create(
    *,
    actor,
    room: Room,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    attendees: int,
    department: Department | None = None,
    name_cards: bool = False,
    flowers: bool = False,
    tea: bool = False,
    audio: bool = False,
    video: bool = False,
    requirements: str = "",
    av_lead_minutes: int | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """A department books a room (R-MTG-1); its service tasks are created (R-MTG-2).

    The room row is locked while the overlap is checked, so two people booking the
    same slot at once get one booking and one clear refusal. A meeting on a weekend
    or holiday waits for overtime approval (R-MTG-3). Nothing is written on bad input.
    """
    department = department or getattr(actor, "department", None)
    if department is None:
        raise ValidationFailed.on("department", _("Say which department books the room."))
    check(actor, "meeting.book", department=department)
    now = now or timezone.now()
    starts_at, ends_at = clean_times(starts_at, ends_at, now=now)
    title = (title or "").strip()
    if not title:
        raise ValidationFailed.on("title", _("Give the meeting a title."))
    if len(title) > 200:
        raise ValidationFailed.on("title", _("The meeting title is longer than 200 characters."))
    room = _lock_room(room)
    attendees = _clean_attendees(attendees, room)
    av_lead_minutes = _clean_lead(av_lead_minutes)
    overtime = needs_overtime(starts_at, ends_at)
    _refuse_double_booking(room, starts_at, ends_at)
    booking = Booking.objects.create(
        room=room,
        department=department,
        booked_by=actor_or_none(actor),
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees,
        name_cards=bool(name_cards),
        flowers=bool(flowers),
        tea=bool(tea),
        audio=bool(audio),
        video=bool(video),
        requirements=(requirements or "").strip(),
        av_lead_minutes=av_lead_minutes,
        overtime=overtime,
        status=BookingStatus.PENDING if overtime else BookingStatus.CONFIRMED,
        attendant=room.attendant,
    )
    _plan_tasks(booking)
    _audit(actor, booking, _("room booked"), None)
    if overtime:
        notify(
            _approvers(),
            _("Weekend or holiday meeting needs overtime approval: %(b)s") % {"b": booking},
            url=url(booking),
            exclude=actor,
        )
    else:
        notify(
            _staff_of(booking),
            _("New meeting to prepare: %(b)s") % {"b": booking},
            url=url(booking),
            exclude=actor,
        )
    return booking


@transaction.atomic
def booking_reschedule(
    *,
    actor,
    booking: Booking,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: Room | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking in time or to another room (R-MTG-1, R-MTG-2, R-MTG-3).

    Overlaps are refused as for a new booking; the open tasks move with the meeting;
    a move onto a weekend or holiday needs overtime approval again, a move onto a
    workday needs none.
    """
    booking = _lock(booking)
    _may_change(actor, booking)
    now = now or timezone.now()
    _not_over(booking, now)
    if booking.status not in HOLDING:
        raise Conflict(
            message=_("A booking that is %(now)s cannot be moved; book again.")
            % {"now": booking.get_status_display()}
        )
    starts_at, ends_at = clean_times(starts_at, ends_at, now=now)
    target = _lock_room(room or booking.room)
    _clean_attendees(booking.attendees, target)
    overtime = needs_overtime(starts_at, ends_at)
    _refuse_double_booking(target, starts_at, ends_at, exclude=booking.pk)
    before = snapshot(booking, _FIELDS)
    old_room = booking.room
    old_days = (timezone.localdate(booking.starts_at), timezone.localdate(booking.ends_at))
    booking.room, booking.starts_at, booking.ends_at = target, starts_at, ends_at
    if target.pk != old_room.pk and target.attendant_id:
        booking.attendant = target.attendant  # executive rooms keep their dedicated staff
        booking.tasks.filter(status=TaskStatus.OPEN, duty=Duty.ATTENDANT).update(
            assignee=target.attendant
        )
    if overtime:
        # Approval was for the days asked; another weekend or holiday is asked again.
        approved_days = booking.overtime and booking.status == BookingStatus.CONFIRMED
        new_days = (timezone.localdate(starts_at), timezone.localdate(ends_at))
        if booking.status == BookingStatus.CONFIRMED and not (
            approved_days and new_days == old_days
        ):
            _move(booking, BookingStatus.PENDING)
            booking.decided_by, booking.decided_at, booking.decision_comment = None, None, ""
    elif booking.status == BookingStatus.PENDING:
        _move(booking, BookingStatus.CONFIRMED)
    booking.overtime = overtime
    booking.save(
        update_fields=[
            "room",
            "starts_at",
            "ends_at",
            "attendant",
            "status",
            "overtime",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]  # fmt: skip
    )
    _move_tasks(booking)
    _audit(actor, booking, _("booking moved"), before)
    notify(
        _staff_of(booking) + [booking.booked_by],
        _("Meeting moved: %(b)s") % {"b": booking},
        url=url(booking),
        exclude=actor,
    )
    if booking.status == BookingStatus.PENDING:
        notify(
            _approvers(),
            _("Weekend or holiday meeting needs overtime approval: %(b)s") % {"b": booking},
            url=url(booking),
            exclude=actor,
        )
    return booking


@transaction.atomic
def booking_cancel(
    *, actor, booking: Booking, reason: str, now: dt.datetime | None = None
) -> Booking:
    """Cancel a booking; its open tasks are cancelled and the staff told (R-MTG-2)."""
    booking = _lock(booking)
    _may_change(actor, booking)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("Say why the booking is cancelled."))
    _not_over(booking, now or timezone.now())
    before = snapshot(booking, _FIELDS)
    _move(booking, BookingStatus.CANCELLED)
    booking.cancel_reason = reason[:300]
    booking.save(update_fields=["status", "cancel_reason"])
    told = _cancel_tasks(booking, _("The booking was cancelled."))
    _audit(actor, booking, _("booking cancelled"), before)
    notify(
        told + _staff_of(booking) + [booking.booked_by],
        _("Meeting cancelled: %(b)s") % {"b": booking},
        url=url(booking),
        exclude=actor,
    )
    return booking


def _decide(
    actor, booking: Booking, to: str, comment: str, summary: str, now: dt.datetime | None
) -> Booking:
    check(actor, "meeting.approve")
    booking = _lock(booking)
    _not_over(booking, now or timezone.now())  # overtime is approved before the meeting, not after
    if booking.status != BookingStatus.PENDING:
        raise Conflict(
            message=_("This booking is %(now)s; only one awaiting approval can be decided.")
            % {"now": booking.get_status_display()}
        )
    before = snapshot(booking, _FIELDS)
    _move(booking, to)
    booking.decided_by = actor_or_none(actor)
    booking.decided_at = timezone.now()
    booking.decision_comment = comment[:2000]
    booking.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    _audit(actor, booking, summary, before)
    return booking


@transaction.atomic
def booking_approve(
    *, actor, booking: Booking, comment: str = "", now: dt.datetime | None = None
) -> Booking:
    """R-MTG-3: the office or the director approves a weekend or holiday meeting, before it."""
    booking = _decide(
        actor,
        booking,
        BookingStatus.CONFIRMED,
        (comment or "").strip(),
        _("overtime approved"),
        now,
    )
    notify(
        [booking.booked_by, *_staff_of(booking)],
        _("Overtime approved, meeting confirmed: %(b)s") % {"b": booking},
        url=url(booking),
        exclude=actor,
    )
    return booking


@transaction.atomic
def booking_refuse(
    *, actor, booking: Booking, comment: str, now: dt.datetime | None = None
) -> Booking:
    """R-MTG-3: overtime refused, with the reason; the booking frees the room."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed.on("comment", _("Say why the overtime is refused."))
    booking = _decide(actor, booking, BookingStatus.REFUSED, comment, _("overtime refused"), now)
    _cancel_tasks(booking, _("Overtime was refused."))
    notify(
        [booking.booked_by],
        _("Overtime refused: %(b)s. %(c)s") % {"b": booking, "c": comment},
        url=url(booking),
        exclude=actor,
    )
    return booking


@transaction.atomic
def booking_assign_staff(
    *,
    actor,
    booking: Booking,
    attendant: User | None = None,
    av_technician: User | None = None,
    cleaner: User | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Name the attendant, AV technician and cleaner of a meeting (R-MTG-2).

    Each must hold the post's role; their open tasks are handed to them. A post left
    out (None) keeps whoever it had.
    """
    check(actor, "meeting.manage")
    booking = _lock(booking)
    _not_over(booking, now or timezone.now())
    if booking.status not in HOLDING:
        raise Conflict(
            message=_("A booking that is %(now)s needs no staff.")
            % {"now": booking.get_status_display()}
        )
    chosen = {
        Duty.ATTENDANT: staff_with(
            attendant, Role.MEETING_ATTENDANT, "attendant", _("meeting attendant")
        ),
        Duty.AV_TECHNICIAN: staff_with(
            av_technician, Role.AV_TECHNICIAN, "av_technician", _("AV technician")
        ),
        Duty.CLEANER: staff_with(cleaner, Role.CLEANER, "cleaner", _("meeting-area cleaner")),
    }
    before = snapshot(booking, _FIELDS)
    changed = []
    for duty, person in chosen.items():
        if person is None:
            continue
        setattr(booking, STAFF_FIELDS[duty], person)
        changed.append(STAFF_FIELDS[duty])
        booking.tasks.filter(status=TaskStatus.OPEN, duty=duty).update(assignee=person)
    if not changed:
        raise ValidationFailed.on("attendant", _("Choose at least one member of staff."))
    booking.save(update_fields=changed)
    _audit(actor, booking, _("meeting staff assigned"), before)
    notify(
        [chosen[d] for d in chosen if chosen[d] is not None],
        _("You are assigned to the meeting %(b)s") % {"b": booking},
        url=url(booking),
        exclude=actor,
    )
    return booking


@transaction.atomic
def task_complete(
    *, actor, task: MeetingTask, note: str = "", now: dt.datetime | None = None
) -> MeetingTask:
    """Tick off a meeting service task (R-MTG-2): who did it and when.

    The task's assignee, anyone holding its post, or a manager may tick it; a task
    of a booking not yet approved or no longer on cannot be ticked.
    """
    check(actor, "meeting.task")
    task = MeetingTask.objects.select_for_update().select_related("booking").get(pk=task.pk)
    is_own = task.assignee_id is not None and task.assignee_id == getattr(actor, "pk", None)
    if not is_own and task.duty not in actor.role_codes and not allowed(actor, "meeting.manage"):
        raise PermissionDenied(
            message=_("This task is for the %(post)s, not for you.")
            % {"post": Duty(task.duty).label},
            permission="meeting.task",
        )
    if task.status != TaskStatus.OPEN:
        raise Conflict(message=_("This task is already %(s)s.") % {"s": task.get_status_display()})
    if task.booking.status != BookingStatus.CONFIRMED:
        raise Conflict(
            message=_("The booking is %(s)s; its tasks wait until it is confirmed.")
            % {"s": task.booking.get_status_display()}
        )
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationFailed.on("note", _("The note is longer than 300 characters."))
    before = snapshot(task, ["status", "note", "assignee"])
    task.status = TaskStatus.DONE
    task.done_at = now or timezone.now()
    task.done_by = actor_or_none(actor)
    task.note = note
    task.save(update_fields=["status", "done_at", "done_by", "note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=task,
        summary=_("meeting task done"),
        before=before,
        after=snapshot(task, ["status", "note", "assignee"]),
    )
    return task
