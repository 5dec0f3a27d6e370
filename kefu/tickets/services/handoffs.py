"""Work contact forms (R-TIC-2, R-TIC-3) and the office's arbitration of shirking (R-TIC-9)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.models import Department, User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.tickets import events
from kefu.tickets.models import (
    EventKind,
    Handoff,
    HandoffStatus,
    Kind,
    Ticket,
)
from kefu.tickets.services._common import (
    _AUDITED,
    _audit,
    _aware,
    _check_work,
    _leave_waiting,
    _lock,
    _mark_responded,
    _save,
    _tell_first_responder,
    _text,
    _users_with_role,
)
from kefu.tickets.states import State, allowed_next


@transaction.atomic
def ticket_handoff(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    to_department: Department,
    what: str,
    why: str,
    due_by: dt.datetime,
    to_user: User | None = None,
) -> Handoff:
    """Hand a ticket to the responsible department or person with a work contact form (R-TIC-2).

    On a ticket the first responder already resolved, the form is filed after the
    fact (先解决后补单, R-TIC-3) and leaves the ticket resolved. A ticket handed between
    departments more than the policy allows goes to the office's arbitration (R-TIC-9).
    """
    ticket = _lock(ticket, version)
    _check_work(actor, ticket)
    due_by = _aware(due_by)
    what = _text("what", what, _("What is to be done"))
    why = _text("why", why, _("Why"))
    now = timezone.now()
    if due_by <= now:
        raise ValidationFailed.on("due_by", _("'By when' must be in the future."))
    if not to_department.is_active:
        raise ValidationFailed.on(
            "to_department",
            _("%(dept)s is no longer active; choose another department.")
            % {"dept": to_department.name},
        )
    if to_user is not None and (not to_user.is_active or to_user.department_id != to_department.pk):
        raise ValidationFailed.on(
            "to_user", _("The person must be an active member of the receiving department.")
        )
    filed_after = ticket.state in {State.RESOLVED, State.CALLBACK, State.CLOSED}
    if filed_after and actor.pk != ticket.first_responder_id:
        raise Conflict(message=_("Only the first responder files a form after solving."))
    if not filed_after and ticket.handoffs.filter(status=HandoffStatus.PENDING).exists():
        raise Conflict(
            message=_("A work contact form on %(number)s is still waiting for its receiver.")
            % {"number": ticket.number}
        )
    if ticket.state == State.ARBITRATION:
        raise Conflict(message=_("The ticket is with the office for arbitration."))
    handoff = Handoff.objects.create(
        ticket=ticket,
        from_user=actor,
        from_department=actor.department,
        to_department=to_department,
        to_user=to_user,
        what=what,
        why=why,
        due_by=due_by,
        filed_after=filed_after,
        # A form filed after solving records what was handed on; nobody has to answer it.
        status=HandoffStatus.ACCEPTED if filed_after else HandoffStatus.PENDING,
        created_at=now,
    )
    fields = []
    if not filed_after:
        if to_department.pk != ticket.department_id:
            ticket.department_transfers += 1
            fields.append("department_transfers")
        fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(
        ticket,
        EventKind.HANDOFF,
        actor=actor,
        note=what,
        data={
            "handoff": handoff.pk,
            "to_department": to_department.name,
            "to_user": to_user.display_name if to_user else "",
            "why": why,
            "due_by": due_by.isoformat(),
            "filed_after": filed_after,
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=handoff,
        summary=_("work contact form"),
        after=snapshot(handoff),
    )
    receivers = (
        [to_user]
        if to_user
        else list(User.objects.filter(is_active=True, department=to_department))
    )
    notify(
        receivers,
        _("Work contact form for %(number)s: %(what)s") % {"number": ticket.number, "what": what},
        url=events.url(ticket),
        exclude=actor,
    )
    limit = policy.get("tickets.shirking_bounce_limit")
    if not filed_after and ticket.department_transfers > limit:
        _to_arbitration(
            ticket,
            actor,
            _("Handed between departments %(n)d times (more than %(limit)d).")
            % {"n": ticket.department_transfers, "limit": limit},
        )
    return handoff


def _to_arbitration(ticket: Ticket, actor, reason: str) -> None:
    """R-TIC-9: shirking goes to the office (办公室) for a binding decision."""
    from_state = State(ticket.state)
    fields = ["state", *_leave_waiting(ticket, timezone.now())]
    ticket.state = State.ARBITRATION
    _save(ticket, actor, fields)
    Handoff.objects.filter(ticket=ticket, status=HandoffStatus.PENDING).update(
        status=HandoffStatus.REJECTED,
        reject_reason=reason,
        responded_at=timezone.now(),
    )
    events.record(
        ticket,
        EventKind.ARBITRATION,
        actor=actor,
        from_state=from_state,
        to_state=State.ARBITRATION,
        note=reason,
    )
    notify(
        _users_with_role(Role.OFFICE),
        _("%(number)s needs arbitration: %(reason)s") % {"number": ticket.number, "reason": reason},
        url=events.url(ticket),
    )
    _tell_first_responder(
        ticket,
        _("%(number)s went to the office for arbitration.") % {"number": ticket.number},
        actor,
    )


def _check_receiver(actor, handoff: Handoff) -> None:
    """Only the person named on the form, or staff of the receiving department, answer it:
    a company-wide role does not answer for a department it is not in."""
    check(actor, "ticket.work")
    if handoff.to_user_id is not None and handoff.to_user_id == actor.pk:
        return
    own = actor.department
    if own is None or not own.is_within(handoff.to_department):
        raise PermissionDenied(
            message=_("Only %(dept)s answers this work contact form.")
            % {"dept": handoff.to_department.name},
            permission="ticket.work",
        )


def _check_answerable(ticket: Ticket, handoff: Handoff) -> None:
    if (
        handoff.status != HandoffStatus.PENDING
        or handoff.filed_after
        or not ticket.is_open
        or ticket.merged_into_id
        or ticket.state == State.ARBITRATION
    ):
        raise Conflict(message=_("This work contact form is not waiting for an answer."))


@transaction.atomic
def handoff_accept(*, actor, handoff: Handoff, version: int | None) -> Ticket:
    """The receiving department takes the ticket over; the first responder keeps following."""
    ticket = _lock(handoff.ticket, version)
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    _check_receiver(actor, handoff)
    _check_answerable(ticket, handoff)
    now = timezone.now()
    handoff.status = HandoffStatus.ACCEPTED
    handoff.responded_by = actor
    handoff.responded_at = now
    handoff.save(update_fields=["status", "responded_by", "responded_at"])
    before = snapshot(ticket, _AUDITED)
    fields = ["department", "owner", *_leave_waiting(ticket, now)]
    ticket.department = handoff.to_department
    ticket.owner = handoff.to_user or actor
    target = State.ASSIGNED if ticket.kind == Kind.COMPLAINT else State.IN_PROGRESS
    if ticket.state != target and target in allowed_next(ticket.kind, ticket.state):
        events.record(
            ticket, EventKind.STATE, actor=actor, from_state=ticket.state, to_state=target
        )
        ticket.state = target
        fields.append("state")
    elif ticket.kind == Kind.COMPLAINT and ticket.state == State.OPEN:
        # A complaint handed off straight from recording is analysed on receipt.
        events.record(
            ticket, EventKind.STATE, actor=actor, from_state=ticket.state, to_state=State.ASSIGNED
        )
        ticket.state = State.ASSIGNED
        fields.append("state")
    fields += _mark_responded(ticket, now)
    _save(ticket, actor, fields)
    events.record(ticket, EventKind.HANDOFF_ACCEPTED, actor=actor, data={"handoff": handoff.pk})
    _audit(actor, ticket, before, _("hand-off accepted"))
    _tell_first_responder(
        ticket,
        _("%(dept)s accepted %(number)s.")
        % {"dept": handoff.to_department.name, "number": ticket.number},
        actor,
    )
    return ticket


@transaction.atomic
def handoff_reject(*, actor, handoff: Handoff, version: int | None, reason: str) -> Ticket:
    """The receiving department refuses: the ticket goes to the office (R-TIC-9)."""
    ticket = _lock(handoff.ticket, version)
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    _check_receiver(actor, handoff)
    _check_answerable(ticket, handoff)
    reason = _text("reason", reason, _("Why rejected"))
    handoff.status = HandoffStatus.REJECTED
    handoff.responded_by = actor
    handoff.responded_at = timezone.now()
    handoff.reject_reason = reason
    handoff.save(update_fields=["status", "responded_by", "responded_at", "reject_reason"])
    events.record(
        ticket,
        EventKind.HANDOFF_REJECTED,
        actor=actor,
        note=reason,
        data={"handoff": handoff.pk, "department": handoff.to_department.name},
    )
    before = snapshot(ticket, _AUDITED)
    _to_arbitration(
        ticket,
        actor,
        _("%(dept)s rejected the work contact form: %(reason)s")
        % {"dept": handoff.to_department.name, "reason": reason},
    )
    _audit(actor, ticket, before, _("hand-off rejected"), reason=reason)
    return ticket


@transaction.atomic
def ticket_arbitrate(
    *,
    actor,
    ticket: Ticket,
    version: int | None,
    department: Department,
    decision: str,
    owner: User | None = None,
) -> Ticket:
    """The office's binding decision: who handles the ticket now (R-TIC-9)."""
    check(actor, "ticket.arbitrate")
    ticket = _lock(ticket, version)
    if ticket.state != State.ARBITRATION:
        raise Conflict(message=_("Only a ticket in arbitration can be arbitrated."))
    decision = _text("decision", decision, _("Decision"))
    if not department.is_active:
        raise ValidationFailed.on("department", _("Choose an active department."))
    if owner is not None and owner.department_id != department.pk:
        raise ValidationFailed.on("owner", _("The owner must belong to that department."))
    before = snapshot(ticket, _AUDITED)
    ticket.department = department
    ticket.owner = owner
    target = State.ASSIGNED if ticket.kind == Kind.COMPLAINT else State.IN_PROGRESS
    ticket.state = target
    ticket.department_transfers = 0
    _save(ticket, actor, ["department", "owner", "state", "department_transfers"])
    events.record(
        ticket,
        EventKind.ARBITRATED,
        actor=actor,
        from_state=State.ARBITRATION,
        to_state=target,
        note=decision,
        data={"department": department.name, "owner": owner.display_name if owner else ""},
    )
    _audit(actor, ticket, before, _("arbitrated"), reason=decision)
    receivers = (
        [owner] if owner else list(User.objects.filter(is_active=True, department=department))
    )
    notify(
        [*receivers, ticket.first_responder],
        _("The office decided: %(dept)s handles %(number)s.")
        % {"dept": department.name, "number": ticket.number},
        url=events.url(ticket),
        exclude=actor,
    )
    return ticket
