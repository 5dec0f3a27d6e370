"""Revealing personal data with a reason, recorded in the audit trail (R-SEC-1)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.customers.masking import PERSONAL_FIELDS
from kefu.customers.models import (
    Contact,
    Customer,
)
from kefu.errors import ValidationFailed
from kefu.org.permissions import check


@transaction.atomic
def customer_reveal_field(
    *, actor, customer: Customer, field: str, reason: str, contact: Contact | None = None
) -> str:
    """R-SEC-1: show one masked personal field in clear, to this actor, for a stated reason.

    Needs ``customer.reveal`` for the customer's department and a reason; writes a
    REVEAL entry (who, what, why) to the audit trail and returns the clear value.
    """
    check(actor, "customer.reveal", department=customer.department)
    if contact is not None:
        if contact.customer_id != customer.pk:
            raise ValidationFailed.on("contact", _("That contact belongs to another customer."))
        if field != "phone":
            raise ValidationFailed.on("field", _("Only a contact's phone is masked."))
    elif field not in PERSONAL_FIELDS:
        raise ValidationFailed.on(
            "field",
            _("field must be one of %(f)s.") % {"f": ", ".join(PERSONAL_FIELDS)},
        )
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed.on("reason", _("reason: say why you need to see this."))
    value = getattr(contact if contact is not None else customer, field)
    # The field by its name for people ("电话"), as the audit trail is read by people.
    label = str((Contact if contact is not None else Customer)._meta.get_field(field).verbose_name)
    what = (
        _("%(field)s of contact %(name)s") % {"field": label, "name": contact.name}
        if contact is not None
        else label
    )
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        target=customer,
        summary=_("revealed %(what)s") % {"what": what},
        reason=reason[:2000],
    )
    return value
