"""Lookups the importers and the CTI share: phone keys, customers by phone, agents, queues."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from django.db.models import Q

from kefu.callcenter.importers import agent_key
from kefu.callcenter.models import (
    AgentExtension,
    Hotline,
    Queue,
)
from kefu.errors import ValidationFailed
from kefu.org.models import User


@lru_cache(maxsize=8192)
def phone_key(number: str) -> str:
    """A number as the customer archive stores it, or its digits when it is not a valid phone
    (extensions, foreign formats), so matching never fails on odd input. Remembered per
    process: the CTI link asks for the same hotlines and callers all day."""
    from kefu.customers.validators import normalise_phone

    text = (number or "").strip()
    if not text:
        return ""
    try:
        return normalise_phone(text)
    except ValidationFailed:
        digits = re.sub(r"\D", "", text)
        return ("+" + digits) if text.startswith("+") else digits


def _customers_by_phone(numbers: Iterable[str]) -> dict[str, int]:
    from kefu.customers.models import Customer

    wanted = {n for n in numbers if n}
    found: dict[str, int] = {}
    chunk_list = sorted(wanted)
    for start in range(0, len(chunk_list), 500):
        chunk = chunk_list[start : start + 500]
        rows = (
            Customer.objects.filter(merged_into__isnull=True)
            .filter(Q(phone__in=chunk) | Q(phone_alt__in=chunk))
            .order_by("pk")
            .values_list("pk", "phone", "phone_alt")
        )
        for pk, phone, alt in rows:
            for number in (phone, alt):
                if number in wanted:
                    found.setdefault(number, pk)
    return found


def agents_by_label() -> dict[str, int]:
    """PBX label key -> user id: extensions first, then login names, then full names."""
    out: dict[str, int] = {}
    for pk, name, full in User.objects.filter(is_active=True).values_list(
        "pk", "username", "full_name"
    ):
        if full:
            out.setdefault(full.strip().lower(), pk)
        out[name.lower()] = pk
    for extension, user_id in AgentExtension.objects.values_list("extension", "user_id"):
        out[agent_key(extension)] = user_id
    return out


def _queue_ids(names: Iterable[str]) -> dict[str, int]:
    wanted = {n[:80] for n in names if n}
    known = dict(Queue.objects.filter(name__in=wanted).values_list("name", "pk"))
    missing = [Queue(name=n) for n in sorted(wanted - set(known))]
    if missing:
        Queue.objects.bulk_create(missing, ignore_conflicts=True)
        known = dict(Queue.objects.filter(name__in=wanted).values_list("name", "pk"))
    return known


def _hotline_ids() -> dict[str, int]:
    out = {}
    for pk, number in Hotline.objects.values_list("pk", "number"):
        out[number] = pk
        out[phone_key(number)] = pk
    return out
