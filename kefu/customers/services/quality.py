"""The monthly high- and poor-quality lists, stored with their reasons (R-CUS-4)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.customers.models import (
    QualityList,
)
from kefu.org.permissions import check


@transaction.atomic
def quality_list_store(*, actor, month: dt.date) -> QualityList:
    """R-CUS-4: keep this month's high- and poor-quality lists (run monthly by the worker).

    Company-wide lines with their department, so each reader later sees only the
    lines of the departments they may see. Running again for the same month replaces
    nothing: the list of a month is kept as first produced.
    """
    from kefu.customers.selectors import quality_lists

    check(actor, "customer.report")
    month = month.replace(day=1)
    existing = QualityList.objects.filter(month=month).first()
    if existing is not None:
        return existing
    high, poor = quality_lists(actor, limit=5000)

    def lines(items):
        return [
            {
                "id": q.customer.pk,
                "name": q.customer.name,
                "grade": q.customer.first_grade,
                "department_id": q.customer.department_id,
                "reasons": q.reasons,
            }
            for q in items
        ]

    stored = QualityList.objects.create(month=month, high=lines(high), poor=lines(poor))
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=stored,
        summary=_("monthly quality lists: %(h)d high, %(p)d poor")
        % {"h": len(stored.high), "p": len(stored.poor)},
    )
    return stored
