"""Reading the audit trail (R-SEC-2)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from kefu.audit.models import AuditEntry
from kefu.org.permissions import check


def audit_entries(
    *,
    user,
    target_type: str | None = None,
    target_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The trail, filtered by record, user and time; only for those who may read it."""
    check(user, "audit.read")
    entries = AuditEntry.objects.all()
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if actor:
        entries = entries.filter(actor_name=actor)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    return entries
