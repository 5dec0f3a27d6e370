"""R-MTG-3: service hours are workdays; weekend and holiday meetings need overtime approval."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.meetings import selectors, services
from kefu.meetings.models import Booking, BookingStatus, TaskStatus
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import (
    MAKEUP_SUNDAY,
    NATIONAL_DAY,
    NOW,
    SATURDAY,
    WEDNESDAY,
    at,
    booker,
    booking,
    room,
)

pytestmark = pytest.mark.django_db


def test_r_mtg_3_confirms_a_workday_meeting_at_once():
    made = booking(day=WEDNESDAY)
    assert (made.status, made.overtime) == (BookingStatus.CONFIRMED, False)


@pytest.mark.parametrize("day", [SATURDAY, NATIONAL_DAY], ids=["weekend", "national-day"])
def test_r_mtg_3_holds_a_weekend_or_holiday_meeting_for_overtime_approval(day):
    office = factories.user(Role.OFFICE)
    made = booking(day=day)
    assert (made.status, made.overtime) == (BookingStatus.PENDING, True)
    assert list(selectors.bookings_awaiting_approval(office)) == [made]
    assert Notification.objects.filter(user=office, url__endswith=f"/{made.pk}/").exists()


def test_r_mtg_3_treats_a_make_up_workday_on_a_sunday_as_a_workday():
    assert MAKEUP_SUNDAY.weekday() == 6
    assert booking(day=MAKEUP_SUNDAY).status == BookingStatus.CONFIRMED


def test_r_mtg_3_needs_approval_for_a_meeting_running_into_the_weekend():
    member = booker()
    friday = SATURDAY - dt.timedelta(days=1)
    made = services.booking_create(
        actor=member,
        room=room(),
        title="两天研讨会",
        starts_at=at(friday, 9),
        ends_at=at(SATURDAY, 17),
        attendees=5,
        now=NOW,
    )
    assert made.status == BookingStatus.PENDING


def test_r_mtg_3_the_office_approves_with_a_comment_and_the_booker_is_told():
    member = booker()
    office = factories.user(Role.OFFICE)
    made = booking(actor=member, day=SATURDAY)
    approved = services.booking_approve(actor=office, booking=made, comment="同意加班", now=NOW)
    assert approved.status == BookingStatus.CONFIRMED
    assert (approved.decided_by, approved.decision_comment) == (office, "同意加班")
    assert Notification.objects.filter(user=member, url__endswith=f"/{made.pk}/").exists()
    with pytest.raises(Conflict):
        services.booking_approve(actor=office, booking=made, now=NOW)


def test_r_mtg_3_the_director_refuses_saying_why_and_the_room_is_free_again():
    director = factories.user(Role.DIRECTOR)
    made = booking(day=SATURDAY)
    with pytest.raises(ValidationFailed):
        services.booking_refuse(actor=director, booking=made, comment=" ", now=NOW)
    refused = services.booking_refuse(
        actor=director, booking=made, comment="周末不安排会议", now=NOW
    )
    assert refused.status == BookingStatus.REFUSED
    assert set(refused.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    assert booking(room=made.room, day=SATURDAY).status == BookingStatus.PENDING


def test_r_mtg_3_refuses_approval_by_anyone_but_the_office_or_the_director():
    made = booking(day=SATURDAY)
    for role in (Role.AGENT, Role.MEETING_ATTENDANT, Role.CS_SUPERVISOR):
        with pytest.raises(PermissionDenied):
            services.booking_approve(actor=factories.user(role), booking=made, now=NOW)
    assert Booking.objects.get(pk=made.pk).status == BookingStatus.PENDING


def test_r_mtg_3_asks_again_when_an_approved_meeting_moves_to_another_weekend_day():
    member = booker()
    made = booking(actor=member, day=SATURDAY)
    services.booking_approve(actor=factories.user(Role.OFFICE), booking=made, now=NOW)
    sunday = SATURDAY + dt.timedelta(days=1)
    moved = services.booking_reschedule(
        actor=member, booking=made, starts_at=at(sunday, 10), ends_at=at(sunday, 11), now=NOW
    )
    assert moved.status == BookingStatus.PENDING
    assert moved.decided_by is None
    back = services.booking_reschedule(
        actor=member, booking=made, starts_at=at(WEDNESDAY, 10), ends_at=at(WEDNESDAY, 11), now=NOW
    )
    assert (back.status, back.overtime) == (BookingStatus.CONFIRMED, False)


def test_r_mtg_3_names_the_year_the_work_calendar_does_not_know():
    day = dt.date(2031, 3, 5)
    with pytest.raises(ValidationFailed) as refused:
        booking(day=day)
    assert "2031" in refused.value.message
    assert not Booking.objects.exists()


def test_r_mtg_3_overtime_is_not_decided_once_the_meeting_is_over():
    made = booking(day=SATURDAY)
    after = at(SATURDAY, 23) + dt.timedelta(days=1)
    with pytest.raises(Conflict):
        services.booking_approve(actor=factories.user(Role.OFFICE), booking=made, now=after)
    made.refresh_from_db()
    assert made.status == BookingStatus.PENDING
