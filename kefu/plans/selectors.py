"""Reads of plans that pages, the API and the home panel share."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.org.permissions import Scope, check
from kefu.plans.models import (
    COMMITTEE,
    Checkpoint,
    CommitteeMember,
    Plan,
    PlanVersion,
    VersionStatus,
)


def _scoped(user, queryset: QuerySet, *paths: str) -> QuerySet:
    """Department scoping (R-SEC-3) over one or more department fields."""
    scope = check(user, "plan.view")
    if scope == Scope.ALL:
        return queryset
    own = getattr(user, "department", None)
    if own is None:
        return queryset.none()
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}__path__startswith": own.path})
    return queryset.filter(condition)


def plan_list(user, *, status: str = "", customer_id: int | None = None) -> QuerySet:
    plans = Plan.objects.select_related("customer", "department", "current", "team")
    plans = _scoped(user, plans, "department", "team")
    if customer_id:
        plans = plans.filter(customer_id=customer_id)
    if status == "in_force":
        plans = plans.filter(current__isnull=False)
    elif status in VersionStatus.values:
        plans = plans.filter(versions__status=status).distinct()
    return plans.order_by("-id")


def plan_get(user, plan_id: int) -> Plan:
    from kefu.errors import get_or_404

    plan = get_or_404(
        Plan.objects.select_related(
            "customer", "department", "current", "team", "team_lead", "created_by"
        ),
        pk=plan_id,
    )
    visible = _scoped(user, Plan.objects.filter(pk=plan.pk), "department", "team")
    if not visible.exists():
        check(user, "plan.view", department=plan.department)
    return plan


def my_steps(user) -> set[str]:
    steps = set(getattr(user, "role_codes", ()))
    if CommitteeMember.objects.filter(user_id=getattr(user, "pk", None)).exists():
        steps.add(COMMITTEE)
    return steps


def awaiting_review(user) -> list[PlanVersion]:
    """Versions in review whose current step is one the user may decide (R-PLN-2)."""
    steps = my_steps(user)
    versions = PlanVersion.objects.filter(status=VersionStatus.IN_REVIEW).select_related(
        "plan__customer"
    )
    return [
        v
        for v in versions.order_by("submitted_at")
        if v.current_step in steps and v.created_by_id != user.pk
    ]


def checkpoints_overdue(user, *, today: dt.date | None = None) -> QuerySet:
    """R-PLN-4: checkpoints past their date and not done, oldest first."""
    today = today or timezone.localdate()
    points = Checkpoint.objects.filter(done_at__isnull=True, due_on__lt=today).select_related(
        "plan__customer", "owner", "plan__team"
    )
    return _scoped(user, points, "plan__department", "plan__team").order_by("due_on", "id")


def my_checkpoints(user, *, days: int = 14, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        Checkpoint.objects.filter(
            owner=user, done_at__isnull=True, due_on__lte=today + dt.timedelta(days=days)
        )
        .select_related("plan")
        .order_by("due_on")
    )
