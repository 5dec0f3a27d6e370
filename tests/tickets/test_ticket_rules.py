"""R-TIC-4 to R-TIC-10 and R-CH-1, through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.core.models import Notification
from kefu.core.services import policy_set
from kefu.customers.services import customer_blacklist
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from kefu.tickets import services
from kefu.tickets.models import EventKind, Ticket, TimeLimit
from kefu.tickets.states import State
from tests import factories
from tests.customers import factories as cf
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _later(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


def _handoff(actor, ticket, department, **kw):
    ticket.refresh_from_db()
    return services.ticket_handoff(
        actor=actor, ticket=ticket, version=ticket.version, to_department=department,
        what=kw.get("what", "请处理"), why=kw.get("why", "职责范围"), due_by=_later(),
    )  # fmt: skip


# ---------------------------------------------------------------- R-TIC-4


def test_it_links_a_new_contact_to_the_customers_open_ticket_as_a_repeat():
    """R-TIC-4: never make the customer call twice — a second call is linked and counted."""
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    first = tf.ticket(actor=agent, customer=customer, kind="fault")
    second = tf.ticket(actor=tf.agent(agent.department), customer=customer)
    first.refresh_from_db()
    assert second.repeat_of == first
    assert first.repeat_contacts == 1
    assert first.events.filter(kind=EventKind.REPEAT).exists()
    assert Notification.objects.filter(user=agent, text__contains=first.number).exists()


def test_it_matches_a_repeat_caller_by_phone_number_alone():
    first = tf.ticket(phone="13912345678")
    second = tf.ticket(phone="139-1234-5678")
    assert second.repeat_of == first


def test_it_links_to_a_ticket_closed_within_the_window_but_not_older(sysadmin):
    """R-TIC-4: closed within the last 7 days (a policy setting) still counts."""
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    old = tf.ticket(actor=agent, customer=customer, resolve_now=True, resolution="已答复")
    old = services.ticket_close(actor=agent, ticket=old, version=old.version)

    def long_closed(ticket, days):
        Ticket.objects.filter(pk=ticket.pk).update(
            state=State.CLOSED, closed_at=timezone.now() - dt.timedelta(days=days)
        )

    within = tf.ticket(actor=agent, customer=customer)
    assert within.repeat_of == old
    long_closed(within, 60)
    long_closed(old, 8)
    outside = tf.ticket(actor=agent, customer=customer)
    assert outside.repeat_of is None
    long_closed(outside, 60)
    policy_set(actor=sysadmin, key="tickets.repeat_window_days", value="10")
    assert tf.ticket(actor=agent, customer=customer).repeat_of == old


def test_it_counts_a_contact_added_to_an_existing_ticket():
    ticket = tf.ticket()
    ticket = services.ticket_add_contact(
        actor=ticket.first_responder, ticket=ticket, channel="web", note="客户在网上再次催促"
    )
    assert ticket.repeat_contacts == 1


# ---------------------------------------------------------------- R-TIC-5


def test_it_escalates_a_major_matter_to_the_general_manager_at_once():
    """R-TIC-5: 重大事项 go to the GM at once."""
    gm = factories.user(Role.GM)
    ticket = tf.ticket(kind="fault", is_major=True)
    assert ticket.escalation_level == 3
    assert Notification.objects.filter(user=gm, text__contains=ticket.number).exists()


def test_it_escalates_a_key_customers_complaint_to_the_general_manager():
    """R-TIC-5: a complaint by a grade-A (key) customer is a major matter."""
    gm = factories.user(Role.GM)
    agent = tf.agent()
    key = cf.customer(department=agent.department)
    type(key).objects.filter(pk=key.pk).update(first_grade="A")
    key.refresh_from_db()
    ticket = tf.ticket(actor=agent, customer=key, kind="complaint")
    assert ticket.escalation_level == 3
    assert Notification.objects.filter(user=gm).exists()
    ordinary = tf.ticket(kind="complaint")
    assert ordinary.escalation_level == 0


# ---------------------------------------------------------------- R-TIC-6


def test_it_stores_due_times_in_business_hours_on_the_chinese_calendar():
    """R-TIC-6: a complaint recorded before National Day is due after the holiday."""
    TimeLimit.objects.filter(kind="complaint", priority="normal").update(
        response_minutes=60, resolution_minutes=450, clock="business"
    )
    start = dt.datetime(2025, 9, 30, 17, 30, tzinfo=SH)
    ticket = tf.ticket(kind="complaint", now=start)
    assert ticket.response_due == dt.datetime(2025, 10, 9, 9, 30, tzinfo=SH)
    assert ticket.resolution_due == dt.datetime(2025, 10, 9, 17, 30, tzinfo=SH)


def test_it_counts_faults_around_the_clock():
    start = dt.datetime(2025, 10, 1, 23, 0, tzinfo=SH)
    ticket = tf.ticket(kind="fault", now=start)
    assert ticket.clock == "always"
    assert ticket.resolution_due == start + dt.timedelta(hours=24)


def test_it_records_the_contact_but_names_the_calendar_year_nobody_entered():
    """R-TIC-6: an unknown year is explicit, never a silent guess — and the first responder
    is still never turned away: the ticket is recorded without due times, saying why."""
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket = tf.ticket(kind="complaint", now=dt.datetime(2031, 3, 3, 10, 0, tzinfo=SH))
    assert ticket.response_due is None and ticket.resolution_due is None
    note = ticket.events.get(kind=EventKind.COMMENT).note
    assert "2031" in note
    assert Notification.objects.filter(user=supervisor, text__contains="2031").exists()
    assert services.tickets_check_time_limits(now=dt.datetime(2031, 12, 1, tzinfo=SH)) == 0


def test_it_escalates_one_level_per_breach_and_counts_it():
    """R-TIC-6: supervisor → director → general manager."""
    supervisor = factories.user(Role.CS_SUPERVISOR)
    director = factories.user(Role.DIRECTOR)
    ticket = tf.ticket(kind="fault")
    later = ticket.response_due + dt.timedelta(minutes=1)
    assert services.tickets_check_time_limits(now=later) == 1
    ticket.refresh_from_db()
    assert ticket.response_breached and ticket.escalation_level == 1
    assert Notification.objects.filter(user=supervisor, text__contains=ticket.number).exists()
    assert services.tickets_check_time_limits(now=later) == 0  # counted once
    much_later = ticket.resolution_due + dt.timedelta(minutes=1)
    assert services.tickets_check_time_limits(now=much_later) == 1
    ticket.refresh_from_db()
    assert ticket.resolution_breached and ticket.escalation_level == 2
    assert Notification.objects.filter(user=director, text__contains=ticket.number).exists()


def test_it_pauses_the_clock_while_waiting_on_the_customer():
    """R-TIC-6: waiting on the customer stops the time limits; the paused time is recorded."""
    ticket = tf.ticket(kind="fault")
    due = ticket.resolution_due
    ticket = services.ticket_transition(
        actor=ticket.first_responder, ticket=ticket, version=ticket.version, to_state="waiting"
    )
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - dt.timedelta(hours=5))
    ticket.refresh_from_db()
    assert services.tickets_check_time_limits(now=due + dt.timedelta(hours=1)) == 0
    ticket = services.ticket_transition(
        actor=ticket.first_responder, ticket=ticket, version=ticket.version, to_state="open"
    )
    assert ticket.paused_seconds >= 5 * 3600
    assert ticket.resolution_due >= due + dt.timedelta(hours=5)


# ---------------------------------------------------------------- R-TIC-7


def test_it_refuses_closing_a_complaint_before_its_callback_is_recorded():
    """R-TIC-7: record → analyse → assign → … → callback → close; no close without callback."""
    agent = tf.agent()
    supervisor = factories.user(Role.CS_SUPERVISOR, department=agent.department)
    ticket = tf.ticket(actor=agent, kind="complaint")
    for state in ("analysing", "assigned", "tracking"):
        ticket = services.ticket_transition(
            actor=agent, ticket=ticket, version=ticket.version, to_state=state
        )
    ticket = services.ticket_resolve(
        actor=agent, ticket=ticket, version=ticket.version, resolution="已向客户道歉并整改"
    )
    assert ticket.state == State.CALLBACK
    with pytest.raises(Conflict) as refused:
        services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)
    assert "callback" in refused.value.message or "回访" in refused.value.message
    ticket = services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=ticket.version, reached=True, satisfaction=4,
        note="客户表示满意",
    )  # fmt: skip
    ticket = services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)
    assert ticket.state == State.CLOSED


def test_it_does_not_count_an_unreached_callback():
    agent = tf.agent()
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket = tf.ticket(actor=agent, kind="complaint", resolve_now=True, resolution="已处理")
    ticket = services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=ticket.version, reached=False,
        satisfaction=None, note="无人接听",
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)


def test_it_refuses_a_transition_the_state_table_does_not_allow():
    ticket = tf.ticket(kind="complaint")
    with pytest.raises(Conflict) as refused:
        services.ticket_transition(
            actor=ticket.first_responder, ticket=ticket, version=ticket.version,
            to_state="tracking",
        )  # fmt: skip
    assert "tracking" in refused.value.message or "跟踪" in refused.value.message
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


# ---------------------------------------------------------------- R-TIC-8


def test_it_flags_a_missed_appointment():
    """R-TIC-8: an agreed visit time not kept is flagged."""
    ticket = tf.ticket(kind="service_request", appointment_at=_later(2))
    assert services.tickets_flag_missed_appointments(now=_later(1)) == 0
    assert services.tickets_flag_missed_appointments(now=_later(3)) == 1
    ticket.refresh_from_db()
    assert ticket.appointment_missed


def test_it_refuses_an_appointment_in_the_past():
    with pytest.raises(ValidationFailed) as refused:
        tf.ticket(kind="service_request", appointment_at=_later(-1))
    assert refused.value.errors[0].field == "appointment_at"


def test_it_charges_from_the_fee_schedule_and_records_payment():
    """R-TIC-8: 有偿服务按收费标准收费; the charge and the payment are recorded."""
    ticket = tf.ticket(kind="service_request")
    agent = ticket.first_responder
    charge = services.ticket_charge(
        actor=agent, ticket=ticket, version=ticket.version, item_code="drain", quantity=2
    )
    assert charge.amount == 100
    ticket.refresh_from_db()
    services.ticket_payment(
        actor=agent, ticket=ticket, version=ticket.version, amount="60", method="微信"
    )
    ticket.refresh_from_db()
    assert (ticket.charged_total, ticket.paid_total) == (100, 60)
    with pytest.raises(ValidationFailed):
        services.ticket_payment(
            actor=agent, ticket=ticket, version=ticket.version, amount="50", method="现金"
        )


def test_it_refuses_a_fee_not_in_the_schedule():
    ticket = tf.ticket(kind="service_request")
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_charge(
            actor=ticket.first_responder, ticket=ticket, version=ticket.version,
            item_code="massage",
        )  # fmt: skip
    assert "massage" in refused.value.message


def test_it_refuses_a_paid_service_for_a_blacklisted_customer_but_takes_a_complaint():
    """R-CUS-5 through R-TIC-8: no paid service while blacklisted; complaints still accepted."""
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    customer_blacklist(actor=SYSTEM, customer=customer, reason="恶意欠费", until=None)
    ticket = tf.ticket(actor=agent, customer=customer, kind="service_request")
    with pytest.raises(Conflict) as refused:
        services.ticket_charge(
            actor=agent, ticket=ticket, version=ticket.version, item_code="drain"
        )
    assert "恶意欠费" in refused.value.message
    assert tf.ticket(actor=agent, customer=customer, kind="complaint").pk


# ---------------------------------------------------------------- R-TIC-9


def test_it_sends_a_rejected_handoff_to_the_office_whose_decision_binds():
    """R-TIC-9: rejected by the assigned department → office arbitration, binding."""
    agent = tf.agent()
    engineering = factories.department(name="工程部")
    tech = factories.user(Role.TECH_SERVICE, department=engineering)
    office = factories.user(Role.OFFICE, department=factories.department(name="办公室"))
    ticket = tf.ticket(actor=agent, kind="fault")
    handoff = _handoff(agent, ticket, engineering)
    ticket.refresh_from_db()
    ticket = services.handoff_reject(
        actor=tech, handoff=handoff, version=ticket.version, reason="不属于工程部"
    )
    assert ticket.state == State.ARBITRATION
    assert Notification.objects.filter(user=office, text__contains=ticket.number).exists()
    with pytest.raises(PermissionDenied):
        services.ticket_arbitrate(
            actor=agent, ticket=ticket, version=ticket.version, department=engineering,
            decision="x",
        )  # fmt: skip
    ticket = services.ticket_arbitrate(
        actor=office, ticket=ticket, version=ticket.version, department=engineering,
        owner=tech, decision="电梯故障属工程部职责，由工程部处理",
    )  # fmt: skip
    assert (ticket.state, ticket.department, ticket.owner) == (State.IN_PROGRESS, engineering, tech)
    assert ticket.events.filter(kind=EventKind.ARBITRATED, note__contains="工程部").exists()


def test_it_sends_a_ticket_bounced_more_than_twice_to_arbitration():
    """R-TIC-9: handed between departments more than twice."""
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    for n in range(3):
        dept = factories.department(name=f"部门{n}")
        receiver = factories.user(Role.TECH_SERVICE, department=dept)
        handoff = _handoff(agent if n == 0 else previous, ticket, dept)  # noqa: F821
        ticket.refresh_from_db()
        if ticket.state == State.ARBITRATION:
            break
        ticket = services.handoff_accept(actor=receiver, handoff=handoff, version=ticket.version)
        previous = receiver  # noqa: F841
    ticket.refresh_from_db()
    assert ticket.department_transfers == 3
    assert ticket.state == State.ARBITRATION


# ---------------------------------------------------------------- R-TIC-10


def test_it_refuses_a_change_made_on_a_stale_version_naming_who_changed_it():
    """R-TIC-10: two people on one ticket never overwrite each other."""
    agent = tf.agent(full_name="周小燕")
    colleague = tf.agent(agent.department)
    ticket = tf.ticket(actor=agent)
    seen = ticket.version
    services.ticket_transition(actor=agent, ticket=ticket, version=seen, to_state="waiting")
    with pytest.raises(Conflict) as refused:
        services.ticket_resolve(actor=colleague, ticket=ticket, version=seen, resolution="已答复")
    assert "周小燕" in refused.value.message
    ticket.refresh_from_db()
    assert ticket.state == State.WAITING and ticket.resolution == ""


def test_it_never_makes_two_tickets_for_one_idempotency_key():
    agent = tf.agent()
    first = tf.ticket(actor=agent, phone="13912345670", idempotency_key="abc-1")
    again = tf.ticket(actor=agent, phone="13912345670", idempotency_key="abc-1")
    assert first.pk == again.pk
    assert Ticket.objects.count() == 1


# ---------------------------------------------------------------- R-CH-1, R-TIC-1


@pytest.mark.parametrize("channel", ["phone", "web", "walk_in", "email", "store", "other"])
def test_it_takes_every_channel_into_the_same_customer_and_flow(channel):
    """R-CH-1, R-TIC-1: web, store and phone land in the same record and flow."""
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    ticket = tf.ticket(actor=agent, customer=customer, channel=channel, kind="demand")
    assert ticket.customer == customer and ticket.channel == channel
    assert ticket.state == State.OPEN


def test_it_refuses_an_unknown_kind_naming_the_field():
    with pytest.raises(ValidationFailed) as refused:
        tf.ticket(kind="gossip")
    assert refused.value.errors[0].field == "kind"


# ---------------------------------------------------------------- merge and split


def test_it_merges_two_tickets_about_one_matter_keeping_both_histories():
    agent = tf.agent()
    customer = cf.customer(department=agent.department)
    keep = tf.ticket(actor=agent, customer=customer, kind="fault")
    other = services.ticket_create(
        actor=agent, kind="fault", channel="web", description="同一故障网上报修", customer=customer
    )
    keep.refresh_from_db()
    into = services.ticket_merge(
        actor=agent, ticket=other, version=other.version, into=keep, into_version=keep.version
    )
    other.refresh_from_db()
    assert other.merged_into == into and other.state == State.CLOSED
    assert other.events.filter(kind=EventKind.CREATED).exists()
    assert into.events.filter(kind=EventKind.MERGED).exists()
    with pytest.raises(ValidationFailed):
        services.ticket_merge(
            actor=agent, ticket=into, version=into.version, into=into, into_version=into.version
        )


def test_it_splits_a_second_matter_into_its_own_ticket():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, kind="service_request")
    part = services.ticket_split(
        actor=agent, ticket=ticket, version=ticket.version, kind="complaint", title="顺带投诉",
        description="客户同时投诉保安态度",
    )  # fmt: skip
    assert part.split_from == ticket and part.kind == "complaint"
    assert part.first_responder == ticket.first_responder
    assert part.resolution_due is not None
    assert ticket.events.filter(kind=EventKind.SPLIT).exists()
