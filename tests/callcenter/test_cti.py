"""R-CC-3: live events from the PBX (the generic CTI API) and the agent's screen pop."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kefu.callcenter.models import AgentExtension, CallRecord, CtiEvent, CtiSettings
from kefu.callcenter.services import calls_import
from kefu.customers.models import TimelineEvent
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.factories import cti_link
from tests.customers import factories as customer_factories
from tests.tickets import factories as ticket_factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/cti/pbx-token-123"


def post_json(body: dict, url: str = URL):
    return Client().post(url, data=json.dumps(body), content_type="application/json")


def post_raw(body: str, content_type: str = "", url: str = URL):
    # A PBX sends no CSRF token: the path token is its only credential.
    client = Client(enforce_csrf_checks=True)
    return client.generic("POST", url, body.encode(), content_type=content_type)


def test_it_records_a_call_from_newcall_answer_and_hangup_in_json_rcc3():
    cti_link()
    agent = factories.user(Role.AGENT, username="zhou")
    AgentExtension.objects.create(user=agent, extension="8001")
    base = {"callId": "c-1", "from": "13800001111", "to": "4008001234", "direction": "in"}
    assert post_json({**base, "event": "newCall", "user": ["zhou"]}).json() == {}
    assert CallRecord.objects.get(key="c-1").disposition == "ringing"
    assert post_json({"event": "answer", "callId": "c-1", "answeringNumber": "8001"}).json() == {}
    assert post_json({"event": "hangup", "callId": "c-1", "cause": "normalClearing"}).json() == {}
    call = CallRecord.objects.get(key="c-1")
    assert call.disposition == "answered" and call.agent == agent and call.source == "cti"
    assert call.end_at is not None and call.talk_seconds is not None
    assert CtiEvent.objects.filter(call_key="c-1").count() == 3


def test_it_accepts_form_bodies_without_content_type_and_every_callid_and_user_spelling_rcc3():
    cti_link()
    response = post_raw("event=newCall&call_id=abc@pbx.example&from=+86 138 0000 2222&to=queue1"
                        "&direction=in&user[]=li&user[]=wang")  # fmt: skip
    assert response.status_code == 200 and response.json() == {}
    call = CallRecord.objects.get(key="abc@pbx.example")
    assert call.caller == "+86 138 0000 2222" and call.cti_users == ["li", "wang"]
    post_raw("event=newCall&callid=x2&from=13800003333&user=li&user=wang",
             content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert CallRecord.objects.get(key="x2").cti_users == ["li", "wang"]


def test_it_answers_a_blocked_number_with_reject_busy_and_does_not_offer_it_rcc3():
    cti_link(blocked=["13800009999"])
    response = post_json({"event": "newCall", "callId": "b1", "from": "138 0000 9999"})
    assert response.json() == {"action": "reject", "reason": "busy"}
    call = CallRecord.objects.get(key="b1")
    assert call.blocked and call.disposition == "busy"


def test_repeated_events_and_answer_after_hangup_do_not_double_count_rcc3():
    cti_link()
    post_json({"event": "newCall", "callId": "r1", "from": "13800001111"})
    post_json({"event": "newCall", "callId": "r1", "from": "13800001111", "user": "li"})
    post_json({"event": "hangup", "callId": "r1", "cause": "cancel"})
    assert post_json({"event": "answer", "callId": "r1"}).status_code == 200
    post_json({"event": "hangup", "callId": "r1", "cause": "cancel"})
    assert CallRecord.objects.count() == 1
    call = CallRecord.objects.get(key="r1")
    assert call.disposition == "abandoned" and call.abandoned and call.answer_at is None
    assert call.cti_users == ["li"]


def test_a_live_call_and_the_imported_file_of_it_are_one_call_rcc3_rcc2():
    cti_link()
    post_json({"event": "newCall", "callId": "1700000000.1", "from": "13800001111"})
    post_json({"event": "hangup", "callId": "1700000000.1", "cause": "cancel"})
    log = (
        b"1700000000|1700000000.1|q|NONE|ENTERQUEUE||13800001111|1\n"
        b"1700000030|1700000000.1|q|NONE|ABANDON|1|1|30\n"
    )
    job = calls_import(actor=SYSTEM, file_name="queue_log", content=log, fmt="queue-log")
    assert (job.added, job.already_known) == (0, 1)
    assert CallRecord.objects.count() == 1


def test_it_puts_the_finished_call_on_the_customers_timeline_rcc3():
    cti_link()
    customer = customer_factories.customer(phone="13800001111")
    post_json({"event": "newCall", "callId": "t1", "from": "13800001111"})
    post_json({"event": "hangup", "callId": "t1", "cause": "cancel"})
    assert CallRecord.objects.get(key="t1").customer == customer
    assert TimelineEvent.objects.filter(customer=customer, kind="call").count() == 1


def test_it_refuses_a_wrong_token_a_missing_link_and_bad_events_rcc3():
    assert post_json({"event": "newCall", "callId": "z"}).status_code == 404
    cti_link()
    wrong = post_json({"event": "newCall", "callId": "z"}, url="/api/v1/cti/guess")
    assert wrong.status_code == 401
    assert post_json({"event": "ring", "callId": "z"}).status_code == 400
    missing = post_json({"event": "newCall", "from": "1"})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "callId"
    assert post_raw("{not json", "application/json").status_code == 400
    assert not CallRecord.objects.exists()


def test_the_sysadmin_rotates_the_token_and_the_old_one_stops_working_rcc3(api):
    cti_link()
    admin = api(Role.SYSADMIN)
    response = admin.post("callcenter/cti/rotate")
    assert response.status_code == 200
    new = response.json()["token"]
    assert new != "pbx-token-123" and CtiSettings.objects.get().token == new
    assert post_json({"event": "newCall", "callId": "q"}).status_code == 401
    assert (
        post_json({"event": "newCall", "callId": "q"}, url=f"/api/v1/cti/{new}").status_code == 200
    )
    assert api(Role.AGENT).post("callcenter/cti/rotate").status_code == 403
    blocked = admin.put("callcenter/cti/blocked", {"numbers": ["138 0000 9999", ""]})
    assert blocked.json()["blocked_numbers"] == ["13800009999"]
    assert admin.put("callcenter/cti/blocked", {"numbers": ["abc"]}).status_code == 400


def test_the_desk_pops_the_ringing_callers_card_and_tickets_masked_rcc3_rsec1(web):
    cti_link()
    agent = factories.user(Role.AGENT, username="zhou", department=factories.department())
    customer = customer_factories.customer(department=agent.department, phone="13812345678")
    ticket = ticket_factories.ticket(actor=agent, customer=customer, title="漏水")
    client = web(user=agent)
    assert client.get("/callcenter/desk/").status_code == 200
    assert 'data-state="idle"' in client.get("/callcenter/desk/pop/").content.decode()
    post_json({"event": "newCall", "callId": "p1", "from": "13812345678", "user": "zhou"})
    pop = client.get("/callcenter/desk/pop/").content.decode()
    assert customer.name in pop and ticket.number in pop
    assert "138****5678" in pop and "13812345678" not in pop  # R-SEC-1: masked everywhere
    assert f"?customer={customer.pk}" in pop
    other = web(user=factories.user(Role.AGENT, username="wang"))
    assert 'data-state="idle"' in other.get("/callcenter/desk/pop/").content.decode()
    linked = client.post("/callcenter/desk/link/", {"call": CallRecord.objects.get().pk,
                                                    "ticket": ticket.pk})  # fmt: skip
    assert linked.status_code == 302 and CallRecord.objects.get().ticket == ticket


def test_the_desk_offers_to_create_an_unknown_caller(web, api):
    cti_link()
    agent = factories.user(Role.AGENT, username="zhou")
    post_json({"event": "newCall", "callId": "u1", "from": "13900001111", "user": "zhou"})
    pop = web(user=agent).get("/callcenter/desk/pop/").content.decode()
    assert "/customers/new/?phone=13900001111" in pop
    desk = api(user=agent).get("callcenter/desk")
    assert desk.status_code == 200 and desk.json()["call"]["key"] == "u1"
    assert desk.json()["customer"] is None
    assert api(Role.AUDITOR).get("callcenter/desk").status_code == 403


def test_linking_a_call_to_a_ticket_through_the_api_rcc3(api, anonymous_api):
    cti_link()
    agent = factories.user(Role.AGENT, department=factories.department())
    ticket = ticket_factories.ticket(actor=agent)
    other = ticket_factories.ticket(actor=agent)
    post_json({"event": "newCall", "callId": "l1", "from": "13900001111"})
    call = CallRecord.objects.get()
    client = api(user=agent)
    url = f"callcenter/calls/{call.pk}/ticket"
    assert client.post(url, {"ticket_id": ticket.pk}).status_code == 200
    assert client.post(url, {"ticket_id": other.pk}).status_code == 409
    assert client.post(url, {"ticket_id": 999999}).status_code == 404
    assert client.post(url, {"ticket_id": "x"}).status_code == 400
    assert anonymous_api.post(url, {"ticket_id": ticket.pk}).status_code == 401
    assert api(Role.AUDITOR).post(url, {"ticket_id": ticket.pk}).status_code == 403


_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=30),
    st.lists(st.text(max_size=10), max_size=3),
)  # fmt: skip
_keys = st.sampled_from(
    ["event", "callId", "call_id", "from", "to", "direction", "user", "queue", "cause",
     "answeringNumber", "x"]
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.dictionaries(_keys, _values, max_size=8), raw=st.binary(max_size=60))
def test_no_body_a_bridge_may_send_makes_a_server_error_rcc3(body, raw):
    with transaction.atomic():
        cti_link()
        assert post_json(body).status_code in {200, 400}
        assert post_raw(raw.decode("latin-1")).status_code in {200, 400}
        transaction.set_rollback(True)
