"""Demo KPI schemes and last month's supervision report, built from the demo's data."""

from __future__ import annotations

import random

from kefu.org.models import Department, Position
from kefu.org.permissions import SYSTEM
from kefu.reports.models import Indicator
from kefu.reports.services import monthly_report_build, scheme_save

SCHEMES = [
    (
        "客服部综合考核",
        "cs",
        None,
        [
            ("answer_rate", 90, 20),
            ("service_level", 80, 15),
            ("fcr", 70, 15),
            ("repeat_contact_rate", 10, 10),
            ("complaints_per_10k", 50, 10),
            ("time_limit_compliance", 95, 10),
            ("callback_completion", 95, 10),
            ("satisfaction", 4, 10),
        ],
    ),
    (
        "呼叫中心坐席考核",
        "callcenter",
        "坐席",
        [("answer_rate", 90, 40), ("service_level", 80, 30), ("fcr", 70, 30)],
    ),
]


def load_reports(rng: random.Random) -> None:
    load_schemes()
    monthly_report_build(actor=SYSTEM)


def load_schemes() -> None:
    codes = {i.code: i.pk for i in Indicator.objects.all()}
    for name, dept_name, position_title, lines in SCHEMES:
        dept = Department.objects.filter(code=dept_name).first()
        positions = []
        if position_title and dept is not None:
            positions = list(
                Position.objects.filter(department=dept, title=position_title).values_list(
                    "pk", flat=True
                )
            )
        scheme_save(
            actor=SYSTEM,
            name=name,
            items=[{"indicator": codes[c], "target": t, "weight": w} for c, t, w in lines],
            departments=[dept.pk] if dept else [],
            positions=positions,
        )
