"""Every write to process walk-throughs (流程穿越, R-SUP-5) and their fixes.

Routine and special walk-throughs, from the customer's perception or the front-line
employee's experience (the seed: 常规流程穿越与专项流程穿越相结合, 从一线员工体验和客户
感知两个维度出发). Each fix is assigned to one person with a due date and tracked:
open → done → verified (a done fix can be sent back). A walk-through is closed when
every fix is done; a new or reopened fix opens it again.
"""

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
from kefu.org.permissions import allowed, check
from kefu.supervision.models import (
    Finding,
    Fix,
    FixStatus,
    Perspective,
    Walkthrough,
    WalkthroughKind,
)

# Allowed fix transitions and who may make them: the assignee marks done; a reviewer
# (walkthrough.record) verifies or sends back.
FIX_TRANSITIONS: dict[str, dict[str, str]] = {
    FixStatus.OPEN: {FixStatus.DONE: "assignee"},
    FixStatus.DONE: {FixStatus.VERIFIED: "reviewer", FixStatus.OPEN: "reviewer"},
    FixStatus.VERIFIED: {},
}
FINISHED = {FixStatus.DONE, FixStatus.VERIFIED}
_WALK_FIELDS = ["process", "kind", "perspective", "walked_on", "summary", "closed_at"]
_FIX_FIELDS = ["action", "assignee", "due_on", "status", "done_note", "verified_by"]


def _required(name: str, value: str, message: str, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(name, message)
    return value[:limit]


def _fix_url(fix: Fix) -> str:
    return reverse("supervision:walkthrough_detail", args=[fix.walkthrough_id])


def _make_fix(
    walkthrough: Walkthrough, *, action: str, assignee, due_on: dt.date, finding=None
) -> Fix:
    action = _required("fixes", action, _("Say what the fix is."))
    if assignee is None or not getattr(assignee, "is_active", False):
        raise ValidationFailed.on("fixes", _("Assign each fix to an active staff member."))
    if due_on is None:
        raise ValidationFailed.on("fixes", _("Give each fix a due date."))
    fix = Fix.objects.create(
        walkthrough=walkthrough, finding=finding, action=action, assignee=assignee, due_on=due_on
    )
    notify(
        [assignee],
        _("Fix assigned to you from the walk-through of %(process)s: %(action)s (due %(due)s)")
        % {"process": walkthrough.process, "action": action[:80], "due": due_on.isoformat()},
        url=_fix_url(fix),
    )
    return fix


def _sync_closed(walkthrough: Walkthrough, now: dt.datetime) -> None:
    """Closed when there are fixes and every one is done; open otherwise."""
    statuses = set(walkthrough.fixes.values_list("status", flat=True))
    closed = bool(statuses) and statuses <= {s.value for s in FINISHED}
    if closed and walkthrough.closed_at is None:
        walkthrough.closed_at = now
        walkthrough.save(update_fields=["closed_at"])
        audit_record(
            actor=None,
            action=Action.UPDATE,
            target=walkthrough,
            summary=_("walk-through closed: every fix is done"),
            after={"closed_at": now},
        )
    elif not closed and walkthrough.closed_at is not None:
        walkthrough.closed_at = None
        walkthrough.save(update_fields=["closed_at"])
        audit_record(
            actor=None,
            action=Action.UPDATE,
            target=walkthrough,
            summary=_("walk-through reopened: a fix is open again"),
            after={"closed_at": None},
        )


@transaction.atomic
def walkthrough_create(
    *,
    actor,
    process: str,
    kind: str,
    perspective: str,
    walked_on: dt.date,
    findings: list[str],
    fixes: list[dict] | None = None,
    summary: str = "",
    now: dt.datetime | None = None,
) -> Walkthrough:
    """R-SUP-5: a reviewer records a walk-through: the process, routine or special, from the
    customer's or the front-line's side, its findings and the fixes, each assigned.

    ``fixes``: dicts with ``action``, ``assignee``, ``due_on`` and optionally ``finding``
    (the index of the finding it answers)."""
    check(actor, "walkthrough.record")
    now = now or timezone.now()
    process = _required("process", process, _("Name the process walked."), 200)
    if kind not in WalkthroughKind.values:
        raise ValidationFailed.on("kind", _("The kind is routine or special."))
    if perspective not in Perspective.values:
        raise ValidationFailed.on(
            "perspective", _("The perspective is the customer's or the front line's.")
        )
    if walked_on is None or walked_on > timezone.localtime(now).date():
        raise ValidationFailed.on("walked_on", _("The walk-through date cannot be in the future."))
    texts = [t.strip() for t in findings or [] if t and t.strip()]
    if not texts:
        raise ValidationFailed.on("findings", _("Record at least one finding."))
    walkthrough = Walkthrough.objects.create(
        process=process,
        kind=kind,
        perspective=perspective,
        walked_on=walked_on,
        reviewer=actor,
        summary=(summary or "").strip(),
        created_at=now,
    )
    rows = Finding.objects.bulk_create(
        [Finding(walkthrough=walkthrough, text=t, position=n) for n, t in enumerate(texts, 1)]
    )
    for spec in fixes or []:
        index = spec.get("finding")
        if index is not None and not (0 <= index < len(rows)):
            raise ValidationFailed.on("fixes", _("A fix refers to a finding that is not listed."))
        _make_fix(
            walkthrough,
            action=spec.get("action", ""),
            assignee=spec.get("assignee"),
            due_on=spec.get("due_on"),
            finding=rows[index] if index is not None else None,
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=walkthrough,
        summary=_("process walk-through recorded with %(f)d findings and %(x)d fixes")
        % {"f": len(rows), "x": len(fixes or [])},
        after=snapshot(walkthrough, _WALK_FIELDS) | {"findings": texts},
    )
    return walkthrough


@transaction.atomic
def walkthrough_add_fix(
    *,
    actor,
    walkthrough: Walkthrough,
    action: str,
    assignee,
    due_on: dt.date,
    finding: Finding | None = None,
    now: dt.datetime | None = None,
) -> Fix:
    """R-SUP-5: one more fix; a closed walk-through opens again until it is done."""
    check(actor, "walkthrough.record")
    walkthrough = Walkthrough.objects.select_for_update().get(pk=walkthrough.pk)
    if finding is not None and finding.walkthrough_id != walkthrough.pk:
        raise ValidationFailed.on("finding", _("That finding belongs to another walk-through."))
    fix = _make_fix(walkthrough, action=action, assignee=assignee, due_on=due_on, finding=finding)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=fix,
        summary=_("walk-through fix assigned"),
        after=snapshot(fix, _FIX_FIELDS),
    )
    _sync_closed(walkthrough, now or timezone.now())
    return fix


@transaction.atomic
def fix_transition(
    *, actor, fix: Fix, to: str, note: str = "", now: dt.datetime | None = None
) -> Fix:
    """R-SUP-5: move a fix along open → done → verified (or back to open), as data in
    FIX_TRANSITIONS; the walk-through closes when every fix is done."""
    check(actor, "walkthrough.view")
    now = now or timezone.now()
    fix = Fix.objects.select_for_update().select_related("walkthrough", "assignee").get(pk=fix.pk)
    allowed_next = FIX_TRANSITIONS[fix.status]
    if to not in allowed_next:
        raise Conflict(
            message=_("A fix that is %(from)s cannot become %(to)s.")
            % {
                "from": FixStatus(fix.status).label,
                "to": FixStatus(to).label if to in FixStatus.values else to,
            }
        )
    who = allowed_next[to]
    is_reviewer = allowed(actor, "walkthrough.record")
    if who == "assignee" and fix.assignee_id != getattr(actor, "pk", None) and not is_reviewer:
        raise PermissionDenied(
            message=_("Only %(who)s, to whom the fix is assigned, may mark it done.")
            % {"who": fix.assignee.display_name},
            permission="walkthrough.view",
        )
    if who == "reviewer":
        check(actor, "walkthrough.record")
    note = (note or "").strip()
    before = snapshot(fix, _FIX_FIELDS)
    fix.status = to
    fields = ["status"]
    if to == FixStatus.DONE:
        fix.done_note = _required("note", note, _("Say what was done."))
        fix.done_at = now
        fields += ["done_note", "done_at"]
    elif to == FixStatus.VERIFIED:
        fix.verified_by, fix.verified_at = actor, now
        fields += ["verified_by", "verified_at"]
    else:  # sent back
        _required("note", note, _("Say why the fix is sent back."))
        fix.done_at = None
        fields += ["done_at"]
    fix.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=fix,
        summary=_("walk-through fix: %(s)s") % {"s": FixStatus(to).label},
        before=before,
        after=snapshot(fix, _FIX_FIELDS),
        reason=note,
    )
    if to == FixStatus.OPEN:
        notify(
            [fix.assignee],
            _("A fix was sent back to you: %(action)s — %(why)s")
            % {"action": fix.action[:80], "why": note[:120]},
            url=_fix_url(fix),
        )
    _sync_closed(fix.walkthrough, now)
    return fix
