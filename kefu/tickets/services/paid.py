"""Service requests (R-TIC-8): paid services from the fee schedule, payments, visits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers.services import ensure_not_blacklisted
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check
from kefu.tickets import events
from kefu.tickets.models import (
    Charge,
    EventKind,
    FeeItem,
    Kind,
    Payment,
    Ticket,
)
from kefu.tickets.services._common import (
    _aware,
    _check_work,
    _lock,
    _mark_responded,
    _save,
    _text,
)


def _money(field: str, value, label: str, *, maximum: Decimal) -> Decimal:
    """A positive amount with two decimals, no larger than its column can hold."""
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
        amount = amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(
            field, _("%(label)s must be a number.") % {"label": label}
        ) from None
    if amount <= 0:
        raise ValidationFailed.on(field, _("%(label)s must be more than zero.") % {"label": label})
    if amount > maximum:
        raise ValidationFailed.on(
            field,
            _("%(label)s cannot be more than %(max)s.") % {"label": label, "max": maximum},
        )
    return amount


MAX_QUANTITY = Decimal("999999.99")
MAX_TOTAL = Decimal("9999999999.99")  # the 12 digits of charged_total / paid_total


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
    quantity = _money("quantity", quantity, _("Quantity"), maximum=MAX_QUANTITY)
    amount = (item.price * quantity).quantize(Decimal("0.01"))
    if ticket.charged_total + amount > MAX_TOTAL:
        raise ValidationFailed.on(
            "quantity",
            _("The charges of one ticket cannot exceed ¥%(max)s.") % {"max": MAX_TOTAL},
        )
    charge = Charge.objects.create(
        ticket=ticket,
        item=item,
        quantity=quantity,
        unit_price=item.price,
        amount=amount,
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
    amount = _money("amount", amount, _("Amount"), maximum=MAX_TOTAL)
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
    at = _aware(at)
    if ticket.appointment_at is None:
        raise Conflict(message=_("This ticket has no agreed visit time."))
    if at > timezone.now():
        raise ValidationFailed.on("at", _("A visit cannot be recorded in the future."))
    ticket.appointment_kept_at = at
    fields = ["appointment_kept_at", *_mark_responded(ticket, at)]
    _save(ticket, actor, fields)
    events.record(ticket, EventKind.APPOINTMENT, actor=actor, note=_("visited"), at=at)
    audit_record(
        actor=actor, action=Action.UPDATE, target=ticket, summary=_("visited"),
        after={"appointment_kept_at": at},
    )  # fmt: skip
    return ticket
