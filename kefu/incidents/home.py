"""The incidents panel of the home page: the dispatcher's incomplete chains (R-INC-2), the
chief on duty's investigations due within 24 hours (R-INC-4) and the director's sanctions
waiting for confirmation (R-INC-6)."""

from __future__ import annotations

from kefu import policy
from kefu.incidents import selectors
from kefu.incidents.models import Incident, Kind, Sanction, SanctionStatus, Status
from kefu.org.permissions import allowed


def panel(request) -> dict | None:
    user = request.user
    dispatch = allowed(user, "incident.dispatch")
    investigate = allowed(user, "incident.investigate") or (
        Incident.objects.filter(chief=user, kind=Kind.INCIDENT)
        .exclude(status=Status.CLOSED)
        .exists()
    )
    confirm = allowed(user, "sanction.confirm")
    if not (dispatch or investigate or confirm):
        return None
    return {
        "chain": list(selectors.chain_incomplete(user)[:10]) if dispatch else None,
        "due": selectors.investigations_due(
            user, within_hours=policy.get("incidents.investigation_hours")
        )[:10]
        if investigate
        else None,
        "waiting": Sanction.objects.filter(status=SanctionStatus.PROPOSED).count()
        if confirm
        else None,
    }
