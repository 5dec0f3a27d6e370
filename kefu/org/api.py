"""/api/v1/org: departments, positions, staff, roles and the permission table."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
from django.db.models import Q
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kefu.core.pagination import PageNumberPagination
from kefu.errors import get_or_404
from kefu.org import selectors, services
from kefu.org.models import Department, Position, User
from kefu.org.permissions import PERMISSIONS, check
from kefu.org.roles import ROLE_DUTIES, Role

router = Router(tags=["org"])


class DepartmentOut(Schema):
    id: int
    name: str
    code: str
    parent_id: int | None
    path: str
    depth: int
    description: str
    is_active: bool


class DepartmentIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    code: str = Field("", max_length=40)
    parent_id: int | None = None
    description: str = ""


class DepartmentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    parent_id: int | None = None
    move: bool = Field(False, description="set true to apply parent_id (null makes it a root)")
    description: str | None = None
    is_active: bool | None = None


class PositionOut(Schema):
    id: int
    department_id: int
    title: str
    duties: str


class PositionIn(Schema):
    department_id: int
    title: str = Field(..., min_length=1, max_length=100)
    duties: str = ""


class PositionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=100)
    duties: str | None = None


class StaffOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    phone: str
    department_id: int | None
    department_name: str | None
    position_id: int | None
    position_title: str | None
    roles: list[str]
    is_active: bool

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(r.role for r in obj.role_rows.all())

    @staticmethod
    def resolve_department_name(obj: User) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_position_title(obj: User) -> str | None:
        return obj.position.title if obj.position_id else None


class StaffIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1)
    full_name: str = Field("", max_length=60)
    email: str = ""
    phone: str = ""
    department_id: int | None = None
    position_id: int | None = None
    roles: list[str] = []


class StaffPatch(Schema):
    full_name: str | None = Field(None, max_length=60)
    email: str | None = None
    phone: str | None = None
    department_id: int | None = None
    position_id: int | None = None
    change_department: bool = False
    change_position: bool = False
    roles: list[str] | None = None
    is_active: bool | None = None
    reason: str = ""


class RoleOut(Schema):
    code: str
    name: str
    duties: str
    permissions: list[str]


class PermissionOut(Schema):
    code: str
    description: str
    grants: dict[str, str]


def _department(pk: int | None) -> Department | None:
    return None if pk is None else get_or_404(Department, pk=pk)


def _position(pk: int | None) -> Position | None:
    return None if pk is None else get_or_404(Position, pk=pk)


def _staff_queryset():
    return User.objects.select_related("department", "position").prefetch_related("role_rows")


@router.get("/departments", response=list[DepartmentOut], summary="List the department tree")
def department_list(request):
    check(request.user, "org.view")
    return Department.objects.all()


@router.get("/departments/{dept_id}", response=DepartmentOut)
def department_detail(request, dept_id: int):
    check(request.user, "org.view")
    return get_or_404(Department, pk=dept_id)


@router.post("/departments", response={201: DepartmentOut})
def department_create(request, payload: DepartmentIn):
    department = services.department_create(
        actor=request.user,
        name=payload.name,
        code=payload.code,
        parent=_department(payload.parent_id),
        description=payload.description,
    )
    return Status(201, department)


@router.patch("/departments/{dept_id}", response=DepartmentOut)
def department_update(request, dept_id: int, payload: DepartmentPatch):
    check(request.user, "org.manage")
    department = get_or_404(Department, pk=dept_id)
    return services.department_update(
        actor=request.user,
        department=department,
        name=payload.name,
        parent=_department(payload.parent_id) if payload.move else False,
        description=payload.description,
        is_active=payload.is_active,
    )


@router.get("/positions", response=list[PositionOut])
def position_list(request, department_id: int | None = None):
    check(request.user, "org.view")
    positions = Position.objects.all()
    if department_id is not None:
        positions = positions.filter(department_id=department_id)
    return positions


@router.post("/positions", response={201: PositionOut})
def position_create(request, payload: PositionIn):
    check(request.user, "org.manage")
    position = services.position_create(
        actor=request.user,
        department=get_or_404(Department, pk=payload.department_id),
        title=payload.title,
        duties=payload.duties,
    )
    return Status(201, position)


@router.patch("/positions/{position_id}", response=PositionOut)
def position_update(request, position_id: int, payload: PositionPatch):
    check(request.user, "org.manage")
    position = get_or_404(Position, pk=position_id)
    return services.position_update(
        actor=request.user, position=position, title=payload.title, duties=payload.duties
    )


@router.get("/staff", response=list[StaffOut], summary="List staff (search by name or login)")
@paginate(PageNumberPagination)
def staff_list(
    request,
    q: str | None = None,
    department_id: int | None = None,
    role: Role | None = None,
    active: bool | None = None,
):
    check(request.user, "org.view")
    staff = _staff_queryset()
    if q:
        staff = staff.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    if department_id is not None:
        dept = get_or_404(Department, pk=department_id)
        staff = staff.filter(department__path__startswith=dept.path)
    if role:
        staff = staff.filter(role_rows__role=role)
    if active is not None:
        staff = staff.filter(is_active=active)
    return staff


@router.get("/staff/{user_id}", response=StaffOut)
def staff_detail(request, user_id: int):
    check(request.user, "org.view")
    return get_or_404(_staff_queryset(), pk=user_id)


@router.post("/staff", response={201: StaffOut})
def staff_create(request, payload: StaffIn):
    check(request.user, "staff.manage")
    user = services.staff_create(
        actor=request.user,
        username=payload.username,
        password=payload.password,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        department=_department(payload.department_id),
        position=_position(payload.position_id),
        roles=payload.roles,
    )
    return Status(201, user)


@router.patch("/staff/{user_id}", response=StaffOut)
def staff_update(request, user_id: int, payload: StaffPatch):
    check(request.user, "staff.manage")
    user = get_or_404(User, pk=user_id)
    return services.staff_update(
        actor=request.user,
        user=user,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        department=_department(payload.department_id) if payload.change_department else False,
        position=_position(payload.position_id) if payload.change_position else False,
        roles=payload.roles,
        is_active=payload.is_active,
        reason=payload.reason,
    )


@router.get("/roles", response=list[RoleOut], summary="The roles and what each may do")
def role_list(request):
    check(request.user, "org.view")
    return [
        {
            "code": role.value,
            "name": str(role.label),
            "duties": str(ROLE_DUTIES[role]),
            "permissions": sorted(c for c, p in PERMISSIONS.items() if role in p.grants),
        }
        for role in Role
    ]


@router.get("/permissions", response=list[PermissionOut], summary="The permission table (R-SEC-3)")
def permission_list(request):
    check(request.user, "org.view")
    return [
        {
            "code": p.code,
            "description": str(p.description),
            "grants": {role.value: scope.name.lower() for role, scope in p.grants.items()},
        }
        for p in PERMISSIONS.values()
    ]


# ---------------------------------------------------------------- spans (R-ORG-2 to R-ORG-4)


class SpansIn(Schema):
    control: int
    responsibility: int
    influence: int
    support: int
    reason: str = ""


class SpanStepOut(Schema):
    span: str
    old: int
    new: int
    text: str


class PositionSpansOut(Schema):
    position_id: int
    title: str
    department_id: int
    rated: bool
    control: int | None
    responsibility: int | None
    influence: int | None
    support: int | None
    supply: int | None
    demand: int | None
    gap: int | None
    diagnosis: str | None
    diagnosis_label: str
    adjustment: list[SpanStepOut]


class SpanGroupOut(Schema):
    diagnosis: str
    label: str
    positions: list[PositionSpansOut]


class DepartmentSpansOut(Schema):
    department_id: int
    far_below: int
    wide: int
    positions: list[PositionSpansOut]
    groups: list[SpanGroupOut]
    unrated: list[int]


def _span_out(row) -> dict:
    p = row.position
    return {
        "position_id": p.pk,
        "title": p.title,
        "department_id": p.department_id,
        "rated": row.spans is not None,
        "control": p.span_control,
        "responsibility": p.span_responsibility,
        "influence": p.span_influence,
        "support": p.span_support,
        "supply": row.supply,
        "demand": row.demand,
        "gap": row.gap,
        "diagnosis": row.diagnosis.value if row.diagnosis else None,
        "diagnosis_label": row.label,
        "adjustment": [
            {"span": s.span, "old": s.old, "new": s.new, "text": selectors.step_text(s)}
            for s in row.steps
        ],
    }


@router.get(
    "/positions/{position_id}/spans",
    response=PositionSpansOut,
    summary="A position's spans, balance and diagnosis (R-ORG-2 to R-ORG-4)",
)
def position_spans(request, position_id: int):
    position = get_or_404(Position.objects.select_related("department"), pk=position_id)
    check(request.user, "org.span_view", department=position.department)
    return _span_out(selectors.span_row(position))


@router.put(
    "/positions/{position_id}/spans",
    response=PositionSpansOut,
    summary="Rate a position on the four spans, 1–5 (R-ORG-2)",
)
def position_spans_set(request, position_id: int, payload: SpansIn):
    position = get_or_404(Position.objects.select_related("department"), pk=position_id)
    position = services.position_spans_set(actor=request.user, position=position, **payload.dict())
    return _span_out(selectors.span_row(position))


@router.get(
    "/departments/{dept_id}/spans",
    response=DepartmentSpansOut,
    summary="Span analysis of a department's positions, by crisis (R-ORG-3, R-ORG-4)",
)
def department_spans(request, dept_id: int):
    department = get_or_404(Department, pk=dept_id)
    data = selectors.department_spans(request.user, department)
    return {
        "department_id": department.pk,
        "far_below": data["far_below"],
        "wide": data["wide"],
        "positions": [_span_out(r) for r in data["rows"]],
        "groups": [
            {
                "diagnosis": g["diagnosis"],
                "label": str(g["label"]),
                "positions": [_span_out(r) for r in g["rows"]],
            }
            for g in data["groups"]
        ],
        "unrated": [p.pk for p in data["unrated"]],
    }
