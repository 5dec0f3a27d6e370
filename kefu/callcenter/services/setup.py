"""Hotlines with IVR menus (R-CC-1), queues' display names (R-CC-5) and agents' extensions."""

from __future__ import annotations

import json
import re

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.callcenter.models import (
    AgentExtension,
    Hotline,
    Queue,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import User
from kefu.org.permissions import check


def _ivr(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    try:
        menu = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed.on(
            "ivr_menu", _("The IVR menu is not valid JSON: %(e)s") % {"e": exc.msg}
        ) from None
    if not isinstance(menu, dict):
        raise ValidationFailed.on(
            "ivr_menu",
            _('The IVR menu is a JSON object of key: destination, e.g. {"1": "repairs"}.'),
        )
    return json.dumps(menu, ensure_ascii=False)


UNCHANGED = object()  # a keyword left out of an update, as against None (cleared)


@transaction.atomic
def hotline_create(
    *, actor, number: str, name: str, ivr_menu: str = "", department=None
) -> Hotline:
    """R-CC-1: a hotline number with its IVR menu and the department that answers it."""
    check(actor, "callcenter.manage")
    number = (number or "").strip()
    if not number or not re.search(r"\d", number):
        raise ValidationFailed.on("number", _("Give the hotline's number."))
    if not (name or "").strip():
        raise ValidationFailed.on("name", _("Give the hotline a name."))
    if Hotline.objects.filter(number=number).exists():
        raise Conflict(message=_("Hotline %(n)s already exists.") % {"n": number})
    hotline = Hotline.objects.create(
        number=number, name=name.strip(), ivr_menu=_ivr(ivr_menu), department=department
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=hotline,
        summary=_("hotline created"),
        after=snapshot(hotline),
    )
    return hotline


@transaction.atomic
def hotline_update(
    *, actor, hotline: Hotline, name: str | None = None, ivr_menu: str | None = None,
    is_active: bool | None = None, department=UNCHANGED,
) -> Hotline:  # fmt: skip
    check(actor, "callcenter.manage")
    before = snapshot(hotline)
    fields = []
    if name is not None:
        if not name.strip():
            raise ValidationFailed.on("name", _("Give the hotline a name."))
        hotline.name = name.strip()
        fields.append("name")
    if ivr_menu is not None:
        hotline.ivr_menu = _ivr(ivr_menu)
        fields.append("ivr_menu")
    if is_active is not None:
        hotline.is_active = is_active
        fields.append("is_active")
    if department is not UNCHANGED:
        hotline.department = department
        fields.append("department")
    if fields:
        hotline.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=hotline,
            summary=_("hotline changed"),
            before=before,
            after=snapshot(hotline),
        )
    return hotline


@transaction.atomic
def queue_rename(*, actor, queue: Queue, display_name: str) -> Queue:
    """R-CC-1, R-CC-5: give a PBX queue the name people read (blank: the PBX name again).

    The PBX name stays the key the imports and live events look the queue up by.
    """
    check(actor, "callcenter.manage")
    display_name = " ".join((display_name or "").split())
    limit = Queue._meta.get_field("display_name").max_length
    if len(display_name) > limit:
        raise ValidationFailed.on(
            "display_name",
            _("A queue's display name is at most %(n)s characters.") % {"n": limit},
        )
    if display_name == queue.display_name:
        return queue
    before = snapshot(queue)
    queue.display_name = display_name
    queue.save(update_fields=["display_name"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=queue,
        summary=_("queue display name changed"),
        before=before,
        after=snapshot(queue),
    )
    return queue


@transaction.atomic
def agent_extension_set(*, actor, user: User, extension: str) -> AgentExtension | None:
    """Tie a PBX extension (or agent name) to a staff member; blank removes it."""
    check(actor, "callcenter.manage")
    extension = (extension or "").strip()
    current = AgentExtension.objects.filter(user=user).first()
    before = snapshot(current) if current else None
    if not extension:
        if current is not None:
            AgentExtension.objects.filter(pk=current.pk).delete()
            audit_record(
                actor=actor,
                action=Action.DELETE,
                target_type="callcenter.agentextension",
                target_id=str(current.pk),
                target_repr=str(current),
                summary=_("extension removed"),
                before=before,
            )
        return None
    taken = AgentExtension.objects.filter(extension=extension).exclude(user=user).first()
    if taken is not None:
        raise Conflict(
            message=_("Extension %(e)s already belongs to %(u)s.")
            % {"e": extension, "u": taken.user.display_name}
        )
    if current is None:
        current = AgentExtension.objects.create(user=user, extension=extension[:64])
        audit_record(actor=actor, action=Action.CREATE, target=current, after=snapshot(current))
    elif current.extension != extension:
        current.extension = extension[:64]
        current.save(update_fields=["extension"])
        audit_record(
            actor=actor, action=Action.UPDATE, target=current, before=before,
            after=snapshot(current),
        )  # fmt: skip
    return current
