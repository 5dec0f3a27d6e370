"""Incident pages: the one-minute report form, the list, and one incident with its chain,
investigation and sanctions. Every button posts to :func:`incident_action`."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service
from kefu.errors import DomainError, NotFound, get_or_404
from kefu.incidents import forms as f
from kefu.incidents import selectors, services
from kefu.incidents.models import (
    AttendeeRole,
    Incident,
    Investigation,
    Kind,
    Sanction,
    SanctionStatus,
    Status,
    Step,
)
from kefu.incidents.services.common import check_view
from kefu.incidents.services.investigations import deadline_of, paperwork_deadline
from kefu.org.models import User
from kefu.org.permissions import allowed, check


@login_required
def report(request):
    """R-INC-1: reachable from every page through the header link."""
    check(request.user, "incident.report")
    form = f.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        incident = apply_service(form, lambda: services.incident_report(actor=request.user, **data))
        if incident is not None:
            messages.success(
                request,
                _("Incident %(n)s is reported; the dispatcher and the duty office are told.")
                % {"n": incident.number},
            )
            return redirect("incidents:detail", incident.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "incidents/report.html",
        {"form": form, "title": _("Report incident")},
        status=status,
    )


@login_required
def incident_list(request):
    params = request.GET.dict()
    rows = selectors.incident_list(request.user, params)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {
            "page": page,
            "filters": params,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "title": _("Incidents and major faults"),
        },
    )


def _investigation(incident: Incident) -> Investigation | None:
    try:
        return incident.investigation
    except Investigation.DoesNotExist:
        return None


@login_required
def incident_detail(request, incident_id: int):
    incident = get_or_404(
        Incident.objects.select_related(
            "site", "reporter", "chief", "manager", "responsible_unit", "customer", "ticket"
        ),
        pk=incident_id,
    )
    check_view(request.user, incident)
    user = request.user
    investigation = _investigation(incident)
    is_chief = incident.chief_id == user.pk
    can_investigate = not incident.is_closed and (is_chief or allowed(user, "incident.investigate"))
    can_handle = incident.manager_id == user.pk or allowed(user, "incident.handle")
    attendees = list(investigation.attendees.select_related("person")) if investigation else []
    present_roles = {a.role for a in attendees}
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "title": incident.number,
            "steps": list(incident.steps.select_related("person", "done_by")),
            "parties": list(incident.parties.select_related("person")),
            # A person's sanction record opens for sanction.view or oneself (no 403 link).
            "may_see_sanctions": allowed(request.user, "sanction.view"),
            "updates": list(incident.updates.select_related("author")),
            "investigation": investigation,
            "attendees": attendees,
            "missing_roles": [
                label
                for value, label in AttendeeRole.choices
                if value not in present_roles and value != AttendeeRole.OTHER
            ],  # fmt: skip
            "deadline": deadline_of(incident),
            "deadline_overdue": deadline_of(incident) < timezone.now(),
            "paperwork_deadline": paperwork_deadline(incident),
            "filings": list(incident.injury_filings.all()),
            "sanctions": list(incident.sanctions.select_related("person", "decided_by")),
            "can_dispatch": not incident.is_closed and allowed(user, "incident.dispatch"),
            "can_lead": not incident.is_closed and can_handle,
            "can_handle": not incident.is_closed and can_handle,
            "can_investigate": can_investigate,
            "can_correct": incident.is_closed
            and (is_chief or allowed(user, "incident.investigate")),
            "can_paperwork": not incident.is_closed
            and (is_chief or allowed(user, "incident.paperwork")),
            "can_confirm": allowed(user, "sanction.confirm"),
            "forms": {
                "step": f.StepForm(),
                "text": f.TextForm(),
                "close": f.CloseForm(),
                "concealed": f.ConcealedForm(),
                "party": f.PartyForm(),
                "schedule": f.ScheduleForm(),
                "attendee": f.AttendeeForm(),
                "hold": f.HoldForm(),
                "attendance": f.AttendanceForm(),
                "report_file": f.ReportFileForm(),
                "injury": f.InjuryForm(),
                "investigation_close": f.InvestigationCloseForm(),
                "sanction": f.SanctionForm(),
                "decision": f.DecisionForm(),
            },
            "Step": Step,
            "is_major_fault": incident.kind == Kind.MAJOR_FAULT,
        },
    )


@login_required
def written_report(request, incident_id: int):
    """R-INC-5: the responsible unit's written report, to those who may see the incident
    (uploads are never served as public files)."""
    from django.http import FileResponse

    incident = get_or_404(Incident, pk=incident_id)
    check_view(request.user, incident)
    investigation = _investigation(incident)
    if investigation is None or not investigation.report_file:
        raise NotFound(message=_("No written report is attached to this incident."))
    return FileResponse(
        investigation.report_file.open("rb"),
        as_attachment=True,
        filename=investigation.report_file.name.rsplit("/", 1)[-1],
    )


def _need_investigation(incident: Incident) -> Investigation:
    investigation = _investigation(incident)
    if investigation is None:
        raise NotFound(message=_("No investigation is scheduled for this incident."))
    return investigation


def _person(data: dict) -> User | None:
    return User.objects.filter(pk=data.get("person")).first()


DONE = {
    "progress": gettext_noop("The progress is recorded."),
    "close": gettext_noop("The incident is closed."),
    "concealed": gettext_noop("The report is flagged as concealed."),
    "party": gettext_noop("The person is named."),
    "correct": gettext_noop("The correction is recorded."),
    "schedule": gettext_noop("The investigation meeting is scheduled."),
    "attendee": gettext_noop("The attendee is invited."),
    "hold": gettext_noop("The meeting is recorded as held."),
    "attendance": gettext_noop("The attendance is recorded."),
    "report_file": gettext_noop("The written report is attached."),
    "injury": gettext_noop("The injury paperwork is filed."),
    "investigation_close": gettext_noop("The investigation is closed and frozen."),
    "sanction": gettext_noop("The sanction is proposed to the director."),
}

# action name -> (form class, function(request, incident, cleaned data))
ACTIONS: dict[str, tuple[type[forms.Form], Callable]] = {
    "progress": (f.TextForm, lambda r, i, d: services.incident_progress(
        actor=r.user, incident=i, text=d["text"])),
    "close": (f.CloseForm, lambda r, i, d: services.incident_close(
        actor=r.user, incident=i, summary=d["summary"], severity=d["severity"] or None)),
    "concealed": (f.ConcealedForm, lambda r, i, d: services.incident_flag_concealed(
        actor=r.user, incident=i, note=d["note"])),
    "party": (f.PartyForm, lambda r, i, d: services.party_add(
        actor=r.user, incident=i, person=d["person"], role=d["role"], reason=d["reason"])),
    "correct": (f.TextForm, lambda r, i, d: services.incident_correct(
        actor=r.user, incident=i, text=d["text"])),
    "schedule": (f.ScheduleForm, lambda r, i, d: services.investigation_schedule(
        actor=r.user, incident=i, meeting_at=d["meeting_at"], meeting_place=d["meeting_place"],
        late_reason=d["late_reason"])),
    "attendee": (f.AttendeeForm, lambda r, i, d: services.attendee_add(
        actor=r.user, investigation=_need_investigation(i), person=d["person"], role=d["role"])),
    "hold": (f.HoldForm, lambda r, i, d: services.investigation_hold(
        actor=r.user, investigation=_need_investigation(i), minutes=d["minutes"])),
    "attendance": (f.AttendanceForm, lambda r, i, d: services.attendance_record(
        actor=r.user, investigation=_need_investigation(i), person=_person(d),
        attendance=d["attendance"], excuse=d["excuse"])),
    "report_file": (f.ReportFileForm, lambda r, i, d: services.investigation_attach_report(
        actor=r.user, investigation=_need_investigation(i), upload=d["report_file"])),
    "injury": (f.InjuryForm, lambda r, i, d: services.injury_filing_create(
        actor=r.user, incident=i, injured_name=d["injured_name"], note=d["note"])),
    "investigation_close": (f.InvestigationCloseForm, lambda r, i, d: services.investigation_close(
        actor=r.user, investigation=_need_investigation(i), conclusion=d["conclusion"],
        severity=d["severity"] or None)),
    "sanction": (f.SanctionForm, lambda r, i, d: services.sanction_add(
        actor=r.user, incident=i, person=d["person"], role=d["role"], measure=d["measure"],
        fine_yuan=d["fine_yuan"] or 0, deposit_percent=d["deposit_percent"] or 0,
        note=d["note"])),
}  # fmt: skip


def _form_errors(form: forms.Form) -> str:
    return "; ".join(f"{form.fields[k].label if k in form.fields else ''} {' '.join(v)}".strip()
                     for k, v in form.errors.items())  # fmt: skip


@login_required
@require_POST
def incident_action(request, incident_id: int, action: str):
    """Every button of the incident page: run the service, then back to the page."""
    incident = get_or_404(Incident, pk=incident_id)
    check_view(request.user, incident)
    if action.startswith("step-"):
        form = f.StepForm(request.POST)
        form_class, call = None, None
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.chain_step_done(
                    actor=request.user, incident=incident, step=action[5:], person=d["person"],
                    contact_name=d["contact_name"], note=d["note"],
                )  # fmt: skip
                messages.success(request, _("The notification is recorded."))
            except DomainError as exc:
                messages.error(request, exc.message)
        else:
            messages.error(request, _form_errors(form))
        return redirect(f"/incidents/{incident.pk}/#chain")
    if action not in ACTIONS:
        raise NotFound(message=_("No such action."))
    form_class, call = ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            call(request, incident, form.cleaned_data)
            messages.success(request, _(DONE[action]))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect("incidents:detail", incident.pk)


@login_required
def sanctions_waiting(request):
    """R-INC-6: the director's list of proposed sanctions."""
    rows = selectors.sanctions_waiting(request.user)
    return render(
        request,
        "incidents/sanctions.html",
        {"rows": rows, "form": f.DecisionForm(), "title": _("Sanctions waiting for confirmation")},
    )


@login_required
@require_POST
def sanction_decide(request, sanction_id: int, decision: str):
    check(request.user, "sanction.confirm")
    sanction = get_or_404(Sanction.objects.select_related("incident", "person"), pk=sanction_id)
    note = request.POST.get("note", "")
    try:
        if decision == "confirm":
            services.sanction_confirm(actor=request.user, sanction=sanction, note=note)
            messages.success(request, _("The sanction is confirmed."))
        elif decision == "drop":
            services.sanction_drop(actor=request.user, sanction=sanction, note=note)
            messages.success(request, _("The sanction is dropped."))
        else:
            raise NotFound(message=_("No such action."))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect(request.POST.get("next") or "incidents:sanctions")


@login_required
def person_record(request, user_id: int):
    """R-INC-6: the sanctions recorded against one person."""
    person = get_or_404(User, pk=user_id)
    rows = list(selectors.person_sanctions(request.user, person))
    confirmed = [s for s in rows if s.status == SanctionStatus.CONFIRMED]
    return render(
        request,
        "incidents/person.html",
        {
            "person": person,
            "rows": rows,
            "fines": sum((s.fine_yuan for s in confirmed), start=0),
            "title": _("Sanction record of %(p)s") % {"p": person.display_name},
        },
    )
