"""Every write to a ticket. One business action, one function; each checks, locks, audits.

Rules enforced here: R-TIC-2 (first responder), R-TIC-3 (solve first, file after),
R-TIC-4 (repeat contacts), R-TIC-5 (major matters), R-TIC-6 (time limits),
R-TIC-7 (complaint loop), R-TIC-9 (shirking → arbitration), R-TIC-10 (versions).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.customers.models import Customer
from kefu.customers.services import ensure_not_blacklisted
from kefu.customers.validators import normalise_phone
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.tickets import events, timelimits
from kefu.tickets.models import (
    Channel,
    Charge,
    ComplaintCategory,
    EventKind,
    FeeItem,
    Handoff,
    HandoffStatus,
    Kind,
    Payment,
    Priority,
    Ticket,
)
from kefu.tickets.selectors import related_tickets
from kefu.tickets.states import OPEN_STATES, PAUSED_STATES, State, allowed_next

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
    locked = Ticket.objects.select_for_update().select_related("updated_by").get(pk=ticket.pk)
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


def _is_key_customer(customer: Customer | None) -> bool:
    return customer is not None and customer.first_grade == "A"


@transaction.atomic
def ticket_create(
    *,
    actor,
    kind: str,
    channel: str,
    description: str,
    title: str = "",
    customer: Customer | None = None,
    phone: str = "",
    priority: str = Priority.NORMAL,
    is_major: bool = False,
    category: ComplaintCategory | None = None,
    appointment_at: dt.datetime | None = None,
    resolve_now: bool = False,
    resolution: str = "",
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """Record a contact as a ticket; the actor becomes its first responder (R-TIC-2).

    ``resolve_now`` finishes it in the same contact (一次办结, counted as first-contact
    resolution). A contact from a customer or number with an open ticket, or one
    closed within the repeat window, is linked to it and counted (R-TIC-4).
    """
    check(actor, "ticket.create")
    if idempotency_key:
        existing = Ticket.objects.filter(
            first_responder=actor, idempotency_key=idempotency_key[:100]
        ).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    kind = _choice("kind", kind, Kind, _("Kind"))
    channel = _choice("channel", channel, Channel, _("Channel"))
    priority = _choice("priority", priority, Priority, _("Priority"))
    description = _text("description", description, _("What happened"))
    title = (title or "").strip()[:200] or description.splitlines()[0][:60]
    phone = normalise_phone(phone) if phone else ""
    if customer is None and not phone:
        raise ValidationFailed.on(
            "customer", _("Name the customer, or at least the caller's phone number.")
        )
    if customer is not None:
        if customer.merged_into_id:
            raise ValidationFailed.on(
                "customer",
                _("%(name)s was merged into another customer record; use that one.")
                % {"name": customer.name},
            )
        phone = phone or customer.phone
    if actor.department is None:
        raise ValidationFailed.on(
            "department",
            _("You belong to no department, so the ticket would have no owner; ask an admin."),
        )
    if category is not None and kind != Kind.COMPLAINT:
        raise ValidationFailed.on("category", _("Only complaints carry a complaint category."))
    if appointment_at is not None:
        if kind != Kind.SERVICE_REQUEST:
            raise ValidationFailed.on(
                "appointment_at", _("Only service requests carry a visit appointment.")
            )
        if appointment_at <= now:
            raise ValidationFailed.on(
                "appointment_at", _("The agreed visit time must be in the future.")
            )
    if resolve_now and not resolution.strip():
        raise ValidationFailed.on(
            "resolution", _("Say how it was resolved when resolving it at once.")
        )

    ticket = Ticket(
        number=f"T{now:%y%m%d%H%M%S%f}"[:24],
        kind=kind,
        channel=channel,
        priority=priority,
        is_major=is_major,
        title=title,
        description=description,
        customer=customer,
        phone=phone,
        category=category,
        first_responder=actor,
        owner=actor,
        department=actor.department,
        state=State.OPEN,
        appointment_at=appointment_at,
        created_at=now,
        updated_at=now,
        updated_by=actor,
        idempotency_key=idempotency_key[:100],
    )
    timelimits.set_due_times(ticket, start=now)
    repeat_of = related_tickets(customer=customer, phone=phone, now=now).first()
    if repeat_of is not None:
        ticket.repeat_of = repeat_of
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        if idempotency_key:
            return Ticket.objects.get(first_responder=actor, idempotency_key=idempotency_key[:100])
        raise
    ticket.number = f"GD{now:%Y%m%d}{ticket.pk:06d}"
    ticket.save(update_fields=["number"])
    events.record(ticket, EventKind.CREATED, actor=actor, to_state=State.OPEN, at=now)
    events.customer_timeline(ticket, _("ticket recorded"), actor=actor)

    if repeat_of is not None:
        _count_repeat(repeat_of, new_ticket=ticket, actor=actor)
    if resolve_now:
        ticket.state = State.RESOLVED if kind != Kind.COMPLAINT else State.CALLBACK
        ticket.resolution = resolution.strip()
        ticket.resolved_at = now
        ticket.responded_at = now
        ticket.resolved_at_first_contact = True
        ticket.save(
            update_fields=[
                "state",
                "resolution",
                "resolved_at",
                "responded_at",
                "resolved_at_first_contact",
            ]
        )
        events.record(
            ticket,
            EventKind.RESOLVED,
            actor=actor,
            from_state=State.OPEN,
            to_state=ticket.state,
            note=ticket.resolution,
            data={"first_contact": True},
            at=now,
        )
    _audit(actor, ticket, None, _("ticket recorded"))
    if is_major or (kind == Kind.COMPLAINT and _is_key_customer(customer)):
        _escalate_major(ticket, actor)
    return ticket


def _count_repeat(original: Ticket, *, new_ticket: Ticket, actor) -> None:
    """R-TIC-4: the customer had to contact us again about an open or recent matter."""
    original = Ticket.objects.select_for_update().get(pk=original.pk)
    original.repeat_contacts += 1
    original.save(update_fields=["repeat_contacts"])
    events.record(
        original,
        EventKind.REPEAT,
        actor=actor,
        note=_("The customer contacted us again: %(number)s") % {"number": new_ticket.number},
        data={"ticket": new_ticket.pk},
    )
    _tell_first_responder(
        original,
        _("Repeat contact on %(number)s: the customer called again.") % {"number": original.number},
        actor,
    )


def _escalate_major(ticket: Ticket, actor) -> None:
    """R-TIC-5: a major matter or a key customer's complaint goes to the GM at once."""
    ticket.escalation_level = 3
    ticket.save(update_fields=["escalation_level"])
    events.record(
        ticket,
        EventKind.ESCALATED,
        actor=actor,
        note=_("Major matter: escalated to the general manager at once."),
        data={"level": 3, "major": True},
    )
    notify(
        _users_with_role(Role.GM),
        _("Major matter %(number)s: %(title)s") % {"number": ticket.number, "title": ticket.title},
        url=events.url(ticket),
    )


@transaction.atomic
def ticket_add_contact(
    *, actor, ticket: Ticket, channel: str, note: str, now: dt.datetime | None = None
) -> Ticket:
    """A further contact about the same matter, added to its ticket (R-TIC-4, counted)."""
    check(actor, "ticket.create")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    channel = _choice("channel", channel, Channel, _("Channel"))
    note = _text("note", note, _("Note"))
    ticket.repeat_contacts += 1
    _save(ticket, actor, ["repeat_contacts"])
    events.record(
        ticket, EventKind.REPEAT, actor=actor, note=note, data={"channel": channel}, at=now
    )
    _tell_first_responder(
        ticket,
        _("Repeat contact on %(number)s: the customer called again.") % {"number": ticket.number},
        actor,
    )
    return ticket


def _check_work(actor, ticket: Ticket) -> None:
    """Acting on a ticket: its department's staff, its owner, or its first responder."""
    if actor.pk in {ticket.owner_id, ticket.first_responder_id}:
        check(actor, "ticket.work")
        return
    check(actor, "ticket.work", department=ticket.department)


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
    return ticket


@transaction.atomic
def ticket_record_callback(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    reached: bool,
    satisfaction: int | None,
    note: str,
) -> Ticket:
    """Record the callback of a resolved complaint (R-TIC-7, R-FUP-2)."""
    ticket = _lock(ticket, version)
    check(actor, "ticket.callback", department=ticket.department)
    if ticket.state != State.CALLBACK:
        raise Conflict(
            message=_("Only a resolved complaint awaiting its callback can have one recorded.")
        )
    if reached and satisfaction is None:
        raise ValidationFailed.on(
            "satisfaction", _("Give the customer's satisfaction (1–5) when they were reached.")
        )
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationFailed.on("satisfaction", _("Satisfaction is from 1 to 5."))
    note = _text("note", note, _("Callback notes"))
    before = snapshot(ticket, _AUDITED)
    if reached:
        ticket.callback_at = timezone.now()
        ticket.callback_by = actor
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
        data={"reached": reached, "satisfaction": satisfaction},
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


@transaction.atomic
def ticket_handoff(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    to_department: Department,
    what: str,
    why: str,
    due_by: dt.datetime,
    to_user: User | None = None,
) -> Handoff:
    """Hand a ticket to the responsible department or person with a work contact form (R-TIC-2).

    On a ticket the first responder already resolved, the form is filed after the
    fact (先解决后补单, R-TIC-3) and leaves the ticket resolved. A ticket handed between
    departments more than the policy allows goes to the office's arbitration (R-TIC-9).
    """
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    what = _text("what", what, _("What is to be done"))
    why = _text("why", why, _("Why"))
    now = timezone.now()
    if due_by <= now:
        raise ValidationFailed.on("due_by", _("'By when' must be in the future."))
    if not to_department.is_active:
        raise ValidationFailed.on(
            "to_department",
            _("%(dept)s is no longer active; choose another department.")
            % {"dept": to_department.name},
        )
    if to_user is not None and (not to_user.is_active or to_user.department_id != to_department.pk):
        raise ValidationFailed.on(
            "to_user", _("The person must be an active member of the receiving department.")
        )
    filed_after = ticket.state in {State.RESOLVED, State.CALLBACK, State.CLOSED}
    if filed_after and actor.pk != ticket.first_responder_id:
        raise Conflict(message=_("Only the first responder files a form after solving."))
    if not filed_after and ticket.handoffs.filter(status=HandoffStatus.PENDING).exists():
        raise Conflict(
            message=_("A work contact form on %(number)s is still waiting for its receiver.")
            % {"number": ticket.number}
        )
    if ticket.state == State.ARBITRATION:
        raise Conflict(message=_("The ticket is with the office for arbitration."))
    handoff = Handoff.objects.create(
        ticket=ticket,
        from_user=actor,
        from_department=actor.department,
        to_department=to_department,
        to_user=to_user,
        what=what,
        why=why,
        due_by=due_by,
        filed_after=filed_after,
        created_at=now,
    )
    fields = []
    if not filed_after:
        if to_department.pk != ticket.department_id:
            ticket.department_transfers += 1
            fields.append("department_transfers")
        fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(
        ticket,
        EventKind.HANDOFF,
        actor=actor,
        note=what,
        data={
            "handoff": handoff.pk,
            "to_department": to_department.name,
            "to_user": to_user.display_name if to_user else "",
            "why": why,
            "due_by": due_by.isoformat(),
            "filed_after": filed_after,
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=handoff,
        summary=_("work contact form"),
        after=snapshot(handoff),
    )
    receivers = (
        [to_user]
        if to_user
        else list(User.objects.filter(is_active=True, department=to_department))
    )
    notify(
        receivers,
        _("Work contact form for %(number)s: %(what)s") % {"number": ticket.number, "what": what},
        url=events.url(ticket),
        exclude=actor,
    )
    limit = policy.get("tickets.shirking_bounce_limit")
    if not filed_after and ticket.department_transfers > limit:
        _to_arbitration(
            ticket,
            actor,
            _("Handed between departments %(n)d times (more than %(limit)d).")
            % {"n": ticket.department_transfers, "limit": limit},
        )
    return handoff


def _to_arbitration(ticket: Ticket, actor, reason: str) -> None:
    """R-TIC-9: shirking goes to the office (办公室) for a binding decision."""
    from_state = State(ticket.state)
    ticket.state = State.ARBITRATION
    _save(ticket, actor, ["state"])
    Handoff.objects.filter(ticket=ticket, status=HandoffStatus.PENDING).update(
        status=HandoffStatus.REJECTED,
        reject_reason=reason,
        responded_at=timezone.now(),
    )
    events.record(
        ticket,
        EventKind.ARBITRATION,
        actor=actor,
        from_state=from_state,
        to_state=State.ARBITRATION,
        note=reason,
    )
    notify(
        _users_with_role(Role.OFFICE),
        _("%(number)s needs arbitration: %(reason)s") % {"number": ticket.number, "reason": reason},
        url=events.url(ticket),
    )
    _tell_first_responder(
        ticket,
        _("%(number)s went to the office for arbitration.") % {"number": ticket.number},
        actor,
    )


def _check_receiver(actor, handoff: Handoff) -> None:
    """Only the person named on the form, or staff of the receiving department, answer it."""
    if handoff.to_user_id is not None and handoff.to_user_id == actor.pk:
        check(actor, "ticket.work")
        return
    check(actor, "ticket.work", department=handoff.to_department)


@transaction.atomic
def handoff_accept(*, actor, handoff: Handoff, version: int | None) -> Ticket:
    """The receiving department takes the ticket over; the first responder keeps following."""
    ticket = _lock(handoff.ticket, version)
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    _check_receiver(actor, handoff)
    if handoff.status != HandoffStatus.PENDING or handoff.filed_after:
        raise Conflict(message=_("This work contact form is not waiting for an answer."))
    now = timezone.now()
    handoff.status = HandoffStatus.ACCEPTED
    handoff.responded_by = actor
    handoff.responded_at = now
    handoff.save(update_fields=["status", "responded_by", "responded_at"])
    before = snapshot(ticket, _AUDITED)
    ticket.department = handoff.to_department
    ticket.owner = handoff.to_user or actor
    fields = ["department", "owner"]
    target = State.ASSIGNED if ticket.kind == Kind.COMPLAINT else State.IN_PROGRESS
    if ticket.state != target and target in allowed_next(ticket.kind, ticket.state):
        events.record(
            ticket, EventKind.STATE, actor=actor, from_state=ticket.state, to_state=target
        )
        ticket.state = target
        fields.append("state")
    elif ticket.kind == Kind.COMPLAINT and ticket.state == State.OPEN:
        # A complaint handed off straight from recording is analysed on receipt.
        events.record(
            ticket, EventKind.STATE, actor=actor, from_state=ticket.state, to_state=State.ASSIGNED
        )
        ticket.state = State.ASSIGNED
        fields.append("state")
    fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(ticket, EventKind.HANDOFF_ACCEPTED, actor=actor, data={"handoff": handoff.pk})
    _audit(actor, ticket, before, _("hand-off accepted"))
    _tell_first_responder(
        ticket,
        _("%(dept)s accepted %(number)s.")
        % {"dept": handoff.to_department.name, "number": ticket.number},
        actor,
    )
    return ticket


@transaction.atomic
def handoff_reject(*, actor, handoff: Handoff, version: int | None, reason: str) -> Ticket:
    """The receiving department refuses: the ticket goes to the office (R-TIC-9)."""
    ticket = _lock(handoff.ticket, version)
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    _check_receiver(actor, handoff)
    if handoff.status != HandoffStatus.PENDING or handoff.filed_after:
        raise Conflict(message=_("This work contact form is not waiting for an answer."))
    reason = _text("reason", reason, _("Why rejected"))
    handoff.status = HandoffStatus.REJECTED
    handoff.responded_by = actor
    handoff.responded_at = timezone.now()
    handoff.reject_reason = reason
    handoff.save(update_fields=["status", "responded_by", "responded_at", "reject_reason"])
    events.record(
        ticket,
        EventKind.HANDOFF_REJECTED,
        actor=actor,
        note=reason,
        data={"handoff": handoff.pk, "department": handoff.to_department.name},
    )
    before = snapshot(ticket, _AUDITED)
    _to_arbitration(
        ticket,
        actor,
        _("%(dept)s rejected the work contact form: %(reason)s")
        % {"dept": handoff.to_department.name, "reason": reason},
    )
    _audit(actor, ticket, before, _("hand-off rejected"), reason=reason)
    return ticket


@transaction.atomic
def ticket_arbitrate(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    department: Department,
    decision: str,
    owner: User | None = None,
) -> Ticket:
    """The office's binding decision: who handles the ticket now (R-TIC-9)."""
    check(actor, "ticket.arbitrate")
    ticket = _lock(ticket, version)
    if ticket.state != State.ARBITRATION:
        raise Conflict(message=_("Only a ticket in arbitration can be arbitrated."))
    decision = _text("decision", decision, _("Decision"))
    if not department.is_active:
        raise ValidationFailed.on("department", _("Choose an active department."))
    if owner is not None and owner.department_id != department.pk:
        raise ValidationFailed.on("owner", _("The owner must belong to that department."))
    before = snapshot(ticket, _AUDITED)
    ticket.department = department
    ticket.owner = owner
    target = State.ASSIGNED if ticket.kind == Kind.COMPLAINT else State.IN_PROGRESS
    ticket.state = target
    ticket.department_transfers = 0
    _save(ticket, actor, ["department", "owner", "state", "department_transfers"])
    events.record(
        ticket,
        EventKind.ARBITRATED,
        actor=actor,
        from_state=State.ARBITRATION,
        to_state=target,
        note=decision,
        data={"department": department.name, "owner": owner.display_name if owner else ""},
    )
    _audit(actor, ticket, before, _("arbitrated"), reason=decision)
    receivers = (
        [owner] if owner else list(User.objects.filter(is_active=True, department=department))
    )
    notify(
        [*receivers, ticket.first_responder],
        _("The office decided: %(dept)s handles %(number)s.")
        % {"dept": department.name, "number": ticket.number},
        url=events.url(ticket),
        exclude=actor,
    )
    return ticket


@transaction.atomic
def ticket_comment(*, actor, ticket: Ticket, note: str) -> Ticket:
    check(actor, "ticket.view")
    note = _text("note", note, _("Note"))
    events.record(ticket, EventKind.COMMENT, actor=actor, note=note)
    return ticket


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
        state__in=open_states, resolution_due__lt=now, resolution_breached=False
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


def _responsible(role: Role, department: Department):
    """Holders of ``role`` over ``department``: in it or a department above it; else everyone
    with the role, so an escalation never goes unheard."""
    parts = [p for p in department.path.split("/") if p]
    above = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    holders = _users_with_role(role).filter(department__path__in=above)
    return holders if holders.exists() else _users_with_role(role)


# ------------------------------------------------------------ service requests (R-TIC-8)


def _money(field: str, value, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(
            field, _("%(label)s must be a number.") % {"label": label}
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationFailed.on(field, _("%(label)s must be more than zero.") % {"label": label})
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def ticket_charge(
    *, actor, ticket: Ticket, version: int | None, item_code: str, quantity=1
) -> Charge:
    """Charge a paid service from the fee schedule (R-TIC-8); refused for a blacklisted
    customer (R-CUS-5)."""
    ticket = _lock(ticket, version)
    check(actor, "ticket.charge", department=ticket.department)
    if ticket.kind != Kind.SERVICE_REQUEST:
        raise ValidationFailed.on("item", _("Only service requests carry paid services."))
    item = FeeItem.objects.filter(code=item_code, is_active=True).first()
    if item is None:
        raise ValidationFailed.on(
            "item", _("%(code)r is not in the fee schedule.") % {"code": item_code}
        )
    if ticket.customer is not None:
        ensure_not_blacklisted(ticket.customer, _("paid service"))
    quantity = _money("quantity", quantity, _("Quantity"))
    charge = Charge.objects.create(
        ticket=ticket,
        item=item,
        quantity=quantity,
        unit_price=item.price,
        amount=(item.price * quantity).quantize(Decimal("0.01")),
        created_by=actor,
    )
    ticket.charged_total += charge.amount
    _save(ticket, actor, ["charged_total"])
    events.record(
        ticket,
        EventKind.CHARGE,
        actor=actor,
        note=f"{item.name} × {quantity} = ¥{charge.amount}",
        data={"item": item.code, "amount": str(charge.amount)},
    )
    audit_record(actor=actor, action=Action.CREATE, target=charge, after=snapshot(charge))
    return charge


@transaction.atomic
def ticket_payment(*, actor, ticket: Ticket, version: int | None, amount, method: str) -> Payment:
    """Record a payment against the charges of a paid service (R-TIC-8)."""
    ticket = _lock(ticket, version)
    check(actor, "ticket.charge", department=ticket.department)
    amount = _money("amount", amount, _("Amount"))
    method = _text("method", method, _("Payment method"), 20)
    if ticket.paid_total + amount > ticket.charged_total:
        raise ValidationFailed.on(
            "amount",
            _("Payment of ¥%(amount)s is more than the ¥%(due)s still owed.")
            % {"amount": amount, "due": ticket.charged_total - ticket.paid_total},
        )
    payment = Payment.objects.create(ticket=ticket, amount=amount, method=method, received_by=actor)
    ticket.paid_total += amount
    _save(ticket, actor, ["paid_total"])
    events.record(
        ticket,
        EventKind.PAYMENT,
        actor=actor,
        note=f"¥{amount} ({method})",
        data={"amount": str(amount)},
    )
    audit_record(actor=actor, action=Action.CREATE, target=payment, after=snapshot(payment))
    return payment


@transaction.atomic
def ticket_visit_done(*, actor, ticket: Ticket, version: int | None, at: dt.datetime) -> Ticket:
    """Record that the agreed visit took place (R-TIC-8)."""
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    if ticket.appointment_at is None:
        raise Conflict(message=_("This ticket has no agreed visit time."))
    if at > timezone.now():
        raise ValidationFailed.on("at", _("A visit cannot be recorded in the future."))
    ticket.appointment_kept_at = at
    fields = ["appointment_kept_at", *_mark_responded(ticket, at)]
    _save(ticket, actor, fields)
    events.record(ticket, EventKind.APPOINTMENT, actor=actor, note=_("visited"), at=at)
    return ticket


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
        events.record(ticket, EventKind.APPOINTMENT, note=_("The agreed visit was missed."), at=now)
        notify(
            [ticket.owner, ticket.first_responder, *_users_with_role(Role.CS_SUPERVISOR)],
            _("Missed appointment on %(number)s.") % {"number": ticket.number},
            url=events.url(ticket),
        )
        count += 1
    return count


# ------------------------------------------------------------------- merge and split


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
    before = snapshot(ticket, _AUDITED)
    from_state = ticket.state
    ticket.merged_into = into
    ticket.state = State.CLOSED
    ticket.closed_at = timezone.now()
    _save(ticket, actor, ["merged_into", "state", "closed_at"])
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
    timelimits.set_due_times(part, start=now)
    part.save()
    part.number = f"GD{now:%Y%m%d}{part.pk:06d}"
    part.save(update_fields=["number"])
    events.record(part, EventKind.CREATED, actor=actor, to_state=State.OPEN, at=now)
    events.record(
        part, EventKind.SPLIT, actor=actor,
        note=_("Split from %(n)s.") % {"n": ticket.number}, data={"from": ticket.pk},
    )  # fmt: skip
    _save(ticket, actor, [])
    events.record(
        ticket, EventKind.SPLIT, actor=actor,
        note=_("%(n)s was split off.") % {"n": part.number}, data={"into": part.pk},
    )  # fmt: skip
    _audit(actor, part, None, _("split off"))
    _tell_first_responder(
        part, _("%(a)s was split off %(b)s.") % {"a": part.number, "b": ticket.number}, actor
    )
    return part
