"""Process walk-through pages (R-SUP-5): the list, recording one, its fixes and their progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service
from kefu.errors import DomainError, get_or_404
from kefu.org.permissions import allowed, check
from kefu.supervision import selectors, services
from kefu.supervision.forms import FixForm, FixNoteForm, WalkthroughForm
from kefu.supervision.models import Fix, FixStatus, Walkthrough
from kefu.supervision.services.walkthroughs import FIX_TRANSITIONS


@login_required
def walkthrough_list(request):
    check(request.user, "walkthrough.view")
    rows = Walkthrough.objects.select_related("reviewer").prefetch_related("fixes")
    if request.GET.get("open") == "1":
        rows = rows.filter(closed_at__isnull=True)
    return render(
        request,
        "supervision/walkthroughs.html",
        {
            "walkthroughs": rows[:200],
            "my_fixes": list(selectors.open_fixes_of(request.user)),
            "today": timezone.localdate(),
            "can_record": allowed(request.user, "walkthrough.record"),
            "open_only": request.GET.get("open") == "1",
        },
    )


@login_required
def walkthrough_new(request):
    """R-SUP-5: record a walk-through with its findings; fixes are assigned on its page."""
    check(request.user, "walkthrough.record")
    form = WalkthroughForm(request.POST or None, initial={"walked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        walkthrough = apply_service(
            form, lambda: services.walkthrough_create(actor=request.user, **form.cleaned_data)
        )
        if walkthrough is not None:
            messages.success(request, _("The walk-through is recorded; now assign its fixes."))
            return redirect("supervision:walkthrough_detail", walkthrough.pk)
    return render(
        request,
        "supervision/walkthrough_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def walkthrough_detail(request, walkthrough_id: int):
    check(request.user, "walkthrough.view")
    walkthrough = get_or_404(Walkthrough.objects.select_related("reviewer"), pk=walkthrough_id)
    can_record = allowed(request.user, "walkthrough.record")
    form = FixForm(request.POST or None, walkthrough=walkthrough)
    if request.method == "POST":
        check(request.user, "walkthrough.record")
        if form.is_valid():
            data = form.cleaned_data
            finding = (
                walkthrough.findings.filter(pk=data["finding"]).first() if data["finding"] else None
            )
            fix = apply_service(
                form,
                lambda: services.walkthrough_add_fix(
                    actor=request.user,
                    walkthrough=walkthrough,
                    action=data["action"],
                    assignee=data["assignee"],
                    due_on=data["due_on"],
                    finding=finding,
                ),
            )
            if fix is not None:
                messages.success(
                    request, _("Fix assigned to %(who)s.") % {"who": fix.assignee.display_name}
                )
                return redirect("supervision:walkthrough_detail", walkthrough.pk)
    fixes = list(walkthrough.fixes.select_related("assignee", "finding", "verified_by"))
    today = timezone.localdate()
    for fix in fixes:
        fix.overdue = fix.is_overdue(today)
        fix.moves = [
            (to, FixStatus(to).label)
            for to, who in FIX_TRANSITIONS[fix.status].items()
            if (who == "reviewer" and can_record)
            or (who == "assignee" and (can_record or fix.assignee_id == request.user.pk))
        ]
    return render(
        request,
        "supervision/walkthrough_detail.html",
        {
            "walkthrough": walkthrough,
            "findings": list(walkthrough.findings.all()),
            "fixes": fixes,
            "form": form,
            "can_record": can_record,
            "note_form": FixNoteForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def fix_move(request, fix_id: int):
    """R-SUP-5: mark a fix done, verify it, or send it back."""
    check(request.user, "walkthrough.view")
    fix = get_or_404(Fix, pk=fix_id)
    to = request.POST.get("to", "")
    form = FixNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        fix = services.fix_transition(actor=request.user, fix=fix, to=to, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The fix is now %(s)s.") % {"s": fix.get_status_display()})
    return redirect("supervision:walkthrough_detail", fix.walkthrough_id)
