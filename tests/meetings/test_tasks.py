"""R-MTG-2: a booking creates its preparation, in-meeting and after-meeting tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.audit.models import AuditEntry
from kefu.core.services import policy_set
from kefu.errors import Conflict, PermissionDenied
from kefu.meetings import selectors, services
from kefu.meetings.models import Phase, TaskStatus
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.meetings.factories import NOW, SATURDAY, WEDNESDAY, at, booker, booking

pytestmark = pytest.mark.django_db
ALL_NEEDS = {"name_cards": True, "flowers": True, "tea": True, "audio": True, "video": True}


def _tasks(made):
    return {t.kind: t for t in made.tasks.all()}


def test_r_mtg_2_creates_every_task_of_the_seed_for_a_meeting_with_every_need():
    made = booking(start=10, end=12, **ALL_NEEDS)
    tasks = _tasks(made)
    assert set(tasks) == {
        "clean_before", "name_cards", "flowers", "tea", "av_test",
        "greeting", "guiding", "refills", "av_duty", "farewell",
        "cleanup", "tea_sets", "power_off", "doors_windows",
    }  # fmt: skip
    assert {t.phase for t in tasks.values()} == set(Phase.values)
    assert tasks["av_test"].duty == Role.AV_TECHNICIAN
    assert tasks["cleanup"].duty == Role.CLEANER
    assert tasks["tea_sets"].duty == Role.MEETING_ATTENDANT
    assert all(t.status == TaskStatus.OPEN for t in tasks.values())


def test_r_mtg_2_has_the_av_technician_test_the_equipment_one_hour_before_the_start():
    made = booking(start=14, end=16, audio=True)
    tasks = _tasks(made)
    assert tasks["av_test"].due_at == at(WEDNESDAY, 13)
    assert tasks["greeting"].due_at == at(WEDNESDAY, 14)
    assert tasks["farewell"].due_at == at(WEDNESDAY, 16)
    assert tasks["name_cards" if "name_cards" in tasks else "clean_before"].due_at == at(
        WEDNESDAY, 13, 30
    )
    assert tasks["cleanup"].due_at == at(WEDNESDAY, 16, 30)


def test_r_mtg_2_tests_the_equipment_when_asked_instead():
    made = booking(start=14, end=16, video=True, av_lead_minutes=120)
    assert _tasks(made)["av_test"].due_at == at(WEDNESDAY, 12)


def test_r_mtg_2_reads_the_av_lead_time_from_policy():
    policy_set(
        actor=factories.user(Role.SYSADMIN),
        key="meetings.av_test_lead_minutes",
        value="45",
        reason="新规定",
    )
    made = booking(start=14, end=16, audio=True)
    assert _tasks(made)["av_test"].due_at == at(WEDNESDAY, 13, 15)


def test_r_mtg_2_creates_only_the_tasks_the_needs_call_for():
    tasks = _tasks(booking())
    assert "av_test" not in tasks and "tea" not in tasks and "refills" not in tasks
    assert {"clean_before", "greeting", "cleanup", "power_off", "doors_windows"} <= set(tasks)


def test_r_mtg_2_moves_the_open_tasks_with_a_rescheduled_meeting_and_reopens_the_preparation_done():
    member = booker()
    cleaner = factories.user(Role.CLEANER)
    made = booking(actor=member, start=10, end=12, audio=True)
    clean = made.tasks.get(kind="clean_before")
    services.task_complete(actor=cleaner, task=clean, now=NOW)
    services.booking_reschedule(
        actor=member,
        booking=made,
        starts_at=at(WEDNESDAY + dt.timedelta(days=1), 15),
        ends_at=at(WEDNESDAY + dt.timedelta(days=1), 17),
        now=NOW,
    )
    tasks = _tasks(made)
    assert tasks["av_test"].due_at == at(WEDNESDAY + dt.timedelta(days=1), 14)
    assert tasks["cleanup"].due_at == at(WEDNESDAY + dt.timedelta(days=1), 17, 30)
    # Cleaned for the old time: to be done again before the new one.
    cleaning = tasks["clean_before"]
    assert cleaning.status == TaskStatus.OPEN and cleaning.done_at is None
    assert cleaning.due_at == at(WEDNESDAY + dt.timedelta(days=1), 14, 30)
    done = AuditEntry.objects.filter(target_type="meetings.meetingtask", target_id=str(cleaning.pk))
    assert done.exists()  # the cleaning for the old time stays in the audit trail


def test_r_mtg_2_cancels_the_open_tasks_of_a_cancelled_meeting_and_tells_the_staff():
    from kefu.core.models import Notification

    member = booker()
    technician = factories.user(Role.AV_TECHNICIAN)
    made = booking(actor=member, audio=True)
    services.booking_assign_staff(actor=SYSTEM, booking=made, av_technician=technician, now=NOW)
    services.booking_cancel(actor=member, booking=made, reason="领导出差", now=NOW)
    assert set(made.tasks.values_list("status", flat=True)) == {TaskStatus.CANCELLED}
    # told twice: when assigned, and when the meeting was cancelled
    assert Notification.objects.filter(user=technician, text__contains=made.title).count() == 2


def test_r_mtg_2_hands_the_tasks_of_a_post_to_the_staff_assigned():
    technician = factories.user(Role.AV_TECHNICIAN)
    made = booking(audio=True)
    services.booking_assign_staff(actor=SYSTEM, booking=made, av_technician=technician, now=NOW)
    assert _tasks(made)["av_test"].assignee == technician
    assert _tasks(made)["av_duty"].assignee == technician
    assert _tasks(made)["greeting"].assignee is None


def test_r_mtg_2_lists_my_tasks_by_post_and_lets_me_tick_them_off():
    technician = factories.user(Role.AV_TECHNICIAN)
    cleaner = factories.user(Role.CLEANER)
    made = booking(audio=True)
    mine = list(selectors.my_tasks(technician))
    assert [t.kind for t in mine] == ["av_test", "av_duty"]
    done = services.task_complete(actor=technician, task=mine[0], note="话筒已换电池", now=NOW)
    assert (done.status, done.done_by, done.note) == (TaskStatus.DONE, technician, "话筒已换电池")
    assert [t.kind for t in selectors.my_tasks(technician)] == ["av_duty"]
    with pytest.raises(Conflict):
        services.task_complete(actor=technician, task=mine[0], now=NOW)
    with pytest.raises(PermissionDenied):
        services.task_complete(actor=cleaner, task=made.tasks.get(kind="av_duty"), now=NOW)


def test_r_mtg_2_keeps_the_tasks_of_an_unapproved_weekend_meeting_off_the_lists():
    technician = factories.user(Role.AV_TECHNICIAN)
    made = booking(day=SATURDAY, audio=True)
    assert list(selectors.my_tasks(technician)) == []
    with pytest.raises(Conflict):
        services.task_complete(actor=technician, task=made.tasks.get(kind="av_test"), now=NOW)


def test_it_shows_meeting_staff_todays_tasks_on_the_home_page(web):
    import time_machine

    technician = factories.user(Role.AV_TECHNICIAN)
    booking(audio=True, start=15, end=16, title="董事会")
    with time_machine.travel(at(WEDNESDAY, 8), tick=False):
        html = web(user=technician).get("/").content.decode()
    assert 'id="home-meeting-tasks"' in html
    assert "董事会" in html and "14:00" in html
