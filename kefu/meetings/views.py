"""Meeting pages: rooms, booking, a booking with its task checklist, my tasks, the day view,
approvals, and the AV equipment record."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service, date_param
from kefu.errors import DomainError, get_or_404
from kefu.meetings import selectors, services
from kefu.meetings.forms import (
    BookingForm,
    CancelForm,
    DecisionForm,
    EquipmentForm,
    FaultForm,
    MaintenanceForm,
    RescheduleForm,
    RetireForm,
    RoomEditForm,
    RoomForm,
    StaffForm,
)
from kefu.meetings.models import (
    HOLDING,
    Booking,
    BookingStatus,
    Equipment,
    MeetingTask,
    Phase,
    Room,
    TaskStatus,
)
from kefu.org.permissions import Scope, allowed, check, scope_of


def _status(form_posted: bool) -> int:
    return 400 if form_posted else 200


# ---------------------------------------------------------------- rooms (R-MTG-1)


@login_required
def room_list(request):
    rooms = selectors.rooms_list(request.user, include_closed=True)
    can_manage = allowed(request.user, "meeting.manage")
    form = RoomForm(request.POST or None) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        room = apply_service(
            form, lambda: services.room_create(actor=request.user, **form.cleaned_data)
        )
        if room is not None:
            messages.success(request, _("The room is added."))
            return redirect("meetings:room", room.pk)
    return render(
        request,
        "meetings/rooms.html",
        {
            "rooms": rooms,
            "form": form,
            "can_book": allowed(request.user, "meeting.book"),
            "can_approve": allowed(request.user, "meeting.approve"),
            "can_task": allowed(request.user, "meeting.task"),
        },
        status=_status(request.method == "POST"),
    )


@login_required
def room_detail(request, room_id: int):
    check(request.user, "meeting.view")
    room = get_or_404(Room.objects.select_related("attendant", "department"), pk=room_id)
    can_equip = allowed(request.user, "meeting.equipment")
    can_manage = allowed(request.user, "meeting.manage")
    posted = request.method == "POST"
    editing = posted and request.POST.get("action") == "edit"
    form = EquipmentForm(request.POST if posted and not editing else None) if can_equip else None
    edit_form = RoomEditForm.for_room(room, request.POST if editing else None)
    if editing and can_manage and edit_form.is_valid():
        changes = {**edit_form.cleaned_data}
        if apply_service(
            edit_form, lambda: services.room_update(actor=request.user, room=room, **changes)
        ):
            messages.success(request, _("The room is changed."))
            return redirect("meetings:room", room.pk)
    elif posted and not editing and form is not None and form.is_valid():
        item = apply_service(
            form,
            lambda: services.equipment_create(actor=request.user, room=room, **form.cleaned_data),
        )
        if item is not None:
            messages.success(request, _("The equipment record is opened."))
            return redirect("meetings:equipment", item.pk)
    return render(
        request,
        "meetings/room.html",
        {
            "room": room,
            "equipment": selectors.equipment_list(request.user, room=room),
            "bookings": selectors.bookings_list(request.user, room=room, upcoming=True).filter(
                status__in=HOLDING
            )[:20],
            "form": form,
            "edit_form": edit_form if can_manage else None,
            "can_book": allowed(request.user, "meeting.book") and room.is_active,
        },
        status=_status(posted),
    )


# ---------------------------------------------------------------- bookings (R-MTG-1..3)


@login_required
def booking_new(request):
    check(request.user, "meeting.book")
    any_department = scope_of(request.user, "meeting.book") == Scope.ALL
    initial = {}
    if request.GET.get("room", "").isdecimal():
        initial["room"] = int(request.GET["room"])
    form = BookingForm(request.POST or None, initial=initial, departments=any_department)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["department"] = data.get("department") or None
        booking = apply_service(form, lambda: services.booking_create(actor=request.user, **data))
        if booking is not None:
            if booking.status == BookingStatus.PENDING:
                messages.warning(
                    request,
                    _("The meeting falls on a weekend or holiday: it waits for overtime approval."),
                )
            else:
                messages.success(request, _("The room is booked."))
            return redirect("meetings:booking", booking.pk)
    return render(
        request,
        "meetings/booking_form.html",
        {"form": form},
        status=_status(request.method == "POST"),
    )


@login_required
def booking_list(request):
    check(request.user, "meeting.view")
    status = request.GET.get("status", "")
    status = status if status in BookingStatus.values else ""
    bookings = selectors.bookings_list(request.user, status=status or None, upcoming=not status)
    return render(
        request,
        "meetings/bookings.html",
        {"bookings": bookings[:200], "status": status, "statuses": BookingStatus.choices},
    )


def _may_change(user, booking: Booking) -> bool:
    if allowed(user, "meeting.manage"):
        return True
    try:
        check(user, "meeting.book", department=booking.department)
    except DomainError:
        return False
    return True


@login_required
def booking_detail(request, booking_id: int):
    check(request.user, "meeting.view")
    booking = get_or_404(
        Booking.objects.select_related(
            "room", "department", "booked_by", "decided_by", "attendant", "av_technician", "cleaner"
        ),
        pk=booking_id,
    )
    user = request.user
    tasks = list(selectors.booking_tasks(booking))
    phases = [(label, [t for t in tasks if t.phase == code]) for code, label in Phase.choices]
    live = booking.status in HOLDING and booking.ends_at > timezone.now()
    local = {
        "starts_at": timezone.localtime(booking.starts_at),
        "ends_at": timezone.localtime(booking.ends_at),
    }
    return render(
        request,
        "meetings/booking.html",
        {
            "booking": booking,
            "phases": phases,
            "can_tick": allowed(user, "meeting.task") and booking.status == BookingStatus.CONFIRMED,
            "can_decide": allowed(user, "meeting.approve")
            and booking.status == BookingStatus.PENDING,
            "can_change": live and _may_change(user, booking),
            "can_staff": live and allowed(user, "meeting.manage"),
            "decision_form": DecisionForm(),
            "cancel_form": CancelForm(),
            "reschedule_form": RescheduleForm(initial={"room": booking.room_id, **local}),
            "staff_form": StaffForm(
                initial={
                    "attendant": booking.attendant_id,
                    "av_technician": booking.av_technician_id,
                    "cleaner": booking.cleaner_id,
                }
            ),
        },
    )


def _after_post(request, booking_id: int, form, call, done: str):
    """Run a booking action from its detail page; a refusal shows as a message there."""
    booking = get_or_404(Booking, pk=booking_id)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("meetings:booking", booking.pk)
    try:
        call(booking, form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("meetings:booking", booking.pk)


@login_required
@require_POST
def booking_approve(request, booking_id: int):
    decision = request.POST.get("decision")
    form = DecisionForm(request.POST)
    if decision == "refuse":
        return _after_post(
            request,
            booking_id,
            form,
            lambda b, d: services.booking_refuse(actor=request.user, booking=b, **d),
            _("The overtime is refused."),
        )
    return _after_post(
        request,
        booking_id,
        form,
        lambda b, d: services.booking_approve(actor=request.user, booking=b, **d),
        _("The overtime is approved; the meeting is confirmed."),
    )


@login_required
@require_POST
def booking_cancel(request, booking_id: int):
    return _after_post(
        request,
        booking_id,
        CancelForm(request.POST),
        lambda b, d: services.booking_cancel(actor=request.user, booking=b, **d),
        _("The booking is cancelled."),
    )


@login_required
@require_POST
def booking_reschedule(request, booking_id: int):
    return _after_post(
        request,
        booking_id,
        RescheduleForm(request.POST),
        lambda b, d: services.booking_reschedule(actor=request.user, booking=b, **d),
        _("The booking is moved; its tasks moved with it."),
    )


@login_required
@require_POST
def booking_staff(request, booking_id: int):
    return _after_post(
        request,
        booking_id,
        StaffForm(request.POST),
        lambda b, d: services.booking_assign_staff(actor=request.user, booking=b, **d),
        _("The meeting staff are assigned."),
    )


@login_required
def approvals(request):
    """R-MTG-3: the approver's list of weekend and holiday meetings waiting."""
    bookings = selectors.bookings_awaiting_approval(request.user)
    return render(request, "meetings/approvals.html", {"bookings": bookings})


# ---------------------------------------------------------------- tasks (R-MTG-2)


@login_required
def task_list(request):
    show_done = request.GET.get("done") == "1"
    day = date_param(request.GET.get("day"))
    tasks = selectors.my_tasks(request.user, day=day, include_done=show_done)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/tasks.html",
        {"tasks": page, "page": page, "show_done": show_done, "day": day, "now": timezone.now()},
    )


@login_required
@require_POST
def task_done(request, task_id: int):
    task = get_or_404(MeetingTask, pk=task_id)
    try:
        services.task_complete(actor=request.user, task=task, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done: %(task)s") % {"task": task.get_kind_display()})
    back = request.POST.get("next", "")
    if back.startswith("/meetings/"):
        return redirect(back)
    return redirect("meetings:booking", task.booking_id)


# ---------------------------------------------------------------- day view


@login_required
def day_view(request):
    day = date_param(request.GET.get("date")) or timezone.localdate()
    grid = selectors.day_grid(request.user, day)
    return render(
        request,
        "meetings/day.html",
        {
            "grid": grid,
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "tasks": selectors.my_tasks(request.user, day=day)
            if allowed(request.user, "meeting.task")
            else None,
        },
    )


# ---------------------------------------------------------------- equipment (R-MTG-4)


@login_required
def equipment_list(request):
    items = selectors.equipment_list(request.user)
    return render(request, "meetings/equipment_list.html", {"items": items})


@login_required
def equipment_detail(request, equipment_id: int):
    check(request.user, "meeting.view")
    item = get_or_404(Equipment.objects.select_related("room"), pk=equipment_id)
    can_report = allowed(request.user, "meeting.fault") and item.status != "retired"
    can_maintain = allowed(request.user, "meeting.equipment") and item.status != "retired"
    posted = request.method == "POST"
    data = request.POST if posted else None
    action = request.POST.get("action") if posted else None

    def bound(name: str):
        return data if action == name else None

    # Each form of the page: (form, who may use it, the service it runs, what is said after).
    forms = {
        "fault": (
            FaultForm(bound("fault"), prefix="fault"),
            can_report,
            services.fault_report,
            _("The fault is reported; the AV technicians are told."),
        ),
        "retire": (
            RetireForm(bound("retire"), prefix="retire"),
            can_maintain,
            services.equipment_retire,
            _("The equipment is retired; its record stays."),
        ),
        "maintenance": (
            MaintenanceForm(bound("maintenance"), prefix="mnt", equipment=item),
            can_maintain,
            services.maintenance_record,
            _("The maintenance is recorded."),
        ),
    }
    if action in forms:
        form, may, service, done = forms[action]
        if may and form.is_valid():
            fields = form.cleaned_data
            if apply_service(form, lambda: service(actor=request.user, equipment=item, **fields)):
                messages.success(request, done)
                return redirect("meetings:equipment", item.pk)
    return render(
        request,
        "meetings/equipment.html",
        {
            "item": item,
            "faults": item.faults.select_related("reported_by", "booking"),
            "maintenance": item.maintenance.select_related("done_by", "fault"),
            "fault_form": forms["fault"][0] if can_report else None,
            "maintenance_form": forms["maintenance"][0] if can_maintain else None,
            "retire_form": forms["retire"][0] if can_maintain else None,
            "open_tasks": TaskStatus.OPEN,
        },
        status=_status(posted),
    )
