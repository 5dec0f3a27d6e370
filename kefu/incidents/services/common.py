"""Helpers shared by the incident services: clock, freeze, state moves, audit, who may act."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.periods import storable_local
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents.models import Incident, Status
from kefu.org.models import User
from kefu.org.permissions import allowed, check
from kefu.org.roles import Role

# States and their allowed moves are data (DESIGN.md); _move is the one place that checks.
TRANSITIONS: dict[str, set[str]] = {
    Status.REPORTED: {Status.HANDLING, Status.INVESTIGATING},
    Status.HANDLING: {Status.INVESTIGATING, Status.CLOSED},
    Status.INVESTIGATING: {Status.CLOSED},
    Status.CLOSED: set(),
}
AUDITED = ["kind", "severity", "status", "late", "concealed", "chief", "manager", "closed_at"]


def now_or(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def aware(value: dt.datetime, field: str) -> dt.datetime:
    """Times without a zone are read in the installation's zone (forms send those)."""
    moment = storable_local(value) if isinstance(value, dt.datetime) else None
    if moment is None:
        raise ValidationFailed.on(field, _("Give a date and time."))
    return moment


def url(incident: Incident) -> str:
    return reverse("incidents:detail", args=[incident.pk])


def ensure_open(incident: Incident) -> None:
    """R-SEC-4: a closed incident (and its closed investigation) is frozen."""
    if incident.status == Status.CLOSED:
        raise Conflict(
            message=_(
                "Incident %(n)s is closed and frozen; record a correction instead of changing it."
            )
            % {"n": incident.number}
        )


def move(incident: Incident, to: str, *, actor) -> None:
    if incident.status == to:
        return
    if to not in TRANSITIONS[incident.status]:
        raise Conflict(
            message=_("Incident %(n)s cannot go from “%(a)s” to “%(b)s”.")
            % {"n": incident.number, "a": incident.get_status_display(), "b": Status(to).label}
        )
    before = snapshot(incident, AUDITED)
    incident.status = to
    incident.save(update_fields=["status"])
    audit(actor, incident, _("status changed"), before)


def audit(actor, target, summary: str, before: dict | None = None, fields=None) -> None:
    audit_record(
        actor=actor,
        action=Action.UPDATE if before is not None else Action.CREATE,
        target=target,
        summary=summary,
        before=before,
        after=snapshot(target, fields if fields is not None else AUDITED)
        if before is not None or fields is not None
        else None,
    )


def check_investigator(actor, incident: Incident) -> None:
    """The chief on duty named in the chain may run the investigation even without the role."""
    if incident.chief_id and getattr(actor, "pk", None) == incident.chief_id:
        return
    check(actor, "incident.investigate")


def check_handler(actor, incident: Incident) -> None:
    """The responsible manager named in the chain tracks the handling (R-INC-2)."""
    if incident.manager_id and getattr(actor, "pk", None) == incident.manager_id:
        return
    check(actor, "incident.handle")


def may_view(user, incident: Incident) -> bool:
    if allowed(user, "incident.view"):
        return True
    pk = getattr(user, "pk", None)
    if pk is None:
        return False
    if pk in {incident.reporter_id, incident.chief_id, incident.manager_id}:
        return True
    return (
        incident.steps.filter(person_id=pk).exists()
        or incident.parties.filter(person_id=pk).exists()
    )


def check_view(user, incident: Incident) -> None:
    check(user, "incident.report")  # signed in, active, with a role
    if not may_view(user, incident):
        raise PermissionDenied(
            message=_("You may see only the incidents you reported or were told of."),
            permission="incident.view",
        )


def staff_with(*roles: Role):
    return (
        User.objects.filter(is_active=True, role_rows__role__in=[str(r) for r in roles])
        .distinct()
        .order_by("pk")
    )
