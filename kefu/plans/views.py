"""Plan pages: list, draft, review, change, execution, overdue checkpoints, settings."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service, int_param
from kefu.errors import DomainError, get_or_404
from kefu.org.models import User
from kefu.org.permissions import allowed, check
from kefu.plans import selectors, services
from kefu.plans.forms import (
    ApproveForm,
    ChangeForm,
    CheckpointForm,
    MemberForm,
    PlanForm,
    ReturnForm,
    TeamForm,
    ThresholdForm,
)
from kefu.plans.models import (
    COMMITTEE,
    ApprovalThreshold,
    Checkpoint,
    CommitteeMember,
    PlanVersion,
    VersionStatus,
)
from kefu.plans.services.thresholds import step_label


def _act(request, call: Callable[[], object], done: str, to: str, *args):
    """Run a service for a button; its refusal becomes a message, never a 500."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(to, *args)


@login_required
def plan_list(request):
    status = request.GET.get("status", "")
    plans = selectors.plan_list(
        request.user, status=status, customer_id=int_param(request.GET.get("customer"))
    )
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/list.html",
        {
            "page": page,
            "status": status,
            "statuses": VersionStatus.choices,
            "can_draft": allowed(request.user, "plan.draft"),
            "can_settings": allowed(request.user, "plan.settings"),
            "review": selectors.awaiting_review(request.user)
            if allowed(request.user, "plan.approve")
            else [],
        },
    )


@login_required
def plan_new(request):
    check(request.user, "plan.draft")
    query = (request.GET.get("q") or "").strip()[:100]
    form = PlanForm(
        request.POST or None,
        initial={"customer": request.GET.get("customer")},
        user=request.user,
        query=query,
    )
    if request.method == "POST" and form.is_valid():
        plan = apply_service(
            form,
            lambda: services.plan_create(
                actor=request.user,
                customer=form.cleaned_data["customer"],
                title=form.cleaned_data["title"],
                **form.terms(),
            ),
        )
        if plan is not None:
            messages.success(request, _("Plan %(p)s drafted.") % {"p": plan.number})
            return redirect("plans:detail", plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "plans/new.html",
        {"form": form, "query": query, "title": _("New business operation plan")},
        status=status,
    )


def _budget_text(version: PlanVersion) -> str:
    return "\n".join(f"{i['item']} {i['amount']}" for i in version.budget_items)


@login_required
def plan_detail(request, plan_id: int):
    plan = selectors.plan_get(request.user, plan_id)
    versions = list(plan.versions.order_by("-number"))
    for v in versions:
        v.decided = list(v.decisions.select_related("actor"))
        v.chain_labels = [step_label(s) for s in v.chain]
    steps = selectors.my_steps(request.user)
    user = request.user
    for v in versions:
        v.my_turn = (
            v.status == VersionStatus.IN_REVIEW
            and v.current_step in steps
            and allowed(user, "plan.approve")
            and v.created_by_id != user.pk
        )
        v.committee_step = v.current_step == COMMITTEE
    open_version = next((v for v in versions if v.is_editable), None)
    can_draft = allowed(user, "plan.draft")
    can_execute = allowed(user, "plan.execute")
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "versions": versions,
            "open_version": open_version,
            "can_draft": can_draft,
            "can_change": can_draft
            and plan.current_id
            and open_version is None
            and not any(v.status == VersionStatus.IN_REVIEW for v in versions),
            "can_execute": can_execute and plan.current_id,
            "approve_form": ApproveForm(),
            "return_form": ReturnForm(),
            "team_form": TeamForm(initial={"team": plan.team_id, "lead": plan.team_lead_id}),
            "checkpoint_form": CheckpointForm(team=plan.team) if plan.team_id else None,
            "checkpoints": plan.checkpoints.select_related("owner", "done_by"),
            "today": timezone.localdate(),
        },
    )


def _version(request, plan_id: int, number: int) -> PlanVersion:
    plan = selectors.plan_get(request.user, plan_id)
    return get_or_404(PlanVersion.objects.select_related("plan"), plan=plan, number=number)


@login_required
def version_edit(request, plan_id: int, number: int):
    version = _version(request, plan_id, number)
    check(request.user, "plan.draft", department=version.plan.department)
    initial = {
        name: getattr(version, name)
        for name in (
            "amount",
            "financial_instruments",
            "supply_cycle",
            "payment_method",
            "payment_period",
            "other_terms",
        )
    } | {"budget": _budget_text(version)}
    form = (ChangeForm if version.previous_id else _TermsOnly)(
        request.POST or None, initial=initial | {"reason": version.change_reason}
    )
    if request.method == "POST" and form.is_valid():
        terms = form.terms()
        if version.previous_id:
            terms["change_reason"] = form.cleaned_data["reason"]
        done = apply_service(
            form,
            lambda: services.plan_version_update(actor=request.user, version=version, **terms),
        )
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("plans:detail", plan_id)
    status = 400 if request.method == "POST" else 200
    title = _("Edit %(v)s") % {"v": version}
    return render(request, "form.html", {"form": form, "title": title}, status=status)


class _TermsOnly(ChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["reason"]


@login_required
def plan_change(request, plan_id: int):
    """R-PLN-3: request a change: a new version starting from the one in force."""
    plan = selectors.plan_get(request.user, plan_id)
    check(request.user, "plan.draft", department=plan.department)
    current = plan.current
    initial = {}
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in (
                "amount",
                "financial_instruments",
                "supply_cycle",
                "payment_method",
                "payment_period",
                "other_terms",
            )
        } | {"budget": _budget_text(current)}
    form = ChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = apply_service(
            form,
            lambda: services.plan_change_request(
                actor=request.user, plan=plan, reason=form.cleaned_data["reason"], **form.terms()
            ),
        )
        if version is not None:
            messages.success(request, _("Version %(n)d opened as a draft.") % {"n": version.number})
            return redirect("plans:detail", plan.pk)
    status = 400 if request.method == "POST" else 200
    title = _("Change plan %(p)s") % {"p": plan.number}
    return render(request, "form.html", {"form": form, "title": title}, status=status)


@login_required
@require_POST
def version_submit(request, plan_id: int, number: int):
    version = _version(request, plan_id, number)
    return _act(
        request,
        lambda: services.plan_submit(actor=request.user, version=version),
        _("Submitted for review."),
        "plans:detail",
        plan_id,
    )


@login_required
@require_POST
def version_approve(request, plan_id: int, number: int):
    version = _version(request, plan_id, number)
    form = ApproveForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _act(
        request,
        lambda: services.plan_approve(
            actor=request.user,
            version=version,
            comment=data.get("comment", ""),
            signoff=data.get("signoff", ""),
        ),
        _("Approved."),
        "plans:detail",
        plan_id,
    )


@login_required
@require_POST
def version_return(request, plan_id: int, number: int):
    version = _version(request, plan_id, number)
    return _act(
        request,
        lambda: services.plan_return(
            actor=request.user, version=version, comment=request.POST.get("comment", "")
        ),
        _("Returned to the drafter."),
        "plans:detail",
        plan_id,
    )


@login_required
@require_POST
def plan_team(request, plan_id: int):
    plan = selectors.plan_get(request.user, plan_id)
    form = TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a team and its lead."))
        return redirect("plans:detail", plan_id)
    return _act(
        request,
        lambda: services.plan_assign_team(
            actor=request.user,
            plan=plan,
            team=form.cleaned_data["team"],
            lead=form.cleaned_data["lead"],
        ),
        _("The plan is handed over to the team."),
        "plans:detail",
        plan_id,
    )


@login_required
@require_POST
def checkpoint_add(request, plan_id: int):
    plan = selectors.plan_get(request.user, plan_id)
    form = CheckpointForm(request.POST, team=plan.team)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, errors)
        return redirect("plans:detail", plan_id)
    return _act(
        request,
        lambda: services.checkpoint_add(actor=request.user, plan=plan, **form.cleaned_data),
        _("Checkpoint added."),
        "plans:detail",
        plan_id,
    )


@login_required
@require_POST
def checkpoint_done(request, checkpoint_id: int):
    point = get_or_404(Checkpoint, pk=checkpoint_id)
    selectors.plan_get(request.user, point.plan_id)
    return _act(
        request,
        lambda: services.checkpoint_done(
            actor=request.user, checkpoint=point, note=request.POST.get("note", "")
        ),
        _("Checkpoint done."),
        "plans:detail",
        point.plan_id,
    )


@login_required
def overdue(request):
    """R-PLN-4: checkpoints past their date and not done."""
    return render(
        request,
        "plans/overdue.html",
        {"points": selectors.checkpoints_overdue(request.user), "today": timezone.localdate()},
    )


@login_required
def plan_settings(request):
    """R-PLN-2: the threshold table and the decision committee, kept by the administrator."""
    can_edit = allowed(request.user, "plan.settings")
    if not can_edit:
        check(request.user, "plan.view")
    threshold_form = ThresholdForm(request.POST if "add_threshold" in request.POST else None)
    member_form = MemberForm(request.POST if "add_member" in request.POST else None)
    if request.method == "POST":
        check(request.user, "plan.settings")
        form = threshold_form if "add_threshold" in request.POST else member_form
        if form.is_valid():
            data = form.cleaned_data
            if form is threshold_form:
                call = lambda: services.threshold_create(actor=request.user, **data)  # noqa: E731
            else:
                call = lambda: services.committee_member_add(  # noqa: E731
                    actor=request.user, user=data["user"]
                )
            if apply_service(form, call) is not None:
                messages.success(request, _("Saved."))
                return redirect("plans:settings")
    rows = list(ApprovalThreshold.objects.all())
    for row in rows:
        row.labels = [step_label(s) for s in row.chain]
    return render(
        request,
        "plans/settings.html",
        {
            "rows": rows,
            "members": CommitteeMember.objects.select_related("user"),
            "threshold_form": threshold_form,
            "member_form": member_form,
            "can_edit": can_edit,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def threshold_delete(request, threshold_id: int):
    check(request.user, "plan.settings")
    row = get_or_404(ApprovalThreshold, pk=threshold_id)
    return _act(
        request,
        lambda: services.threshold_delete(actor=request.user, threshold=row),
        _("Row removed."),
        "plans:settings",
    )


@login_required
@require_POST
def member_remove(request, user_id: int):
    check(request.user, "plan.settings")
    user = get_or_404(User, pk=user_id)
    return _act(
        request,
        lambda: services.committee_member_remove(actor=request.user, user=user),
        _("Member removed from the committee."),
        "plans:settings",
    )
