"""Writing to the audit trail. Every service that writes calls :func:`audit_record`."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from kefu.audit.models import Action, AuditEntry

# Fields whose value must never be copied into the trail.
_SECRET_FIELDS = {"password", "key_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the concrete fields of ``instance`` (foreign keys by id)."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name in _SECRET_FIELDS:
            continue
        data[f.attname] = _plain(getattr(instance, f.attname))
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    keys += [k for k in before if k not in after]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def audit_record(
    *,
    actor,
    action: Action | str,
    target: models.Model | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    ip: str | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
) -> AuditEntry:
    """Append one entry to the audit trail (R-SEC-2): who, when, what, before/after, why."""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_repr = str(target)[:200]
    if before is not None and after is not None:
        before, after = changed(before, after)
    actor_obj = actor if getattr(actor, "pk", None) else None
    return AuditEntry.objects.create(
        actor=actor_obj,
        actor_name=(actor.username if actor_obj else "system"),
        action=str(action),
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:200],
        summary=str(summary)[:300],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        reason=reason,
        ip=ip,
    )
