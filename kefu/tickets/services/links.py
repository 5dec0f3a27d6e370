"""Merging two tickets about one matter and splitting one that covers two."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import snapshot
from kefu.errors import Conflict, ValidationFailed
from kefu.tickets import events, timelimits
from kefu.tickets.models import (
    EventKind,
    Kind,
    Ticket,
)
from kefu.tickets.services._common import (
    _AUDITED,
    _audit,
    _check_work,
    _choice,
    _leave_waiting,
    _lock,
    _save,
    _tell_first_responder,
    _text,
    _withdraw_pending,
)
from kefu.tickets.services.records import _escalate_major, _is_key_customer, _no_time_limits
from kefu.tickets.states import State


@transaction.atomic
def ticket_merge(
    *, actor, ticket: Ticket, version: int | None, into: Ticket, into_version: int | None
) -> Ticket:
    """Two tickets about one matter: ``ticket`` is closed as a link to ``into``; its history
    stays with it and both show the link. Its contacts count as repeats of ``into``."""
    if ticket.pk == into.pk:
        raise ValidationFailed.on("into", _("A ticket cannot be merged into itself."))
    first, second = sorted([ticket, into], key=lambda t: t.pk)  # lock in one order: no deadlock
    locked = {
        t.pk: _lock(t, version if t.pk == ticket.pk else into_version) for t in (first, second)
    }
    ticket, into = locked[ticket.pk], locked[into.pk]
    _check_work(actor, ticket)
    _check_work(actor, into)
    if not into.is_open:
        raise Conflict(
            message=_("Merge into an open ticket; %(n)s is closed.") % {"n": into.number}
        )
    if ticket.merged_into_id:
        raise Conflict(message=_("%(n)s is already merged.") % {"n": ticket.number})
    if ticket.customer_id and into.customer_id and ticket.customer_id != into.customer_id:
        raise ValidationFailed.on("into", _("Only tickets of the same customer can be merged."))
    if ticket.state == State.CALLBACK or (
        ticket.kind == Kind.COMPLAINT and into.kind != Kind.COMPLAINT
    ):
        raise ValidationFailed.on(
            "into",
            _("A complaint is merged only into another open complaint, and not while it awaits "
              "its callback."),
        )  # fmt: skip
    before = snapshot(ticket, _AUDITED)
    into_before = snapshot(into, _AUDITED)
    from_state = ticket.state
    now = timezone.now()
    _withdraw_pending(ticket, _("withdrawn: the ticket was merged"))
    leave = _leave_waiting(ticket, now)
    ticket.merged_into = into
    ticket.state = State.CLOSED
    ticket.closed_at = timezone.now()
    _save(ticket, actor, ["merged_into", "state", "closed_at", *leave])
    into.repeat_contacts += 1 + ticket.repeat_contacts
    _save(into, actor, ["repeat_contacts"])
    events.record(
        ticket, EventKind.MERGED, actor=actor, from_state=from_state, to_state=State.CLOSED,
        note=_("Merged into %(n)s.") % {"n": into.number}, data={"into": into.pk},
    )  # fmt: skip
    events.record(
        into, EventKind.MERGED, actor=actor,
        note=_("%(n)s was merged into this ticket.") % {"n": ticket.number},
        data={"from": ticket.pk},
    )  # fmt: skip
    _audit(actor, ticket, before, _("merged"))
    _audit(actor, into, into_before, _("merged"))
    _tell_first_responder(
        ticket, _("%(a)s was merged into %(b)s.") % {"a": ticket.number, "b": into.number}, actor
    )
    return into


@transaction.atomic
def ticket_split(
    *, actor, ticket: Ticket, version: int | None, kind: str, title: str, description: str
) -> Ticket:
    """One ticket that covers two matters: the second becomes its own ticket, with the same
    customer and first responder, its own time limits, and a link both ways."""
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    if not ticket.is_open:
        raise Conflict(message=_("Only an open ticket can be split."))
    kind = _choice("kind", kind, Kind, _("Kind"))
    description = _text("description", description, _("What happened"))
    now = timezone.now()
    part = Ticket(
        number=f"S{now:%y%m%d%H%M%S%f}"[:24],
        kind=kind,
        channel=ticket.channel,
        priority=ticket.priority,
        title=(title or "").strip()[:200] or description.splitlines()[0][:60],
        description=description,
        customer=ticket.customer,
        phone=ticket.phone,
        first_responder=ticket.first_responder,
        owner=actor,
        department=ticket.department,
        state=State.OPEN,
        split_from=ticket,
        created_at=now,
        updated_at=now,
        updated_by=actor,
    )
    no_limits = timelimits.set_due_times(part, start=now)
    part.save()
    part.number = f"GD{now:%Y%m%d}{part.pk:06d}"
    part.save(update_fields=["number"])
    events.record(part, EventKind.CREATED, actor=actor, to_state=State.OPEN, at=now)
    if no_limits:
        _no_time_limits(part, no_limits)
    events.record(
        part, EventKind.SPLIT, actor=actor,
        note=_("Split from %(n)s.") % {"n": ticket.number}, data={"from": ticket.pk},
    )  # fmt: skip
    _save(ticket, actor, [])
    events.record(
        ticket, EventKind.SPLIT, actor=actor,
        note=_("%(n)s was split off.") % {"n": part.number}, data={"into": part.pk},
    )  # fmt: skip
    if part.kind == Kind.COMPLAINT and _is_key_customer(part.customer):
        _escalate_major(part, actor)  # R-TIC-5 holds for a split-off complaint too
    _audit(actor, part, None, _("split off"))
    _tell_first_responder(
        part, _("%(a)s was split off %(b)s.") % {"a": part.number, "b": ticket.number}, actor
    )
    return part
