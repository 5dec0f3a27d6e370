"""R-TIC-2, R-TIC-3: the first responder owns the contact and follows it to the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.tickets import services
from kefu.tickets.models import Handoff
from kefu.tickets.states import State
from tests import factories
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db


def _later(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


def test_it_records_the_first_responder_permanently():
    """R-TIC-2: whoever records the first contact is the first responder, for good."""
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    assert ticket.first_responder == agent and ticket.owner == agent
    receiving = factories.department(name="工程部")
    tech = factories.user(Role.TECH_SERVICE, department=receiving)
    handoff = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=receiving,
        what="上门检修", why="超出坐席处理范围", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    services.handoff_accept(actor=tech, handoff=handoff, version=ticket.version)
    ticket.refresh_from_db()
    assert ticket.owner == tech and ticket.department == receiving
    assert ticket.first_responder == agent
    assert ticket.state == State.IN_PROGRESS


def test_it_counts_a_matter_finished_at_once_as_first_contact_resolution():
    """R-TIC-2: 一次办结 is measured."""
    ticket = tf.ticket(resolve_now=True, resolution="已告知物业费缴纳方式")
    assert ticket.resolved_at_first_contact
    assert ticket.state == State.RESOLVED
    assert ticket.responded_at == ticket.resolved_at


def test_it_refuses_resolving_at_once_without_saying_how():
    with pytest.raises(ValidationFailed) as refused:
        tf.ticket(resolve_now=True, resolution=" ")
    assert refused.value.errors[0].field == "resolution"


def test_it_hands_off_with_a_work_contact_form_saying_what_why_and_by_when():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, kind="fault")
    target = factories.department(name="工程部")
    factories.user(Role.TECH_SERVICE, department=target)
    due = _later(4)
    handoff = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=target,
        what="电梯困人，立即处理", why="属工程部职责", due_by=due,
    )  # fmt: skip
    assert (handoff.what, handoff.why, handoff.due_by) == (
        "电梯困人，立即处理",
        "属工程部职责",
        due,
    )
    assert not handoff.filed_after


def test_it_lets_the_first_responder_solve_first_and_file_the_form_after():
    """R-TIC-3: 先解决后补单 — the form is attached to the resolved ticket."""
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, resolve_now=True, resolution="现场已复位跳闸开关")
    target = factories.department(name="工程部")
    handoff = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=target,
        what="检查线路老化", why="跳闸反复出现", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    assert handoff.filed_after
    assert ticket.state == State.RESOLVED


def test_it_tells_the_first_responder_of_every_change():
    """R-TIC-2: the first responder keeps following until closed and is told of each change."""
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    target = factories.department(name="工程部")
    tech = factories.user(Role.TECH_SERVICE, department=target)
    handoff = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=target,
        what="处理", why="职责", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    ticket = services.handoff_accept(actor=tech, handoff=handoff, version=ticket.version)
    ticket = services.ticket_resolve(
        actor=tech, ticket=ticket, version=ticket.version, resolution="已修复"
    )
    services.ticket_close(actor=tech, ticket=ticket, version=ticket.version)
    texts = list(Notification.objects.filter(user=agent).values_list("text", flat=True))
    assert any(ticket.number in t and "已接收" in t for t in texts)
    assert any(ticket.number in t and "已办结" in t for t in texts)
    assert any(ticket.number in t and "已关闭" in t for t in texts)


def test_it_refuses_a_handoff_to_an_inactive_department_and_writes_nothing():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    gone = factories.department(name="撤销部门")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_handoff(
            actor=agent, ticket=ticket, version=ticket.version, to_department=gone,
            what="x", why="y", due_by=_later(),
        )  # fmt: skip
    assert refused.value.errors[0].field == "to_department"
    assert not Handoff.objects.exists()


def test_it_refuses_a_handoff_due_in_the_past():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    with pytest.raises(ValidationFailed):
        services.ticket_handoff(
            actor=agent, ticket=ticket, version=ticket.version,
            to_department=factories.department(), what="x", why="y", due_by=_later(-1),
        )  # fmt: skip


def test_it_refuses_work_on_another_departments_ticket():
    ticket = tf.ticket()
    stranger = tf.agent()
    with pytest.raises(PermissionDenied):
        services.ticket_resolve(
            actor=stranger, ticket=ticket, version=ticket.version, resolution="x"
        )


def test_it_refuses_a_ticket_without_customer_or_phone():
    with pytest.raises(ValidationFailed) as refused:
        services.ticket_create(
            actor=tf.agent(), kind="inquiry", channel="phone", description="匿名来电"
        )
    assert refused.value.errors[0].field == "customer"


def test_it_accepts_an_unknown_caller_by_phone_number():
    ticket = tf.ticket(phone="+86 138 1234 5678")
    assert ticket.phone == "13812345678" and ticket.customer is None


def test_it_refuses_a_second_pending_form_on_the_same_ticket():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version,
        to_department=factories.department(), what="x", why="y", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    with pytest.raises(Conflict):
        services.ticket_handoff(
            actor=agent, ticket=ticket, version=ticket.version,
            to_department=factories.department(), what="x", why="y", due_by=_later(),
        )  # fmt: skip
