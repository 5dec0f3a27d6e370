"""Kefu's URLs plus two bench-only endpoints on the same django-ninja stack: the baseline
that tickets_bench.py measures Kefu's own endpoints against. Never mounted in the product."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from kefu.api import BearerToken, Session
from kefu.org.endpoints import API, PAGES, SIGNED_IN
from kefu.tickets.models import Ticket
from kefu.urls import urlpatterns as kefu_urlpatterns

# The endpoint table (R-SEC-3) refuses any door it does not list: the bench-only ones need a
# signed-in user, the floor every real endpoint also pays.
API.update({"POST /bench-api/bare-ticket": SIGNED_IN, "GET /bench-api/bare-list": SIGNED_IN})
PAGES.update({"bench:bare_ticket": SIGNED_IN, "bench:bare_list": SIGNED_IN})

bench_api = NinjaAPI(auth=[BearerToken(), Session()], urls_namespace="bench", docs_url=None)


@bench_api.post("/bare-ticket")
def bare_ticket(request):
    """One bare row: no permission check, no rules, no audit, no history."""
    now = timezone.now()
    user = request.user
    ticket = Ticket.objects.create(
        number=f"Z{now:%y%m%d%H%M%S%f}",
        kind="inquiry",
        channel="phone",
        title="bare",
        description="bare",
        phone="13700000000",
        first_responder=user,
        department_id=user.department_id,
        clock="business",
    )
    return {"id": ticket.pk}


@bench_api.get("/bare-list")
def bare_list(request):
    """Fifty bare rows of the same department's open tickets."""
    rows = Ticket.objects.filter(department_id=request.user.department_id, state="open")
    return list(rows.order_by("-created_at").values("id", "number", "title")[:50])


urlpatterns = [*kefu_urlpatterns, path("bench-api/", bench_api.urls)]
