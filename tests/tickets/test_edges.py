"""Edges found in review: oversized amounts, late answers, stale callbacks, naive times, masking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.tickets import services
from kefu.tickets.models import FeeItem, Handoff, HandoffStatus, Ticket
from kefu.tickets.states import State
from tests import factories
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db


def _later(hours=24):
    return timezone.now() + dt.timedelta(hours=hours)


def test_it_refuses_an_oversized_quantity_and_stores_nothing(api):
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, kind="service_request")
    client = api(user=agent)
    for quantity in ("99999999999", "1e30", "NaN"):
        response = client.post(
            f"tickets/{ticket.pk}/charges",
            {"version": ticket.version, "item_code": "drain", "quantity": quantity},
        )
        assert response.status_code == 400, quantity
    ticket.refresh_from_db()
    assert ticket.charged_total == 0
    assert client.get(f"tickets/{ticket.pk}").status_code == 200


def test_it_refuses_a_fee_price_its_column_cannot_hold(api):
    response = api(Role.CS_SUPERVISOR).put(
        "tickets/settings/fees/huge", {"name": "巨额", "price": "123456789012"}
    )
    assert response.status_code == 400
    assert not FeeItem.objects.filter(code="huge").exists()


def test_it_withdraws_a_pending_form_when_the_ticket_is_closed():
    """A late answer can never reopen or reassign a closed ticket."""
    agent = tf.agent()
    other = factories.department(name="工程部")
    tech = factories.user(Role.TECH_SERVICE, department=other)
    ticket = tf.ticket(actor=agent)
    form = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=other,
        what="x", why="y", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    ticket = services.ticket_resolve(
        actor=agent, ticket=ticket, version=ticket.version, resolution="已答复"
    )
    ticket = services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)
    form.refresh_from_db()
    assert form.status == HandoffStatus.WITHDRAWN
    with pytest.raises(Conflict):
        services.handoff_reject(
            actor=tech, handoff=form, version=ticket.version, reason="不属本部门"
        )
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED and ticket.department == agent.department


def test_it_asks_for_a_new_callback_after_a_complaint_is_resolved_again():
    """R-TIC-7: a callback counts for the resolution it followed, not a later one."""
    agent = tf.agent()
    supervisor = factories.user(Role.CS_SUPERVISOR)
    ticket = tf.ticket(actor=agent, kind="complaint", resolve_now=True, resolution="道歉")
    ticket = services.ticket_record_callback(
        actor=supervisor, ticket=ticket, version=ticket.version, reached=True, satisfaction=2,
        note="不满意",
    )  # fmt: skip
    ticket = services.ticket_transition(
        actor=agent, ticket=ticket, version=ticket.version, to_state="tracking"
    )
    ticket = services.ticket_resolve(
        actor=agent, ticket=ticket, version=ticket.version, resolution="整改完成"
    )
    assert ticket.callback_at is None
    with pytest.raises(Conflict):
        services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)


def test_it_does_not_let_a_form_filed_after_solving_block_later_handoffs():
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, resolve_now=True, resolution="已处理")
    services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=factories.department(),
        what="补单", why="记录", due_by=_later(),
    )  # fmt: skip
    assert Handoff.objects.get().status == HandoffStatus.ACCEPTED
    ticket.refresh_from_db()
    ticket = services.ticket_close(actor=agent, ticket=ticket, version=ticket.version)
    assert ticket.state == State.CLOSED


def test_it_does_not_count_a_complaint_awaiting_its_callback_as_late():
    """R-TIC-6: resolved in time is in time, whatever the callback's schedule."""
    ticket = tf.ticket(kind="complaint", resolve_now=True, resolution="已处理")
    checked = services.tickets_check_time_limits(now=ticket.resolution_due + dt.timedelta(days=1))
    ticket.refresh_from_db()
    assert checked == 0 and not ticket.resolution_breached


def test_it_ends_the_pause_when_a_waiting_ticket_is_accepted_elsewhere():
    """R-TIC-6: leaving waiting by a hand-off also moves the due times on."""
    agent = tf.agent()
    other = factories.department()
    tech = factories.user(Role.TECH_SERVICE, department=other)
    ticket = tf.ticket(actor=agent, kind="fault")
    form = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=other,
        what="x", why="y", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    ticket = services.ticket_transition(
        actor=agent, ticket=ticket, version=ticket.version, to_state="waiting"
    )
    due = ticket.resolution_due
    Ticket.objects.filter(pk=ticket.pk).update(paused_since=timezone.now() - dt.timedelta(hours=3))
    ticket.refresh_from_db()
    ticket = services.handoff_accept(actor=tech, handoff=form, version=ticket.version)
    assert ticket.paused_since is None and ticket.paused_seconds >= 3 * 3600
    assert ticket.resolution_due >= due + dt.timedelta(hours=3)


def test_it_reads_a_time_without_zone_as_local_time(api):
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    other = factories.department()
    naive = (timezone.localtime() + dt.timedelta(days=2)).replace(tzinfo=None).isoformat()
    response = api(user=agent).post(
        f"tickets/{ticket.pk}/handoff",
        {"version": ticket.version, "to_department_id": other.pk, "what": "x", "why": "y",
         "due_by": naive},
    )  # fmt: skip
    assert response.status_code == 201


def test_it_answers_odd_numbers_in_links_without_a_500(web):
    client = web(user=tf.agent())
    for url in ("/tickets/?customer=²", "/tickets/new/?customer=²", "/tickets/matches/?customer=²",
                "/settings/calendar/?year=²", "/settings/calendar/?year=0"):  # fmt: skip
        assert client.get(url).status_code == 200, url


def test_it_lets_only_the_receiving_department_answer_a_form():
    """R-SEC-3: company-wide work rights do not answer for another department."""
    agent = tf.agent()
    supervisor = factories.user(Role.CS_SUPERVISOR, department=agent.department)
    other = factories.department(name="工程部")
    ticket = tf.ticket(actor=agent)
    form = services.ticket_handoff(
        actor=agent, ticket=ticket, version=ticket.version, to_department=other,
        what="x", why="y", due_by=_later(),
    )  # fmt: skip
    ticket.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.handoff_accept(actor=supervisor, handoff=form, version=ticket.version)


def test_it_keeps_the_auditor_from_writing_notes(api):
    ticket = tf.ticket()
    response = api(Role.AUDITOR).post(f"tickets/{ticket.pk}/notes", {"note": "审计意见"})
    assert response.status_code == 403


def test_it_masks_the_callers_number_in_the_api(api):
    agent = tf.agent()
    ticket = tf.ticket(actor=agent, phone="13912345678")
    body = api(user=agent).get(f"tickets/{ticket.pk}").json()
    assert body["phone"] == "139****5678"


def test_it_refuses_a_calendar_year_out_of_range(api):
    assert api(Role.SYSADMIN).get("calendar/0").status_code == 400
    with pytest.raises(ValidationFailed):
        from kefu.core.calendar_services import calendar_year_summary

        calendar_year_summary(10000)
