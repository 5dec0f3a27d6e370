"""Sign-in and sign-out go to the audit trail too: the auditor can see who was on duty."""

from __future__ import annotations

from kefu.audit.models import Action
from kefu.audit.services import audit_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_login(sender, request, user, **kwargs) -> None:
    audit_record(actor=user, action=Action.LOGIN, target=user, ip=_ip(request))


def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(actor=user, action=Action.LOGOUT, target=user, ip=_ip(request))
