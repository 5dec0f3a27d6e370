"""The supervisor keeps time limits, complaint categories and the fee schedule; hot spots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEntry
from kefu.errors import PermissionDenied, ValidationFailed
from kefu.org.roles import Role
from kefu.tickets import settings_services
from kefu.tickets.models import ComplaintCategory, TimeLimit
from tests import factories
from tests.tickets import factories as tf

pytestmark = pytest.mark.django_db


def test_it_uses_a_time_limit_the_supervisor_changed():
    """R-TIC-6: limits per kind and priority are set by the administrator."""
    supervisor = factories.user(Role.CS_SUPERVISOR)
    settings_services.time_limit_set(
        actor=supervisor, kind="inquiry", priority="normal", response_minutes=10,
        resolution_minutes=20, clock="always",
    )  # fmt: skip
    ticket = tf.ticket(kind="inquiry")
    assert ticket.resolution_due - ticket.created_at == dt.timedelta(minutes=20)
    assert AuditEntry.objects.filter(target_type="tickets.timelimit").exists()


def test_it_refuses_a_resolution_limit_shorter_than_the_response():
    supervisor = factories.user(Role.CS_SUPERVISOR)
    with pytest.raises(ValidationFailed):
        settings_services.time_limit_set(
            actor=supervisor, kind="inquiry", priority="normal", response_minutes=60,
            resolution_minutes=30, clock="business",
        )  # fmt: skip


def test_it_refuses_settings_changes_by_an_agent():
    with pytest.raises(PermissionDenied):
        settings_services.fee_item_set(
            actor=factories.user(Role.AGENT), code="x", name="x", unit="次", price="1"
        )


def test_it_counts_complaints_by_category_as_hot_spots(api):
    """R-TIC-7: complaints are categorised so hot spots can be found."""
    agent = tf.agent()
    noise = ComplaintCategory.objects.get(name="噪音扰民")
    lift = ComplaintCategory.objects.get(name="电梯故障")
    for _ in range(3):
        tf.ticket(actor=agent, kind="complaint", category=noise)
    tf.ticket(actor=agent, kind="complaint", category=lift)
    client = api(Role.CS_SUPERVISOR)
    today = timezone.localdate().isoformat()
    rows = client.get("tickets/reports/hot-spots", since=today, until=today).json()
    assert rows[0] == {"category": "安全秩序 / 噪音扰民", "count": 3}
    assert rows[1]["count"] == 1
    assert (
        client.get("tickets/reports/hot-spots", since=today, until="2000-01-01").status_code == 400
    )


def test_it_keeps_the_fee_schedule_through_the_api(api):
    supervisor = api(Role.CS_SUPERVISOR)
    saved = supervisor.put(
        "tickets/settings/fees/window", {"name": "擦玻璃", "unit": "平方米", "price": "5"}
    )
    assert saved.status_code == 200 and saved.json()["price"] == "5.00"
    assert (
        api(Role.AGENT).put("tickets/settings/fees/window", {"name": "x", "price": "1"}).status_code
        == 403
    )
    bad = supervisor.put("tickets/settings/fees/window", {"name": "擦玻璃", "price": "-1"})
    assert bad.status_code == 400


def test_it_changes_a_time_limit_on_the_settings_page(web):
    client = web(Role.CS_SUPERVISOR)
    assert 'id="time-limits"' in client.get("/tickets/settings/").content.decode()
    saved = client.post(
        "/tickets/settings/",
        {"what": "limit", "kind": "fault", "priority": "urgent", "response_minutes": "5",
         "resolution_minutes": "120", "clock": "always"},
    )  # fmt: skip
    assert saved.status_code == 302
    assert TimeLimit.objects.get(kind="fault", priority="urgent").response_minutes == 5
    bad = client.post(
        "/tickets/settings/",
        {"what": "limit", "kind": "fault", "priority": "urgent", "response_minutes": "abc",
         "resolution_minutes": "120", "clock": "always"},
    )  # fmt: skip
    assert bad.status_code == 400 and "form-errors" in bad.content.decode()
    assert web(Role.AGENT).get("/tickets/settings/").status_code == 403
