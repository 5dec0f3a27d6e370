"""The demo shows plans in every state and positions in every kind of span balance."""

from __future__ import annotations

import pytest

from kefu.core.demo import load_demo
from kefu.org.models import Department
from kefu.org.permissions import SYSTEM
from kefu.org.selectors import department_spans
from kefu.plans.models import Checkpoint, Plan, PlanVersion, VersionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_loads_plans_in_every_state_and_rated_positions():
    load_demo(steps=["customers", "spans", "plans"])
    assert Plan.objects.count() == 4
    statuses = set(PlanVersion.objects.values_list("status", flat=True))
    assert statuses == {
        VersionStatus.APPROVED,
        VersionStatus.IN_REVIEW,
        VersionStatus.DRAFT,
    }
    waiting = PlanVersion.objects.filter(number=2).get()
    assert waiting.current_step == "committee"
    assert Checkpoint.objects.filter(done_at__isnull=True).count() == 2
    report = department_spans(SYSTEM, Department.objects.get(code="hq"))
    kinds = {g["diagnosis"] for g in report["groups"]}
    assert {"resource_crisis", "bureaucracy_crisis", "control_crisis", "balanced"} <= kinds
