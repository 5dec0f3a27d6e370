"""The navigation bar and the home page panels, by permission.

Each later app appends its entries here; the shell shows a person only what
their roles allow (R-SEC-3), so nobody meets a link that ends in a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.org.permissions import allowed


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str


NAV: list[NavItem] = [
    NavItem(_("Home"), "home", "org.view"),
    NavItem(_("Organisation chart"), "org:tree", "org.view"),
    NavItem(_("Staff"), "org:staff_list", "org.view"),
    NavItem(_("Customers"), "customers:list", "customer.view"),
    NavItem(_("Tickets"), "tickets:queue", "ticket.view"),
    NavItem(_("Hot spots"), "tickets:hotspots", "ticket.view"),
    NavItem(_("Ticket settings"), "tickets:settings", "ticket.settings"),
    NavItem(_("Follow-ups"), "followups:list", "followup.view"),
    NavItem(_("Overdue callbacks"), "followups:overdue", "followup.supervise"),
    NavItem(_("Satisfaction surveys"), "followups:surveys", "followup.survey_phone"),
    NavItem(_("Mystery customers"), "followups:mysteries", "followup.mystery"),
    NavItem(_("Call desk"), "callcenter:desk", "callcenter.desk"),
    NavItem(_("Call statistics"), "callcenter:stats", "callcenter.view"),
    NavItem(_("Seats and roster"), "callcenter:planning", "callcenter.plan"),
    NavItem(_("Call-centre settings"), "callcenter:settings", "callcenter.manage"),
    NavItem(_("Audit trail"), "audit:list", "audit.read"),
    NavItem(_("Policy settings"), "core:policies", "policy.view"),
    NavItem(_("Work calendar"), "core:calendar", "calendar.manage"),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV:
        if not allowed(user, item.permission):
            continue
        items.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # The longest link that the current page lies under is the active one.
    matches = [i for i in items if current_path == i["url"] or (
        i["url"] != "/" and current_path.startswith(i["url"]))]  # fmt: skip
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
