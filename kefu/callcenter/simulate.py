"""Discrete-event simulation of the call queue: what-if for a roster against a forecast.

Pure Python, no Django (R-CC-9, R-CC-10). Calls arrive as a Poisson process whose rate is
constant within each interval, handle times are exponential with the interval's AHT, callers
hang up after an exponential patience (none when ``patience_seconds`` is None), service is
first come first served, and the number of agents changes at interval boundaries (an agent
whose shift ends finishes the call in hand). Each replication uses its own seeded random
stream, so a result is reproducible. Figures are attributed to the interval the call arrived
in, and pooled over replications.

This is also the independent check of the Erlang A closed form (tests compare the two).
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "SimulatedInterval",
    "SimulationInputError",
    "StationaryResult",
    "simulate",
    "simulate_stationary",
]


class SimulationInputError(ValueError):
    """Bad simulation input; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class SimulatedInterval:
    """Predicted figures of one interval, pooled over replications.

    ``service_level``: share of offered calls answered within the target seconds;
    ``answer_rate`` (接通率): share answered at all; ``service_level_stderr``: standard error
    of the service level between replications (0 with one replication).
    """

    index: int
    agents: int
    offered: float
    answered: float
    abandoned: float
    answer_rate: float
    service_level: float
    asa_seconds: float
    service_level_stderr: float


@dataclass(frozen=True)
class StationaryResult:
    calls: int
    service_level: float
    answer_rate: float
    abandon_probability: float
    wait_probability: float
    asa_seconds: float


class _Counts:
    __slots__ = ("abandoned", "answered", "offered", "waited", "wait_sum", "within")

    def __init__(self) -> None:
        self.offered = 0
        self.answered = 0
        self.within = 0
        self.abandoned = 0
        self.waited = 0
        self.wait_sum = 0.0


def _run(
    rng: random.Random,
    rates: Sequence[float],
    ahts: Sequence[float],
    agents: Sequence[int],
    interval: float,
    patience: float | None,
    target: float,
) -> list[_Counts]:
    n = len(rates)
    counts = [_Counts() for _ in range(n)]
    busy: list[float] = []  # completion times
    queue: deque[tuple[float, float, float, int]] = deque()  # arrival, deadline, service, slot
    expo = rng.expovariate
    inf = math.inf

    def next_arrival(now: float) -> float:
        # Poisson with piecewise-constant rate: memoryless, so redraw at each boundary.
        while True:
            slot = int(now // interval)
            if slot >= n:
                return inf
            end = (slot + 1) * interval
            rate = rates[slot]
            if rate > 0:
                t = now + expo(rate)
                if t < end:
                    return t
            now = end

    def serve(now: float, cap: int) -> None:
        while queue and len(busy) < cap:
            arrival, deadline, service, slot = queue.popleft()
            c = counts[slot]
            if deadline < now:
                c.abandoned += 1
                continue
            wait = now - arrival
            c.answered += 1
            c.waited += 1
            c.wait_sum += wait
            if wait <= target:
                c.within += 1
            heapq.heappush(busy, now + service)

    cap = agents[0]
    boundary = interval
    arrival = next_arrival(0.0)
    slot_now = 0
    while True:
        completion = busy[0] if busy else inf
        if arrival == inf and not queue:
            break
        if arrival == inf and cap == 0 and completion == inf and boundary == inf:
            for _, _, _, slot in queue:  # nobody will ever answer: all hang up
                counts[slot].abandoned += 1
            break
        now = min(arrival, completion, boundary)
        if now == completion:
            heapq.heappop(busy)
            serve(now, cap)
        elif now == boundary:
            slot_now += 1
            if slot_now < n:
                cap = agents[slot_now]
                boundary = (slot_now + 1) * interval
            else:
                boundary = inf  # after the horizon the last staffing drains the queue
            serve(now, cap)
        else:
            slot = int(now // interval)
            c = counts[slot]
            c.offered += 1
            service = expo(1.0 / ahts[slot])
            if not queue and len(busy) < cap:
                c.answered += 1
                c.within += 1
                heapq.heappush(busy, now + service)
            else:
                deadline = now + expo(1.0 / patience) if patience is not None else inf
                queue.append((now, deadline, service, slot))
            arrival = next_arrival(now)
    return counts


def _validate(
    calls: Sequence[float],
    aht_seconds: Sequence[float],
    agents: Sequence[int],
    interval_seconds: float,
    patience_seconds: float | None,
    target_seconds: float,
    replications: int,
) -> None:
    if not calls:
        raise SimulationInputError("calls", "at least one interval is needed")
    if not len(calls) == len(aht_seconds) == len(agents):
        raise SimulationInputError(
            "agents", "calls, aht_seconds and agents must have one value per interval"
        )
    for i, (c, a, n) in enumerate(zip(calls, aht_seconds, agents, strict=True)):
        if not math.isfinite(c) or c < 0:
            raise SimulationInputError(f"calls[{i}]", f"must be a number >= 0, got {c!r}")
        if not math.isfinite(a) or a <= 0:
            raise SimulationInputError(f"aht_seconds[{i}]", f"must be greater than 0, got {a!r}")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise SimulationInputError(f"agents[{i}]", f"must be a whole number >= 0, got {n!r}")
    if not interval_seconds > 0:
        raise SimulationInputError("interval_seconds", "must be greater than 0")
    if patience_seconds is not None and not patience_seconds > 0:
        raise SimulationInputError("patience_seconds", "must be greater than 0")
    if not target_seconds >= 0:
        raise SimulationInputError("target_seconds", "must not be negative")
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise SimulationInputError("replications", "must be a whole number of at least 1")


def simulate(
    calls: Sequence[float],
    aht_seconds: Sequence[float],
    agents: Sequence[int],
    *,
    interval_seconds: float = 1800.0,
    patience_seconds: float | None = None,
    target_seconds: float = 20.0,
    replications: int = 20,
    seed: int = 0,
) -> list[SimulatedInterval]:
    """Per-interval answer rate and service level of a roster against a forecast (R-CC-9).

    ``calls[i]`` expected calls, ``aht_seconds[i]`` and ``agents[i]`` seats in interval i.
    The day starts with an empty queue and ends when the last caller is answered or gone.
    """
    _validate(
        calls, aht_seconds, agents, interval_seconds, patience_seconds, target_seconds, replications
    )
    rates = [c / interval_seconds for c in calls]
    runs = [
        _run(
            random.Random(f"{seed}:{r}"),  # noqa: S311 - simulation, not security
            rates,
            aht_seconds,
            agents,
            interval_seconds,
            patience_seconds,
            target_seconds,
        )
        for r in range(replications)
    ]
    out = []
    for i in range(len(calls)):
        per = [run[i] for run in runs]
        offered = sum(c.offered for c in per)
        answered = sum(c.answered for c in per)
        abandoned = sum(c.abandoned for c in per)
        within = sum(c.within for c in per)
        waits = sum(c.wait_sum for c in per)
        levels = [c.within / c.offered for c in per if c.offered]
        stderr = 0.0
        if len(levels) > 1:
            mean = sum(levels) / len(levels)
            var = sum((v - mean) ** 2 for v in levels) / (len(levels) - 1)
            stderr = math.sqrt(var / len(levels))
        out.append(
            SimulatedInterval(
                index=i,
                agents=agents[i],
                offered=offered / replications,
                answered=answered / replications,
                abandoned=abandoned / replications,
                answer_rate=answered / offered if offered else 1.0,
                service_level=within / offered if offered else 1.0,
                asa_seconds=waits / answered if answered else 0.0,
                service_level_stderr=stderr,
            )
        )
    return out


def simulate_stationary(
    *,
    calls: float,
    aht_seconds: float,
    agents: int,
    patience_seconds: float | None,
    target_seconds: float = 20.0,
    interval_seconds: float = 1800.0,
    intervals: int = 200,
    warmup_intervals: int = 4,
    replications: int = 4,
    seed: int = 0,
) -> StationaryResult:
    """Long-run figures of one constant interval repeated, after a warm-up (checks Erlang A)."""
    total = intervals + warmup_intervals
    _validate(
        [calls] * total,
        [aht_seconds] * total,
        [agents] * total,
        interval_seconds,
        patience_seconds,
        target_seconds,
        replications,
    )
    rate = calls / interval_seconds
    offered = answered = within = abandoned = waited_sum = 0.0
    waited = 0
    for r in range(replications):
        run = _run(
            random.Random(f"{seed}:{r}"),  # noqa: S311 - simulation, not security
            [rate] * total,
            [aht_seconds] * total,
            [agents] * total,
            interval_seconds,
            patience_seconds,
            target_seconds,
        )
        for c in run[warmup_intervals:]:
            offered += c.offered
            answered += c.answered
            within += c.within
            abandoned += c.abandoned
            waited += c.waited
            waited_sum += c.wait_sum
    return StationaryResult(
        calls=int(offered),
        service_level=within / offered,
        answer_rate=answered / offered,
        abandon_probability=abandoned / offered,
        wait_probability=(waited + abandoned) / offered,
        asa_seconds=waited_sum / answered,
    )
