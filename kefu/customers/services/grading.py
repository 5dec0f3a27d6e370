"""Grading by value and relationship (R-CUS-3): proposed by the system, approved by a supervisor."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record
from kefu.customers import events
from kefu.customers.models import (
    BlacklistEntry,
    ContractStatus,
    Credit,
    Customer,
    CustomerClass,
    FirstGrade,
    GradeChange,
    GradeProposal,
    GradingRun,
    GradingRunStatus,
    SecondGrade,
)
from kefu.customers.services._common import (
    _user,
)
from kefu.errors import Conflict, ValidationFailed
from kefu.org.permissions import check


def _grade_for_rank(rank: int, total: int, value: Decimal, shares: tuple[Decimal, ...]) -> str:
    if value <= 0:
        return FirstGrade.D
    a, b, c = (math.ceil(total * s / 100) for s in shares)
    if rank < a:
        return FirstGrade.A
    if rank < b:
        return FirstGrade.B
    if rank < c:
        return FirstGrade.C
    return FirstGrade.D


@transaction.atomic
def grading_propose(*, actor) -> GradingRun:
    """R-CUS-3: propose value grades (top 20% by value = A, 80/20) and relationship grades.

    Value is the total of a customer's live contracts. Ranked by value, the top
    key-customer share (policy, 20%) are A, down to the B share (50%) B, down to
    the C share (80%) C, the rest and customers without business D. The second
    grade comes from risk: blacklist, poor credit or high loss ratio → risk;
    frequent claims → watch; an owner with several contracts → stable; else normal.
    The proposal changes nothing until a supervisor approves it.
    """
    from kefu.customers.selectors import warning_figures, warning_flags

    check(actor, "customer.grade")
    key = Decimal(policy.get("customers.key_customer_share_percent"))
    shares = (
        key,
        max(key, Decimal(policy.get("customers.grade_b_share_percent"))),
        max(key, Decimal(policy.get("customers.grade_c_share_percent"))),
    )
    run = GradingRun.objects.create(created_by=_user(actor), key_share_percent=key)
    customers = (
        Customer.objects.filter(merged_into__isnull=True)
        .annotate(
            value=models.functions.Coalesce(
                models.Sum(
                    "contracts__amount",
                    filter=~models.Q(contracts__status=ContractStatus.CANCELLED),
                ),
                models.Value(Decimal(0)),
                output_field=models.DecimalField(max_digits=16, decimal_places=2),
            ),
            live=models.Count(
                "contracts", filter=~models.Q(contracts__status=ContractStatus.CANCELLED)
            ),
        )
        .order_by("-value", "pk")
        .values_list(
            "pk", "value", "live", "first_grade", "second_grade", "credit", "customer_class"
        )
    )
    rows = list(customers)
    figures = warning_figures([r[0] for r in rows])
    listed = set(
        BlacklistEntry.objects.filter(lifted_at__isnull=True)
        .filter(models.Q(until__isnull=True) | models.Q(until__gte=timezone.localdate()))
        .values_list("customer_id", flat=True)
    )
    proposals = []
    for rank, (pk, value, live, old_first, old_second, credit, cls) in enumerate(rows):
        first = _grade_for_rank(rank, len(rows), value, shares)
        recent, paid, contract_value = figures.get(pk, (0, Decimal(0), Decimal(0)))
        flags = warning_flags(recent, paid, contract_value)
        reasons = [
            _("value %(v)s, rank %(r)d of %(n)d") % {"v": value, "r": rank + 1, "n": len(rows)}
        ]
        if pk in listed or credit == Credit.POOR or "high_loss_ratio" in flags:
            second = SecondGrade.RISK
            reasons.append(
                _("blacklisted")
                if pk in listed
                else _("poor credit")
                if credit == Credit.POOR
                else _("high loss ratio")
            )
        elif "frequent_claims" in flags:
            second = SecondGrade.WATCH
            reasons.append(_("frequent claims"))
        elif cls == CustomerClass.OWNER and live >= 2:
            second = SecondGrade.STABLE
            reasons.append(_("owner with %(n)d contracts") % {"n": live})
        else:
            second = SecondGrade.NORMAL
        proposals.append(
            GradeProposal(
                run=run,
                customer_id=pk,
                value=value,
                old_first=old_first,
                first_grade=first,
                old_second=old_second,
                second_grade=second,
                reason="; ".join(reasons)[:300],
            )
        )
    GradeProposal.objects.bulk_create(proposals, batch_size=2000)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=run,
        summary=_("grading proposed for %(n)d customers") % {"n": len(rows)},
    )
    return run


@transaction.atomic
def grading_approve(*, actor, run: GradingRun, overrides: dict | None = None) -> int:
    """R-CUS-3: a supervisor approves a proposal, overriding any grades; returns changes made.

    ``overrides`` maps customer id → {"first_grade": …, "second_grade": …}. Every
    grade that changes is written to the customer's grade history and audited.
    """
    check(actor, "customer.grade")
    run = GradingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != GradingRunStatus.PROPOSED:
        raise Conflict(message=_("Grading run #%(id)s was already approved.") % {"id": run.pk})
    overrides = {int(k): v for k, v in (overrides or {}).items()}
    proposals = {p.customer_id: p for p in run.proposals.all()}
    unknown = set(overrides) - set(proposals)
    if unknown:
        raise ValidationFailed.on(
            "overrides",
            _("Customers not in this grading run: %(ids)s.")
            % {"ids": ", ".join(map(str, sorted(unknown)))},
        )
    for grades in overrides.values():
        if not isinstance(grades, dict) or set(grades) - {"first_grade", "second_grade"}:
            raise ValidationFailed.on(
                "overrides", _("An override gives first_grade and/or second_grade.")
            )
        if grades.get("first_grade", "A") not in FirstGrade.values or not grades.get(
            "first_grade", "A"
        ):
            raise ValidationFailed.on("overrides", _("first_grade must be A, B, C or D."))
        if grades.get("second_grade", "normal") not in SecondGrade.values or not grades.get(
            "second_grade", "normal"
        ):
            raise ValidationFailed.on(
                "overrides", _("second_grade must be stable, normal, watch or risk.")
            )
    changed = 0
    customers = Customer.objects.in_bulk(list(proposals))
    for pk, proposal in proposals.items():
        customer = customers.get(pk)
        if customer is None or customer.is_merged:
            continue
        final = {"first_grade": proposal.first_grade, "second_grade": proposal.second_grade}
        final.update(overrides.get(pk, {}))
        before = {"first_grade": customer.first_grade, "second_grade": customer.second_grade}
        if before == final:
            continue
        for field, new in final.items():
            if before[field] != new:
                GradeChange.objects.create(
                    customer=customer,
                    field=field,
                    from_grade=before[field],
                    to_grade=new,
                    reason=_("overridden by supervisor")
                    if field in overrides.get(pk, {})
                    else proposal.reason,
                    run=run,
                    actor=_user(actor),
                )
                events.grade_changed(customer, actor=actor, field=field, old=before[field], new=new)
        customer.first_grade = final["first_grade"]
        customer.second_grade = final["second_grade"]
        customer.save(update_fields=["first_grade", "second_grade"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=customer,
            before=before,
            after=final,
            reason=_("grading run #%(id)s") % {"id": run.pk},
        )
        changed += 1
    run.status = GradingRunStatus.APPROVED
    run.approved_at = timezone.now()
    run.approved_by = _user(actor)
    run.save(update_fields=["status", "approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=run,
        summary=_("grading approved: %(n)d customers changed") % {"n": changed},
    )
    return changed
