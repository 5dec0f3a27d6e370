"""/api/v1: who am I, health, my API tokens, policy settings."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kefu import policy as policies
from kefu.core.calendar_services import calendar_year_set, calendar_year_summary
from kefu.core.models import Notification
from kefu.core.notify import notifications_mark_read
from kefu.core.pagination import PageNumberPagination
from kefu.core.selectors import system_status
from kefu.core.services import policy_set
from kefu.errors import get_or_404
from kefu.org.models import ApiToken
from kefu.org.permissions import PERMISSIONS, check, scope_of
from kefu.org.services import token_create, token_revoke

router = Router(tags=["system"])


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    department_id: int | None
    roles: list[str]
    permissions: dict[str, str]


class HealthOut(Schema):
    status: str
    version: str
    database: str
    worker_running: bool
    worker_last_seen: dt.datetime | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


class TokenIn(Schema):
    name: str = Field("", max_length=100)
    days: int | None = Field(None, ge=1, le=3650)


class TokenCreated(TokenOut):
    key: str = Field(..., description="shown once; store it now")


class PolicyChoiceOut(Schema):
    value: str
    label: str


class PolicyOut(Schema):
    key: str
    label: str
    rule: str
    unit: str
    value: str
    default: str
    choices: list[PolicyChoiceOut] = Field(
        [], description="a choice setting's allowed values and what each means; empty for others"
    )


class PolicyIn(Schema):
    value: str = Field(..., max_length=200)
    reason: str = ""


@router.get("/me", response=MeOut, summary="The signed-in user, roles and permissions")
def me(request):
    user = request.user
    perms = {}
    for code in PERMISSIONS:
        scope = scope_of(user, code)
        if scope is not None:
            perms[code] = scope.name.lower()
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "department_id": user.department_id,
        "roles": sorted(user.role_codes),
        "permissions": perms,
    }


@router.get("/health", response=HealthOut, auth=None, summary="Liveness: database and worker")
def health(request):
    return {"status": "ok", **system_status()}


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
def token_list(request):
    check(request.user, "token.own")
    return ApiToken.objects.filter(user=request.user)


@router.post("/tokens", response={201: TokenCreated}, summary="Issue an API token for myself")
def token_issue(request, payload: TokenIn):
    token, key = token_create(
        actor=request.user, user=request.user, name=payload.name, days=payload.days
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "key": key})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of my API tokens")
def token_delete(request, token_id: int):
    check(request.user, "token.own")
    token = get_or_404(ApiToken.objects.filter(user=request.user), pk=token_id)
    token_revoke(actor=request.user, token=token)
    return Status(204, None)


def _policy_out(policy: policies.Policy) -> dict:
    return {
        "key": policy.key,
        "label": str(policy.label),
        "rule": policy.rule,
        "unit": str(policy.unit),
        "value": str(policies.get(policy.key)),
        "default": str(policy.default),
        "choices": [{"value": code, "label": str(label)} for code, label in policy.choices],
    }


@router.get("/policies", response=list[PolicyOut], summary="Policy settings with the seed defaults")
def policy_list(request):
    check(request.user, "policy.view")
    return [_policy_out(p) for p in policies.POLICIES.values()]


@router.put("/policies/{key}", response=PolicyOut, summary="Change a policy setting")
def policy_update(request, key: str, payload: PolicyIn):
    policy_set(actor=request.user, key=key, value=payload.value, reason=payload.reason)
    return _policy_out(policies.POLICIES[key])


class CalendarYearOut(Schema):
    year: int
    source: str = Field(..., description="entered | package | error | weekdays")
    holidays: list[dt.date]
    makeup_workdays: list[dt.date]
    workdays: int | None = Field(None, description="number of workdays; null when unknown")


class CalendarYearIn(Schema):
    holidays: list[str]
    makeup_workdays: list[str] = []
    source: str = Field("", max_length=200)


@router.get("/calendar/{year}", response=CalendarYearOut, summary="One year of the work calendar")
def calendar_year(request, year: int):
    check(request.user, "policy.view")
    return calendar_year_summary(year)


@router.put("/calendar/{year}", response=CalendarYearOut, summary="Enter a year's holidays")
def calendar_year_put(request, year: int, payload: CalendarYearIn):
    calendar_year_set(
        actor=request.user,
        year=year,
        holidays=payload.holidays,
        makeup_workdays=payload.makeup_workdays,
        source=payload.source,
    )
    return calendar_year_summary(year)


class NotificationOut(Schema):
    id: int
    text: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(Schema):
    ids: list[int] | None = Field(None, description="omit to mark all read")


@router.get("/notifications", response=list[NotificationOut], summary="My notifications")
@paginate(PageNumberPagination)
def notification_list(request, unread: bool = False):
    items = Notification.objects.filter(user=request.user)
    return items.filter(read_at__isnull=True) if unread else items


@router.post("/notifications/read", response=dict, summary="Mark my notifications read")
def notification_read(request, payload: ReadIn):
    return {"marked": notifications_mark_read(user=request.user, ids=payload.ids)}
