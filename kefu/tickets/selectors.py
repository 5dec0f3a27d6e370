"""Reads of tickets that several callers need: visibility, repeat matches, the queues."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu import policy
from kefu.org.permissions import Scope, check
from kefu.tickets.models import Handoff, Ticket
from kefu.tickets.states import OPEN_STATE_VALUES, OPEN_STATES, State


def tickets_visible(user) -> QuerySet[Ticket]:
    """What ``user`` may see (R-SEC-3): everything, or their department's subtree plus
    the tickets they first received or own."""
    scope = check(user, "ticket.view")
    tickets = _base()
    if scope == Scope.ALL:
        return tickets
    mine = Q(first_responder=user) | Q(owner=user)
    if user.department is not None:
        mine |= Q(department__path__startswith=user.department.path)
        # A department sees the tickets sent to it with a work contact form, to answer them.
        mine |= Q(
            Exists(
                Handoff.objects.filter(
                    ticket=OuterRef("pk"),
                    to_department__path__startswith=user.department.path,
                )
            )
        )
    return tickets.filter(mine)


def related_tickets(*, customer=None, phone: str = "", now: dt.datetime | None = None):
    """R-TIC-4: the customer's (or number's) open tickets and those closed within the window.

    Newest first; the first is the one a new contact is linked to.
    """
    now = now or timezone.now()
    days = policy.get("tickets.repeat_window_days")
    who = Q()
    if customer is not None:
        who |= Q(customer=customer)
    if phone:
        who |= Q(phone=phone)
    if not who:
        return Ticket.objects.none()
    recent = (
        Q(state__in=[s.value for s in OPEN_STATES])
        | Q(state=State.CLOSED, closed_at__gte=now - dt.timedelta(days=days))
        | Q(state=State.RESOLVED, resolved_at__gte=now - dt.timedelta(days=days))
    )
    return (
        Ticket.objects.filter(who)
        .filter(recent)
        .filter(merged_into__isnull=True)
        .select_related("owner", "department")
        .order_by("-created_at", "-id")
    )


QUEUES = {
    "mine": _("tickets I own"),
    "first": _("tickets I first received"),
    "department": _("my department's queue"),
    "overdue": _("overdue"),
    "escalated": _("escalated"),
    "arbitration": _("arbitration"),
    "all": _("all I may see"),
}


def _base():
    return Ticket.objects.select_related(
        "customer", "department", "owner", "first_responder", "category"
    )


def ticket_queue(user, queue: str, *, now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """One of the lists of QUEUES. "mine", "first" and "department" lie inside what the user
    may see by definition, so they skip the visibility OR and stay on one index each."""
    now = now or timezone.now()
    check(user, "ticket.view")
    open_states = OPEN_STATE_VALUES
    if queue == "mine":
        return _base().filter(owner=user, state__in=open_states)
    if queue == "first":
        return _base().filter(first_responder=user).exclude(state=State.CLOSED)
    if queue == "department":
        if user.department is None:
            return Ticket.objects.none()
        return _base().filter(department=user.department, state__in=open_states)
    tickets = tickets_visible(user)
    if queue == "overdue":
        return tickets.filter(state__in=open_states).filter(
            Q(resolution_due__lt=now, resolved_at__isnull=True)
            | Q(response_due__lt=now, responded_at__isnull=True)
        )
    if queue == "escalated":
        return tickets.filter(state__in=open_states, escalation_level__gt=0)
    if queue == "arbitration":
        return tickets.filter(state=State.ARBITRATION)
    return tickets


def complaint_hot_spots(user, *, since: dt.datetime, until: dt.datetime) -> list[dict]:
    """R-TIC-7: complaints per category in a period, most first (服务焦点问题)."""
    from django.db.models import Count

    rows = (
        tickets_visible(user)
        .filter(kind="complaint", created_at__gte=since, created_at__lt=until)
        .values("category__parent__name", "category__name")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return [
        {
            "category": " / ".join(
                p for p in (r["category__parent__name"], r["category__name"]) if p
            )
            or "—",
            "count": r["count"],
        }
        for r in rows
    ]


def tickets_filtered(
    tickets: QuerySet[Ticket],
    *,
    kind: str | None = None,
    state: str | None = None,
    channel: str | None = None,
    customer_id: int | None = None,
    q: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Ticket]:
    """The filters every ticket list offers (page, API, export): one place for all of them."""
    if kind:
        tickets = tickets.filter(kind=kind)
    if state:
        tickets = tickets.filter(state=state)
    if channel:
        tickets = tickets.filter(channel=channel)
    if customer_id is not None:
        tickets = tickets.filter(customer_id=customer_id)
    if q:
        tickets = tickets.filter(Q(number__icontains=q) | Q(title__icontains=q))
    if since:
        tickets = tickets.filter(created_at__gte=since)
    if until:
        tickets = tickets.filter(created_at__lt=until)
    return tickets
