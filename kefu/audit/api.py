"""/api/v1/audit: read the trail (R-SEC-2). There is no write endpoint, by design."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from kefu.audit.selectors import audit_entries
from kefu.core.pagination import PageNumberPagination

router = Router(tags=["audit"])


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    summary: str
    before: dict | None
    after: dict | None
    reason: str
    ip: str | None


@router.get("", response=list[AuditEntryOut], summary="Read the audit trail, newest first")
@paginate(PageNumberPagination)
def audit_list(
    request,
    target_type: str | None = None,
    target_id: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
):
    return audit_entries(
        user=request.user,
        target_type=target_type,
        target_id=target_id,
        actor=actor,
        action=action,
        since=since,
        until=until,
    )
