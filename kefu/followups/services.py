"""Every write to follow-up tasks and campaigns. One business action, one function.

Rules enforced here: R-FUP-1 (callback plans from delivered contracts), R-FUP-2
(complaint callbacks), R-FUP-5 (relationship upkeep by grade), R-FUP-6 (the
December demand campaign). Surveys live in surveys.py, mystery customers in mystery.py.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers.models import Contract, ContractStatus, Customer
from kefu.errors import Conflict, ValidationFailed
from kefu.followups import events
from kefu.followups.models import FollowUp, Kind, Status
from kefu.followups.plans import add_months, callback_due, callbacks_between
from kefu.org.models import User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.tickets.models import Kind as TicketKind
from kefu.tickets.models import Ticket
from kefu.tickets.states import State as TicketState

_AUDITED = [
    "kind",
    "status",
    "owner",
    "due_on",
    "anchor_on",
    "reached",
    "satisfaction",
    "notes",
    "issue_ticket",
    "demand_plan",
    "gift",
    "cancel_reason",
]
UPKEEP_POLICY = {g: f"followups.upkeep_months_{g.lower()}" for g in "ABCD"}


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


class _Responsible:
    """Who owns a customer's follow-ups: the customer manager, else the nearest supervisor.

    Kept per run so a generation over thousands of customers asks once per department.
    """

    def __init__(self) -> None:
        self._supervisors = list(
            User.objects.filter(is_active=True, role_rows__role=Role.CS_SUPERVISOR)
            .select_related("department")
            .order_by("pk")
            .distinct()
        )
        self._by_department: dict[int, User | None] = {}

    def supervisor(self, department) -> User | None:
        if department.pk not in self._by_department:
            above = [
                u
                for u in self._supervisors
                if u.department_id and department.path.startswith(u.department.path)
            ]
            best = max(above, key=lambda u: len(u.department.path), default=None)
            self._by_department[department.pk] = best or (
                self._supervisors[0] if self._supervisors else None
            )
        return self._by_department[department.pk]

    def owner(self, customer: Customer | None, department) -> User | None:
        if customer is not None and customer.manager_id and customer.manager.is_active:
            return customer.manager
        return self.supervisor(department)


def _chunks(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _tasks(kind: str, **lookup):
    return FollowUp.objects.filter(kind=kind, **lookup)


def _audit_created(task: FollowUp, summary: str) -> None:
    audit_record(
        actor=None,
        action=Action.CREATE,
        target=task,
        summary=summary,
        after=snapshot(task, _AUDITED),
    )


def _change(task: FollowUp, summary: str, actor=None, **fields) -> None:
    before = snapshot(task, _AUDITED)
    for name, value in fields.items():
        setattr(task, name, value)
    task.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=task,
        summary=summary,
        before=before,
        after=snapshot(task, _AUDITED),
    )


# ---------------------------------------------------------------- R-FUP-1 callback plans


def _plan_delivery_callbacks(today: dt.date, who: _Responsible) -> dict[str, int]:
    """R-FUP-1: callback tasks for every delivered contract over the rolling horizon.

    Monthly in the first year after delivery, quarterly after (policy settings).
    Idempotent: a (contract, sequence) already planned is never planned again. A
    moved delivery date re-dates the future planned tasks (or cancels those the new
    date puts in the past); a cancelled contract cancels its future planned tasks.
    """
    first = policy.get("followups.first_year_interval_months")
    later = policy.get("followups.later_interval_months")
    horizon = policy.get("followups.plan_horizon_days")
    start, end = today - dt.timedelta(days=horizon), today + dt.timedelta(days=horizon)
    counts = {"created": 0, "moved": 0, "cancelled": 0}

    cancelled = FollowUp.objects.filter(
        kind=Kind.DELIVERY_CALLBACK,
        status=Status.PLANNED,
        due_on__gte=today,
        contract__status=ContractStatus.CANCELLED,
    )
    for task in cancelled:
        _change(
            task,
            _("contract cancelled"),
            status=Status.CANCELLED,
            cancel_reason=_("The contract was cancelled."),
        )
        counts["cancelled"] += 1

    moved = (
        FollowUp.objects.filter(
            kind=Kind.DELIVERY_CALLBACK,
            status=Status.PLANNED,
            attempt=1,
            due_on__gte=today,
            contract__status=ContractStatus.DELIVERED,
        )
        .exclude(anchor_on=F("contract__delivered_on"))
        .select_related("contract")
    )
    for task in moved:
        delivered = task.contract.delivered_on
        due = callback_due(delivered, task.sequence, first_year=first, later=later)
        if due < today:
            _change(
                task,
                _("delivery date moved"),
                status=Status.CANCELLED,
                cancel_reason=_("The delivery date moved; this callback fell in the past."),
            )
            counts["cancelled"] += 1
        else:
            _change(task, _("delivery date moved"), due_on=due, anchor_on=delivered)
            counts["moved"] += 1

    contracts = Contract.objects.filter(
        status=ContractStatus.DELIVERED,
        delivered_on__isnull=False,
        delivered_on__lte=end,
        customer__merged_into__isnull=True,
    ).select_related("customer__manager", "customer__department")
    # Two queries per 500 contracts, not per contract: the daily job covers every contract.
    for chunk in _chunks(contracts.iterator(chunk_size=500), 500):
        windows = {
            c.pk: callbacks_between(
                c.delivered_on, max(start, c.delivered_on), end, first_year=first, later=later
            )
            for c in chunk
        }
        have = set(
            FollowUp.objects.filter(
                kind=Kind.DELIVERY_CALLBACK,
                attempt=1,
                contract_id__in=[k for k, w in windows.items() if w],
            ).values_list("contract_id", "sequence")
        )
        for contract in chunk:
            customer = contract.customer
            for sequence, due in windows[contract.pk]:
                if (contract.pk, sequence) in have:
                    continue
                task = FollowUp.objects.create(
                    kind=Kind.DELIVERY_CALLBACK,
                    customer=customer,
                    contract=contract,
                    department=customer.department,
                    owner=who.owner(customer, customer.department),
                    due_on=due,
                    sequence=sequence,
                    anchor_on=contract.delivered_on,
                )
                _audit_created(task, _("callback planned (R-FUP-1)"))
                counts["created"] += 1
    return counts


# ---------------------------------------------------------------- R-FUP-2 complaint callbacks


def _plan_complaint_callbacks(
    today: dt.date, who: _Responsible, ticket: Ticket | None = None
) -> dict[str, int]:
    """R-FUP-2: every complaint awaiting its callback has a callback task.

    A task whose complaint left the callback state without one being recorded
    (sent back to tracking) is cancelled; one recorded on the ticket page is done.
    """
    days = policy.get("followups.complaint_callback_days")
    counts = {"created": 0, "closed": 0}
    stale = FollowUp.objects.filter(kind=Kind.COMPLAINT_CALLBACK, status=Status.PLANNED).exclude(
        ticket__state=TicketState.CALLBACK, ticket__callback_at__isnull=True
    )
    if ticket is not None:
        stale = stale.filter(ticket=ticket)
    for task in stale.select_related("ticket"):
        ticket = task.ticket
        if ticket.callback_at is not None:
            _change(
                task,
                _("callback recorded on the ticket"),
                status=Status.DONE,
                reached=True,
                satisfaction=ticket.callback_satisfaction,
                notes=ticket.callback_note,
                done_at=ticket.callback_at,
                done_by=ticket.callback_by,
            )
        else:
            _change(
                task,
                _("complaint reopened"),
                status=Status.CANCELLED,
                cancel_reason=_("The complaint left the callback state."),
            )
        counts["closed"] += 1
    waiting = (
        Ticket.objects.filter(
            kind=TicketKind.COMPLAINT, state=TicketState.CALLBACK, callback_at__isnull=True
        )
        .exclude(
            Exists(
                _tasks(Kind.COMPLAINT_CALLBACK, ticket=OuterRef("pk")).filter(status=Status.PLANNED)
            )
        )
        .select_related("customer__manager", "department")
        .annotate(
            last_attempt=Subquery(
                _tasks(Kind.COMPLAINT_CALLBACK, ticket=OuterRef("pk"))
                .order_by("-attempt")
                .values("attempt")[:1]
            )
        )
    )
    if ticket is not None:
        waiting = waiting.filter(pk=ticket.pk)
    for complaint in waiting:
        resolved = timezone.localdate(complaint.resolved_at) if complaint.resolved_at else today
        task = FollowUp.objects.create(
            kind=Kind.COMPLAINT_CALLBACK,
            customer=complaint.customer,
            ticket=complaint,
            department=complaint.department,
            owner=who.owner(complaint.customer, complaint.department),
            due_on=max(resolved + dt.timedelta(days=days), today)
            if complaint.last_attempt
            else resolved + dt.timedelta(days=days),
            attempt=(complaint.last_attempt or 0) + 1,
        )
        _audit_created(task, _("complaint callback planned (R-FUP-2)"))
        counts["created"] += 1
    return counts


@transaction.atomic
def complaint_callback_plan(*, ticket: Ticket, today: dt.date | None = None) -> FollowUp | None:
    """R-FUP-2: for the tickets app to call when a complaint reaches "awaiting callback".

    The periodic job does the same for every such complaint; calling this makes the
    task appear at once. Returns the planned task (None when the ticket needs none).
    """
    _plan_complaint_callbacks(_today(today), _Responsible(), ticket)
    return FollowUp.objects.filter(
        ticket=ticket, kind=Kind.COMPLAINT_CALLBACK, status=Status.PLANNED
    ).first()


# ---------------------------------------------------------------- R-FUP-5 relationship upkeep


def _plan_upkeep(today: dt.date, who: _Responsible) -> dict[str, int]:
    """R-FUP-5: the next proactive contact of every graded customer, at the grade's cadence.

    One planned upkeep task per customer at a time; the next is planned from the
    last one's due date (or from the customer's creation) plus the grade's months.
    A changed grade re-plans; a customer no longer graded has its task cancelled.
    """
    horizon = policy.get("followups.plan_horizon_days")
    start, end = today - dt.timedelta(days=horizon), today + dt.timedelta(days=horizon)
    cadence = {g: policy.get(key) for g, key in UPKEEP_POLICY.items()}
    counts = {"created": 0, "cancelled": 0}
    planned = FollowUp.objects.filter(kind=Kind.UPKEEP, status=Status.PLANNED).select_related(
        "customer"
    )
    for task in planned:
        grade = task.customer.first_grade
        if task.customer.merged_into_id or cadence.get(grade) != task.interval_months:
            _change(
                task,
                pgettext("event", "grade changed"),
                status=Status.CANCELLED,
                cancel_reason=_("The customer's grade changed; the upkeep is re-planned."),
            )
            counts["cancelled"] += 1
    customers = (
        Customer.objects.filter(merged_into__isnull=True, first_grade__in=list(cadence))
        .exclude(Exists(_tasks(Kind.UPKEEP, customer=OuterRef("pk"), status=Status.PLANNED)))
        .select_related("manager", "department")
        .annotate(
            last_upkeep=Subquery(
                _tasks(Kind.UPKEEP, customer=OuterRef("pk"), attempt=1)
                .exclude(status=Status.CANCELLED)
                .order_by("-due_on")
                .values("due_on")[:1]
            )
        )
    )
    for customer in customers.iterator(chunk_size=500):
        months = cadence[customer.first_grade]
        base = customer.last_upkeep or timezone.localdate(customer.created_at)
        due = add_months(base, months)
        if due < start:  # long before this job first ran: contact them now
            due = today
        if due > end:
            continue
        if FollowUp.objects.filter(
            kind=Kind.UPKEEP, customer=customer, due_on=due, attempt=1
        ).exists():
            continue
        task = FollowUp.objects.create(
            kind=Kind.UPKEEP,
            customer=customer,
            department=customer.department,
            owner=who.owner(customer, customer.department),
            due_on=due,
            interval_months=months,
        )
        _audit_created(task, _("relationship upkeep planned (R-FUP-5)"))
        counts["created"] += 1
    return counts


def _reassign_owners() -> dict[str, int]:
    """R-FUP-1: callbacks belong to the customer's manager; a new manager takes the planned ones."""
    moved = 0
    stale = (
        FollowUp.objects.filter(status=Status.PLANNED, customer__manager__is_active=True)
        .exclude(owner=F("customer__manager"))
        .select_related("customer__manager")
    )
    for task in stale:
        _change(task, _("customer manager changed"), owner=task.customer.manager)
        moved += 1
    return {"reassigned": moved}


@transaction.atomic
def followups_generate(*, actor, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Plan every follow-up due within the horizon (R-FUP-1, R-FUP-2, R-FUP-5). Idempotent."""
    check(actor, "followup.supervise")
    today = _today(today)
    who = _Responsible()
    return {
        "delivery_callback": _plan_delivery_callbacks(today, who),
        "complaint_callback": _plan_complaint_callbacks(today, who),
        "upkeep": _plan_upkeep(today, who),
        "owners": _reassign_owners(),
    }


# ---------------------------------------------------------------- recording a result


def _clean_satisfaction(reached: bool, satisfaction) -> int | None:
    if not reached:
        if satisfaction is not None:
            raise ValidationFailed.on(
                "satisfaction", _("Give a satisfaction score only when the customer was reached.")
            )
        return None
    if satisfaction is None:
        raise ValidationFailed.on(
            "satisfaction", _("Give the customer's satisfaction (1–5) when they were reached.")
        )
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int):
        raise ValidationFailed.on("satisfaction", _("Satisfaction is a whole number from 1 to 5."))
    if not 1 <= satisfaction <= 5:
        raise ValidationFailed.on("satisfaction", _("Satisfaction is from 1 to 5."))
    return satisfaction


@transaction.atomic
def followup_record(
    *,
    actor,
    followup: FollowUp,
    reached: bool,
    notes: str,
    satisfaction: int | None = None,
    issue: str = "",
    issue_kind: str = TicketKind.SERVICE_REQUEST,
    demand_plan: str = "",
    gift: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> FollowUp:
    """Record the result of a follow-up contact (R-FUP-1, R-FUP-2, R-FUP-5, R-FUP-6).

    Reached or not (not reached: a retry task, up to the policy's attempts; a
    complaint callback is retried until made), satisfaction, notes; an issue the
    customer raised becomes a ticket linked to the task in the same step. A
    complaint callback is recorded on the complaint too (R-TIC-7), so it can close.
    """
    if followup.ticket_id is not None:
        # The complaint first, then its task: the ticket page takes the locks in this
        # order too (ticket_record_callback), so the two pages never deadlock.
        Ticket.objects.select_for_update(of=("self",)).filter(pk=followup.ticket_id).first()
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    check(actor, "followup.record", department=followup.department)
    if followup.status != Status.PLANNED:
        raise Conflict(
            message=_("This %(kind)s is already %(status)s; its result cannot be recorded again.")
            % {"kind": followup.get_kind_display(), "status": followup.get_status_display()}
        )
    today, now = _today(today), now or timezone.now()
    notes = (notes or "").strip()
    if not notes:
        raise ValidationFailed.on("notes", _("Notes are required: say what was said or tried."))
    satisfaction = _clean_satisfaction(bool(reached), satisfaction)
    issue, demand_plan, gift = (
        (issue or "").strip(),
        (demand_plan or "").strip(),
        (gift or "").strip(),
    )
    if issue and not reached:
        raise ValidationFailed.on("issue", _("An issue can only be raised by a customer reached."))
    if (demand_plan or gift) and followup.kind != Kind.CAMPAIGN:
        raise ValidationFailed.on(
            "demand_plan", _("Demand plans and gifts belong to demand campaign contacts only.")
        )
    if len(gift) > 200:
        raise ValidationFailed.on("gift", _("Gift is longer than 200 characters."))
    before = snapshot(followup, _AUDITED)
    if followup.kind == Kind.COMPLAINT_CALLBACK:
        from kefu.tickets.services import ticket_record_callback

        # One callback record per complaint callback (R-TIC-7, R-FUP-2): the complaint is
        # recorded here, and refuses (409) a callback already recorded on its own page.
        ticket_record_callback(
            actor=actor,
            ticket=followup.ticket,
            version=None,
            reached=bool(reached),
            satisfaction=satisfaction,
            note=notes,
            followup=followup,
        )
    fields = ["status", "reached", "satisfaction", "notes", "done_at", "done_by"]
    if issue:
        from kefu.tickets.services import ticket_create

        followup.issue_ticket = ticket_create(
            actor=actor,
            kind=issue_kind,
            channel="phone",
            description=issue,
            customer=followup.customer,
            phone="" if followup.customer_id else followup.ticket.phone,
            raised_in=followup,  # not a repeat contact by the customer (R-TIC-4)
        )
        fields.append("issue_ticket")
    followup.status = Status.DONE if reached else Status.UNREACHED
    followup.reached = bool(reached)
    followup.satisfaction = satisfaction
    followup.notes = notes
    followup.done_at = now
    followup.done_by = actor if getattr(actor, "pk", None) else None
    if followup.kind == Kind.CAMPAIGN:
        followup.demand_plan, followup.gift = demand_plan, gift
        fields += ["demand_plan", "gift"]
    followup.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=followup,
        summary=_("follow-up result recorded"),
        before=before,
        after=snapshot(followup, _AUDITED),
    )
    events.followup_recorded(followup, actor=actor)
    if not reached:
        _retry(followup, today)
    return followup


def _retry(followup: FollowUp, today: dt.date) -> FollowUp | None:
    if followup.kind != Kind.COMPLAINT_CALLBACK and followup.attempt >= policy.get(
        "followups.max_attempts"
    ):
        return None
    task = FollowUp.objects.create(
        kind=followup.kind,
        customer=followup.customer,
        contract=followup.contract,
        ticket=followup.ticket,
        campaign=followup.campaign,
        department=followup.department,
        owner=followup.owner,
        due_on=today + dt.timedelta(days=policy.get("followups.retry_days")),
        sequence=followup.sequence,
        anchor_on=followup.anchor_on,
        interval_months=followup.interval_months,
        attempt=followup.attempt + 1,
        retry_of=followup,
    )
    _audit_created(task, _("retry planned: the customer was not reached"))
    return task


@transaction.atomic
def complaint_callbacks_sync(*, today: dt.date | None = None) -> dict[str, int]:
    """R-FUP-2: the worker's frequent pass over complaints awaiting their callback."""
    return _plan_complaint_callbacks(_today(today), _Responsible())
