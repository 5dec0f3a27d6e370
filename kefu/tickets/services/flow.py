"""Moving a ticket through its states (R-TIC-7): transitions, waiting pauses the clock
(R-TIC-6), resolve, callback, close.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.services import snapshot
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check
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
    _lock,
    _mark_responded,
    _plan_callback,
    _save,
    _tell_first_responder,
    _text,
    _withdraw_pending,
)
from kefu.tickets.states import PAUSED_STATES, State, allowed_next


@transaction.atomic
def ticket_transition(
    *, actor, ticket: Ticket, version: int | None, to_state: str, note: str = ""
) -> Ticket:
    """Move a ticket to another state, as the state table allows (R-TIC-7)."""
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    if to_state not in State.values:
        raise ValidationFailed.on("to_state", _("Unknown state %(s)r.") % {"s": to_state})
    if to_state in {State.RESOLVED, State.CLOSED, State.ARBITRATION, State.CALLBACK}:
        raise ValidationFailed.on(
            "to_state",
            _("Use the resolve, close, callback or hand-off actions for %(s)s.")
            % {"s": State(to_state).label},
        )
    _move(ticket, actor, State(to_state), note)
    return ticket


def _move(ticket: Ticket, actor, to_state: State, note: str = "", now=None) -> None:
    now = now or timezone.now()
    from_state = State(ticket.state)
    if to_state not in allowed_next(ticket.kind, from_state):
        raise Conflict(
            message=_("A %(kind)s cannot go from %(a)s to %(b)s.")
            % {"kind": Kind(ticket.kind).label, "a": from_state.label, "b": to_state.label}
        )
    if from_state in PAUSED_STATES and ticket.paused_from and to_state != ticket.paused_from:
        raise Conflict(
            message=_("A waiting ticket returns to %(s)s, where it was paused.")
            % {"s": State(ticket.paused_from).label}
        )
    before = snapshot(ticket, _AUDITED)
    fields = ["state"]
    if to_state in PAUSED_STATES:
        ticket.paused_since = now
        ticket.paused_from = from_state
        fields += ["paused_since", "paused_from"]
    elif from_state in PAUSED_STATES:
        fields += timelimits.resume(ticket, now)
    if from_state == State.RESOLVED and ticket.resolved_at_first_contact:
        ticket.resolved_at_first_contact = False  # reopened: it was not finished at once
        fields.append("resolved_at_first_contact")
    ticket.state = to_state
    fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(
        ticket, EventKind.STATE, actor=actor, from_state=from_state, to_state=to_state, note=note
    )
    _audit(actor, ticket, before, _("state changed"))
    _tell_first_responder(
        ticket,
        _("%(number)s is now %(state)s.") % {"number": ticket.number, "state": to_state.label},
        actor,
    )


@transaction.atomic
def ticket_resolve(*, actor, ticket: Ticket, version: int | None, resolution: str) -> Ticket:
    """Resolve a ticket. A complaint then waits for its callback before it can close (R-TIC-7)."""
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    resolution = _text("resolution", resolution, _("Resolution"))
    now = timezone.now()
    before = snapshot(ticket, _AUDITED)
    from_state = State(ticket.state)
    if State.RESOLVED not in allowed_next(ticket.kind, from_state):
        raise Conflict(
            message=_("A %(kind)s in state %(a)s cannot be resolved yet.")
            % {"kind": Kind(ticket.kind).label, "a": from_state.label}
        )
    fields = ["state", "resolution", "resolved_at"]
    ticket.resolution = resolution
    ticket.resolved_at = now
    if ticket.kind == Kind.COMPLAINT:
        # Resolved again after tracking: the earlier callback no longer counts (R-TIC-7).
        ticket.callback_at = ticket.callback_by = ticket.callback_reached = None
        ticket.callback_satisfaction = None
        ticket.callback_note = ""
        fields += [
            "callback_at", "callback_by", "callback_reached", "callback_satisfaction",
            "callback_note",
        ]  # fmt: skip
    _withdraw_pending(ticket, _("withdrawn: the ticket was resolved"))
    ticket.state = State.CALLBACK if ticket.kind == Kind.COMPLAINT else State.RESOLVED
    fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(
        ticket,
        EventKind.RESOLVED,
        actor=actor,
        from_state=from_state,
        to_state=ticket.state,
        note=resolution,
    )
    _audit(actor, ticket, before, _("resolved"))
    _tell_first_responder(ticket, _("%(number)s was resolved.") % {"number": ticket.number}, actor)
    _plan_callback(ticket)
    return ticket


def _callback_still_open(ticket: Ticket) -> None:
    """R-TIC-7, R-FUP-2: a complaint has one callback per resolution; a second is refused."""
    if ticket.state != State.CALLBACK:
        raise Conflict(
            message=_("Only a resolved complaint awaiting its callback can have one recorded.")
        )
    if ticket.callback_at is not None:
        raise Conflict(
            message=_(
                "The callback of %(number)s was already recorded by %(who)s at %(when)s "
                "(satisfaction %(s)s/5); it is not recorded twice."
            )
            % {
                "number": ticket.number,
                "who": ticket.callback_by.display_name if ticket.callback_by else "—",
                "when": timezone.localtime(ticket.callback_at).strftime("%Y-%m-%d %H:%M"),
                "s": ticket.callback_satisfaction if ticket.callback_satisfaction else "—",
            }
        )


@transaction.atomic
def ticket_record_callback(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    reached: bool,
    satisfaction: int | None,
    note: str,
    followup=None,
) -> Ticket:
    """Record the callback of a resolved complaint (R-TIC-7, R-FUP-2).

    One callback record per complaint callback, whichever page records it: recorded on
    the ticket, it goes through the complaint's callback task
    (``kefu.followups.services.followup_record``, which calls back here with ``followup``)
    so the task and the ticket always agree; a callback already recorded is refused with
    a 409 naming who recorded it, never overwritten.
    """
    ticket = _lock(ticket, version)
    check(actor, "ticket.callback", department=ticket.department)
    _callback_still_open(ticket)
    if reached and satisfaction is None:
        raise ValidationFailed.on(
            "satisfaction", _("Give the customer's satisfaction (1–5) when they were reached.")
        )
    if not reached and satisfaction is not None:
        raise ValidationFailed.on(
            "satisfaction", _("Give a satisfaction score only when the customer was reached.")
        )
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationFailed.on("satisfaction", _("Satisfaction is from 1 to 5."))
    note = _text("note", note, _("Callback notes"))
    if followup is None:
        from kefu.followups.services import complaint_callback_plan, followup_record

        task = complaint_callback_plan(ticket=ticket)
        if task is not None:
            followup_record(
                actor=actor,
                followup=task,
                reached=bool(reached),
                satisfaction=satisfaction,
                notes=note,
            )
            return Ticket.objects.get(pk=ticket.pk)
    before = snapshot(ticket, _AUDITED)
    if reached:
        ticket.callback_at = timezone.now()
        ticket.callback_by = actor if getattr(actor, "pk", None) else None  # None: the system
    ticket.callback_reached = reached
    ticket.callback_satisfaction = satisfaction
    ticket.callback_note = note
    _save(
        ticket,
        actor,
        [
            "callback_at",
            "callback_by",
            "callback_reached",
            "callback_satisfaction",
            "callback_note",
        ],
    )
    events.record(
        ticket,
        EventKind.CALLBACK,
        actor=actor,
        note=note,
        data={"reached": reached, "satisfaction": satisfaction}
        | ({"followup": followup.pk} if followup is not None else {}),
    )
    _audit(actor, ticket, before, _("callback recorded"))
    return ticket


@transaction.atomic
def ticket_close(*, actor, ticket: Ticket, version: int | None, note: str = "") -> Ticket:
    """Close a resolved ticket; a complaint only once its callback is recorded (R-TIC-7)."""
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    if ticket.kind == Kind.COMPLAINT and ticket.callback_at is None:
        raise Conflict(
            message=_(
                "Complaint %(number)s cannot be closed before its callback is made and recorded."
            )
            % {"number": ticket.number}
        )
    from_state = State(ticket.state)
    if State.CLOSED not in allowed_next(ticket.kind, from_state):
        raise Conflict(
            message=_("Only a resolved ticket can be closed; this one is %(s)s.")
            % {"s": from_state.label}
        )
    before = snapshot(ticket, _AUDITED)
    _withdraw_pending(ticket, _("withdrawn: the ticket was closed"))
    ticket.state = State.CLOSED
    ticket.closed_at = timezone.now()
    _save(ticket, actor, ["state", "closed_at"])
    events.record(
        ticket,
        EventKind.STATE,
        actor=actor,
        from_state=from_state,
        to_state=State.CLOSED,
        note=note,
    )
    events.customer_timeline(ticket, _("ticket closed"), actor=actor)
    _audit(actor, ticket, before, _("closed"))
    _tell_first_responder(ticket, _("%(number)s was closed.") % {"number": ticket.number}, actor)
    return ticket
