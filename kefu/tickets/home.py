"""The tickets panel of the home page: what is waiting for me, my department, my first contacts."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from kefu.org.permissions import allowed
from kefu.tickets.models import Handoff, HandoffStatus, Ticket
from kefu.tickets.states import OPEN_STATES, State


def panel(request) -> dict | None:
    user = request.user
    if not allowed(user, "ticket.view"):
        return None
    now = timezone.now()
    open_states = [s.value for s in OPEN_STATES]
    mine = Ticket.objects.filter(owner=user, state__in=open_states).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(resolution_due__lt=now)),
    )
    first = Ticket.objects.filter(first_responder=user).exclude(state=State.CLOSED).count()
    department = 0
    forms = 0
    if user.department is not None:
        department = Ticket.objects.filter(
            department=user.department, state__in=open_states
        ).count()
        forms = Handoff.objects.filter(
            status=HandoffStatus.PENDING, filed_after=False, to_department=user.department
        ).count()
    latest = (
        Ticket.objects.filter(owner=user, state__in=open_states)
        .select_related("customer")
        .order_by("resolution_due")[:5]
    )
    return {
        "can_record": allowed(user, "ticket.create"),
        "mine": mine["total"],
        "mine_overdue": mine["overdue"],
        "first": first,
        "department": department,
        # The hand-off page answers only who works tickets (no link to a 403).
        "forms": forms if allowed(user, "ticket.work") else None,
        "latest": list(latest),
        "arbitration": Ticket.objects.filter(state=State.ARBITRATION).count()
        if allowed(user, "ticket.arbitrate")
        else None,
    }
