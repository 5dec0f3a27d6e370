"""The review round: each approver in turn approves or returns (R-PLN-2, R-PLN-3)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check
from kefu.plans.models import (
    COMMITTEE,
    ApprovalRecord,
    CommitteeMember,
    Decision,
    Plan,
    PlanVersion,
    VersionStatus,
)
from kefu.plans.services import _common as c
from kefu.plans.services.drafting import tell_next_step
from kefu.plans.services.states import move
from kefu.plans.services.thresholds import step_label


def _round(version: PlanVersion) -> int:
    return version.decisions.filter(decision=Decision.RETURNED).count() + 1


def _ensure_turn(actor, version: PlanVersion) -> str:
    """R-PLN-2: only the approver of the current step may decide, and only once per round.

    Approving out of turn is refused with a 409 that names whose turn it is; nothing
    is written.
    """
    check(actor, "plan.approve")
    if version.status != VersionStatus.IN_REVIEW:
        move(version, "approve")  # raises the 409 naming the state
    step = version.current_step
    where = {
        "p": version.plan.number,
        "v": version.number,
        "i": version.step + 1,
        "n": len(version.chain),
        "who": step_label(step),
    }
    if step == COMMITTEE:
        mine = CommitteeMember.objects.filter(user_id=getattr(actor, "pk", None)).exists()
    else:
        mine = getattr(actor, "has_role", lambda r: False)(step)
    if not mine:
        raise Conflict(
            message=_(
                "Not your turn: plan %(p)s v%(v)s is at step %(i)d of %(n)d, awaiting the "
                "%(who)s (R-PLN-2)."
            )
            % where
        )
    if version.created_by_id and version.created_by_id == getattr(actor, "pk", None):
        raise Conflict(message=_("You drafted this version; someone else must review it."))
    round_no = _round(version)
    # The committee decides as a body with its own written sign-off, so a member who
    # approved an earlier step (the general manager, say) may still sign for it.
    earlier = version.decisions.filter(round=round_no, actor_id=actor.pk)
    if step != COMMITTEE and earlier.exists():
        raise Conflict(
            message=_("You already decided an earlier step of this round; one person, one step.")
        )
    return step


def _locked(version: PlanVersion) -> PlanVersion:
    return (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=version.pk)
    )


@transaction.atomic
def plan_approve(
    *, actor, version: PlanVersion, comment: str = "", signoff: str = ""
) -> PlanVersion:
    """R-PLN-2, R-PLN-3: approve the current step; the last approval freezes the version.

    At the decision committee's step a written sign-off (书面签证) is required: its
    text, the signer and the time are hashed with the version's content into a
    signature. The approved version becomes the one in force, its budget fixed; the
    version it changes is superseded but stays readable.
    """
    version = _locked(version)
    step = _ensure_turn(actor, version)
    comment = c.text("comment", comment, required=False)
    signoff = c.text("signoff", signoff, required=False)
    if step == COMMITTEE and not signoff:
        raise ValidationFailed.on(
            "signoff",
            _("signoff: the decision committee approves only with a written sign-off (R-PLN-3)."),
        )
    if c.digest(c.terms_of(version)) != version.content_hash:  # pragma: no cover - guard
        raise Conflict(message=_("The version's content changed after it was submitted."))
    now = timezone.now()
    record = ApprovalRecord(
        version=version,
        round=_round(version),
        step=version.step,
        step_role=step,
        decision=Decision.APPROVED,
        actor=c.user_or_none(actor),
        comment=comment,
        at=now,
    )
    if signoff:
        record.signoff_text = signoff
        record.signoff_hash = c.digest(
            {
                "content": version.content_hash,
                "signer": getattr(actor, "pk", None),
                "username": getattr(actor, "username", "system"),
                "at": now,
                "text": signoff,
            }
        )
    record.save()
    before = snapshot(version)
    last = version.step + 1 >= len(version.chain)
    move(version, "approve" if last else "advance")
    version.step += 1
    fields = ["status", "step"]
    if last:
        version.approved_at = now
        fields.append("approved_at")
    version.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=Action.SIGN if signoff else Action.UPDATE,
        target=version,
        before=before,
        after=snapshot(version),
        summary=_("approved at step %(i)d (%(who)s)")
        % {"i": record.step + 1, "who": step_label(step)},
        reason=signoff or comment,
    )
    if last:
        _put_in_force(version, actor=actor)
    else:
        tell_next_step(version, actor=actor)
    return version


def _put_in_force(version: PlanVersion, *, actor) -> None:
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=version.plan_id)
    )
    old = plan.current
    if old is not None and old.pk != version.pk:
        old = _locked(old)
        before = snapshot(old)
        move(old, "supersede")
        old.save(update_fields=["status"])
        audit_record(
            actor=actor, action=Action.UPDATE, target=old, before=before, after=snapshot(old)
        )
    before = snapshot(plan)
    plan.current = version
    plan.save(update_fields=["current"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=plan, before=before, after=snapshot(plan)
    )
    notify(
        [version.created_by, plan.created_by, plan.team_lead],
        _("Plan %(p)s v%(v)s is approved and in force.") % {"p": plan.number, "v": version.number},
        url=reverse("plans:detail", args=[plan.pk]),
        exclude=actor,
    )


@transaction.atomic
def plan_return(*, actor, version: PlanVersion, comment: str) -> PlanVersion:
    """R-PLN-2: the approver of the current step returns the version with a comment.

    The drafter reworks it and submits again; the new round starts at the first step.
    """
    version = _locked(version)
    step = _ensure_turn(actor, version)
    comment = c.text("comment", comment)
    ApprovalRecord.objects.create(
        version=version,
        round=_round(version),
        step=version.step,
        step_role=step,
        decision=Decision.RETURNED,
        actor=c.user_or_none(actor),
        comment=comment,
    )
    before = snapshot(version)
    move(version, "return")
    version.step = 0
    version.save(update_fields=["status", "step"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=version,
        before=before,
        after=snapshot(version),
        reason=comment,
    )
    notify(
        [version.created_by],
        _("Plan %(p)s v%(v)s was returned: %(c)s")
        % {"p": version.plan.number, "v": version.number, "c": comment},
        url=reverse("plans:detail", args=[version.plan_id]),
        exclude=actor,
    )
    return version
