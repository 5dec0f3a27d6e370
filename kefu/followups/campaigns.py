"""R-FUP-6: the December demand campaign: open it, one contact task per active customer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers.models import BlacklistEntry, Customer
from kefu.errors import Conflict, ValidationFailed
from kefu.followups.models import Campaign, FollowUp, Kind
from kefu.followups.services import UPKEEP_POLICY, _Responsible, _today
from kefu.org.permissions import check

# ---------------------------------------------------------------- R-FUP-6 demand campaign


def _campaign_grades(grades: list[str] | None) -> list[str]:
    if grades is None:
        grades = policy.get("followups.campaign_grades").split(",")
    clean = sorted({str(g).strip().upper() for g in grades if str(g).strip()})
    if not clean or any(g not in UPKEEP_POLICY for g in clean):
        raise ValidationFailed.on("grades", _("Choose grades from A, B, C and D."))
    return clean


@transaction.atomic
def campaign_open(
    *, actor, year: int | None = None, grades: list[str] | None = None, today=None
) -> Campaign:
    """R-FUP-6: open the demand campaign: one contact task per active customer of the grades.

    Active: not merged and not on the blacklist. The tasks fall due on 31 December
    (or 30 days on, when opened late), to learn next year's demand plans.
    """
    check(actor, "followup.campaign")
    today = _today(today)
    year = year or today.year + 1
    if not today.year <= year <= today.year + 1:
        raise ValidationFailed.on("year", _("A campaign is for this year or the next."))
    grades = _campaign_grades(grades)
    if Campaign.objects.filter(year=year).exists():
        raise Conflict(message=_("The demand campaign for %(y)s is already open.") % {"y": year})
    campaign = Campaign.objects.create(
        year=year,
        name=_("Demand plans for %(y)s") % {"y": year},
        grades=grades,
        opened_on=today,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    year_end = dt.date(today.year, 12, 31)
    due = year_end if (year_end - today).days >= 14 else today + dt.timedelta(days=30)
    blacklisted = BlacklistEntry.objects.filter(
        Q(until__isnull=True) | Q(until__gte=today),
        customer=OuterRef("pk"),
        lifted_at__isnull=True,
    )
    customers = (
        Customer.objects.filter(merged_into__isnull=True, first_grade__in=grades)
        .exclude(Exists(blacklisted))
        .select_related("manager", "department")
    )
    who = _Responsible()
    tasks = [
        FollowUp(
            kind=Kind.CAMPAIGN,
            customer=c,
            campaign=campaign,
            department=c.department,
            owner=who.owner(c, c.department),
            due_on=due,
        )
        for c in customers.iterator(chunk_size=1000)
    ]
    FollowUp.objects.bulk_create(tasks, batch_size=1000)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=campaign,
        summary=_("demand campaign opened with %(n)d contact tasks") % {"n": len(tasks)},
        after=snapshot(campaign) | {"tasks": len(tasks)},
    )
    return campaign


def campaign_open_yearly(*, today: dt.date | None = None) -> Campaign | None:
    """R-FUP-6: the worker's 1 December job; does nothing if next year's campaign exists."""
    from kefu.org.permissions import SYSTEM

    today = _today(today)
    if Campaign.objects.filter(year=today.year + 1).exists():
        return None
    return campaign_open(actor=SYSTEM, year=today.year + 1, today=today)
