"""Reads of incidents, sanctions and inspections that more than one caller needs."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.errors import PermissionDenied
from kefu.incidents.models import (
    Hazard,
    HazardStatus,
    Incident,
    Kind,
    Sanction,
    SanctionStatus,
    Status,
)
from kefu.org.permissions import allowed, check


def incidents_visible(user) -> QuerySet[Incident]:
    """Everything for those who watch incidents; else what one reported or was told of."""
    check(user, "incident.report")
    rows = Incident.objects.select_related("site", "reporter", "chief", "manager")
    if allowed(user, "incident.view"):
        return rows
    return rows.filter(
        Q(reporter=user)
        | Q(chief=user)
        | Q(manager=user)
        | Q(steps__person=user)
        | Q(parties__person=user)
    ).distinct()


def incident_list(user, params: dict) -> QuerySet[Incident]:
    rows = incidents_visible(user)
    if params.get("status") in Status.values:
        rows = rows.filter(status=params["status"])
    elif params.get("status") == "open":
        rows = rows.exclude(status=Status.CLOSED)
    if params.get("kind") in Kind.values:
        rows = rows.filter(kind=params["kind"])
    if str(params.get("late", "")) in {"1", "true"}:
        rows = rows.filter(Q(late=True) | Q(concealed=True))
    return rows.order_by("-occurred_at", "-id")


def chain_incomplete(user) -> QuerySet[Incident]:
    """R-INC-2: open incidents whose notification chain still has steps to do."""
    check(user, "incident.dispatch")
    return (
        Incident.objects.exclude(status=Status.CLOSED)
        .filter(steps__done_at__isnull=True)
        .distinct()
        .select_related("site")
        .order_by("reported_at")
    )


def investigations_due(user, *, now: dt.datetime | None = None, within_hours: int | None = None):
    """R-INC-4: open safety incidents whose meeting is not yet held, with their deadline.

    ``within_hours`` keeps those due within that many hours (overdue ones always stay).
    """
    now = now or timezone.now()
    hours = policy.get("incidents.investigation_hours")
    rows = Incident.objects.filter(kind=Kind.INCIDENT).exclude(status=Status.CLOSED)
    rows = rows.filter(Q(investigation__isnull=True) | Q(investigation__held_at__isnull=True))
    if not allowed(user, "incident.investigate"):
        rows = rows.filter(chief=user)
    rows = rows.select_related("investigation", "site").order_by("occurred_at")
    result = []
    for incident in rows:
        deadline = incident.occurred_at + dt.timedelta(hours=hours)
        if within_hours is not None and deadline > now + dt.timedelta(hours=within_hours):
            continue
        incident.deadline = deadline
        incident.overdue = deadline < now
        result.append(incident)
    return result


def sanctions_waiting(user) -> QuerySet[Sanction]:
    check(user, "sanction.confirm")
    return (
        Sanction.objects.filter(status=SanctionStatus.PROPOSED)
        .select_related("incident", "person")
        .order_by("proposed_at", "id")
    )


def person_sanctions(user, person) -> QuerySet[Sanction]:
    """R-INC-6: one person's sanction record; one's own, or everyone's with sanction.view."""
    check(user, "incident.report")
    if getattr(user, "pk", None) != person.pk and not allowed(user, "sanction.view"):
        raise PermissionDenied(
            message=_("You may see only your own sanction record."),
            permission="sanction.view",
        )
    return (
        Sanction.objects.filter(person=person)
        .exclude(status=SanctionStatus.DROPPED)
        .select_related("incident", "decided_by")
        .order_by("-proposed_at", "-id")
    )


def hazards_open(user) -> QuerySet[Hazard]:
    check(user, "inspection.view")
    return (
        Hazard.objects.exclude(status=HazardStatus.RECTIFIED)
        .select_related("site", "assignee", "inspection__inspector")
        .order_by("status", "deadline", "id")
    )
