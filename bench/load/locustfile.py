"""The mixed load of a customer service floor (issue 9), for locust; run by bench/load_bench.py.

Agents search customers, open customer pages, record tickets and further contacts on them;
the PBX bridge posts live call events (newCall, answer, hangup) to the CTI endpoint;
supervisors open the ticket queue, the queue through the API, the KPI scorecard and the KPI
definitions page. A monitor polls /api/v1/health, the baseline the runner sets every figure
beside (the same stack's floor under the same load).

Each simulated person starts its tasks at the moments of a Poisson process (``poisson_pacing``):
independent of the others, as the people of a floor are, and the arrivals Kefu's own staffing
model assumes (Erlang C, R-CC). The per-person rate comes from the runner (the offered rate).

The runner prepares accounts, sessions, tokens, customers and search terms and passes them in
the JSON file named by KEFU_LOAD_FIXTURE. Requests go to --host, which the runner sets to
127.0.0.1 only.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid

from locust import FastHttpUser, task

FIXTURE = json.loads(open(os.environ["KEFU_LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
_seq = itertools.count()
# Tasks per second of each simulated person: the runner sets it from the offered rate.
TASK_RATE = float(os.environ.get("KEFU_LOAD_TASK_RATE", "1"))


def poisson_pacing(rate: float):
    """A locust wait_time: the person's tasks start at the moments of a Poisson process of
    ``rate`` per second, each gap drawn on its own (exponential), kept to a schedule so that
    slow answers do not lower the offered rate (a person who fell more than one mean gap
    behind starts again from now instead of firing the backlog at once).

    It replaces locust's constant_throughput, which keeps each person at a fixed phase: locust
    starts the users in batches (24 a second here), and each batch then fired together, once
    a period, for the whole run. With health alone at 100 req/s the server saw bursts of 24
    requests every 200 ms and nothing between, and every figure measured that queue.
    """
    gap = 1.0 / rate

    def wait_time(user) -> float:
        now = time.monotonic()
        due = getattr(user, "_kefu_due", now)
        due = max(due, now - gap) + random.expovariate(rate)  # noqa: S311 - load timing
        user._kefu_due = due
        return max(0.0, due - now)

    return wait_time


class _Person(FastHttpUser):
    """One simulated person, paced by ``poisson_pacing``; the first task too waits for the
    first moment of the person's Poisson process."""

    abstract = True
    wait_time = poisson_pacing(TASK_RATE)

    def on_start(self):
        time.sleep(random.expovariate(TASK_RATE))  # noqa: S311 - gevent's cooperative sleep


KINDS = ["inquiry", "inquiry", "inquiry", "service_request", "fault", "complaint", "suggestion"]
TEXTS = {
    "inquiry": "咨询物业费缴纳方式和发票开具",
    "service_request": "厨房水管漏水，约明天上午上门维修",
    "fault": "电梯停在三楼不动，有人被困",
    "complaint": "楼下装修噪音太大，晚上十点以后还在施工",
    "suggestion": "建议小区增加电动车充电桩",
}


def _account(kind: str) -> dict:
    accounts = FIXTURE[kind]
    return accounts[next(_seq) % len(accounts)]


class _Staff(_Person):
    abstract = True
    role = ""

    def on_start(self):
        super().on_start()
        account = _account(self.role)
        self.api = {"Authorization": f"Bearer {account['token']}"}
        self.page = {"Cookie": f"{FIXTURE['session_cookie']}={account['session']}"}


class Agent(_Staff):
    """Front-line agents: most of the floor."""

    weight = 8
    role = "agents"

    def on_start(self):
        super().on_start()
        self.my_tickets: list[int] = []

    @task(4)
    def search_customers(self):
        term = random.choice(FIXTURE["search_terms"])  # noqa: S311
        self.client.get(
            "/api/v1/customers", params={"q": term}, headers=self.api, name="search customers"
        )

    @task(3)
    def open_customer_page(self):
        pk = random.choice(FIXTURE["customers"])  # noqa: S311
        self.client.get(f"/customers/{pk}/", headers=self.page, name="customer page")

    @task(2)
    def record_ticket(self):
        kind = random.choice(KINDS)  # noqa: S311
        body = {
            "kind": kind,
            "channel": "phone",
            "customer_id": random.choice(FIXTURE["customers"]),  # noqa: S311
            "description": TEXTS.get(kind, TEXTS["inquiry"]),
        }
        headers = {**self.api, "Idempotency-Key": uuid.uuid4().hex}
        with self.client.post(
            "/api/v1/tickets", json=body, headers=headers, name="record ticket", catch_response=True
        ) as r:
            if r.status_code == 201:
                self.my_tickets = [*self.my_tickets[-19:], r.json()["id"]]
                r.success()
            else:
                r.failure(f"{r.status_code}: {r.text[:200]}")

    @task(1)
    def record_contact(self):
        if not self.my_tickets:
            return
        pk = random.choice(self.my_tickets)  # noqa: S311
        self.client.post(
            f"/api/v1/tickets/{pk}/contacts",
            json={"channel": "phone", "note": "客户来电催办"},
            headers=self.api,
            name="record contact",
        )


class Pbx(_Person):
    """The telephone system's bridge: one call's three events, then the next call."""

    weight = 2

    @task
    def call(self):
        key = f"load-{uuid.uuid4().hex[:16]}"
        caller = random.choice(FIXTURE["phones"])  # noqa: S311
        url = f"/api/v1/cti/{FIXTURE['cti_token']}"
        agent = random.choice(FIXTURE["extensions"])  # noqa: S311
        for event, extra in (
            ("newCall", {"from": caller, "to": "4008001234", "direction": "in"}),
            ("answer", {"answeringNumber": agent, "user": agent}),
            ("hangup", {"cause": "normalClearing"}),
        ):
            self.client.post(
                url, json={"event": event, "callId": key, **extra}, name=f"cti {event}"
            )


class Supervisor(_Staff):
    """Supervisors and team leads watching the queues and the KPIs."""

    weight = 1
    role = "supervisors"

    @task(3)
    def queue_page(self):
        self.client.get("/tickets/", headers=self.page, name="queue page")

    @task(3)
    def queue_api(self):
        self.client.get(
            "/api/v1/tickets", params={"queue": "department"}, headers=self.api, name="queue api"
        )

    @task(2)
    def scorecard(self):
        self.client.get(
            "/reports/scorecard/",
            params={"month": FIXTURE["kpi_month"]},
            headers=self.page,
            name="KPI scorecard",
        )

    @task(1)
    def kpi_definitions(self):
        self.client.get("/reports/kpis/", headers=self.page, name="KPI definitions")


class Monitor(_Person):
    """The health check: the baseline, under the same load."""

    weight = 1

    @task
    def health(self):
        self.client.get("/api/v1/health", name="health (baseline)")
