"""Ticket pages: record a contact, act on it, see refusals as messages (never a 500)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.org.roles import Role
from kefu.tickets.models import Ticket
from kefu.tickets.states import State
from tests import factories
from tests.customers import factories as cf
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db


def test_it_records_a_contact_from_the_page_and_shows_open_tickets_first(web):
    agent = tf.agent()
    customer = cf.customer(department=agent.department, name="李娜")
    earlier = tf.ticket(actor=agent, customer=customer, kind="fault", title="停电")
    client = web(user=agent)
    form = client.get(f"/tickets/new/?customer={customer.pk}").content.decode()
    assert "李娜" in form and earlier.number in form
    saved = client.post(
        "/tickets/new/",
        {"customer": customer.pk, "kind": "inquiry", "channel": "phone", "priority": "normal",
         "description": "询问停电何时恢复"},
    )  # fmt: skip
    assert saved.status_code == 302
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    assert ticket.repeat_of == earlier
    page = client.get(saved["Location"]).content.decode()
    assert ticket.number in page and "周" not in ticket.number


def test_it_shows_a_refusal_on_the_form_not_a_500(web):
    client = web(user=tf.agent())
    page = client.post(
        "/tickets/new/", {"kind": "inquiry", "channel": "phone", "priority": "normal",
                          "description": "匿名来电"},
    )  # fmt: skip
    assert page.status_code == 200
    assert "form-errors" in page.content.decode() or "field-error" in page.content.decode()
    assert not Ticket.objects.exists()


def test_it_resolves_from_the_page_and_refuses_a_stale_form(web):
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    client = web(user=agent)
    url = f"/tickets/{ticket.pk}/resolve/"
    assert client.post(url, {"version": ticket.version, "resolution": "已答复"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    stale = client.post(f"/tickets/{ticket.pk}/close/", {"version": ticket.version - 1})
    assert stale.status_code == 302
    follow = client.get(stale["Location"]).content.decode()
    assert "messages" in follow
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED


def test_it_shows_the_receiving_department_the_accept_and_reject_buttons(web):
    agent = tf.agent()
    engineering = factories.department(name="工程部")
    tech = factories.user(Role.TECH_SERVICE, department=engineering)
    ticket = tf.ticket(actor=agent, kind="fault")
    client = web(user=agent)
    due = timezone.localtime(timezone.now() + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M")
    sent = client.post(
        f"/tickets/{ticket.pk}/handoff/",
        {"version": ticket.version, "to_department": engineering.pk, "what": "检修",
         "why": "设备故障", "due_by": due},
    )  # fmt: skip
    assert sent.status_code == 302
    receiver = web(user=tech)
    page = receiver.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="answer-handoff"' in page
    assert "检修" in receiver.get("/tickets/handoffs/").content.decode()


def test_it_lists_the_queues_and_exports_xlsx(web):
    agent = tf.agent()
    tf.ticket(actor=agent, kind="fault")
    client = web(user=agent)
    page = client.get("/tickets/?queue=first").content.decode()
    assert 'id="ticket-list"' in page and "GD" in page
    export = client.get("/tickets/?queue=first&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_finds_the_customer_while_recording_a_contact(web):
    agent = tf.agent()
    customer = cf.customer(department=agent.department, name="欧阳娜娜")
    client = web(user=agent)
    found = client.get("/tickets/customers/", {"q": "欧阳"}).content.decode()
    assert f"?customer={customer.pk}" in found and customer.phone not in found
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f"/tickets/new/?customer={customer.pk}" in page


def test_it_ties_a_ticket_recorded_from_the_screen_pop_to_its_call(web):
    """R-CC-3: answering links the call to the ticket the agent records."""
    from django.utils import timezone

    from tests.callcenter import factories as ccf

    agent = tf.agent()
    call = ccf.call(enter_at=timezone.now(), caller="13912340001")
    client = web(user=agent)
    form = client.get(f"/tickets/new/?phone=13912340001&call={call.pk}").content.decode()
    assert f'name="call" value="{call.pk}"' in form
    saved = client.post(
        "/tickets/new/",
        {"call": call.pk, "phone": "13912340001", "kind": "inquiry", "channel": "phone",
         "priority": "normal", "description": "来电咨询"},
    )  # fmt: skip
    assert saved.status_code == 302
    call.refresh_from_db()
    assert call.ticket is not None and call.ticket.phone == "13912340001"


# ---------------------------------------------------------------- links that would 403


@pytest.mark.parametrize("role", [Role.GM, Role.AUDITOR])
def test_the_queue_offers_record_a_contact_only_to_who_may_record(web, role):
    """R-TIC-2: the "record a contact" button leads to a page that is 403 for these roles."""
    client = web(role)
    page = client.get("/tickets/?queue=department").content.decode()
    assert 'href="/tickets/new/"' not in page
    assert client.get("/tickets/new/").status_code == 403
    assert 'href="/tickets/new/"' in web(Role.AGENT).get("/tickets/").content.decode()


@pytest.mark.parametrize("role", [Role.GM, Role.AUDITOR, Role.OFFICE])
def test_the_home_page_links_waiting_work_contact_forms_only_for_who_works_tickets(web, role):
    client = web(role, department=factories.department())
    assert 'href="/tickets/handoffs/"' not in client.get("/").content.decode()
    assert client.get("/tickets/handoffs/").status_code == 403
    agent = web(Role.AGENT, department=factories.department())
    assert 'href="/tickets/handoffs/"' in agent.get("/").content.decode()


def test_a_ticket_names_a_customer_the_reader_may_not_open_without_a_link(web):
    """R-CUS-8: tech service works the ticket but may not open the customer record (403)."""
    from kefu.tickets import services

    ticket = tf.ticket()
    link = f'href="/customers/{ticket.customer_id}/"'
    tech = web(Role.TECH_SERVICE, department=factories.department())
    services.ticket_handoff(
        actor=ticket.first_responder, ticket=ticket, version=ticket.version,
        to_department=tech.user.department, what="上门检修", why="属技术服务部职责",
        due_by=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    page = tech.get(f"/tickets/{ticket.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert ticket.customer.name in body and link not in body
    assert tech.get(f"/customers/{ticket.customer_id}/").status_code == 403
    supervisor = web(Role.CS_SUPERVISOR)
    assert link in supervisor.get(f"/tickets/{ticket.pk}/").content.decode()


def test_r_tic_8_the_visit_is_recorded_from_the_ticket_page_and_is_then_not_missed(web):
    """R-TIC-8: the agreed visit is recorded on the page (it was only in the API, so every
    appointment was flagged as missed once its time passed)."""
    from kefu.tickets import services

    agent = tf.agent()
    soon = timezone.now() + dt.timedelta(hours=2)
    ticket = tf.ticket(actor=agent, kind="service_request", appointment_at=soon)
    client = web(user=agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'id="visit"' in page and "登记上门" in page
    r = client.post(f"/tickets/{ticket.pk}/visit/", {"version": ticket.version, "at": ""})
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.appointment_kept_at is not None
    assert 'id="visit"' not in client.get(f"/tickets/{ticket.pk}/").content.decode()
    later = soon + dt.timedelta(hours=1)
    assert services.tickets_flag_missed_appointments(now=later) == 0


def test_r_tic_8_a_visit_in_the_future_is_refused_on_the_open_form(web):
    agent = tf.agent()
    ticket = tf.ticket(
        actor=agent, kind="service_request", appointment_at=timezone.now() + dt.timedelta(hours=2)
    )
    ahead = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = web(user=agent).post(
        f"/tickets/{ticket.pk}/visit/", {"version": ticket.version, "at": ahead}
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert '<details class="action" id="visit" open>' in page and "不能登记" in page
    ticket.refresh_from_db()
    assert ticket.appointment_kept_at is None


def test_opening_an_action_address_leads_back_to_the_ticket(web):
    """A refused action leaves its address in the address bar; opening it again (a GET)
    goes to the ticket instead of an empty 405."""
    agent = tf.agent()
    ticket = tf.ticket(actor=agent)
    r = web(user=agent).get(f"/tickets/{ticket.pk}/charge/")
    assert r.status_code == 302 and r["Location"] == f"/tickets/{ticket.pk}/"


def test_r_tic_7_the_queue_tells_waiting_for_a_callback_from_called_back(web):
    """A complaint called back and waiting to be closed is not listed as waiting for its
    callback: the supervisor's 待回访 list holds only the complaints still to call."""
    agent = tf.agent()
    waiting = tf.ticket(actor=agent, kind="complaint", title="噪音扰民")
    called = tf.ticket(actor=agent, kind="complaint", title="电梯异响")
    Ticket.objects.filter(pk__in=[waiting.pk, called.pk]).update(state=State.CALLBACK)
    Ticket.objects.filter(pk=called.pk).update(callback_at=timezone.now())
    client = web(Role.CS_SUPERVISOR, department=agent.department)
    to_call = client.get("/tickets/", {"queue": "all", "state": "callback"}).content.decode()
    assert waiting.number in to_call and called.number not in to_call
    done = client.get("/tickets/", {"queue": "all", "state": "callback_done"}).content.decode()
    assert called.number in done and waiting.number not in done
    assert "已回访，待关闭" in done
    every = client.get("/tickets/", {"queue": "all"}).content.decode()
    row = every.split(called.number, 1)[1].split("</tr>", 1)[0]
    assert "已回访，待关闭" in row
