"""The API's URL patterns grouped by first segment (issue 9, kefu/core/urlindex.py): the same
routes and names, each path answered by the same route as before, found after a few tries
instead of after every route registered before it."""

from __future__ import annotations

import re

from django.urls import URLResolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from ninja import NinjaAPI

from kefu.api import api


def _routes(patterns, prefix=""):
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            out.append((prefix + str(p.pattern), p.name))
    return out


def _flat():
    """ninja's own flat list, as it was before grouping."""
    return NinjaAPI.urls.fget(api)[0]


def _sample(route: str) -> str:
    return re.sub(r"<(?:\w+:)?\w+>", "7", route)


def _view(func) -> list[str]:
    """The Kefu functions behind a URL's view: ninja's wrapper holds the path's operations."""
    func = getattr(func, "func", func)  # a functools.partial: the function it calls
    cells = [c.cell_contents for c in func.__closure__ or ()]
    views = [op.view_func for c in cells for op in getattr(c, "operations", ())] or [func]
    return sorted(f"{v.__module__}.{v.__qualname__}" for v in views)


def test_grouping_keeps_every_route_and_its_name():
    flat, grouped = _routes(_flat()), _routes(api.urls[0])
    assert len(flat) > 200
    assert sorted(flat) == sorted(grouped)


def test_every_api_path_is_answered_by_the_route_that_answered_it_before():
    before = URLResolver(RoutePattern("api/v1/"), _flat())
    for route, _name in _routes(_flat()):
        path = "api/v1/" + _sample(route)
        old, new = before.resolve(path), resolve("/" + path)
        assert (new.url_name, new.route) == (old.url_name, "api/v1/" + old.route), route
        assert _view(new.func) == _view(old.func), route


def test_a_pbx_event_is_matched_after_a_few_tries_not_after_every_route():
    path = "api/v1/cti/abcdef0123"
    assert resolve("/" + path).url_name == "cti_event"
    flat = URLResolver(RoutePattern("api/v1/"), _flat()).resolve(path)
    grouped = URLResolver(RoutePattern("api/v1/"), api.urls[0]).resolve(path)
    assert _view(grouped.func) == ["kefu.callcenter.api.cti_event"]
    assert len(flat.tried) > 150  # every route of every router registered before the PBX's
    assert len(grouped.tried) <= 32  # the single-segment routes and one include per segment
    assert reverse("api:cti_event", kwargs={"token": "abc"}) == "/api/v1/cti/abc"
