"""Live telephony events from PBX bridges (R-CC-3): the generic CTI API, block list, screen pop."""

from __future__ import annotations

import hmac
import json
import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.callcenter.importers import agent_key
from kefu.callcenter.models import (
    CallRecord,
    CtiEvent,
    CtiSettings,
    Direction,
    Disposition,
    Source,
    new_cti_token,
)
from kefu.callcenter.services.lookups import (
    _customers_by_phone,
    _hotline_ids,
    _queue_ids,
    agents_by_label,
    phone_key,
)
from kefu.errors import NotAuthenticated, NotFound, ValidationFailed
from kefu.org.permissions import check


def cti_settings() -> CtiSettings:
    """The installation's one CTI settings row, made on first use."""
    row = CtiSettings.objects.order_by("pk").first()
    if row is None:
        row = CtiSettings.objects.create()
    return row


@transaction.atomic
def cti_token_rotate(*, actor) -> CtiSettings:
    """A new path token for the PBX; the old one stops working at once (R-CC-3)."""
    check(actor, "callcenter.manage")
    row = cti_settings()
    row.token = new_cti_token()
    row.rotated_at = timezone.now()
    row.save(update_fields=["token", "rotated_at"])
    audit_record(actor=actor, action=Action.UPDATE, target=row, summary=_("CTI token rotated"))
    return row


@transaction.atomic
def cti_blocked_set(*, actor, numbers: list[str], reason: str = "") -> CtiSettings:
    """The numbers the PBX is told to turn away (``{"action":"reject","reason":"busy"}``)."""
    check(actor, "callcenter.manage")
    clean = []
    for raw in numbers:
        text = str(raw).strip()
        if not text:
            continue
        key = phone_key(text)
        if not re.search(r"\d", key):
            raise ValidationFailed.on(
                "blocked_numbers", _("%(n)s is not a phone number.") % {"n": text}
            )
        if key not in clean:
            clean.append(key)
    row = cti_settings()
    before = snapshot(row, ["blocked_numbers"])
    row.blocked_numbers = clean
    row.save(update_fields=["blocked_numbers"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=row,
        summary=_("CTI block list changed"),
        before=before,
        after=snapshot(row, ["blocked_numbers"]),
        reason=reason,
    )
    return row


_EVENTS = {"newcall": "newCall", "answer": "answer", "hangup": "hangup"}
_BUSY_CAUSES = {"busy", "user_busy"}
_FAILED_CAUSES = {"forwarded", "congestion", "failed", "chanunavail", "unallocated"}


def _one(data: dict, *names: str) -> str:
    for name in names:
        value = data.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _users(data: dict) -> list[str]:
    out: list[str] = []
    for name in ("user", "user[]"):
        value = data.get(name)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            text = str(v).strip()
            if text and text not in out:
                out.append(text)
    return out


def _cti_authenticate(token: str) -> CtiSettings:
    row = CtiSettings.objects.order_by("pk").first()
    if row is None:
        raise NotFound(
            message=_("The CTI link is not set up; the administrator creates its token first.")
        )
    if not hmac.compare_digest(row.token.encode(), (token or "").encode()):
        raise NotAuthenticated(message=_("Unknown CTI token."))
    return row


def _agent_for(users: list[str], answering: str) -> int | None:
    labels = agents_by_label()
    for candidate in [answering, *users]:
        if candidate:
            user_id = labels.get(agent_key(candidate))
            if user_id is not None:
                return user_id
    return None


@transaction.atomic
def cti_event_receive(*, token: str, data: dict, now: datetime | None = None) -> dict:
    """R-CC-3: one event of the generic CTI API (as Zammad defines it), stored as a call.

    ``newCall`` creates the call (or fills in what a repeated one adds), ``answer`` marks it
    answered by the matching agent, ``hangup`` ends it. Events are idempotent: a repeated
    newCall, a second answer or an answer after hangup changes no count. The reply is what
    bridges understand: ``{}``, or ``{"action": "reject", "reason": "busy"}`` for a blocked
    number.
    """
    link = _cti_authenticate(token)
    now = now or timezone.now()
    event = _EVENTS.get(_one(data, "event").lower())
    if event is None:
        raise ValidationFailed.on(
            "event",
            _("event must be newCall, answer or hangup, got %(e)r") % {"e": data.get("event")},
        )
    key = _one(data, "callId", "call_id", "callid", "callID")
    if not key:
        raise ValidationFailed.on("callId", _("callId (or call_id, callid) is required."))
    key = key[:200]
    reply: dict = {}
    direction = Direction.OUT if _one(data, "direction").lower() == "out" else Direction.IN
    caller, callee = _one(data, "from"), _one(data, "to")
    users = _users(data)
    party = caller if direction == Direction.IN else callee
    blocked = bool(
        event == "newCall"
        and direction == Direction.IN
        and party
        and phone_key(party) in set(link.blocked_numbers)
    )
    if blocked:
        reply = {"action": "reject", "reason": "busy"}
    CtiEvent.objects.create(
        received_at=now,
        event=event,
        call_key=key,
        payload=json.loads(json.dumps(data, default=str)),
        reply=reply,
    )
    call = CallRecord.objects.filter(key=key).first()
    if call is None:
        call = _cti_new_call(
            key=key, now=now, direction=direction, caller=caller, callee=callee, data=data
        )
        if call is None:  # created by a concurrent event in between
            call = CallRecord.objects.get(key=key)
    changed: list[str] = []
    if event == "newCall" or not call.cti_users:
        for name, value in (("caller", caller[:64]), ("callee", callee[:64])):
            if value and not getattr(call, name):
                setattr(call, name, value)
                changed.append(name)
        merged = list(dict.fromkeys([*call.cti_users, *users]))
        if merged != call.cti_users:
            call.cti_users = merged
            changed.append("cti_users")
    if blocked and not call.blocked:
        call.blocked = True
        call.disposition = Disposition.BUSY
        changed += ["blocked", "disposition"]
    if event == "answer" and call.answer_at is None and call.end_at is None:
        answering = _one(data, "answeringNumber", "answering_number")
        call.answer_at = now
        call.disposition = Disposition.ANSWERED
        call.abandoned = False
        call.wait_seconds = max(0, int((now - call.enter_at).total_seconds()))
        call.agent_id = _agent_for(users, answering)
        call.agent_label = (answering or (users[0] if users else ""))[:120]
        changed += ["answer_at", "disposition", "abandoned", "wait_seconds", "agent", "agent_label"]
    if event == "hangup" and call.end_at is None:
        call.end_at = now
        changed.append("end_at")
        if call.answer_at is not None:
            call.talk_seconds = max(0, int((now - call.answer_at).total_seconds()))
            changed.append("talk_seconds")
        elif not call.blocked:
            cause = _one(data, "cause").lower()
            call.wait_seconds = max(0, int((now - call.enter_at).total_seconds()))
            if cause in _BUSY_CAUSES:
                call.disposition = Disposition.BUSY
            elif cause in _FAILED_CAUSES:
                call.disposition = Disposition.FAILED
            else:
                call.disposition = Disposition.ABANDONED
                call.abandoned = call.direction == Direction.IN
            changed += ["wait_seconds", "disposition", "abandoned"]
        _call_on_timeline(call)
    if changed:
        call.save(update_fields=sorted(set(changed)))
    return reply


def _cti_new_call(*, key, now, direction, caller, callee, data) -> CallRecord | None:
    party = caller if direction == Direction.IN else callee
    customers = _customers_by_phone([phone_key(party)])
    hotlines = _hotline_ids()
    queue_name = _one(data, "queue")[:80]
    queue_id = _queue_ids([queue_name]).get(queue_name) if queue_name else None
    try:
        with transaction.atomic():
            return CallRecord.objects.create(
                key=key,
                source=Source.CTI,
                direction=direction,
                caller=caller[:64],
                callee=callee[:64],
                hotline_id=(hotlines.get(callee) or hotlines.get(phone_key(callee)))
                if direction == Direction.IN
                else None,
                queue_id=queue_id,
                enter_at=now,
                disposition=Disposition.RINGING,
                customer_id=customers.get(phone_key(party)),
                cti_users=_users(data),
            )
    except IntegrityError:
        return None


def _call_on_timeline(call: CallRecord) -> None:
    if call.customer_id is None:
        return
    from kefu.customers.events import Kind, linked_event

    if call.answer_at is not None:
        summary = _("Call answered by %(agent)s, %(talk)d s") % {
            "agent": call.agent_label or "?",
            "talk": call.talk_seconds or 0,
        }
    else:
        summary = _("Call not answered (%(outcome)s)") % {"outcome": call.get_disposition_display()}
    linked_event(call.customer_id, kind=Kind.CALL, summary=summary, link=call)
