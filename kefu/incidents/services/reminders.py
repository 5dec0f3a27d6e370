"""Reminders the worker sends so that deadlines are not only red dates on a page."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.core.notify import notify
from kefu.incidents.models import Hazard, HazardStatus, Incident, Kind, Status
from kefu.org.models import User
from kefu.org.roles import Role

# How long before the investigation deadline the chief on duty is reminded.
WARN_BEFORE = dt.timedelta(hours=6)


@transaction.atomic
def incident_reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """R-INC-4, R-INC-7: tell, once each, the chief on duty and the directors of an
    investigation meeting due within six hours (or overdue) and not yet held, and the
    assignee and the inspector of a hazard whose rectification deadline has passed."""
    now = now or timezone.now()
    hours = policy.get("incidents.investigation_hours")
    directors = list(User.objects.filter(is_active=True, role_rows__role=Role.DIRECTOR).distinct())
    told = {"investigations": 0, "hazards": 0}
    due = (
        Incident.objects.select_for_update(of=("self",))
        .filter(kind=Kind.INCIDENT, investigation_told_at__isnull=True)
        .exclude(status=Status.CLOSED)
        .filter(occurred_at__lte=now - dt.timedelta(hours=hours) + WARN_BEFORE)
        .exclude(investigation__held_at__isnull=False)
        .select_related("chief")
    )
    for incident in due:
        deadline = timezone.localtime(incident.occurred_at + dt.timedelta(hours=hours))
        notify(
            [incident.chief, *directors],
            _("Investigation meeting of %(i)s due by %(d)s and not yet held (R-INC-4).")
            % {"i": incident.number, "d": deadline.strftime("%m-%d %H:%M")},
            url=reverse("incidents:detail", args=[incident.pk]),
        )
        incident.investigation_told_at = now
        incident.save(update_fields=["investigation_told_at"])
        told["investigations"] += 1
    today = timezone.localtime(now).date()
    late = (
        Hazard.objects.select_for_update(of=("self",))
        .filter(status=HazardStatus.ASSIGNED, deadline__lt=today, overdue_told_at__isnull=True)
        .select_related("assignee", "inspection__inspector", "site")
    )
    for hazard in late:
        text = _("The hazard at %(s)s was to be rectified by %(d)s: %(h)s") % {
            "s": hazard.site.name,
            "d": hazard.deadline.isoformat(),
            "h": hazard.description,
        }
        # R-INC-7: the assignee records the fix on their own page (they may lack
        # inspection.view); the inspector follows it on the inspections page.
        notify(
            [hazard.assignee], text, url=reverse("incidents:hazard", args=[hazard.pk, "rectify"])
        )
        if hazard.inspection.inspector_id != hazard.assignee_id:
            notify([hazard.inspection.inspector], text, url=reverse("incidents:inspections"))
        hazard.overdue_told_at = now
        hazard.save(update_fields=["overdue_told_at"])
        told["hazards"] += 1
    return told
