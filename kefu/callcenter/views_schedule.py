"""Pages for what the roster is built from: shift templates and staff leave (one page), the
week's forecast with the supervisor's overrides (another). Views call services only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.callcenter import planning, services
from kefu.callcenter.forms import LeaveForm, OverrideForm, ShiftTemplateForm
from kefu.callcenter.models import ForecastOverride, ShiftTemplate, StaffLeave
from kefu.core.forms import apply_service, int_param
from kefu.errors import DomainError, get_or_404
from kefu.org.permissions import allowed, check, scope_filter


def _template_initial(t: ShiftTemplate) -> dict:
    return {
        "code": t.code, "name": t.name, "start": t.start, "end": t.end,
        "paid_hours": t.paid_hours, "is_active": t.is_active,
    }  # fmt: skip


@login_required
def schedule_page(request):
    """R-CC-7, R-CC-6: shift templates (a change leaving a time of day uncovered is refused,
    naming it); R-CC-10: staff leave the roster respects."""
    check(request.user, "callcenter.plan")
    action = request.POST.get("action", "")
    edit = get_or_404(ShiftTemplate, pk=int_param(request.GET.get("edit")) or 0) if (
        request.GET.get("edit")
    ) else None  # fmt: skip
    if action == "template_edit":
        edit = get_or_404(ShiftTemplate, pk=int_param(request.POST.get("id")) or 0)
    template_form = ShiftTemplateForm(
        request.POST if action in {"template_new", "template_edit"} else None,
        prefix="t",
        initial=_template_initial(edit) if edit else None,
    )
    if edit is not None:
        template_form.fields["code"].disabled = True
    leave_form = LeaveForm(request.POST if action == "leave_new" else None, prefix="l")
    done = None
    if action == "template_new" and template_form.is_valid():
        if apply_service(template_form, lambda: services.shift_template_create(
            actor=request.user, **template_form.cleaned_data
        )):  # fmt: skip
            done = _("Shift template added.")
    elif action == "template_edit" and template_form.is_valid():
        data = {k: v for k, v in template_form.cleaned_data.items() if k != "code"}
        if apply_service(template_form, lambda: services.shift_template_update(
            actor=request.user, template=edit, **data
        )):  # fmt: skip
            done = _("Shift template saved.")
    elif action == "template_toggle":
        template = get_or_404(ShiftTemplate, pk=int_param(request.POST.get("id")) or 0)
        try:
            services.shift_template_update(
                actor=request.user, template=template, is_active=not template.is_active
            )
            done = _("Shift template saved.")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    elif action == "leave_new" and leave_form.is_valid():
        d = leave_form.cleaned_data
        if apply_service(leave_form, lambda: services.staff_leave_create(
            actor=request.user, user=d["user"], starts_at=d["starts_at"], ends_at=d["ends_at"],
            reason=d["reason"],
        )):  # fmt: skip
            done = _("Leave recorded.")
    elif action == "leave_cancel":
        leave = get_or_404(
            StaffLeave.objects.select_related("user"), pk=int_param(request.POST.get("id")) or 0
        )
        try:
            services.staff_leave_cancel(actor=request.user, leave=leave)
            done = _("Leave withdrawn.")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    if done:
        messages.success(request, done)
        return redirect("callcenter:schedule")
    leave = StaffLeave.objects.filter(ends_at__gt=timezone.now()).select_related("user")
    if allowed(request.user, "callcenter.leave"):
        leave = scope_filter(request.user, "callcenter.leave", leave, "user__department")
    else:
        leave = leave.none()
    return render(
        request,
        "callcenter/schedule.html",
        {
            "title": _("Shifts and leave"),
            "templates": ShiftTemplate.objects.all(),
            "template_form": template_form,
            "edit": edit,
            "leave": leave,
            "leave_form": leave_form,
            "can_templates": allowed(request.user, "callcenter.schedule"),
            "can_leave": allowed(request.user, "callcenter.leave"),
        },
    )


def _forecast_chart(intervals) -> dict:
    """Bars of forecast calls per interval, overridden ones marked; plain SVG numbers."""
    width, height, pad = 840, 200, 24
    peak = max([f.offered for f in intervals] + [1.0])
    step = (width - 2 * pad) / max(len(intervals), 1)
    bars = []
    for i, f in enumerate(intervals):
        h = (height - 2 * pad) * f.offered / peak
        bars.append({
            "x": round(pad + i * step, 1), "w": round(max(step * 0.85, 0.5), 1),
            "y": round(height - pad - h, 1), "h": round(h, 1), "f": f,
        })  # fmt: skip
    days = [{"x": round(pad + d * step * len(intervals) / 7, 1)} for d in range(7)]
    return {"width": width, "height": height, "bars": bars, "days": days}


@login_required
def forecast_page(request):
    """R-CC-10: the week's forecast and seats per interval, overridden intervals marked; the
    supervisor adds or removes overrides here."""
    check(request.user, "callcenter.plan")
    week = request.GET.get("week", "").strip() or planning.next_week()
    interval = int_param(request.GET.get("interval")) or 60
    interval = interval if interval in (15, 30, 60) else 60
    action = request.POST.get("action", "")
    form = OverrideForm(request.POST if action == "override_new" else None, prefix="o")
    done = None
    if action == "override_new" and form.is_valid():
        if apply_service(form, lambda: services.forecast_override_set(
            actor=request.user, **form.cleaned_data
        )):  # fmt: skip
            done = _("Forecast override saved.")
    elif action == "override_remove":
        row = get_or_404(ForecastOverride, pk=int_param(request.POST.get("id")) or 0)
        try:
            services.forecast_override_remove(actor=request.user, override=row)
            done = _("Forecast override removed.")
        except DomainError as exc:
            messages.error(request, str(exc.message))
    if done:
        messages.success(request, done)
        return redirect(f"{request.path}?week={week}&interval={interval}")
    plan = error = None
    try:
        plan = planning.forecast_plan(week=week, interval_minutes=interval)
    except DomainError as exc:
        error = str(exc.message)
    rows, days = [], []
    if plan is not None:  # one row per time of day, one column per day of the week
        per_day = 1440 // interval
        cells = list(zip(plan.intervals, plan.required, strict=True))
        days = [cells[d * per_day][0].start for d in range(7)]
        rows = [
            {"time": cells[k][0].start, "cells": [cells[d * per_day + k] for d in range(7)]}
            for k in range(per_day)
        ]
    return render(
        request,
        "callcenter/forecast.html",
        {
            "title": _("Call forecast"),
            "week": week,
            "interval": interval,
            "plan": plan,
            "error": error,
            "rows": rows,
            "days": days,
            "overridden": sum(1 for f in plan.intervals if f.overridden) if plan else 0,
            "chart": _forecast_chart(plan.intervals) if plan else None,
            "overrides": ForecastOverride.objects.filter(ends_at__gt=timezone.now()),
            "form": form,
            "can_override": allowed(request.user, "callcenter.schedule"),
        },
    )
