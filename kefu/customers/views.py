"""Customer archive pages: parse the form, call a service, show the result."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu.core.forms import apply_service, without_field_code
from kefu.customers import imports, selectors, services
from kefu.customers.forms import (
    BlacklistForm,
    ClaimForm,
    ContactForm,
    ContractForm,
    CustomerForm,
    DeliverForm,
    ImportForm,
    MergeForm,
    ReasonForm,
)
from kefu.customers.masking import mask
from kefu.customers.models import (
    BlacklistEntry,
    Contact,
    Contract,
    CustomerClass,
    CustomerImport,
    FirstGrade,
    GradingRun,
    GradingRunStatus,
    ImportStatus,
    QualityList,
)
from kefu.customers.search import SEARCH_LIMIT
from kefu.errors import DomainError, NotFound, get_or_404
from kefu.org.models import Department
from kefu.org.permissions import Scope, allowed, check


def _form_page(request, form, title, back=None):
    return render(request, "form.html", {"form": form, "title": title, "back": back})


@login_required
def customer_list(request):
    """Search (R-CUS-9) with warnings and blacklist shown on each line (R-CUS-6, R-CUS-5)."""
    q = request.GET.get("q", "").strip()
    customers = selectors.customer_search(request.user, q)
    klass = request.GET.get("class", "")
    grade = request.GET.get("grade", "")
    if klass in CustomerClass.values:
        customers = customers.filter(customer_class=klass)
    if grade in FirstGrade.values and grade:
        customers = customers.filter(first_grade=grade)
    page = Paginator(selectors.with_warning_figures(customers), 50).get_page(
        request.GET.get("page")
    )
    listed = selectors.active_blacklist(c.pk for c in page)
    rows = [
        {
            "c": c,
            "phone": mask("phone", c.phone),
            "warnings": selectors.customer_warnings(c),
            "blacklist": listed.get(c.pk),
        }
        for c in page
    ]
    user = request.user
    return render(
        request,
        "customers/list.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "klass": klass,
            "grade": grade,
            "classes": CustomerClass.choices,
            "limited": bool(q) and page.paginator.count >= SEARCH_LIMIT,
            "search_limit": SEARCH_LIMIT,
            "grades": [g for g in FirstGrade.values if g],
            "can_edit": allowed(user, "customer.edit"),
            "can_export": allowed(user, "customer.export"),
            "can_import": allowed(user, "customer.import"),
            "can_report": allowed(user, "customer.report"),
            "can_merge": allowed(user, "customer.merge"),
            "can_grade": allowed(user, "customer.grade"),
        },
    )


@login_required
def customer_new(request):
    check(request.user, "customer.edit")
    form = CustomerForm(request.POST or None, initial={"department": request.user.department_id})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customer = apply_service(
            form,
            lambda: services.customer_create(
                actor=request.user,
                department=data["department"],
                manager=data["manager"],
                **{k: v for k, v in form.service_fields().items() if v not in (None, "")},
            ),
        )
        if customer is not None:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer})
            return redirect("customers:detail", customer_id=customer.pk)
    return _form_page(request, form, _("New customer"))


@login_required
def customer_edit(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id, "customer.edit")
    personal = selectors.personal_view(customer)
    initial = {f: getattr(customer, f) for f in ("kind", "name", "gender", "birth_date", "age",
               "education", "occupation", "job_title", "company", "industry", "email",
               "personality_notes", "purchase_attitude", "requirements", "visit_reactions",
               "purchase_intent", "source", "customer_class", "credit")}  # fmt: skip
    initial |= {
        "interests": "，".join(customer.interests),
        "tags": "，".join(customer.tags),
        "department": customer.department_id,
        "manager": customer.manager_id,
    }
    form = CustomerForm(request.POST or None, initial=initial, customer=customer, personal=personal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = apply_service(
            form,
            lambda: services.customer_update(
                actor=request.user,
                customer=customer,
                department=data["department"],
                manager=data["manager"],
                **form.service_fields(),
            ),
        )
        if updated is not None:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", customer_id=customer.pk)
    return _form_page(request, form, _("Change %(name)s") % {"name": customer.name})


@login_required
def customer_detail(request, customer_id: int):
    """R-CUS-8: one page with everything about the customer, to whoever may see it."""
    customer = selectors.customer_get(request.user, customer_id, warning_figures=True)
    if customer.merged_into_id:
        messages.info(
            request, _("This customer was merged into #%(id)s.") % {"id": customer.merged_into_id}
        )
    user = request.user
    # Most customers have no blacklist entries and no class changes: the people named in them
    # are read only when there are some (a join each cost 0.2-0.3 ms on every page).
    history = list(customer.blacklist.all())
    prefetch_related_objects(history, "approved_by", "lifted_by")
    class_changes = list(customer.class_changes.all()[:20])
    prefetch_related_objects(class_changes, "actor")
    today = timezone.localdate()
    listed = next((e for e in history if selectors.is_listed(e, today)), None)
    personal = selectors.personal_view(customer)
    contacts = [{"contact": c, "phone": mask("phone", c.phone)} for c in customer.contacts.all()]
    context = {
        "customer": customer,
        "personal": personal,
        "contacts": contacts,
        "contracts": customer.contracts.prefetch_related("claims"),
        "warnings": selectors.customer_warnings(customer),
        "blacklist": listed,
        "blacklist_history": history,
        "class_changes": class_changes,
        "grade_changes": customer.grade_changes.all()[:20],
        **_timeline_page(customer, 0),
        **_business_of(user, customer),
        "duplicates": selectors.customer_duplicates_of(user, customer)
        if allowed(user, "customer.merge")
        else [],
        "can_reveal": selectors.can_reveal(user, customer),
        "can_edit": allowed(user, "customer.edit"),
        "can_contract": allowed(user, "customer.contract"),
        "can_blacklist": allowed(user, "customer.blacklist"),
        "can_merge": allowed(user, "customer.merge"),
        "reveal_fields": [
            (field, label, personal[field])
            for field, label in (
                ("phone", _("Phone")),
                ("phone_alt", _("Other phone")),
                ("id_number", _("ID number")),
                ("address", _("Address")),
                ("income_band", _("Income band")),
                ("family_structure", _("Family structure")),
            )
        ],  # fmt: skip
    }
    return render(request, "customers/detail.html", context)


# R-CUS-8: the customer's tickets, calls and planned callbacks, newest first, each to whoever
# may see them (R-SEC-3). The timeline tells what happened; these are the records themselves,
# including calls imported from the telephone system, which leave no timeline line, and
# callbacks still to come.
BUSINESS_ROWS = 10


def _business_of(user, customer) -> dict:
    from kefu.callcenter.models import Direction, Disposition
    from kefu.callcenter.selectors import calls_visible
    from kefu.followups.models import Kind as FollowUpKind
    from kefu.followups.models import Status
    from kefu.followups.selectors import followups_visible
    from kefu.tickets.models import Kind as TicketKind
    from kefu.tickets.models import state_label
    from kefu.tickets.selectors import tickets_visible

    # Only what the sections show, as plain rows: the visible querysets join every related
    # record (a ticket's people, a call's hotline, queue, customer and ticket), which cost
    # the page 11 ms of CPU for 30 rows; model objects for them cost 3 ms more.
    out = {"tickets": None, "calls": None, "callbacks": None}
    if allowed(user, "ticket.view"):
        rows = (
            tickets_visible(user)
            .filter(customer=customer)
            .select_related(None)
            .order_by("-created_at", "-pk")
            .values("pk", "number", "kind", "title", "state", "callback_at", "created_at")
        )
        out["tickets"] = [
            {
                **row,
                "kind_label": TicketKind(row["kind"]).label,
                "state_label": state_label(row["state"], row["callback_at"]),
            }
            for row in rows[:BUSINESS_ROWS]
        ]
    if allowed(user, "callcenter.view"):
        rows = (
            calls_visible(user)
            .filter(customer=customer)
            .select_related(None)
            .order_by("-enter_at", "-pk")
            .values("enter_at", "direction", "disposition", "agent_label", "agent__full_name",
                    "agent__username")
        )  # fmt: skip
        out["calls"] = [
            {
                "enter_at": row["enter_at"],
                "direction": Direction(row["direction"]).label,
                "disposition": Disposition(row["disposition"]).label if row["disposition"] else "—",
                "agent": row["agent__full_name"] or row["agent__username"] or row["agent_label"],
            }
            for row in rows[:BUSINESS_ROWS]
        ]
    if allowed(user, "followup.view"):
        rows = (
            followups_visible(user)
            .filter(customer=customer, status=Status.PLANNED)
            .select_related(None)
            .order_by("due_on", "pk")
            .values("pk", "due_on", "kind", "owner__full_name", "owner__username")
        )
        out["callbacks"] = [
            {
                **row,
                "kind_label": FollowUpKind(row["kind"]).label,
                "owner": row["owner__full_name"] or row["owner__username"],
            }
            for row in rows[:BUSINESS_ROWS]
        ]
    return out


# R-CUS-8: the customer page shows the newest lines of the timeline; older ones come a page at
# a time (htmx appends them in place; without script the link opens them as a page).
TIMELINE_PAGE = 20


def _timeline_page(customer, offset: int) -> dict:
    rows = list(
        customer.timeline.select_related("actor").only(
            "customer", "at", "summary", "link_url", "actor", "actor__full_name", "actor__username"
        )[offset : offset + TIMELINE_PAGE + 1]
    )
    more = len(rows) > TIMELINE_PAGE
    return {
        "timeline": rows[:TIMELINE_PAGE],
        "timeline_next": offset + TIMELINE_PAGE if more else None,
    }


@login_required
def customer_timeline(request, customer_id: int):
    """R-CUS-8: older lines of the customer's timeline, a page at a time."""
    customer = selectors.customer_get(request.user, customer_id)
    try:
        # Bounded: a number past any timeline must not overflow the database's OFFSET.
        offset = min(max(0, int(request.GET.get("offset", "0"))), 10**7)
    except ValueError:
        offset = 0
    context = {"customer": customer, **_timeline_page(customer, offset), "offset": offset}
    if request.htmx:
        return render(request, "customers/_timeline.html", context)
    return render(request, "customers/timeline.html", context)


@login_required
@require_POST
def customer_reveal(request, customer_id: int):
    """R-SEC-1: htmx answer with the clear value for this user only, or the refusal."""
    customer = selectors.customer_get(request.user, customer_id)
    contact = None
    if request.POST.get("contact"):
        contact = get_or_404(Contact, pk=request.POST["contact"], customer=customer)
    try:
        value = services.customer_reveal_field(
            actor=request.user,
            customer=customer,
            field=request.POST.get("field", ""),
            reason=request.POST.get("reason", ""),
            contact=contact,
        )
    except DomainError as exc:
        # Shown beside the field's own label: without the API's field code in front.
        field = exc.errors[0].field if exc.errors else ""
        error = without_field_code(field, exc.message) if field else exc.message
        return render(request, "customers/_reveal.html", {"error": error}, status=exc.status)
    return render(request, "customers/_reveal.html", {"value": value or "—"})


@login_required
def contact_new(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id, "customer.edit")
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = apply_service(
            form,
            lambda: services.contact_create(
                actor=request.user, customer=customer, **form.cleaned_data
            ),
        )
        if contact is not None:
            messages.success(request, _("Contact %(name)s added.") % {"name": contact.name})
            return redirect("customers:detail", customer_id=customer.pk)
    return _form_page(request, form, _("New contact for %(name)s") % {"name": customer.name})


@login_required
def contract_new(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id, "customer.contract")
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contract = apply_service(
            form,
            lambda: services.contract_create(
                actor=request.user, customer=customer, **form.cleaned_data
            ),
        )
        if contract is not None:
            messages.success(request, _("Contract %(n)s recorded.") % {"n": contract.number})
            return redirect("customers:detail", customer_id=customer.pk)
    return _form_page(request, form, _("New contract for %(name)s") % {"name": customer.name})


def _contract_for(request, contract_id: int) -> Contract:
    contract = get_or_404(Contract.objects.select_related("customer__department"), pk=contract_id)
    check(request.user, "customer.contract", department=contract.customer.department)
    return contract


@login_required
def contract_deliver(request, contract_id: int):
    contract = _contract_for(request, contract_id)
    form = DeliverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.contract_deliver(
                actor=request.user,
                contract=contract,
                delivered_on=form.cleaned_data["delivered_on"],
            ),
        )
        if done is not None:
            messages.success(request, _("Delivery recorded."))
            return redirect("customers:detail", customer_id=contract.customer_id)
    return _form_page(request, form, _("Delivery of contract %(n)s") % {"n": contract.number})


@login_required
def contract_cancel(request, contract_id: int):
    contract = _contract_for(request, contract_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.contract_cancel(
                actor=request.user, contract=contract, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Contract %(n)s cancelled.") % {"n": contract.number})
            return redirect("customers:detail", customer_id=contract.customer_id)
    return _form_page(request, form, _("Cancel contract %(n)s") % {"n": contract.number})


@login_required
def claim_new(request, contract_id: int):
    contract = _contract_for(request, contract_id)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = apply_service(
            form,
            lambda: services.claim_create(
                actor=request.user, contract=contract, **form.cleaned_data
            ),
        )
        if claim is not None:
            messages.success(request, _("Claim recorded."))
            return redirect("customers:detail", customer_id=contract.customer_id)
    return _form_page(request, form, _("Claim on contract %(n)s") % {"n": contract.number})


@login_required
def blacklist_new(request, customer_id: int):
    customer = selectors.customer_get(request.user, customer_id, "customer.blacklist")
    form = BlacklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = apply_service(
            form,
            lambda: services.customer_blacklist(
                actor=request.user, customer=customer, **form.cleaned_data
            ),
        )
        if entry is not None:
            messages.success(
                request,
                _("%(name)s is on the blacklist (entry #%(id)s).")
                % {"name": customer.name, "id": entry.pk},
            )
            return redirect("customers:detail", customer_id=customer.pk)
    return _form_page(request, form, _("Blacklist %(name)s") % {"name": customer.name})


@login_required
def blacklist_lift(request, entry_id: int):
    entry = get_or_404(BlacklistEntry.objects.select_related("customer__department"), pk=entry_id)
    check(request.user, "customer.blacklist", department=entry.customer.department)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.customer_blacklist_lift(
                actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Blacklist entry #%(id)s lifted.") % {"id": entry.pk})
            return redirect("customers:detail", customer_id=entry.customer_id)
    return _form_page(request, form, _("Lift blacklist entry #%(id)s") % {"id": entry.pk})


@login_required
def customer_merge(request, customer_id: int):
    """R-CUS-11: merge a duplicate into this customer."""
    survivor = selectors.customer_get(request.user, customer_id, "customer.merge")
    form = MergeForm(request.POST or None, initial={"duplicate": request.GET.get("duplicate")})
    if request.method == "POST" and form.is_valid():
        duplicate = selectors.customer_get(
            request.user, form.cleaned_data["duplicate"], "customer.merge"
        )
        done = apply_service(
            form,
            lambda: services.customer_merge(
                actor=request.user,
                survivor=survivor,
                duplicate=duplicate,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(
                request, _("Customer #%(id)s merged into this one.") % {"id": duplicate.pk}
            )
            return redirect("customers:detail", customer_id=survivor.pk)
    return _form_page(request, form, _("Merge a duplicate into %(name)s") % {"name": survivor.name})


@login_required
def duplicates(request):
    check(request.user, "customer.merge")
    return render(
        request, "customers/duplicates.html", {"groups": selectors.duplicate_groups(request.user)}
    )


@login_required
def export(request):
    """R-CUS-10: the current search result as xlsx or csv, masked as on screen (R-SEC-1)."""
    check(request.user, "customer.export")
    fmt = request.GET.get("format", "xlsx")
    queryset = selectors.customer_search(
        request.user,
        request.GET.get("q", ""),
        queryset=selectors.customers_visible(request.user, "customer.export"),
    )
    try:
        content, kind, name = imports.customers_export(
            actor=request.user, queryset=queryset, fmt=fmt
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("customers:list")
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _live_lines(items) -> list[dict]:
    return [
        {
            "id": q.customer.pk,
            "name": q.customer.name,
            "grade": q.customer.first_grade,
            "department": q.customer.department.name,
            "reasons": q.reasons,
        }
        for q in items
    ]


def _stored_lines(user, lines: list[dict]) -> list[dict]:
    """A stored month's lines limited to the departments ``user`` may see (R-SEC-3)."""
    scope = check(user, "customer.report")
    departments = Department.objects.in_bulk({line["department_id"] for line in lines})
    own = getattr(user, "department", None)
    out = []
    for line in lines:
        dept = departments.get(line["department_id"])
        if dept is None:
            continue
        if scope != Scope.ALL and (own is None or not dept.is_within(own)):
            continue
        out.append(line | {"department": dept.name})
    return out


@login_required
def quality(request):
    """R-CUS-4: the high- and poor-quality lists, on screen and as xlsx; now or a past month."""
    check(request.user, "customer.report")
    months = list(QualityList.objects.values_list("month", flat=True)[:36])
    month = request.GET.get("month", "")
    if month:
        try:
            first_day = dt.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise NotFound(message=_("No quality list for %(m)s.") % {"m": month}) from None
        stored = get_or_404(QualityList, month=first_day)
        high = _stored_lines(request.user, stored.high)
        poor = _stored_lines(request.user, stored.poor)
    else:
        live_high, live_poor = selectors.quality_lists(request.user)
        high, poor = _live_lines(live_high), _live_lines(live_poor)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            imports.quality_xlsx(high, poor),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="customer-quality.xlsx"'
        return response
    return render(
        request,
        "customers/quality.html",
        {"high": high, "poor": poor, "months": months, "month": month},
    )


@login_required
def grading(request):
    """R-CUS-3: propose grades, review the proposal, approve it with overrides."""
    check(request.user, "customer.grade")
    if request.method == "POST" and request.POST.get("action") == "propose":
        run = services.grading_propose(actor=request.user)
        messages.success(
            request, _("Grades proposed (run #%(id)s). Review and approve them.") % {"id": run.pk}
        )
        return redirect("customers:grading")
    run = GradingRun.objects.first()
    if request.method == "POST" and request.POST.get("action") == "approve" and run is not None:
        overrides = {}
        for key, value in request.POST.items():
            if key.startswith("first_") and value:
                overrides.setdefault(key[6:], {})["first_grade"] = value
            if key.startswith("second_") and value:
                overrides.setdefault(key[7:], {})["second_grade"] = value
        try:
            changed = services.grading_approve(
                actor=request.user,
                run=run,
                overrides={int(k): v for k, v in overrides.items() if k.isdigit()},
            )
            messages.success(
                request, _("Grades approved: %(n)d customers changed.") % {"n": changed}
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("customers:grading")
    proposals = None
    if run is not None:
        proposals = Paginator(run.proposals.select_related("customer"), 100).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "customers/grading.html",
        {
            "run": run,
            "page": proposals,
            "open": run is not None and run.status == GradingRunStatus.PROPOSED,
            "first_grades": [g for g in FirstGrade.values if g],
        },
    )


@login_required
def import_upload(request):
    """R-CUS-10: upload a file; the worker validates every row and imports."""
    check(request.user, "customer.import")
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"department": request.user.department_id},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = apply_service(
            form,
            lambda: imports.customer_import_start(
                actor=request.user,
                department=form.cleaned_data["department"],
                file_name=upload.name,
                content=upload.read(),
                good_rows_only=form.cleaned_data["good_rows_only"],
            ),
        )
        if job is not None:
            return redirect("customers:import_job", job_id=job.pk)
    jobs = CustomerImport.objects.filter(created_by=request.user).defer("content")[:10]
    return render(request, "customers/import.html", {"form": form, "jobs": jobs})


def _job_for(request, job_id: int) -> CustomerImport:
    job = get_or_404(
        CustomerImport.objects.defer("content").select_related("department"), pk=job_id
    )
    check(request.user, "customer.import", department=job.department)
    return job


@login_required
def import_job(request, job_id: int):
    """The import's progress (polled by htmx while it runs) and its bad-row report."""
    job = _job_for(request, job_id)
    if request.method == "POST":
        try:
            imports.customer_import_retry_good_rows(actor=request.user, job=job)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("customers:import_job", job_id=job.pk)
    context = {
        "job": job,
        "running": job.status in {ImportStatus.PENDING, ImportStatus.RUNNING},
        "percent": int(job.done * 100 / job.total) if job.total else 0,
    }
    template = "customers/_import_progress.html" if request.htmx else "customers/import_job.html"
    return render(request, template, context)


@login_required
def import_bad_rows(request, job_id: int):
    job = _job_for(request, job_id)
    report = imports.ImportReport(headers=job.headers_json)
    report.bad = [imports.BadRow(e["row"], e["reason"], e.get("values", [])) for e in job.errors]
    response = HttpResponse(
        imports.bad_rows_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="bad-rows-{job.pk}.xlsx"'
    return response
