"""R-SEC-3: every (role, API operation) and (role, page) pair answers as the endpoint table says.

The pairs are derived, not listed: the operations come from /api/v1/openapi.json,
the pages from the URL patterns, the roles from kefu/org/roles.py, and what each
role may do from kefu/org/endpoints.py with kefu/org/permissions.py. Each pair is
called as a user holding only that role, with path ids pointing at real objects of
the user's department where one is at hand and minimal bodies:

* a role the table refuses gets 403 (from the gate, before the body is read);
* a role the table lets in gets neither 401 nor 403 (400/404/409/422 are fine:
  the minimal request may be wrong, but the role was let in);
* a role that only the people *involved* may pass (``Need.involved``: the chief on
  duty, an assignee, an author) is let through the gate and refused by the
  service, which for these users (involved in nothing) means never a success;
* an operation or page missing from the table fails the walk (and with DEBUG the
  request itself raises).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kefu.api import api
from kefu.org.endpoints import API, PAGES, Need, page_need
from kefu.org.permissions import PERMISSIONS
from kefu.org.roles import ALL_ROLES, Role
from tests import factories
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

MISSING = 987654  # an id no row has
ADMIN_SAMPLE = {
    "admin:index", "admin:login", "admin:logout", "admin:app_list", "admin:org_user_changelist",
    "admin:org_department_add", "admin:org_user_change",
    "admin:django.contrib.admin.sites.AdminSite.catch_all_view",
}  # fmt: skip


def _grants(role: Role, codes) -> bool:
    return any(role in PERMISSIONS[c].grants for c in codes)


def expected(role: Role, need: Need) -> str:
    """``"allow"``, ``"deny"`` (403) or ``"service"`` (the gate lets in, the service refuses)."""
    if need.public or not need.any_of:
        return "allow"
    passes_gate = not need.base or _grants(role, need.base)
    if not need.involved:
        passes_gate = _grants(role, need.any_of)
    if not passes_gate:
        return "deny"
    also = all(_grants(role, (code,)) for code in need.also)
    if _grants(role, need.any_of) and also:
        return "allow"
    return "service"


def api_operations() -> list[tuple[str, str, str, bool]]:
    """(key, method, path template, public) of every operation of the OpenAPI schema."""
    schema = api.get_openapi_schema()
    rows = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            key = f"{method.upper()} {path.removeprefix('/api/v1')}"
            rows.append((key, method, path, not operation.get("security")))
    return rows


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            full = f"{namespace}:{ns}" if namespace and ns else ns or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), full)
        elif isinstance(p, URLPattern):
            # An unnamed pattern (the admin's redirects) goes by its namespace, as in the gate.
            name = p.name or (p.lookup_str if namespace else None)
            yield prefix + str(p.pattern), f"{namespace}:{name}" if namespace and name else name


def page_patterns() -> list[tuple[str, str]]:
    """(route, view name) of every page: everything but the API."""
    return [(r, n) for r, n in _walk(get_resolver().url_patterns) if not r.startswith("api/")]


# ---------------------------------------------------------------- the table covers everything


def test_every_api_operation_has_an_entry_in_the_endpoint_table():
    """R-SEC-3: a new operation without an entry fails here (and its gate refuses it)."""
    keys = [key for key, *_ in api_operations()]
    assert len(keys) > 200
    assert [k for k in keys if k not in API] == []
    assert sorted(set(API) - set(keys)) == [], "entries for operations that no longer exist"


def test_every_page_has_an_entry_in_the_endpoint_table():
    names = [name for _route, name in page_patterns()]
    assert [n for n in names if n is None] == [], "every page needs a URL name"
    assert [n for n in names if page_need(n) is None] == []
    assert sorted(set(PAGES) - set(names)) == [], "entries for pages that no longer exist"


def test_public_operations_are_exactly_those_without_authentication():
    """PUBLIC in the table if and only if the operation takes no credentials."""
    for key, _m, _p, public in api_operations():
        assert API[key].public == public, key


def test_an_operation_missing_from_the_table_is_refused_loudly(monkeypatch, api):
    """With DEBUG or under the tests a missing entry raises; in production it is a 403."""
    from kefu.core.access import MissingEndpoint

    monkeypatch.delitem(API, "GET /org/roles")
    client = api(Role.SYSADMIN)
    with pytest.raises(MissingEndpoint):
        client.get("org/roles")
    monkeypatch.setattr("django.conf.settings.TESTING", False)
    refused = client.get("org/roles")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"


def test_a_page_missing_from_the_table_is_refused(monkeypatch, web, settings):
    from kefu.core.access import MissingEndpoint

    monkeypatch.delitem(PAGES, "org:tree")
    client = web(Role.SYSADMIN)
    client.raise_request_exception = True
    with pytest.raises(MissingEndpoint):
        client.get("/org/")
    settings.TESTING = False
    assert client.get("/org/").status_code == 403


def test_kefu_check_names_an_operation_or_page_missing_from_the_table(monkeypatch):
    from kefu.core.access import endpoint_table_check

    assert endpoint_table_check() == []
    monkeypatch.delitem(API, "POST /tickets")
    monkeypatch.delitem(PAGES, "tickets:queue")
    found = [w.msg for w in endpoint_table_check()]
    assert any("POST /tickets" in m for m in found) and any("tickets:queue" in m for m in found)


def test_the_gate_answers_before_the_body_is_read(api):
    """A refused role learns nothing from a malformed body: 403, not 422."""
    refused = api(Role.CLEANER).post("tickets", {"kind": "no such kind"})
    assert refused.status_code == 403
    body = refused.json()
    assert body["permission"] == "ticket.create"
    # The sentence reads in Chinese; the code travels beside it (R-SEC-3).
    assert body["detail"] == "您的角色无权将客户来电来访记录为工单。"


def test_the_page_gate_shows_the_usual_403_page_naming_the_permission(web):
    page = web(Role.CLEANER).get("/audit/")
    assert page.status_code == 403
    assert "audit.read" in page.content.decode()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in():
    page = Client().get("/customers/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the walk


class World:
    """One department with one user per role and an object of each kind at hand."""

    def __init__(self):
        from tests.callcenter import factories as calls
        from tests.customers import factories as customers
        from tests.incidents import factories as incidents
        from tests.meetings import factories as meetings
        from tests.supervision import factories as supervision
        from tests.tickets import factories as tickets

        root = factories.department(name="公司")
        self.department = factories.department(name="客服部", parent=root)
        self.users = {
            role: factories.user(role, department=self.department, username=f"walk-{role.value}")
            for role in ALL_ROLES
        }
        other = factories.user(Role.AGENT, department=self.department, username="walk-other")
        agent = factories.user(Role.AGENT, department=self.department, username="walk-desk")
        customer = customers.customer(department=self.department)
        contract = customers.contract(customer)
        ticket = tickets.ticket(actor=agent, customer=customer)
        incident = incidents.incident(actor=other)
        room = meetings.room()
        booking = meetings.booking(room=room, actor=agent)
        now = timezone.now()
        call = calls.call(enter_at=now - dt.timedelta(hours=1), agent=agent)
        operator = factories.user(Role.DUTY_OPERATOR, department=self.department)
        entry = supervision.entry(actor=operator, occurred_at=now - dt.timedelta(hours=2))
        calls.cti_link(token="walk-pbx-token")
        today = timezone.localdate()
        self.values = {
            "user_id": other.pk,
            "dept_id": self.department.pk,
            "customer_id": customer.pk,
            "contract_id": contract.pk,
            "ticket_id": ticket.pk,
            "incident_id": incident.pk,
            "room_id": room.pk,
            "booking_id": booking.pk,
            "call_id": call.pk,
            "entry_id": entry.pk,
            "year": today.year,
            "day": today.isoformat(),
            "month": f"{today.year - 1}-12",
            "number": 1,
            "key": "ticket.escalation_hours",
            "kind": "complaint",
            "priority": "normal",
            "code": "walk",
            "token": "not-a-token",
            "step": "chief",
        }

    def fill(self, template: str) -> str:
        if template.startswith("/api/v1/cti/"):
            from kefu.callcenter.models import CtiSettings

            # The PBX's path token, as it stands: an allowed role may have rotated it.
            return f"/api/v1/cti/{CtiSettings.objects.get().token}"
        if template.startswith("admin/^"):  # the admin's regular expressions
            return "admin/org/"
        if template.startswith("admin/(?P<url>"):
            return "admin/no-such-page/"

        def one(match):
            name = match.group(1).split(":")[-1]
            return str(self.values.get(name, MISSING))

        return re.sub(r"[{<]([^}>]+)[}>]", one, template)


@pytest.fixture
def world():
    return World()


def _judge(role, need, status, what, failures, counts, *, page=False):
    verdict = expected(role, need)
    counts[verdict] += 1
    if status >= 500:
        failures.append(f"{role.value} {what}: {status}")
    elif verdict == "service" and page and status != 401:
        # A page shows the service's refusal as a message on the page it redirects to.
        pass
    elif verdict == "deny" and status != 403:
        failures.append(f"{role.value} {what}: {status}, the table refuses it")
    elif verdict == "allow" and status in (401, 403):
        failures.append(f"{role.value} {what}: {status}, the table allows it")
    elif verdict == "service" and status < 400:
        failures.append(f"{role.value} {what}: {status}, only those involved may")


def test_every_role_gets_from_every_api_operation_what_the_table_says(world, capsys):
    """R-SEC-3: each of the 20 roles × each operation of the schema."""
    counts = {"allow": 0, "deny": 0, "service": 0}
    failures: list[str] = []
    clients = {role: ApiClient(user) for role, user in world.users.items()}
    for client in clients.values():
        client.client.raise_request_exception = False
    operations = api_operations()
    for key, method, template, _public in operations:
        path = world.fill(template)
        for role in ALL_ROLES:
            client = clients[role]
            if method in {"post", "put", "patch"}:
                response = client._call(method, path, {})
            else:
                response = client._call(method, path)
            _judge(role, API[key], response.status_code, key, failures, counts)
    pairs = len(operations) * len(ALL_ROLES)
    with capsys.disabled():
        print(f"\nrole walk, API: {len(operations)} operations × {len(ALL_ROLES)} roles = "
              f"{pairs} pairs; {counts}")  # fmt: skip
    assert sum(counts.values()) == pairs
    assert failures == []


def test_every_role_gets_from_every_page_what_the_table_says(world, capsys):
    """R-SEC-3: each of the 20 roles × each page (GET; POST for POST-only pages and actions)."""
    counts = {"allow": 0, "deny": 0, "service": 0}
    failures: list[str] = []
    clients = {}
    for role, user in world.users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    requests = []
    for route, name in page_patterns():
        need = page_need(name)
        if name.startswith("admin:") and name not in ADMIN_SAMPLE:
            continue  # the back office is one door (admin.access); a sample of it is walked
        if need.action_arg:
            for action in need.actions:
                url = "/" + world.fill(route.replace(f"<slug:{need.action_arg}>", action))
                requests.append((name, "post", url, need.actions[action]))
            continue
        url = "/" + world.fill(route)
        requests.append((name, "get", url, need))
        if need.post is not None:
            requests.append((name, "post", url, need.post))
    walked = 0
    for name, method, url, need in requests:
        for role in ALL_ROLES:
            client = clients[role]
            response = getattr(client, method)(url)
            if response.status_code == 405 and method == "get":
                response = client.post(url)  # a POST-only page action
            status = response.status_code
            if name in {"logout", "admin:logout"}:
                client.force_login(world.users[role])  # signed out: sign in again
            elif status == 302 and response["Location"].startswith("/accounts/login/"):
                status = 401
            elif (
                status == 403
                and name.startswith("admin:")
                and "admin.access" not in str(response.content, "utf-8", "replace")
            ):
                status = 200  # the back office's own refusal (a read-only table), not the gate
            walked += 1
            what = f"{method.upper()} {url} ({name})"
            _judge(role, need, status, what, failures, counts, page=True)
    with capsys.disabled():
        print(f"\nrole walk, pages: {len(requests)} page requests × {len(ALL_ROLES)} roles = "
              f"{walked} pairs; {counts}")  # fmt: skip
    assert failures == []
