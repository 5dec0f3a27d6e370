"""Every write to the customer archive: one function per business action.

Each checks the actor's permission and the customer's department first (R-SEC-3),
runs in one transaction, keeps the search index in step (R-CUS-9) and writes
the audit trail (R-SEC-2) and the customer's timeline (R-CUS-8).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers import events, search
from kefu.customers.masking import PERSONAL_FIELDS
from kefu.customers.models import (
    BlacklistEntry,
    Claim,
    ClassChange,
    Contact,
    Contract,
    ContractStatus,
    Credit,
    Customer,
    CustomerClass,
    Education,
    FirstGrade,
    Gender,
    GradeChange,
    GradeProposal,
    GradingRun,
    GradingRunStatus,
    Kind,
    QualityList,
    SecondGrade,
)
from kefu.customers.validators import (
    id_birth_date,
    id_gender,
    normalise_id_number,
    normalise_phone,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import check

# The fields a person may set on a customer, and their maximum lengths for text.
TEXT_FIELDS = {
    "name": 100,
    "occupation": 100,
    "job_title": 100,
    "company": 200,
    "industry": 100,
    "income_band": 50,
    "family_structure": 200,
    "address": 300,
    "source": 100,
    "personality_notes": 5000,
    "purchase_attitude": 5000,
    "requirements": 5000,
    "visit_reactions": 5000,
    "purchase_intent": 5000,
}
CHOICE_FIELDS = {
    "kind": Kind,
    "gender": Gender,
    "education": Education,
    "credit": Credit,
    "customer_class": CustomerClass,
}
OTHER_FIELDS = {
    "phone",
    "phone_alt",
    "email",
    "id_number",
    "birth_date",
    "age",
    "interests",
    "tags",
}
CUSTOMER_FIELDS = set(TEXT_FIELDS) | set(CHOICE_FIELDS) | OTHER_FIELDS
_SAVED_ON_UPDATE = sorted(
    (CUSTOMER_FIELDS - {"customer_class"}) | {"manager", "department", "updated_at"}
)

# Contract status transitions: data, checked by one function.
CONTRACT_TRANSITIONS = {
    ContractStatus.SIGNED: {ContractStatus.DELIVERED, ContractStatus.CANCELLED},
    ContractStatus.DELIVERED: {ContractStatus.CANCELLED},
    ContractStatus.CANCELLED: set(),
}


# ---------------------------------------------------------------- validation


def _tag_list(field: str, value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").replace("、", ",").split(",")]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValidationFailed.on(field, _("%(f)s must be a list of words.") % {"f": field})
    out: list[str] = []
    for v in value:
        v = v.strip()
        if v and v not in out:
            if len(v) > 50:
                raise ValidationFailed.on(
                    field, _("%(f)s: a tag is longer than 50 characters.") % {"f": field}
                )
            out.append(v)
    return out


def _date(field: str, value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationFailed.on(
                field, _("%(f)s: %(v)s is not a date (YYYY-MM-DD).") % {"f": field, "v": value}
            ) from None
    return value


def clean_customer_fields(data: dict, *, kind: str | None = None) -> dict:
    """Validate and normalise customer fields; refuse the first bad one naming the field.

    Used by create, update and import, so a row is judged the same way everywhere.
    """
    unknown = sorted(set(data) - CUSTOMER_FIELDS)
    if unknown:
        raise ValidationFailed.on(
            unknown[0], _("Unknown field: %(f)s.") % {"f": ", ".join(unknown)}
        )
    out: dict = {}
    kind = data.get("kind") or kind or Kind.PERSON
    for field, value in data.items():
        if field in TEXT_FIELDS:
            value = "" if value is None else str(value).strip()
            if len(value) > TEXT_FIELDS[field]:
                raise ValidationFailed.on(
                    field,
                    _("%(f)s is longer than %(n)d characters.")
                    % {"f": field, "n": TEXT_FIELDS[field]},
                )
            out[field] = value
        elif field in CHOICE_FIELDS:
            value = "" if value is None else str(value).strip()
            choices = CHOICE_FIELDS[field]
            by_label = {str(label): v for v, label in choices.choices}
            value = by_label.get(value, value)
            if value not in choices.values:
                raise ValidationFailed.on(
                    field,
                    _("%(f)s: %(v)s is not one of %(choices)s.")
                    % {
                        "f": field,
                        "v": value,
                        "choices": ", ".join(v for v in choices.values if v),
                    },
                )
            out[field] = value
        elif field in {"phone", "phone_alt"}:
            out[field] = normalise_phone(value, field=field)
        elif field == "email":
            value = (value or "").strip()
            if value:
                try:
                    validate_email(value)
                except DjangoValidationError:
                    raise ValidationFailed.on(
                        field, _("email: %(v)s is not a valid email address.") % {"v": value}
                    ) from None
            out[field] = value
        elif field == "id_number":
            out[field] = normalise_id_number(value, kind=kind)
        elif field == "birth_date":
            born = _date(field, value)
            if born is not None and (born > timezone.localdate() or born.year < 1900):
                raise ValidationFailed.on(
                    field, _("birth_date: %(v)s is not a possible birth date.") % {"v": born}
                )
            out[field] = born
        elif field == "age":
            if value in (None, ""):
                out[field] = None
            else:
                try:
                    age = int(str(value).strip())
                except ValueError:
                    age = -1
                if not 0 <= age <= 150:
                    raise ValidationFailed.on(field, _("age must be a whole number from 0 to 150."))
                out[field] = age
        elif field in {"interests", "tags"}:
            out[field] = _tag_list(field, value)
    if "name" in data and not out.get("name"):
        raise ValidationFailed.on("name", _("name is required."))
    if kind == Kind.PERSON and out.get("id_number"):
        # A resident ID carries the birth date and gender; fill them when not given.
        out.setdefault("birth_date", None)
        if out["birth_date"] is None:
            out["birth_date"] = id_birth_date(out["id_number"])
        if not out.get("gender"):
            out["gender"] = id_gender(out["id_number"])
    return out


def _search_values(customer: Customer) -> str:
    return search.search_text(getattr(customer, f) for f in search.SEARCHED_FIELDS)


def _reindex(customer: Customer) -> None:
    """Keep search_text and the search index in step with the searched fields (R-CUS-9)."""
    text = _search_values(customer)
    if text == customer.search_text:
        return
    customer.search_text = text
    customer.save(update_fields=["search_text"])
    search.index_customers([(customer.pk, text)])


def _find_duplicate(fields: dict, exclude_pk: int | None = None) -> Customer | None:
    q = models.Q()
    for f in ("phone", "phone_alt"):
        if fields.get(f):
            q |= models.Q(phone=fields[f]) | models.Q(phone_alt=fields[f])
    if fields.get("id_number"):
        q |= models.Q(id_number=fields["id_number"])
    if not q:
        return None
    found = Customer.objects.filter(q, merged_into__isnull=True)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("pk").first()


def _duplicate_conflict(other: Customer) -> Conflict:
    return Conflict(
        message=_(
            "Customer #%(id)s (%(name)s) has the same phone or ID number; open it, or merge "
            "the two (R-CUS-11)."
        )
        % {"id": other.pk, "name": other.name}
    )


def _check_manager(manager: User | None) -> None:
    if manager is not None and not manager.is_active:
        raise ValidationFailed.on(
            "manager", _("The customer manager is not an active staff member.")
        )


# ---------------------------------------------------------------- customers


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


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _class_set(customer: Customer, new: str, *, actor, reason: str, contract=None) -> None:
    """R-CUS-2: change the class and keep the history."""
    old = customer.customer_class
    if old == new:
        return
    customer.customer_class = new
    customer.updated_at = timezone.now()
    customer.save(update_fields=["customer_class", "updated_at"])
    ClassChange.objects.create(
        customer=customer,
        from_class=old,
        to_class=new,
        reason=reason[:300],
        contract=contract,
        actor=_user(actor),
    )
    events.class_changed(customer, actor=actor, old=old, new=new, reason=reason, contract=contract)


def _has_live_contract(customer: Customer, exclude: Contract | None = None) -> bool:
    live = customer.contracts.exclude(status=ContractStatus.CANCELLED)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    return live.exists()


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


# ---------------------------------------------------------------- blacklist


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


# ---------------------------------------------------------------- contracts and claims


def _amount(field: str, value, *, allow_zero: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(
            field, _("%(f)s must be an amount of money.") % {"f": field}
        ) from None
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed.on(field, _("%(f)s must be a positive amount.") % {"f": field})
    if amount >= Decimal("1e12") or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed.on(
            field, _("%(f)s must be below 10^12 with at most 2 decimals.") % {"f": field}
        )
    return amount


@transaction.atomic
def contract_create(
    *,
    actor,
    customer: Customer,
    number: str,
    amount,
    signed_on,
    delivered_on=None,
    title: str = "",
) -> Contract:
    """R-CUS-7: record a contract; refused for a blacklisted customer (R-CUS-5).

    Signing makes the customer an owner (R-CUS-2), recorded in the class history.
    """
    check(actor, "customer.contract", department=customer.department)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_merged:
        raise Conflict(
            message=_("This customer was merged into #%(id)s.") % {"id": customer.merged_into_id}
        )
    ensure_not_blacklisted(customer, _("contract"))
    number = (number or "").strip()
    if not number:
        raise ValidationFailed.on("number", _("number: the contract number is required."))
    if len(number) > 50:
        raise ValidationFailed.on("number", _("number is longer than 50 characters."))
    amount = _amount("amount", amount)
    signed = _date("signed_on", signed_on)
    if signed is None:
        raise ValidationFailed.on("signed_on", _("signed_on: the signing date is required."))
    delivered = _date("delivered_on", delivered_on)
    if delivered is not None and delivered < signed:
        raise ValidationFailed.on(
            "delivered_on", _("delivered_on: delivery cannot be before signing.")
        )
    if Contract.objects.filter(number=number).exists():
        raise Conflict(message=_("Contract number %(n)s already exists.") % {"n": number})
    contract = Contract.objects.create(
        customer=customer,
        number=number,
        title=(title or "").strip()[:200],
        amount=amount,
        signed_on=signed,
        delivered_on=delivered,
        status=ContractStatus.DELIVERED if delivered else ContractStatus.SIGNED,
        created_by=_user(actor),
    )
    events.contract_signed(contract, actor=actor)
    if delivered:
        events.contract_delivered(contract, actor=actor)
    _class_set(
        customer,
        CustomerClass.OWNER,
        actor=actor,
        reason=_("contract %(n)s signed") % {"n": number},
        contract=contract,
    )
    audit_record(actor=actor, action=Action.CREATE, target=contract, after=snapshot(contract))
    return contract


def _contract_transition(contract: Contract, to: str) -> None:
    if to not in CONTRACT_TRANSITIONS[ContractStatus(contract.status)]:
        raise Conflict(
            message=_("Contract %(n)s is %(s)s and cannot become %(t)s.")
            % {
                "n": contract.number,
                "s": ContractStatus(contract.status).label,
                "t": ContractStatus(to).label,
            }
        )
    contract.status = to


@transaction.atomic
def contract_deliver(*, actor, contract: Contract, delivered_on) -> Contract:
    """R-CUS-7: record the delivery date, which drives callbacks (R-FUP-1)."""
    check(actor, "customer.contract", department=contract.customer.department)
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    delivered = _date("delivered_on", delivered_on)
    if delivered is None:
        raise ValidationFailed.on("delivered_on", _("delivered_on: the delivery date is required."))
    if delivered < contract.signed_on:
        raise ValidationFailed.on(
            "delivered_on", _("delivered_on: delivery cannot be before signing.")
        )
    before = snapshot(contract)
    _contract_transition(contract, ContractStatus.DELIVERED)
    contract.delivered_on = delivered
    contract.save(update_fields=["status", "delivered_on"])
    events.contract_delivered(contract, actor=actor)
    audit_record(
        actor=actor, action=Action.UPDATE, target=contract, before=before, after=snapshot(contract)
    )
    return contract


@transaction.atomic
def contract_cancel(*, actor, contract: Contract, reason: str) -> Contract:
    """Cancel a contract; with no live contract left the owner goes back to intended (R-CUS-2)."""
    check(actor, "customer.contract", department=contract.customer.department)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.on("reason", _("reason: say why the contract is cancelled."))
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    before = snapshot(contract)
    _contract_transition(contract, ContractStatus.CANCELLED)
    contract.cancelled_at = timezone.now()
    contract.cancel_reason = reason
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    events.contract_cancelled(contract, actor=actor)
    customer = contract.customer
    if customer.customer_class == CustomerClass.OWNER and not _has_live_contract(customer):
        _class_set(
            customer,
            CustomerClass.INTENDED,
            actor=actor,
            reason=_("contract %(n)s cancelled") % {"n": contract.number},
            contract=contract,
        )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=contract,
        before=before,
        after=snapshot(contract),
        reason=reason,
    )
    return contract


@transaction.atomic
def claim_create(
    *, actor, contract: Contract, claimed_on, amount_claimed, amount_paid=0, description: str = ""
) -> Claim:
    """Record a claim and the compensation paid against a contract (read by R-CUS-6)."""
    check(actor, "customer.contract", department=contract.customer.department)
    day = _date("claimed_on", claimed_on)
    if day is None:
        raise ValidationFailed.on("claimed_on", _("claimed_on: the date of the claim is required."))
    if day > timezone.localdate():
        raise ValidationFailed.on("claimed_on", _("claimed_on: the date is in the future."))
    claimed = _amount("amount_claimed", amount_claimed)
    paid = _amount("amount_paid", amount_paid or 0)
    claim = Claim.objects.create(
        customer=contract.customer,
        contract=contract,
        claimed_on=day,
        amount_claimed=claimed,
        amount_paid=paid,
        description=description or "",
        created_by=_user(actor),
    )
    events.claim_recorded(claim, actor=actor)
    audit_record(actor=actor, action=Action.CREATE, target=claim, after=snapshot(claim))
    return claim


# ---------------------------------------------------------------- confidentiality


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
    what = f"contact {contact.pk} {field}" if contact is not None else field
    audit_record(
        actor=actor,
        action=Action.REVEAL,
        target=customer,
        summary=_("revealed %(what)s") % {"what": what},
        reason=reason[:2000],
    )
    return value


# ---------------------------------------------------------------- grading (R-CUS-3)


def _grade_for_rank(rank: int, total: int, value: Decimal, shares: tuple[Decimal, ...]) -> str:
    if value <= 0:
        return FirstGrade.D
    a, b, c = (math.ceil(total * s / 100) for s in shares)
    if rank < a:
        return FirstGrade.A
    if rank < b:
        return FirstGrade.B
    if rank < c:
        return FirstGrade.C
    return FirstGrade.D


@transaction.atomic
def grading_propose(*, actor) -> GradingRun:
    """R-CUS-3: propose value grades (top 20% by value = A, 80/20) and relationship grades.

    Value is the total of a customer's live contracts. Ranked by value, the top
    key-customer share (policy, 20%) are A, down to the B share (50%) B, down to
    the C share (80%) C, the rest and customers without business D. The second
    grade comes from risk: blacklist, poor credit or high loss ratio → risk;
    frequent claims → watch; an owner with several contracts → stable; else normal.
    The proposal changes nothing until a supervisor approves it.
    """
    from kefu.customers.selectors import warning_figures, warning_flags

    check(actor, "customer.grade")
    key = Decimal(policy.get("customers.key_customer_share_percent"))
    shares = (
        key,
        max(key, Decimal(policy.get("customers.grade_b_share_percent"))),
        max(key, Decimal(policy.get("customers.grade_c_share_percent"))),
    )
    run = GradingRun.objects.create(created_by=_user(actor), key_share_percent=key)
    customers = (
        Customer.objects.filter(merged_into__isnull=True)
        .annotate(
            value=models.functions.Coalesce(
                models.Sum(
                    "contracts__amount",
                    filter=~models.Q(contracts__status=ContractStatus.CANCELLED),
                ),
                models.Value(Decimal(0)),
                output_field=models.DecimalField(max_digits=16, decimal_places=2),
            ),
            live=models.Count(
                "contracts", filter=~models.Q(contracts__status=ContractStatus.CANCELLED)
            ),
        )
        .order_by("-value", "pk")
        .values_list(
            "pk", "value", "live", "first_grade", "second_grade", "credit", "customer_class"
        )
    )
    rows = list(customers)
    figures = warning_figures([r[0] for r in rows])
    listed = set(
        BlacklistEntry.objects.filter(lifted_at__isnull=True)
        .filter(models.Q(until__isnull=True) | models.Q(until__gte=timezone.localdate()))
        .values_list("customer_id", flat=True)
    )
    proposals = []
    for rank, (pk, value, live, old_first, old_second, credit, cls) in enumerate(rows):
        first = _grade_for_rank(rank, len(rows), value, shares)
        recent, paid, contract_value = figures.get(pk, (0, Decimal(0), Decimal(0)))
        flags = warning_flags(recent, paid, contract_value)
        reasons = [
            _("value %(v)s, rank %(r)d of %(n)d") % {"v": value, "r": rank + 1, "n": len(rows)}
        ]
        if pk in listed or credit == Credit.POOR or "high_loss_ratio" in flags:
            second = SecondGrade.RISK
            reasons.append(
                _("blacklisted")
                if pk in listed
                else _("poor credit")
                if credit == Credit.POOR
                else _("high loss ratio")
            )
        elif "frequent_claims" in flags:
            second = SecondGrade.WATCH
            reasons.append(_("frequent claims"))
        elif cls == CustomerClass.OWNER and live >= 2:
            second = SecondGrade.STABLE
            reasons.append(_("owner with %(n)d contracts") % {"n": live})
        else:
            second = SecondGrade.NORMAL
        proposals.append(
            GradeProposal(
                run=run,
                customer_id=pk,
                value=value,
                old_first=old_first,
                first_grade=first,
                old_second=old_second,
                second_grade=second,
                reason="; ".join(reasons)[:300],
            )
        )
    GradeProposal.objects.bulk_create(proposals, batch_size=2000)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=run,
        summary=_("grading proposed for %(n)d customers") % {"n": len(rows)},
    )
    return run


@transaction.atomic
def grading_approve(*, actor, run: GradingRun, overrides: dict | None = None) -> int:
    """R-CUS-3: a supervisor approves a proposal, overriding any grades; returns changes made.

    ``overrides`` maps customer id → {"first_grade": …, "second_grade": …}. Every
    grade that changes is written to the customer's grade history and audited.
    """
    check(actor, "customer.grade")
    run = GradingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != GradingRunStatus.PROPOSED:
        raise Conflict(message=_("Grading run #%(id)s was already approved.") % {"id": run.pk})
    overrides = {int(k): v for k, v in (overrides or {}).items()}
    proposals = {p.customer_id: p for p in run.proposals.all()}
    unknown = set(overrides) - set(proposals)
    if unknown:
        raise ValidationFailed.on(
            "overrides",
            _("Customers not in this grading run: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))},
        )
    for grades in overrides.values():
        if not isinstance(grades, dict) or set(grades) - {"first_grade", "second_grade"}:
            raise ValidationFailed.on(
                "overrides", _("An override gives first_grade and/or second_grade.")
            )
        if grades.get("first_grade", "A") not in FirstGrade.values or not grades.get(
            "first_grade", "A"
        ):
            raise ValidationFailed.on("overrides", _("first_grade must be A, B, C or D."))
        if grades.get("second_grade", "normal") not in SecondGrade.values or not grades.get(
            "second_grade", "normal"
        ):
            raise ValidationFailed.on(
                "overrides", _("second_grade must be stable, normal, watch or risk.")
            )
    changed = 0
    customers = Customer.objects.in_bulk(list(proposals))
    for pk, proposal in proposals.items():
        customer = customers.get(pk)
        if customer is None or customer.is_merged:
            continue
        final = {"first_grade": proposal.first_grade, "second_grade": proposal.second_grade}
        final.update(overrides.get(pk, {}))
        before = {"first_grade": customer.first_grade, "second_grade": customer.second_grade}
        if before == final:
            continue
        for field, new in final.items():
            if before[field] != new:
                GradeChange.objects.create(
                    customer=customer,
                    field=field,
                    from_grade=before[field],
                    to_grade=new,
                    reason=_("overridden by supervisor")
                    if field in overrides.get(pk, {})
                    else proposal.reason,
                    run=run,
                    actor=_user(actor),
                )
                events.grade_changed(customer, actor=actor, field=field, old=before[field], new=new)
        customer.first_grade = final["first_grade"]
        customer.second_grade = final["second_grade"]
        customer.save(update_fields=["first_grade", "second_grade"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=customer,
            before=before,
            after=final,
            reason=_("grading run #%(id)s") % {"id": run.pk},
        )
        changed += 1
    run.status = GradingRunStatus.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = _user(actor)
    run.save(update_fields=["status", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=run,
        summary=_("grading approved: %(n)d customers changed") % {"n": changed},
    )
    return changed


# ---------------------------------------------------------------- merge (R-CUS-11)


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


# ---------------------------------------------------------------- monthly quality lists (R-CUS-4)


@transaction.atomic
def quality_list_store(*, actor, month: dt.date) -> QualityList:
    """R-CUS-4: keep this month's high- and poor-quality lists (run monthly by the worker).

    Company-wide lines with their department, so each reader later sees only the
    lines of the departments they may see. Running again for the same month replaces
    nothing: the list of a month is kept as first produced.
    """
    from kefu.customers.selectors import quality_lists

    check(actor, "customer.report")
    month = month.replace(day=1)
    existing = QualityList.objects.filter(month=month).first()
    if existing is not None:
        return existing
    high, poor = quality_lists(actor, limit=5000)

    def lines(items):
        return [
            {
                "id": q.customer.pk,
                "name": q.customer.name,
                "grade": q.customer.first_grade,
                "department_id": q.customer.department_id,
                "reasons": q.reasons,
            }
            for q in items
        ]

    stored = QualityList.objects.create(month=month, high=lines(high), poor=lines(poor))
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=stored,
        summary=_("monthly quality lists: %(h)d high, %(p)d poor")
        % {"h": len(stored.high), "p": len(stored.poor)},
    )
    return stored
