from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu import policy as policies
from kefu.audit.models import AuditEntry
from kefu.core.calendar_services import calendar_year_set, calendar_year_summary
from kefu.core.forms import apply_service, int_param
from kefu.core.home import panels_for
from kefu.core.models import Notification
from kefu.core.notify import notifications_mark_read, unread_count
from kefu.core.selectors import system_status
from kefu.core.services import policy_set
from kefu.errors import get_or_404
from kefu.org.models import ApiToken, Department, User
from kefu.org.permissions import allowed, check
from kefu.org.roles import ROLE_DUTIES, Role
from kefu.org.services import token_create, token_revoke


@login_required
def home(request):
    """Each person's home page: one panel per thing their roles do."""
    user = request.user
    roles = [(Role(code).label, ROLE_DUTIES[Role(code)]) for code in sorted(user.role_codes)]
    context = {"roles": roles, "panels": []}
    if allowed(user, "system.status"):
        context["status"] = system_status()
        context["counts"] = {
            "departments": Department.objects.filter(is_active=True).count(),
            "staff": User.objects.filter(is_active=True).count(),
        }
    if allowed(user, "audit.read"):
        context["recent_audit"] = list(AuditEntry.objects.all()[:8])
    context["can_manage_staff"] = allowed(user, "staff.manage")
    context["panels"] = panels_for(request)
    return render(request, "core/home.html", context)


class PolicyForm(forms.Form):
    value = forms.CharField(label=gettext_lazy("Value"), max_length=200)
    reason = forms.CharField(label=gettext_lazy("Why"), max_length=500, required=False)


@login_required
def policy_list(request):
    check(request.user, "policy.view")
    can_edit = allowed(request.user, "policy.manage")
    errors = {}
    if request.method == "POST":
        key = request.POST.get("key", "")
        form = PolicyForm(request.POST)
        if form.is_valid():
            done = apply_service(
                form,
                lambda: policy_set(
                    actor=request.user,
                    key=key,
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                ),
            )
            if done is not None:
                messages.success(request, _("Setting saved."))
                return redirect("core:policies")
        errors[key] = form
    rows = []
    for p in policies.POLICIES.values():
        value = policies.get(p.key)
        rows.append(
            {
                "policy": p,
                "value": value,
                # A setting with a few allowed words shows their meaning (kefu/policy.py
                # ``choices``), not the word.
                "value_label": p.choice_label(value),
                "default_label": p.choice_label(p.default),
                "choices": [(code, str(label)) for code, label in p.choices],
                "is_default": str(value) == str(p.default),
                "form": errors.get(p.key),
            }
        )
    return render(request, "core/policies.html", {"rows": rows, "can_edit": can_edit})


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=3650, initial=90
    )


@login_required
def token_list(request):
    check(request.user, "token.own")
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        result = apply_service(
            form,
            lambda: token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            ),
        )
        if result is not None:
            new_key = result[1]
            form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(request, "core/tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    token = get_or_404(ApiToken.objects.filter(user=request.user), pk=token_id)
    token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("core:tokens")


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=gettext_lazy("Holidays (one date per line, YYYY-MM-DD)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    makeup_workdays = forms.CharField(
        label=gettext_lazy("Make-up workdays (weekend days worked in lieu)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    source = forms.CharField(
        label=gettext_lazy("Source (e.g. the State Council notice)"), max_length=200, required=False
    )


@login_required
def calendar_page(request):
    """The work calendar: which years are known, and entering a new year's list (R-TIC-6)."""
    check(request.user, "policy.view")
    can_edit = allowed(request.user, "calendar.manage")
    this_year = timezone.localdate().year
    initial_year = int_param(request.GET.get("year"), minimum=2000, maximum=2100) or (this_year + 1)
    summary = calendar_year_summary(initial_year)
    form = CalendarYearForm(
        request.POST or None,
        initial={
            "year": initial_year,
            "holidays": "\n".join(d.isoformat() for d in summary["holidays"]),
            "makeup_workdays": "\n".join(d.isoformat() for d in summary["makeup_workdays"]),
            "source": summary["entered"].source if summary["entered"] else "",
        },
    )
    if request.method == "POST":
        check(request.user, "calendar.manage")
        if form.is_valid():
            data = form.cleaned_data
            saved = apply_service(
                form,
                lambda: calendar_year_set(
                    actor=request.user,
                    year=data["year"],
                    holidays=data["holidays"],
                    makeup_workdays=data["makeup_workdays"],
                    source=data["source"],
                ),
            )
            if saved is not None:
                messages.success(
                    request, _("The calendar of %(year)s is saved.") % {"year": saved.year}
                )
                return redirect(f"{request.path}?year={saved.year}")
    years = [calendar_year_summary(y) for y in range(this_year - 1, this_year + 3)]
    return render(
        request,
        "core/calendar.html",
        {"years": years, "form": form, "can_edit": can_edit, "shown": summary},
    )


@login_required
def notification_list(request):
    """The bell's page: my notifications, newest first; opening it marks them read."""
    page = Paginator(Notification.objects.filter(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    items = list(page)  # read before they are marked read, so the new ones stand out
    notifications_mark_read(user=request.user)
    return render(request, "core/notifications.html", {"items": items, "page": page})


@login_required
def notification_badge(request):
    """The bell's count, polled by htmx every 30 seconds."""
    return render(request, "core/_bell.html", {"unread": unread_count(request.user)})
