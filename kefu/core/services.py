"""Writes owned by the core: policy settings and the worker heartbeat."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy as policies
from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.core.models import PolicySetting, WorkerHeartbeat
from kefu.errors import NotFound, ValidationFailed
from kefu.org.permissions import check


@transaction.atomic
def policy_set(*, actor, key: str, value, reason: str = "") -> PolicySetting:
    """Change one policy setting; the old and new value go to the audit trail."""
    check(actor, "policy.manage")
    if key not in policies.POLICIES:
        raise NotFound(message=_("There is no policy setting called %(key)s.") % {"key": key})
    policy = policies.POLICIES[key]
    try:
        parsed = policies.parse(policy, value)
    except (ValueError, ArithmeticError) as exc:
        # parse() says what the setting accepts, in the reader's language.
        given = str(value).strip()
        raise ValidationFailed.on(
            "value",
            _("%(label)s: %(problem)s (you gave “%(value)s”).")
            % {
                "label": policy.label,
                "problem": exc,
                "value": given if len(given) <= 40 else given[:39] + "…",
            },
        ) from None
    old = policies.get(key)
    setting, _created = PolicySetting.objects.update_or_create(
        key=key,
        defaults={"value": str(parsed), "updated_at": timezone.now(), "updated_by": actor},
    )
    policies.forget()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=setting,
        summary=str(policy.label),
        before={"value": str(old)},
        after={"value": str(parsed)},
        reason=reason,
    )
    return setting


def worker_heartbeat_beat(*, name: str = "worker") -> None:
    """Record that the background worker is alive (not audited: it is not a business record)."""
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"last_seen": timezone.now(), "pid": os.getpid()}
    )
