"""/api/v1/plans: business operation plans, their review, execution and the threshold table."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kefu.core.pagination import PageNumberPagination
from kefu.customers.models import Customer, CustomerClass
from kefu.errors import ValidationFailed, get_or_404
from kefu.org.models import Department, User
from kefu.org.permissions import check
from kefu.plans import selectors, services
from kefu.plans.models import (
    ApprovalThreshold,
    Checkpoint,
    CommitteeMember,
    PlanVersion,
    VersionStatus,
)
from kefu.plans.services._common import money

router = Router(tags=["plans"])


class BudgetItem(Schema):
    item: str = Field(..., min_length=1, max_length=200)
    amount: Decimal


class TermsIn(Schema):
    amount: Decimal
    financial_instruments: str = Field(..., min_length=1)
    supply_cycle: str = Field(..., min_length=1, max_length=200)
    payment_method: str = Field(..., min_length=1, max_length=200)
    payment_period: str = Field(..., min_length=1, max_length=200)
    other_terms: str = ""
    budget_items: list[BudgetItem] = []


class PlanIn(TermsIn):
    customer_id: int
    title: str = Field(..., min_length=1, max_length=200)
    department_id: int | None = None


class TermsPatch(Schema):
    amount: Decimal | None = None
    financial_instruments: str | None = None
    supply_cycle: str | None = None
    payment_method: str | None = None
    payment_period: str | None = None
    other_terms: str | None = None
    budget_items: list[BudgetItem] | None = None
    change_reason: str | None = None


class ChangeIn(Schema):
    reason: str = Field(..., min_length=1)
    amount: Decimal | None = None
    financial_instruments: str | None = None
    supply_cycle: str | None = None
    payment_method: str | None = None
    payment_period: str | None = None
    other_terms: str | None = None
    budget_items: list[BudgetItem] | None = None


class DecisionOut(Schema):
    round: int
    step: int
    step_role: str
    decision: str
    actor_id: int | None
    actor_name: str | None
    comment: str
    signoff_text: str
    signoff_hash: str
    at: dt.datetime

    @staticmethod
    def resolve_actor_name(obj) -> str | None:
        return obj.actor.display_name if obj.actor_id else None


class VersionOut(Schema):
    id: int
    number: int
    previous_id: int | None
    status: VersionStatus
    amount: Decimal
    financial_instruments: str
    supply_cycle: str
    payment_method: str
    payment_period: str
    other_terms: str
    budget_items: list[dict]
    budget: Decimal
    change_reason: str
    chain: list[str]
    step: int
    current_step: str | None
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    content_hash: str
    decisions: list[DecisionOut]

    @staticmethod
    def resolve_decisions(obj) -> list:
        return list(obj.decisions.select_related("actor"))


class CheckpointOut(Schema):
    id: int
    plan_id: int
    title: str
    due_on: dt.date
    owner_id: int
    owner_name: str
    done_at: dt.datetime | None
    note: str
    overdue: bool

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return obj.owner.display_name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        return obj.is_overdue(timezone.localdate())


class PlanOut(Schema):
    id: int
    number: str
    title: str
    customer_id: int
    customer_name: str
    department_id: int
    current_version: int | None
    team_id: int | None
    team_lead_id: int | None
    briefed_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_customer_name(obj) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_current_version(obj) -> int | None:
        return obj.current.number if obj.current_id else None


class PlanDetailOut(PlanOut):
    versions: list[VersionOut]
    checkpoints: list[CheckpointOut]

    @staticmethod
    def resolve_versions(obj) -> list:
        return list(obj.versions.order_by("number"))

    @staticmethod
    def resolve_checkpoints(obj) -> list:
        return list(obj.checkpoints.select_related("owner"))


class ApproveIn(Schema):
    comment: str = ""
    signoff: str = ""


class ReturnIn(Schema):
    comment: str = Field(..., min_length=1)


class TeamIn(Schema):
    team_id: int
    lead_id: int


class CheckpointIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due_on: dt.date
    owner_id: int


class DoneIn(Schema):
    note: str = ""


class ThresholdIn(Schema):
    customer_class: CustomerClass
    up_to: Decimal
    chain: list[str] = Field(..., min_length=1)


class ThresholdPatch(Schema):
    up_to: Decimal | None = None
    chain: list[str] | None = None


class ThresholdOut(Schema):
    id: int
    customer_class: str
    up_to: Decimal
    chain: list[str]


class ChainOut(Schema):
    customer_class: str
    amount: Decimal
    chain: list[str]


class MemberIn(Schema):
    user_id: int


class MemberOut(Schema):
    user_id: int
    name: str
    added_at: dt.datetime

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.user.display_name


def _terms(payload) -> dict:
    data = payload.dict(exclude_none=True)
    if "budget_items" in data:
        data["budget_items"] = [
            {"item": i["item"], "amount": str(i["amount"])} for i in data["budget_items"]
        ]
    return data


def _version(request, plan_id: int, number: int) -> PlanVersion:
    plan = selectors.plan_get(request.user, plan_id)
    return get_or_404(PlanVersion.objects.select_related("plan"), plan=plan, number=number)


# ---------------------------------------------------------------- plans (R-PLN-1, R-PLN-3)


@router.get("", response=list[PlanOut], summary="Plans one may see")
@paginate(PageNumberPagination)
def plan_list(request, status: str = "", customer_id: int | None = None):
    if status and status not in {*VersionStatus.values, "in_force"}:
        raise ValidationFailed.on("status", f"status: unknown value {status}")
    return selectors.plan_list(request.user, status=status, customer_id=customer_id)


@router.post("", response={201: PlanDetailOut}, summary="Draft a plan for a customer (R-PLN-1)")
def plan_create(request, payload: PlanIn):
    check(request.user, "plan.draft")
    customer = get_or_404(Customer, pk=payload.customer_id)
    department = get_or_404(Department, pk=payload.department_id) if payload.department_id else None
    data = _terms(payload)
    for key in ("customer_id", "department_id", "title"):
        data.pop(key, None)
    plan = services.plan_create(
        actor=request.user,
        customer=customer,
        title=payload.title,
        department=department,
        **data,
    )
    return Status(201, plan)


@router.get("/chain", response=ChainOut, summary="The approval chain for a class and amount")
def chain_preview(request, customer_class: CustomerClass, amount: Decimal):
    check(request.user, "plan.view")
    amount = money("amount", amount)
    chain = services.chain_for(customer_class, amount)
    return {"customer_class": customer_class, "amount": amount, "chain": chain}


@router.get("/checkpoints/overdue", response=list[CheckpointOut], summary="Overdue (R-PLN-4)")
def checkpoint_overdue(request):
    return list(selectors.checkpoints_overdue(request.user))


@router.post("/checkpoints/{checkpoint_id}/done", response=CheckpointOut, summary="Checkpoint done")
def checkpoint_done(request, checkpoint_id: int, payload: DoneIn):
    point = get_or_404(Checkpoint.objects.select_related("plan"), pk=checkpoint_id)
    selectors.plan_get(request.user, point.plan_id)
    return services.checkpoint_done(actor=request.user, checkpoint=point, note=payload.note)


# ---------------------------------------------------------------- settings (R-PLN-2)


@router.get("/thresholds", response=list[ThresholdOut], summary="The threshold table (R-PLN-2)")
def threshold_list(request):
    check(request.user, "plan.view")
    return list(ApprovalThreshold.objects.all())


@router.post("/thresholds", response={201: ThresholdOut}, summary="Add a threshold row")
def threshold_create(request, payload: ThresholdIn):
    row = services.threshold_create(
        actor=request.user,
        customer_class=payload.customer_class,
        up_to=payload.up_to,
        chain=payload.chain,
    )
    return Status(201, row)


@router.patch("/thresholds/{threshold_id}", response=ThresholdOut, summary="Change a row")
def threshold_update(request, threshold_id: int, payload: ThresholdPatch):
    check(request.user, "plan.settings")
    row = get_or_404(ApprovalThreshold, pk=threshold_id)
    return services.threshold_update(
        actor=request.user, threshold=row, up_to=payload.up_to, chain=payload.chain
    )


@router.delete("/thresholds/{threshold_id}", response={204: None}, summary="Remove a row")
def threshold_delete(request, threshold_id: int):
    check(request.user, "plan.settings")
    row = get_or_404(ApprovalThreshold, pk=threshold_id)
    services.threshold_delete(actor=request.user, threshold=row)
    return Status(204, None)


@router.get("/committee", response=list[MemberOut], summary="The decision committee")
def committee_list(request):
    check(request.user, "plan.view")
    return list(CommitteeMember.objects.select_related("user"))


@router.post("/committee", response={201: MemberOut}, summary="Seat a committee member")
def committee_add(request, payload: MemberIn):
    check(request.user, "plan.settings")
    user = get_or_404(User, pk=payload.user_id)
    return Status(201, services.committee_member_add(actor=request.user, user=user))


@router.delete("/committee/{user_id}", response={204: None}, summary="Unseat a member")
def committee_remove(request, user_id: int):
    check(request.user, "plan.settings")
    user = get_or_404(User, pk=user_id)
    services.committee_member_remove(actor=request.user, user=user)
    return Status(204, None)


# ---------------------------------------------------------------- one plan


@router.get("/{plan_id}", response=PlanDetailOut, summary="One plan with versions and checkpoints")
def plan_get(request, plan_id: int):
    return selectors.plan_get(request.user, plan_id)


@router.patch("/{plan_id}/versions/{number}", response=VersionOut, summary="Edit a draft (R-PLN-1)")
def version_update(request, plan_id: int, number: int, payload: TermsPatch):
    version = _version(request, plan_id, number)
    return services.plan_version_update(actor=request.user, version=version, **_terms(payload))


@router.post("/{plan_id}/versions/{number}/submit", response=VersionOut, summary="Submit (R-PLN-2)")
def version_submit(request, plan_id: int, number: int):
    version = _version(request, plan_id, number)
    return services.plan_submit(actor=request.user, version=version)


@router.post(
    "/{plan_id}/versions/{number}/approve",
    response=VersionOut,
    summary="Approve the current step (R-PLN-2, R-PLN-3)",
)
def version_approve(request, plan_id: int, number: int, payload: ApproveIn):
    version = _version(request, plan_id, number)
    return services.plan_approve(
        actor=request.user, version=version, comment=payload.comment, signoff=payload.signoff
    )


@router.post("/{plan_id}/versions/{number}/return", response=VersionOut, summary="Return (R-PLN-2)")
def version_return(request, plan_id: int, number: int, payload: ReturnIn):
    version = _version(request, plan_id, number)
    return services.plan_return(actor=request.user, version=version, comment=payload.comment)


@router.post("/{plan_id}/changes", response={201: VersionOut}, summary="Request a change (R-PLN-3)")
def plan_change(request, plan_id: int, payload: ChangeIn):
    plan = selectors.plan_get(request.user, plan_id)
    data = _terms(payload)
    reason = data.pop("reason")
    version = services.plan_change_request(actor=request.user, plan=plan, reason=reason, **data)
    return Status(201, version)


@router.post("/{plan_id}/team", response=PlanOut, summary="Assign the executing team (R-PLN-4)")
def plan_team(request, plan_id: int, payload: TeamIn):
    plan = selectors.plan_get(request.user, plan_id)
    team = get_or_404(Department, pk=payload.team_id)
    lead = get_or_404(User.objects.select_related("department"), pk=payload.lead_id)
    return services.plan_assign_team(actor=request.user, plan=plan, team=team, lead=lead)


@router.post(
    "/{plan_id}/checkpoints", response={201: CheckpointOut}, summary="Add a checkpoint (R-PLN-4)"
)
def checkpoint_add(request, plan_id: int, payload: CheckpointIn):
    plan = selectors.plan_get(request.user, plan_id)
    owner = get_or_404(User.objects.select_related("department"), pk=payload.owner_id)
    point = services.checkpoint_add(
        actor=request.user, plan=plan, title=payload.title, due_on=payload.due_on, owner=owner
    )
    return Status(201, point)
