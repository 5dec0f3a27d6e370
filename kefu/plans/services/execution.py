"""Carrying a plan out (R-PLN-4): the marketing team responsible, and its checkpoints."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import allowed, check
from kefu.org.roles import Role
from kefu.plans.models import Checkpoint, Plan
from kefu.plans.services import _common as c


def may_open_plan(user, plan: Plan) -> bool:
    """Whether ``user`` may open the plan's page (what its notices link to)."""
    from kefu.errors import DomainError
    from kefu.plans.selectors import plan_get

    try:
        plan_get(user, plan.pk)
    except DomainError:
        return False
    return True


def _require_in_force(plan: Plan) -> None:
    if plan.current_id is None:
        raise Conflict(
            message=_("Plan %(p)s is not approved yet; it cannot be carried out (R-PLN-4).")
            % {"p": plan.number}
        )


@transaction.atomic
def plan_assign_team(*, actor, plan: Plan, team: Department, lead: User) -> Plan:
    """R-PLN-4: hand the approved plan over (交底) to a marketing team and its lead."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    check(actor, "plan.execute", department=team)
    _require_in_force(plan)
    if not lead.is_active or not lead.has_role(Role.MARKETING):
        raise ValidationFailed.on(
            "lead_id", _("lead_id: %(u)s is not active marketing staff.") % {"u": lead}
        )
    if lead.department is None or not lead.department.is_within(team):
        raise ValidationFailed.on(
            "lead_id", _("lead_id: %(u)s is not in the team %(t)s.") % {"u": lead, "t": team}
        )
    before = snapshot(plan)
    plan.team = team
    plan.team_lead = lead
    plan.briefed_at = timezone.now()
    plan.save(update_fields=["team", "team_lead", "briefed_at"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=plan, before=before, after=snapshot(plan)
    )
    notify(
        [lead],
        _("Plan %(p)s is handed over to your team: %(t)s") % {"p": plan.number, "t": plan.title},
        url=reverse("plans:detail", args=[plan.pk]),
        exclude=actor,
    )
    return plan


@transaction.atomic
def checkpoint_add(
    *, actor, plan: Plan, title: str, due_on: dt.date, owner: User, today: dt.date | None = None
) -> Checkpoint:
    """R-PLN-4: a control point of the plan's execution, with a due date and an owner."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("team").get(pk=plan.pk)
    _require_in_force(plan)
    if plan.team is None:
        raise Conflict(
            message=_("Plan %(p)s has no executing team yet; assign one first.")
            % {"p": plan.number}
        )
    check(actor, "plan.execute", department=plan.team)
    title = c.text("title", title, max_length=200)
    today = today or timezone.localdate()
    if not isinstance(due_on, dt.date):
        raise ValidationFailed.on("due_on", _("due_on: give a date (YYYY-MM-DD)."))
    if due_on < today:
        raise ValidationFailed.on("due_on", _("due_on: the date is in the past."))
    if not owner.is_active or owner.department is None or not owner.department.is_within(plan.team):
        raise ValidationFailed.on(
            "owner_id",
            _("owner_id: %(u)s is not active staff of the team %(t)s.")
            % {"u": owner, "t": plan.team},
        )
    if not may_open_plan(owner, plan):
        # R-PLN-4: the owner is told of the checkpoint, follows the plan and ticks it off
        # on the plan's page; someone who cannot open it (no plan.view) cannot own it.
        raise ValidationFailed.on(
            "owner_id",
            _(
                "owner_id: %(u)s cannot open business operation plans (permission "
                "plan.view), so could not follow or tick off this checkpoint; choose "
                "someone of the team who can."
            )
            % {"u": owner},
        )
    point = Checkpoint.objects.create(plan=plan, title=title, due_on=due_on, owner=owner)
    audit_record(actor=actor, action=Action.CREATE, target=point, after=snapshot(point))
    notify(
        [owner],
        _("Checkpoint of plan %(p)s due %(d)s: %(t)s")
        % {"p": plan.number, "d": due_on.isoformat(), "t": title},
        url=reverse("plans:detail", args=[plan.pk]),
        exclude=actor,
    )
    return point


@transaction.atomic
def checkpoint_done(*, actor, checkpoint: Checkpoint, note: str = "") -> Checkpoint:
    """R-PLN-4: the owner (or whoever runs the team's plans) records a checkpoint as done."""
    point = (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("plan__team")
        .get(pk=checkpoint.pk)
    )
    is_owner = getattr(actor, "pk", None) == point.owner_id
    if not is_owner:
        check(actor, "plan.execute", department=point.plan.team)
    elif not allowed(actor, "plan.view"):
        raise PermissionDenied(
            message=_("Your role is not allowed to see business operation plans."),
            permission="plan.view",
        )
    if point.done_at is not None:
        raise Conflict(
            message=_("Checkpoint %(t)s was already done on %(d)s.")
            % {"t": point.title, "d": timezone.localtime(point.done_at).date().isoformat()}
        )
    before = snapshot(point)
    point.done_at = timezone.now()
    point.done_by = c.user_or_none(actor)
    point.note = c.text("note", note, required=False)
    point.save(update_fields=["done_at", "done_by", "note"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=point, before=before, after=snapshot(point)
    )
    return point


@transaction.atomic
def checkpoints_remind_overdue(*, today: dt.date | None = None) -> int:
    """R-PLN-4: tell each overdue checkpoint's owner and the team lead, once per checkpoint."""
    today = today or timezone.localdate()
    points = (
        Checkpoint.objects.select_for_update(of=("self",))
        .filter(done_at__isnull=True, due_on__lt=today, overdue_notified_at__isnull=True)
        .select_related("plan__team_lead", "owner")
    )
    told = 0
    now = timezone.now()
    for point in points:
        notify(
            [point.owner, point.plan.team_lead],
            _("Checkpoint overdue since %(d)s: %(t)s (plan %(p)s)")
            % {"d": point.due_on.isoformat(), "t": point.title, "p": point.plan.number},
            url=reverse("plans:detail", args=[point.plan_id]),
        )
        point.overdue_notified_at = now
        point.save(update_fields=["overdue_notified_at"])
        told += 1
    return told
