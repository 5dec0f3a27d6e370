"""/api/v1/meetings: rooms, bookings and their tasks, approvals, AV equipment (R-MTG-1 to -4)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from kefu.errors import ValidationFailed, get_or_404
from kefu.meetings import selectors, services
from kefu.meetings.models import (
    Booking,
    BookingStatus,
    Duty,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    Fault,
    FaultStatus,
    MaintenanceKind,
    MeetingTask,
    Phase,
    Room,
    RoomKind,
    TaskKind,
    TaskStatus,
)
from kefu.org.models import Department, User
from kefu.org.permissions import check

router = Router(tags=["meetings"])


class RoomIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: RoomKind
    capacity: int = Field(..., ge=1, le=5000)
    floor: str = Field("", max_length=60)
    department_id: int | None = None
    attendant_id: int | None = None
    notes: str = ""


class RoomPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: RoomKind | None = None
    capacity: int | None = Field(None, ge=1, le=5000)
    floor: str | None = Field(None, max_length=60)
    attendant_id: int | None = None
    is_active: bool | None = None
    notes: str | None = None


class RoomOut(Schema):
    id: int
    name: str
    kind: RoomKind
    floor: str
    capacity: int
    department_id: int | None
    attendant_id: int | None
    attendant_name: str | None
    is_active: bool
    notes: str

    @staticmethod
    def resolve_attendant_name(obj) -> str | None:
        return obj.attendant.display_name if obj.attendant_id else None


class TaskOut(Schema):
    id: int
    booking_id: int
    kind: TaskKind
    label: str
    phase: Phase
    duty: Duty
    assignee_id: int | None
    assignee_name: str | None
    due_at: dt.datetime
    status: TaskStatus
    done_at: dt.datetime | None
    done_by_id: int | None
    note: str

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_assignee_name(obj) -> str | None:
        return obj.assignee.display_name if obj.assignee_id else None


class BookingIn(Schema):
    room_id: int
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: dt.datetime
    ends_at: dt.datetime
    attendees: int = Field(..., ge=1, le=100000)
    department_id: int | None = None
    name_cards: bool = False
    flowers: bool = False
    tea: bool = False
    audio: bool = False
    video: bool = False
    requirements: str = Field("", max_length=2000)
    av_lead_minutes: int | None = Field(None, ge=0, le=1440)


class BookingOut(Schema):
    id: int
    room_id: int
    room_name: str
    department_id: int
    booked_by_id: int | None
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    attendees: int
    name_cards: bool
    flowers: bool
    tea: bool
    audio: bool
    video: bool
    requirements: str
    av_lead_minutes: int | None
    status: BookingStatus
    overtime: bool
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_comment: str
    attendant_id: int | None
    av_technician_id: int | None
    cleaner_id: int | None
    cancel_reason: str

    @staticmethod
    def resolve_room_name(obj) -> str:
        return obj.room.name


class BookingDetailOut(BookingOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj) -> list:
        return list(selectors.booking_tasks(obj))


class RescheduleIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None = None


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=300)


class DecisionIn(Schema):
    comment: str = Field("", max_length=2000)


class StaffIn(Schema):
    attendant_id: int | None = None
    av_technician_id: int | None = None
    cleaner_id: int | None = None


class TaskDoneIn(Schema):
    note: str = Field("", max_length=300)


class EquipmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    kind: EquipmentKind
    room_id: int | None = None
    model: str = Field("", max_length=100)
    serial_number: str = Field("", max_length=60)
    installed_on: dt.date | None = None
    notes: str = ""


class FaultIn(Schema):
    description: str = Field(..., min_length=1, max_length=2000)
    booking_id: int | None = None


class FaultOut(Schema):
    id: int
    equipment_id: int
    booking_id: int | None
    description: str
    status: FaultStatus
    reported_at: dt.datetime
    reported_by_id: int | None
    fixed_at: dt.datetime | None


class MaintenanceIn(Schema):
    kind: MaintenanceKind
    description: str = Field(..., min_length=1, max_length=2000)
    done_on: dt.date | None = None
    fault_id: int | None = None


class MaintenanceOut(Schema):
    id: int
    equipment_id: int
    kind: MaintenanceKind
    done_on: dt.date
    description: str
    fault_id: int | None
    done_by_id: int | None


class EquipmentOut(Schema):
    id: int
    room_id: int | None
    name: str
    kind: EquipmentKind
    model: str
    serial_number: str
    installed_on: dt.date | None
    status: EquipmentStatus
    notes: str


class EquipmentDetailOut(EquipmentOut):
    faults: list[FaultOut]
    maintenance: list[MaintenanceOut]

    @staticmethod
    def resolve_faults(obj) -> list:
        return list(obj.faults.all())

    @staticmethod
    def resolve_maintenance(obj) -> list:
        return list(obj.maintenance.all())


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationFailed.on(field, _("No staff member #%(n)s.") % {"n": pk})
    return user


def _booking(request, booking_id: int) -> Booking:
    check(request.user, "meeting.view")
    return get_or_404(Booking.objects.select_related("room"), pk=booking_id)


def _room(request, room_id: int) -> Room:
    check(request.user, "meeting.view")
    return get_or_404(Room, pk=room_id)


def _equipment(request, equipment_id: int) -> Equipment:
    check(request.user, "meeting.view")
    return get_or_404(Equipment, pk=equipment_id)


# ---------------------------------------------------------------- rooms (R-MTG-1)


@router.get("/rooms", response=list[RoomOut], summary="Meeting rooms (R-MTG-1)")
def room_list(request, include_closed: bool = False):
    return list(selectors.rooms_list(request.user, include_closed=include_closed))


@router.post("/rooms", response={201: RoomOut}, summary="Add a meeting room (R-MTG-1)")
def room_create(request, payload: RoomIn):
    check(request.user, "meeting.manage")
    department = get_or_404(Department, pk=payload.department_id) if payload.department_id else None
    room = services.room_create(
        actor=request.user,
        name=payload.name,
        kind=payload.kind,
        capacity=payload.capacity,
        floor=payload.floor,
        department=department,
        attendant=_user(payload.attendant_id, "attendant_id"),
        notes=payload.notes,
    )
    return Status(201, room)


@router.get("/rooms/{room_id}", response=RoomOut, summary="One meeting room")
def room_get(request, room_id: int):
    return _room(request, room_id)


@router.patch("/rooms/{room_id}", response=RoomOut, summary="Change a meeting room (R-MTG-1)")
def room_update(request, room_id: int, payload: RoomPatch):
    room = _room(request, room_id)
    changes = payload.dict(exclude_unset=True)
    if "attendant_id" in changes:
        changes["attendant"] = _user(changes.pop("attendant_id"), "attendant_id")
    return services.room_update(actor=request.user, room=room, **changes)


# ---------------------------------------------------------------- bookings (R-MTG-1..3)


@router.get("/bookings", response=list[BookingOut], summary="Bookings, by day, room or status")
def booking_list(
    request,
    day: dt.date | None = None,
    room_id: int | None = None,
    status: BookingStatus | None = None,
):
    room = get_or_404(Room, pk=room_id) if room_id else None
    return list(selectors.bookings_list(request.user, day=day, room=room, status=status))


@router.get(
    "/bookings/awaiting-approval",
    response=list[BookingOut],
    summary="Weekend and holiday meetings awaiting overtime approval (R-MTG-3)",
)
def booking_pending(request):
    return list(selectors.bookings_awaiting_approval(request.user))


@router.post("/bookings", response={201: BookingDetailOut}, summary="Book a room (R-MTG-1, -2, -3)")
def booking_create(request, payload: BookingIn):
    check(request.user, "meeting.book")
    data = payload.dict()
    room = get_or_404(Room, pk=data.pop("room_id"))
    department_id = data.pop("department_id")
    department = get_or_404(Department, pk=department_id) if department_id else None
    booking = services.booking_create(actor=request.user, room=room, department=department, **data)
    return Status(201, booking)


@router.get("/bookings/{booking_id}", response=BookingDetailOut, summary="A booking and its tasks")
def booking_get(request, booking_id: int):
    return _booking(request, booking_id)


@router.post(
    "/bookings/{booking_id}/reschedule",
    response=BookingDetailOut,
    summary="Move a booking; its tasks move with it (R-MTG-1, -2, -3)",
)
def booking_reschedule(request, booking_id: int, payload: RescheduleIn):
    booking = _booking(request, booking_id)
    room = get_or_404(Room, pk=payload.room_id) if payload.room_id else None
    return services.booking_reschedule(
        actor=request.user,
        booking=booking,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        room=room,
    )


@router.post("/bookings/{booking_id}/cancel", response=BookingDetailOut, summary="Cancel a booking")
def booking_cancel(request, booking_id: int, payload: ReasonIn):
    booking = _booking(request, booking_id)
    return services.booking_cancel(actor=request.user, booking=booking, reason=payload.reason)


@router.post(
    "/bookings/{booking_id}/approve",
    response=BookingDetailOut,
    summary="Approve the overtime of a weekend or holiday meeting (R-MTG-3)",
)
def booking_approve(request, booking_id: int, payload: DecisionIn):
    check(request.user, "meeting.approve")
    booking = _booking(request, booking_id)
    return services.booking_approve(actor=request.user, booking=booking, comment=payload.comment)


@router.post(
    "/bookings/{booking_id}/refuse",
    response=BookingDetailOut,
    summary="Refuse the overtime, saying why (R-MTG-3)",
)
def booking_refuse(request, booking_id: int, payload: DecisionIn):
    check(request.user, "meeting.approve")
    booking = _booking(request, booking_id)
    return services.booking_refuse(actor=request.user, booking=booking, comment=payload.comment)


@router.post(
    "/bookings/{booking_id}/staff",
    response=BookingDetailOut,
    summary="Name the attendant, AV technician and cleaner (R-MTG-2)",
)
def booking_staff(request, booking_id: int, payload: StaffIn):
    check(request.user, "meeting.manage")
    booking = _booking(request, booking_id)
    return services.booking_assign_staff(
        actor=request.user,
        booking=booking,
        attendant=_user(payload.attendant_id, "attendant_id"),
        av_technician=_user(payload.av_technician_id, "av_technician_id"),
        cleaner=_user(payload.cleaner_id, "cleaner_id"),
    )


# ---------------------------------------------------------------- tasks (R-MTG-2)


@router.get("/tasks", response=list[TaskOut], summary="My meeting tasks (R-MTG-2)")
def task_list(request, day: dt.date | None = None, include_done: bool = False):
    return list(selectors.my_tasks(request.user, day=day, include_done=include_done))


@router.post("/tasks/{task_id}/done", response=TaskOut, summary="Tick off a task (R-MTG-2)")
def task_done(request, task_id: int, payload: TaskDoneIn):
    check(request.user, "meeting.task")
    task = get_or_404(MeetingTask, pk=task_id)
    return services.task_complete(actor=request.user, task=task, note=payload.note)


# ---------------------------------------------------------------- equipment (R-MTG-4)


@router.get("/equipment", response=list[EquipmentOut], summary="AV equipment (R-MTG-4)")
def equipment_list(request, room_id: int | None = None):
    room = get_or_404(Room, pk=room_id) if room_id else None
    return list(selectors.equipment_list(request.user, room=room))


@router.post(
    "/equipment", response={201: EquipmentOut}, summary="Open an equipment record (R-MTG-4)"
)
def equipment_create(request, payload: EquipmentIn):
    check(request.user, "meeting.equipment")
    data = payload.dict()
    room_id = data.pop("room_id")
    room = get_or_404(Room, pk=room_id) if room_id else None
    return Status(201, services.equipment_create(actor=request.user, room=room, **data))


@router.get(
    "/equipment/{equipment_id}",
    response=EquipmentDetailOut,
    summary="An equipment record with its faults and maintenance history (R-MTG-4)",
)
def equipment_get(request, equipment_id: int):
    return _equipment(request, equipment_id)


@router.post(
    "/equipment/{equipment_id}/faults",
    response={201: FaultOut},
    summary="Report a fault (R-MTG-4)",
)
def fault_report(request, equipment_id: int, payload: FaultIn):
    check(request.user, "meeting.fault")
    equipment = _equipment(request, equipment_id)
    booking = get_or_404(Booking, pk=payload.booking_id) if payload.booking_id else None
    fault = services.fault_report(
        actor=request.user, equipment=equipment, description=payload.description, booking=booking
    )
    return Status(201, fault)


@router.post(
    "/equipment/{equipment_id}/maintenance",
    response={201: MaintenanceOut},
    summary="Record maintenance, optionally fixing a fault (R-MTG-4)",
)
def maintenance_record(request, equipment_id: int, payload: MaintenanceIn):
    check(request.user, "meeting.equipment")
    equipment = _equipment(request, equipment_id)
    fault = get_or_404(Fault, pk=payload.fault_id) if payload.fault_id else None
    record = services.maintenance_record(
        actor=request.user,
        equipment=equipment,
        kind=payload.kind,
        description=payload.description,
        done_on=payload.done_on,
        fault=fault,
    )
    return Status(201, record)
