"""Reads of calls that pages, the API and the agent desk share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.callcenter.importers import agent_key
from kefu.callcenter.models import AgentExtension, CallRecord, Disposition
from kefu.errors import get_or_404
from kefu.org.permissions import Scope, allowed, check

# A call still ringing after this long lost its hangup event; the desk stops showing it.
RINGING_FOR_AT_MOST = dt.timedelta(minutes=15)


def calls_visible(user, code: str = "callcenter.view") -> QuerySet[CallRecord]:
    """Calls ``user`` may see (R-SEC-1, R-SEC-3): all; or their own, their department's
    agents', and the calls no agent took on the hotlines their department answers (directly
    or through the call's queue), so a department's figures include the calls it missed."""
    scope = check(user, code)
    calls = CallRecord.objects.select_related("agent", "hotline", "queue", "customer", "ticket")
    if scope == Scope.ALL:
        return calls
    mine = Q(agent=user)
    if user.department is not None:
        path = user.department.path
        mine |= Q(agent__department__path__startswith=path)
        mine |= Q(agent__isnull=True) & (
            Q(hotline__department__path__startswith=path)
            | Q(hotline__isnull=True, queue__hotline__department__path__startswith=path)
        )
    return calls.filter(mine)


def call_get(user, pk, code: str = "callcenter.view") -> CallRecord:
    return get_or_404(calls_visible(user, code), pk=pk)


def agent_labels(user) -> set[str]:
    """What a PBX may call ``user``: login, full name, extension (as :func:`agent_key`)."""
    labels = {user.username.lower()}
    if user.full_name:
        labels.add(user.full_name.strip().lower())
    extension = AgentExtension.objects.filter(user=user).values_list("extension", flat=True)
    labels.update(agent_key(e) for e in extension)
    return labels


def desk_call(user, *, now: dt.datetime | None = None) -> CallRecord | None:
    """R-CC-3: the call ringing for (or just answered by) ``user``, newest first."""
    check(user, "callcenter.desk")
    now = now or timezone.now()
    labels = agent_labels(user)
    candidates = (
        CallRecord.objects.filter(enter_at__gte=now - RINGING_FOR_AT_MOST, end_at__isnull=True)
        .filter(Q(disposition=Disposition.RINGING) | Q(agent=user))
        .exclude(blocked=True)
        .select_related("customer", "hotline", "queue")
        .order_by("-enter_at", "-pk")[:50]
    )
    for call in candidates:
        if call.agent_id == user.pk:
            return call
        if call.disposition == Disposition.RINGING and (
            not call.cti_users or labels & {agent_key(u) for u in call.cti_users}
        ):
            return call
    return None


@dataclass
class CustomerCard:
    """What the desk shows of a caller (R-CC-3), masked (R-SEC-1)."""

    customer: object | None
    visible: bool
    personal: dict[str, str] = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    blacklisted: object | None = None
    tickets: list = field(default_factory=list)
    recent_calls: list = field(default_factory=list)


def caller_card(user, call: CallRecord) -> CustomerCard:
    from kefu.customers.selectors import (
        active_blacklist,
        customer_warnings,
        customers_visible,
        personal_view,
    )
    from kefu.tickets.selectors import related_tickets

    party = call.caller if call.direction == "in" else call.callee
    recent = list(
        CallRecord.objects.filter(caller=party)
        .exclude(pk=call.pk)
        .select_related("agent")
        .order_by("-enter_at")[:5]
    ) if party else []  # fmt: skip
    customer = call.customer
    if customer is None:
        tickets = []
        if allowed(user, "ticket.view"):
            from kefu.callcenter.services import phone_key

            tickets = list(related_tickets(phone=phone_key(party))[:10]) if party else []
        return CustomerCard(None, False, tickets=tickets, recent_calls=recent)
    visible = (
        allowed(user, "customer.view") and customers_visible(user).filter(pk=customer.pk).exists()
    )
    if not visible:
        return CustomerCard(customer, False, recent_calls=recent)
    tickets = list(related_tickets(customer=customer)[:10]) if allowed(user, "ticket.view") else []
    return CustomerCard(
        customer=customer,
        visible=True,
        personal=personal_view(customer),
        warnings=customer_warnings(customer),
        blacklisted=active_blacklist([customer.pk]).get(customer.pk),
        tickets=tickets,
        recent_calls=recent,
    )
