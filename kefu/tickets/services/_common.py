"""Helpers every ticket service shares: validation, the version lock (R-TIC-10), audit, telling
the first responder (R-TIC-2).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.tickets import events, timelimits
from kefu.tickets.models import Handoff, HandoffStatus, Ticket
from kefu.tickets.states import PAUSED_STATES, State

_AUDITED = [
    "kind",
    "priority",
    "is_major",
    "state",
    "owner",
    "department",
    "category",
    "escalation_level",
    "appointment_at",
    "callback_at",
]


ESCALATION_ROLES = {1: Role.CS_SUPERVISOR, 2: Role.DIRECTOR, 3: Role.GM}


def _text(field: str, value: str | None, label: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, _("%(label)s is required.") % {"label": label})
    if max_length and len(value) > max_length:
        raise ValidationFailed.on(
            field,
            _("%(label)s is longer than %(n)d characters.") % {"label": label, "n": max_length},
        )
    return value


def _choice(field: str, value: str, choices, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed.on(
            field,
            _("%(label)s must be one of %(choices)s; got %(value)r.")
            % {"label": label, "choices": ", ".join(choices.values), "value": value},
        )
    return value


def _lock(ticket: Ticket, version: int | None) -> Ticket:
    """R-TIC-10: lock the row and refuse a change made on a stale view."""
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
    # The people told of the change and the names the answer shows come in the same query.
    locked = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("updated_by", "first_responder", "owner", "customer", "department")
        .get(pk=ticket.pk)
    )
    if version is not None and locked.version != version:
        who = locked.updated_by.display_name if locked.updated_by else _("someone")
        raise Conflict(
            message=_(
                "%(who)s changed ticket %(number)s at %(when)s, after you opened it. "
                "Reload it and make your change again."
            )
            % {
                "who": who,
                "number": locked.number,
                "when": timezone.localtime(locked.updated_at).strftime("%H:%M:%S"),
            }
        )
    return locked


def _save(ticket: Ticket, actor, fields: list[str]) -> None:
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.updated_by = actor if getattr(actor, "pk", None) else None
    ticket.save(update_fields=[*set(fields), "version", "updated_at", "updated_by"])


def _audit(actor, ticket: Ticket, before: dict | None, summary: str, reason: str = "") -> None:
    audit_record(
        actor=actor,
        action=Action.UPDATE if before is not None else Action.CREATE,
        target=ticket,
        summary=summary,
        before=before,
        after=snapshot(ticket, _AUDITED),
        reason=reason,
    )


def _mark_responded(ticket: Ticket, now: dt.datetime) -> list[str]:
    if ticket.responded_at is None:
        ticket.responded_at = now
        return ["responded_at"]
    return []


def _users_with_role(role: Role):
    return User.objects.filter(is_active=True, role_rows__role=role)


def _tell_first_responder(ticket: Ticket, text: str, actor) -> None:
    """R-TIC-2: the first responder is told of every change until the ticket is closed."""
    notify([ticket.first_responder, ticket.owner], text, url=events.url(ticket), exclude=actor)


def _check_work(actor, ticket: Ticket) -> None:
    """Acting on a ticket: its owner or its department's staff. Once another department has
    taken it over, the first responder follows it (R-TIC-2) but no longer works it."""
    if actor.pk == ticket.owner_id:
        check(actor, "ticket.work")
        return
    check(actor, "ticket.work", department=ticket.department)


def _responsible(role: Role, department: Department):
    """Holders of ``role`` over ``department``: in it or a department above it; else everyone
    with the role, so an escalation never goes unheard."""
    parts = [p for p in department.path.split("/") if p]
    above = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    holders = _users_with_role(role).filter(department__path__in=above)
    return holders if holders.exists() else _users_with_role(role)


def _plan_callback(ticket: Ticket) -> None:
    """R-FUP-2: a complaint awaiting its callback gets its callback task at once."""
    if ticket.state == State.CALLBACK:
        # followups builds on tickets, so it is imported here, not at the top.
        from kefu.followups.services import complaint_callback_plan

        complaint_callback_plan(ticket=ticket)


def _leave_waiting(ticket: Ticket, now) -> list[str]:
    """Any way out of a waiting state ends the pause and moves the due times on (R-TIC-6)."""
    if ticket.state in PAUSED_STATES:
        return timelimits.resume(ticket, now)
    return []


def _withdraw_pending(ticket: Ticket, reason: str) -> None:
    """A ticket resolved, closed or merged no longer needs its open work contact forms."""
    Handoff.objects.filter(ticket=ticket, status=HandoffStatus.PENDING).update(
        status=HandoffStatus.WITHDRAWN, reject_reason=reason, responded_at=timezone.now()
    )


def _aware(value):
    """A datetime from a form or API without a zone is read in the local zone, never compared
    naive against aware (which would be a 500)."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value
