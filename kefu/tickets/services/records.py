"""Recording contacts: the first responder (R-TIC-2), resolving at once, repeat contacts
(R-TIC-4), major matters (R-TIC-5).
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.core.notify import notify
from kefu.customers.models import Customer
from kefu.customers.validators import normalise_phone
from kefu.errors import ValidationFailed
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.tickets import events, timelimits
from kefu.tickets.models import (
    Channel,
    ComplaintCategory,
    EventKind,
    Kind,
    Priority,
    Ticket,
)
from kefu.tickets.selectors import related_tickets
from kefu.tickets.services._common import (
    _audit,
    _aware,
    _check_work,
    _choice,
    _lock,
    _plan_callback,
    _save,
    _tell_first_responder,
    _text,
    _users_with_role,
)
from kefu.tickets.states import State


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
    raised_in=None,
) -> Ticket:
    """Record a contact as a ticket; the actor becomes its first responder (R-TIC-2).

    ``resolve_now`` finishes it in the same contact (一次办结, counted as first-contact
    resolution). A contact from a customer or number with an open ticket, or one
    closed within the repeat window, is linked to it and counted (R-TIC-4).

    ``raised_in`` is the callback or follow-up task (R-FUP-1, R-FUP-2) during which we
    called the customer and they raised this issue: that is no repeat contact by the
    customer (R-TIC-4), so it is not counted; both tickets note the link instead.
    """
    check(actor, "ticket.create")
    if idempotency_key:
        existing = Ticket.objects.filter(
            first_responder=actor, idempotency_key=idempotency_key[:100]
        ).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    appointment_at = _aware(appointment_at)
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
    if category is not None and not category.is_active:
        raise ValidationFailed.on("category", _("That complaint category is retired."))
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
    no_limits = timelimits.set_due_times(ticket, start=now)
    repeat_of = (
        None
        if raised_in is not None
        else related_tickets(customer=customer, phone=phone, now=now)
        .values_list("pk", flat=True)
        .first()
    )
    ticket.repeat_of_id = repeat_of
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
    if no_limits:
        _no_time_limits(ticket, no_limits)
    events.customer_timeline(ticket, _("ticket recorded"), actor=actor)

    if repeat_of is not None:
        _count_repeat(repeat_of, new_ticket=ticket, actor=actor)
    if raised_in is not None:
        _note_raised_in(raised_in, new_ticket=ticket, actor=actor, now=now)
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
        _plan_callback(ticket)
    if is_major or (kind == Kind.COMPLAINT and _is_key_customer(customer)):
        _escalate_major(ticket, actor)
    _audit(actor, ticket, None, _("ticket recorded"))
    return ticket


def _no_time_limits(ticket: Ticket, reason: str) -> None:
    """R-TIC-6: say plainly on the ticket, and to those who keep the calendar, why it has no
    due times, instead of guessing them."""
    events.record(ticket, EventKind.COMMENT, note=reason)
    notify(
        _users_with_role(Role.CS_SUPERVISOR),
        _("%(number)s has no time limits: %(reason)s")
        % {"number": ticket.number, "reason": reason},
        url=events.url(ticket),
    )


def _count_repeat(original_id: int, *, new_ticket: Ticket, actor) -> None:
    """R-TIC-4: the customer had to contact us again about an open or recent matter."""
    original = (
        Ticket.objects.select_related("first_responder", "owner")
        .select_for_update(of=("self",))
        .get(pk=original_id)
    )
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


def _note_raised_in(task, *, new_ticket: Ticket, actor, now: dt.datetime) -> None:
    """R-TIC-4, R-FUP-2: an issue raised while we called the customer back is linked to the
    callback and the complaint it followed, as a note, and never counted as a repeat."""
    original = task.ticket if getattr(task, "ticket_id", None) else None
    if original is not None:
        events.record(
            new_ticket,
            EventKind.COMMENT,
            actor=actor,
            note=_("Raised by the customer during the callback of %(number)s.")
            % {"number": original.number},
            data={"followup": task.pk, "ticket": original.pk},
            at=now,
        )
        events.record(
            original,
            EventKind.COMMENT,
            actor=actor,
            note=_("During the callback the customer raised a new issue: %(number)s.")
            % {"number": new_ticket.number},
            data={"followup": task.pk, "ticket": new_ticket.pk},
            at=now,
        )
    else:
        events.record(
            new_ticket,
            EventKind.COMMENT,
            actor=actor,
            note=_("Raised by the customer during a follow-up contact (%(kind)s).")
            % {"kind": task.get_kind_display()},
            data={"followup": task.pk},
            at=now,
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
    ticket = _lock(ticket, None)
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
    audit_record(
        actor=actor, action=Action.UPDATE, target=ticket, summary=_("repeat contact"),
        after={"repeat_contacts": ticket.repeat_contacts, "channel": channel},
    )  # fmt: skip
    return ticket


@transaction.atomic
def ticket_comment(*, actor, ticket: Ticket, note: str) -> Ticket:
    _check_work(actor, ticket)
    note = _text("note", note, _("Note"))
    events.record(ticket, EventKind.COMMENT, actor=actor, note=note)
    audit_record(
        actor=actor, action=Action.CREATE, target=ticket, summary=_("note"), after={"note": note}
    )
    return ticket
