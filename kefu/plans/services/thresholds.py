"""The tiered review table (分级会审, R-PLN-2) and the decision committee (决策委员会)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers.models import CustomerClass
from kefu.errors import Conflict, NotFound, ValidationFailed
from kefu.org.permissions import allowed, check
from kefu.org.roles import Role
from kefu.plans.models import COMMITTEE, ApprovalThreshold, CommitteeMember
from kefu.plans.services._common import money

# Roles that may stand as a step of a chain: those granted plan.approve.
APPROVER_ROLES = (Role.CS_SUPERVISOR, Role.DIRECTOR, Role.GM)


def step_label(step: str) -> str:
    if step == COMMITTEE:
        return _("decision committee")
    try:
        return str(Role(step).label)
    except ValueError:
        return step


def step_approvers(step: str):
    """The people who may decide ``step``: committee members, or active holders of the role."""
    from kefu.org.models import User

    if step == COMMITTEE:
        return User.objects.filter(plan_committee_seat__isnull=False, is_active=True)
    return User.objects.filter(role_rows__role=step, is_active=True).distinct()


def clean_chain(chain) -> list[str]:
    """An ordered list of approver roles, optionally ending with the decision committee."""
    if not isinstance(chain, list | tuple) or not chain:
        raise ValidationFailed.on("chain", _("chain: give at least one approver."))
    allowed_steps = [r.value for r in APPROVER_ROLES] + [COMMITTEE]
    steps = [str(s).strip() for s in chain]
    for step in steps:
        if step not in allowed_steps:
            raise ValidationFailed.on(
                "chain",
                _("chain: %(s)s is not an approver; choose from %(ok)s.")
                % {"s": step, "ok": ", ".join(allowed_steps)},
            )
    if len(set(steps)) != len(steps):
        raise ValidationFailed.on("chain", _("chain: an approver appears twice."))
    if COMMITTEE in steps[:-1]:
        raise ValidationFailed.on(
            "chain", _("chain: the decision committee can only be the last step.")
        )
    return steps


def chain_for(customer_class: str, amount: Decimal) -> list[str]:
    """R-PLN-2: the approval chain for a customer class and an amount.

    The lowest row of the class whose "up to" covers the amount gives the chain;
    an amount above the class's top row goes through the top row's chain and then
    the decision committee. A class with no rows at all is refused: nobody may
    approve a plan the administrator has not provided for.
    """
    rows = list(ApprovalThreshold.objects.filter(customer_class=customer_class).order_by("up_to"))
    if not rows:
        raise Conflict(
            message=_(
                "No approval thresholds are set for %(c)s customers: ask the administrator "
                "to add them (R-PLN-2)."
            )
            % {"c": CustomerClass(customer_class).label}
        )
    for row in rows:
        if amount <= row.up_to:
            return list(row.chain)
    chain = list(rows[-1].chain)
    return chain if chain and chain[-1] == COMMITTEE else [*chain, COMMITTEE]


def _class(value) -> str:
    if value not in CustomerClass.values:
        raise ValidationFailed.on(
            "customer_class",
            _("customer_class: choose one of %(ok)s.") % {"ok": ", ".join(CustomerClass.values)},
        )
    return value


@transaction.atomic
def threshold_create(*, actor, customer_class: str, up_to, chain) -> ApprovalThreshold:
    """R-PLN-2: add a row to the threshold table."""
    check(actor, "plan.settings")
    customer_class = _class(customer_class)
    up_to = money("up_to", up_to)
    chain = clean_chain(chain)
    if ApprovalThreshold.objects.filter(customer_class=customer_class, up_to=up_to).exists():
        raise Conflict(
            message=_("There is already a row for %(c)s up to %(a)s yuan.")
            % {"c": CustomerClass(customer_class).label, "a": up_to}
        )
    row = ApprovalThreshold.objects.create(customer_class=customer_class, up_to=up_to, chain=chain)
    audit_record(actor=actor, action=Action.CREATE, target=row, after=snapshot(row))
    return row


@transaction.atomic
def threshold_update(
    *, actor, threshold: ApprovalThreshold, up_to=None, chain=None
) -> ApprovalThreshold:
    """R-PLN-2: change a row's amount or chain. Rounds already running keep their chain."""
    check(actor, "plan.settings")
    row = ApprovalThreshold.objects.select_for_update().get(pk=threshold.pk)
    before = snapshot(row)
    if up_to is not None:
        row.up_to = money("up_to", up_to)
        clash = ApprovalThreshold.objects.filter(
            customer_class=row.customer_class, up_to=row.up_to
        ).exclude(pk=row.pk)
        if clash.exists():
            raise Conflict(
                message=_("There is already a row for %(c)s up to %(a)s yuan.")
                % {"c": CustomerClass(row.customer_class).label, "a": row.up_to}
            )
    if chain is not None:
        row.chain = clean_chain(chain)
    row.updated_at = timezone.now()
    row.save(update_fields=["up_to", "chain", "updated_at"])
    audit_record(actor=actor, action=Action.UPDATE, target=row, before=before, after=snapshot(row))
    return row


@transaction.atomic
def threshold_delete(*, actor, threshold: ApprovalThreshold) -> None:
    check(actor, "plan.settings")
    before = snapshot(threshold)
    audit_record(actor=actor, action=Action.DELETE, target=threshold, before=before, after={})
    threshold.delete()


@transaction.atomic
def committee_member_add(*, actor, user) -> CommitteeMember:
    """Seat a member of the decision committee; they must be allowed to approve plans."""
    check(actor, "plan.settings")
    if not user.is_active:
        raise ValidationFailed.on("user_id", _("user_id: %(u)s is not active.") % {"u": user})
    if not allowed(user, "plan.approve"):
        raise ValidationFailed.on(
            "user_id",
            _("user_id: %(u)s holds no role that may approve plans (permission plan.approve).")
            % {"u": user},
        )
    if CommitteeMember.objects.filter(user=user).exists():
        raise Conflict(message=_("%(u)s is already on the decision committee.") % {"u": user})
    member = CommitteeMember.objects.create(user=user)
    audit_record(actor=actor, action=Action.CREATE, target=member, after=snapshot(member))
    return member


@transaction.atomic
def committee_member_remove(*, actor, user) -> None:
    check(actor, "plan.settings")
    member = CommitteeMember.objects.filter(user=user).first()
    if member is None:
        raise NotFound(message=_("%(u)s is not on the decision committee.") % {"u": user})
    audit_record(
        actor=actor, action=Action.DELETE, target=member, before=snapshot(member), after={}
    )
    member.delete()
