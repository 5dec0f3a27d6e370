from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kefu.core.forms import apply_service, int_param
from kefu.errors import get_or_404
from kefu.org import selectors, services
from kefu.org.forms import DepartmentForm, PositionForm, SpansForm, StaffCreateForm, StaffForm
from kefu.org.models import Department, Position, User
from kefu.org.permissions import allowed, check
from kefu.org.roles import ROLE_DUTIES, Role


@login_required
def tree(request):
    """The department tree with positions, duties and head counts (R-ORG-1)."""
    check(request.user, "org.view")
    # Ordered by path so each department follows its parent (an annotation drops the
    # model's default ordering); the head count is the whole subtree's, as the staff list
    # the number links to shows the subtree.
    departments = list(
        Department.objects.annotate(own=Count("members", filter=Q(members__is_active=True)))
        .prefetch_related(Prefetch("positions", queryset=Position.objects.order_by("title")))
        .order_by("path")
    )
    for d in departments:
        d.staff_count = sum(o.own for o in departments if o.path.startswith(d.path))
    roles = [{"code": r.value, "label": r.label, "duties": ROLE_DUTIES[r]} for r in Role]
    return render(
        request,
        "org/tree.html",
        {
            "departments": departments,
            "roles": roles,
            "can_manage": allowed(request.user, "org.manage"),
        },
    )


@login_required
def department_new(request):
    check(request.user, "org.manage")
    form = DepartmentForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department = apply_service(
            form,
            lambda: services.department_create(
                actor=request.user,
                name=data["name"],
                code=data["code"],
                parent=data["parent"],
                description=data["description"],
            ),
        )
        if department is not None:
            messages.success(request, _("Department %(name)s created.") % {"name": department})
            return redirect("org:tree")
    return render(request, "form.html", {"form": form, "title": _("New department")})


@login_required
def position_new(request):
    check(request.user, "org.manage")
    form = PositionForm(request.POST or None, initial={"department": request.GET.get("department")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        position = apply_service(
            form,
            lambda: services.position_create(
                actor=request.user,
                department=data["department"],
                title=data["title"],
                duties=data["duties"],
            ),
        )
        if position is not None:
            messages.success(request, _("Position %(name)s created.") % {"name": position})
            return redirect("org:tree")
    return render(request, "form.html", {"form": form, "title": _("New position")})


@login_required
def staff_list(request):
    check(request.user, "org.view")
    staff = User.objects.select_related("department", "position").prefetch_related("role_rows")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    dept_id = request.GET.get("department", "")
    if q:
        staff = staff.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if role in Role.values:
        staff = staff.filter(role_rows__role=role)
    if int_param(dept_id) is not None:
        dept = Department.objects.filter(pk=int_param(dept_id)).first()
        if dept:
            staff = staff.filter(department__path__startswith=dept.path)
    page = Paginator(staff.order_by("department__path", "username"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "org/staff_list.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "department": dept_id,
            "roles": Role.choices,
            "departments": Department.objects.all(),
            "can_manage": allowed(request.user, "staff.manage"),
        },
    )


@login_required
def staff_new(request):
    check(request.user, "staff.manage")
    form = StaffCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = apply_service(
            form,
            lambda: services.staff_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                department=data["department"],
                position=data["position"],
                roles=data["roles"],
            ),
        )
        if user is not None:
            messages.success(request, _("Staff member %(name)s created.") % {"name": user})
            return redirect("org:staff_detail", user_id=user.pk)
    return render(request, "form.html", {"form": form, "title": _("New staff member")})


@login_required
def staff_detail(request, user_id: int):
    check(request.user, "org.view")
    member = get_or_404(User.objects.select_related("department", "position"), pk=user_id)
    can_manage = allowed(request.user, "staff.manage")
    form = None
    if can_manage:
        initial = {
            "full_name": member.full_name,
            "email": member.email,
            "phone": member.phone,
            "department": member.department_id,
            "position": member.position_id,
            "roles": sorted(member.role_codes),
            "is_active": member.is_active,
        }
        form = StaffForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            updated = apply_service(
                form,
                lambda: services.staff_update(
                    actor=request.user,
                    user=member,
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    department=data["department"],
                    position=data["position"],
                    roles=data["roles"],
                    is_active=data["is_active"],
                ),
            )
            if updated is not None:
                messages.success(request, _("Changes saved."))
                return redirect("org:staff_detail", user_id=member.pk)
    elif request.method == "POST":
        check(request.user, "staff.manage")
    roles = [(Role(c).label, ROLE_DUTIES[Role(c)]) for c in sorted(member.role_codes)]
    return render(
        request, "org/staff_detail.html", {"member": member, "roles": roles, "form": form}
    )


# ---------------------------------------------------------------- spans (R-ORG-2 to R-ORG-4)


@login_required
def spans(request, dept_id: int | None = None):
    """R-ORG-3, R-ORG-4: supply against demand for every position of a department.

    A chart drawn on the server, the positions grouped by crisis with the seed's
    adjustment order, and the positions nobody has rated yet.
    """
    check(request.user, "org.span_view")
    if dept_id is None:
        dept_id = int_param(request.GET.get("department"))
    if dept_id is None:
        own = request.user.department
        department = own or Department.objects.filter(parent__isnull=True).first()
    else:
        department = get_or_404(Department, pk=dept_id)
    if department is None:
        return render(request, "org/spans.html", {"report": None, "departments": []})
    report = selectors.department_spans(request.user, department)
    return render(
        request,
        "org/spans.html",
        {
            "report": report,
            "chart": selectors.spans_svg(report["rows"]) if report["rated"] else "",
            "departments": Department.objects.filter(is_active=True),
            "can_rate": allowed(request.user, "org.span_rate"),
        },
    )


@login_required
def position_spans(request, position_id: int):
    """R-ORG-2: rate a position on the four spans."""
    position = get_or_404(Position.objects.select_related("department"), pk=position_id)
    check(request.user, "org.span_rate", department=position.department)
    initial = {
        "control": position.span_control,
        "responsibility": position.span_responsibility,
        "influence": position.span_influence,
        "support": position.span_support,
    }
    form = SpansForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = apply_service(
            form,
            lambda: services.position_spans_set(
                actor=request.user, position=position, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("Spans of %(p)s saved.") % {"p": position})
            return redirect("org:department_spans", dept_id=position.department_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "form.html",
        {"form": form, "title": _("Spans of %(p)s") % {"p": position}},
        status=status,
    )
