"""What the supervisor keeps for tickets: time limits, complaint categories, the fee schedule."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check
from kefu.tickets.models import Clock, ComplaintCategory, FeeItem, Kind, Priority, TimeLimit

MAX_PRICE = Decimal("99999999.99")  # the 10 digits of FeeItem.price


def _minutes(field: str, value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed.on(field, _("Give whole minutes.")) from None
    if not 1 <= minutes <= 60 * 24 * 365:
        raise ValidationFailed.on(field, _("Minutes must be between 1 and 525600."))
    return minutes


@transaction.atomic
def time_limit_set(
    *, actor, kind: str, priority: str, response_minutes, resolution_minutes, clock: str
) -> TimeLimit:
    """Set the response and resolution targets of one kind and priority (R-TIC-6)."""
    check(actor, "ticket.settings")
    for field, value, choices in (
        ("kind", kind, Kind),
        ("priority", priority, Priority),
        ("clock", clock, Clock),
    ):
        if value not in choices.values:
            raise ValidationFailed.on(field, _("Unknown %(f)s: %(v)r.") % {"f": field, "v": value})
    respond = _minutes("response_minutes", response_minutes)
    resolve = _minutes("resolution_minutes", resolution_minutes)
    if resolve < respond:
        raise ValidationFailed.on(
            "resolution_minutes", _("The resolution limit cannot be shorter than the response.")
        )
    row = TimeLimit.objects.select_for_update().filter(kind=kind, priority=priority).first()
    before = snapshot(row) if row else None
    row, _created = TimeLimit.objects.update_or_create(
        kind=kind,
        priority=priority,
        defaults={"response_minutes": respond, "resolution_minutes": resolve, "clock": clock},
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        target=row,
        before=before,
        after=snapshot(row),
    )
    return row


@transaction.atomic
def complaint_category_create(
    *, actor, name: str, parent: ComplaintCategory | None = None
) -> ComplaintCategory:
    """Add a node to the complaint category tree (R-TIC-7)."""
    check(actor, "ticket.settings")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed.on("name", _("A category needs a name of up to 100 characters."))
    if ComplaintCategory.objects.filter(parent=parent, name=name).exists():
        raise Conflict(message=_("The category %(name)s already exists there.") % {"name": name})
    category = ComplaintCategory.objects.create(name=name, parent=parent)
    audit_record(actor=actor, action=Action.CREATE, target=category, after=snapshot(category))
    return category


@transaction.atomic
def complaint_category_set_active(
    *, actor, category: ComplaintCategory, is_active: bool
) -> ComplaintCategory:
    check(actor, "ticket.settings")
    before = snapshot(category)
    category.is_active = is_active
    category.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=category, before=before, after=snapshot(category)
    )
    return category


@transaction.atomic
def fee_item_set(
    *, actor, code: str, name: str, unit: str, price, is_active: bool = True
) -> FeeItem:
    """Add or change one line of the fee schedule (R-TIC-8)."""
    check(actor, "ticket.settings")
    code = (code or "").strip()
    if not code or len(code) > 40 or not code.replace("-", "").isalnum():
        raise ValidationFailed.on("code", _("A code is letters, digits and dashes (up to 40)."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("Name the service."))
    if len(name) > 100:
        raise ValidationFailed.on("name", _("The name is longer than 100 characters."))
    try:
        amount = Decimal(str(price))
        if not amount.is_finite():
            raise InvalidOperation
        amount = amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on("price", _("The price must be a number.")) from None
    if amount < 0:
        raise ValidationFailed.on("price", _("The price cannot be negative."))
    if amount > MAX_PRICE:
        raise ValidationFailed.on(
            "price", _("The price cannot be more than %(max)s.") % {"max": MAX_PRICE}
        )
    row = FeeItem.objects.select_for_update().filter(code=code).first()
    before = snapshot(row) if row else None
    row, _created = FeeItem.objects.update_or_create(
        code=code,
        defaults={"name": name, "unit": (unit or "次").strip()[:20], "price": amount,
                  "is_active": is_active},
    )  # fmt: skip
    audit_record(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        target=row,
        before=before,
        after=snapshot(row),
    )
    return row
