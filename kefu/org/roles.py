"""The roles (岗位角色) of SPEC.md's role table. Pure data: no Django models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GM = "gm", _("General manager")
    DIRECTOR = "director", _("Director of the management office")
    CS_SUPERVISOR = "cs_supervisor", _("Customer service supervisor")
    TEAM_LEAD = "team_lead", _("Customer service team lead")
    AGENT = "agent", _("Customer service agent")
    DUTY_OPERATOR = "duty_operator", _("Control-room duty operator")
    TECH_SERVICE = "tech_service", _("Technical service")
    BUSINESS_SUPERVISOR = "business_supervisor", _("Business department")
    CUSTOMER_MANAGER = "customer_manager", _("Customer manager")
    OPERATOR = "operator", _("Business clerk")
    COLLECTOR = "collector", _("Information collector")
    MARKETING = "marketing", _("Marketing")
    OFFICE = "office", _("Office")
    DISPATCHER = "dispatcher", _("Dispatcher")
    SAFETY_INSPECTOR = "safety_inspector", _("Safety inspector")
    AUDITOR = "auditor", _("Auditor")
    SYSADMIN = "sysadmin", _("System administrator")
    # Meeting services (会务, R-MTG-*): the three posts of the seed's meeting-service plan.
    MEETING_ATTENDANT = "meeting_attendant", _("Meeting attendant")
    AV_TECHNICIAN = "av_technician", _("AV technician")
    CLEANER = "cleaner", _("Meeting-area cleaner")


ALL_ROLES: tuple[Role, ...] = tuple(Role)

# What each role does, from SPEC.md; shown on the organisation page and the role's home page.
ROLE_DUTIES: dict[Role, str] = {
    Role.GM: _("Receives the monthly supervision report and major escalations."),
    Role.DIRECTOR: _(
        "Approves plans, audits duty logs monthly, handles major complaints, allocates staff."
    ),
    Role.CS_SUPERVISOR: _(
        "Runs the department: plans, callbacks, complaints, CRM upkeep, training, appraisal, "
        "daily duty-log sign-off."
    ),
    Role.TEAM_LEAD: _("Leads a shift of agents."),
    Role.AGENT: _("Answers calls and contacts, records and resolves tickets."),
    Role.DUTY_OPERATOR: _(
        "Control-room duty: answers service phones, routes to departments, duty log, fee reminders."
    ),
    Role.TECH_SERVICE: _(
        "Handles service requests and complaints per procedure; files weekly reports."
    ),
    Role.BUSINESS_SUPERVISOR: _(
        "Supervises service quality, monthly assessment, writes the supervision report."
    ),
    Role.CUSTOMER_MANAGER: _(
        "Creates and maintains customer records; owns callbacks for their customers."
    ),
    Role.OPERATOR: _("Business clerk: applies record changes."),
    Role.COLLECTOR: _("Collects customer information."),
    Role.MARKETING: _("Collects customer information, drafts business operation plans."),
    Role.OFFICE: _("Arbitrates cross-department disputes."),
    Role.DISPATCHER: _("Receives incident reports, notifies the chain."),
    Role.SAFETY_INSPECTOR: _("Inspects sites, records hazards."),
    Role.AUDITOR: _("Reads the audit trail; changes nothing."),
    Role.SYSADMIN: _("Users, roles, settings."),
    Role.MEETING_ATTENDANT: _(
        "Takes room bookings, prepares name cards, flowers and tea, serves during meetings, "
        "tidies up after."
    ),
    Role.AV_TECHNICIAN: _(
        "Tests audio and video before meetings, stays on duty during them, keeps the "
        "equipment record."
    ),
    Role.CLEANER: _("Cleans meeting rooms before and after meetings."),
}
