"""Pages of the sanction rule table (R-INC-6) and of inspections and hazards (R-INC-7)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.core.forms import apply_service
from kefu.errors import DomainError, PermissionDenied, get_or_404
from kefu.incidents import forms as f
from kefu.incidents import selectors, services
from kefu.incidents.models import Hazard, HazardStatus, Inspection, SanctionRule, Site
from kefu.org.permissions import allowed, check


@login_required
def rule_table(request):
    """R-INC-6: everyone may read the table; the administrator edits it here."""
    check(request.user, "incident.report")
    can_edit = allowed(request.user, "sanction.rules")
    form = f.RuleForm(request.POST or None)
    if request.method == "POST":
        check(request.user, "sanction.rules")
        if form.is_valid():
            rule = apply_service(
                form, lambda: services.sanction_rule_create(actor=request.user, **form.cleaned_data)
            )
            if rule is not None:
                messages.success(request, _("The sanction rule is added."))
                return redirect("incidents:rules")
    rules = list(SanctionRule.objects.all())
    return render(
        request,
        "incidents/rules.html",
        {
            "rules": rules,
            "form": form,
            "can_edit": can_edit,
            "title": _("Sanction rule table"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rule_change(request, rule_id: int):
    check(request.user, "sanction.rules")
    rule = get_or_404(SanctionRule, pk=rule_id)
    if request.POST.get("delete"):
        services.sanction_rule_delete(actor=request.user, rule=rule)
        messages.success(request, _("The sanction rule is removed."))
        return redirect("incidents:rules")
    try:
        services.sanction_rule_update(
            actor=request.user,
            rule=rule,
            measure=request.POST.get("measure", ""),
            fine_yuan=request.POST.get("fine_yuan", ""),
            deposit_percent=request.POST.get("deposit_percent", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The sanction rule is saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("incidents:rules")


@login_required
def inspections(request):
    """R-INC-7: visits and the hazards found, each assigned for rectification by a deadline."""
    check(request.user, "inspection.view")
    can_record = allowed(request.user, "inspection.record")
    form = f.InspectionForm(request.POST or None, prefix="visit")
    site_form = f.SiteForm(prefix="site")
    if request.method == "POST":
        check(request.user, "inspection.record")
        if form.is_valid():
            d = form.cleaned_data
            done = apply_service(
                form,
                lambda: services.inspection_record(
                    actor=request.user,
                    site=d["site"],
                    visited_at=d["visited_at"],
                    route=d["route"],
                    notes=d["notes"],
                    hazards=d["hazards"].splitlines(),
                ),
            )
            if done is not None:
                messages.success(request, _("The inspection is recorded."))
                return redirect("incidents:inspections")
    return render(
        request,
        "incidents/inspections.html",
        {
            "form": form,
            "site_form": site_form,
            "can_record": can_record,
            "hazards": list(selectors.hazards_open(request.user)),
            "visits": list(
                Inspection.objects.select_related("site", "inspector").prefetch_related("hazards")[
                    :50
                ]
            ),
            "sites": list(Site.objects.select_related("department")),
            "assign_form": f.AssignForm(),
            "today": timezone.localdate(),
            "title": _("Inspections and hazards"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def site_new(request):
    check(request.user, "inspection.record")
    form = f.SiteForm(request.POST, prefix="site")
    if form.is_valid():
        try:
            services.site_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The site is added."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the site a name."))
    return redirect("incidents:inspections")


def _hazard_page(request, hazard: Hazard):
    """R-INC-7: one hazard and its rectification form, for the person assigned to fix it.

    The assignee (a technician, an operator) may lack ``inspection.view``; the notice
    telling them to rectify links here, so they can record the fix themselves.
    """
    user = request.user
    if user.pk != hazard.assignee_id and not allowed(user, "inspection.view"):
        raise PermissionDenied(
            message=_("Only the person assigned or an inspector may see this hazard."),
            permission="inspection.view",
        )
    return render(
        request,
        "incidents/hazard.html",
        {
            "hazard": hazard,
            "can_rectify": hazard.status == HazardStatus.ASSIGNED
            and (user.pk == hazard.assignee_id or allowed(user, "inspection.record")),
            "can_see_all": allowed(user, "inspection.view"),
            "today": timezone.localdate(),
            "title": _("Hazard to rectify"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hazard_action(request, hazard_id: int, action: str):
    hazard = get_or_404(
        Hazard.objects.select_related("site", "assignee", "inspection__inspector"), pk=hazard_id
    )
    if request.method == "GET":
        if action != "rectify":
            raise Http404
        return _hazard_page(request, hazard)
    try:
        if action == "assign":
            check(request.user, "inspection.record")
            form = f.AssignForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose who rectifies it and by when."))
                return redirect("incidents:inspections")
            services.hazard_assign(actor=request.user, hazard=hazard, **form.cleaned_data)
            messages.success(request, _("The hazard is assigned for rectification."))
        else:
            services.hazard_rectify(
                actor=request.user, hazard=hazard, note=request.POST.get("note", "")
            )
            messages.success(request, _("The rectification is recorded."))
    except DomainError as exc:
        if exc.status in (401, 403):
            raise
        messages.error(request, exc.message)
    if request.POST.get("next") == "hazard" or not allowed(request.user, "inspection.view"):
        return redirect("incidents:hazard", hazard.pk, "rectify")
    return redirect("incidents:inspections")
