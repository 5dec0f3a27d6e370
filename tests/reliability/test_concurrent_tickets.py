"""Faults: 50 clients changing the same tickets at once through a live server (R-TIC-10).

`kefu serve` (waitress) in a subprocess, on the suite's database (SQLite or PostgreSQL).
Fifty threads, for a bounded time, each read a ticket and move it between "in progress" and
"waiting" sending the version they read. A change made on a stale version must be refused
with 409 (never a 500, never applied); every accepted change must raise the version by
exactly one, so the accepted changes of a ticket, in version order, are its whole history.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict

import requests

from tests.reliability.installation import serve

CLIENTS = 50
SECONDS = 8.0
TICKETS = 3

SETUP = """
from kefu.org.permissions import SYSTEM
from kefu.tickets.models import Clock, TimeLimit
from kefu.tickets.services import ticket_transition
from tests.tickets.factories import agent, ticket
# Counted around the clock, so the test does not depend on which years the calendar knows.
TimeLimit.objects.update_or_create(kind="inquiry", priority="normal", defaults=dict(
    response_minutes=60, resolution_minutes=600, clock=Clock.ALWAYS))
me = agent(username="h4agent")
for _ in range({tickets}):
    t = ticket(actor=me)
    ticket_transition(actor=me, ticket=t, version=t.version, to_state="in_progress")
    print("TICKET", t.pk)
"""


def _client(base: str, token: str, ids: list[int], stop: float, seen: list, rng: random.Random):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    while time.monotonic() < stop:
        ticket = rng.choice(ids)
        read = session.get(f"{base}/api/v1/tickets/{ticket}", timeout=60)
        if read.status_code != 200:
            seen.append((ticket, "read", read.status_code, None, read.text[:300]))
            continue
        body = read.json()
        to_state = "waiting" if body["state"] == "in_progress" else "in_progress"
        time.sleep(rng.random() * 0.01)  # others change it meanwhile
        changed = session.post(
            f"{base}/api/v1/tickets/{ticket}/transition",
            json={"version": body["version"], "to_state": to_state},
            timeout=60,
        )
        try:
            reply = changed.json()
        except ValueError:
            reply = {"text": changed.text[:300]}
        seen.append((ticket, to_state, changed.status_code, reply.get("version"), reply))


def test_fifty_clients_on_the_same_tickets_lose_no_update_and_get_409(installations):
    """R-TIC-10: no lost update; each accepted change is one version; each refusal a 409."""
    site = installations.new("concurrent")
    out = site.python(SETUP.format(tickets=TICKETS))
    ids = [int(line.split()[1]) for line in out.splitlines() if line.startswith("TICKET")]
    token = site.kefu("token", "create", "h4agent").stdout.strip().splitlines()[-1]
    base = serve(site)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    before = {t: session.get(f"{base}/api/v1/tickets/{t}").json()["version"] for t in ids}

    seen: list = []
    stop = time.monotonic() + SECONDS
    threads = [
        threading.Thread(target=_client, args=(base, token, ids, stop, seen, random.Random(n)))  # noqa: S311
        for n in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    statuses = Counter(status for _, _, status, _, _ in seen)
    print("responses:", dict(statuses))
    assert set(statuses) <= {200, 409}, [s for s in seen if s[2] not in (200, 409)][:3]
    assert statuses[200] >= TICKETS and statuses[409] >= 1, statuses
    refused = [reply for _, _, status, _, reply in seen if status == 409]
    assert all(r.get("status") == 409 and r.get("detail") for r in refused)

    accepted = defaultdict(list)
    for ticket, to_state, status, version, _ in seen:
        if status == 200:
            accepted[ticket].append((version, to_state))
    for ticket in ids:
        changes = sorted(accepted[ticket])
        final = session.get(f"{base}/api/v1/tickets/{ticket}").json()
        # Every accepted change raised the version by exactly one: versions are contiguous.
        assert [v for v, _ in changes] == list(range(before[ticket] + 1, final["version"] + 1))
        # The last accepted change is the ticket's state: nothing accepted was lost.
        if changes:
            assert final["state"] == changes[-1][1]
        # Each accepted change alternates the state, as a serial history would.
        states = [s for _, s in changes]
        assert all(a != b for a, b in zip(states, states[1:], strict=False))
    # One state event per accepted change (plus the setup's move to "in progress").
    events = site.value("SELECT count(*) FROM tickets_ticketevent WHERE kind = 'state'")
    assert events == statuses[200] + TICKETS
