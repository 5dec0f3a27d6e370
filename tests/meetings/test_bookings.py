"""R-MTG-1: departments book rooms; double bookings are refused; bad input writes nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.meetings import services
from kefu.meetings.models import Booking, BookingStatus, MeetingTask, RoomKind
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import NOW, WEDNESDAY, at, attendant, booker, booking, room

pytestmark = pytest.mark.django_db


def test_r_mtg_1_a_department_books_a_room_with_time_attendees_and_needs():
    member = booker()
    meeting_room = room(capacity=30)
    made = booking(room=meeting_room, actor=member, attendees=25, tea=True, audio=True)
    assert made.status == BookingStatus.CONFIRMED
    assert made.department == member.department
    assert made.booked_by == member
    assert (made.attendees, made.tea, made.audio, made.flowers) == (25, True, True, False)
    assert AuditEntry.objects.filter(target_type="meetings.booking", target_id=str(made.pk))


def test_r_mtg_1_refuses_a_double_booking_naming_the_meeting_already_there():
    meeting_room = room()
    first = booking(room=meeting_room, start=10, end=12, title="预算评审会")
    with pytest.raises(Conflict) as refused:
        booking(room=meeting_room, start=11, end=13)
    assert "预算评审会" in refused.value.message
    assert first.department.name in refused.value.message
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(("start", "end"), [(9, 11), (11, 12), (8, 13), (10, 12)])
def test_r_mtg_1_refuses_every_kind_of_overlap(start, end):
    meeting_room = room()
    booking(room=meeting_room, start=10, end=12)
    with pytest.raises(Conflict):
        booking(room=meeting_room, start=start, end=end)


def test_r_mtg_1_accepts_back_to_back_meetings_and_the_same_time_in_another_room():
    meeting_room = room()
    booking(room=meeting_room, start=10, end=12)
    booking(room=meeting_room, start=12, end=13)
    booking(room=meeting_room, start=8, end=10)
    booking(room=room(), start=10, end=12)
    assert Booking.objects.count() == 4


def test_r_mtg_1_frees_the_slot_of_a_cancelled_booking():
    meeting_room = room()
    member = booker()
    first = booking(room=meeting_room, actor=member)
    services.booking_cancel(actor=member, booking=first, reason="改期", now=NOW)
    assert booking(room=meeting_room).status == BookingStatus.CONFIRMED


def test_it_refuses_a_booking_that_ends_before_it_starts_writing_nothing():
    with pytest.raises(ValidationFailed) as refused:
        booking(start=12, end=10)
    assert refused.value.errors[0].field == "ends_at"
    assert "12:00" in refused.value.message and "10:00" in refused.value.message
    assert not Booking.objects.exists()
    assert not MeetingTask.objects.exists()
    assert not AuditEntry.objects.filter(target_type="meetings.booking").exists()


def test_it_refuses_a_booking_in_the_past_and_more_attendees_than_seats():
    with pytest.raises(ValidationFailed) as past:
        booking(day=NOW.date(), start=8, end=9)
    assert past.value.errors[0].field == "starts_at"
    with pytest.raises(ValidationFailed) as crowded:
        booking(room=room(capacity=8), attendees=9)
    assert crowded.value.errors[0].field == "attendees"
    assert not Booking.objects.exists()


def test_r_mtg_1_lets_a_department_book_only_for_itself():
    member = booker()
    other = factories.department()
    with pytest.raises(PermissionDenied):
        booking(actor=member, department=other)
    desk = attendant(department=factories.department())
    made = booking(actor=desk, department=other)  # attendants take bookings for any department
    assert made.department == other


def test_r_mtg_1_gives_an_executive_floor_booking_the_rooms_dedicated_attendant():
    dedicated = attendant()
    executive = room(kind=RoomKind.EXECUTIVE, attendant=dedicated)
    made = booking(room=executive, tea=True)
    assert made.attendant == dedicated
    attendant_tasks = made.tasks.filter(duty=Role.MEETING_ATTENDANT)
    assert attendant_tasks.exists()
    assert set(attendant_tasks.values_list("assignee", flat=True)) == {dedicated.pk}


def test_r_mtg_1_refuses_moving_a_booking_onto_another():
    meeting_room = room()
    member = booker()
    booking(room=meeting_room, start=14, end=15)
    mine = booking(room=meeting_room, actor=member, start=10, end=11)
    with pytest.raises(Conflict):
        services.booking_reschedule(
            actor=member,
            booking=mine,
            starts_at=at(WEDNESDAY, 14, 30),
            ends_at=at(WEDNESDAY, 16),
            now=NOW,
        )
    mine.refresh_from_db()
    assert mine.starts_at == at(WEDNESDAY, 10)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="row locks are a PostgreSQL matter; SQLite serialises writers (BEGIN IMMEDIATE)",
)
def test_r_mtg_1_refuses_a_double_booking_made_at_the_same_moment():
    meeting_room = room()
    members = [booker(), booker()]
    barrier = threading.Barrier(2)
    outcome: list[str] = []

    def book(member):
        try:
            barrier.wait(timeout=10)
            booking(room=meeting_room, actor=member)
            outcome.append("booked")
        except Conflict:
            outcome.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcome) == ["booked", "refused"]
    assert Booking.objects.filter(room=meeting_room).count() == 1
