"""The tickets demo writes each ticket's history at the ticket's own simulated times."""

from __future__ import annotations

import random

import pytest
from django.db.models import F
from django.utils import timezone

from kefu.core.demo import load_demo
from kefu.customers.demo import load_customers
from kefu.customers.models import TimelineEvent
from kefu.tickets.demo import load_tickets
from kefu.tickets.models import Handoff, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_the_demo_stamps_ticket_history_at_the_tickets_own_times_not_the_load_time():
    """R-TIC-6 figures (handled, overdue) and the customer timeline (R-CUS-8) read these times."""
    started = timezone.now()
    load_demo(steps=[])  # the organisation only
    rng = random.Random(7)  # noqa: S311 - demo data
    load_customers(rng, count=40)
    load_tickets(rng, count=120)
    assert Ticket.objects.count() == 120
    # Nothing of a ticket's past happened at load time, nor before the ticket was recorded.
    assert not TicketEvent.objects.filter(at__gte=started).exists()
    assert not TicketEvent.objects.filter(at__lt=F("ticket__created_at")).exists()
    assert not Handoff.objects.filter(created_at__gte=started).exists()
    assert not Ticket.objects.filter(resolved_at__gte=started).exists()
    assert not Ticket.objects.filter(closed_at__gte=started).exists()
    ticket_lines = TimelineEvent.objects.filter(kind="ticket")
    assert ticket_lines.exists() and not ticket_lines.filter(at__gte=started).exists()
    # The history spreads over the simulated month, as the tickets do.
    days = {timezone.localdate(at) for at in TicketEvent.objects.values_list("at", flat=True)}
    assert len(days) > 14
    # Closed tickets were closed after they were resolved, in their own time.
    assert not Ticket.objects.filter(closed_at__lt=F("resolved_at")).exists()
