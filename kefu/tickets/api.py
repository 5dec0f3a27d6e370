"""/api/v1/tickets: record contacts, work tickets, and the queues (R-TIC-*, R-CH-1)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from kefu.core.pagination import CappedPageNumberPagination
from kefu.customers.masking import mask
from kefu.customers.selectors import customers_visible
from kefu.customers.validators import normalise_phone
from kefu.errors import Conflict, ValidationFailed, get_or_404
from kefu.org.models import Department, User
from kefu.tickets import services, settings_services
from kefu.tickets.exports import tickets_xlsx
from kefu.tickets.models import (
    Channel,
    ComplaintCategory,
    FeeItem,
    HandoffStatus,
    Kind,
    Priority,
    Ticket,
    TimeLimit,
)
from kefu.tickets.selectors import (
    QUEUES,
    complaint_hot_spots,
    related_tickets,
    ticket_queue,
    tickets_filtered,
    tickets_visible,
)
from kefu.tickets.states import State

router = Router(tags=["tickets"])


class TicketOut(Schema):
    id: int
    number: str
    kind: Kind
    channel: Channel
    priority: Priority
    is_major: bool
    title: str
    description: str
    customer_id: int | None
    customer_name: str | None
    phone: str
    category_id: int | None
    state: State
    first_responder_id: int
    first_responder_name: str
    owner_id: int | None
    department_id: int
    department_name: str
    resolution: str
    resolved_at_first_contact: bool
    repeat_of_id: int | None
    repeat_contacts: int
    clock: str
    response_due: dt.datetime | None
    resolution_due: dt.datetime | None
    responded_at: dt.datetime | None
    response_breached: bool
    resolution_breached: bool
    escalation_level: int
    paused_seconds: int
    department_transfers: int
    appointment_at: dt.datetime | None
    appointment_missed: bool
    callback_at: dt.datetime | None
    charged_total: Decimal
    paid_total: Decimal
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int = Field(..., description="send it back with every change (R-TIC-10)")

    @staticmethod
    def resolve_phone(obj) -> str:
        # R-SEC-1: the caller's number as everyone without reveal sees it.
        return mask("phone", obj.phone)

    @staticmethod
    def resolve_customer_name(obj) -> str | None:
        return obj.customer.name if obj.customer_id else None

    @staticmethod
    def resolve_first_responder_name(obj) -> str:
        return obj.first_responder.display_name

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor_id: int | None
    from_state: str
    to_state: str
    note: str
    data: dict


class HandoffOut(Schema):
    id: int
    to_department_id: int
    to_user_id: int | None
    from_user_id: int
    what: str
    why: str
    due_by: dt.datetime
    filed_after: bool
    status: HandoffStatus
    reject_reason: str
    created_at: dt.datetime


class TicketDetailOut(TicketOut):
    events: list[EventOut]
    handoffs: list[HandoffOut]

    @staticmethod
    def resolve_events(obj) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_handoffs(obj) -> list:
        return list(obj.handoffs.all())


class TicketIn(Schema):
    kind: Kind
    channel: Channel
    description: str = Field(..., min_length=1)
    title: str = Field("", max_length=200)
    customer_id: int | None = None
    phone: str = Field("", max_length=30)
    priority: Priority = Priority.NORMAL
    is_major: bool = False
    category_id: int | None = None
    appointment_at: dt.datetime | None = None
    resolve_now: bool = False
    resolution: str = ""


class Versioned(Schema):
    version: int = Field(..., description="the version you saw (R-TIC-10)")


class TransitionIn(Versioned):
    to_state: State
    note: str = ""


class ResolveIn(Versioned):
    resolution: str = Field(..., min_length=1)


class HandoffIn(Versioned):
    to_department_id: int
    to_user_id: int | None = None
    what: str = Field(..., min_length=1)
    why: str = Field(..., min_length=1)
    due_by: dt.datetime


class RejectIn(Versioned):
    reason: str = Field(..., min_length=1)


class ArbitrateIn(Versioned):
    department_id: int
    owner_id: int | None = None
    decision: str = Field(..., min_length=1)


class CallbackIn(Versioned):
    reached: bool
    satisfaction: int | None = Field(None, ge=1, le=5)
    note: str = Field(..., min_length=1)


class CloseIn(Versioned):
    note: str = ""


class ContactIn(Schema):
    channel: Channel
    note: str = Field(..., min_length=1)


class NoteIn(Schema):
    note: str = Field(..., min_length=1)


class ChargeIn(Versioned):
    item_code: str
    quantity: Decimal = Decimal("1")


class PaymentIn(Versioned):
    amount: Decimal
    method: str = Field(..., min_length=1, max_length=20)


class VisitIn(Versioned):
    at: dt.datetime


class MatchOut(Schema):
    id: int
    number: str
    kind: Kind
    title: str
    state: State
    owner_id: int | None
    created_at: dt.datetime


def _ticket(request, ticket_id: int):
    return get_or_404(tickets_visible(request.user), pk=ticket_id)


def _detail(request, ticket_id: int):
    return get_or_404(
        tickets_visible(request.user).prefetch_related("events", "handoffs"), pk=ticket_id
    )


class QueueFilter(Schema):
    queue: str = "all"
    kind: Kind | None = None
    state: State | None = None
    channel: Channel | None = None
    customer_id: int | None = None
    q: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(request, filters: QueueFilter):
    if filters.queue not in QUEUES:
        raise ValidationFailed.on(
            "queue",
            _("queue must be one of %(queues)s; got %(q)r.")
            % {"queues": ", ".join(QUEUES), "q": filters.queue},
        )
    return tickets_filtered(
        ticket_queue(request.user, filters.queue),
        **filters.dict(exclude={"queue"}),
    )


# What a queue's rows need of the related records (TicketOut's names): the rest of the
# customer, staff and department rows is not read (issue 9: a page of 50 rows is six times
# 50 model instances otherwise).
_LIST_COLUMNS = [
    *(f.name for f in Ticket._meta.concrete_fields),
    "customer__name",
    "department__name",
    "first_responder__full_name",
    "first_responder__username",
]


@router.get(
    "",
    response=list[TicketOut],
    summary="A ticket queue, filtered (count stops at 10,001: more than 10,000)",
)
@paginate(CappedPageNumberPagination)
def ticket_list(request, filters: Query[QueueFilter]):
    return (
        _filtered(request, filters)
        .select_related(None)
        .select_related("customer", "department", "first_responder")
        .only(*_LIST_COLUMNS)
    )


@router.get("/export.xlsx", summary="A ticket queue as an Excel file")
def ticket_export(request, filters: Query[QueueFilter]):
    tickets = _filtered(request, filters)
    return tickets_xlsx(tickets[:50000], filename=f"tickets-{filters.queue}.xlsx")


@router.get(
    "/matches",
    response=list[MatchOut],
    summary="Open and recent tickets of a customer or number (R-TIC-4), before saving",
)
def ticket_matches(request, customer_id: int | None = None, phone: str = ""):
    tickets_visible(request.user)
    customer = None
    if customer_id is not None:
        customer = get_or_404(customers_visible(request.user), pk=customer_id)
    phone = normalise_phone(phone) if phone else ""
    if customer is None and not phone:
        raise ValidationFailed.on("customer_id", _("Give customer_id or phone."))
    return list(related_tickets(customer=customer, phone=phone)[:20])


@router.post("", response={201: TicketOut, 200: TicketOut}, summary="Record a contact")
def ticket_create(request, payload: TicketIn):
    """Send an ``Idempotency-Key`` header so a retried request never makes two tickets."""
    key = request.headers.get("Idempotency-Key", "")[:100]
    customer = None
    if payload.customer_id is not None:
        customer = get_or_404(customers_visible(request.user), pk=payload.customer_id)
    category = None
    if payload.category_id is not None:
        category = get_or_404(ComplaintCategory, pk=payload.category_id)
    if key:
        existing = Ticket.objects.filter(first_responder=request.user, idempotency_key=key).first()
        if existing is not None:
            return Status(200, existing)
    ticket = services.ticket_create(
        actor=request.user,
        kind=payload.kind,
        channel=payload.channel,
        description=payload.description,
        title=payload.title,
        customer=customer,
        phone=payload.phone,
        priority=payload.priority,
        is_major=payload.is_major,
        category=category,
        appointment_at=payload.appointment_at,
        resolve_now=payload.resolve_now,
        resolution=payload.resolution,
        idempotency_key=key,
    )
    return Status(201, ticket)


@router.get("/{ticket_id}", response=TicketDetailOut, summary="One ticket with its history")
def ticket_detail(request, ticket_id: int):
    return _detail(request, ticket_id)


@router.post("/{ticket_id}/transition", response=TicketOut)
def ticket_transition(request, ticket_id: int, payload: TransitionIn):
    return services.ticket_transition(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        to_state=payload.to_state,
        note=payload.note,
    )


@router.post("/{ticket_id}/resolve", response=TicketOut)
def ticket_resolve(request, ticket_id: int, payload: ResolveIn):
    return services.ticket_resolve(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        resolution=payload.resolution,
    )


@router.post(
    "/{ticket_id}/handoff", response={201: HandoffOut}, summary="Hand off with a work contact form"
)
def ticket_handoff(request, ticket_id: int, payload: HandoffIn):
    handoff = services.ticket_handoff(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        to_department=get_or_404(Department, pk=payload.to_department_id),
        to_user=get_or_404(User, pk=payload.to_user_id) if payload.to_user_id else None,
        what=payload.what,
        why=payload.why,
        due_by=payload.due_by,
    )
    return Status(201, handoff)


def _pending(ticket):
    pending = ticket.handoffs.filter(status=HandoffStatus.PENDING, filed_after=False).first()
    if pending is None:
        raise Conflict(message=_("No work contact form on this ticket is waiting for an answer."))
    return pending


@router.post("/{ticket_id}/handoff/accept", response=TicketOut)
def handoff_accept(request, ticket_id: int, payload: Versioned):
    ticket = _ticket(request, ticket_id)
    return services.handoff_accept(
        actor=request.user, handoff=_pending(ticket), version=payload.version
    )


@router.post("/{ticket_id}/handoff/reject", response=TicketOut)
def handoff_reject(request, ticket_id: int, payload: RejectIn):
    ticket = _ticket(request, ticket_id)
    return services.handoff_reject(
        actor=request.user, handoff=_pending(ticket), version=payload.version, reason=payload.reason
    )


@router.post("/{ticket_id}/arbitrate", response=TicketOut, summary="The office's decision")
def ticket_arbitrate(request, ticket_id: int, payload: ArbitrateIn):
    return services.ticket_arbitrate(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        department=get_or_404(Department, pk=payload.department_id),
        owner=get_or_404(User, pk=payload.owner_id) if payload.owner_id else None,
        decision=payload.decision,
    )


@router.post("/{ticket_id}/callback", response=TicketOut)
def ticket_callback(request, ticket_id: int, payload: CallbackIn):
    return services.ticket_record_callback(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        reached=payload.reached,
        satisfaction=payload.satisfaction,
        note=payload.note,
    )


@router.post("/{ticket_id}/close", response=TicketOut)
def ticket_close(request, ticket_id: int, payload: CloseIn):
    return services.ticket_close(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        note=payload.note,
    )


@router.post("/{ticket_id}/contacts", response=TicketOut, summary="A further contact (R-TIC-4)")
def ticket_contact(request, ticket_id: int, payload: ContactIn):
    # Only that it is visible is checked here (one narrow query); the service locks the row
    # and reads what it needs with it.
    visible = get_or_404(
        tickets_visible(request.user).select_related(None).only("id"), pk=ticket_id
    )
    return services.ticket_add_contact(
        actor=request.user,
        ticket=visible,
        channel=payload.channel,
        note=payload.note,
    )


@router.post("/{ticket_id}/notes", response=TicketOut)
def ticket_note(request, ticket_id: int, payload: NoteIn):
    return services.ticket_comment(
        actor=request.user, ticket=_ticket(request, ticket_id), note=payload.note
    )


@router.post("/{ticket_id}/charges", response=TicketOut, summary="Charge a paid service")
def ticket_charge(request, ticket_id: int, payload: ChargeIn):
    ticket = _ticket(request, ticket_id)
    services.ticket_charge(
        actor=request.user,
        ticket=ticket,
        version=payload.version,
        item_code=payload.item_code,
        quantity=payload.quantity,
    )
    return _ticket(request, ticket_id)


@router.post("/{ticket_id}/payments", response=TicketOut)
def ticket_payment(request, ticket_id: int, payload: PaymentIn):
    ticket = _ticket(request, ticket_id)
    services.ticket_payment(
        actor=request.user,
        ticket=ticket,
        version=payload.version,
        amount=payload.amount,
        method=payload.method,
    )
    return _ticket(request, ticket_id)


@router.post("/{ticket_id}/visit", response=TicketOut, summary="The agreed visit took place")
def ticket_visit(request, ticket_id: int, payload: VisitIn):
    return services.ticket_visit_done(
        actor=request.user, ticket=_ticket(request, ticket_id), version=payload.version,
        at=payload.at,
    )  # fmt: skip


class MergeIn(Versioned):
    into_id: int
    into_version: int


class SplitIn(Versioned):
    kind: Kind
    title: str = Field("", max_length=200)
    description: str = Field(..., min_length=1)


@router.post("/{ticket_id}/merge", response=TicketOut, summary="Merge into another ticket")
def ticket_merge(request, ticket_id: int, payload: MergeIn):
    return services.ticket_merge(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        into=_ticket(request, payload.into_id),
        into_version=payload.into_version,
    )


@router.post("/{ticket_id}/split", response={201: TicketOut}, summary="Split a second matter off")
def ticket_split(request, ticket_id: int, payload: SplitIn):
    part = services.ticket_split(
        actor=request.user,
        ticket=_ticket(request, ticket_id),
        version=payload.version,
        kind=payload.kind,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, part)


class TimeLimitOut(Schema):
    kind: Kind
    priority: Priority
    response_minutes: int
    resolution_minutes: int
    clock: str


class TimeLimitIn(Schema):
    response_minutes: int
    resolution_minutes: int
    clock: str


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    is_active: bool


class CategoryIn(Schema):
    name: str
    parent_id: int | None = None


class FeeOut(Schema):
    code: str
    name: str
    unit: str
    price: Decimal
    is_active: bool


class FeeIn(Schema):
    name: str
    unit: str = "次"
    price: Decimal
    is_active: bool = True


class HotSpotOut(Schema):
    category: str
    count: int


@router.get("/settings/time-limits", response=list[TimeLimitOut], tags=["ticket settings"])
def time_limit_list(request):
    tickets_visible(request.user)
    return TimeLimit.objects.all()


@router.put(
    "/settings/time-limits/{kind}/{priority}", response=TimeLimitOut, tags=["ticket settings"]
)
def time_limit_put(request, kind: str, priority: str, payload: TimeLimitIn):
    return settings_services.time_limit_set(
        actor=request.user,
        kind=kind,
        priority=priority,
        response_minutes=payload.response_minutes,
        resolution_minutes=payload.resolution_minutes,
        clock=payload.clock,
    )


@router.get("/settings/categories", response=list[CategoryOut], tags=["ticket settings"])
def category_list(request):
    tickets_visible(request.user)
    return ComplaintCategory.objects.all()


@router.post("/settings/categories", response={201: CategoryOut}, tags=["ticket settings"])
def category_create(request, payload: CategoryIn):
    parent = get_or_404(ComplaintCategory, pk=payload.parent_id) if payload.parent_id else None
    category = settings_services.complaint_category_create(
        actor=request.user, name=payload.name, parent=parent
    )
    return Status(201, category)


@router.get("/settings/fees", response=list[FeeOut], tags=["ticket settings"])
def fee_list(request):
    tickets_visible(request.user)
    return FeeItem.objects.all()


@router.put("/settings/fees/{code}", response=FeeOut, tags=["ticket settings"])
def fee_put(request, code: str, payload: FeeIn):
    return settings_services.fee_item_set(
        actor=request.user,
        code=code,
        name=payload.name,
        unit=payload.unit,
        price=payload.price,
        is_active=payload.is_active,
    )


@router.get("/reports/hot-spots", response=list[HotSpotOut], summary="Complaints by category")
def hot_spot_list(request, since: dt.date, until: dt.date):
    if until < since:
        raise ValidationFailed.on("until", _("'until' must not be before 'since'."))
    if since.year < 2000 or until.year > 2100:
        raise ValidationFailed.on("until", _("Dates must lie between 2000 and 2100."))
    return complaint_hot_spots(
        request.user,
        since=timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
        until=timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)),
    )
