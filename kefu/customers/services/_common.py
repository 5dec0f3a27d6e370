"""What the customer services share: field lists, validation, the search index, class changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers import events, search
from kefu.customers.models import (
    ClassChange,
    Contract,
    ContractStatus,
    Credit,
    Customer,
    CustomerClass,
    Education,
    Gender,
    Kind,
)
from kefu.customers.validators import (
    id_birth_date,
    id_gender,
    normalise_id_number,
    normalise_phone,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import User

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


CONTRACT_TRANSITIONS = {
    ContractStatus.SIGNED: {ContractStatus.DELIVERED, ContractStatus.CANCELLED},
    ContractStatus.DELIVERED: {ContractStatus.CANCELLED},
    ContractStatus.CANCELLED: set(),
}


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
    return search.customer_text(customer)


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
