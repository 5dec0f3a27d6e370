"""R-ORG-3, R-ORG-4: supply against demand, the diagnosis and the seed's adjustment order.

Pure arithmetic (kefu.org.spans imports no Django): no database needed.
"""

from __future__ import annotations

import pytest

from kefu.org.spans import (
    Diagnosis,
    SpanOutOfRange,
    Spans,
    Step,
    adjust,
    diagnose,
)


def rate(c, r, i, s, *, far_below=2, wide=4) -> Diagnosis:
    return diagnose(Spans(c, r, i, s), far_below=far_below, wide=wide)


def test_r_org_3_supply_is_control_plus_support_and_demand_responsibility_plus_influence():
    spans = Spans(control=3, responsibility=4, influence=2, support=1)
    assert (spans.supply, spans.demand, spans.gap) == (4, 6, -2)


def test_r_org_3_a_position_is_balanced_when_supply_equals_demand():
    assert rate(3, 3, 3, 3) == Diagnosis.BALANCED
    assert rate(5, 4, 2, 1) == Diagnosis.BALANCED


def test_r_org_4_supply_far_below_demand_is_a_resource_crisis():
    assert rate(1, 3, 3, 1) == Diagnosis.RESOURCE_CRISIS
    assert rate(2, 2, 3, 2) == Diagnosis.SHORT  # short by one: watched, not yet a crisis
    assert rate(2, 2, 3, 2, far_below=1) == Diagnosis.RESOURCE_CRISIS


def test_r_org_4_supply_above_demand_is_a_control_crisis():
    assert rate(5, 2, 2, 3) == Diagnosis.CONTROL_CRISIS
    assert rate(3, 2, 2, 2) == Diagnosis.CONTROL_CRISIS


def test_r_org_4_wide_responsibility_and_influence_with_short_supply_is_a_bureaucracy_crisis():
    assert rate(2, 4, 5, 2) == Diagnosis.BUREAUCRACY_CRISIS
    assert rate(4, 4, 4, 3) == Diagnosis.BUREAUCRACY_CRISIS  # short by one is enough here
    assert rate(2, 4, 3, 2) == Diagnosis.RESOURCE_CRISIS  # influence not wide
    assert rate(4, 4, 4, 4) == Diagnosis.BALANCED  # wide but fully supplied


def test_r_org_4_adjusts_control_first_then_responsibility_and_influence_then_support():
    # Short by 7: control gives 4 (1→5), then the wider demand span 3 (5→2).
    steps = adjust(Spans(control=1, responsibility=4, influence=5, support=1))
    assert steps == [Step("control", 1, 5), Step("influence", 5, 2)]
    # Short by 4 with control already at 5: the demand spans narrow; support is last.
    steps = adjust(Spans(control=5, responsibility=5, influence=5, support=1))
    assert steps == [Step("responsibility", 5, 1)]


def test_r_org_4_every_adjustment_ends_balanced_and_follows_the_seed_order():
    order = {"control": 0, "responsibility": 1, "influence": 1, "support": 2}
    for c in range(1, 6):
        for r in range(1, 6):
            for i in range(1, 6):
                for s in range(1, 6):
                    spans = Spans(c, r, i, s)
                    steps = adjust(spans)
                    values = {"control": c, "responsibility": r, "influence": i, "support": s}
                    for step in steps:
                        assert values[step.span] == step.old
                        values[step.span] = step.new
                    assert values["control"] + values["support"] == (
                        values["responsibility"] + values["influence"]
                    ), spans
                    ranks = [order[st.span] for st in steps]
                    assert ranks == sorted(ranks), spans


def test_r_org_4_an_oversupplied_position_narrows_control_first():
    steps = adjust(Spans(control=5, responsibility=1, influence=1, support=3))
    assert steps[0] == Step("control", 5, 1)
    assert not steps[0].widen


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "3", None, True])
def test_r_org_2_refuses_a_span_outside_one_to_five(bad):
    with pytest.raises(SpanOutOfRange) as refused:
        Spans(control=bad, responsibility=3, influence=3, support=3)
    assert refused.value.name == "control"
