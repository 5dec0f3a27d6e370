"""Demo spans (R-ORG-2): the demo company's posts rated, so the 责权利 page shows each crisis."""

from __future__ import annotations

import random

from kefu.org.models import Position
from kefu.org.permissions import SYSTEM
from kefu.org.services import position_spans_set

# title: (control, responsibility, influence, support)
SPANS = {
    "总经理": (5, 5, 4, 4),
    "管理处主任": (4, 4, 3, 3),
    "客服主管": (2, 4, 5, 2),  # bureaucracy crisis: wide duties, little to decide
    "客服专员": (2, 3, 2, 3),
    "客户经理": (2, 4, 3, 2),  # resource crisis
    "业务内勤": (2, 2, 1, 2),  # control crisis
    "客服班长": (3, 3, 3, 3),
    "坐席": (1, 3, 2, 2),  # resource crisis: short by two
    "营销策划": (3, 4, 4, 3),  # bureaucracy crisis
}


def load_spans(rng: random.Random) -> None:
    for position in Position.objects.filter(title__in=SPANS):
        c, r, i, s = SPANS[position.title]
        position_spans_set(
            actor=SYSTEM,
            position=position,
            control=c,
            responsibility=r,
            influence=i,
            support=s,
            reason="演示数据",
        )
