"""The API's URL patterns, grouped by their first path segment (issue 9: the load mix).

django-ninja gives Django one flat list of patterns, one per path of every router: 243 of
them. Django resolves a request by trying the patterns in order, so a PBX event
(``cti/<token>``, near the end) was matched against some 200 routes first, and every route
tried goes into the match's ``tried`` list. Grouped as ``path("cti/", include([...]))`` per
first segment, a PBX event is found after about thirty tries (the one-segment routes, one
prefix per segment, then its own segment's routes). The names, the reversed URLs and each
match's route stay as they were.
"""

from __future__ import annotations

from django.urls import URLPattern, include, path
from django.urls.resolvers import RoutePattern


def by_first_segment(patterns: list) -> list:
    """``patterns`` with every plain route ``head/rest`` moved into one ``head/`` include
    per head, in the order each head first appears; routes of one segment only, resolvers
    and regular-expression patterns stay where they were. Within a head the order is kept,
    so the first match is the same route as before."""
    grouped: dict[str, list] = {}
    out: list = []
    for p in patterns:
        route = str(p.pattern) if isinstance(p.pattern, RoutePattern) else ""
        head, slash, rest = route.partition("/")
        if not isinstance(p, URLPattern) or not slash or not head or "<" in head:
            out.append(p)
            continue
        if head not in grouped:
            grouped[head] = []
            out.append(head)  # the include goes where its first route was
        grouped[head].append(
            URLPattern(
                RoutePattern(rest, name=p.name, is_endpoint=True),
                p.callback,
                p.default_args,
                p.name,
            )
        )
    return [path(f"{p}/", include(grouped[p])) if isinstance(p, str) else p for p in out]
