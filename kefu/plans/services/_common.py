"""Helpers shared by the plan services: input cleaning and content hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kefu.errors import ValidationFailed

MAX_AMOUNT = Decimal("99999999999999.99")
TERM_FIELDS = (
    "amount",
    "financial_instruments",
    "supply_cycle",
    "payment_method",
    "payment_period",
    "other_terms",
    "budget_items",
    "budget",
)


def user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def text(field: str, value, *, required: bool = True, max_length: int | None = None) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed.on(field, _("%(f)s: this is required.") % {"f": field})
    if max_length is not None and len(value) > max_length:
        raise ValidationFailed.on(
            field, _("%(f)s: at most %(n)d characters.") % {"f": field, "n": max_length}
        )
    return value


def money(field: str, value, *, positive: bool = True) -> Decimal:
    """Yuan as a Decimal with two places; refuses floats' surprises, text and negatives."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, AttributeError, ValueError):
        raise ValidationFailed.on(
            field, _("%(f)s: %(v)s is not an amount in yuan.") % {"f": field, "v": value}
        ) from None
    if not amount.is_finite() or amount > MAX_AMOUNT:
        raise ValidationFailed.on(
            field, _("%(f)s: %(v)s is not an amount in yuan.") % {"f": field, "v": value}
        )
    if amount < 0 or (positive and amount == 0):
        raise ValidationFailed.on(
            field, _("%(f)s: the amount must be greater than zero.") % {"f": field}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed.on(field, _("%(f)s: at most two decimal places.") % {"f": field})
    return amount.quantize(Decimal("0.01"))


def budget_items(value) -> tuple[list[dict], Decimal]:
    """The budget lines (what the money is for) and their total."""
    if value in (None, ""):
        return [], Decimal("0.00")
    if not isinstance(value, list | tuple):
        raise ValidationFailed.on("budget_items", _("budget_items: give a list of items."))
    items: list[dict] = []
    total = Decimal("0.00")
    for n, row in enumerate(value, start=1):
        if not isinstance(row, dict):
            raise ValidationFailed.on(
                "budget_items",
                _("budget_items: item %(n)d needs an item and an amount.") % {"n": n},
            )
        item = str(row.get("item") or "").strip()
        if not item:
            raise ValidationFailed.on(
                "budget_items", _("budget_items: item %(n)d says nothing it is for.") % {"n": n}
            )
        amount = money(f"budget_items.{n}.amount", row.get("amount"))
        items.append({"item": item[:200], "amount": str(amount)})
        total += amount
    if total > MAX_AMOUNT:  # the budget column's range: refused, not a 500 on PostgreSQL
        raise ValidationFailed.on(
            "budget_items", _("budget_items: the items add up to more than any plan can hold.")
        )
    return items, total


def digest(payload: dict) -> str:
    """SHA-256 of a canonical JSON rendering: the same content always gives the same hash."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        return value

    data = json.dumps(
        {k: plain(v) for k, v in payload.items()}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(data.encode()).hexdigest()


def terms_of(version) -> dict:
    return {name: getattr(version, name) for name in TERM_FIELDS} | {
        "plan": version.plan.number,
        "version": version.number,
    }
