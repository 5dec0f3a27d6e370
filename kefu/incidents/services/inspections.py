"""Sites, inspections and hazards; naming the inspector when an ignored hazard ends in an
incident (R-INC-7)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents.models import (
    Hazard,
    HazardStatus,
    Incident,
    Inspection,
    Party,
    PartyRole,
    Site,
)
from kefu.incidents.services import common
from kefu.org.permissions import allowed, check
from kefu.org.roles import Role

HAZARD_FIELDS = ["status", "assignee", "deadline", "assigned_at", "rectified_at"]


@transaction.atomic
def site_create(*, actor, name: str, department=None) -> Site:
    """R-INC-7: a place inspectors visit and incidents are reported at."""
    check(actor, "inspection.record")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("Give the site a name."))
    if len(name) > 120:
        raise ValidationFailed.on("name", _("At most %(n)d characters.") % {"n": 120})
    if Site.objects.filter(name=name).exists():
        raise Conflict(message=_("A site called “%(n)s” already exists.") % {"n": name})
    site = Site.objects.create(name=name, department=department)
    audit_record(actor=actor, action=Action.CREATE, target=site, summary=_("site added"))
    return site


@transaction.atomic
def inspection_record(
    *,
    actor,
    site: Site,
    visited_at: dt.datetime,
    route: str = "",
    notes: str = "",
    hazards: list[str] | None = None,
    now: dt.datetime | None = None,
) -> Inspection:
    """R-INC-7: an inspector records a visit and the hazards found there."""
    check(actor, "inspection.record")
    if site is None:
        raise ValidationFailed.on("site", _("Choose a site."))
    visited_at = common.aware(visited_at, "visited_at")
    if visited_at > common.now_or(now):
        raise ValidationFailed.on("visited_at", _("The visit time is in the future."))
    found = [h.strip() for h in (hazards or []) if h and h.strip()]
    if any(len(h) > 300 for h in found):
        raise ValidationFailed.on("hazards", _("Describe each hazard in at most 300 characters."))
    inspection = Inspection.objects.create(
        inspector=actor,
        site=site,
        visited_at=visited_at,
        route=(route or "").strip()[:300],
        notes=(notes or "").strip(),
    )
    Hazard.objects.bulk_create(
        Hazard(inspection=inspection, site=site, description=text) for text in found
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=inspection,
        summary=_("inspection recorded with %(n)d hazards") % {"n": len(found)},
    )
    return inspection


@transaction.atomic
def hazard_assign(
    *, actor, hazard: Hazard, assignee, deadline: dt.date, today: dt.date | None = None
) -> Hazard:
    """R-INC-7: each hazard is assigned to someone for rectification, with a deadline."""
    check(actor, "inspection.record")
    if hazard.status == HazardStatus.RECTIFIED:
        raise Conflict(message=_("This hazard is already rectified."))
    if assignee is None:
        raise ValidationFailed.on("assignee", _("Choose who rectifies it."))
    today = today or timezone.localdate()
    if not isinstance(deadline, dt.date) or deadline < today:
        raise ValidationFailed.on("deadline", _("The deadline cannot be in the past."))
    before = snapshot(hazard, HAZARD_FIELDS)
    hazard.assignee = assignee
    hazard.deadline = deadline
    hazard.status = HazardStatus.ASSIGNED
    # R-INC-7: when the hazard was first assigned is the evidence; a re-assignment keeps it.
    if hazard.assigned_at is None:
        hazard.assigned_at = timezone.now()
        hazard.assigned_by = actor if getattr(actor, "pk", None) else None
    hazard.save(update_fields=["assignee", "deadline", "status", "assigned_at", "assigned_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=hazard,
        summary=_("hazard assigned for rectification"),
        before=before,
        after=snapshot(hazard, HAZARD_FIELDS),
    )
    notify(
        [assignee],
        _("Rectify the hazard at %(site)s by %(d)s: %(h)s")
        % {"site": hazard.site.name, "d": deadline.isoformat(), "h": hazard.description},
        # R-INC-7: the assignee may lack inspection.view; their own page takes the fix.
        url=reverse("incidents:hazard", args=[hazard.pk, "rectify"]),
    )
    return hazard


@transaction.atomic
def hazard_rectify(*, actor, hazard: Hazard, note: str) -> Hazard:
    """R-INC-7: the assignee (or an inspector) records the rectification."""
    check(actor, "incident.report")
    if getattr(actor, "pk", None) != hazard.assignee_id and not allowed(actor, "inspection.record"):
        raise PermissionDenied(
            message=_("Only the person assigned or an inspector may record the rectification."),
            permission="inspection.record",
        )
    if hazard.status != HazardStatus.ASSIGNED:
        raise Conflict(
            message=_("Only an assigned hazard can be rectified (now: %(s)s).")
            % {"s": hazard.get_status_display()}
        )
    if not (note or "").strip():
        raise ValidationFailed.on("note", _("Say what was done."))
    before = snapshot(hazard, HAZARD_FIELDS)
    hazard.status = HazardStatus.RECTIFIED
    hazard.rectified_at = timezone.now()
    hazard.rectified_note = note.strip()[:300]
    hazard.save(update_fields=["status", "rectified_at", "rectified_note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=hazard,
        summary=_("hazard rectified"),
        before=before,
        after=snapshot(hazard, HAZARD_FIELDS),
    )
    return hazard


def ignored_hazards(incident: Incident):
    """Hazards recorded at the incident's site before it happened and never assigned by then."""
    if incident.site_id is None:
        return Hazard.objects.none()
    return (
        Hazard.objects.filter(
            site_id=incident.site_id, inspection__visited_at__lte=incident.occurred_at
        )
        .filter(Q(assigned_at__isnull=True) | Q(assigned_at__gt=incident.occurred_at))
        .select_related("inspection__inspector")
        .order_by("inspection__visited_at", "pk")
    )


def name_inspectors(incident: Incident) -> list[Party]:
    """R-INC-7: an incident at a site whose recorded hazard was never assigned for fixing
    names the inspector who recorded it, for accountability."""
    named: list[Party] = []
    seen: set[int] = set()
    for hazard in ignored_hazards(incident):
        inspector = hazard.inspection.inspector
        if inspector.pk in seen:
            continue
        seen.add(inspector.pk)
        reason = _("hazard “%(h)s” found on %(d)s was never assigned for rectification") % {
            "h": hazard.description[:120],
            "d": timezone.localtime(hazard.inspection.visited_at).strftime("%Y-%m-%d"),
        }
        party, created = Party.objects.get_or_create(
            incident=incident,
            person=inspector,
            role=PartyRole.INSPECTOR,
            defaults={"reason": reason[:300]},
        )
        if created:
            named.append(party)
    if named:
        notify(
            common.staff_with(Role.DIRECTOR, Role.SAFETY_INSPECTOR),
            _("Incident %(i)s: inspector accountable for an unassigned hazard: %(who)s")
            % {"i": incident.number, "who": "、".join(p.person.display_name for p in named)},
            url=common.url(incident),
        )
    return named
