"""The blacklist (R-CUS-5): one check every app calls before opening new business."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers import events
from kefu.customers.models import (
    BlacklistEntry,
    Customer,
)
from kefu.customers.services._common import (
    _date,
    _user,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check


def active_blacklist_entry(customer: Customer) -> BlacklistEntry | None:
    today = timezone.localdate()
    return (
        BlacklistEntry.objects.filter(customer=customer, lifted_at__isnull=True)
        .filter(models.Q(until__isnull=True) | models.Q(until__gte=today))
        .select_related("approved_by")
        .order_by("-created_at")
        .first()
    )


def ensure_not_blacklisted(customer: Customer, purpose: str) -> None:
    """R-CUS-5: refuse new business (a contract, a plan, a paid service) for a listed customer.

    The one place the blacklist is checked; other apps call it before opening
    business. The refusal names the blacklist entry. Complaints and safety
    contacts do not call this, so they are always accepted.
    """
    entry = active_blacklist_entry(customer)
    if entry is None:
        return
    until = entry.until.isoformat() if entry.until else _("further notice")
    raise Conflict(
        message=_(
            "%(customer)s is on the blacklist (entry #%(id)s: %(reason)s; approved by "
            "%(approver)s, until %(until)s): no new %(purpose)s can be opened (R-CUS-5)."
        )
        % {
            "customer": customer.name,
            "id": entry.pk,
            "reason": entry.reason,
            "approver": entry.approved_by.display_name if entry.approved_by else "system",
            "until": until,
            "purpose": purpose,
        }
    )


@transaction.atomic
def customer_blacklist(
    *, actor, customer: Customer, reason: str, until: dt.date | None = None
) -> BlacklistEntry:
    """R-CUS-5: put a customer on the blacklist with reason, approver (the actor) and end date."""
    check(actor, "customer.blacklist", department=customer.department)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("reason: say why the customer is blacklisted."))
    until = _date("until", until)
    if until is not None and until < timezone.localdate():
        raise ValidationFailed.on("until", _("until: the end date is in the past."))
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    current = active_blacklist_entry(customer)
    if current is not None:
        raise Conflict(
            message=_("%(c)s is already on the blacklist (entry #%(id)s).")
            % {"c": customer.name, "id": current.pk}
        )
    entry = BlacklistEntry.objects.create(
        customer=customer, reason=reason, approved_by=_user(actor), until=until
    )
    events.blacklisted(entry, actor=actor)
    audit_record(
        actor=actor, action=Action.CREATE, target=entry, after=snapshot(entry), reason=reason
    )
    return entry


@transaction.atomic
def customer_blacklist_lift(*, actor, entry: BlacklistEntry, reason: str) -> BlacklistEntry:
    """R-CUS-5: lift a blacklist entry early; who, when and why are recorded."""
    check(actor, "customer.blacklist", department=entry.customer.department)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("reason: say why the blacklist is lifted."))
    entry = BlacklistEntry.objects.select_for_update().select_related("customer").get(pk=entry.pk)
    if entry.lifted_at is not None:
        raise Conflict(message=_("Blacklist entry #%(id)s was already lifted.") % {"id": entry.pk})
    before = snapshot(entry)
    entry.lifted_at = timezone.now()
    entry.lifted_by = _user(actor)
    entry.lift_reason = reason
    entry.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    events.blacklist_lifted(entry, actor=actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=entry,
        before=before,
        after=snapshot(entry),
        reason=reason,
    )
    return entry
