"""Which permission each API operation and each page needs: the endpoint table (R-SEC-3).

``kefu/org/permissions.py`` says what each role may do; this table says which
permission(s) each door of the system needs. The API's authentication classes
(:mod:`kefu.api`) and the page middleware (:mod:`kefu.core.access`) look the
request up here *before* the request body is read and before the view runs, so a
role outside the table is refused with a 403 naming the permission, never a 422
or a 404 that would tell it what exists. The services keep their own checks
(department scope, ownership); this gate is the first line, not the only one.

Keys:

* API: ``"METHOD /path"`` exactly as in ``/api/v1/openapi.json``, without the
  ``/api/v1`` prefix, e.g. ``"GET /tickets/{ticket_id}"``.
* Pages: the Django URL name, e.g. ``"tickets:detail"``. A page whose last path
  part names an action (``tickets:act``) maps each action to its own need.

Values are :class:`Need`: any one of ``any_of`` lets a role in; :data:`PUBLIC`
needs no sign-in (health, survey links, the PBX's token endpoint);
:data:`SIGNED_IN` any signed-in user (one's own profile, tokens, notifications).
``involved`` names the person a service also lets in although their role lacks
``any_of`` (the chief on duty named in an incident's chain, a task's assignee, a
report's author); for such doors the gate demands only ``base`` and the service
decides, because who is involved is known only once the object is loaded.

An operation or page missing from the table is refused: with ``DEBUG`` it raises
(a 500 naming the missing key, so a new endpoint fails its first test); in
production it is a 403 and an error in the log. ``kefu check`` lists every
missing key, and ``tests/core/test_role_walk.py`` walks every (role, operation)
and (role, page) pair against this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kefu.org.permissions import PERMISSIONS


@dataclass(frozen=True)
class Need:
    """What a door needs. See the module docstring."""

    any_of: tuple[str, ...] = ()
    public: bool = False
    involved: str = ""
    base: tuple[str, ...] = ()
    #: codes the service demands as well of those not involved (it checks both)
    also: tuple[str, ...] = ()
    #: pages only: what a POST to the same page needs, when it is more than a GET
    post: Need | None = None
    #: pages only: per value of the URL's action argument (``tickets:act``)
    actions: dict[str, Need] = field(default_factory=dict)
    action_arg: str = ""

    def gate_codes(self) -> tuple[str, ...]:
        """The codes the gate demands (empty: signed in is enough)."""
        return self.base if self.involved else self.any_of

    def for_request(self, method: str, kwargs: dict | None = None) -> Need:
        """The need of one page request: its action's, or its POST's, or its own."""
        if self.action_arg:
            return self.actions.get(str((kwargs or {}).get(self.action_arg, "")), self)
        if method == "POST" and self.post is not None:
            return self.post
        return self


PUBLIC = Need(public=True)
SIGNED_IN = Need()


def need(
    *codes: str,
    involved: str = "",
    base: tuple[str, ...] = (),
    also: tuple[str, ...] = (),
    post: Need | None = None,
) -> Need:
    unknown = [c for c in (*codes, *base, *also) if c not in PERMISSIONS]
    if unknown:  # pragma: no cover - guards the table itself
        raise RuntimeError(f"unknown permission code(s) in the endpoint table: {unknown}")
    return Need(any_of=codes, involved=involved, base=base, also=also, post=post)


def by_action(arg: str, **needs: Need) -> Need:
    """A page whose URL argument ``arg`` names the action; each action has its own need."""
    codes = tuple(dict.fromkeys(c for n in needs.values() for c in n.gate_codes()))
    return Need(any_of=codes, actions=needs, action_arg=arg)


# Who a service lets in besides the roles (see ``involved`` above).
_INVOLVED = "the reporter, the chief on duty, the responsible manager, a person told or a party"
_CHIEF = "the chief on duty named in the incident's chain"
_MANAGER = "the responsible manager named in the incident's chain"
_STEP = "incident.handle or the responsible manager, for the leadership step"
_SELF = "the person themself"
_ASSIGNEE = "the person assigned to rectify the hazard"
_CHECKPOINT_OWNER = "the checkpoint's owner (who also needs plan.view)"
_AUTHOR = "the duty operator who wrote the entry"
_REPORT_PERSON = "the report's author (weekly.own)"
_FIX_ASSIGNEE = "the fix's assignee, to mark it done"
_TASK = "the task's assignee or a holder of its post"


def _incident(code: str, involved: str) -> Need:
    """Incidents: everyone may report (incident.report); the service admits ``involved``."""
    return need(code, involved=involved, base=("incident.report",))


_WEEKLY = need("weekly.supervise", involved=_REPORT_PERSON, base=("weekly.own", "weekly.supervise"))
_FIX_MOVE = need("walkthrough.record", involved=_FIX_ASSIGNEE, base=("walkthrough.view",))
_CHECKPOINT_DONE = need("plan.execute", involved=_CHECKPOINT_OWNER, base=("plan.view",))
_TASK_DONE = need("meeting.manage", involved=_TASK, base=("meeting.task",))
_ENTRY_CHANGE = need("dutylog.sign", involved=_AUTHOR, base=("dutylog.write",))
_INVESTIGATE = _incident("incident.investigate", _CHIEF)

# fmt: off
API: dict[str, Need] = {
    "GET /me": SIGNED_IN,
    "GET /health": PUBLIC,
    "GET /tokens": need("token.own"),
    "POST /tokens": need("token.own", "token.manage"),
    "DELETE /tokens/{token_id}": need("token.own", "token.manage"),
    "GET /policies": need("policy.view"),
    "PUT /policies/{key}": need("policy.manage"),
    "GET /calendar/{year}": need("policy.view"),
    "PUT /calendar/{year}": need("calendar.manage"),
    "GET /notifications": SIGNED_IN,
    "POST /notifications/read": SIGNED_IN,
    "GET /org/departments": need("org.view"),
    "POST /org/departments": need("org.manage"),
    "GET /org/departments/{dept_id}": need("org.view"),
    "PATCH /org/departments/{dept_id}": need("org.manage"),
    "GET /org/positions": need("org.view"),
    "POST /org/positions": need("org.manage"),
    "PATCH /org/positions/{position_id}": need("org.manage"),
    "GET /org/staff": need("org.view"),
    "POST /org/staff": need("staff.manage"),
    "GET /org/staff/{user_id}": need("org.view"),
    "PATCH /org/staff/{user_id}": need("staff.manage"),
    "GET /org/roles": need("org.view"),
    "GET /org/permissions": need("org.view"),
    "GET /org/positions/{position_id}/spans": need("org.span_view"),
    "PUT /org/positions/{position_id}/spans": need("org.span_rate"),
    "GET /org/departments/{dept_id}/spans": need("org.span_view"),
    "GET /audit": need("audit.read"),
    "GET /customers/quality": need("customer.report"),
    "GET /customers/duplicates": need("customer.merge"),
    "GET /customers/export": need("customer.export"),
    "POST /customers/import": need("customer.import"),
    "POST /customers/grading": need("customer.grade"),
    "GET /customers/grading/{run_id}/proposals": need("customer.grade"),
    "POST /customers/grading/{run_id}/approve": need("customer.grade"),
    "POST /customers/contracts/{contract_id}/deliver": need("customer.contract"),
    "POST /customers/contracts/{contract_id}/cancel": need("customer.contract"),
    "POST /customers/contracts/{contract_id}/claims": need("customer.contract"),
    "POST /customers/blacklist/{entry_id}/lift": need("customer.blacklist"),
    "GET /customers": need("customer.view"),
    "POST /customers": need("customer.edit"),
    "GET /customers/{customer_id}": need("customer.view"),
    "PATCH /customers/{customer_id}": need("customer.edit"),
    "POST /customers/{customer_id}/reveal": need("customer.reveal"),
    "GET /customers/{customer_id}/timeline": need("customer.view"),
    "POST /customers/{customer_id}/contacts": need("customer.edit"),
    "POST /customers/{customer_id}/contracts": need("customer.contract"),
    "POST /customers/{customer_id}/blacklist": need("customer.blacklist"),
    "GET /customers/{customer_id}/duplicates": need("customer.view"),
    "POST /customers/{customer_id}/merge": need("customer.merge"),
    "GET /tickets": need("ticket.view"),
    "POST /tickets": need("ticket.create"),
    "GET /tickets/export.xlsx": need("ticket.view"),
    "GET /tickets/matches": need("ticket.view"),
    "GET /tickets/{ticket_id}": need("ticket.view"),
    "POST /tickets/{ticket_id}/transition": need("ticket.work"),
    "POST /tickets/{ticket_id}/resolve": need("ticket.work"),
    "POST /tickets/{ticket_id}/handoff": need("ticket.work"),
    "POST /tickets/{ticket_id}/handoff/accept": need("ticket.work"),
    "POST /tickets/{ticket_id}/handoff/reject": need("ticket.work"),
    "POST /tickets/{ticket_id}/arbitrate": need("ticket.arbitrate"),
    "POST /tickets/{ticket_id}/callback": need("ticket.callback"),
    "POST /tickets/{ticket_id}/close": need("ticket.work"),
    "POST /tickets/{ticket_id}/contacts": need("ticket.create"),
    "POST /tickets/{ticket_id}/notes": need("ticket.work"),
    "POST /tickets/{ticket_id}/charges": need("ticket.charge"),
    "POST /tickets/{ticket_id}/payments": need("ticket.charge"),
    "POST /tickets/{ticket_id}/visit": need("ticket.work"),
    "POST /tickets/{ticket_id}/merge": need("ticket.work"),
    "POST /tickets/{ticket_id}/split": need("ticket.work"),
    "GET /tickets/settings/time-limits": need("ticket.view"),
    "PUT /tickets/settings/time-limits/{kind}/{priority}": need("ticket.settings"),
    "GET /tickets/settings/categories": need("ticket.view"),
    "POST /tickets/settings/categories": need("ticket.settings"),
    "GET /tickets/settings/fees": need("ticket.view"),
    "PUT /tickets/settings/fees/{code}": need("ticket.settings"),
    "GET /tickets/reports/hot-spots": need("ticket.view"),
    "GET /followups/tasks": need("followup.view"),
    "GET /followups/tasks/overdue": need("followup.supervise"),
    "GET /followups/tasks/overdue.xlsx": need("followup.supervise"),
    "GET /followups/tasks/{followup_id}": need("followup.view"),
    "POST /followups/tasks/{followup_id}/result": need("followup.record"),
    "POST /followups/generate": need("followup.supervise"),
    "GET /followups/campaigns": need("followup.campaign"),
    "POST /followups/campaigns": need("followup.campaign"),
    "GET /followups/campaigns/{campaign_id}.xlsx": need("followup.campaign"),
    "GET /followups/surveys": need("followup.survey_phone"),
    "POST /followups/surveys": need("followup.survey_manage"),
    "GET /followups/surveys/{survey_id}": need("followup.survey_phone"),
    "POST /followups/surveys/{survey_id}/close": need("followup.survey_manage"),
    "POST /followups/surveys/{survey_id}/send": need("followup.survey_send"),
    "POST /followups/surveys/{survey_id}/phone": need("followup.survey_phone"),
    "GET /followups/surveys/{survey_id}/results": need("followup.survey_results"),
    "GET /followups/surveys/{survey_id}/trend": need("followup.survey_results"),
    "GET /followups/surveys/{survey_id}/results.xlsx": need("followup.survey_results"),
    "POST /followups/public/surveys/{token}": PUBLIC,
    "POST /followups/mystery": need("followup.mystery"),
    "GET /followups/mystery/{programme_id}": need("followup.mystery"),
    "GET /followups/mystery/{programme_id}/report.xlsx": need("followup.mystery"),
    "POST /followups/public/mystery/{token}": PUBLIC,
    "POST /incidents": need("incident.report"),
    "GET /incidents": need("incident.report"),
    "GET /incidents/{incident_id}": _incident("incident.view", _INVOLVED),
    "POST /incidents/{incident_id}/steps/{step}": _incident("incident.dispatch", _STEP),
    "POST /incidents/{incident_id}/progress": _incident("incident.handle", _MANAGER),
    "POST /incidents/{incident_id}/close": _incident("incident.handle", _MANAGER),
    "POST /incidents/{incident_id}/concealed": _INVESTIGATE,
    "POST /incidents/{incident_id}/parties": _INVESTIGATE,
    "POST /incidents/{incident_id}/corrections": _INVESTIGATE,
    "POST /incidents/{incident_id}/investigation": _INVESTIGATE,
    "GET /incidents/{incident_id}/investigation": _incident("incident.view", _INVOLVED),
    "POST /incidents/{incident_id}/investigation/attendees": _INVESTIGATE,
    "POST /incidents/{incident_id}/investigation/held": _INVESTIGATE,
    "POST /incidents/{incident_id}/investigation/attendance": _INVESTIGATE,
    "POST /incidents/{incident_id}/investigation/report": _incident("incident.paperwork", _CHIEF),
    "POST /incidents/{incident_id}/investigation/close": _INVESTIGATE,
    "POST /incidents/{incident_id}/injury-filings": _incident("incident.paperwork", _CHIEF),
    "POST /incidents/{incident_id}/sanctions": _INVESTIGATE,
    "GET /incidents/sanctions/waiting": need("sanction.confirm"),
    "POST /incidents/sanctions/{sanction_id}/confirm": need("sanction.confirm"),
    "POST /incidents/sanctions/{sanction_id}/drop": need("sanction.confirm"),
    "GET /incidents/people/{user_id}/sanctions": _incident("sanction.view", _SELF),
    "GET /incidents/sanction-rules": need("incident.report"),
    "POST /incidents/sanction-rules": need("sanction.rules"),
    "PUT /incidents/sanction-rules/{rule_id}": need("sanction.rules"),
    "DELETE /incidents/sanction-rules/{rule_id}": need("sanction.rules"),
    "GET /incidents/sites": need("incident.report"),
    "POST /incidents/sites": need("inspection.record"),
    "GET /incidents/inspections": need("inspection.view"),
    "POST /incidents/inspections": need("inspection.record"),
    "POST /incidents/hazards/{hazard_id}/assign": need("inspection.record"),
    "POST /incidents/hazards/{hazard_id}/rectify": _incident("inspection.record", _ASSIGNEE),
    "GET /plans": need("plan.view"),
    "POST /plans": need("plan.draft"),
    "GET /plans/chain": need("plan.view"),
    "GET /plans/checkpoints/overdue": need("plan.view"),
    "POST /plans/checkpoints/{checkpoint_id}/done": _CHECKPOINT_DONE,
    "GET /plans/thresholds": need("plan.view"),
    "POST /plans/thresholds": need("plan.settings"),
    "PATCH /plans/thresholds/{threshold_id}": need("plan.settings"),
    "DELETE /plans/thresholds/{threshold_id}": need("plan.settings"),
    "GET /plans/committee": need("plan.view"),
    "POST /plans/committee": need("plan.settings"),
    "DELETE /plans/committee/{user_id}": need("plan.settings"),
    "GET /plans/{plan_id}": need("plan.view"),
    "PATCH /plans/{plan_id}/versions/{number}": need("plan.draft"),
    "POST /plans/{plan_id}/versions/{number}/submit": need("plan.draft"),
    "POST /plans/{plan_id}/versions/{number}/approve": need("plan.approve"),
    "POST /plans/{plan_id}/versions/{number}/return": need("plan.approve"),
    "POST /plans/{plan_id}/changes": need("plan.draft"),
    "POST /plans/{plan_id}/team": need("plan.execute"),
    "POST /plans/{plan_id}/checkpoints": need("plan.execute"),
    "POST /callcenter/imports": need("callcenter.import"),
    "GET /callcenter/imports/{job_id}": need("callcenter.import"),
    "GET /callcenter/calls": need("callcenter.view"),
    "GET /callcenter/calls/{call_id}": need("callcenter.view"),
    "POST /callcenter/calls/{call_id}/ticket": need("callcenter.desk"),
    "PUT /callcenter/calls/{call_id}/recording": need("callcenter.manage"),
    "POST /callcenter/calls/{call_id}/recording/play": need("callcenter.recordings"),
    "GET /callcenter/desk": need("callcenter.desk"),
    "GET /callcenter/stats": need("callcenter.view"),
    "POST /callcenter/staffing": need("callcenter.plan"),
    "GET /callcenter/forecast": need("callcenter.plan"),
    "GET /callcenter/roster": need("callcenter.plan"),
    "GET /callcenter/hotlines": need("callcenter.view"),
    "POST /callcenter/hotlines": need("callcenter.manage"),
    "PATCH /callcenter/hotlines/{hotline_id}": need("callcenter.manage"),
    "GET /callcenter/queues": need("callcenter.view"),
    "PATCH /callcenter/queues/{queue_id}": need("callcenter.manage"),
    "GET /callcenter/cti": need("callcenter.manage"),
    "POST /callcenter/cti/rotate": need("callcenter.manage"),
    "PUT /callcenter/cti/blocked": need("callcenter.manage"),
    "PUT /callcenter/extensions/{user_id}": need("callcenter.manage"),
    "GET /callcenter/shift-templates": need("callcenter.plan"),
    "POST /callcenter/shift-templates": need("callcenter.schedule"),
    "PATCH /callcenter/shift-templates/{template_id}": need("callcenter.schedule"),
    "GET /callcenter/leave": need("callcenter.leave"),
    "POST /callcenter/leave": need("callcenter.leave"),
    "DELETE /callcenter/leave/{leave_id}": need("callcenter.leave"),
    "GET /callcenter/forecast-overrides": need("callcenter.plan"),
    "POST /callcenter/forecast-overrides": need("callcenter.schedule"),
    "DELETE /callcenter/forecast-overrides/{override_id}": need("callcenter.schedule"),
    "GET /meetings/rooms": need("meeting.view"),
    "POST /meetings/rooms": need("meeting.manage"),
    "GET /meetings/rooms/{room_id}": need("meeting.view"),
    "PATCH /meetings/rooms/{room_id}": need("meeting.manage"),
    "GET /meetings/bookings": need("meeting.view"),
    "POST /meetings/bookings": need("meeting.book"),
    "GET /meetings/bookings/awaiting-approval": need("meeting.approve"),
    "GET /meetings/bookings/{booking_id}": need("meeting.view"),
    "POST /meetings/bookings/{booking_id}/reschedule": need("meeting.book"),
    "POST /meetings/bookings/{booking_id}/cancel": need("meeting.book"),
    "POST /meetings/bookings/{booking_id}/approve": need("meeting.approve"),
    "POST /meetings/bookings/{booking_id}/refuse": need("meeting.approve"),
    "POST /meetings/bookings/{booking_id}/staff": need("meeting.manage"),
    "GET /meetings/tasks": need("meeting.task"),
    "POST /meetings/tasks/{task_id}/done": _TASK_DONE,
    "GET /meetings/equipment": need("meeting.view"),
    "POST /meetings/equipment": need("meeting.equipment"),
    "GET /meetings/equipment/{equipment_id}": need("meeting.view"),
    "POST /meetings/equipment/{equipment_id}/faults": need("meeting.fault"),
    "POST /meetings/equipment/{equipment_id}/maintenance": need("meeting.equipment"),
    "POST /cti/{token}": PUBLIC,
    "GET /supervision/duty-log": need("dutylog.view"),
    "POST /supervision/duty-log/entries": need("dutylog.write"),
    "PATCH /supervision/duty-log/entries/{entry_id}": _ENTRY_CHANGE,
    "POST /supervision/duty-log/days/{day}/sign": need("dutylog.sign"),
    "GET /supervision/duty-log/unsigned": need("dutylog.sign"),
    "GET /supervision/duty-log/months/{month}.xlsx": need("dutylog.view"),
    "POST /supervision/samples": need("dutylog.sample"),
    "GET /supervision/samples/{sample_id}": need("dutylog.view"),
    "POST /supervision/samples/{sample_id}/entries/{entry_id}/review": need("dutylog.sample"),
    "POST /supervision/samples/{sample_id}/sign": need("dutylog.sample"),
    "POST /supervision/weekly-reports/draft": need("weekly.supervise"),
    "GET /supervision/weekly-reports": need("weekly.supervise"),
    "GET /supervision/weekly-reports/mine": need("weekly.own"),
    "GET /supervision/weekly-reports/{report_id}": _WEEKLY,
    "PATCH /supervision/weekly-reports/{report_id}": _WEEKLY,
    "POST /supervision/weekly-reports/{report_id}/submit": _WEEKLY,
    "GET /supervision/walkthroughs": need("walkthrough.view"),
    "POST /supervision/walkthroughs": need("walkthrough.record"),
    "GET /supervision/walkthroughs/{walkthrough_id}": need("walkthrough.view"),
    "POST /supervision/walkthroughs/{walkthrough_id}/fixes": need("walkthrough.record"),
    "GET /supervision/fixes/mine": need("walkthrough.view"),
    "POST /supervision/fixes/{fix_id}/transition": _FIX_MOVE,
    "GET /reports/indicators": need("kpi.view"),
    "POST /reports/indicators": need("kpi.manage"),
    "PATCH /reports/indicators/{indicator_id}": need("kpi.manage"),
    "GET /reports/schemes": need("kpi.view"),
    "POST /reports/schemes": need("kpi.manage"),
    "PUT /reports/schemes/{scheme_id}": need("kpi.manage"),
    "GET /reports/scorecards": need("kpi.view"),
    "GET /reports/kpi-closes": need("kpi.view"),
    "POST /reports/kpi-closes": need("kpi.manage"),
    "GET /reports/monthly": need("report.view"),
    "POST /reports/monthly": need("report.write"),
    "GET /reports/monthly/{month}": need("report.view"),
    "GET /reports/monthly/{month}/xlsx": need("report.view"),
    "PUT /reports/monthly/{month}/commentary": need("report.write"),
    "POST /reports/monthly/{month}/issue": need("report.write"),
}

_TICKET_WORK = need("ticket.work")
_INCIDENT_VIEW = _incident("incident.view", _INVOLVED)
# The incident page's buttons first need the incident in view (incident.view, or involved).
_PAPERWORK = need(
    "incident.paperwork", involved=_CHIEF, base=("incident.report",), also=("incident.view",)
)

PAGES: dict[str, Need] = {
    "home": SIGNED_IN,
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "two_factor": SIGNED_IN,  # kefu/org/twofactor.py: enrol or confirm the TOTP code
    "org:tree": need("org.view"),
    "org:department_new": need("org.manage"),
    "org:position_new": need("org.manage"),
    "org:staff_list": need("org.view"),
    "org:staff_new": need("staff.manage"),
    "org:staff_detail": need("org.view", post=need("staff.manage")),
    "org:spans": need("org.span_view"),
    "org:department_spans": need("org.span_view"),
    "org:position_spans": need("org.span_rate"),
    "core:policies": need("policy.view", post=need("policy.manage")),
    "core:calendar": need("policy.view", post=need("calendar.manage")),
    "core:notifications": SIGNED_IN,
    "core:notification_badge": SIGNED_IN,
    "core:tokens": need("token.own", "token.manage"),
    "core:token_revoke": need("token.own", "token.manage"),
    "audit:list": need("audit.read"),
    "customers:list": need("customer.view"),
    "customers:new": need("customer.edit"),
    "customers:export": need("customer.export"),
    "customers:quality": need("customer.report"),
    "customers:duplicates": need("customer.merge"),
    "customers:grading": need("customer.grade"),
    "customers:import": need("customer.import"),
    "customers:import_job": need("customer.import"),
    "customers:import_bad_rows": need("customer.import"),
    "customers:detail": need("customer.view"),
    "customers:edit": need("customer.edit"),
    "customers:timeline": need("customer.view"),
    "customers:reveal": need("customer.reveal"),
    "customers:contact_new": need("customer.edit"),
    "customers:contract_new": need("customer.contract"),
    "customers:blacklist": need("customer.blacklist"),
    "customers:merge": need("customer.merge"),
    "customers:contract_deliver": need("customer.contract"),
    "customers:contract_cancel": need("customer.contract"),
    "customers:claim_new": need("customer.contract"),
    "customers:blacklist_lift": need("customer.blacklist"),
    "tickets:queue": need("ticket.view"),
    "tickets:new": need("ticket.create"),
    "tickets:matches": need("ticket.create"),
    "tickets:customer_pick": need("ticket.create"),
    "tickets:handoffs": need("ticket.work"),
    "tickets:settings": need("ticket.settings"),
    "tickets:hotspots": need("ticket.view"),
    "tickets:detail": need("ticket.view"),
    "tickets:act": by_action(
        "action",
        handoff=_TICKET_WORK, resolve=_TICKET_WORK, reject=_TICKET_WORK, accept=_TICKET_WORK,
        note=_TICKET_WORK, close=_TICKET_WORK, merge=_TICKET_WORK, split=_TICKET_WORK,
        state=_TICKET_WORK, callback=need("ticket.callback"), arbitrate=need("ticket.arbitrate"),
        charge=need("ticket.charge"), payment=need("ticket.charge"),
    ),
    "followups:list": need("followup.view"),
    "followups:overdue": need("followup.supervise"),
    "followups:generate": need("followup.supervise"),
    "followups:detail": need("followup.view", post=need("followup.record")),
    "followups:campaigns": need("followup.campaign"),
    "followups:campaign": need("followup.campaign"),
    "followups:surveys": need(
        "followup.survey_phone", "followup.survey_manage", post=need("followup.survey_manage")
    ),
    "followups:survey": need("followup.survey_phone"),
    "followups:survey_close": need("followup.survey_manage"),
    "followups:survey_results": need("followup.survey_results"),
    "followups:mysteries": need("followup.mystery"),
    "followups:mystery": need("followup.mystery"),
    "followups:survey_public": PUBLIC,
    "followups:mystery_public": PUBLIC,
    "incidents:list": need("incident.report"),
    "incidents:report": need("incident.report"),
    "incidents:detail": _INCIDENT_VIEW,
    "incidents:written_report": _INCIDENT_VIEW,
    "incidents:action": by_action(
        "action",
        progress=_incident("incident.handle", _MANAGER),
        close=_incident("incident.handle", _MANAGER),
        concealed=_INVESTIGATE, party=_INVESTIGATE, correct=_INVESTIGATE, schedule=_INVESTIGATE,
        attendee=_INVESTIGATE, hold=_INVESTIGATE, attendance=_INVESTIGATE,
        investigation_close=_INVESTIGATE, sanction=_INVESTIGATE,
        report_file=_PAPERWORK, injury=_PAPERWORK,
        **{f"step-{s}": _incident("incident.dispatch", _STEP)
           for s in ("chief", "doctor", "scene", "sales", "manager")},
        **{"step-leadership": _incident("incident.handle", _MANAGER)},
    ),
    "incidents:sanctions": need("sanction.confirm"),
    "incidents:decide": need("sanction.confirm"),
    "incidents:person": _incident("sanction.view", _SELF),
    "incidents:rules": need("incident.report", post=need("sanction.rules")),
    "incidents:rule_change": need("sanction.rules"),
    "incidents:inspections": need("inspection.view", post=need("inspection.record")),
    "incidents:site_new": need("inspection.record"),
    "incidents:hazard": by_action(
        "action",
        assign=need("inspection.record"),
        rectify=_incident("inspection.record", _ASSIGNEE),
    ),
    "plans:list": need("plan.view"),
    "plans:new": need("plan.draft"),
    "plans:overdue": need("plan.view"),
    "plans:settings": need("plan.view", "plan.settings", post=need("plan.settings")),
    "plans:threshold_delete": need("plan.settings"),
    "plans:member_remove": need("plan.settings"),
    "plans:checkpoint_done": _CHECKPOINT_DONE,
    "plans:detail": need("plan.view"),
    "plans:change": need("plan.draft"),
    "plans:team": need("plan.execute"),
    "plans:checkpoint_add": need("plan.execute"),
    "plans:edit": need("plan.draft"),
    "plans:submit": need("plan.draft"),
    "plans:approve": need("plan.approve"),
    "plans:return": need("plan.approve"),
    "callcenter:desk": need("callcenter.desk"),
    "callcenter:desk_pop": need("callcenter.desk"),
    "callcenter:desk_link": need("callcenter.desk"),
    "callcenter:stats": need("callcenter.view"),
    "callcenter:calls": need("callcenter.view"),
    "callcenter:play": need("callcenter.recordings"),
    "callcenter:recording": need("callcenter.recordings"),
    "callcenter:import": need("callcenter.import"),
    "callcenter:import_job": need("callcenter.import"),
    "callcenter:planning": need("callcenter.plan"),
    "callcenter:roster": need("callcenter.plan"),
    "callcenter:schedule": need("callcenter.plan"),
    "callcenter:forecast": need("callcenter.plan"),
    "callcenter:settings": need("callcenter.manage"),
    "supervision:duty_month": need("dutylog.view"),
    "supervision:duty_entry_new": need("dutylog.write"),
    "supervision:duty_day": need("dutylog.view", post=need("dutylog.sign")),
    "supervision:samples": need("dutylog.view", post=need("dutylog.sample")),
    "supervision:sample_detail": need("dutylog.view"),
    "supervision:sample_review": need("dutylog.sample"),
    "supervision:sample_sign": need("dutylog.sample"),
    "supervision:weekly_list": need("weekly.view"),
    "supervision:weekly_draft": need("weekly.supervise"),
    "supervision:weekly_detail": _WEEKLY,
    "supervision:walkthroughs": need("walkthrough.view"),
    "supervision:walkthrough_new": need("walkthrough.record"),
    "supervision:walkthrough_detail": need("walkthrough.view", post=need("walkthrough.record")),
    "supervision:fix_move": _FIX_MOVE,
    "meetings:rooms": need("meeting.view", post=need("meeting.manage")),
    "meetings:room": need("meeting.view", post=need("meeting.equipment")),
    "meetings:book": need("meeting.book"),
    "meetings:bookings": need("meeting.view"),
    "meetings:approvals": need("meeting.approve"),
    "meetings:booking": need("meeting.view"),
    "meetings:approve": need("meeting.approve"),
    "meetings:cancel": need("meeting.book"),
    "meetings:reschedule": need("meeting.book"),
    "meetings:staff": need("meeting.manage"),
    "meetings:tasks": need("meeting.task"),
    "meetings:task_done": _TASK_DONE,
    "meetings:day": need("meeting.view"),
    "meetings:equipment_list": need("meeting.view"),
    "meetings:equipment": need("meeting.view", post=need("meeting.fault", "meeting.equipment")),
    "reports:kpis": need("kpi.view", post=need("kpi.manage")),
    "reports:scheme_new": need("kpi.manage"),
    "reports:scheme_edit": need("kpi.manage"),
    "reports:scorecard": need("kpi.view"),
    "reports:kpi_close": need("kpi.manage"),
    "reports:monthly": need("report.view"),
    "reports:monthly_build": need("report.write"),
    "reports:monthly_detail": need("report.view"),
    "reports:monthly_comment": need("report.write"),
    "reports:monthly_xlsx": need("report.view"),
}
# fmt: on

#: The Django admin (the back office) is one door: its own login and logout pages
#: are public, everything else needs admin.access (kefu/admin_site.py checks it again).
ADMIN_NAMESPACE = "admin"
ADMIN_PUBLIC = frozenset({"admin:login", "admin:logout"})
ADMIN = need("admin.access")

API_PREFIX = "api/v1/"


def page_need(view_name: str) -> Need | None:
    """The need of the page named ``view_name``, or None when the table lacks it."""
    if view_name in PAGES:
        return PAGES[view_name]
    if view_name.split(":", 1)[0] == ADMIN_NAMESPACE:
        return PUBLIC if view_name in ADMIN_PUBLIC else ADMIN
    return None


def api_key(method: str, route: str) -> str:
    """``"GET /tickets/{ticket_id}"`` from a method and Django's route
    ``api/v1/tickets/<int:ticket_id>`` (the key of :data:`API`, as in the OpenAPI schema)."""
    import re

    path = route[len(API_PREFIX) :] if route.startswith(API_PREFIX) else route
    path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path)
    return f"{method.upper()} /{path}".rstrip("/") if path else f"{method.upper()} /"
