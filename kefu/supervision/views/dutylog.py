"""Duty-log pages (R-SUP-1): the month, one day with its sign-off, writing an entry, and the
director's monthly sample."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service, date_param, int_param
from kefu.core.periods import add_months
from kefu.core.sheets import download
from kefu.errors import DomainError, NotFound, get_or_404
from kefu.org.permissions import allowed, check
from kefu.supervision import selectors, services
from kefu.supervision.forms import DrawForm, EntryForm, ReviewForm, SignForm, parse_month
from kefu.supervision.models import DutyLogSample, SampleItem
from kefu.supervision.services.dutylog import local_day, month_start
from kefu.tickets.models import Ticket


@login_required
def duty_month(request):
    """R-SUP-1: each day of a month, its entries and its sign-off; the month as xlsx."""
    check(request.user, "dutylog.view")
    today = timezone.localdate()
    first = parse_month(request.GET.get("month")) or month_start(today)
    if request.GET.get("format") == "xlsx":
        return download(selectors.month_xlsx(request.user, first), f"duty-log-{first:%Y-%m}.xlsx")
    days = selectors.month_days(request.user, first)
    return render(
        request,
        "supervision/duty_month.html",
        {
            "month": first,
            "days": days,
            "today": today,
            "previous": add_months(first, -1),
            "next": add_months(first, 1) if first < month_start(today) else None,
            "can_write": allowed(request.user, "dutylog.write"),
            "sample": DutyLogSample.objects.filter(month=first).first(),
        },
    )


@login_required
def duty_day(request, day: str):
    """R-SUP-1: one day's log; the supervisor signs it; the signature is checked on every view."""
    when = date_param(day)
    if when is None:
        raise NotFound(message=_("No duty day %(day)s.") % {"day": day})
    log = selectors.day_log(request.user, when)
    form = SignForm(request.POST or None)
    can_sign = allowed(request.user, "dutylog.sign")
    if request.method == "POST":
        check(request.user, "dutylog.sign")
        if form.is_valid():
            done = apply_service(
                form,
                lambda: services.duty_day_sign(
                    actor=request.user, day=when, note=form.cleaned_data["note"]
                ),
            )
            if done is not None:
                messages.success(request, _("The duty log of %(day)s is signed.") % {"day": when})
                return redirect("supervision:duty_day", when.isoformat())
    return render(
        request,
        "supervision/duty_day.html",
        {
            "log": log,
            "form": form,
            "can_sign": can_sign and not log.signed and when < timezone.localdate(),
            "can_write": allowed(request.user, "dutylog.write"),
            "previous": when - dt.timedelta(days=1),
            "next": when + dt.timedelta(days=1) if when < timezone.localdate() else None,
            "today": timezone.localdate(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def duty_entry_new(request):
    """R-SUP-1: write an entry (or, with ?corrects=N, a correction of entry N, R-SEC-4)."""
    check(request.user, "dutylog.write")
    corrects_id = int_param(request.GET.get("corrects") or request.POST.get("corrects"))
    corrects = (
        get_or_404(selectors.entries_visible(request.user), pk=corrects_id) if corrects_id else None
    )
    form = EntryForm(request.POST or None, initial={"corrects": corrects_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def call():
            ticket = None
            number = (data["ticket_number"] or "").strip()
            if number:
                ticket = Ticket.objects.filter(number=number).first()
                if ticket is None:
                    raise DomainError(message=_("No ticket is numbered %(n)s.") % {"n": number})
            return services.duty_log_entry_create(
                actor=request.user,
                what=data["what"],
                action=data["action"],
                occurred_at=data["occurred_at"],
                ticket=ticket,
                incident_ref=data["incident_ref"],
                corrects=corrects,
            )

        entry = apply_service(form, call)
        if entry is not None:
            messages.success(request, _("The entry is in the duty log."))
            return redirect("supervision:duty_day", entry.day.isoformat())
    return render(
        request,
        "supervision/entry_new.html",
        {"form": form, "corrects": corrects, "today": local_day(timezone.now())},
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------- monthly sample


@login_required
def sample_list(request):
    """R-SUP-1: the director's samples, and drawing the next one."""
    check(request.user, "dutylog.view")
    today = timezone.localdate()
    form = DrawForm(
        request.POST or None,
        initial={"month": add_months(month_start(today), -1).strftime("%Y-%m")},
    )
    if request.method == "POST":
        check(request.user, "dutylog.sample")
        if form.is_valid():
            sample = apply_service(
                form,
                lambda: services.duty_sample_draw(
                    actor=request.user, month=form.cleaned_data["month"]
                ),
            )
            if sample is not None:
                messages.success(
                    request,
                    _("%(n)d entries drawn for review.") % {"n": sample.items.count()},
                )
                return redirect("supervision:sample_detail", sample.pk)
    return render(
        request,
        "supervision/samples.html",
        {
            "form": form,
            "samples": DutyLogSample.objects.select_related("drawn_by", "signed_by")[:36],
            "waiting": selectors.samples_waiting(today=today),
            "can_sample": allowed(request.user, "dutylog.sample"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def sample_detail(request, sample_id: int):
    check(request.user, "dutylog.view")
    sample = get_or_404(DutyLogSample.objects.select_related("drawn_by", "signed_by"), pk=sample_id)
    detail = selectors.sample_detail(sample, request.user)
    can_review = allowed(request.user, "dutylog.sample") and not sample.is_signed
    return render(
        request,
        "supervision/sample_detail.html",
        {
            **detail,
            "sign_form": SignForm(),
            "review_form": ReviewForm(),
            "can_review": can_review,
            "all_reviewed": detail["reviewed"] == len(detail["items"]),
        },
    )


@login_required
@require_POST
def sample_review(request, sample_id: int, entry_id: int):
    check(request.user, "dutylog.sample")
    item = get_or_404(
        SampleItem.objects.select_related("sample"), sample_id=sample_id, entry_id=entry_id
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose in order or not in order."))
    else:
        try:
            services.sample_item_review(
                actor=request.user,
                item=item,
                in_order=form.cleaned_data["in_order"],
                finding=form.cleaned_data["finding"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(f"{_sample_url(sample_id)}#entry-{entry_id}")


def _sample_url(sample_id: int) -> str:
    return reverse("supervision:sample_detail", args=[sample_id])


@login_required
@require_POST
def sample_sign(request, sample_id: int):
    check(request.user, "dutylog.sample")
    sample = get_or_404(DutyLogSample, pk=sample_id)
    form = SignForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.duty_sample_sign(actor=request.user, sample=sample, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The sample of %(month)s is signed.") % {"month": sample.month.strftime("%Y-%m")},
        )
    return redirect("supervision:sample_detail", sample.pk)
