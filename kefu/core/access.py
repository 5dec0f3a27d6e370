"""The gate in front of every API operation and page: the endpoint table, enforced (R-SEC-3).

:func:`api_gate` runs inside the API's authentication classes, which django-ninja
calls before it reads path, query or body; :class:`AccessMiddleware` runs in
``process_view``, before the page view. Both look the request up in
:mod:`kefu.org.endpoints` and refuse a role outside it with a 403 naming the
permission. A door missing from the table is a programming error: with ``DEBUG``
or under the tests it raises :class:`MissingEndpoint` (so a new endpoint fails its
first test); in production it is refused with a 403 and logged as an error.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import render
from django.utils.translation import gettext as _

from kefu.errors import NotAuthenticated, PermissionDenied
from kefu.org import refusals
from kefu.org.endpoints import API, Need, api_key, page_need
from kefu.org.permissions import PERMISSIONS, allowed, check

log = logging.getLogger(__name__)


class MissingEndpoint(ImproperlyConfigured):
    """An API operation or a page has no entry in kefu/org/endpoints.py."""


def _missing(key: str) -> PermissionDenied:
    message = f"{key!r} has no entry in kefu/org/endpoints.py (the endpoint table, R-SEC-3)"
    if settings.DEBUG or getattr(settings, "TESTING", False):
        raise MissingEndpoint(message)
    log.error("refused: %s", message)
    return PermissionDenied(
        message=_("This page or operation is not open to anyone yet."), permission=""
    )


def enforce(user, need: Need) -> None:
    """Refuse ``user`` unless they hold one of the permissions the door's gate demands."""
    if need.public:
        return
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(message=_("Please sign in first."))
    codes = need.gate_codes()
    if not codes or any(allowed(user, code) for code in codes):
        if not codes and not user.is_active:
            raise NotAuthenticated(message=_("Please sign in first."))
        return
    if len(codes) == 1:
        check(user, codes[0])
    # The permissions' labels joined by "or" (或); the codes travel beside the sentence.
    raise refusals.refused([PERMISSIONS[c] for c in codes])


def api_gate(request, user) -> None:
    """The API half of the gate; called by kefu.api's authentication classes."""
    match = getattr(request, "resolver_match", None)
    if match is None:  # pragma: no cover - Django always resolves before calling a view
        return
    key = api_key(request.method, match.route)
    need = API.get(key)
    if need is None:
        raise _missing(key)
    enforce(user, need)


class AccessMiddleware:
    """The page half of the gate: every page's need, checked before its view runs.

    The API (its own namespace) is gated by its authentication classes; a page
    refused here renders the usual error page with the permission named, and a
    visitor who is not signed in is sent to the sign-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.route.startswith("api/"):
            return None
        view_name = match.view_name
        need = page_need(view_name)
        try:
            if need is None:
                raise _missing(f"page {view_name}")
            need = need.for_request(request.method, view_kwargs)
            enforce(request.user, need)
        except NotAuthenticated:
            return redirect_to_login(request.get_full_path())
        except PermissionDenied as refused:
            return render(
                request,
                "error.html",
                {"error": refused, "title": refused.title()},
                status=refused.status,
            )
        return None


def missing_entries() -> list[str]:
    """Every API operation and page the endpoint table lacks (and entries for nothing)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from kefu.api import api
    from kefu.org.endpoints import PAGES

    operations = {
        f"{method.upper()} {path.removeprefix('/api/v1')}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }
    problems = [f"API operation {k}" for k in sorted(operations - set(API))]
    problems += [f"table entry for no API operation: {k}" for k in sorted(set(API) - operations)]

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                yield from walk(
                    p.url_patterns, f"{namespace}:{ns}" if namespace and ns else ns or namespace
                )
            elif isinstance(p, URLPattern):
                name = p.name or (p.lookup_str if namespace else None)
                yield f"{namespace}:{name}" if namespace and name else name

    names = [n for n in walk(get_resolver().url_patterns) if n is None or not n.startswith("api:")]
    problems += [f"page {n}" for n in names if n is None or page_need(n) is None]
    problems += [f"table entry for no page: {n}" for n in sorted(set(PAGES) - set(names))]
    return problems


@checks.register(checks.Tags.security)
def endpoint_table_check(app_configs=None, **kwargs):
    """``kefu check``: every door of the system has an entry in kefu/org/endpoints.py.

    A warning, not an error: a missing entry must not stop the worker or a migration in
    production; the door itself is refused (403) until the table names it.
    """
    return [
        checks.Warning(
            f"{problem} is missing from (or stale in) the endpoint table",
            hint="Add it to kefu/org/endpoints.py with the permission(s) it needs (R-SEC-3).",
            id="kefu.W301",
        )
        for problem in missing_entries()
    ]
