"""Meeting pages: rooms, booking form, booking with its checklist, my tasks, day view,
approvals, equipment record, and the home panels (R-MTG-1 to R-MTG-4)."""

from __future__ import annotations

import pytest
import time_machine

from kefu.meetings.models import Booking, BookingStatus, RoomKind
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import NOW, SATURDAY, WEDNESDAY, at, attendant, booking, room

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(meeting_room, start="2025-06-04T14:00", end="2025-06-04T16:00"):
    return {
        "room": meeting_room.pk,
        "title": "客户座谈会",
        "starts_at": start,
        "ends_at": end,
        "attendees": 12,
        "tea": "on",
        "audio": "on",
    }


def test_r_mtg_1_shows_the_rooms_with_their_type_and_dedicated_attendant(web):
    dedicated = attendant(full_name="林小雨")
    room(kind=RoomKind.EXECUTIVE, attendant=dedicated, name="领导层会议室")
    html = web(Role.AGENT, department=factories.department()).get("/meetings/").content.decode()
    assert "领导层会议室" in html and "林小雨" in html
    assert 'id="new-room"' not in html  # only room keepers add rooms


def test_r_mtg_2_books_from_the_form_and_shows_the_checklist_with_the_av_test(web):
    meeting_room = room()
    client = web(Role.AGENT, department=factories.department())
    response = client.post("/meetings/book/", _form(meeting_room))
    assert response.status_code == 302
    made = Booking.objects.get()
    assert response["Location"] == f"/meetings/bookings/{made.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "客户座谈会" in html
    assert 'id="task-av_test" data-due="2025-06-04 13:00"' in html
    assert 'id="task-tea_sets"' in html


def test_it_shows_the_error_on_the_form_for_a_meeting_ending_before_it_starts(web):
    meeting_room = room()
    client = web(Role.AGENT, department=factories.department())
    response = client.post(
        "/meetings/book/", _form(meeting_room, start="2025-06-04T16:00", end="2025-06-04T14:00")
    )
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert not Booking.objects.exists()
    assert made_nothing()


def made_nothing() -> bool:
    from kefu.meetings.models import MeetingTask

    return not MeetingTask.objects.exists()


def test_it_shows_a_double_booking_refusal_on_the_form(web):
    meeting_room = room()
    booking(room=meeting_room, start=15, end=17, title="先订的会")
    client = web(Role.AGENT, department=factories.department())
    response = client.post("/meetings/book/", _form(meeting_room))
    assert response.status_code == 400
    assert "先订的会" in response.content.decode()
    assert Booking.objects.count() == 1


def test_r_mtg_3_approver_sees_the_waiting_booking_at_home_and_approves_it(web):
    made = booking(day=SATURDAY, title="周末加班会")
    office = web(Role.OFFICE)
    home = office.get("/").content.decode()
    assert 'id="home-meeting-approvals"' in home and "周末加班会" in home
    assert "周末加班会" in office.get("/meetings/bookings/approvals/").content.decode()
    office.post(
        f"/meetings/bookings/{made.pk}/approve/", {"decision": "approve", "comment": "同意"}
    )
    made.refresh_from_db()
    assert made.status == BookingStatus.CONFIRMED


def test_r_mtg_3_refusing_from_the_page_needs_a_comment(web):
    made = booking(day=SATURDAY)
    office = web(Role.OFFICE)
    page = office.post(
        f"/meetings/bookings/{made.pk}/approve/", {"decision": "refuse", "comment": ""}, follow=True
    )
    assert "messages" in page.content.decode()
    made.refresh_from_db()
    assert made.status == BookingStatus.PENDING


def test_r_mtg_2_meeting_staff_tick_off_tasks_from_my_tasks(web):
    technician = factories.user(Role.AV_TECHNICIAN)
    made = booking(audio=True, title="视频会议")
    client = web(user=technician)
    html = client.get("/meetings/tasks/").content.decode()
    assert "视频会议" in html
    task = made.tasks.get(kind="av_test")
    client.post(f"/meetings/tasks/{task.pk}/done/", {"next": "/meetings/tasks/"})
    task.refresh_from_db()
    assert task.done_by == technician


def test_it_draws_the_day_view_with_each_booking_across_its_slots(web):
    meeting_room = room(name="一号会议室")
    booking(room=meeting_room, start=9, end=11, title="晨会")
    client = web(Role.MEETING_ATTENDANT)
    html = client.get("/meetings/day/", {"date": "2025-06-04"}).content.decode()
    assert "一号会议室" in html
    assert 'colspan="4" class="booked"' in html  # 09:00–11:00 = four half hours
    assert "晨会" in html
    assert client.get("/meetings/day/", {"date": "not-a-day"}).status_code == 200


def test_r_mtg_1_moves_and_cancels_from_the_booking_page(web):
    member = factories.user(Role.AGENT, department=factories.department())
    made = booking(actor=member)
    client = web(user=member)
    client.post(
        f"/meetings/bookings/{made.pk}/reschedule/",
        {"room": made.room_id, "starts_at": "2025-06-05T10:00", "ends_at": "2025-06-05T11:00"},
    )
    made.refresh_from_db()
    assert made.starts_at == at(WEDNESDAY.replace(day=5), 10)
    client.post(f"/meetings/bookings/{made.pk}/cancel/", {"reason": "取消"})
    made.refresh_from_db()
    assert made.status == BookingStatus.CANCELLED


def test_r_mtg_4_reports_a_fault_and_records_maintenance_on_the_equipment_page(web):
    technician = factories.user(Role.AV_TECHNICIAN)
    meeting_room = room()
    client = web(user=technician)
    client.post(
        f"/meetings/rooms/{meeting_room.pk}/",
        {"name": "无线话筒", "kind": "microphone", "model": "舒尔 BLX"},
    )
    item = meeting_room.equipment.get()
    page = f"/meetings/equipment/{item.pk}/"
    client.post(page, {"action": "fault", "fault-description": "有杂音"})
    fault = item.faults.get()
    client.post(
        page,
        {
            "action": "maintenance",
            "mnt-kind": "repair",
            "mnt-description": "更换天线",
            "mnt-fault": fault.pk,
        },
    )
    html = client.get(page).content.decode()
    assert "有杂音" in html and "更换天线" in html
    item.refresh_from_db()
    assert item.status == "in_service"
    assert "无线话筒" in client.get("/meetings/equipment/").content.decode()


def test_r_mtg_4_retires_equipment_on_its_page_with_a_reason_and_keeps_its_record(web):
    from kefu.audit.models import AuditEntry

    technician = factories.user(Role.AV_TECHNICIAN)
    meeting_room = room()
    client = web(user=technician)
    client.post(f"/meetings/rooms/{meeting_room.pk}/", {"name": "旧投影仪", "kind": "projector"})
    item = meeting_room.equipment.get()
    page = f"/meetings/equipment/{item.pk}/"
    refused = client.post(page, {"action": "retire", "retire-reason": ""})
    assert refused.status_code == 400 and "field-error" in refused.content.decode()
    item.refresh_from_db()
    assert item.status != "retired"
    retired = client.post(page, {"action": "retire", "retire-reason": "灯泡寿命到期"})
    assert retired.status_code == 302
    item.refresh_from_db()
    assert item.status == "retired"
    html = client.get(page).content.decode()
    assert "旧投影仪" in html and 'id="retire-equipment"' not in html
    assert 'id="report-fault"' not in html  # a retired item takes no new faults
    assert AuditEntry.objects.filter(reason="灯泡寿命到期").exists()


def test_r_mtg_1_the_room_keeper_changes_and_closes_a_room_on_its_page(web):
    meeting_room = room(name="三楼小会议室")
    page = f"/meetings/rooms/{meeting_room.pk}/"
    agent_html = web(Role.AGENT, department=factories.department()).get(page).content.decode()
    assert 'id="edit-room"' not in agent_html  # only room keepers change rooms
    client = web(Role.OFFICE, department=factories.department())
    form = {
        "action": "edit",
        "room-name": "三楼洽谈室",
        "room-kind": RoomKind.CENTRE,
        "room-floor": "3F 东侧",
        "room-capacity": 8,
    }
    assert client.post(page, form).status_code == 302  # "room-is_active" left out: closed
    meeting_room.refresh_from_db()
    assert (meeting_room.name, meeting_room.capacity, meeting_room.is_active) == (
        "三楼洽谈室",
        8,
        False,
    )
    html = client.get(page).content.decode()
    assert 'id="room-closed"' in html and "预定此会议室" not in html
    bad = client.post(page, {**form, "room-kind": RoomKind.EXECUTIVE})  # needs an attendant
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    meeting_room.refresh_from_db()
    assert meeting_room.kind == RoomKind.CENTRE


def test_it_answers_404_for_a_missing_booking_page_and_403_for_approval_by_an_agent(web):
    client = web(Role.AGENT, department=factories.department())
    assert client.get("/meetings/bookings/999999/").status_code == 404
    assert client.get("/meetings/bookings/approvals/").status_code == 403
