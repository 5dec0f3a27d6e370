"""Recording results (R-FUP-1), complaint callbacks (R-FUP-2), overdue lists, the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.audit.models import AuditEntry
from kefu.customers.models import TimelineEvent
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.followups.models import FollowUp, Kind, Status
from kefu.followups.selectors import followups_overdue
from kefu.followups.services import (
    complaint_callback_plan,
    complaint_callbacks_sync,
    followup_record,
    followups_generate,
)
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.tickets import services as ticket_services
from kefu.tickets.models import Ticket
from tests import factories
from tests.followups.factories import (
    complaint_awaiting_callback,
    delivered_contract,
    managed_customer,
)

pytestmark = pytest.mark.django_db
DELIVERED = dt.date(2025, 1, 31)


def _first_callback():
    customer = managed_customer()
    contract = delivered_contract(customer, DELIVERED)
    followups_generate(actor=SYSTEM, today=DELIVERED)
    return FollowUp.objects.get(contract=contract), customer.manager


def test_r_fup_1_records_a_reached_callback_on_the_customer_timeline():
    task, manager = _first_callback()
    done = followup_record(actor=manager, followup=task, reached=True, satisfaction=4, notes="满意")
    assert (done.status, done.satisfaction, done.done_by) == (Status.DONE, 4, manager)
    line = TimelineEvent.objects.filter(customer=task.customer, kind="callback").get()
    assert "4" in line.summary and line.link_id == str(task.pk)
    assert AuditEntry.objects.filter(target_id=str(task.pk), action="update").exists()


def test_r_fup_1_turns_an_issue_raised_into_a_linked_ticket_in_one_step():
    task, manager = _first_callback()
    done = followup_record(
        actor=manager,
        followup=task,
        reached=True,
        satisfaction=2,
        notes="门窗漏风",
        issue="客户反映门窗漏风，要求上门检修",
        issue_kind="service_request",
    )
    ticket = done.issue_ticket
    assert ticket.customer == task.customer and ticket.first_responder == manager
    assert ticket.kind == "service_request" and "门窗漏风" in ticket.description


def test_r_fup_1_plans_a_retry_when_the_customer_is_not_reached():
    task, manager = _first_callback()
    today = dt.date(2025, 3, 3)
    followup_record(actor=manager, followup=task, reached=False, notes="无人接听", today=today)
    retry = FollowUp.objects.get(retry_of=task)
    assert (retry.status, retry.attempt, retry.due_on) == (
        Status.PLANNED,
        2,
        today + dt.timedelta(days=2),
    )
    for _ in range(2):
        current = FollowUp.objects.get(contract=task.contract, status=Status.PLANNED)
        followup_record(actor=manager, followup=current, reached=False, notes="无人接听")
    assert FollowUp.objects.filter(contract=task.contract).count() == 3  # policy: 3 attempts
    assert not FollowUp.objects.filter(contract=task.contract, status=Status.PLANNED).exists()


def test_r_fup_1_refuses_a_result_for_a_task_already_done_writing_nothing():
    task, manager = _first_callback()
    followup_record(actor=manager, followup=task, reached=True, satisfaction=5, notes="好")
    with pytest.raises(Conflict):
        followup_record(actor=manager, followup=task, reached=True, satisfaction=1, notes="再记")
    task.refresh_from_db()
    assert task.satisfaction == 5


@pytest.mark.parametrize(
    ("reached", "satisfaction", "issue"),
    [(True, None, ""), (True, 6, ""), (True, 0, ""), (False, 3, ""), (False, None, "有问题")],
)
def test_r_fup_1_refuses_bad_results_and_writes_nothing(reached, satisfaction, issue):
    task, manager = _first_callback()
    with pytest.raises(ValidationFailed):
        followup_record(
            actor=manager,
            followup=task,
            reached=reached,
            satisfaction=satisfaction,
            notes="记录",
            issue=issue,
        )
    task.refresh_from_db()
    assert task.status == Status.PLANNED
    assert not Ticket.objects.exists()


def test_r_fup_1_refuses_a_manager_of_another_department():
    task, _ = _first_callback()
    outsider = factories.user(Role.CUSTOMER_MANAGER, department=factories.department())
    with pytest.raises(PermissionDenied):
        followup_record(actor=outsider, followup=task, reached=True, satisfaction=3, notes="x")


def test_r_fup_2_plans_a_callback_for_a_resolved_complaint_and_records_it_on_the_ticket():
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    assert (task.kind, task.ticket, task.owner) == (
        Kind.COMPLAINT_CALLBACK,
        ticket,
        ticket.customer.manager,
    )
    assert complaint_callbacks_sync()["created"] == 0  # idempotent
    supervisor = factories.user(Role.CS_SUPERVISOR, department=factories.department())
    followup_record(actor=supervisor, followup=task, reached=True, satisfaction=5, notes="已解决")
    ticket.refresh_from_db()
    assert ticket.callback_at is not None and ticket.callback_satisfaction == 5
    closed = ticket_services.ticket_close(actor=supervisor, ticket=ticket, version=ticket.version)
    assert closed.state == "closed"


def test_r_fup_2_retries_an_unreached_complaint_callback_and_keeps_the_complaint_open():
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    followup_record(actor=supervisor, followup=task, reached=False, notes="关机")
    ticket.refresh_from_db()
    assert ticket.callback_at is None and ticket.callback_reached is False
    assert FollowUp.objects.get(ticket=ticket, status=Status.PLANNED).attempt == 2


def test_r_fup_2_marks_a_task_done_when_the_callback_was_recorded_on_the_ticket():
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket_services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=None, reached=True, satisfaction=4, note="好"
    )
    # Done at once, in the same step: the worker's pass finds nothing left to close.
    assert complaint_callbacks_sync()["closed"] == 0
    task.refresh_from_db()
    assert (task.status, task.satisfaction) == (Status.DONE, 4)


def test_r_fup_2_lists_overdue_callbacks_with_owner_and_days_overdue():
    task, manager = _first_callback()
    supervisor = factories.user(Role.CS_SUPERVISOR)
    rows = followups_overdue(supervisor, today=task.due_on + dt.timedelta(days=5))
    assert [(r.pk, r.owner, r.days_overdue) for r in rows] == [(task.pk, manager, 5)]
    assert followups_overdue(supervisor, today=task.due_on) == []
    with pytest.raises(PermissionDenied):
        followups_overdue(manager)


def test_r_fup_2_calls_back_a_caller_without_a_record_showing_their_number_masked(web):
    ticket = complaint_awaiting_callback(phone="13912345678")
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR, department=ticket.department)
    page = web(user=supervisor).get(f"/followups/{task.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    rows = followups_overdue(supervisor, today=task.due_on + dt.timedelta(days=1))
    assert [r.contact_label for r in rows] == ["139****5678"]
    done = followup_record(
        actor=supervisor,
        followup=task,
        reached=True,
        satisfaction=2,
        notes="仍不满意",
        issue="要求更换维修人员",
    )
    assert done.issue_ticket.phone == "13912345678" and done.issue_ticket.customer is None


def test_r_fup_2_a_callback_recorded_on_the_follow_up_moves_the_ticket_on_not_recorded_twice(
    web,
):
    """R-TIC-7, R-FUP-2: one callback per complaint, whichever page records it; the second
    attempt (ticket page, follow-up page) is refused and the first result stands."""
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    client = web(Role.CS_SUPERVISOR, department=ticket.department)
    answer = client.post(
        f"/followups/{task.pk}/", {"reached": "1", "satisfaction": "2", "notes": "仍不满意"}
    )
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.callback_satisfaction, ticket.callback_by) == (2, client.user)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="callback"' not in page  # the "record the callback" form is gone
    assert 'id="ticket-state">待回访<' not in page and 'id="callback-recorded"' in page
    again = client.post(
        f"/tickets/{ticket.pk}/callback/",
        {"version": ticket.version, "reached": "on", "satisfaction": "5", "note": "很满意"},
        follow=True,
    )
    told = again.content.decode()
    assert "不会重复登记" in told or "not recorded twice" in told
    ticket.refresh_from_db()
    task.refresh_from_db()
    assert (ticket.callback_satisfaction, task.satisfaction, task.status) == (2, 2, Status.DONE)
    with pytest.raises(Conflict) as refused:
        ticket_services.ticket_record_callback(
            actor=client.user, ticket=ticket, version=ticket.version, reached=True,
            satisfaction=5, note="很满意",
        )  # fmt: skip
    assert refused.value.status == 409
    assert "不会重复登记" in refused.value.message or "not recorded twice" in refused.value.message
    assert ticket.events.filter(kind="callback").count() == 1


def test_r_fup_2_a_callback_recorded_on_the_ticket_closes_its_follow_up_task():
    """R-TIC-7, R-FUP-2: the ticket page records through the callback task, so the follow-up
    page shows it done and cannot record it again."""
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket = ticket_services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=ticket.version, reached=True, satisfaction=4,
        note="满意",
    )  # fmt: skip
    task.refresh_from_db()
    assert (task.status, task.satisfaction, task.done_by) == (Status.DONE, 4, supervisor)
    assert FollowUp.objects.filter(ticket=ticket, kind=Kind.COMPLAINT_CALLBACK).count() == 1
    with pytest.raises(Conflict):
        followup_record(actor=supervisor, followup=task, reached=True, satisfaction=5, notes="再次")
    ticket.refresh_from_db()
    assert ticket.callback_satisfaction == 4


def test_r_fup_2_an_unreached_callback_on_the_ticket_plans_the_retry_like_the_follow_up_page():
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket = ticket_services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=ticket.version, reached=False,
        satisfaction=None, note="无人接听",
    )  # fmt: skip
    task.refresh_from_db()
    assert task.status == Status.UNREACHED
    retry = FollowUp.objects.get(retry_of=task)
    assert retry.status == Status.PLANNED and ticket.callback_at is None


def test_r_tic_4_an_issue_raised_during_a_callback_is_no_repeat_contact(web):
    """R-TIC-4: we called the customer; the issue they raise is linked to the callback and
    the complaint, and neither counted as a repeat contact nor noted as "called again"."""
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    supervisor = factories.user(Role.CS_SUPERVISOR, department=ticket.department)
    done = followup_record(
        actor=supervisor, followup=task, reached=True, satisfaction=3, notes="基本满意",
        issue="客户另反映楼道灯不亮",
    )  # fmt: skip
    ticket.refresh_from_db()
    new = done.issue_ticket
    assert ticket.repeat_contacts == 0 and new.repeat_of is None
    assert not ticket.events.filter(kind="repeat").exists()
    assert ticket.events.filter(kind="comment", note__contains=new.number).exists()
    page = web(user=supervisor).get(f"/tickets/{new.pk}/").content.decode()
    assert 'id="raised-in"' in page and ticket.number in page
    original = web(user=supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "重复来电 1 次" not in original  # no repeat tag; the linking note says it is none
    assert "不计为重复来电" in original


def test_r_fup_2_the_api_refuses_a_second_callback_with_409_and_keeps_the_first(api):
    """R-TIC-7, R-FUP-2: recorded on the follow-up, the ticket's callback endpoint says 409."""
    ticket = complaint_awaiting_callback()
    task = complaint_callback_plan(ticket=ticket)
    client = api(Role.CS_SUPERVISOR, department=ticket.department)
    first = client.post(
        f"followups/tasks/{task.pk}/result",
        {"reached": True, "satisfaction": 2, "notes": "仍不满意"},
    )
    assert first.status_code == 200, first.content
    ticket.refresh_from_db()
    second = client.post(
        f"tickets/{ticket.pk}/callback",
        {"version": ticket.version, "reached": True, "satisfaction": 5, "note": "很满意"},
    )
    assert second.status_code == 409
    ticket.refresh_from_db()
    assert ticket.callback_satisfaction == 2
