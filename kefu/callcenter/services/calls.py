"""One call: linked to its ticket, its recording set and played (R-CC-4)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.callcenter.models import (
    CallRecord,
)
from kefu.errors import Conflict, NotFound, ValidationFailed
from kefu.org.permissions import check


@transaction.atomic
def call_link_ticket(*, actor, call: CallRecord, ticket) -> CallRecord:
    """R-CC-3: the agent ties the call to the ticket they recorded for it."""
    from kefu.tickets.selectors import tickets_visible

    check(actor, "callcenter.desk")
    if not tickets_visible(actor).filter(pk=ticket.pk).exists():
        raise NotFound(message=_("No ticket %(n)s that you may see.") % {"n": ticket.pk})
    if call.ticket_id == ticket.pk:
        return call
    if call.ticket_id is not None:
        raise Conflict(
            message=_("This call is already linked to ticket %(n)s.") % {"n": call.ticket.number}
        )
    before = snapshot(call, ["ticket"])
    call.ticket = ticket
    if call.customer_id is None and ticket.customer_id is not None:
        call.customer_id = ticket.customer_id
        call.save(update_fields=["ticket", "customer"])
    else:
        call.save(update_fields=["ticket"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=call,
        summary=_("call linked to ticket %(n)s") % {"n": ticket.number},
        before=before,
        after=snapshot(call, ["ticket"]),
    )
    return call


@transaction.atomic
def call_recording_set(*, actor, call: CallRecord, recording: str) -> CallRecord:
    """R-CC-4: attach a recording file path or URL to a call."""
    check(actor, "callcenter.manage")
    recording = (recording or "").strip()
    if recording and not re.match(r"^(https?://|/)|^[\w./-]+\.(wav|mp3|ogg|gsm)$", recording):
        raise ValidationFailed.on(
            "recording", _("Give an http(s) URL or a file path of the recording.")
        )
    before = snapshot(call, ["recording"])
    call.recording = recording[:500]
    call.save(update_fields=["recording"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=call, summary=_("recording attached"),
        before=before, after=snapshot(call, ["recording"]),
    )  # fmt: skip
    return call


def call_recording_play(*, actor, call: CallRecord, ip: str | None = None) -> str:
    """R-CC-4: who may listen does, and each listen is written to the audit trail."""
    check(actor, "callcenter.recordings")
    if not call.recording:
        raise NotFound(message=_("This call has no recording."))
    audit_record(
        actor=actor,
        action=Action.OTHER,
        target=call,
        summary=_("recording played"),
        ip=ip,
    )
    return call.recording
