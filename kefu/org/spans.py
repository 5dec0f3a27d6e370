"""The responsibility–authority–benefit balance of a position (责权利, R-ORG-3, R-ORG-4).

Pure arithmetic over the four spans (幅度), importing no Django, so it is fast to
test and reusable by reports. The seed: supply (控制幅度 + 支持幅度) must equal demand
(责任幅度 + 影响幅度); an imbalance is one of three crises; an adjustment sets the
control span first, then the responsibility and influence spans, then the support span.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

LOW, HIGH = 1, 5
SPAN_NAMES = ("control", "responsibility", "influence", "support")
# The seed's adjustment order (R-ORG-4): control first, then responsibility and
# influence, then support.
ADJUSTMENT_ORDER = ("control", "responsibility", "influence", "support")


class Diagnosis(StrEnum):
    BALANCED = "balanced"
    # Short, but by less than the "far below" gap: not yet a crisis, watched.
    SHORT = "short"
    RESOURCE_CRISIS = "resource_crisis"
    CONTROL_CRISIS = "control_crisis"
    BUREAUCRACY_CRISIS = "bureaucracy_crisis"


CRISES = (Diagnosis.RESOURCE_CRISIS, Diagnosis.CONTROL_CRISIS, Diagnosis.BUREAUCRACY_CRISIS)


class SpanOutOfRange(ValueError):
    def __init__(self, name: str, value: object) -> None:
        super().__init__(f"{name} span must be a whole number from {LOW} to {HIGH}, not {value!r}")
        self.name = name
        self.value = value


@dataclass(frozen=True)
class Spans:
    """R-ORG-2: the four spans of a position, each 1–5."""

    control: int
    responsibility: int
    influence: int
    support: int

    def __post_init__(self) -> None:
        for name in SPAN_NAMES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not LOW <= value <= HIGH:
                raise SpanOutOfRange(name, value)

    @property
    def supply(self) -> int:
        """R-ORG-3: what the company gives the position: control + support."""
        return self.control + self.support

    @property
    def demand(self) -> int:
        """R-ORG-3: what the position asks of the company: responsibility + influence."""
        return self.responsibility + self.influence

    @property
    def gap(self) -> int:
        """Supply minus demand: 0 is balanced, below 0 short, above 0 oversupplied."""
        return self.supply - self.demand


@dataclass(frozen=True)
class Step:
    """One adjustment: set ``span`` from ``old`` to ``new``."""

    span: str
    old: int
    new: int

    @property
    def widen(self) -> bool:
        return self.new > self.old


def diagnose(spans: Spans, *, far_below: int, wide: int) -> Diagnosis:
    """R-ORG-4: balanced, short, resource crisis, control crisis or bureaucracy crisis.

    - supply equals demand: balanced (R-ORG-3);
    - supply above demand: control crisis (资源供给大于需求);
    - supply short while responsibility and influence are both wide (≥ ``wide``):
      bureaucracy crisis (官僚危机), whatever the size of the gap;
    - supply at least ``far_below`` under demand: resource crisis (资源危机);
    - otherwise short by less than that: ``SHORT``, watched but not yet a crisis.
    """
    if far_below < 1:
        raise ValueError("far_below must be at least 1")
    gap = spans.gap
    if gap == 0:
        return Diagnosis.BALANCED
    if gap > 0:
        return Diagnosis.CONTROL_CRISIS
    if spans.responsibility >= wide and spans.influence >= wide:
        return Diagnosis.BUREAUCRACY_CRISIS
    if -gap >= far_below:
        return Diagnosis.RESOURCE_CRISIS
    return Diagnosis.SHORT


def adjust(spans: Spans) -> list[Step]:
    """R-ORG-4: the changes that balance the position, in the seed's order.

    Control first (widen it when supply is short, narrow it when oversupplied),
    then responsibility and influence (narrow when short, widen when oversupplied;
    the wider of the two first), then support — each within 1–5, stopping as soon
    as supply equals demand. Returns no steps for a balanced position.
    """
    values = {name: getattr(spans, name) for name in SPAN_NAMES}
    remaining = spans.gap  # < 0: supply short; > 0: supply over
    steps: list[Step] = []

    def move(name: str, direction: int) -> None:
        # direction +1 widens, -1 narrows; how much it closes depends on the side.
        nonlocal remaining
        if remaining == 0:
            return
        old = values[name]
        room = HIGH - old if direction > 0 else old - LOW
        delta = min(room, abs(remaining))
        if delta <= 0:
            return
        values[name] = old + direction * delta
        remaining += delta if remaining < 0 else -delta
        steps.append(Step(name, old, values[name]))

    if remaining == 0:
        return steps
    short = remaining < 0
    move("control", +1 if short else -1)
    demand_spans = sorted(("responsibility", "influence"), key=lambda n: values[n], reverse=short)
    for name in demand_spans:
        move(name, -1 if short else +1)
    move("support", +1 if short else -1)
    return steps
