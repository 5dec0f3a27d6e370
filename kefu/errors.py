"""Domain errors and how they reach a person.

Services raise these; the API turns them into problem bodies (RFC 9457 style:
``{"type", "title", "status", "detail", "errors"}``) and the pages into a message
or an error page. Nothing raises a bare Exception for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

PROBLEM_CONTENT_TYPE = "application/problem+json"


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class DomainError(Exception):
    """Base for every error a person can act on."""

    message: str
    errors: list[FieldError] = field(default_factory=list)
    status = 400
    code = "invalid"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return str(self.message)

    def title(self) -> str:
        return _("Invalid input")

    def problem(self) -> dict:
        # R-SEC-1: a message may echo input; phone and ID numbers in it are masked.
        from kefu.customers.masking import mask_text

        return {
            "type": f"https://kefu.invalid/problems/{self.code}",
            "title": self.title(),
            "status": self.status,
            "detail": mask_text(str(self.message)),
            "errors": [
                {"field": e.field, "message": mask_text(str(e.message))} for e in self.errors
            ],
        }


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"

    @classmethod
    def on(cls, field_name: str, message: str) -> ValidationFailed:
        return cls(message=message, errors=[FieldError(field_name, message)])


@dataclass
class PermissionDenied(DomainError):
    permission: str = ""
    #: every permission any one of which would have done (R-SEC-3), for the administrator
    permissions: list[str] = field(default_factory=list)
    status = 403
    code = "forbidden"

    def title(self) -> str:
        return _("Not allowed")

    def codes(self) -> list[str]:
        return self.permissions or ([self.permission] if self.permission else [])

    def problem(self) -> dict:
        body = super().problem()
        body["permission"] = self.permission
        body["permissions"] = self.codes()
        return body


class NotAuthenticated(DomainError):
    status = 401
    code = "unauthenticated"

    def title(self) -> str:
        return _("Not signed in")


class NotFound(DomainError):
    status = 404
    code = "not-found"

    def title(self) -> str:
        return _("Not found")


class Conflict(DomainError):
    status = 409
    code = "conflict"

    def title(self) -> str:
        return _("Conflict")


class ServiceUnavailable(DomainError):
    """The database cannot be reached (restarting, failing over): try again shortly."""

    status = 503
    code = "unavailable"

    def title(self) -> str:
        return _("Service unavailable")


def database_unavailable() -> ServiceUnavailable:
    """What a request gets while the database is away: a 503, nothing half-written (each
    write is one transaction, rolled back with the lost connection)."""
    return ServiceUnavailable(
        message=_("The database cannot be reached just now. Try again in a moment.")
    )


# SQLite reports mistakes in the code as OperationalError too; those are defects to see as
# such (a 500 in the log), not an outage to wait out.
_SQLITE_CODE_ERRORS = ("no such table", "no such column", "near ", "table ", "duplicate column")


def is_database_unavailable(exc: BaseException) -> bool:
    """A lost or refused database connection, or a database too busy to answer (SQLite's
    "database is locked"): not a constraint, a bad query or a missing table."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError):
        return True
    return isinstance(exc, OperationalError) and not str(exc).lower().startswith(
        _SQLITE_CODE_ERRORS
    )


def problem_response(error: DomainError) -> JsonResponse:
    return JsonResponse(
        error.problem(),
        status=error.status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


class DomainErrorMiddleware:
    """Shows a DomainError escaping a page view as an error page with its status.

    Forms handle their own errors inline; this catches the rest (a 403 naming the
    permission, a 404, a 409) so no page ever answers bad input with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None
        if is_database_unavailable(exception):
            exception = database_unavailable()
        if isinstance(exception, DomainError):
            from kefu.customers.masking import mask_text

            return render(
                request,
                "error.html",
                {
                    "error": exception,
                    "title": exception.title(),
                    # R-SEC-1: phone and ID numbers echoed in the message are masked.
                    "detail": mask_text(str(exception.message)),
                },
                status=exception.status,
            )
        return None


def get_or_404(model_or_queryset, **lookup):
    """One row by ``lookup``, or a NotFound naming what was looked for."""
    from django.db.models import QuerySet

    if isinstance(model_or_queryset, QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    model = queryset.model
    try:
        return queryset.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError):
        # The user's words only: the thing's name and, for a lookup by number, the number
        # (never the raw field lookups).
        what = model._meta.verbose_name
        number = next((v for k, v in lookup.items() if k in ("pk", "id")), None)
        if len(lookup) == 1 and isinstance(number, int | str) and str(number).isdigit():
            message = _("There is no %(what)s numbered %(number)s.") % {
                "what": what,
                "number": number,
            }
        else:
            message = _("That %(what)s cannot be found.") % {"what": what}
        raise NotFound(message=message) from None
