"""Ticket pages: record a contact, the queues, one ticket with every action it allows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.forms import apply_service, date_param, int_param
from kefu.core.pagination import CappedPaginator
from kefu.customers.selectors import customer_get, customer_search, customers_visible
from kefu.customers.validators import normalise_phone
from kefu.errors import DomainError, get_or_404
from kefu.org.permissions import allowed, check
from kefu.tickets import services, settings_services
from kefu.tickets.exports import tickets_xlsx
from kefu.tickets.forms import (
    ArbitrateForm,
    CallbackForm,
    ChargeForm,
    HandoffForm,
    MergeForm,
    NoteForm,
    PaymentForm,
    RejectForm,
    ResolveForm,
    SplitForm,
    TicketForm,
    VisitForm,
)
from kefu.tickets.models import (
    CALLED_BACK_LABEL,
    Channel,
    Clock,
    ComplaintCategory,
    FeeItem,
    Handoff,
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
from kefu.tickets.states import State, allowed_next


def _filter(tickets, params):
    def choice(name, choices):
        return params.get(name) if params.get(name) in choices.values else None

    since, until = _date(params.get("since")), _date(params.get("until"))
    state = params.get("state")
    if state == Ticket.CALLED_BACK:
        tickets = tickets.filter(state=State.CALLBACK, callback_at__isnull=False)
    elif state == State.CALLBACK:
        tickets = tickets.filter(state=State.CALLBACK, callback_at__isnull=True)
    return tickets_filtered(
        tickets,
        kind=choice("kind", Kind),
        state=choice("state", State),
        channel=choice("channel", Channel),
        customer_id=int_param(params.get("customer")),
        q=params.get("q", "").strip() or None,
        since=_start(since) if since else None,
        until=_start(until + dt.timedelta(days=1)) if until else None,
    )


def _queue_states() -> list[tuple[str, str]]:
    """The states to filter by; waiting for a callback and called back are told apart."""
    states = []
    for value, label in State.choices:
        states.append((value, label))
        if value == State.CALLBACK:
            states.append((Ticket.CALLED_BACK, CALLED_BACK_LABEL))
    return states


@login_required
def queue(request):
    queue_name = request.GET.get("queue", "mine")
    if queue_name not in QUEUES:
        queue_name = "mine"
    tickets = _filter(ticket_queue(request.user, queue_name), request.GET)
    if request.GET.get("format") == "xlsx":
        return tickets_xlsx(tickets[:50000], filename=f"tickets-{queue_name}.xlsx")
    page = CappedPaginator(tickets, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "tickets/queue.html",
        {
            "page": page,
            "queue": queue_name,
            "queues": QUEUES,
            "kinds": Kind.choices,
            "states": _queue_states(),
            "channels": Channel.choices,
            "filters": request.GET,
            # Only who may record a contact sees the button (no link to a 403).
            "can_record": allowed(request.user, "ticket.create"),
        },
    )


@login_required
def matches(request):
    """R-TIC-4: the open and recent tickets of a customer or number, shown before saving."""
    check(request.user, "ticket.create")
    customer = None
    customer_id = int_param(request.GET.get("customer"))
    if customer_id is not None:
        customer = customers_visible(request.user).filter(pk=customer_id).first()
    phone = ""
    try:
        phone = normalise_phone(request.GET.get("phone", ""))
    except DomainError:
        phone = ""
    found = list(related_tickets(customer=customer, phone=phone)[:10]) if customer or phone else []
    return render(request, "tickets/_matches.html", {"matches": found})


@login_required
def customer_pick(request):
    """Find the customer while recording a contact (R-CUS-9 search, masked numbers)."""
    check(request.user, "ticket.create")
    q = request.GET.get("q", "").strip()
    customers = list(customer_search(request.user, q)[:10]) if q else []
    return render(request, "tickets/_customer_pick.html", {"customers": customers, "q": q})


@login_required
def new(request):
    """Record a contact: find the customer, see their open tickets, write what happened."""
    check(request.user, "ticket.create")
    form = TicketForm(request.POST or None, initial=request.GET.dict())
    customer = None
    call_id = int_param(request.POST.get("call") or request.GET.get("call"))
    customer_id = request.POST.get("customer") or request.GET.get("customer")
    if int_param(customer_id) is not None:
        customer = customer_get(request.user, int_param(customer_id))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ticket = apply_service(
            form,
            lambda: services.ticket_create(
                actor=request.user,
                kind=d["kind"],
                channel=d["channel"],
                priority=d["priority"],
                title=d["title"],
                description=d["description"],
                customer=customer,
                phone=d["phone"],
                category=d["category"],
                appointment_at=d["appointment_at"],
                is_major=d["is_major"],
                resolve_now=d["resolve_now"],
                resolution=d["resolution"],
            ),
        )
        if ticket is not None:
            messages.success(request, _("Ticket %(number)s recorded.") % {"number": ticket.number})
            _link_call(request, call_id, ticket)
            return redirect("tickets:detail", ticket_id=ticket.pk)
    found = list(related_tickets(customer=customer)[:10]) if customer else []
    return render(
        request,
        "tickets/new.html",
        {"form": form, "customer": customer, "matches": found, "call_id": call_id},
    )


def _link_call(request, call_id: int | None, ticket) -> None:
    """R-CC-3: a ticket recorded from the screen pop is tied to the call it came from. The
    ticket stands even if the call cannot be linked; the agent is told why."""
    if call_id is None:
        return
    from kefu.callcenter.models import CallRecord
    from kefu.callcenter.services import call_link_ticket

    call = CallRecord.objects.filter(pk=call_id).first()
    if call is None:
        return
    try:
        call_link_ticket(actor=request.user, call=call, ticket=ticket)
    except DomainError as exc:
        messages.warning(request, exc.message)


def _detail_context(request, ticket, **forms):
    user = request.user
    can_work = _may(user, lambda: services._check_work(user, ticket))
    pending = ticket.handoffs.filter(status=HandoffStatus.PENDING, filed_after=False).first()
    can_answer = pending is not None and _may(user, lambda: services._check_receiver(user, pending))
    next_states = [
        s
        for s in allowed_next(ticket.kind, ticket.state)
        if s not in {State.RESOLVED, State.CLOSED, State.ARBITRATION, State.CALLBACK}
    ]
    return {
        "ticket": ticket,
        "events": ticket.events.select_related("actor"),
        "handoffs": ticket.handoffs.select_related("to_department", "to_user", "from_user"),
        "pending": pending,
        "can_work": can_work and ticket.state != State.CLOSED,
        "can_answer": can_answer,
        "can_arbitrate": ticket.state == State.ARBITRATION and allowed(user, "ticket.arbitrate"),
        # R-TIC-7, R-FUP-2: one callback per resolution; once recorded (here or on the
        # follow-up page) the form gives way to the result.
        "can_callback": ticket.state == State.CALLBACK
        and ticket.callback_at is None
        and allowed(user, "ticket.callback"),
        "raised_in": ticket.raised_in_followups.select_related("ticket").first(),
        "may_see_followups": allowed(user, "followup.view"),
        # The customer's name links to their page only for who may open it (no 403 link).
        "may_open_customer": ticket.customer_id is not None
        and _may(user, lambda: check(user, "customer.view", department=ticket.customer.department)),
        "can_charge": ticket.kind == Kind.SERVICE_REQUEST and allowed(user, "ticket.charge"),
        "next_states": next_states,
        "can_resolve": State.RESOLVED in allowed_next(ticket.kind, ticket.state),
        "can_close": State.CLOSED in allowed_next(ticket.kind, ticket.state),
        "handoff_form": forms.get("handoff") or HandoffForm(),
        "resolve_form": forms.get("resolve") or ResolveForm(),
        "callback_form": forms.get("callback") or CallbackForm(),
        "reject_form": forms.get("reject") or RejectForm(),
        "arbitrate_form": forms.get("arbitrate") or ArbitrateForm(),
        "charge_form": forms.get("charge") or ChargeForm(),
        "payment_form": forms.get("payment") or PaymentForm(),
        "note_form": forms.get("note") or NoteForm(),
        "merge_form": forms.get("merge") or MergeForm(),
        "split_form": forms.get("split") or SplitForm(),
        "visit_form": forms.get("visit") or VisitForm(),
        "links": {
            "merged_into": ticket.merged_into,
            "merged_from": list(ticket.merged_from.all()),
            "split_from": ticket.split_from,
            "split_into": list(ticket.split_into.all()),
        },
        "related": related_tickets(customer=ticket.customer, phone=ticket.phone).exclude(
            pk=ticket.pk
        )[:10],
    }


def _may(user, call: Callable[[], object]) -> bool:
    try:
        call()
    except DomainError:
        return False
    return True


@login_required
def detail(request, ticket_id: int):
    ticket = get_or_404(tickets_visible(request.user), pk=ticket_id)
    return render(request, "tickets/detail.html", _detail_context(request, ticket))


_ACTIONS = {
    "handoff": HandoffForm,
    "resolve": ResolveForm,
    "callback": CallbackForm,
    "reject": RejectForm,
    "arbitrate": ArbitrateForm,
    "charge": ChargeForm,
    "payment": PaymentForm,
    "note": NoteForm,
    "merge": MergeForm,
    "split": SplitForm,
    "visit": VisitForm,
}


@login_required
def act(request, ticket_id: int, action: str):
    """Every action on one ticket posts here with the version the person saw (R-TIC-10).

    A refused action shows the ticket page at this address; opening the address again
    (reload, the address bar) is a GET and leads back to the ticket."""
    ticket = get_or_404(tickets_visible(request.user), pk=ticket_id)
    if request.method != "POST":
        return redirect("tickets:detail", ticket_id=ticket.pk)
    version = int_param(request.POST.get("version"))
    if version is None and action != "note":
        # R-TIC-10: every change names the version the person saw.
        messages.error(request, _("The page was out of date; reload it and try again."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    user = request.user
    form_class = _ACTIONS.get(action)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return render(
            request, "tickets/detail.html", _detail_context(request, ticket, **{action: form}),
            status=400,
        )  # fmt: skip
    d = form.cleaned_data if form is not None else {}
    pending = ticket.handoffs.filter(status=HandoffStatus.PENDING).first()
    calls = {
        "handoff": lambda: services.ticket_handoff(
            actor=user, ticket=ticket, version=version, to_department=d["to_department"],
            to_user=d["to_user"], what=d["what"], why=d["why"], due_by=d["due_by"],
        ),
        "resolve": lambda: services.ticket_resolve(
            actor=user, ticket=ticket, version=version, resolution=d["resolution"]
        ),
        "callback": lambda: services.ticket_record_callback(
            actor=user, ticket=ticket, version=version, reached=d["reached"],
            satisfaction=d["satisfaction"], note=d["note"],
        ),
        "reject": lambda: services.handoff_reject(
            actor=user, handoff=pending, version=version, reason=d["reason"]
        ),
        "accept": lambda: services.handoff_accept(actor=user, handoff=pending, version=version),
        "arbitrate": lambda: services.ticket_arbitrate(
            actor=user, ticket=ticket, version=version, department=d["department"],
            owner=d["owner"], decision=d["decision"],
        ),
        "charge": lambda: services.ticket_charge(
            actor=user, ticket=ticket, version=version, item_code=d["item"].code,
            quantity=d["quantity"],
        ),
        "payment": lambda: services.ticket_payment(
            actor=user, ticket=ticket, version=version, amount=d["amount"], method=d["method"]
        ),
        "note": lambda: services.ticket_comment(actor=user, ticket=ticket, note=d["note"]),
        "close": lambda: services.ticket_close(actor=user, ticket=ticket, version=version),
        "merge": lambda: _merge(user, ticket, version, d["into"]),
        "split": lambda: services.ticket_split(
            actor=user, ticket=ticket, version=version, kind=d["kind"], title=d["title"],
            description=d["description"],
        ),
        "visit": lambda: services.ticket_visit_done(
            actor=user, ticket=ticket, version=version, at=d["at"] or timezone.now()
        ),
        "state": lambda: services.ticket_transition(
            actor=user, ticket=ticket, version=version, to_state=request.POST.get("to_state", ""),
            note=request.POST.get("note", ""),
        ),
    }  # fmt: skip
    if action not in calls or (action in {"accept", "reject"} and pending is None):
        messages.error(request, _("That action is not available on this ticket."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    if form is not None:
        done = apply_service(form, calls[action])
        if done is None and action == "callback" and not form.errors.keys() - {"__all__"}:
            # A refusal of the whole callback (R-FUP-2: already recorded, maybe on the
            # follow-up page) is told on the ticket page, whose form is then gone.
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect("tickets:detail", ticket_id=ticket.pk)
        if done is None:
            return render(
                request, "tickets/detail.html",
                _detail_context(request, ticket, **{action: form}), status=400,
            )  # fmt: skip
    else:
        try:
            calls[action]()
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("tickets:detail", ticket_id=ticket.pk)
    messages.success(request, _("Done."))
    return redirect("tickets:detail", ticket_id=ticket.pk)


def _merge(user, ticket, version, number: str):
    into = get_or_404(tickets_visible(user), number=number.strip())
    return services.ticket_merge(
        actor=user, ticket=ticket, version=version, into=into, into_version=into.version
    )


@login_required
def handoff_list(request):
    """Work contact forms waiting for my department's answer."""
    check(request.user, "ticket.work")
    forms = Handoff.objects.filter(status=HandoffStatus.PENDING, filed_after=False)
    if request.user.department is None:
        forms = forms.none()
    else:
        forms = forms.filter(to_department__path__startswith=request.user.department.path)
    forms = forms.select_related("ticket", "from_user", "to_department", "to_user")
    return render(request, "tickets/handoffs.html", {"forms": forms})


@login_required
def settings_page(request):
    """Time limits, complaint categories and the fee schedule, kept by the supervisor."""
    check(request.user, "ticket.settings")
    error = None
    if request.method == "POST":
        p = request.POST
        what = p.get("what")
        calls = {
            "limit": lambda: settings_services.time_limit_set(
                actor=request.user, kind=p.get("kind", ""), priority=p.get("priority", ""),
                response_minutes=p.get("response_minutes"),
                resolution_minutes=p.get("resolution_minutes"), clock=p.get("clock", ""),
            ),
            "category": lambda: settings_services.complaint_category_create(
                actor=request.user, name=p.get("name", ""),
                parent=ComplaintCategory.objects.filter(pk=int_param(p.get("parent")) or 0).first(),
            ),
            "category_active": lambda: settings_services.complaint_category_set_active(
                actor=request.user,
                category=get_or_404(ComplaintCategory, pk=int_param(p.get("category")) or 0),
                is_active=p.get("is_active") == "1",
            ),
            "fee": lambda: settings_services.fee_item_set(
                actor=request.user, code=p.get("code", ""), name=p.get("name", ""),
                unit=p.get("unit", ""), price=p.get("price", ""),
                is_active=p.get("is_active") == "1",
            ),
        }  # fmt: skip
        if what in calls:
            try:
                calls[what]()
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("Saved."))
                return redirect("tickets:settings")
    return render(
        request,
        "tickets/settings.html",
        {
            "limits": TimeLimit.objects.all(),
            "categories": ComplaintCategory.objects.select_related("parent").order_by(
                "parent__name", "name"
            ),
            "roots": ComplaintCategory.objects.filter(parent__isnull=True),
            "fees": FeeItem.objects.all(),
            "kinds": Kind.choices,
            "priorities": Priority.choices,
            "clocks": Clock.choices,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def hot_spots(request):
    """R-TIC-7: where the complaints are, by category, for a period (default: this month)."""
    today = timezone.localdate()
    since = _date(request.GET.get("since")) or today.replace(day=1)
    until = _date(request.GET.get("until")) or today
    rows = complaint_hot_spots(
        request.user, since=_start(since), until=_start(until + dt.timedelta(days=1))
    )
    return render(request, "tickets/hotspots.html", {"rows": rows, "since": since, "until": until})


def _date(text: str | None) -> dt.date | None:
    return date_param(text)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
