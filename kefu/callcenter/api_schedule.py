"""/api/v1/callcenter: shift templates (R-CC-7, R-CC-6), staff leave and forecast overrides
(R-CC-10) — what the roster is built from."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from kefu.callcenter import services
from kefu.callcenter.models import ForecastOverride, ShiftTemplate, StaffLeave
from kefu.errors import get_or_404
from kefu.org.models import User
from kefu.org.permissions import check, scope_filter

router = Router(tags=["callcenter"])


class ShiftTemplateOut(Schema):
    id: int
    code: str
    name: str
    start: dt.time
    end: dt.time
    paid_hours: Decimal
    overnight: bool
    is_active: bool


class ShiftTemplateIn(Schema):
    code: str = Field(..., max_length=20)
    name: str = Field(..., max_length=40)
    start: dt.time
    end: dt.time
    paid_hours: Decimal
    is_active: bool = True


class ShiftTemplatePatch(Schema):
    name: str | None = Field(None, max_length=40)
    start: dt.time | None = None
    end: dt.time | None = None
    paid_hours: Decimal | None = None
    is_active: bool | None = None


class LeaveOut(Schema):
    id: int
    user_id: int
    user_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str

    @staticmethod
    def resolve_user_name(obj: StaffLeave) -> str:
        return obj.user.display_name


class LeaveIn(Schema):
    user_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field(..., max_length=200)


class OverrideOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    calls_per_hour: float | None
    aht_seconds: float | None
    reason: str


class OverrideIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    calls_per_hour: float | None = None
    aht_seconds: float | None = None
    reason: str = Field(..., max_length=200)


# ---------------------------------------------------------------------------- shift templates


@router.get("/shift-templates", response=list[ShiftTemplateOut], summary="Shift templates")
def shift_template_list(request):
    check(request.user, "callcenter.plan")
    return ShiftTemplate.objects.all()


@router.post(
    "/shift-templates",
    response={201: ShiftTemplateOut},
    summary="Add a shift template; the active ones must cover 7×24 (R-CC-7, R-CC-6)",
)
def shift_template_create(request, payload: ShiftTemplateIn):
    row = services.shift_template_create(actor=request.user, **payload.dict())
    return Status(201, row)


@router.patch(
    "/shift-templates/{template_id}",
    response=ShiftTemplateOut,
    summary="Change or deactivate a shift template (R-CC-7, R-CC-6)",
)
def shift_template_update(request, template_id: int, payload: ShiftTemplatePatch):
    check(request.user, "callcenter.schedule")
    template = get_or_404(ShiftTemplate, pk=template_id)
    return services.shift_template_update(
        actor=request.user, template=template, **payload.dict(exclude_unset=True)
    )


# ---------------------------------------------------------------------------- leave


@router.get("/leave", response=list[LeaveOut], summary="Staff leave from a day on")
def leave_list(request, since: dt.date | None = None):
    check(request.user, "callcenter.leave")
    first = since or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    rows = StaffLeave.objects.filter(ends_at__gt=start).select_related("user")
    return scope_filter(request.user, "callcenter.leave", rows, "user__department")


@router.post("/leave", response={201: LeaveOut}, summary="Record leave (R-CC-10)")
def leave_create(request, payload: LeaveIn):
    check(request.user, "callcenter.leave")
    user = get_or_404(User, pk=payload.user_id)
    row = services.staff_leave_create(
        actor=request.user, user=user, starts_at=payload.starts_at, ends_at=payload.ends_at,
        reason=payload.reason,
    )  # fmt: skip
    return Status(201, row)


@router.delete("/leave/{leave_id}", response={204: None}, summary="Withdraw leave")
def leave_cancel(request, leave_id: int):
    check(request.user, "callcenter.leave")
    leave = get_or_404(StaffLeave.objects.select_related("user"), pk=leave_id)
    services.staff_leave_cancel(actor=request.user, leave=leave)
    return Status(204, None)


# ---------------------------------------------------------------------------- overrides


@router.get("/forecast-overrides", response=list[OverrideOut], summary="Forecast overrides")
def override_list(request):
    check(request.user, "callcenter.plan")
    return ForecastOverride.objects.filter(ends_at__gt=timezone.now())


@router.post(
    "/forecast-overrides",
    response={201: OverrideOut},
    summary="Override calls and/or handle time for a stretch of time (R-CC-10)",
)
def override_create(request, payload: OverrideIn):
    row = services.forecast_override_set(actor=request.user, **payload.dict())
    return Status(201, row)


@router.delete("/forecast-overrides/{override_id}", response={204: None})
def override_remove(request, override_id: int):
    check(request.user, "callcenter.schedule")
    override = get_or_404(ForecastOverride, pk=override_id)
    services.forecast_override_remove(actor=request.user, override=override)
    return Status(204, None)
