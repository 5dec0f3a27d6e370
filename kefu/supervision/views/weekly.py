"""Weekly report pages (R-SUP-3): the supervisor's week, and a person's own report."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service
from kefu.errors import get_or_404
from kefu.org.permissions import allowed, check
from kefu.supervision import selectors, services
from kefu.supervision.forms import WeeklyForm
from kefu.supervision.models import WeeklyReport, WeeklyStatus
from kefu.supervision.services.weekly import meeting_time
from kefu.supervision.weekly_figures import parse_week, week_start_of


@login_required
def weekly_list(request):
    """R-SUP-3: the supervisor sees each person's report of the week (late and missing ones
    marked); a technical service person sees their own reports."""
    check(request.user, "weekly.view")
    supervise = allowed(request.user, "weekly.supervise")
    week = parse_week(request.GET.get("week")) or week_start_of(timezone.localdate())

    return render(
        request,
        "supervision/weekly_list.html",
        {
            "week": week,
            "week_label": f"{week:%G-W%V}",
            "previous": f"{week - dt.timedelta(days=7):%G-W%V}",
            "next": f"{week + dt.timedelta(days=7):%G-W%V}",
            "due": meeting_time(week),
            "rows": selectors.weekly_overview(week) if supervise else None,
            "mine": WeeklyReport.objects.filter(person=request.user)[:20]
            if allowed(request.user, "weekly.own")
            else None,
            "supervise": supervise,
        },
    )


@login_required
@require_POST
def weekly_draft(request):
    week = parse_week(request.POST.get("week"))
    counts = services.weekly_reports_draft(actor=request.user, week_start=week)
    messages.success(
        request,
        _("%(c)d weekly reports drafted, %(r)d refreshed.")
        % {"c": counts["created"], "r": counts["refreshed"]},
    )
    target = f"?week={week:%G-W%V}" if week else ""
    return redirect(reverse("supervision:weekly_list") + target)


@login_required
def weekly_detail(request, report_id: int):
    report = get_or_404(WeeklyReport.objects.select_related("person"), pk=report_id)
    own = report.person_id == request.user.pk
    check(request.user, "weekly.own" if own else "weekly.supervise")
    editable = own and report.status == WeeklyStatus.DRAFT
    form = WeeklyForm(request.POST or None, initial={"comments": report.comments})
    if request.method == "POST" and editable and form.is_valid():
        comments = form.cleaned_data["comments"]
        if "submit" in request.POST:
            done = apply_service(
                form,
                lambda: services.weekly_report_submit(
                    actor=request.user, report=report, comments=comments
                ),
            )
            text = _("Your weekly report is submitted.")
        else:
            done = apply_service(
                form,
                lambda: services.weekly_report_update(
                    actor=request.user, report=report, comments=comments
                ),
            )
            text = _("Your comments are saved.")
        if done is not None:
            messages.success(request, text)
            return redirect("supervision:weekly_detail", report.pk)
    return render(
        request,
        "supervision/weekly_detail.html",
        {"report": report, "form": form, "editable": editable, "figures": report.figures},
        status=400 if request.method == "POST" else 200,
    )
