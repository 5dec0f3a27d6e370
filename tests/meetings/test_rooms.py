"""R-MTG-1: the meeting centre, floor rooms and executive-floor rooms with dedicated staff."""

from __future__ import annotations

import pytest

from kefu.errors import PermissionDenied, ValidationFailed
from kefu.meetings import services
from kefu.meetings.models import Room, RoomKind
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import attendant, room

pytestmark = pytest.mark.django_db


def test_r_mtg_1_keeps_centre_floor_and_executive_rooms():
    dedicated = attendant()
    rooms = [
        room(kind=RoomKind.CENTRE, name="会议中心大会议室", capacity=120),
        room(kind=RoomKind.FLOOR, name="十二楼小会议室"),
        room(kind=RoomKind.EXECUTIVE, name="领导层会议室", attendant=dedicated),
    ]
    assert [r.kind for r in rooms] == ["centre", "floor", "executive"]
    assert rooms[2].attendant == dedicated


def test_r_mtg_1_refuses_an_executive_floor_room_without_its_dedicated_attendant():
    with pytest.raises(ValidationFailed) as refused:
        room(kind=RoomKind.EXECUTIVE)
    assert refused.value.errors[0].field == "attendant"
    assert not Room.objects.exists()


def test_r_mtg_1_refuses_an_attendant_who_is_not_meeting_staff():
    clerk = factories.user(Role.AGENT)
    with pytest.raises(ValidationFailed) as refused:
        room(kind=RoomKind.EXECUTIVE, attendant=clerk)
    assert clerk.display_name in refused.value.message


def test_it_refuses_a_second_room_of_the_same_name_and_nonsense_seats():
    room(name="第一会议室")
    with pytest.raises(ValidationFailed):
        room(name="第一会议室")
    with pytest.raises(ValidationFailed):
        room(capacity=0)


def test_r_mtg_1_checks_the_executive_rule_again_when_a_room_changes():
    dedicated = attendant()
    executive = room(kind=RoomKind.EXECUTIVE, attendant=dedicated)
    with pytest.raises(ValidationFailed):
        services.room_update(actor=SYSTEM, room=executive, attendant=None)
    changed = services.room_update(actor=SYSTEM, room=executive, capacity=12, floor="18F")
    assert (changed.capacity, changed.floor, changed.attendant) == (12, "18F", dedicated)


def test_it_lets_only_the_office_director_or_attendants_keep_rooms():
    with pytest.raises(PermissionDenied):
        services.room_create(
            actor=factories.user(Role.AGENT), name="x", kind=RoomKind.FLOOR, capacity=5
        )
    made = services.room_create(
        actor=factories.user(Role.OFFICE), name="x", kind=RoomKind.FLOOR, capacity=5
    )
    assert made.pk
