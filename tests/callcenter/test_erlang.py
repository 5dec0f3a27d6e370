"""Erlang B, C and A (R-CC-10 sizing, R-CC-5 service-level formulas, R-CC-9 answer rate)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.callcenter.erlang import (
    ErlangInputError,
    TargetUnreachableError,
    agents_with_shrinkage,
    asa_c,
    erlang_a,
    erlang_b,
    erlang_c,
    erlang_c_metrics,
    offered_load,
    required_agents,
    required_agents_many,
    service_level_c,
)

# ---------------------------------------------------------------- independent references


def naive_erlang_b(lines: int, load: float) -> float:
    """The textbook forward recursion B(k) = A B(k-1) / (k + A B(k-1)), B(0) = 1."""
    b = 1.0
    for k in range(1, lines + 1):
        b = load * b / (k + load * b)
    return b


def naive_erlang_c(agents: int, load: float) -> float:
    b = naive_erlang_b(agents, load)
    return agents * b / (agents - load * (1 - b))


def naive_required(calls: float, aht: float, sl: float, t: float, interval: float = 1800.0) -> int:
    """Search from one agent upward, recomputing everything: the baseline of the benchmark."""
    load = calls * aht / interval
    n = 1
    while True:
        if n > load:
            level = 1 - naive_erlang_c(n, load) * math.exp(-(n - load) * t / aht)
            if level >= sl:
                return n
        n += 1


def chain_metrics(calls: float, aht: float, patience: float, agents: int, interval: float = 1800):
    """Brute-force M/M/n+M birth-death chain: (wait probability, abandon probability, E[Q]).

    Weights are kept as logarithms so that long, overloaded chains do not overflow.
    """
    lam, mu, theta = calls / interval, 1 / aht, 1 / patience
    logs = [0.0]
    peak = 0.0
    j = 0
    while True:
        j += 1
        death = min(j, agents) * mu + max(j - agents, 0) * theta
        logs.append(logs[-1] + math.log(lam / death))
        peak = max(peak, logs[-1])
        if j > agents and lam < death and logs[-1] < peak - 45:
            break
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = math.fsum(weights)
    p = [w / total for w in weights]
    queue = math.fsum((k - agents) * p[k] for k in range(agents, len(p)))
    return math.fsum(p[agents:]), theta * queue / lam, queue


# ---------------------------------------------------------------- published examples


def test_it_gives_the_erlang_b_table_values():
    """R-CC-10: Erlang B tables (e.g. any teletraffic handbook): A=10 on 10 lines blocks 21.46%,
    A=2 on 5 lines 3.67%; B(2 lines, 2 Erlangs) = 2/5 exactly."""
    assert erlang_b(10, 10.0) == pytest.approx(0.2146, abs=5e-5)
    assert erlang_b(5, 2.0) == pytest.approx(0.0367, abs=5e-5)
    assert erlang_b(2, 2.0) == pytest.approx(0.4, rel=1e-14)
    assert erlang_b(0, 3.0) == 1.0


def test_it_reproduces_the_classic_erlang_c_worked_example():
    """R-CC-5/R-CC-10: Call Centre Helper, "Erlang C formula - made simple": 100 calls in 30
    minutes, AHT 180 s (10 Erlangs), target 80% in 20 s. Published: 11 agents wait 68.21%,
    ASA 122.8 s, SL 39.0%; 12 agents wait 44.94%; 13 agents SL 79.6%; 14 agents wait 17.41%,
    SL 88.8%, ASA 7.8 s; so 14 agents are required."""
    load = offered_load(100, 180, 1800)
    assert load == pytest.approx(10.0)
    assert erlang_c(11, load) == pytest.approx(0.6821, abs=5e-5)
    assert asa_c(11, load, 180) == pytest.approx(122.8, abs=0.05)
    assert service_level_c(11, load, 180, 20) == pytest.approx(0.390, abs=5e-4)
    assert erlang_c(12, load) == pytest.approx(0.4494, abs=5e-5)
    assert service_level_c(13, load, 180, 20) == pytest.approx(0.796, abs=5e-4)
    fourteen = erlang_c_metrics(14, calls=100, aht_seconds=180, target_seconds=20)
    assert fourteen.wait_probability == pytest.approx(0.1741, abs=5e-5)
    assert fourteen.service_level == pytest.approx(0.888, abs=5e-4)
    assert fourteen.asa_seconds == pytest.approx(7.8, abs=0.05)
    assert fourteen.occupancy == pytest.approx(10 / 14)
    assert required_agents(calls=100, aht_seconds=180, service_level=0.8).agents == 14


def test_it_reproduces_the_erlang_a_reference_values():
    """R-CC-10: the Erlang A snapshot of the field's Python reference (pyworkforce's test suite,
    exact birth-death chain): 100 calls/30 min, AHT 3 min, patience 5 min, 14 agents, 20 s:
    wait 0.14526, abandon 0.013984, occupancy 0.704297, mean wait 0.069919 min, SL 0.916792."""
    s = erlang_a(14, calls=100, aht_seconds=180, patience_seconds=300, target_seconds=20)
    assert round(s.wait_probability, 5) == 0.14526
    assert round(s.abandon_probability, 6) == 0.013984
    assert round(s.occupancy, 6) == 0.704297
    assert round(s.mean_wait_seconds / 60, 6) == 0.069919
    assert round(s.service_level, 6) == 0.916792
    assert s.answer_rate == pytest.approx(1 - s.abandon_probability)


# ---------------------------------------------------------------- Erlang A against the chain


@settings(max_examples=40, deadline=None)
@given(
    calls=st.floats(5, 600),
    aht=st.floats(30, 600),
    patience=st.floats(10, 1200),
    extra=st.integers(-5, 15),
)
def test_it_matches_the_birth_death_chain_for_erlang_a(calls, aht, patience, extra):
    """R-CC-10: the Mandelbaum-Zeltyn closed form equals the brute-force chain to 1e-9."""
    agents = max(1, round(calls * aht / 1800) + extra)
    s = erlang_a(agents, calls=calls, aht_seconds=aht, patience_seconds=patience)
    wait, abandon, queue = chain_metrics(calls, aht, patience, agents)
    assert s.wait_probability == pytest.approx(wait, rel=1e-9, abs=1e-12)
    assert s.abandon_probability == pytest.approx(abandon, rel=1e-9, abs=1e-12)
    assert s.mean_wait_seconds == pytest.approx(queue / (calls / 1800), rel=1e-9, abs=1e-9)


def test_it_makes_erlang_a_service_level_consistent_at_its_limits():
    """R-CC-5: answered within 0 s = answered without waiting; within forever = answer rate."""
    kwargs = {"calls": 180, "aht_seconds": 240, "patience_seconds": 90}
    at_zero = erlang_a(22, target_seconds=0, **kwargs)
    assert at_zero.service_level == pytest.approx(1 - at_zero.wait_probability, abs=1e-12)
    forever = erlang_a(22, target_seconds=1e6, **kwargs)
    assert forever.service_level == pytest.approx(forever.answer_rate, abs=1e-12)


def test_it_converges_from_erlang_a_to_erlang_c_as_patience_grows():
    """R-CC-10: infinitely patient callers make Erlang A the Erlang C queue."""
    a = erlang_a(12, calls=100, aht_seconds=180, patience_seconds=1e9, target_seconds=20)
    c = erlang_c_metrics(12, calls=100, aht_seconds=180, target_seconds=20)
    assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-5)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-4)
    assert a.abandon_probability < 1e-6


def test_it_handles_overload_under_erlang_a_and_c():
    """Fewer agents than the load: Erlang C has no steady state, Erlang A sheds callers."""
    c = erlang_c_metrics(8, calls=100, aht_seconds=180)
    assert (c.wait_probability, c.service_level, c.asa_seconds) == (1.0, 0.0, math.inf)
    assert c.answer_rate == pytest.approx(0.8)
    a = erlang_a(8, calls=100, aht_seconds=180, patience_seconds=120)
    assert 0.2 < a.abandon_probability < 1
    assert a.occupancy <= 1
    # throughput can never exceed what 8 agents handle: 8 / 10 of the load
    assert a.answer_rate <= 0.8 + 1e-12
    none = erlang_a(0, calls=100, aht_seconds=180, patience_seconds=120)
    assert none.answer_rate == 0 and none.abandon_probability == 1


def test_it_stays_exact_for_an_overloaded_queue_of_very_patient_callers():
    """R-CC-10: 8 agents for 10 Erlangs, patience ~4 months: the queue part of the chain spans
    ~10^5 states; the closed form still equals the chain and only n/A of calls get through."""
    s = erlang_a(8, calls=100, aht_seconds=180, patience_seconds=1e7)
    wait, abandon, _ = chain_metrics(100, 180, 1e7, 8)
    assert s.wait_probability == pytest.approx(wait, rel=1e-9)
    assert s.abandon_probability == pytest.approx(abandon, rel=1e-7)
    assert s.answer_rate == pytest.approx(0.8, rel=1e-6)
    assert s.occupancy <= 1.0


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(load=st.floats(0.05, 400), agents=st.integers(1, 500))
def test_it_keeps_erlang_b_below_erlang_c_and_decreasing(load, agents):
    """R-CC-10: 0 <= B <= C <= 1; both fall as agents are added; B equals the recursion."""
    b = erlang_b(agents, load)
    c = erlang_c(agents, load)
    assert 0 <= b <= c <= 1
    assert erlang_b(agents + 1, load) <= b
    assert erlang_c(agents + 1, load) <= c
    assert b == pytest.approx(naive_erlang_b(agents, load), rel=1e-11, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(
    calls=st.floats(1, 2000),
    aht=st.floats(10, 900),
    patience=st.floats(5, 900),
    t=st.floats(0, 120),
    agents=st.integers(1, 120),
)
def test_it_improves_every_figure_when_an_agent_is_added(calls, aht, patience, t, agents):
    """R-CC-5: service level and answer rate rise, abandonment and ASA fall, with agents."""
    kw = {"calls": calls, "aht_seconds": aht, "target_seconds": t}
    a0 = erlang_a(agents, patience_seconds=patience, **kw)
    a1 = erlang_a(agents + 1, patience_seconds=patience, **kw)
    assert a1.service_level >= a0.service_level - 1e-12
    assert a1.abandon_probability <= a0.abandon_probability + 1e-12
    assert a1.asa_seconds <= a0.asa_seconds * (1 + 1e-9)
    for s in (a0, a1):
        assert 0 <= s.service_level <= s.answer_rate <= 1
        assert 0 <= s.wait_probability <= 1
    c0 = erlang_c_metrics(agents, **kw)
    c1 = erlang_c_metrics(agents + 1, **kw)
    assert c1.service_level >= c0.service_level
    assert c1.wait_probability <= c0.wait_probability


def test_it_stays_exact_at_five_thousand_agents():
    """R-CC-11: several thousand agents, no overflow, same value as the plain recursion."""
    assert erlang_c(5000, 4900.0) == pytest.approx(naive_erlang_c(5000, 4900.0), rel=1e-11)
    assert erlang_b(5000, 4900.0) == pytest.approx(naive_erlang_b(5000, 4900.0), rel=1e-11)
    assert erlang_b(5000, 1000.0) == 0.0  # below 1e-308: underflows, never a NaN
    assert erlang_b(100, 5000.0) == pytest.approx(naive_erlang_b(100, 5000.0), rel=1e-11)
    big = erlang_a(5000, calls=29_400, aht_seconds=300, patience_seconds=180)
    assert all(math.isfinite(v) for v in (big.service_level, big.asa_seconds, big.occupancy))
    assert 0 < big.abandon_probability < big.wait_probability < 1
    c = erlang_c_metrics(5000, calls=29_400, aht_seconds=300)
    patient = erlang_a(5000, calls=29_400, aht_seconds=300, patience_seconds=1e9)
    assert patient.service_level == pytest.approx(c.service_level, abs=1e-5)
    n = required_agents(calls=29_400, aht_seconds=300, service_level=0.8).agents
    assert n == naive_required(29_400, 300, 0.8, 20)


# ---------------------------------------------------------------- required agents


@settings(max_examples=40, deadline=None)
@given(
    calls=st.floats(1, 3000),
    aht=st.floats(10, 900),
    sl=st.floats(0.05, 0.99),
    t=st.floats(0, 60),
)
def test_it_finds_the_fewest_agents_for_a_service_level(calls, aht, sl, t):
    """R-CC-10: same answer as a search from one agent; n meets the target and n - 1 fails."""
    s = required_agents(calls=calls, aht_seconds=aht, service_level=sl, target_seconds=t)
    assert s.agents == naive_required(calls, aht, sl, t)
    assert s.service_level >= sl
    assert s.agents - 1 <= s.load or service_level_c(s.agents - 1, s.load, aht, t) < sl


@settings(max_examples=30, deadline=None)
@given(
    calls=st.floats(1, 1500),
    aht=st.floats(20, 600),
    patience=st.floats(10, 600),
    sl=st.floats(0.3, 0.95),
    rate=st.one_of(st.none(), st.floats(0.5, 0.97)),
)
def test_it_finds_the_fewest_agents_under_erlang_a(calls, aht, patience, sl, rate):
    """R-CC-9/R-CC-10: the result meets service level and answer rate; one fewer does not."""
    s = required_agents(
        calls=calls, aht_seconds=aht, service_level=sl, answer_rate=rate, patience_seconds=patience
    )
    assert s.service_level >= sl and (rate is None or s.answer_rate >= rate)
    if s.agents > 1:
        less = erlang_a(s.agents - 1, calls=calls, aht_seconds=aht, patience_seconds=patience)
        assert less.service_level < sl or (rate is not None and less.answer_rate < rate)


def test_it_respects_the_occupancy_cap_and_shrinkage():
    """R-CC-10: a cap of 85% occupancy on 40 Erlangs needs 48 agents; 30% shrinkage adds seats."""
    s = required_agents(
        calls=400, aht_seconds=180, service_level=0.5, max_occupancy=0.85, shrinkage=0.3
    )
    assert s.agents == 48 and s.occupancy <= 0.85
    assert s.agents_with_shrinkage == 69
    assert agents_with_shrinkage(14, 0.3) == 20  # 14 / 0.7 is 20.000000000000004 in floats


def test_it_sizes_the_seed_answer_rate_of_ninety_percent():
    """R-CC-9: answer rate at least 90% with impatient callers (Erlang A)."""
    s = required_agents(calls=300, aht_seconds=240, answer_rate=0.9, patience_seconds=60)
    assert s.answer_rate >= 0.9
    assert erlang_a(s.agents - 1, calls=300, aht_seconds=240, patience_seconds=60).answer_rate < 0.9


def test_it_counts_line_blocking_in_the_answer_rate():
    """R-CC-1: calls find all lines busy; blocking is reported and lowers the answer rate."""
    s = erlang_c_metrics(14, calls=100, aht_seconds=180, lines=12)
    assert 0 < s.blocking < 1
    assert s.answer_rate == pytest.approx(1 - s.blocking)
    with pytest.raises(TargetUnreachableError) as err:
        required_agents(calls=100, aht_seconds=180, answer_rate=0.99, lines=8)
    assert err.value.parameter == "lines"


def test_it_solves_a_whole_week_at_once_like_one_interval_at_a_time():
    """R-CC-10: required_agents_many equals required_agents per interval; 0 calls need 0."""
    week = [(0.0, 200.0)] * 10 + [(c, 150 + c % 90) for c in range(5, 600, 7)]
    many = required_agents_many(week, service_level=0.8, target_seconds=20)
    assert [s.agents for s in many[:10]] == [0] * 10
    for (calls, aht), s in zip(week[10:], many[10:], strict=True):
        one = required_agents(calls=calls, aht_seconds=aht, service_level=0.8)
        assert s.agents == one.agents
        assert s.service_level == pytest.approx(one.service_level, abs=1e-12)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"calls": -5}, "calls"),
        ({"calls": 0}, "calls"),
        ({"aht_seconds": 0}, "aht_seconds"),
        ({"aht_seconds": -1}, "aht_seconds"),
        ({"service_level": 1.2}, "service_level"),
        ({"service_level": -0.1}, "service_level"),
        ({"interval_seconds": 0}, "interval_seconds"),
        ({"patience_seconds": 0}, "patience_seconds"),
        ({"max_occupancy": 0}, "max_occupancy"),
        ({"answer_rate": 1.5}, "answer_rate"),
        ({"shrinkage": 1}, "shrinkage"),
        ({"lines": 0}, "lines"),
        ({"target_seconds": -3}, "target_seconds"),
        ({"calls": float("nan")}, "calls"),
    ],
)
def test_it_refuses_bad_staffing_input_naming_the_parameter(kwargs, parameter):
    """Bad input (issue 6): a clear ErlangInputError, a ValueError, naming the parameter."""
    args = {"calls": 100, "aht_seconds": 180, "service_level": 0.8} | kwargs
    with pytest.raises(ErlangInputError) as err:
        required_agents(**args)
    assert err.value.parameter == parameter
    assert parameter in str(err.value)
    assert isinstance(err.value, ValueError)


def test_it_refuses_bad_formula_arguments():
    with pytest.raises(ErlangInputError, match="agents"):
        erlang_c(-1, 3.0)
    with pytest.raises(ErlangInputError, match="agents"):
        erlang_c(2.5, 3.0)
    with pytest.raises(ErlangInputError, match="load"):
        erlang_b(3, 0.0)
    with pytest.raises(ErlangInputError, match="aht_seconds"):
        service_level_c(3, 2.0, 0, 20)
    with pytest.raises(ErlangInputError, match="service_level"):
        required_agents(calls=10, aht_seconds=100)  # no target at all
    with pytest.raises(ErlangInputError, match=r"intervals\[1\].aht_seconds"):
        required_agents_many([(10, 100), (10, 0)], service_level=0.8)
