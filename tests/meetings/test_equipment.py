"""R-MTG-4: AV equipment has a record (档案), faults and a maintenance history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.meetings import services
from kefu.meetings.models import EquipmentStatus, FaultStatus
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import booking, room

pytestmark = pytest.mark.django_db


def _mixer(technician):
    return services.equipment_create(
        actor=technician,
        name="调音台",
        kind="audio",
        room=room(),
        model="雅马哈 MG16",
        serial_number="SN-001",
        installed_on=dt.date(2023, 5, 1),
    )


def test_r_mtg_4_opens_an_equipment_record_with_model_serial_and_room():
    technician = factories.user(Role.AV_TECHNICIAN)
    item = _mixer(technician)
    assert (item.model, item.serial_number, item.status) == (
        "雅马哈 MG16",
        "SN-001",
        EquipmentStatus.IN_SERVICE,
    )
    assert item.room.equipment.get() == item


def test_r_mtg_4_a_fault_marks_the_item_faulty_and_tells_the_av_technicians():
    technician = factories.user(Role.AV_TECHNICIAN)
    item = _mixer(technician)
    attendant = factories.user(Role.MEETING_ATTENDANT)
    meeting = booking(audio=True)
    fault = services.fault_report(
        actor=attendant, equipment=item, description="二号话筒无声", booking=meeting
    )
    item.refresh_from_db()
    assert (item.status, fault.status, fault.booking) == (
        EquipmentStatus.FAULTY,
        FaultStatus.OPEN,
        meeting,
    )
    assert Notification.objects.filter(user=technician, text__contains="二号话筒无声").exists()


def test_r_mtg_4_a_repair_fixes_the_fault_and_returns_the_item_to_service():
    technician = factories.user(Role.AV_TECHNICIAN)
    item = _mixer(technician)
    first = services.fault_report(actor=technician, equipment=item, description="电源接触不良")
    second = services.fault_report(actor=technician, equipment=item, description="一路推子失灵")
    services.maintenance_record(
        actor=technician, equipment=item, kind="repair", description="更换电源线", fault=first
    )
    item.refresh_from_db()
    assert item.status == EquipmentStatus.FAULTY  # one fault still open
    services.maintenance_record(
        actor=technician, equipment=item, kind="repair", description="更换推子", fault=second
    )
    services.maintenance_record(
        actor=technician, equipment=item, kind="preventive", description="季度保养，清洁除尘"
    )
    item.refresh_from_db()
    assert item.status == EquipmentStatus.IN_SERVICE
    assert [m.description for m in item.maintenance.all()][-1] == "更换电源线"
    assert item.maintenance.count() == 3
    with pytest.raises(Conflict):
        services.maintenance_record(
            actor=technician, equipment=item, kind="repair", description="再修", fault=first
        )


def test_r_mtg_4_refuses_maintenance_by_other_posts_and_empty_or_future_records():
    technician = factories.user(Role.AV_TECHNICIAN)
    item = _mixer(technician)
    with pytest.raises(PermissionDenied):
        services.maintenance_record(
            actor=factories.user(Role.CLEANER), equipment=item, kind="repair", description="x"
        )
    with pytest.raises(ValidationFailed):
        services.maintenance_record(actor=technician, equipment=item, kind="repair", description="")
    with pytest.raises(ValidationFailed):
        services.maintenance_record(
            actor=technician,
            equipment=item,
            kind="preventive",
            description="保养",
            done_on=timezone.localdate() + dt.timedelta(days=3),
        )
    assert item.maintenance.count() == 0


def test_r_mtg_4_closes_the_record_of_retired_equipment():
    technician = factories.user(Role.AV_TECHNICIAN)
    item = _mixer(technician)
    services.equipment_retire(actor=technician, equipment=item, reason="已报废更换")
    with pytest.raises(Conflict):
        services.fault_report(actor=technician, equipment=item, description="无声")
