"""/api/v1/meetings: rooms, bookings, approvals, tasks, equipment (R-MTG-1 to R-MTG-4).

Each endpoint: success, 400, 401, 403 for the wrong role, 404, and 409 where it applies.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kefu.meetings.models import Booking, RoomKind
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import NOW, SATURDAY, WEDNESDAY, at, booking, room

pytestmark = pytest.mark.django_db
BASE = "/api/v1/meetings"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _iso(day, hour):
    return at(day, hour).isoformat()


def _booking_body(room_id, day=WEDNESDAY, start=10, end=12, **extra):
    return {
        "room_id": room_id,
        "title": "安全生产例会",
        "starts_at": _iso(day, start),
        "ends_at": _iso(day, end),
        "attendees": 8,
        "audio": True,
        **extra,
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "rooms"),
        ("post", "rooms"),
        ("get", "bookings"),
        ("post", "bookings"),
        ("get", "bookings/1"),
        ("post", "bookings/1/approve"),
        ("get", "tasks"),
        ("post", "tasks/1/done"),
        ("get", "equipment"),
        ("post", "equipment/1/faults"),
    ],
)
def test_it_answers_401_to_strangers(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(f"{BASE}/{path}")
    assert response.status_code == 401


def test_r_mtg_1_books_a_room_and_returns_the_tasks_with_the_av_test_an_hour_before(api):
    meeting_room = room()
    client = api(Role.AGENT, department=factories.department())
    response = client.post(f"{BASE}/bookings", _booking_body(meeting_room.pk, start=14, end=15))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    av = next(t for t in body["tasks"] if t["kind"] == "av_test")
    assert av["duty"] == "av_technician"
    assert _when(av["due_at"]) == at(WEDNESDAY, 13)
    assert client.get(f"{BASE}/bookings/{body['id']}").json()["id"] == body["id"]
    listed = client.get(f"{BASE}/bookings", day="2025-06-04").json()
    assert [b["id"] for b in listed] == [body["id"]]


def test_it_answers_400_for_a_booking_that_ends_before_it_starts_writing_nothing(api):
    meeting_room = room()
    client = api(Role.AGENT, department=factories.department())
    response = client.post(f"{BASE}/bookings", _booking_body(meeting_room.pk, start=12, end=10))
    assert response.status_code == 400
    problem = response.json()
    assert problem["errors"][0]["field"] == "ends_at"
    assert not Booking.objects.exists()


def test_r_mtg_1_answers_409_to_a_double_booking(api):
    meeting_room = room()
    client = api(Role.AGENT, department=factories.department())
    assert client.post(f"{BASE}/bookings", _booking_body(meeting_room.pk)).status_code == 201
    second = client.post(f"{BASE}/bookings", _booking_body(meeting_room.pk, start=11, end=13))
    assert second.status_code == 409
    assert "安全生产例会" in second.json()["detail"]


def test_it_answers_403_and_404_for_bookings(api):
    meeting_room = room()
    auditor = api(Role.AUDITOR)
    assert auditor.post(f"{BASE}/bookings", _booking_body(meeting_room.pk)).status_code == 403
    client = api(Role.AGENT, department=factories.department())
    assert client.post(f"{BASE}/bookings", _booking_body(999999)).status_code == 404
    assert client.get(f"{BASE}/bookings/999999").status_code == 404
    other = factories.department()
    body = _booking_body(meeting_room.pk, department_id=other.pk)
    assert client.post(f"{BASE}/bookings", body).status_code == 403


def test_r_mtg_3_approves_and_refuses_overtime_through_the_api(api):
    meeting_room = room()
    made = booking(room=meeting_room, day=SATURDAY)
    other = booking(room=room(), day=SATURDAY)
    office = api(Role.OFFICE)
    assert [b["id"] for b in office.get(f"{BASE}/bookings/awaiting-approval").json()] == [
        made.pk,
        other.pk,
    ]
    assert api(Role.AGENT).post(f"{BASE}/bookings/{made.pk}/approve", {}).status_code == 403
    assert office.post(f"{BASE}/bookings/999999/approve", {}).status_code == 404
    approved = office.post(f"{BASE}/bookings/{made.pk}/approve", {"comment": "同意"})
    assert approved.status_code == 200
    assert approved.json()["status"] == "confirmed"
    assert office.post(f"{BASE}/bookings/{made.pk}/approve", {}).status_code == 409
    assert office.post(f"{BASE}/bookings/{other.pk}/refuse", {"comment": ""}).status_code == 400
    refused = office.post(f"{BASE}/bookings/{other.pk}/refuse", {"comment": "不批"})
    assert refused.json()["status"] == "refused"


def test_r_mtg_2_reschedules_and_cancels_through_the_api(api):
    member = factories.user(Role.AGENT, department=factories.department())
    client = api(user=member)
    made = booking(actor=member, room=room(), audio=True)
    moved = client.post(
        f"{BASE}/bookings/{made.pk}/reschedule",
        {"starts_at": _iso(WEDNESDAY, 15), "ends_at": _iso(WEDNESDAY, 16)},
    )
    assert moved.status_code == 200
    av = next(t for t in moved.json()["tasks"] if t["kind"] == "av_test")
    assert _when(av["due_at"]) == at(WEDNESDAY, 14)
    bad = client.post(
        f"{BASE}/bookings/{made.pk}/reschedule",
        {"starts_at": _iso(WEDNESDAY, 16), "ends_at": _iso(WEDNESDAY, 15)},
    )
    assert bad.status_code == 400
    stranger = api(Role.AGENT, department=factories.department())
    assert stranger.post(f"{BASE}/bookings/{made.pk}/cancel", {"reason": "x"}).status_code == 403
    assert client.post(f"{BASE}/bookings/{made.pk}/cancel", {"reason": ""}).status_code == 400
    cancelled = client.post(f"{BASE}/bookings/{made.pk}/cancel", {"reason": "改线上"})
    assert cancelled.json()["status"] == "cancelled"
    assert {t["status"] for t in cancelled.json()["tasks"]} == {"cancelled"}
    again = client.post(f"{BASE}/bookings/{made.pk}/cancel", {"reason": "改线上"})
    assert again.status_code == 409


def test_r_mtg_2_assigns_staff_and_ticks_off_tasks_through_the_api(api):
    technician = factories.user(Role.AV_TECHNICIAN)
    made = booking(room=room(), audio=True)
    office = api(Role.OFFICE)
    wrong = office.post(f"{BASE}/bookings/{made.pk}/staff", {"cleaner_id": technician.pk})
    assert wrong.status_code == 400
    assert api(Role.AGENT).post(f"{BASE}/bookings/{made.pk}/staff", {}).status_code == 403
    assigned = office.post(f"{BASE}/bookings/{made.pk}/staff", {"av_technician_id": technician.pk})
    assert assigned.json()["av_technician_id"] == technician.pk
    client = api(user=technician)
    mine = client.get(f"{BASE}/tasks").json()
    assert [t["kind"] for t in mine] == ["av_test", "av_duty"]
    done = client.post(f"{BASE}/tasks/{mine[0]['id']}/done", {"note": "正常"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.post(f"{BASE}/tasks/{mine[0]['id']}/done", {}).status_code == 409
    assert client.post(f"{BASE}/tasks/999999/done", {}).status_code == 404
    assert api(Role.AGENT).post(f"{BASE}/tasks/{mine[1]['id']}/done", {}).status_code == 403


def test_r_mtg_1_keeps_rooms_through_the_api(api):
    office = api(Role.OFFICE)
    dedicated = factories.user(Role.MEETING_ATTENDANT)
    body = {"name": "领导层会议室", "kind": RoomKind.EXECUTIVE, "capacity": 16}
    assert office.post(f"{BASE}/rooms", body).status_code == 400  # no dedicated attendant
    created = office.post(f"{BASE}/rooms", {**body, "attendant_id": dedicated.pk})
    assert created.status_code == 201
    room_id = created.json()["id"]
    assert api(Role.AGENT).post(f"{BASE}/rooms", body).status_code == 403
    assert office.patch(f"{BASE}/rooms/{room_id}", {"capacity": 18}).json()["capacity"] == 18
    assert office.patch(f"{BASE}/rooms/999999", {"capacity": 18}).status_code == 404
    assert [r["id"] for r in api(Role.AGENT).get(f"{BASE}/rooms").json()] == [room_id]
    assert api(Role.AGENT).get(f"{BASE}/rooms/{room_id}").json()["attendant_id"] == dedicated.pk


def test_r_mtg_4_keeps_the_equipment_record_through_the_api(api):
    technician = api(Role.AV_TECHNICIAN)
    meeting_room = room()
    body = {"name": "投影仪", "kind": "projector", "room_id": meeting_room.pk}
    assert api(Role.AGENT).post(f"{BASE}/equipment", body).status_code == 403
    assert technician.post(f"{BASE}/equipment", {**body, "kind": "toaster"}).status_code == 400
    created = technician.post(f"{BASE}/equipment", body)
    assert created.status_code == 201
    item = created.json()["id"]
    fault = api(Role.MEETING_ATTENDANT).post(
        f"{BASE}/equipment/{item}/faults", {"description": "灯泡不亮"}
    )
    assert fault.status_code == 201
    assert (
        api(Role.AGENT).post(f"{BASE}/equipment/{item}/faults", {"description": "x"}).status_code
        == 403
    )
    assert (
        technician.post(f"{BASE}/equipment/999999/faults", {"description": "x"}).status_code == 404
    )
    repair = {"kind": "repair", "description": "更换灯泡", "fault_id": fault.json()["id"]}
    assert technician.post(f"{BASE}/equipment/{item}/maintenance", repair).status_code == 201
    assert technician.post(f"{BASE}/equipment/{item}/maintenance", repair).status_code == 409
    record = technician.get(f"{BASE}/equipment/{item}").json()
    assert record["status"] == "in_service"
    assert [f["status"] for f in record["faults"]] == ["fixed"]
    assert [m["description"] for m in record["maintenance"]] == ["更换灯泡"]
    assert [
        e["id"] for e in technician.get(f"{BASE}/equipment", room_id=meeting_room.pk).json()
    ] == [item]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_it_answers_400_for_a_day_at_the_ends_of_the_calendar(api, day):
    client = api(Role.OFFICE, department=factories.department())
    for path in ("bookings", "tasks"):
        response = client.get(f"{BASE}/{path}", day=day)
        assert response.status_code == 400, (path, response.content)
        assert response.json()["errors"][0]["field"] == "day"
