"""The reports panel of the home page: last month's supervision report, where it stands."""

from __future__ import annotations

from kefu.core.periods import previous_month
from kefu.org.permissions import allowed
from kefu.reports.models import MonthlyReport


def panel(request) -> dict | None:
    user = request.user
    if not allowed(user, "report.view"):
        return None
    month = previous_month()
    return {
        "month": month.strftime("%Y-%m"),
        "report": MonthlyReport.objects.filter(month=month).first(),
        "can_write": allowed(user, "report.write"),
        "can_kpi": allowed(user, "kpi.view"),
    }
