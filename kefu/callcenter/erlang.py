"""Erlang B, C and A: queueing formulas for sizing seats (R-CC-10, R-CC-5, R-CC-9).

Pure Python, no Django. Every formula is evaluated with sums of positive terms built by
recursion (never factorials, never a difference of two large numbers), rescaled so that
nothing overflows, which keeps them exact to ~1e-13 for thousands of agents.

Notation: ``load`` A = arrival rate x mean handle time, in Erlangs; ``agents`` n; ``lines`` L.

* Erlang B, loss on L lines: ``B(L, A)``, by the classic recursion
  ``1/B(k) = 1 + (k/A) / B(k-1)``, summed from the top down so only ~sqrt(A) terms are needed
  near the load.
* Erlang C, M/M/n with infinite patience: ``C = 1 / ((1 - A/n) / B + A/n)``,
  service level within t seconds ``1 - C exp(-(n - A) t / AHT)``, ASA ``C AHT / (n - A)``.
* Erlang A, M/M/n+M (Palm's queue) with exponential patience of mean 1/theta, in the closed
  form of Mandelbaum and Zeltyn ("The Palm/Erlang-A queue, with applications to call
  centers", 2004): with x = n mu / theta and y = lambda / theta, the queue part of the
  stationary distribution sums to ``S(x, y) = sum_k y^k / ((x+1)...(x+k))``
  ``= x e^y y^-x gamma(x, y)`` (lower incomplete gamma); the probability of waiting is
  ``S / (1/B - 1 + S)``. The offered-wait tail is ``P(V > t) = pi_n e^{-n mu t} e^{y - z}
  S(x, z)`` with ``z = y e^{-theta t}``, from which the share answered within t follows in the
  same form with ``S(x + 1, z)``. ``S`` is summed as its series (the incomplete gamma
  function in the form that needs no cancellation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

__all__ = [
    "ErlangInputError",
    "Staffing",
    "TargetUnreachableError",
    "agents_with_shrinkage",
    "asa_c",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "erlang_c_metrics",
    "offered_load",
    "required_agents",
    "required_agents_many",
    "service_level_c",
]

_RESCALE = 1e250
_LOG_RESCALE = 250 * math.log(10)
_TINY = 1e-17


class ErlangInputError(ValueError):
    """A parameter of a staffing formula is out of range; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


class TargetUnreachableError(ErlangInputError):
    """No number of agents meets the target (e.g. an answer rate the lines cannot carry)."""


# ---------------------------------------------------------------------------- validation


def _number(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ErlangInputError(name, f"must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ErlangInputError(name, f"must be finite, got {value!r}")
    return value


def _positive(name: str, value: float) -> float:
    value = _number(name, value)
    if value <= 0:
        raise ErlangInputError(name, f"must be greater than 0, got {value:g}")
    return value


def _non_negative(name: str, value: float) -> float:
    value = _number(name, value)
    if value < 0:
        raise ErlangInputError(name, f"must not be negative, got {value:g}")
    return value


def _count(name: str, value: int, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ErlangInputError(name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise ErlangInputError(name, f"must be at least {minimum}, got {value}")
    return value


def _share(name: str, value: float, *, allow_zero: bool = True) -> float:
    value = _number(name, value)
    if value > 1:
        raise ErlangInputError(name, f"must be a share between 0 and 1, got {value:g}")
    if value < 0 or (value == 0 and not allow_zero):
        raise ErlangInputError(name, f"must be a share between 0 and 1, got {value:g}")
    return value


# ---------------------------------------------------------------------------- kernels


def _log_inv_erlang_b(n: int, a: float) -> float:
    """log(1/B(n, a)); 1/B(n) = sum_k prod_{i<k} (n - i)/a, summed until the tail is nil.

    This is the Erlang B recursion unrolled from the top: terms grow while n - k > a and
    fall like a Gaussian of width sqrt(a) after that, so the loop stops after about
    (n - a) + 9 sqrt(a) terms instead of n.
    """
    if n == 0:
        return 0.0
    total = 1.0
    term = 1.0
    log_scale = 0.0
    for k in range(1, n + 1):
        term *= (n - k + 1) / a
        total += term
        if term < total * _TINY and n - k < a:
            break
        if total > _RESCALE:
            total /= _RESCALE
            term /= _RESCALE
            log_scale += _LOG_RESCALE
    return log_scale + math.log(total)


@dataclass(frozen=True)
class _Series:
    log_s: float  # log S(x, y)
    mean_k: float  # sum k T_k / S: mean queue length seen by a waiting arrival
    mean_served_wait: float  # sum T_k E[V_k exp(-V_k)] / S, in units of 1/theta


def _digamma(z: float) -> float:
    """psi(z) for z > 0: recurrence up to 10, then the asymptotic series (error < 1e-15)."""
    acc = 0.0
    while z < 10.0:
        acc -= 1.0 / z
        z += 1.0
    inv = 1.0 / (z * z)
    tail = inv * (1 / 12 - inv * (1 / 120 - inv * (1 / 252 - inv * (1 / 240 - inv / 132))))
    return acc + math.log(z) - 0.5 / z - tail


def _queue_series(x: float, y: float, *, moments: bool) -> _Series:
    """S(x, y) = sum_k T_k, T_k = prod_{i=1..k} y / (x + i), and two weighted means.

    T_k is the stationary weight of k callers queued behind n busy agents relative to the
    state "n busy, none queued". With moments, also returns the mean of k (for abandonment)
    and of x/(x+k+1) * sum_{j<=k} 1/(x+j+1) (the Laplace-transform derivative giving
    E[V 1{V <= patience}] for a caller with k ahead).

    The terms rise while x + k < y and then fall like a Gaussian of width sqrt(y). When the
    rise is long (an overloaded queue of very patient callers) the sum starts 40 widths
    before the peak, where the skipped terms are below 1e-300 of it, from log T_k0 via
    lgamma and the harmonic sum via digamma, so the loop stays about 80 sqrt(y) long.
    """
    k = 0
    log_scale = 0.0
    harmonic = 1.0 / (x + 1)
    width = 40.0 * math.sqrt(y)
    if y - x > 2.0 * width + 100.0:
        k = math.floor(y - x - width)
        log_scale = k * math.log(y) - (math.lgamma(x + k + 1) - math.lgamma(x + 1))
        harmonic = _digamma(x + k + 2) - _digamma(x + 1)
    total = 1.0
    term = 1.0
    sum_k = float(k)
    sum_w = x / (x + k + 1) * harmonic if moments else 0.0
    while True:
        k += 1
        term *= y / (x + k)
        total += term
        if moments:
            harmonic += 1.0 / (x + k + 1)
            sum_k += k * term
            sum_w += term * (x / (x + k + 1)) * harmonic
        if x + k > y and term < total * _TINY:
            break
        if total > _RESCALE:
            total /= _RESCALE
            term /= _RESCALE
            sum_k /= _RESCALE
            sum_w /= _RESCALE
            log_scale += _LOG_RESCALE
    return _Series(log_scale + math.log(total), sum_k / total, sum_w / total)


def _log_add(a: float, b: float) -> float:
    if a == -math.inf:
        return b
    if b == -math.inf:
        return a
    hi, lo = (a, b) if a > b else (b, a)
    return hi + math.log1p(math.exp(lo - hi))


def _log_inv_minus_one(log_inv: float) -> float:
    """log(I - 1) given log I, I >= 1."""
    if log_inv <= 0.0:
        return -math.inf
    if log_inv > 30:
        return log_inv + math.log1p(-math.exp(-log_inv))
    return math.log(math.expm1(log_inv))


# ---------------------------------------------------------------------------- public formulas


def offered_load(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    """Offered traffic in Erlangs: calls per interval x AHT / interval length (R-CC-10)."""
    calls = _non_negative("calls", calls)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    interval_seconds = _positive("interval_seconds", interval_seconds)
    return calls * aht_seconds / interval_seconds


def erlang_b(lines: int, load: float) -> float:
    """Erlang B: probability a call finds all ``lines`` busy and is lost (R-CC-1, R-CC-10)."""
    lines = _count("lines", lines)
    load = _positive("load", load)
    return math.exp(-_log_inv_erlang_b(lines, load))


def _erlang_c_from_log_inv(n: int, a: float, log_inv: float) -> float:
    rho = a / n
    # C = 1 / ((1 - rho) I + rho), I = 1/B, kept in logs because I overflows for n >> a.
    log_first = math.log1p(-rho) + log_inv
    return math.exp(-_log_add(log_first, math.log(rho)))


def erlang_c(agents: int, load: float) -> float:
    """Erlang C: probability that a call has to wait (M/M/n, R-CC-10).

    1.0 when ``agents <= load``: the queue grows without bound and every call waits.
    """
    agents = _count("agents", agents)
    load = _positive("load", load)
    if agents <= load:
        return 1.0
    return _erlang_c_from_log_inv(agents, load, _log_inv_erlang_b(agents, load))


def service_level_c(agents: int, load: float, aht_seconds: float, target_seconds: float) -> float:
    """Erlang C share of calls answered within ``target_seconds`` (R-CC-5 service level)."""
    aht_seconds = _positive("aht_seconds", aht_seconds)
    target_seconds = _non_negative("target_seconds", target_seconds)
    wait = erlang_c(agents, load)
    if agents <= load:
        return 0.0
    return 1.0 - wait * math.exp(-(agents - load) * target_seconds / aht_seconds)


def asa_c(agents: int, load: float, aht_seconds: float) -> float:
    """Erlang C average speed of answer in seconds (R-CC-5); infinite when agents <= load."""
    aht_seconds = _positive("aht_seconds", aht_seconds)
    wait = erlang_c(agents, load)
    if agents <= load:
        return math.inf
    return wait * aht_seconds / (agents - load)


@dataclass(frozen=True)
class Staffing:
    """Predicted performance of ``agents`` seats for one interval (R-CC-5, R-CC-9, R-CC-10).

    ``service_level`` is the share of all offered calls answered within ``target_seconds``;
    ``answer_rate`` (接通率) the share answered at all (after abandonment and, when lines are
    given, blocking); ``asa_seconds`` the mean wait of answered calls; ``mean_wait_seconds``
    the mean wait of all calls that got a line, abandoned ones included (Little's law).
    ``abandon_probability`` is None under Erlang C, ``blocking`` None without lines.
    """

    agents: int
    load: float
    wait_probability: float
    service_level: float
    asa_seconds: float
    mean_wait_seconds: float
    occupancy: float
    answer_rate: float
    abandon_probability: float | None = None
    blocking: float | None = None
    agents_with_shrinkage: int | None = None


def _line_blocking(
    lines: int | None, arrival_rate: float, aht_seconds: float, mean_wait: float
) -> float | None:
    """Erlang B on the lines, a line being held while the call waits and while it talks."""
    if lines is None:
        return None
    line_load = arrival_rate * (aht_seconds + mean_wait)
    return math.exp(-_log_inv_erlang_b(lines, line_load))


def _c_metrics_from_log_inv(
    n: int,
    arrival_rate: float,
    aht: float,
    target: float,
    lines: int | None,
    log_inv: float,
) -> Staffing:
    a = arrival_rate * aht
    if n <= a:
        # Unstable: the queue (and every line) fills up; only n / A of the calls get through.
        answer = n / a
        blocking = None if lines is None else 1.0 - answer
        return Staffing(n, a, 1.0, 0.0, math.inf, math.inf, 1.0, answer, None, blocking)
    wait = _erlang_c_from_log_inv(n, a, log_inv)
    sl = 1.0 - wait * math.exp(-(n - a) * target / aht)
    asa = wait * aht / (n - a)
    blocking = _line_blocking(lines, arrival_rate, aht, asa)
    answer = 1.0 - blocking if blocking is not None else 1.0
    return Staffing(n, a, wait, sl, asa, asa, a / n, answer, None, blocking)


def _a_metrics(
    n: int,
    arrival_rate: float,
    aht: float,
    target: float,
    patience: float,
    lines: int | None,
) -> Staffing:
    a = arrival_rate * aht
    if n == 0:
        blocking = _line_blocking(lines, arrival_rate, aht, patience)
        return Staffing(0, a, 1.0, 0.0, math.inf, patience, 0.0, 0.0, 1.0, blocking)
    theta = 1.0 / patience
    mu = 1.0 / aht
    x = n * mu / theta
    y = arrival_rate / theta
    main = _queue_series(x, y, moments=True)
    log_inv = _log_inv_erlang_b(n, a)
    # pi_n = 1 / (1/B - 1 + S): probability of "all n busy, nobody queued".
    log_pi_n = -_log_add(_log_inv_minus_one(log_inv), main.log_s)
    wait = math.exp(log_pi_n + main.log_s)
    abandon = wait * main.mean_k / y
    z = y * math.exp(-theta * target)
    late = _queue_series(x + 1.0, z, moments=False)
    log_served_late = (
        log_pi_n + math.log(x / (x + 1.0)) - theta * target * (x + 1.0) + (y - z) + late.log_s
    )
    served = 1.0 - abandon
    sl = max(0.0, served - math.exp(log_served_late))
    asa = wait * main.mean_served_wait / theta / served if served > 0 else math.inf
    mean_wait = abandon / theta
    blocking = _line_blocking(lines, arrival_rate, aht, mean_wait)
    answer = served * (1.0 - blocking) if blocking is not None else served
    occupancy = min(1.0, a * served / n)
    return Staffing(n, a, wait, sl, asa, mean_wait, occupancy, answer, abandon, blocking)


def erlang_a(
    agents: int,
    *,
    calls: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float = 20.0,
    interval_seconds: float = 1800.0,
    lines: int | None = None,
) -> Staffing:
    """Erlang A (M/M/n+M, callers abandon after exponential patience): R-CC-5, R-CC-9, R-CC-10.

    Closed form of Mandelbaum and Zeltyn; see the module docstring.
    """
    calls = _positive("calls", calls)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    patience_seconds = _positive("patience_seconds", patience_seconds)
    target_seconds = _non_negative("target_seconds", target_seconds)
    interval_seconds = _positive("interval_seconds", interval_seconds)
    agents = _count("agents", agents)
    if lines is not None:
        lines = _count("lines", lines, 1)
    return _a_metrics(
        agents, calls / interval_seconds, aht_seconds, target_seconds, patience_seconds, lines
    )


def erlang_c_metrics(
    agents: int,
    *,
    calls: float,
    aht_seconds: float,
    target_seconds: float = 20.0,
    interval_seconds: float = 1800.0,
    lines: int | None = None,
) -> Staffing:
    """Erlang C performance of ``agents`` seats for ``calls`` offered in one interval (R-CC-5)."""
    calls = _positive("calls", calls)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    target_seconds = _non_negative("target_seconds", target_seconds)
    interval_seconds = _positive("interval_seconds", interval_seconds)
    agents = _count("agents", agents)
    if lines is not None:
        lines = _count("lines", lines, 1)
    rate = calls / interval_seconds
    a = rate * aht_seconds
    log_inv = _log_inv_erlang_b(agents, a) if agents > a else 0.0
    return _c_metrics_from_log_inv(agents, rate, aht_seconds, target_seconds, lines, log_inv)


def agents_with_shrinkage(agents: int, shrinkage: float) -> int:
    """Seats to schedule so that ``agents`` remain after shrinkage (breaks, training, leave).

    The 1e-9 guard keeps 14 / (1 - 0.3) = 20.000000000000004 at 20.
    """
    agents = _count("agents", agents)
    shrinkage = _number("shrinkage", shrinkage)
    if not 0 <= shrinkage < 1:
        raise ErlangInputError("shrinkage", f"must be at least 0 and below 1, got {shrinkage:g}")
    return math.ceil(agents / (1.0 - shrinkage) - 1e-9)


# ---------------------------------------------------------------------------- staffing search


@dataclass(frozen=True)
class _Targets:
    service_level: float | None
    target_seconds: float
    answer_rate: float | None
    max_occupancy: float | None
    max_abandon: float | None

    def met(self, s: Staffing) -> bool:
        if self.service_level is not None and s.service_level < self.service_level:
            return False
        if self.answer_rate is not None and s.answer_rate < self.answer_rate:
            return False
        if self.max_occupancy is not None and s.occupancy > self.max_occupancy:
            return False
        return not (
            self.max_abandon is not None
            and s.abandon_probability is not None
            and s.abandon_probability > self.max_abandon
        )


def _search_cap(a: float) -> int:
    return int(a + 40.0 * math.sqrt(a) + 100.0)


def _required_c(rate: float, aht: float, targets: _Targets, lines: int | None) -> Staffing:
    """Fewest agents under Erlang C, walking up from the stability bound floor(A) + 1.

    1/B is computed once at the start (about 9 sqrt(A) terms) and then stepped with the
    O(1) recursion 1/B(n+1) = 1 + (n+1)/A * 1/B(n), instead of recomputing it from one agent.
    """
    a = rate * aht
    n = math.floor(a) + 1
    if targets.max_occupancy is not None:
        n = max(n, math.ceil(a / targets.max_occupancy - 1e-12))
    cap = _search_cap(a)
    log_inv = _log_inv_erlang_b(n, a)
    while True:
        s = _c_metrics_from_log_inv(n, rate, aht, targets.target_seconds, lines, log_inv)
        if targets.met(s):
            return s
        if n >= cap:
            raise TargetUnreachableError(
                "lines" if lines is not None else "service_level",
                f"no staffing up to {cap} agents meets the target for a load of {a:.2f} Erlangs",
            )
        n += 1
        # log(1 + (n/a) e^log_inv), never overflowing
        log_inv = _log_add(0.0, math.log(n / a) + log_inv)


def _first_true(pred: Callable[[int], bool], start: int, low: int, cap: int) -> int | None:
    """Smallest n in [low, cap] with pred(n), pred monotone; galloping from ``start``."""
    start = min(max(start, low), cap)
    if pred(start):
        hi, step = start, 1
        lo = start - 1
        while lo >= low and pred(lo):
            hi = lo
            step *= 2
            lo = hi - step
        lo = max(lo, low - 1)
    else:
        lo, step = start, 1
        hi = start + 1
        while hi <= cap and not pred(hi):
            lo = hi
            step *= 2
            hi = lo + step
        if hi > cap:
            if not pred(cap):
                return None
            hi = cap
    # invariant: pred(hi) true, pred(lo) false (or lo < low)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _required_a(
    rate: float, aht: float, patience: float, targets: _Targets, lines: int | None
) -> Staffing:
    a = rate * aht
    cache: dict[int, Staffing] = {}

    def evaluate(n: int) -> Staffing:
        if n not in cache:
            cache[n] = _a_metrics(n, rate, aht, targets.target_seconds, patience, lines)
        return cache[n]

    cap = _search_cap(a)
    start = max(1, math.ceil(a))
    found = _first_true(lambda n: targets.met(evaluate(n)), start, 1, cap)
    if found is None:
        raise TargetUnreachableError(
            "lines" if lines is not None else "service_level",
            f"no staffing up to {cap} agents meets the target for a load of {a:.2f} Erlangs",
        )
    return evaluate(found)


def _targets(
    service_level: float | None,
    target_seconds: float,
    answer_rate: float | None,
    max_occupancy: float | None,
    max_abandon: float | None,
) -> _Targets:
    if service_level is not None:
        service_level = _share("service_level", service_level)
    target_seconds = _non_negative("target_seconds", target_seconds)
    if answer_rate is not None:
        answer_rate = _share("answer_rate", answer_rate)
    if max_occupancy is not None:
        max_occupancy = _share("max_occupancy", max_occupancy, allow_zero=False)
    if max_abandon is not None:
        max_abandon = _share("max_abandon", max_abandon)
    if service_level is None and answer_rate is None and max_occupancy is None:
        raise ErlangInputError(
            "service_level", "give a service level, an answer rate or a maximum occupancy"
        )
    return _Targets(service_level, target_seconds, answer_rate, max_occupancy, max_abandon)


def required_agents(
    *,
    calls: float,
    aht_seconds: float,
    interval_seconds: float = 1800.0,
    service_level: float | None = None,
    target_seconds: float = 20.0,
    answer_rate: float | None = None,
    max_occupancy: float | None = None,
    max_abandon: float | None = None,
    patience_seconds: float | None = None,
    lines: int | None = None,
    shrinkage: float = 0.0,
) -> Staffing:
    """Fewest agents meeting every given target for one interval (R-CC-10, R-CC-9, R-CC-5).

    Erlang C, or Erlang A when ``patience_seconds`` is given. Targets: ``service_level`` (share
    answered within ``target_seconds``), ``answer_rate`` (接通率), ``max_occupancy``,
    ``max_abandon`` (Erlang A). Under Erlang C every call is eventually answered, so an
    answer-rate target only bites through line blocking (``lines``).
    """
    calls = _positive("calls", calls)
    aht_seconds = _positive("aht_seconds", aht_seconds)
    (result,) = required_agents_many(
        [(calls, aht_seconds)],
        interval_seconds=interval_seconds,
        service_level=service_level,
        target_seconds=target_seconds,
        answer_rate=answer_rate,
        max_occupancy=max_occupancy,
        max_abandon=max_abandon,
        patience_seconds=patience_seconds,
        lines=lines,
        shrinkage=shrinkage,
    )
    return result


def required_agents_many(
    intervals: Iterable[tuple[float, float]],
    *,
    interval_seconds: float = 1800.0,
    service_level: float | None = None,
    target_seconds: float = 20.0,
    answer_rate: float | None = None,
    max_occupancy: float | None = None,
    max_abandon: float | None = None,
    patience_seconds: float | None = None,
    lines: int | None = None,
    shrinkage: float = 0.0,
) -> list[Staffing]:
    """Required agents for every (calls, aht_seconds) interval of a forecast at once (R-CC-10).

    Each search starts from the stability bound (offered load) rather than one agent, and
    identical intervals (the empty nights of a forecast, repeated weeks) are solved once.
    An interval with 0 calls needs 0 agents. Targets as in :func:`required_agents`.
    """
    targets = _targets(service_level, target_seconds, answer_rate, max_occupancy, max_abandon)
    interval_seconds = _positive("interval_seconds", interval_seconds)
    if patience_seconds is not None:
        patience_seconds = _positive("patience_seconds", patience_seconds)
    if lines is not None:
        lines = _count("lines", lines, 1)
    shrinkage = _number("shrinkage", shrinkage)
    agents_with_shrinkage(0, shrinkage)  # validates the range
    solved: dict[tuple[float, float], Staffing] = {}
    out: list[Staffing] = []
    for index, pair in enumerate(intervals):
        calls, aht = pair
        calls = _non_negative(f"intervals[{index}].calls", calls)
        aht = _positive(f"intervals[{index}].aht_seconds", aht)
        key = (calls, aht)
        if key not in solved:
            solved[key] = _solve_one(calls, aht, interval_seconds, targets, patience_seconds, lines)
            solved[key] = replace(
                solved[key],
                agents_with_shrinkage=agents_with_shrinkage(solved[key].agents, shrinkage),
            )
        out.append(solved[key])
    return out


def _solve_one(
    calls: float,
    aht: float,
    interval_seconds: float,
    targets: _Targets,
    patience: float | None,
    lines: int | None,
) -> Staffing:
    if calls == 0:
        abandon = None if patience is None else 0.0
        blocking = None if lines is None else 0.0
        return Staffing(0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, abandon, blocking)
    rate = calls / interval_seconds
    if patience is None:
        return _required_c(rate, aht, targets, lines)
    return _required_a(rate, aht, patience, targets, lines)
