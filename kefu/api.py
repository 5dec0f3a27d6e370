"""The JSON API under /api/v1/: authentication, problem bodies, and each app's router."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from kefu.api_schema import KefuAPI
from kefu.core.access import api_gate
from kefu.core.input_errors import (
    body_is_not_an_object,
    body_not_json,
    body_not_object,
    field_error,
    join_sentences,
)
from kefu.errors import (
    Conflict,
    DomainError,
    FieldError,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    database_unavailable,
    is_database_unavailable,
    problem_response,
)
from kefu.org.services import token_authenticate

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer kefu_…`` — tokens issued by ``kefu token create``."""

    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
            # R-SEC-3: the endpoint table's gate, before the body is read (kefu/core/access.py).
            api_gate(request, user)
        return user


class Session(APIKeyCookie):
    """The web session, so pages can call the API; CSRF is checked on writes."""

    from django.conf import settings as _settings

    param_name = _settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            api_gate(request, user)  # R-SEC-3, as for bearer tokens
            return user
        return None


api = KefuAPI(
    title="Kefu API",
    version="1",
    description="Kefu (客服) customer service management system. "
    "Authenticate with `Authorization: Bearer <token>` (`kefu token create USERNAME`) "
    "or a signed-in web session. Errors are problem bodies: "
    "`{type, title, status, detail, errors[]}`.",
    auth=[BearerToken(), Session()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return problem_response(exc)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        message = _("The API token is not valid, has expired or was revoked.")
    else:
        message = _(
            "Sign in first: send Authorization: Bearer <token>, or use a signed-in web session."
        )
    return problem_response(NotAuthenticated(message=message))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    """pydantic's checks of path, query, form and body, each worded in the request's
    language naming its field (kefu/core/input_errors.py)."""
    if body_is_not_an_object(request, exc.errors):
        return problem_response(ValidationFailed.on("body", body_not_object()))
    errors = [field_error(e) for e in exc.errors]
    summary = join_sentences([e.message for e in errors]) or _("The request is invalid.")
    return problem_response(ValidationFailed(message=summary, errors=errors))


@api.exception_handler(DjangoValidationError)
def _django_invalid(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = [FieldError(k, " ".join(m.messages)) for k, m in exc.error_dict.items()]
    else:
        errors = [FieldError("request", m) for m in exc.messages]
    return problem_response(
        ValidationFailed(
            message="; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors
        )
    )


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(NotFound(message=str(exc) or _("Not found.")))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request, exc):
    """A lost or refused database connection is a 503 problem body, not a 500 (issue 10);
    a missing table or a bad query is a defect and stays a 500 (logged with its trace)."""
    if not is_database_unavailable(exc):
        raise exc
    log.warning("database unavailable: %s", exc)
    return problem_response(database_unavailable())


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request, exc):
    """A number too large for the database, or text it cannot store (a NUL character on
    PostgreSQL), is the client's bad input: a 400 problem body, never a 500 (issue 10)."""
    log.info("value refused by the database: %s", exc)
    return problem_response(
        ValidationFailed(
            message=_(
                "A value cannot be stored: a number is out of range, or a text contains "
                "a NUL character."
            )
        )
    )


@api.exception_handler(IntegrityError)
def _integrity(request, exc):
    """A write the database refused for a constraint (typically two people creating the
    same thing at once) is a 409 problem body; nothing was written (issue 10)."""
    log.warning("integrity error: %s", exc)
    return problem_response(
        Conflict(message=_("The change conflicts with data already stored. Reload and try again."))
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if str(exc.message).startswith("Cannot parse request body"):
        # django-ninja's words for a body that is not JSON at all (json.loads's error).
        return problem_response(ValidationFailed.on("body", body_not_json(exc.__cause__)))
    error = DomainError(message=exc.message)
    error.status = exc.status_code
    return problem_response(error)


def _register_routers() -> None:
    from kefu.audit.api import router as audit_router
    from kefu.callcenter.api import cti_router
    from kefu.callcenter.api import router as callcenter_router
    from kefu.core.api import router as core_router
    from kefu.customers.api import router as customers_router
    from kefu.followups.api import router as followups_router
    from kefu.incidents.api import router as incidents_router
    from kefu.meetings.api import router as meetings_router
    from kefu.org.api import router as org_router
    from kefu.plans.api import router as plans_router
    from kefu.reports.api import router as reports_router
    from kefu.supervision.api import router as supervision_router
    from kefu.tickets.api import router as tickets_router

    api.add_router("/", core_router)
    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)
    api.add_router("/customers", customers_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/followups", followups_router)
    api.add_router("/incidents", incidents_router)
    api.add_router("/plans", plans_router)
    api.add_router("/callcenter", callcenter_router)
    api.add_router("/meetings", meetings_router)
    api.add_router("/cti", cti_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/reports", reports_router)


_register_routers()
