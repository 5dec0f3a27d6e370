"""Open every page and GET endpoint without parameters (and one detail page of each kind)
as several roles against the configured database, and list what answered 500 or was slow.

    KEFU_VAR_DIR=... python bench/pages_check.py [WORD ...]   # e.g. after `kefu generate`

With words, only the URLs containing one of them.

Not a benchmark and not a test: a check that generated data at scale breaks no page.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
os.environ.setdefault("KEFU_AXES_ENABLED", "false")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
logging.getLogger("django.request").setLevel(logging.ERROR)
ROLES = ["director", "cs_supervisor", "agent"]
SKIP = ("logout", "i18n", "admin", "two-factor", "static", "tokens/<", "export", "xlsx")


def plain_urls(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            found += plain_urls(p, route)
        elif isinstance(p, URLPattern) and "<" not in route and not route.startswith("^"):
            found.append("/" + route)
    return found


def detail_urls() -> list[str]:
    from kefu.callcenter.models import CallRecord
    from kefu.customers.models import Customer
    from kefu.tickets.models import Ticket

    urls = []
    for model, page, api in (
        (Ticket, "/tickets/{}/", "/api/v1/tickets/{}"),
        (Customer, "/customers/{}/", "/api/v1/customers/{}"),
    ):
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        if last:
            urls += [page.format(last), api.format(last)]
    call = CallRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    if call:
        urls.append(f"/api/v1/calls/{call}")
    return urls


def api_urls(client: Client) -> list[str]:
    schema = client.get("/api/v1/openapi.json")
    if schema.status_code != 200:
        return []
    return [
        "/api/v1" + path.removeprefix("/api/v1")
        for path, ops in schema.json().get("paths", {}).items()
        if "get" in ops and "{" not in path and "export" not in path and "xlsx" not in path
    ]


def main() -> int:
    from kefu.org.models import User

    bad, slow, total = [], [], 0
    pages = [u for u in plain_urls(get_resolver()) if not any(s in u for s in SKIP)]
    for username in ROLES:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        urls = pages + api_urls(client) + detail_urls()
        if sys.argv[1:]:  # only the URLs containing one of the words given
            urls = [u for u in urls if any(word in u for word in sys.argv[1:])]
        for url in dict.fromkeys(urls):
            started = time.perf_counter()
            try:
                status = client.get(url).status_code
            except Exception as exc:  # noqa: BLE001 - report every failure, then go on
                status = f"exception {type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - started
            total += 1
            if not isinstance(status, int) or status >= 500:
                bad.append((username, url, status))
                print("ERROR", username, url, status, flush=True)
            elif seconds > 2:
                slow.append((username, url, round(seconds, 1)))
                print("SLOW ", username, url, round(seconds, 1), flush=True)
    print(f"{total} requests, {len(bad)} errors, {len(slow)} over 2 s")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
