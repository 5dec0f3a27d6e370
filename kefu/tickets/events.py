"""The ticket's history, one function for all its kinds, and its line on the customer timeline."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kefu.customers import events as customer_events
from kefu.tickets.models import EventKind, Ticket, TicketEvent


def url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.pk])


def record(
    ticket: Ticket,
    kind: EventKind | str,
    *,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict | None = None,
    at: dt.datetime | None = None,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=str(kind),
        actor=actor if getattr(actor, "pk", None) else None,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        note=str(note),
        data=data or {},
        at=at or timezone.now(),
    )


def customer_timeline(ticket: Ticket, what: str, *, actor=None) -> None:
    """A line on the customer's page (R-CUS-8) for a ticket recorded or closed."""
    if ticket.customer_id is None:
        return
    customer_events.linked_event(
        ticket.customer,
        kind=customer_events.Kind.TICKET,
        summary=f"{ticket.number} {ticket.get_kind_display()}：{ticket.title}（{what}）",
        actor=actor,
        link=ticket,
        url=url(ticket),
    )
