"""Queue simulation: what-if of a roster (R-CC-9); independent check of Erlang A (R-CC-10)."""

from __future__ import annotations

import pytest

from kefu.callcenter.erlang import erlang_a, erlang_c_metrics
from kefu.callcenter.roster import Floor, RosterRules, StaffMember, build_roster
from kefu.callcenter.simulate import SimulationInputError, simulate, simulate_stationary


def test_it_agrees_with_erlang_a_on_service_level_in_the_long_run():
    """R-CC-10: the closed form and ~500,000 simulated calls each agree within 0.005 on service
    level (the issue's bar), and closely on answer rate, abandonment and ASA."""
    for agents, patience in ((14, 300.0), (9, 60.0)):
        sim = simulate_stationary(
            calls=100,
            aht_seconds=180,
            agents=agents,
            patience_seconds=patience,
            target_seconds=20,
            intervals=2500,
            replications=2,
            seed=7,
        )
        exact = erlang_a(
            agents, calls=100, aht_seconds=180, patience_seconds=patience, target_seconds=20
        )
        assert sim.calls > 400_000
        assert sim.service_level == pytest.approx(exact.service_level, abs=0.005)
        assert sim.answer_rate == pytest.approx(exact.answer_rate, abs=0.005)
        assert sim.abandon_probability == pytest.approx(exact.abandon_probability, abs=0.005)
        assert sim.wait_probability == pytest.approx(exact.wait_probability, abs=0.01)
        assert sim.asa_seconds == pytest.approx(exact.asa_seconds, rel=0.05)


def test_it_agrees_with_erlang_c_when_nobody_hangs_up():
    """R-CC-5: infinite patience reproduces the Erlang C service level and ASA."""
    sim = simulate_stationary(
        calls=100,
        aht_seconds=180,
        agents=14,
        patience_seconds=None,
        intervals=1250,
        replications=2,
        seed=3,
    )
    exact = erlang_c_metrics(14, calls=100, aht_seconds=180)
    assert sim.answer_rate == 1.0
    assert sim.service_level == pytest.approx(exact.service_level, abs=0.006)
    assert sim.asa_seconds == pytest.approx(exact.asa_seconds, rel=0.1)


def test_it_shows_where_a_roster_misses_the_ninety_percent_answer_rate():
    """R-CC-9 what-if: an interval left with too few seats shows its answer rate below 90%,
    the well-staffed intervals around it stay above."""
    calls = [60.0] * 8
    aht = [180.0] * 8
    agents = [9, 9, 9, 2, 9, 9, 9, 9]
    result = simulate(
        calls, aht, agents, patience_seconds=60, target_seconds=20, replications=30, seed=1
    )
    assert [r.index for r in result] == list(range(8))
    assert result[3].answer_rate < 0.9
    assert result[3].service_level < result[3].answer_rate
    assert all(result[i].answer_rate > 0.9 for i in (0, 1, 6, 7))
    assert all(0 < r.service_level_stderr < 0.05 for r in result)
    assert result[0].offered == pytest.approx(60, rel=0.1)


def test_it_simulates_a_roster_built_for_the_week_day_by_day():
    """R-CC-9/R-CC-10: roster coverage feeds the simulation interval by interval."""
    floors = (
        Floor("R-CC-8", "peak", 9 * 60, 12 * 60, 3),
        Floor("R-CC-8", "night", 20 * 60, 8 * 60, 1),
    )
    staff = [StaffMember(f"agent{i}") for i in range(9)]
    roster = build_roster(staff, None, interval_minutes=60, rules=RosterRules(floors=floors))
    day = list(roster.covered[:24])  # Monday, hourly
    calls = [5.0 if h < 8 or h >= 20 else 30.0 for h in range(24)]
    result = simulate(
        calls,
        [240.0] * 24,
        day,
        interval_seconds=3600,
        patience_seconds=120,
        replications=10,
        seed=2,
    )
    assert len(result) == 24
    assert all(r.agents == n for r, n in zip(result, day, strict=True))
    assert all(0 <= r.service_level <= r.answer_rate <= 1 for r in result)


def test_it_is_reproducible_with_a_seed():
    args = ([40.0] * 4, [200.0] * 4, [5, 5, 4, 6])
    a = simulate(*args, patience_seconds=90, replications=5, seed=11)
    b = simulate(*args, patience_seconds=90, replications=5, seed=11)
    c = simulate(*args, patience_seconds=90, replications=5, seed=12)
    assert a == b
    assert a != c


def test_it_counts_callers_left_without_any_agent_as_abandoned():
    result = simulate([30.0], [180.0], [0], patience_seconds=60, replications=3, seed=0)
    assert result[0].answered == 0
    assert result[0].abandoned == result[0].offered > 0
    assert result[0].answer_rate == 0.0


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"calls": []}, "calls"),
        ({"calls": [-1.0]}, "calls[0]"),
        ({"aht_seconds": [0.0]}, "aht_seconds[0]"),
        ({"agents": [1, 2]}, "agents"),
        ({"agents": [-1]}, "agents[0]"),
        ({"patience_seconds": 0}, "patience_seconds"),
        ({"replications": 0}, "replications"),
        ({"interval_seconds": 0}, "interval_seconds"),
    ],
)
def test_it_refuses_bad_simulation_input(kwargs, parameter):
    args = {"calls": [10.0], "aht_seconds": [100.0], "agents": [2]} | kwargs
    with pytest.raises(SimulationInputError) as err:
        simulate(args.pop("calls"), args.pop("aht_seconds"), args.pop("agents"), **args)
    assert err.value.parameter == parameter
