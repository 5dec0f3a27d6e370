"""Every write of meeting services. One business action, one function.

Rules enforced here: R-MTG-1 (rooms and bookings, no double booking), R-MTG-2 (the
service tasks of a booking), R-MTG-3 (weekend and holiday meetings need overtime
approval), R-MTG-4 (the AV equipment record, faults and maintenance).
"""

from __future__ import annotations

from kefu.meetings.services.bookings import (
    booking_approve,
    booking_assign_staff,
    booking_cancel,
    booking_create,
    booking_refuse,
    booking_reschedule,
    task_complete,
)
from kefu.meetings.services.equipment import (
    equipment_create,
    equipment_retire,
    fault_report,
    maintenance_record,
)
from kefu.meetings.services.rooms import room_create, room_update

__all__ = [
    "booking_approve",
    "booking_assign_staff",
    "booking_cancel",
    "booking_create",
    "booking_refuse",
    "booking_reschedule",
    "equipment_create",
    "equipment_retire",
    "fault_report",
    "maintenance_record",
    "room_create",
    "room_update",
    "task_complete",
]
