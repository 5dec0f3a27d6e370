"""Builders for incident tests: each test makes exactly the incident it needs."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.incidents import services
from kefu.incidents.models import Incident, Kind
from kefu.org.roles import Role
from tests import factories

NOON = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def reporter():
    return factories.user(Role.AGENT)


def incident(
    *,
    kind: str = Kind.INCIDENT,
    occurred_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    injured_count: int = 0,
    actor=None,
    **extra,
) -> Incident:
    now = now or timezone.now()
    return services.incident_report(
        actor=actor or reporter(),
        kind=kind,
        occurred_at=occurred_at or now - dt.timedelta(minutes=10),
        place=extra.pop("place", "3号楼配电房"),
        description=extra.pop("description", "配电柜起火，已断电"),
        injured_count=injured_count,
        first_actions="断电并疏散人员",
        handling_plan="联系供电公司抢修",
        now=now,
        **extra,
    )


def walk_chain(incident: Incident, *, chief=None, manager=None, now=None) -> None:
    """Record every notification step as the dispatcher (the manager tells leadership)."""
    dispatcher = factories.user(Role.DISPATCHER)
    for step in incident.steps.order_by("position"):
        if step.step == "leadership":
            services.chain_step_done(
                actor=incident.manager or factories.user(Role.DIRECTOR),
                incident=incident,
                step=step.step,
                contact_name="总经理",
                now=now,
            )
            continue
        person = {"chief": chief, "manager": manager}.get(step.step)
        services.chain_step_done(
            actor=dispatcher,
            incident=incident,
            step=step.step,
            person=person,
            contact_name="" if person else "值班人员",
            now=now,
        )
        incident.refresh_from_db()
