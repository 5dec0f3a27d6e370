"""/api/v1/incidents: reports, the notification chain, investigations, sanctions, the rule
table, inspections and hazards (R-INC-1 to R-INC-7)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kefu.core.pagination import PageNumberPagination
from kefu.customers.models import Customer
from kefu.errors import NotFound, get_or_404
from kefu.incidents import selectors, services
from kefu.incidents.models import (
    Hazard,
    Incident,
    Inspection,
    Investigation,
    Sanction,
    SanctionRule,
    Site,
)
from kefu.incidents.models import (
    Status as IncidentStatus,
)
from kefu.incidents.schemas import (
    AssignIn,
    AttendanceIn,
    AttendeeIn,
    CloseIn,
    ConcealedIn,
    DecisionIn,
    HazardOut,
    HoldIn,
    IncidentIn,
    IncidentOut,
    IncidentRow,
    InjuryIn,
    InjuryOut,
    InspectionIn,
    InspectionOut,
    InvestigationCloseIn,
    InvestigationOut,
    PartyIn,
    PartyOut,
    RectifyIn,
    RuleChangeIn,
    RuleIn,
    RuleOut,
    SanctionIn,
    SanctionOut,
    ScheduleIn,
    SiteIn,
    SiteOut,
    StepIn,
    StepOut,
    TextIn,
)
from kefu.incidents.services.common import check_view
from kefu.org.models import Department, User
from kefu.org.permissions import check
from kefu.tickets.models import Ticket

router = Router(tags=["incidents"])


def _incident(request, incident_id: int) -> Incident:
    incident = get_or_404(Incident, pk=incident_id)
    check_view(request.user, incident)
    return incident


def _investigation(request, incident_id: int) -> Investigation:
    incident = _incident(request, incident_id)
    try:
        return incident.investigation
    except Investigation.DoesNotExist:
        raise NotFound(message="No investigation is scheduled for this incident.") from None


def _user(pk: int | None) -> User | None:
    return None if pk is None else get_or_404(User, pk=pk)


def _optional(model, pk: int | None):
    return None if pk is None else get_or_404(model, pk=pk)


# ---------------------------------------------------------------- reports (R-INC-1, -2, -3)


@router.post("", response={201: IncidentOut}, summary="Report an incident or major fault (R-INC-1)")
def incident_report(request, payload: IncidentIn):
    check(request.user, "incident.report")
    data = payload.dict()
    incident = services.incident_report(
        actor=request.user,
        kind=data["kind"],
        occurred_at=data["occurred_at"],
        place=data["place"],
        description=data["description"],
        injured_count=data["injured_count"],
        injuries=data["injuries"],
        first_actions=data["first_actions"],
        handling_plan=data["handling_plan"],
        severity=data["severity"],
        site=_optional(Site, data["site_id"]),
        responsible_unit=_optional(Department, data["responsible_unit_id"]),
        shift_leader=_user(data["shift_leader_id"]),
        customer=_optional(Customer, data["customer_id"]),
        ticket=_optional(Ticket, data["ticket_id"]),
    )
    return Status(201, incident)


@router.get("", response=list[IncidentRow], summary="Incidents one may see (R-INC-3 late flag)")
@paginate(PageNumberPagination)
def incident_list(
    request, status: IncidentStatus | None = None, kind: str = "", late: bool = False
):
    return selectors.incident_list(
        request.user, {"status": status or "", "kind": kind, "late": "1" if late else ""}
    )


@router.get("/{int:incident_id}", response=IncidentOut, summary="One incident with its chain")
def incident_get(request, incident_id: int):
    return _incident(request, incident_id)


@router.post(
    "/{int:incident_id}/steps/{step}", response=StepOut, summary="Record a notification (R-INC-2)"
)
def chain_step_done(request, incident_id: int, step: str, payload: StepIn):
    incident = _incident(request, incident_id)
    return services.chain_step_done(
        actor=request.user,
        incident=incident,
        step=step,
        person=_user(payload.person_id),
        contact_name=payload.contact_name,
        note=payload.note,
    )


@router.post(
    "/{int:incident_id}/progress", response={201: dict}, summary="Handling progress (R-INC-2)"
)
def incident_progress(request, incident_id: int, payload: TextIn):
    update = services.incident_progress(
        actor=request.user, incident=_incident(request, incident_id), text=payload.text
    )
    return Status(201, {"id": update.pk})


@router.post(
    "/{int:incident_id}/close", response=IncidentOut, summary="Close a major fault (R-INC-2)"
)
def incident_close(request, incident_id: int, payload: CloseIn):
    return services.incident_close(
        actor=request.user,
        incident=_incident(request, incident_id),
        summary=payload.summary,
        severity=payload.severity,
    )


@router.post(
    "/{int:incident_id}/concealed", response=IncidentOut, summary="Flag concealed (R-INC-3)"
)
def incident_flag_concealed(request, incident_id: int, payload: ConcealedIn):
    return services.incident_flag_concealed(
        actor=request.user, incident=_incident(request, incident_id), note=payload.note
    )


@router.post("/{int:incident_id}/parties", response={201: PartyOut}, summary="Name who answers")
def party_add(request, incident_id: int, payload: PartyIn):
    party = services.party_add(
        actor=request.user,
        incident=_incident(request, incident_id),
        person=_user(payload.person_id),
        role=payload.role,
        reason=payload.reason,
    )
    return Status(201, party)


@router.post("/{int:incident_id}/corrections", response={201: dict}, summary="Correct (R-SEC-4)")
def incident_correct(request, incident_id: int, payload: TextIn):
    update = services.incident_correct(
        actor=request.user, incident=_incident(request, incident_id), text=payload.text
    )
    return Status(201, {"id": update.pk})


# ---------------------------------------------------------------- investigation (R-INC-4, -5)


@router.post(
    "/{int:incident_id}/investigation",
    response={201: InvestigationOut},
    summary="Schedule the investigation meeting within 24 hours (R-INC-4)",
)
def investigation_schedule(request, incident_id: int, payload: ScheduleIn):
    incident = _incident(request, incident_id)
    investigation = services.investigation_schedule(
        actor=request.user,
        incident=incident,
        meeting_at=payload.meeting_at,
        meeting_place=payload.meeting_place,
        attendees=[(_user(a.person_id), a.role) for a in payload.attendees],
        late_reason=payload.late_reason,
    )
    return Status(201, investigation)


@router.get("/{int:incident_id}/investigation", response=InvestigationOut)
def investigation_get(request, incident_id: int):
    return _investigation(request, incident_id)


@router.post("/{int:incident_id}/investigation/attendees", response={201: InvestigationOut})
def attendee_add(request, incident_id: int, payload: AttendeeIn):
    investigation = _investigation(request, incident_id)
    services.attendee_add(
        actor=request.user,
        investigation=investigation,
        person=_user(payload.person_id),
        role=payload.role,
    )
    return Status(201, investigation)


@router.post("/{int:incident_id}/investigation/held", response=InvestigationOut)
def investigation_hold(request, incident_id: int, payload: HoldIn):
    return services.investigation_hold(
        actor=request.user,
        investigation=_investigation(request, incident_id),
        minutes=payload.minutes,
        held_at=payload.held_at,
    )


@router.post(
    "/{int:incident_id}/investigation/attendance",
    response=InvestigationOut,
    summary="Record attendance; an unexcused absence proposes the fine (R-INC-4)",
)
def attendance_record(request, incident_id: int, payload: AttendanceIn):
    investigation = _investigation(request, incident_id)
    person = User.objects.filter(pk=payload.person_id).first()
    services.attendance_record(
        actor=request.user,
        investigation=investigation,
        person=person,
        attendance=payload.attendance,
        excuse=payload.excuse,
    )
    return investigation


@router.post(
    "/{int:incident_id}/investigation/report",
    response=InvestigationOut,
    summary="Attach the unit's internal written report (R-INC-5)",
)
def investigation_attach_report(request, incident_id: int, file: File[UploadedFile]):
    return services.investigation_attach_report(
        actor=request.user, investigation=_investigation(request, incident_id), upload=file
    )


@router.post("/{int:incident_id}/investigation/close", response=InvestigationOut)
def investigation_close(request, incident_id: int, payload: InvestigationCloseIn):
    return services.investigation_close(
        actor=request.user,
        investigation=_investigation(request, incident_id),
        conclusion=payload.conclusion,
        severity=payload.severity,
    )


@router.post(
    "/{int:incident_id}/injury-filings",
    response={201: InjuryOut},
    summary="File injury paperwork within 3 days (R-INC-5)",
)
def injury_filing_create(request, incident_id: int, payload: InjuryIn):
    filing = services.injury_filing_create(
        actor=request.user,
        incident=_incident(request, incident_id),
        injured_name=payload.injured_name,
        note=payload.note,
    )
    return Status(201, filing)


# ---------------------------------------------------------------- sanctions (R-INC-6)


@router.post("/{int:incident_id}/sanctions", response={201: SanctionOut})
def sanction_add(request, incident_id: int, payload: SanctionIn):
    sanction = services.sanction_add(
        actor=request.user,
        incident=_incident(request, incident_id),
        person=_user(payload.person_id),
        role=payload.role or "",
        measure=payload.measure,
        fine_yuan=payload.fine_yuan,
        deposit_percent=payload.deposit_percent,
        note=payload.note,
    )
    return Status(201, sanction)


@router.get("/sanctions/waiting", response=list[SanctionOut], summary="Waiting for the director")
def sanctions_waiting(request):
    return list(selectors.sanctions_waiting(request.user))


@router.post("/sanctions/{int:sanction_id}/confirm", response=SanctionOut)
def sanction_confirm(request, sanction_id: int, payload: DecisionIn):
    check(request.user, "sanction.confirm")
    sanction = get_or_404(Sanction, pk=sanction_id)
    return services.sanction_confirm(actor=request.user, sanction=sanction, note=payload.note)


@router.post("/sanctions/{int:sanction_id}/drop", response=SanctionOut)
def sanction_drop(request, sanction_id: int, payload: DecisionIn):
    check(request.user, "sanction.confirm")
    sanction = get_or_404(Sanction, pk=sanction_id)
    return services.sanction_drop(actor=request.user, sanction=sanction, note=payload.note)


@router.get("/people/{int:user_id}/sanctions", response=list[SanctionOut])
def person_sanctions(request, user_id: int):
    check(request.user, "incident.report")
    return list(selectors.person_sanctions(request.user, get_or_404(User, pk=user_id)))


@router.get("/sanction-rules", response=list[RuleOut], summary="The sanction table (R-INC-6)")
def sanction_rule_list(request):
    check(request.user, "incident.report")
    return list(SanctionRule.objects.all())


@router.post("/sanction-rules", response={201: RuleOut})
def sanction_rule_create(request, payload: RuleIn):
    return Status(201, services.sanction_rule_create(actor=request.user, **payload.dict()))


@router.put("/sanction-rules/{int:rule_id}", response=RuleOut)
def sanction_rule_update(request, rule_id: int, payload: RuleChangeIn):
    check(request.user, "sanction.rules")
    rule = get_or_404(SanctionRule, pk=rule_id)
    return services.sanction_rule_update(actor=request.user, rule=rule, **payload.dict())


@router.delete("/sanction-rules/{int:rule_id}", response={204: None})
def sanction_rule_delete(request, rule_id: int):
    check(request.user, "sanction.rules")
    services.sanction_rule_delete(actor=request.user, rule=get_or_404(SanctionRule, pk=rule_id))
    return Status(204, None)


# ---------------------------------------------------------------- inspections (R-INC-7)


@router.get("/sites", response=list[SiteOut])
def site_list(request):
    check(request.user, "incident.report")
    return list(Site.objects.all())


@router.post("/sites", response={201: SiteOut})
def site_create(request, payload: SiteIn):
    check(request.user, "inspection.record")
    site = services.site_create(
        actor=request.user,
        name=payload.name,
        department=_optional(Department, payload.department_id),
    )
    return Status(201, site)


@router.get("/inspections", response=list[InspectionOut])
def inspection_list(request):
    check(request.user, "inspection.view")
    return list(Inspection.objects.prefetch_related("hazards")[:200])


@router.post("/inspections", response={201: InspectionOut}, summary="Record a visit (R-INC-7)")
def inspection_record(request, payload: InspectionIn):
    check(request.user, "inspection.record")
    inspection = services.inspection_record(
        actor=request.user,
        site=get_or_404(Site, pk=payload.site_id),
        visited_at=payload.visited_at,
        route=payload.route,
        notes=payload.notes,
        hazards=payload.hazards,
    )
    return Status(201, inspection)


@router.post("/hazards/{int:hazard_id}/assign", response=HazardOut)
def hazard_assign(request, hazard_id: int, payload: AssignIn):
    check(request.user, "inspection.record")
    return services.hazard_assign(
        actor=request.user,
        hazard=get_or_404(Hazard.objects.select_related("site"), pk=hazard_id),
        assignee=_user(payload.assignee_id),
        deadline=payload.deadline,
    )


@router.post("/hazards/{int:hazard_id}/rectify", response=HazardOut)
def hazard_rectify(request, hazard_id: int, payload: RectifyIn):
    check(request.user, "incident.report")
    return services.hazard_rectify(
        actor=request.user, hazard=get_or_404(Hazard, pk=hazard_id), note=payload.note
    )
