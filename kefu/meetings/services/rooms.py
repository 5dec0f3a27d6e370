"""Keeping the meeting rooms (R-MTG-1): meeting centre, floor rooms, executive-floor rooms."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.errors import ValidationFailed
from kefu.meetings.models import Room, RoomKind
from kefu.meetings.services._common import staff_with
from kefu.org.permissions import check
from kefu.org.roles import Role

_FIELDS = ["name", "kind", "floor", "capacity", "department", "attendant", "is_active", "notes"]


def _clean(room: Room) -> None:
    room.name = (room.name or "").strip()
    if not room.name:
        raise ValidationFailed.on("name", _("Give the room a name."))
    if len(room.name) > 100:
        raise ValidationFailed.on("name", _("The room name is longer than 100 characters."))
    if Room.objects.filter(name=room.name).exclude(pk=room.pk).exists():
        raise ValidationFailed.on(
            "name", _("There is already a room called %(name)s.") % {"name": room.name}
        )
    if room.kind not in RoomKind.values:
        raise ValidationFailed.on("kind", _("Choose the room type."))
    if isinstance(room.capacity, bool) or not isinstance(room.capacity, int):
        raise ValidationFailed.on("capacity", _("Seats is a whole number."))
    if not 1 <= room.capacity <= 5000:
        raise ValidationFailed.on("capacity", _("A room has between 1 and 5000 seats."))
    staff_with(room.attendant, Role.MEETING_ATTENDANT, "attendant", _("meeting attendant"))
    if room.kind == RoomKind.EXECUTIVE and room.attendant is None:
        raise ValidationFailed.on(
            "attendant",
            _("An executive-floor room is looked after by dedicated staff: name its attendant."),
        )
    room.floor = (room.floor or "").strip()[:60]
    room.notes = (room.notes or "").strip()
    if not isinstance(room.is_active, bool):
        # An explicit null in a PATCH body (a 500 found by the API fuzz test, issue 10).
        raise ValidationFailed.on("is_active", _("Say whether the room is open for booking."))


@transaction.atomic
def room_create(
    *,
    actor,
    name: str,
    kind: str,
    capacity: int,
    floor: str = "",
    department=None,
    attendant=None,
    notes: str = "",
) -> Room:
    """Add a meeting room (R-MTG-1); an executive-floor room needs its dedicated attendant."""
    check(actor, "meeting.manage")
    room = Room(
        name=name,
        kind=kind,
        capacity=capacity,
        floor=floor,
        department=department,
        attendant=attendant,
        notes=(notes or "").strip(),
    )
    _clean(room)
    room.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=room,
        summary=_("meeting room added"),
        after=snapshot(room, _FIELDS),
    )
    return room


@transaction.atomic
def room_update(*, actor, room: Room, **changes) -> Room:
    """Change a room's details (R-MTG-1); the executive-floor rule is checked again."""
    check(actor, "meeting.manage")
    room = Room.objects.select_for_update().get(pk=room.pk)
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown:
        raise ValidationFailed.on(unknown[0], _("This field cannot be changed here."))
    before = snapshot(room, _FIELDS)
    for field, value in changes.items():
        setattr(room, field, value)
    _clean(room)
    room.save(update_fields=list(changes) or ["name"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=room,
        summary=_("meeting room changed"),
        before=before,
        after=snapshot(room, _FIELDS),
    )
    return room
