"""The one permission table of Kefu and the one function that checks it (R-SEC-3).

Every service calls :func:`check` before it reads or writes on a user's behalf.
A permission grants each role a *scope*: ``ALL`` (company-wide) or ``DEPARTMENT``
(the user's own department and the departments under it). A role that is not in
a permission's table is refused with a 403 naming the permission.

Later apps add their permissions here, in this one table, so that the whole
matrix can be read (and is walked by a test) in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.errors import NotAuthenticated
from kefu.org.refusals import refused
from kefu.org.roles import ALL_ROLES, Role


class Scope(IntEnum):
    DEPARTMENT = 1
    ALL = 2


@dataclass(frozen=True)
class Permission:
    code: str
    description: str | Promise
    grants: dict[Role, Scope]


def _everyone(scope: Scope = Scope.ALL) -> dict[Role, Scope]:
    return {role: scope for role in ALL_ROLES}


A, D = Scope.ALL, Scope.DEPARTMENT
R = Role

_TABLE: list[Permission] = [
    Permission("org.view", gettext_lazy("see departments, positions and staff"), _everyone()),
    Permission(
        "org.manage", gettext_lazy("create and change departments and positions"), {R.SYSADMIN: A}
    ),
    Permission(
        "staff.manage",
        gettext_lazy("create staff, change their department, position and roles"),
        {R.SYSADMIN: A, R.DIRECTOR: D},
    ),
    Permission("audit.read", gettext_lazy("read the audit trail"), {R.AUDITOR: A, R.SYSADMIN: A}),
    Permission("policy.view", gettext_lazy("see policy settings"), _everyone()),
    Permission("policy.manage", gettext_lazy("change policy settings"), {R.SYSADMIN: A}),
    Permission(
        "calendar.manage",
        gettext_lazy("enter the holidays and make-up workdays of a year"),
        {R.SYSADMIN: A, R.CS_SUPERVISOR: A},
    ),
    Permission("token.own", gettext_lazy("create and revoke one's own API tokens"), _everyone()),
    Permission(
        "token.manage", gettext_lazy("create and revoke API tokens for anyone"), {R.SYSADMIN: A}
    ),
    Permission("admin.access", gettext_lazy("use the administration back office"), {R.SYSADMIN: A}),
    Permission(
        "system.status", gettext_lazy("see the system status"), {R.SYSADMIN: A, R.AUDITOR: A}
    ),
    # Customer archive (R-CUS-*, R-SEC-1). DEPARTMENT scope: customers served by the
    # user's department or one under it.
    Permission(
        "customer.view",
        gettext_lazy("see customers"),
        {
            R.GM: A,
            R.DIRECTOR: A,
            R.CS_SUPERVISOR: A,
            R.BUSINESS_SUPERVISOR: A,
            R.AUDITOR: A,
            R.OFFICE: A,
            R.TEAM_LEAD: D,
            R.AGENT: D,
            R.DUTY_OPERATOR: D,
            R.TECH_SERVICE: D,
            R.CUSTOMER_MANAGER: D,
            R.OPERATOR: D,
            R.COLLECTOR: D,
            # Marketing drafts business operation plans for any customer (R-PLN-1);
            # personal data stays masked without customer.reveal.
            R.MARKETING: A,
        },
    ),
    Permission(
        "customer.edit",
        gettext_lazy("create and change customers and their contacts"),
        {
            R.DIRECTOR: A,
            R.CS_SUPERVISOR: A,
            R.CUSTOMER_MANAGER: D,
            R.OPERATOR: D,
            R.COLLECTOR: D,
            R.MARKETING: D,
        },
    ),
    Permission(
        "customer.contract",
        gettext_lazy("record contracts and claims"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.OPERATOR: D, R.MARKETING: D},
    ),
    Permission(
        "customer.reveal",
        gettext_lazy("reveal a customer's personal data, giving a reason"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.OPERATOR: D},
    ),
    Permission(
        "customer.blacklist",
        gettext_lazy("blacklist customers and lift the blacklist"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A},
    ),
    Permission(
        "customer.grade",
        gettext_lazy("run and approve customer grading"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A},
    ),
    Permission(
        "customer.report",
        gettext_lazy("see the high- and poor-quality customer lists"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.MARKETING: D},
    ),
    Permission(
        "customer.import",
        gettext_lazy("import customers from Excel or CSV"),
        {R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.OPERATOR: D, R.COLLECTOR: D, R.MARKETING: D},
    ),
    Permission(
        "customer.export",
        gettext_lazy("export customers to Excel or CSV"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D},
    ),
    Permission(
        "customer.merge",
        gettext_lazy("merge duplicate customers"),
        {R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.OPERATOR: D},
    ),
]

# Tickets (R-TIC-*). Whoever first receives a contact records it (R-TIC-2), so most
# front-line roles may create; acting on a ticket is for its department (DEPARTMENT scope).
_FRONT = (
    R.AGENT, R.TEAM_LEAD, R.CS_SUPERVISOR, R.DUTY_OPERATOR, R.TECH_SERVICE,
    R.CUSTOMER_MANAGER, R.OPERATOR, R.DISPATCHER, R.MARKETING, R.COLLECTOR,
    R.BUSINESS_SUPERVISOR, R.DIRECTOR, R.OFFICE, R.SAFETY_INSPECTOR,
)  # fmt: skip
_TABLE += [
    Permission(
        "ticket.create",
        gettext_lazy("record a customer contact as a ticket"),
        {role: A for role in _FRONT},
    ),
    Permission(
        "ticket.view",
        gettext_lazy("see tickets"),
        {role: D for role in _FRONT}
        | {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.OFFICE: A}
        | {R.AUDITOR: A},
    ),
    Permission(
        "ticket.work",
        gettext_lazy("work on tickets: hand off, accept, reject, change state, resolve"),
        {role: D for role in _FRONT if role not in {R.OFFICE}}
        | {R.CS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "ticket.callback",
        gettext_lazy("record the callback of a complaint"),
        {R.CS_SUPERVISOR: A, R.TEAM_LEAD: D, R.AGENT: D, R.CUSTOMER_MANAGER: D},
    ),
    Permission(
        "ticket.arbitrate",
        gettext_lazy("arbitrate tickets bounced between departments"),
        {R.OFFICE: A},
    ),
    Permission(
        "ticket.charge",
        gettext_lazy("charge paid services and record payments"),
        {R.AGENT: D, R.TECH_SERVICE: D, R.OPERATOR: D, R.DUTY_OPERATOR: D, R.CS_SUPERVISOR: A},
    ),
    Permission(
        "ticket.settings",
        gettext_lazy("keep time limits, complaint categories and the fee schedule"),
        {R.CS_SUPERVISOR: A, R.SYSADMIN: A},
    ),
]

# Follow-ups, surveys, mystery customers, campaigns (R-FUP-*). Customer managers own the
# callbacks of their customers (DEPARTMENT scope); the supervisor sees and runs all of them.
_TABLE += [
    Permission(
        "followup.view",
        gettext_lazy("see callbacks and follow-up tasks"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.AUDITOR: A}
        | {R.CUSTOMER_MANAGER: D, R.TEAM_LEAD: D, R.AGENT: D, R.MARKETING: D},
    ),
    Permission(
        "followup.record",
        gettext_lazy("record the result of a callback or follow-up contact"),
        {R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.TEAM_LEAD: D, R.AGENT: D, R.MARKETING: D},
    ),
    Permission(
        "followup.supervise",
        gettext_lazy("generate callback plans and see overdue callbacks"),
        {R.CS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "followup.campaign",
        gettext_lazy("open the December demand campaign and export it"),
        {R.CS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "followup.survey_manage",
        gettext_lazy("build satisfaction surveys"),
        {R.CS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "followup.survey_send",
        gettext_lazy("send survey links to customers"),
        {R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.TEAM_LEAD: D},
    ),
    Permission(
        "followup.survey_phone",
        gettext_lazy("fill in a survey with a customer on the phone"),
        {R.CS_SUPERVISOR: A, R.CUSTOMER_MANAGER: D, R.TEAM_LEAD: D, R.AGENT: D},
    ),
    Permission(
        "followup.survey_results",
        gettext_lazy("see survey results and their trend"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
    Permission(
        "followup.mystery",
        gettext_lazy("run mystery customer programmes"),
        {R.CS_SUPERVISOR: A, R.DIRECTOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
]

# Call centre (R-CC-*): figures for those who run or watch the hotline; imports, the PBX
# link and staffing for the supervisor; recordings for those who review calls.
_TABLE += [
    Permission(
        "callcenter.view",
        gettext_lazy("see calls and call-centre statistics"),
        {
            R.AGENT: D,
            R.TEAM_LEAD: D,
            R.CS_SUPERVISOR: A,
            R.DIRECTOR: A,
            R.GM: A,
            R.BUSINESS_SUPERVISOR: A,
            R.AUDITOR: A,
        },
    ),  # fmt: skip
    Permission(
        "callcenter.desk",
        gettext_lazy("take calls at the agent desk (screen pop)"),
        {R.AGENT: D, R.TEAM_LEAD: D, R.CS_SUPERVISOR: A, R.DUTY_OPERATOR: D},
    ),
    Permission(
        "callcenter.import",
        gettext_lazy("import call records from the telephone system"),
        {R.CS_SUPERVISOR: A, R.SYSADMIN: A},
    ),
    Permission(
        "callcenter.manage",
        gettext_lazy("keep hotlines, extensions, the PBX link and the block list"),
        {R.CS_SUPERVISOR: A, R.SYSADMIN: A},
    ),
    Permission(
        "callcenter.plan",
        gettext_lazy("forecast calls, size seats and build rosters"),
        {R.CS_SUPERVISOR: A, R.TEAM_LEAD: D, R.DIRECTOR: A},
    ),
    Permission(
        "callcenter.recordings",
        gettext_lazy("listen to call recordings"),
        {R.CS_SUPERVISOR: A, R.TEAM_LEAD: D, R.AUDITOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
    Permission(
        "callcenter.schedule",
        gettext_lazy("keep shift templates and override the call forecast"),
        {R.CS_SUPERVISOR: A},
    ),
    Permission(
        "callcenter.leave",
        gettext_lazy("record call-centre staff leave and unavailability"),
        {R.CS_SUPERVISOR: A, R.TEAM_LEAD: D},
    ),
]

# Responsibility–authority–benefit spans (R-ORG-2 to R-ORG-4): rated by those who design
# posts, read by management.
_TABLE += [
    Permission(
        "org.span_view",
        gettext_lazy("see the span analysis of positions"),
        {R.GM: A, R.DIRECTOR: A, R.SYSADMIN: A, R.BUSINESS_SUPERVISOR: A, R.AUDITOR: A}
        | {R.CS_SUPERVISOR: D, R.OFFICE: A},
    ),
    Permission(
        "org.span_rate",
        gettext_lazy("rate the four spans of positions"),
        {R.SYSADMIN: A, R.GM: A, R.DIRECTOR: D},
    ),
]

# Business operation plans (R-PLN-*): marketing drafts (DEPARTMENT scope), the review chain
# approves company-wide, the marketing team carries the plan out.
_TABLE += [
    Permission(
        "plan.view",
        gettext_lazy("see business operation plans"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.AUDITOR: A}
        | {R.MARKETING: D, R.CUSTOMER_MANAGER: D},
    ),
    Permission(
        "plan.draft",
        gettext_lazy("draft business operation plans, submit them and request changes"),
        {R.MARKETING: D, R.CS_SUPERVISOR: A},
    ),
    Permission(
        "plan.approve",
        gettext_lazy("approve or return business operation plans at one's step of the chain"),
        {R.CS_SUPERVISOR: A, R.DIRECTOR: A, R.GM: A},
    ),
    Permission(
        "plan.execute",
        gettext_lazy("assign the executing team and keep the checkpoints of approved plans"),
        {R.MARKETING: D, R.CS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "plan.settings",
        gettext_lazy("keep the approval thresholds and the decision committee"),
        {R.SYSADMIN: A, R.GM: A},
    ),
]

# Service supervision (R-SUP-1, -3, -5): duty operators keep the duty log, the supervisor
# signs each day, the director samples the month; technical service files weekly reports;
# walk-throughs are recorded by the managers and their fixes are open to everyone assigned one.
_TABLE += [
    Permission(
        "dutylog.view",
        gettext_lazy("see the duty log and its sign-offs"),
        {R.DUTY_OPERATOR: D}
        | {R.CS_SUPERVISOR: A, R.DIRECTOR: A, R.GM: A, R.BUSINESS_SUPERVISOR: A, R.AUDITOR: A},
    ),
    Permission(
        "dutylog.write",
        gettext_lazy("write duty-log entries and corrections"),
        {R.DUTY_OPERATOR: D, R.CS_SUPERVISOR: A},
    ),
    Permission("dutylog.sign", gettext_lazy("sign each day's duty log"), {R.CS_SUPERVISOR: A}),
    Permission(
        "dutylog.sample",
        gettext_lazy("draw, review and sign the monthly duty-log sample"),
        {R.DIRECTOR: A},
    ),
    Permission(
        "weekly.view",
        gettext_lazy("see weekly reports (one's own, or everyone's for supervisors)"),
        {R.TECH_SERVICE: D, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "weekly.own", gettext_lazy("complete and submit one's weekly report"), {R.TECH_SERVICE: D}
    ),
    Permission(
        "weekly.supervise",
        gettext_lazy("draft weekly reports and see late or missing ones"),
        {R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
    Permission(
        "walkthrough.view",
        gettext_lazy("see process walk-throughs and work on fixes assigned to one"),
        _everyone(),
    ),
    Permission(
        "walkthrough.record",
        gettext_lazy("record process walk-throughs, assign and verify their fixes"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
]
# KPIs and the monthly supervision report (R-SUP-2, R-SUP-4). Department-scoped roles see
# the scorecards of their own department and the departments under it.
_TABLE += [
    Permission(
        "kpi.view",
        gettext_lazy("see KPI scorecards"),
        {R.GM: A, R.DIRECTOR: A, R.BUSINESS_SUPERVISOR: A, R.AUDITOR: A, R.SYSADMIN: A}
        | {R.CS_SUPERVISOR: D, R.TEAM_LEAD: D, R.OFFICE: D},
    ),
    Permission(
        "kpi.manage",
        gettext_lazy("define KPIs and KPI schemes (targets, weights, who they apply to)"),
        {R.DIRECTOR: A, R.SYSADMIN: A},
    ),
    Permission(
        "report.view",
        gettext_lazy("read the monthly supervision reports"),
        {R.GM: A, R.DIRECTOR: A, R.BUSINESS_SUPERVISOR: A, R.CS_SUPERVISOR: A, R.AUDITOR: A},
    ),
    Permission(
        "report.write",
        gettext_lazy("build a monthly supervision report, comment on it and issue it"),
        {R.BUSINESS_SUPERVISOR: A, R.DIRECTOR: A},
    ),
]


# Meeting services (R-MTG-*): any department books a room for itself (DEPARTMENT scope); the
# office and the director approve weekend and holiday meetings; the three meeting posts do the
# service tasks; the AV technician keeps the equipment record.
_MEETING_STAFF = (R.MEETING_ATTENDANT, R.AV_TECHNICIAN, R.CLEANER)
_TABLE += [
    Permission("meeting.view", gettext_lazy("see meeting rooms and bookings"), _everyone()),
    Permission(
        "meeting.book",
        gettext_lazy("book meeting rooms for one's department, change and cancel the bookings"),
        {role: D for role in ALL_ROLES if role not in {R.AUDITOR, *_MEETING_STAFF}}
        | {R.OFFICE: A, R.DIRECTOR: A, R.MEETING_ATTENDANT: A},
    ),
    Permission(
        "meeting.approve",
        gettext_lazy("approve or refuse weekend and holiday meetings (overtime)"),
        {R.OFFICE: A, R.DIRECTOR: A},
    ),
    Permission(
        "meeting.manage",
        gettext_lazy("keep meeting rooms, assign meeting staff, change any booking"),
        {R.OFFICE: A, R.DIRECTOR: A, R.MEETING_ATTENDANT: A},
    ),
    Permission(
        "meeting.task",
        gettext_lazy("do meeting service tasks and tick them off"),
        {role: A for role in _MEETING_STAFF} | {R.OFFICE: A},
    ),
    Permission(
        "meeting.fault",
        gettext_lazy("report faults of meeting equipment"),
        {role: A for role in _MEETING_STAFF} | {R.OFFICE: A, R.DIRECTOR: A},
    ),
    Permission(
        "meeting.equipment",
        gettext_lazy("keep the AV equipment record and its maintenance history"),
        {R.AV_TECHNICIAN: A, R.OFFICE: A},
    ),
]

# Incidents and major faults (R-INC-*): anyone reports (R-INC-1); the dispatcher works the
# notification chain; the chief on duty (also allowed when named in the chain) investigates;
# the responsible unit files its paperwork (DEPARTMENT scope); the director confirms
# sanctions; the administrator keeps the sanction table; inspectors record hazards.
_INCIDENT_WATCH = (R.GM, R.DIRECTOR, R.DISPATCHER, R.OFFICE, R.SAFETY_INSPECTOR, R.AUDITOR)
_TABLE += [
    Permission("incident.report", gettext_lazy("report an incident or major fault"), _everyone()),
    Permission(
        "incident.view",
        gettext_lazy("see every incident and major fault"),
        {role: A for role in _INCIDENT_WATCH} | {R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
    Permission(
        "incident.dispatch",
        gettext_lazy("work the incident notification chain"),
        {R.DISPATCHER: A, R.DIRECTOR: A},
    ),
    Permission(
        "incident.handle",
        gettext_lazy("track the handling of a major fault to its closure"),
        {R.GM: A, R.DIRECTOR: A, R.CS_SUPERVISOR: A, R.BUSINESS_SUPERVISOR: A},
    ),
    Permission(
        "incident.investigate",
        gettext_lazy("run incident investigations and name who answers for them"),
        {R.GM: A, R.DIRECTOR: A, R.SAFETY_INSPECTOR: A},
    ),
    Permission(
        "incident.paperwork",
        gettext_lazy("file an incident's written report and injury paperwork"),
        {R.GM: A, R.DIRECTOR: A, R.OFFICE: A, R.SAFETY_INSPECTOR: A}
        | {R.CS_SUPERVISOR: D, R.BUSINESS_SUPERVISOR: D, R.TECH_SERVICE: D},
    ),
    Permission(
        "sanction.view",
        gettext_lazy("see everyone's incident sanction record"),
        {R.GM: A, R.DIRECTOR: A, R.OFFICE: A, R.AUDITOR: A, R.SAFETY_INSPECTOR: A},
    ),
    Permission(
        "sanction.confirm", gettext_lazy("confirm or drop proposed sanctions"), {R.DIRECTOR: A}
    ),
    Permission("sanction.rules", gettext_lazy("edit the sanction rule table"), {R.SYSADMIN: A}),
    Permission(
        "inspection.view",
        gettext_lazy("see inspections and hazards"),
        {role: A for role in _INCIDENT_WATCH},
    ),
    Permission(
        "inspection.record",
        gettext_lazy("record inspections and hazards and assign their rectification"),
        {R.SAFETY_INSPECTOR: A, R.DIRECTOR: A},
    ),
]

PERMISSIONS: dict[str, Permission] = {p.code: p for p in _TABLE}
# The same grants keyed by the role's code string, as ``user.role_codes`` holds them: the
# check runs dozens of times a page (menus, buttons), so it avoids the enum per lookup.
_GRANTS_BY_CODE: dict[str, dict[str, Scope]] = {
    p.code: {r.value: scope for r, scope in p.grants.items()} for p in _TABLE
}
if len(PERMISSIONS) != len(_TABLE):  # pragma: no cover - guards the table itself
    raise RuntimeError("duplicate permission code in the permission table")


class SystemActor:
    """The installation itself: the command line, the worker and data migrations.

    Whoever can run ``kefu`` on the server owns the installation, so the system
    actor passes every check; the audit trail records it as "system".
    """

    pk = None
    username = "system"
    full_name = "system"
    display_name = "system"
    is_authenticated = True
    is_active = True
    department = None
    role_codes = frozenset(r.value for r in ALL_ROLES)

    def __str__(self) -> str:
        return "system"


SYSTEM = SystemActor()


def scope_of(user, code: str) -> Scope | None:
    """The widest scope any of the user's roles has for permission ``code``."""
    grants = _GRANTS_BY_CODE[code]
    if user is SYSTEM:
        return Scope.ALL
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    scopes = [grants[r] for r in user.role_codes if r in grants]
    return max(scopes) if scopes else None


def allowed(user, code: str) -> bool:
    return scope_of(user, code) is not None


def allowed_for_roles(roles: frozenset[str], code: str) -> bool:
    """Whether any of the role codes ``roles`` grants permission ``code``."""
    grants = _GRANTS_BY_CODE[code]
    return any(r in grants for r in roles)


def check(user, code: str, *, department=None) -> Scope:
    """Refuse unless ``user`` holds permission ``code`` (for ``department`` if given).

    R-SEC-3: every action checks the actor's role and department; a refusal is a
    clear error naming the permission, never an empty result.
    """
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(message=_("Please sign in first."))
    scope = scope_of(user, code)
    permission = PERMISSIONS[code]
    if scope is None:
        raise refused([permission])
    if (
        department is not None
        and scope == Scope.DEPARTMENT
        and not in_user_departments(user, department)
    ):
        raise refused([permission], department=department)
    return scope


def in_user_departments(user, department) -> bool:
    own = getattr(user, "department", None)
    return own is not None and department.is_within(own)


def scope_filter(user, code: str, queryset: QuerySet, department_field: str = "department"):
    """Limit a queryset to what ``user`` may see under ``code``; refuses if nothing.

    Used by list endpoints and pages so department scoping is one code path.
    """
    scope = check(user, code)
    if scope == Scope.ALL:
        return queryset
    own = user.department
    if own is None:
        return queryset.none()
    return queryset.filter(Q(**{f"{department_field}__path__startswith": own.path}))
