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
    NavItem(_("Organisation"), "org:tree", "org.view"),
    NavItem(_("Staff"), "org:staff_list", "org.view"),
    NavItem(_("Audit trail"), "audit:list", "audit.read"),
    NavItem(_("Policy settings"), "core:policies", "policy.view"),
    NavItem(_("Work calendar"), "core:calendar", "calendar.manage"),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV:
        if not allowed(user, item.permission):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
