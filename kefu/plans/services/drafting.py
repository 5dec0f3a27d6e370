"""Drafting plans and their versions, submitting them, and requesting changes (R-PLN-1, -3)."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.customers.models import Customer
from kefu.customers.services import ensure_not_blacklisted
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check
from kefu.plans.models import COMMITTEE, Plan, PlanVersion, VersionStatus
from kefu.plans.services import _common as c
from kefu.plans.services.states import move
from kefu.plans.services.thresholds import chain_for, step_approvers


def _no_plan_for_blacklisted(customer: Customer) -> None:
    """R-CUS-5 through the customer archive's one check: no plan for a listed customer."""
    ensure_not_blacklisted(customer, purpose=_("business operation plan"))


def _clean_terms(terms: dict, *, partial: bool = False) -> dict:
    """R-PLN-1: the terms of a plan, cleaned; ``partial`` keeps only those given."""
    clean: dict = {}

    def given(name: str) -> bool:
        return not partial or name in terms

    if given("amount"):
        clean["amount"] = c.money("amount", terms.get("amount"))
    if given("financial_instruments"):
        clean["financial_instruments"] = c.text(
            "financial_instruments", terms.get("financial_instruments")
        )
    for name in ("supply_cycle", "payment_method", "payment_period"):
        if given(name):
            clean[name] = c.text(name, terms.get(name), max_length=200)
    if given("other_terms"):
        clean["other_terms"] = c.text("other_terms", terms.get("other_terms"), required=False)
    if given("budget_items"):
        clean["budget_items"], clean["budget"] = c.budget_items(terms.get("budget_items"))
    return clean


@transaction.atomic
def plan_create(*, actor, customer: Customer, title: str, department=None, **terms) -> Plan:
    """R-PLN-1: marketing drafts a plan for one customer, as version 1 (a draft).

    Terms: amount (yuan), financial instruments, supply cycle, payment method and
    period, other contract terms, budget items. R-CUS-5: refused for a blacklisted
    customer, naming the blacklist entry.
    """
    department = department or getattr(actor, "department", None)
    if department is None:
        raise ValidationFailed.on(
            "department", _("department: the drafting department is required.")
        )
    check(actor, "plan.draft", department=department)
    # Only for a customer the drafter may see (R-SEC-3).
    check(actor, "customer.view", department=customer.department)
    title = c.text("title", title, max_length=200)
    _no_plan_for_blacklisted(customer)
    clean = _clean_terms(terms)
    plan = Plan.objects.create(
        number=f"tmp-{secrets.token_hex(6)}",  # replaced by the number below
        title=title,
        customer=customer,
        department=department,
        created_by=c.user_or_none(actor),
    )
    plan.number = f"YW{plan.created_at:%Y}-{plan.pk:05d}"
    plan.save(update_fields=["number"])
    version = PlanVersion.objects.create(
        plan=plan, number=1, created_by=c.user_or_none(actor), **clean
    )
    audit_record(actor=actor, action=Action.CREATE, target=plan, after=snapshot(plan))
    audit_record(actor=actor, action=Action.CREATE, target=version, after=snapshot(version))
    return plan


def _locked(version: PlanVersion) -> PlanVersion:
    return (
        PlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan__customer")
        .get(pk=version.pk)
    )


def refuse_frozen(version: PlanVersion) -> None:
    """R-PLN-3, R-SEC-4: a submitted or approved version is frozen; changes are refused."""
    if not version.is_editable:
        raise Conflict(
            message=_(
                "Version %(v)s of plan %(p)s is %(s)s and frozen; request a change instead "
                "(R-PLN-3)."
            )
            % {"v": version.number, "p": version.plan.number, "s": version.get_status_display()}
        )


@transaction.atomic
def plan_version_update(*, actor, version: PlanVersion, **terms) -> PlanVersion:
    """R-PLN-1: change the terms of a draft (or returned) version; frozen ones refuse."""
    version = _locked(version)
    check(actor, "plan.draft", department=version.plan.department)
    refuse_frozen(version)
    clean = _clean_terms(terms, partial=True)
    if "change_reason" in terms and version.previous_id:
        clean["change_reason"] = c.text("change_reason", terms["change_reason"])
    if not clean:
        return version
    before = snapshot(version)
    for name, value in clean.items():
        setattr(version, name, value)
    version.save(update_fields=list(clean))
    audit_record(
        actor=actor, action=Action.UPDATE, target=version, before=before, after=snapshot(version)
    )
    return version


@transaction.atomic
def plan_submit(*, actor, version: PlanVersion) -> PlanVersion:
    """R-PLN-2: submit a version for review; its chain comes from the threshold table.

    A change (version 2 and later) always ends with the decision committee (R-PLN-3).
    The version is frozen from here on; the approvers of the first step are told.
    """
    version = _locked(version)
    plan = version.plan
    check(actor, "plan.draft", department=plan.department)
    _no_plan_for_blacklisted(plan.customer)
    chain = chain_for(plan.customer.customer_class, version.amount)
    if version.previous_id and chain[-1] != COMMITTEE:
        chain.append(COMMITTEE)
    before = snapshot(version)
    move(version, "submit")
    version.chain = chain
    version.step = 0
    version.submitted_at = timezone.now()
    version.content_hash = c.digest(c.terms_of(version))
    version.save(update_fields=["status", "chain", "step", "submitted_at", "content_hash"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=version, before=before, after=snapshot(version)
    )
    tell_next_step(version, actor=actor)
    return version


def tell_next_step(version: PlanVersion, *, actor=None) -> None:
    step = version.current_step
    if step is None:
        return
    notify(
        step_approvers(step),
        _("Plan %(p)s v%(v)s awaits your review: %(t)s")
        % {"p": version.plan.number, "v": version.number, "t": version.plan.title},
        url=reverse("plans:detail", args=[version.plan_id]),
        exclude=actor,
    )


@transaction.atomic
def plan_change_request(*, actor, plan: Plan, reason: str, **terms) -> PlanVersion:
    """R-PLN-3: a change to an approved plan opens version n+1 referencing n.

    The approved version stays frozen and in force until the new one passes a full
    review round ending with the decision committee's written sign-off.
    """
    plan = (
        Plan.objects.select_for_update(of=("self",))
        .select_related("customer", "current")
        .get(pk=plan.pk)
    )
    check(actor, "plan.draft", department=plan.department)
    reason = c.text("reason", reason)
    if plan.current is None:
        raise Conflict(
            message=_("Plan %(p)s has no approved version yet; edit the draft instead.")
            % {"p": plan.number}
        )
    open_version = plan.versions.exclude(
        status__in=[VersionStatus.APPROVED, VersionStatus.SUPERSEDED]
    ).first()
    if open_version is not None:
        raise Conflict(
            message=_("Plan %(p)s already has version %(v)s open (%(s)s); finish it first.")
            % {
                "p": plan.number,
                "v": open_version.number,
                "s": open_version.get_status_display(),
            }
        )
    _no_plan_for_blacklisted(plan.customer)
    base = {name: getattr(plan.current, name) for name in c.TERM_FIELDS if name != "budget"}
    clean = _clean_terms(base | terms)
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        previous=plan.current,
        change_reason=reason,
        created_by=c.user_or_none(actor),
        **clean,
    )
    audit_record(
        actor=actor, action=Action.CREATE, target=version, after=snapshot(version), reason=reason
    )
    return version
