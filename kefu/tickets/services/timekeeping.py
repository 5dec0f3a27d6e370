"""The worker's checks: breached time limits escalate one level (R-TIC-6); missed appointments
(R-TIC-8).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.core.notify import notify
from kefu.org.roles import Role
from kefu.tickets import events
from kefu.tickets.models import (
    EventKind,
    Ticket,
)
from kefu.tickets.services._common import (
    ESCALATION_ROLES,
    _responsible,
    _users_with_role,
)
from kefu.tickets.states import OPEN_STATES, PAUSED_STATES


@transaction.atomic
def tickets_check_time_limits(*, now: dt.datetime | None = None) -> int:
    """Find breached time limits; each breach escalates one level and is counted (R-TIC-6).

    Runs in the worker every few minutes. Due times are stored on the ticket, so
    this is two indexed queries however many tickets there are.
    """
    now = now or timezone.now()
    count = 0
    open_states = [s.value for s in OPEN_STATES if s not in PAUSED_STATES]
    late_response = Ticket.objects.select_for_update().filter(
        state__in=open_states,
        responded_at__isnull=True,
        response_due__lt=now,
        response_breached=False,
    )
    for ticket in late_response:
        ticket.response_breached = True
        _breach(ticket, now, _("response"))
        count += 1
    late_resolution = Ticket.objects.select_for_update().filter(
        state__in=open_states,
        resolved_at__isnull=True,  # a complaint awaiting its callback is resolved in time
        resolution_due__lt=now,
        resolution_breached=False,
    )
    for ticket in late_resolution:
        ticket.resolution_breached = True
        _breach(ticket, now, _("resolution"))
        count += 1
    return count


def _breach(ticket: Ticket, now: dt.datetime, which: str) -> None:
    level = min(ticket.escalation_level + 1, 3)
    ticket.escalation_level = level
    ticket.save(update_fields=["response_breached", "resolution_breached", "escalation_level"])
    events.record(
        ticket,
        EventKind.BREACH,
        note=_("The %(which)s time limit was missed.") % {"which": which},
        data={"which": str(which), "level": level},
        at=now,
    )
    role = ESCALATION_ROLES[level]
    events.record(
        ticket,
        EventKind.ESCALATED,
        note=_("Escalated to %(role)s.") % {"role": role.label},
        data={"level": level},
        at=now,
    )
    audit_record(
        actor=None,
        action=Action.UPDATE,
        target=ticket,
        summary=_("time limit missed, escalated"),
        after={"escalation_level": level, "which": str(which)},
    )
    holders = _responsible(role, ticket.department)
    notify(
        [*holders, ticket.first_responder, ticket.owner],
        _("%(number)s missed its %(which)s time limit; escalated to %(role)s.")
        % {"number": ticket.number, "which": which, "role": role.label},
        url=events.url(ticket),
    )


@transaction.atomic
def tickets_flag_missed_appointments(*, now: dt.datetime | None = None) -> int:
    """A visit not recorded by its agreed time is flagged as missed (R-TIC-8)."""
    now = now or timezone.now()
    missed = Ticket.objects.select_for_update().filter(
        appointment_at__lt=now,
        appointment_kept_at__isnull=True,
        appointment_missed=False,
        state__in=[s.value for s in OPEN_STATES],
    )
    count = 0
    for ticket in missed:
        ticket.appointment_missed = True
        ticket.save(update_fields=["appointment_missed"])
        audit_record(
            actor=None, action=Action.UPDATE, target=ticket,
            summary=_("The agreed visit was missed."), after={"appointment_missed": True},
        )  # fmt: skip
        events.record(ticket, EventKind.APPOINTMENT, note=_("The agreed visit was missed."), at=now)
        notify(
            [ticket.owner, ticket.first_responder, *_users_with_role(Role.CS_SUPERVISOR)],
            _("Missed appointment on %(number)s.") % {"number": ticket.number},
            url=events.url(ticket),
        )
        count += 1
    return count
