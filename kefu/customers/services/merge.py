"""Merging duplicate customers without losing any history (R-CUS-11)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers import events, search
from kefu.customers.models import (
    Customer,
    CustomerClass,
)
from kefu.customers.services._common import (
    _SAVED_ON_UPDATE,
    TEXT_FIELDS,
    _class_set,
    _has_live_contract,
    _reindex,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check


def _reverse_relations():
    for rel in Customer._meta.get_fields(include_hidden=True):
        if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one):
            yield rel.related_model, rel.field.name


@transaction.atomic
def customer_merge(*, actor, survivor: Customer, duplicate: Customer, reason: str = "") -> Customer:
    """R-CUS-11: merge a duplicate into the survivor without losing any history.

    Every row of any app that points at the duplicate (contacts, contracts, claims,
    blacklist entries, class and grade history, timeline, and tickets or calls of
    later apps) moves to the survivor; blank survivor fields are filled from the
    duplicate, tags are joined. The duplicate stays, marked "merged into", so
    old links and audit entries still resolve.
    """
    check(actor, "customer.merge", department=survivor.department)
    check(actor, "customer.merge", department=duplicate.department)
    if survivor.pk == duplicate.pk:
        raise ValidationFailed.on("duplicate", _("A customer cannot be merged into itself."))
    locked = Customer.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    for c in (survivor, duplicate):
        if c.is_merged:
            raise Conflict(
                message=_("Customer #%(id)s was already merged into #%(into)s.")
                % {"id": c.pk, "into": c.merged_into_id}
            )
    before_survivor, before_duplicate = snapshot(survivor), snapshot(duplicate)
    moved = 0
    for model, fk in _reverse_relations():
        if model is Customer:
            continue
        rows = model._default_manager.filter(**{fk: duplicate})
        try:
            with transaction.atomic():
                moved += rows.update(**{fk: survivor})
        except IntegrityError:
            # A row that would break a uniqueness rule (e.g. both in one grading run)
            # stays with the merged record, which is kept and points at the survivor.
            continue
    moved += Customer.objects.filter(merged_into=duplicate).update(merged_into=survivor)
    for field in [
        *TEXT_FIELDS,
        "gender",
        "education",
        "credit",
        "birth_date",
        "age",
        "email",
        "id_number",
        "phone",
        "phone_alt",
        "first_grade",
        "second_grade",
    ]:
        if getattr(survivor, field) in ("", None) and getattr(duplicate, field) not in ("", None):
            setattr(survivor, field, getattr(duplicate, field))
    if (
        duplicate.phone
        and duplicate.phone not in (survivor.phone, survivor.phone_alt)
        and not survivor.phone_alt
    ):
        survivor.phone_alt = duplicate.phone
    for field in ("interests", "tags"):
        setattr(
            survivor,
            field,
            list(dict.fromkeys([*getattr(survivor, field), *getattr(duplicate, field)])),
        )
    if survivor.manager_id is None:
        survivor.manager_id = duplicate.manager_id
    survivor.updated_at = timezone.now()
    survivor.save(update_fields=[*_SAVED_ON_UPDATE, "first_grade", "second_grade"])
    if survivor.customer_class != CustomerClass.OWNER and _has_live_contract(survivor):
        _class_set(survivor, CustomerClass.OWNER, actor=actor, reason=_("merged with an owner"))
    duplicate.merged_into = survivor
    duplicate.updated_at = timezone.now()
    duplicate.save(update_fields=["merged_into", "updated_at"])
    _reindex(survivor)
    search.unindex_customer(duplicate.pk)
    events.merged(survivor, duplicate, actor=actor, moved=moved)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=survivor,
        before=before_survivor,
        after=snapshot(survivor),
        reason=reason,
        summary=_("merged customer #%(id)s into this one") % {"id": duplicate.pk},
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=duplicate,
        before=before_duplicate,
        after=snapshot(duplicate),
        reason=reason,
        summary=_("merged into customer #%(id)s") % {"id": survivor.pk},
    )
    return survivor
