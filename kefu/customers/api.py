"""/api/v1/customers: the customer archive (R-CUS-1..11), masked personal data (R-SEC-1)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ConfigDict

from kefu.core.pagination import PageNumberPagination
from kefu.core.uploads import check_upload
from kefu.customers import imports, selectors, services
from kefu.customers.models import (
    BlacklistEntry,
    Contact,
    Contract,
    Customer,
    GradingRun,
)
from kefu.customers.search import SEARCH_LIMIT
from kefu.errors import get_or_404
from kefu.org.models import Department, User
from kefu.org.permissions import check

router = Router(tags=["customers"])

Strict = ConfigDict(extra="forbid")


class WarningOut(Schema):
    code: str
    message: str


class BlacklistOut(Schema):
    id: int
    reason: str
    approved_by: str | None
    created_at: dt.datetime
    until: dt.date | None
    lifted_at: dt.datetime | None
    lifted_by: str | None
    lift_reason: str

    @staticmethod
    def resolve_approved_by(obj: BlacklistEntry) -> str | None:
        return obj.approved_by.display_name if obj.approved_by_id else None

    @staticmethod
    def resolve_lifted_by(obj: BlacklistEntry) -> str | None:
        return obj.lifted_by.display_name if obj.lifted_by_id else None


def _customer_out(
    c: Customer, *, listed: BlacklistEntry | None = None, detail: bool = False
) -> dict:
    """One customer as the API shows it: personal fields always masked (R-SEC-1)."""
    data = {
        "id": c.pk,
        "kind": c.kind,
        "name": c.name,
        "gender": c.gender,
        "birth_date": c.birth_date,
        "age": c.age,
        "education": c.education,
        "occupation": c.occupation,
        "job_title": c.job_title,
        "company": c.company,
        "industry": c.industry,
        "email": c.email,
        "personality_notes": c.personality_notes,
        "interests": c.interests,
        "purchase_attitude": c.purchase_attitude,
        "requirements": c.requirements,
        "visit_reactions": c.visit_reactions,
        "tags": c.tags,
        "purchase_intent": c.purchase_intent,
        "source": c.source,
        "customer_class": c.customer_class,
        "first_grade": c.first_grade,
        "second_grade": c.second_grade,
        "credit": c.credit,
        "department_id": c.department_id,
        "department_name": c.department.name,
        "manager_id": c.manager_id,
        "manager_name": c.manager.display_name if c.manager_id else None,
        "merged_into_id": c.merged_into_id,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "masked": True,
        **selectors.personal_view(c),
        "warnings": [
            {"code": w.code, "message": w.message} for w in selectors.customer_warnings(c)
        ],
        "blacklisted": listed is not None,
        "blacklist_entry_id": listed.pk if listed else None,
    }
    return data


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    gender: str
    birth_date: dt.date | None
    age: int | None
    education: str
    occupation: str
    job_title: str
    company: str
    industry: str
    income_band: str
    family_structure: str
    address: str
    phone: str
    phone_alt: str
    email: str
    id_number: str
    personality_notes: str
    interests: list[str]
    purchase_attitude: str
    requirements: str
    visit_reactions: str
    tags: list[str]
    purchase_intent: str
    source: str
    customer_class: str
    first_grade: str
    second_grade: str
    credit: str
    department_id: int
    department_name: str
    manager_id: int | None
    manager_name: str | None
    merged_into_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    masked: bool = Field(description="personal fields are masked; reveal one with POST …/reveal")
    warnings: list[WarningOut]
    blacklisted: bool
    blacklist_entry_id: int | None


class ContactOut(Schema):
    id: int
    name: str
    job_title: str
    phone: str
    email: str
    is_primary: bool
    notes: str

    @staticmethod
    def resolve_phone(obj: Contact) -> str:
        from kefu.customers.masking import mask

        return mask("phone", obj.phone)


class ContractOut(Schema):
    id: int
    customer_id: int
    number: str
    title: str
    amount: Decimal
    signed_on: dt.date
    delivered_on: dt.date | None
    status: str
    cancel_reason: str


class ClaimOut(Schema):
    id: int
    contract_id: int
    customer_id: int
    claimed_on: dt.date
    amount_claimed: Decimal
    amount_paid: Decimal
    description: str


class TimelineOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    summary: str
    link_type: str
    link_id: str
    link_url: str


class CustomerDetailOut(CustomerOut):
    contacts: list[ContactOut]
    contracts: list[ContractOut]
    blacklist: list[BlacklistOut]
    timeline: list[TimelineOut]


Kinds = Literal["person", "organisation"]


class CustomerFields(Schema):
    model_config = Strict

    gender: Literal["", "male", "female"] | None = None
    birth_date: dt.date | None = None
    age: int | None = Field(None, ge=0, le=150)
    education: str | None = None
    occupation: str | None = None
    job_title: str | None = None
    company: str | None = None
    industry: str | None = None
    income_band: str | None = None
    family_structure: str | None = None
    address: str | None = None
    phone: str | None = None
    phone_alt: str | None = None
    email: str | None = None
    id_number: str | None = None
    personality_notes: str | None = None
    interests: list[str] | None = None
    purchase_attitude: str | None = None
    requirements: str | None = None
    visit_reactions: str | None = None
    tags: list[str] | None = None
    purchase_intent: str | None = None
    source: str | None = None
    customer_class: Literal["potential", "intended", "owner"] | None = None
    credit: Literal["", "good", "normal", "poor"] | None = None
    manager_id: int | None = None


class CustomerIn(CustomerFields):
    name: str = Field(..., min_length=1, max_length=100)
    kind: Kinds = "person"
    department_id: int
    allow_duplicate: bool = False


class CustomerPatch(CustomerFields):
    name: str | None = Field(None, min_length=1, max_length=100)
    department_id: int | None = None
    reason: str = ""


class ContactIn(Schema):
    model_config = Strict

    name: str = Field(..., min_length=1, max_length=100)
    job_title: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False
    notes: str = ""


class ContractIn(Schema):
    model_config = Strict

    number: str = Field(..., min_length=1, max_length=50)
    title: str = ""
    amount: Decimal = Field(..., ge=0)
    signed_on: dt.date
    delivered_on: dt.date | None = None


class DeliverIn(Schema):
    model_config = Strict

    delivered_on: dt.date


class ReasonIn(Schema):
    model_config = Strict

    reason: str = Field(..., min_length=1)


class ClaimIn(Schema):
    model_config = Strict

    claimed_on: dt.date
    amount_claimed: Decimal = Field(..., ge=0)
    amount_paid: Decimal = Field(Decimal(0), ge=0)
    description: str = ""


class BlacklistIn(Schema):
    model_config = Strict

    reason: str = Field(..., min_length=1)
    until: dt.date | None = None


class RevealIn(Schema):
    model_config = Strict

    field: str
    reason: str = Field(..., min_length=1)
    contact_id: int | None = None


class RevealOut(Schema):
    field: str
    value: str


class MergeIn(Schema):
    model_config = Strict

    duplicate_id: int
    reason: str = ""


class GradeOverride(Schema):
    model_config = Strict

    first_grade: Literal["A", "B", "C", "D"] | None = None
    second_grade: Literal["stable", "normal", "watch", "risk"] | None = None


class ApproveIn(Schema):
    model_config = Strict

    overrides: dict[int, GradeOverride] = {}


class ProposalOut(Schema):
    customer_id: int
    value: Decimal
    old_first: str
    first_grade: str
    old_second: str
    second_grade: str
    reason: str


class GradingRunOut(Schema):
    id: int
    status: str
    created_at: dt.datetime
    approved_at: dt.datetime | None
    key_share_percent: Decimal
    proposals: int
    changed: int | None = None


class QualityLineOut(Schema):
    customer_id: int
    name: str
    first_grade: str
    reasons: list[str]


class QualityOut(Schema):
    high: list[QualityLineOut]
    poor: list[QualityLineOut]


class DuplicateGroupOut(Schema):
    field: str
    value: str
    customer_ids: list[int]


class BadRowOut(Schema):
    row: int
    reason: str


class ImportOut(Schema):
    total: int
    good: int
    bad: list[BadRowOut]
    created: int


def _department(pk: int) -> Department:
    return get_or_404(Department, pk=pk)


def _manager(pk: int | None) -> User | None:
    return None if pk is None else get_or_404(User, pk=pk)


def _detail(request, customer: Customer) -> dict:
    listed = selectors.active_blacklist([customer.pk]).get(customer.pk)
    data = _customer_out(customer, listed=listed)
    data["contacts"] = list(customer.contacts.all())
    data["contracts"] = list(customer.contracts.all())
    data["blacklist"] = list(customer.blacklist.select_related("approved_by", "lifted_by"))
    data["timeline"] = list(customer.timeline.all()[:100])
    return data


# ---------------------------------------------------------------- static paths first


@router.get("/quality", response=QualityOut, summary="High- and poor-quality lists (R-CUS-4)")
def quality(request, limit: int = 200):
    high, poor = selectors.quality_lists(request.user, limit=max(1, min(limit, 1000)))

    def line(q):
        c = q.customer
        return {
            "customer_id": c.pk,
            "name": c.name,
            "first_grade": c.first_grade,
            "reasons": q.reasons,
        }

    return {"high": [line(q) for q in high], "poor": [line(q) for q in poor]}


@router.get("/duplicates", response=list[DuplicateGroupOut], summary="Duplicate groups (R-CUS-11)")
def duplicates(request):
    check(request.user, "customer.merge")
    return [
        {"field": g["field"], "value": g["value"], "customer_ids": [c.pk for c in g["customers"]]}
        for g in selectors.duplicate_groups(request.user)
    ]


@router.get("/export", summary="Export the search result to xlsx or csv, masked (R-CUS-10)")
def export(request, q: str = "", format: Literal["xlsx", "csv"] = "xlsx"):
    check(request.user, "customer.export")
    queryset = selectors.customer_search(
        request.user, q, queryset=selectors.customers_visible(request.user, "customer.export")
    )
    content, kind, name = imports.customers_export(
        actor=request.user, queryset=queryset, fmt=format
    )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.post(
    "/import",
    response={200: ImportOut, 400: ImportOut},
    summary="Import customers from xlsx/csv; every row validated first (R-CUS-10)",
)
def import_customers(
    request,
    file: File[UploadedFile],
    department_id: Form[int],
    good_rows_only: Form[bool] = False,
    dry_run: Form[bool] = False,
):
    department = _department(department_id)
    check(request.user, "customer.import", department=department)
    check_upload(file, "customer_import")
    headers, rows = imports.read_table(file.name, file.read())
    report = imports.validate_rows(headers, rows)
    body = {
        "total": report.total,
        "good": len(report.good),
        "bad": [{"row": b.row, "reason": b.reason} for b in report.bad],
        "created": 0,
    }
    if dry_run:
        return Status(200, body)
    if report.bad and not good_rows_only:
        return Status(400, body)
    body["created"] = imports.customers_import(
        actor=request.user, department=department, report=report, good_rows_only=good_rows_only
    )
    return Status(200, body)


@router.post("/grading", response={201: GradingRunOut}, summary="Propose grades (R-CUS-3)")
def grading_propose(request):
    run = services.grading_propose(actor=request.user)
    return Status(201, _run_out(run))


def _run_out(run: GradingRun, changed: int | None = None) -> dict:
    return {
        "id": run.pk,
        "status": run.status,
        "created_at": run.created_at,
        "approved_at": run.approved_at,
        "key_share_percent": run.key_share_percent,
        "proposals": run.proposals.count(),
        "changed": changed,
    }


@router.get("/grading/{run_id}/proposals", response=list[ProposalOut])
@paginate(PageNumberPagination)
def grading_proposals(request, run_id: int):
    check(request.user, "customer.grade")
    return get_or_404(GradingRun, pk=run_id).proposals.all()


@router.post(
    "/grading/{run_id}/approve", response=GradingRunOut, summary="Approve grades (R-CUS-3)"
)
def grading_approve(request, run_id: int, payload: ApproveIn):
    check(request.user, "customer.grade")
    run = get_or_404(GradingRun, pk=run_id)
    overrides = {pk: o.model_dump(exclude_none=True) for pk, o in payload.overrides.items()}
    changed = services.grading_approve(actor=request.user, run=run, overrides=overrides)
    run.refresh_from_db()
    return _run_out(run, changed)


@router.post("/contracts/{contract_id}/deliver", response=ContractOut)
def contract_deliver(request, contract_id: int, payload: DeliverIn):
    contract = _contract(request, contract_id)
    return services.contract_deliver(
        actor=request.user, contract=contract, delivered_on=payload.delivered_on
    )


@router.post("/contracts/{contract_id}/cancel", response=ContractOut)
def contract_cancel(request, contract_id: int, payload: ReasonIn):
    contract = _contract(request, contract_id)
    return services.contract_cancel(actor=request.user, contract=contract, reason=payload.reason)


@router.post("/contracts/{contract_id}/claims", response={201: ClaimOut})
def claim_create(request, contract_id: int, payload: ClaimIn):
    contract = _contract(request, contract_id)
    claim = services.claim_create(actor=request.user, contract=contract, **payload.model_dump())
    return Status(201, claim)


def _contract(request, contract_id: int) -> Contract:
    check(request.user, "customer.contract")
    contract = get_or_404(Contract.objects.select_related("customer__department"), pk=contract_id)
    check(request.user, "customer.view", department=contract.customer.department)
    return contract


@router.post("/blacklist/{entry_id}/lift", response=BlacklistOut, summary="Lift a blacklist entry")
def blacklist_lift(request, entry_id: int, payload: ReasonIn):
    check(request.user, "customer.blacklist")
    entry = get_or_404(BlacklistEntry.objects.select_related("customer__department"), pk=entry_id)
    return services.customer_blacklist_lift(actor=request.user, entry=entry, reason=payload.reason)


# ---------------------------------------------------------------- customers


@router.get(
    "",
    response=list[CustomerOut],
    summary="Search customers (R-CUS-9)",
    description="q matches any part of name, phone digits, company, address or ID number. "
    f"A search returns at most the newest {SEARCH_LIMIT} matches (count stops there); "
    "without q, every customer the user may see.",
)
@paginate(PageNumberPagination)
def customer_list(request, q: str = "", customer_class: str = "", first_grade: str = ""):
    customers = selectors.customer_search(request.user, q)
    if customer_class:
        customers = customers.filter(customer_class=customer_class)
    if first_grade:
        customers = customers.filter(first_grade=first_grade)
    return _ListView(selectors.with_warning_figures(customers))


class _ListView:
    """Lets the paginator count and slice the queryset, then shapes only the page's rows.

    The paginator reads the page before it counts: a page that came back short already
    tells the total (most searches end on their first page), so no count is run for it.
    """

    def __init__(self, queryset):
        self.queryset = queryset
        self.known_count: int | None = None

    def count(self):
        if self.known_count is None:
            self.known_count = self.queryset.count()
        return self.known_count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        rows = list(self.queryset[item])
        if isinstance(item, slice) and item.stop is not None:
            start = item.start or 0
            if 0 < len(rows) < item.stop - start or (start == 0 and not rows):
                self.known_count = start + len(rows)
        listed = selectors.active_blacklist(c.pk for c in rows)
        return [_customer_out(c, listed=listed.get(c.pk)) for c in rows]


@router.post("", response={201: CustomerOut})
def customer_create(request, payload: CustomerIn):
    fields = payload.model_dump(exclude_unset=True)
    fields.pop("department_id")
    fields.pop("allow_duplicate", None)
    manager = _manager(fields.pop("manager_id", None))
    customer = services.customer_create(
        actor=request.user,
        department=_department(payload.department_id),
        manager=manager,
        allow_duplicate=payload.allow_duplicate,
        **{k: v for k, v in fields.items() if v is not None},
    )
    return Status(201, _customer_out(customer))


@router.get("/{customer_id}", response=CustomerDetailOut)
def customer_detail(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id)
    return _detail(request, customer)


@router.patch("/{customer_id}", response=CustomerOut)
def customer_update(request, customer_id: int, payload: CustomerPatch):
    customer = selectors.customer_get(request.user, customer_id)
    fields = payload.model_dump(exclude_unset=True)
    department_id = fields.pop("department_id", None)
    reason = fields.pop("reason", "")
    manager = _manager(fields.pop("manager_id")) if "manager_id" in fields else False
    if fields.get("name") is None:
        fields.pop("name", None)
    customer = services.customer_update(
        actor=request.user,
        customer=customer,
        department=_department(department_id) if department_id is not None else None,
        manager=manager,
        reason=reason,
        **fields,
    )
    listed = selectors.active_blacklist([customer.pk]).get(customer.pk)
    return _customer_out(customer, listed=listed)


@router.post(
    "/{customer_id}/reveal", response=RevealOut, summary="Reveal one personal field (R-SEC-1)"
)
def customer_reveal(request, customer_id: int, payload: RevealIn):
    customer = selectors.customer_get(request.user, customer_id)
    contact = None
    if payload.contact_id is not None:
        contact = get_or_404(Contact, pk=payload.contact_id, customer=customer)
    value = services.customer_reveal_field(
        actor=request.user,
        customer=customer,
        field=payload.field,
        reason=payload.reason,
        contact=contact,
    )
    return {"field": payload.field, "value": value}


@router.get("/{customer_id}/timeline", response=list[TimelineOut])
@paginate(PageNumberPagination)
def customer_timeline(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id)
    return customer.timeline.all()


@router.post("/{customer_id}/contacts", response={201: ContactOut})
def contact_create(request, customer_id: int, payload: ContactIn):
    customer = selectors.customer_get(request.user, customer_id)
    contact = services.contact_create(actor=request.user, customer=customer, **payload.model_dump())
    return Status(201, contact)


@router.post("/{customer_id}/contracts", response={201: ContractOut})
def contract_create(request, customer_id: int, payload: ContractIn):
    customer = selectors.customer_get(request.user, customer_id)
    contract = services.contract_create(
        actor=request.user, customer=customer, **payload.model_dump()
    )
    return Status(201, contract)


@router.post(
    "/{customer_id}/blacklist", response={201: BlacklistOut}, summary="Blacklist (R-CUS-5)"
)
def customer_blacklist(request, customer_id: int, payload: BlacklistIn):
    customer = selectors.customer_get(request.user, customer_id)
    entry = services.customer_blacklist(
        actor=request.user, customer=customer, reason=payload.reason, until=payload.until
    )
    return Status(201, entry)


@router.get("/{customer_id}/duplicates", response=list[CustomerOut])
def customer_duplicates(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id)
    found = selectors.customer_duplicates_of(request.user, customer)
    listed = selectors.active_blacklist(c.pk for c in found)
    return [_customer_out(c, listed=listed.get(c.pk)) for c in found]


@router.post(
    "/{customer_id}/merge", response=CustomerOut, summary="Merge a duplicate in (R-CUS-11)"
)
def customer_merge(request, customer_id: int, payload: MergeIn):
    survivor = selectors.customer_get(request.user, customer_id)
    duplicate = selectors.customer_get(request.user, payload.duplicate_id)
    survivor = services.customer_merge(
        actor=request.user, survivor=survivor, duplicate=duplicate, reason=payload.reason
    )
    return _customer_out(survivor)
