"""Creating and changing customers and their contacts (R-CUS-1, R-CUS-2; the duplicate
check of R-CUS-11)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers import events, search
from kefu.customers.models import (
    ClassChange,
    Contact,
    Customer,
    CustomerClass,
)
from kefu.customers.services._common import (
    _SAVED_ON_UPDATE,
    _check_manager,
    _class_set,
    _duplicate_conflict,
    _find_duplicate,
    _has_live_contract,
    _reindex,
    _search_values,
    _user,
    clean_customer_fields,
)
from kefu.customers.validators import (
    normalise_phone,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import check


@transaction.atomic
def customer_create(
    *,
    actor,
    department: Department,
    manager: User | None = None,
    allow_duplicate: bool = False,
    **fields,
) -> Customer:
    """Create a customer holding any field group of R-CUS-1; phones and IDs are checked.

    A customer with the same phone or ID as an existing one is refused as a
    duplicate (R-CUS-11) unless ``allow_duplicate``.
    """
    check(actor, "customer.edit", department=department)
    if "name" not in fields:
        raise ValidationFailed.on("name", _("name is required."))
    clean = clean_customer_fields(fields)
    if clean.get("customer_class") == CustomerClass.OWNER:
        raise ValidationFailed.on(
            "customer_class", _("A customer becomes an owner when a contract is signed (R-CUS-2).")
        )
    _check_manager(manager)
    if not allow_duplicate:
        other = _find_duplicate(clean)
        if other is not None:
            raise _duplicate_conflict(other)
    customer = Customer(department=department, manager=manager, **clean)
    customer.search_text = _search_values(customer)
    customer.save()
    search.index_customers([(customer.pk, customer.search_text)], replace=False)
    ClassChange.objects.create(
        customer=customer,
        to_class=customer.customer_class,
        reason=_("created"),
        actor=_user(actor),
    )
    events.customer_created(customer, actor=actor)
    audit_record(actor=actor, action=Action.CREATE, target=customer, after=snapshot(customer))
    return customer


@transaction.atomic
def customer_update(
    *,
    actor,
    customer: Customer,
    department: Department | None = None,
    manager: User | None | bool = False,
    reason: str = "",
    **fields,
) -> Customer:
    """Change a customer's fields (only those given); R-CUS-2 limits manual class changes.

    Owner follows purchases: nobody sets "owner" by hand, and an owner with a live
    contract cannot be demoted; potential ↔ intended is a manual change, recorded.
    """
    check(actor, "customer.edit", department=customer.department)
    if department is not None:
        check(actor, "customer.edit", department=department)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_merged:
        raise Conflict(
            message=_("This customer was merged into #%(id)s; change that record.")
            % {"id": customer.merged_into_id}
        )
    clean = clean_customer_fields(fields, kind=customer.kind)
    before = snapshot(customer)
    new_class = clean.pop("customer_class", None)
    if manager is not False:
        _check_manager(manager)
        customer.manager = manager
    if department is not None:
        customer.department = department
    for field, value in clean.items():
        setattr(customer, field, value)
    other = _find_duplicate(
        {f: clean[f] for f in ("phone", "phone_alt", "id_number") if clean.get(f)},
        exclude_pk=customer.pk,
    )
    if other is not None:
        raise _duplicate_conflict(other)
    customer.updated_at = timezone.now()
    customer.save(update_fields=_SAVED_ON_UPDATE)
    if new_class is not None and new_class != customer.customer_class:
        if new_class == CustomerClass.OWNER:
            raise ValidationFailed.on(
                "customer_class",
                _("A customer becomes an owner when a contract is signed (R-CUS-2)."),
            )
        if customer.customer_class == CustomerClass.OWNER and _has_live_contract(customer):
            raise Conflict(
                message=_("This customer holds a live contract and stays an owner (R-CUS-2).")
            )
        _class_set(customer, new_class, actor=actor, reason=reason or _("changed by hand"))
    _reindex(customer)
    after = snapshot(customer)
    changed_fields = [
        k for k in after if before.get(k) != after.get(k) and k not in {"updated_at", "search_text"}
    ]
    if changed_fields:
        events.customer_updated(customer, actor=actor, fields=changed_fields)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=customer,
            before=before,
            after=after,
            reason=reason,
        )
    return customer


@transaction.atomic
def contact_create(
    *,
    actor,
    customer: Customer,
    name: str,
    job_title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
    notes: str = "",
) -> Contact:
    """Add a contact person to a customer, usually an organisation (R-CUS-1)."""
    check(actor, "customer.edit", department=customer.department)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("name is required."))
    if len(name) > 100:
        raise ValidationFailed.on("name", _("name is longer than 100 characters."))
    clean = clean_customer_fields({"email": email})
    contact = Contact.objects.create(
        customer=customer,
        name=name,
        job_title=(job_title or "").strip()[:100],
        phone=normalise_phone(phone, field="phone"),
        email=clean["email"],
        is_primary=is_primary,
        notes=notes or "",
    )
    if is_primary:
        customer.contacts.exclude(pk=contact.pk).update(is_primary=False)
    events.contact_added(customer, contact, actor=actor)
    audit_record(actor=actor, action=Action.CREATE, target=contact, after=snapshot(contact))
    return contact
