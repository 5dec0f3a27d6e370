"""Customer test data: valid Chinese phones and ID numbers, built per test."""

from __future__ import annotations

import datetime as dt
import itertools

from kefu.customers import services
from kefu.customers.validators import resident_id_with_check
from kefu.org.permissions import SYSTEM
from tests import factories

_seq = itertools.count(1000)


def phone() -> str:
    return f"139{next(_seq):08d}"


def id_number(born: dt.date = dt.date(1985, 6, 15)) -> str:
    return resident_id_with_check(f"110105{born:%Y%m%d}{next(_seq) % 1000:03d}")


def customer(*, department=None, name: str | None = None, actor=SYSTEM, **fields):
    department = department or factories.department()
    return services.customer_create(
        actor=actor,
        department=department,
        name=name or f"客户{next(_seq)}",
        **({"phone": phone()} | fields),
    )


def contract(customer, *, amount="100000", signed_on=dt.date(2025, 1, 10), **fields):
    return services.contract_create(
        actor=SYSTEM,
        customer=customer,
        number=fields.pop("number", f"HT-{next(_seq)}"),
        amount=amount,
        signed_on=signed_on,
        **fields,
    )
