"""The states of a plan version and the moves between them, as data (R-PLN-2, R-PLN-3)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kefu.errors import Conflict
from kefu.plans.models import PlanVersion, VersionStatus

S = VersionStatus
# action -> (states it may start from, state it leads to)
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.RETURNED}), S.IN_REVIEW),
    "advance": (frozenset({S.IN_REVIEW}), S.IN_REVIEW),
    "approve": (frozenset({S.IN_REVIEW}), S.APPROVED),
    "return": (frozenset({S.IN_REVIEW}), S.RETURNED),
    "supersede": (frozenset({S.APPROVED}), S.SUPERSEDED),
}
# The verb as it reads in "it cannot be %(a)s now": a context of its own, because in
# Chinese the action (提交) is not the state's word (已提交).
ACTION_LABELS = {
    "submit": pgettext_lazy("plan action", "submitted"),
    "advance": pgettext_lazy("plan action", "approved"),
    "approve": pgettext_lazy("plan action", "approved"),
    "return": pgettext_lazy("plan action", "returned"),
    "supersede": pgettext_lazy("plan action", "superseded"),
}


def move(version: PlanVersion, action: str) -> None:
    """Set the version's status for ``action`` or refuse with a 409 naming its state."""
    sources, target = MOVES[action]
    if version.status not in sources:
        raise Conflict(
            message=_("Version %(v)s of plan %(p)s is %(s)s: it cannot be %(a)s now.")
            % {
                "v": version.number,
                "p": version.plan.number,
                "s": version.get_status_display(),
                "a": ACTION_LABELS[action],
            }
        )
    version.status = target
