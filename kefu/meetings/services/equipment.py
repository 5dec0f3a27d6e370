"""The AV equipment record (设备档案): items, faults, maintenance history (R-MTG-4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, ValidationFailed
from kefu.meetings.models import (
    Booking,
    Equipment,
    EquipmentKind,
    EquipmentStatus,
    Fault,
    FaultStatus,
    Maintenance,
    MaintenanceKind,
    Room,
)
from kefu.meetings.services._common import actor_or_none
from kefu.org.models import User
from kefu.org.permissions import check
from kefu.org.roles import Role

_FIELDS = ["room", "name", "kind", "model", "serial_number", "installed_on", "status", "notes"]


def url(equipment: Equipment) -> str:
    return reverse("meetings:equipment", args=[equipment.pk])


def _text(value: str, field: str, limit: int, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, missing)
    if len(value) > limit:
        raise ValidationFailed.on(
            field, _("Longer than %(n)d characters: shorten it.") % {"n": limit}
        )
    return value


def _lock(equipment: Equipment) -> Equipment:
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if equipment.status == EquipmentStatus.RETIRED:
        raise Conflict(
            message=_("%(name)s is retired; its record is closed.") % {"name": equipment.name}
        )
    return equipment


@transaction.atomic
def equipment_create(
    *,
    actor,
    name: str,
    kind: str,
    room: Room | None = None,
    model: str = "",
    serial_number: str = "",
    installed_on: dt.date | None = None,
    notes: str = "",
) -> Equipment:
    """Open the record of an item of AV equipment (R-MTG-4)."""
    check(actor, "meeting.equipment")
    if kind not in EquipmentKind.values:
        raise ValidationFailed.on("kind", _("Choose the equipment type."))
    equipment = Equipment.objects.create(
        room=room,
        name=_text(name, "name", 100, _("Give the equipment a name.")),
        kind=kind,
        model=(model or "").strip()[:100],
        serial_number=(serial_number or "").strip()[:60],
        installed_on=installed_on,
        notes=(notes or "").strip(),
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=equipment,
        summary=_("equipment record opened"),
        after=snapshot(equipment, _FIELDS),
    )
    return equipment


@transaction.atomic
def equipment_retire(*, actor, equipment: Equipment, reason: str) -> Equipment:
    """Retire an item (报废); its record stays, closed to new faults and maintenance."""
    check(actor, "meeting.equipment")
    reason = _text(reason, "reason", 300, _("Say why the equipment is retired."))
    equipment = _lock(equipment)
    before = snapshot(equipment, _FIELDS)
    equipment.status = EquipmentStatus.RETIRED
    equipment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=equipment,
        summary=_("equipment retired"),
        before=before,
        after=snapshot(equipment, _FIELDS),
        reason=reason,
    )
    return equipment


@transaction.atomic
def fault_report(
    *,
    actor,
    equipment: Equipment,
    description: str,
    booking: Booking | None = None,
    now: dt.datetime | None = None,
) -> Fault:
    """Record a fault of an item (R-MTG-4); the AV technicians are told at once."""
    check(actor, "meeting.fault")
    description = _text(description, "description", 2000, _("Say what is wrong."))
    equipment = _lock(equipment)
    fault = Fault.objects.create(
        equipment=equipment,
        booking=booking,
        description=description,
        reported_at=now or timezone.now(),
        reported_by=actor_or_none(actor),
    )
    before = snapshot(equipment, _FIELDS)
    if equipment.status != EquipmentStatus.FAULTY:
        equipment.status = EquipmentStatus.FAULTY
        equipment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=fault,
        summary=_("equipment fault reported"),
        before=before,
        after=snapshot(equipment, _FIELDS),
    )
    technicians = User.objects.filter(is_active=True, role_rows__role=Role.AV_TECHNICIAN)
    notify(
        technicians,
        _("Equipment fault: %(name)s — %(d)s") % {"name": equipment.name, "d": description[:80]},
        url=url(equipment),
        exclude=actor,
    )
    return fault


@transaction.atomic
def maintenance_record(
    *,
    actor,
    equipment: Equipment,
    kind: str,
    description: str,
    done_on: dt.date | None = None,
    fault: Fault | None = None,
) -> Maintenance:
    """Add to the maintenance history (R-MTG-4); a repair may fix an open fault.

    The item is back in service once none of its faults is open.
    """
    check(actor, "meeting.equipment")
    if kind not in MaintenanceKind.values:
        raise ValidationFailed.on("kind", _("Choose routine upkeep or repair."))
    description = _text(
        description, "description", 2000, pgettext("maintenance", "Say what was done.")
    )
    today = timezone.localdate()
    done_on = done_on or today
    if done_on > today:
        raise ValidationFailed.on("done_on", _("Maintenance is recorded once done, not ahead."))
    equipment = _lock(equipment)
    if fault is not None:
        fault = Fault.objects.select_for_update().get(pk=fault.pk)
        if fault.equipment_id != equipment.pk:
            raise ValidationFailed.on("fault", _("That fault belongs to other equipment."))
        if fault.status != FaultStatus.OPEN:
            raise Conflict(message=_("That fault is already fixed."))
    record = Maintenance.objects.create(
        equipment=equipment,
        kind=kind,
        done_on=done_on,
        description=description,
        fault=fault,
        done_by=actor_or_none(actor),
    )
    before = snapshot(equipment, _FIELDS)
    if fault is not None:
        fault.status, fault.fixed_at = FaultStatus.FIXED, timezone.now()
        fault.save(update_fields=["status", "fixed_at"])
    if not equipment.faults.filter(status=FaultStatus.OPEN).exists():
        equipment.status = EquipmentStatus.IN_SERVICE
        equipment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=record,
        summary=_("equipment maintenance recorded"),
        before=before,
        after=snapshot(equipment, _FIELDS),
    )
    return record
