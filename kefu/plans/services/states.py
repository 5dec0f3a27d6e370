"""The states of a plan version and the moves between them, as data (R-PLN-2, R-PLN-3)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
ACTION_LABELS = {
    "submit": gettext_lazy("submitted"),
    "advance": gettext_lazy("approved"),
    "approve": gettext_lazy("approved"),
    "return": gettext_lazy("returned"),
    "supersede": gettext_lazy("superseded"),
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
