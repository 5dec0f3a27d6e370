"""The navigation bar and the home page panels, by permission.

Each later app appends its entries here; the shell shows a person only what
their roles allow (R-SEC-3), so nobody meets a link that ends in a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kefu.org.permissions import allowed_for_roles


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str


@dataclass(frozen=True)
class NavGroup:
    """A menu of the top bar; a group a person can open only one link of shows that link."""

    label: str | Promise
    items: tuple[NavItem, ...]


NAV: list[NavItem | NavGroup] = [
    NavItem(_("Home"), "home", "org.view"),
    # R-INC-1: reporting an incident is one click away on every page, for every role.
    NavItem(_("Report incident"), "incidents:report", "incident.report"),
    NavGroup(
        _("Customers and tickets"),
        (
            NavItem(_("Customers"), "customers:list", "customer.view"),
            NavItem(_("Tickets"), "tickets:queue", "ticket.view"),
            NavItem(_("Hot spots"), "tickets:hotspots", "ticket.view"),
            NavItem(_("Follow-ups"), "followups:list", "followup.view"),
            NavItem(_("Overdue callbacks"), "followups:overdue", "followup.supervise"),
            NavItem(_("Satisfaction surveys"), "followups:surveys", "followup.survey_phone"),
            NavItem(_("Mystery customers"), "followups:mysteries", "followup.mystery"),
            NavItem(_("Ticket settings"), "tickets:settings", "ticket.settings"),
        ),
    ),
    NavGroup(
        _("Call centre"),
        (
            NavItem(_("Call desk"), "callcenter:desk", "callcenter.desk"),
            NavItem(_("Call statistics"), "callcenter:stats", "callcenter.view"),
            NavItem(_("Seats and roster"), "callcenter:planning", "callcenter.plan"),
            NavItem(_("Shifts and leave"), "callcenter:schedule", "callcenter.leave"),
            NavItem(_("Call-centre settings"), "callcenter:settings", "callcenter.manage"),
        ),
    ),
    NavGroup(
        _("Supervision"),
        (
            NavItem(_("KPI scorecards"), "reports:scorecard", "kpi.view"),
            NavItem(_("Supervision reports"), "reports:monthly", "report.view"),
            NavItem(_("Duty log"), "supervision:duty_month", "dutylog.view"),
            NavItem(_("Duty-log samples"), "supervision:samples", "dutylog.sample"),
            NavItem(_("Weekly reports"), "supervision:weekly_list", "weekly.view"),
            NavItem(_("Process walk-throughs"), "supervision:walkthroughs", "walkthrough.record"),
        ),
    ),
    NavGroup(
        _("Safety"),
        (
            NavItem(_("Incidents"), "incidents:list", "incident.view"),
            NavItem(_("Sanctions to confirm"), "incidents:sanctions", "sanction.confirm"),
            NavItem(_("Sanction rule table"), "incidents:rules", "sanction.rules"),
            NavItem(_("Inspections and hazards"), "incidents:inspections", "inspection.view"),
        ),
    ),
    NavGroup(
        _("Meetings and plans"),
        (
            NavItem(_("Meeting rooms"), "meetings:rooms", "meeting.view"),
            NavItem(_("My meeting tasks"), "meetings:tasks", "meeting.task"),
            NavItem(_("Meeting day view"), "meetings:day", "meeting.task"),
            NavItem(_("AV equipment"), "meetings:equipment_list", "meeting.equipment"),
            NavItem(_("Business operation plans"), "plans:list", "plan.view"),
        ),
    ),
    NavGroup(
        _("Organisation and settings"),
        (
            NavItem(_("Organisation chart"), "org:tree", "org.view"),
            NavItem(_("Staff"), "org:staff_list", "org.view"),
            NavItem(_("Responsibility, authority and benefit"), "org:spans", "org.span_view"),
            NavItem(_("Audit trail"), "audit:list", "audit.read"),
            NavItem(_("Policy settings"), "core:policies", "policy.view"),
            NavItem(_("Work calendar"), "core:calendar", "calendar.manage"),
        ),
    ),
]


def _link(item: NavItem) -> dict:
    return {"label": str(item.label), "url": reverse(item.url_name), "active": False}


@lru_cache(maxsize=512)
def _skeleton(roles: frozenset[str], language: str | None, prefix: str) -> tuple:
    """The menus a set of roles sees, in one language: the same for every page, so built once
    per process (issue 9) instead of on every request. Entries are ("link", label, url) or
    ("menu", label, links)."""
    entries: list[tuple] = []
    for entry in NAV:
        if isinstance(entry, NavItem):
            if allowed_for_roles(roles, entry.permission):
                entries.append(("link", _link(entry)))
            continue
        items = tuple(_link(i) for i in entry.items if allowed_for_roles(roles, i.permission))
        if len(items) == 1:
            entries.append(("link", items[0]))
        elif items:
            entries.append(("menu", {"label": str(entry.label)}, items))
    return tuple(entries)


def nav_for(user, current_path: str) -> list[dict]:
    """The top bar for ``user``: links, and menus ({"label", "menu"}) of links."""
    skeleton = _skeleton(frozenset(user.role_codes), get_language(), get_script_prefix())
    entries: list[dict] = []
    links: list[dict] = []
    for kind, head, *rest in skeleton:
        if kind == "link":
            entries.append(dict(head))
            links.append(entries[-1])
        else:
            items = [dict(i) for i in rest[0]]
            links += items
            entries.append({**head, "menu": items, "active": False})
    # The longest link that the current page lies under is the active one.
    matches = [i for i in links if current_path == i["url"] or (
        i["url"] != "/" and current_path.startswith(i["url"]))]  # fmt: skip
    if matches:
        best = max(matches, key=lambda i: len(i["url"]))
        best["active"] = True
        for entry in entries:
            if best in entry.get("menu", ()):
                entry["active"] = True
    return entries
