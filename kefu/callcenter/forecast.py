"""Forecast offered calls and AHT per interval of a coming week from history (R-CC-10).

Pure Python, no Django. The method is the one a workforce planner does by hand, made
repeatable:

1. Bucket the history into the weeks before ``week_start`` (week 1 is the week just before)
   and, inside each week, into slots of ``interval_minutes`` — a slot is a weekday x
   interval-of-day pair, so Monday 09:00 is only compared with earlier Mondays 09:00.
2. The shape: each slot's calls averaged over the weeks, recent weeks weighted more
   (weight ``decay ** (week - 1)``).
3. The level: a weighted least-squares line through the weekly totals, projected one week
   ahead; the shape is scaled by projected total / weighted mean total (``trend_damping``
   pulls the factor toward 1; 0 switches the trend off).
4. AHT: per slot, weighted by calls and recency; a slot without calls falls back to the same
   time of day on any weekday, then to the whole history.
5. Manual overrides (a campaign, a holiday) replace or scale single intervals last.

Weeks with no observation at all count as missing (an outage, not a quiet week); a slot
without observations in a week that has data counts as zero calls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "ForecastInputError",
    "IntervalForecast",
    "Observation",
    "Override",
    "forecast_week",
    "staffing_input",
]

_WEEK_MINUTES = 7 * 24 * 60


class ForecastInputError(ValueError):
    """Bad forecast input; ``parameter`` names what is wrong."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Observation:
    """Calls offered in one historical interval starting at ``start`` (timezone-aware)."""

    start: datetime
    offered: float
    aht_seconds: float


@dataclass(frozen=True)
class Override:
    """A supervisor's correction of one forecast interval.

    Give ``offered`` (replace the calls) or ``factor`` (scale them), and/or ``aht_seconds``.
    """

    start: datetime
    offered: float | None = None
    factor: float | None = None
    aht_seconds: float | None = None


@dataclass(frozen=True)
class IntervalForecast:
    start: datetime
    offered: float
    aht_seconds: float
    overridden: bool = False


def _aware(name: str, value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise ForecastInputError(name, f"must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ForecastInputError(name, "must be timezone-aware (e.g. Asia/Shanghai)")
    return value


def _finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ForecastInputError(name, f"must be a finite number, got {value!r}")
    return float(value)


def _weighted_line_at_zero(points: Sequence[tuple[float, float, float]]) -> float:
    """Weighted least-squares line through (t, value, weight), evaluated at t = 0."""
    sw = sum(w for _, _, w in points)
    mt = sum(w * t for t, _, w in points) / sw
    mv = sum(w * v for _, v, w in points) / sw
    var = sum(w * (t - mt) ** 2 for t, _, w in points)
    if var == 0:
        return mv
    slope = sum(w * (t - mt) * (v - mv) for t, v, w in points) / var
    return mv + slope * (0.0 - mt)


def forecast_week(
    history: Iterable[Observation],
    *,
    week_start: datetime,
    interval_minutes: int = 30,
    weeks: int = 8,
    decay: float = 0.8,
    trend_damping: float = 1.0,
    overrides: Iterable[Override] = (),
) -> list[IntervalForecast]:
    """Offered calls and AHT for each interval of the week from ``week_start`` (R-CC-10).

    Returns 7 x 24 x 60 / ``interval_minutes`` intervals in time order. History before
    ``weeks`` weeks ago or from ``week_start`` on is ignored.
    """
    week_start = _aware("week_start", week_start)
    if (
        isinstance(interval_minutes, bool)
        or not isinstance(interval_minutes, int)
        or interval_minutes <= 0
        or 1440 % interval_minutes
    ):
        raise ForecastInputError(
            "interval_minutes", f"must divide a day into whole intervals, got {interval_minutes!r}"
        )
    if isinstance(weeks, bool) or not isinstance(weeks, int) or weeks < 1:
        raise ForecastInputError("weeks", f"must be a whole number of at least 1, got {weeks!r}")
    decay = _finite("decay", decay)
    if not 0 < decay <= 1:
        raise ForecastInputError("decay", f"must be above 0 and at most 1, got {decay:g}")
    trend_damping = _finite("trend_damping", trend_damping)
    if not 0 <= trend_damping <= 1:
        raise ForecastInputError("trend_damping", f"must be between 0 and 1, got {trend_damping:g}")

    slots = _WEEK_MINUTES // interval_minutes
    per_day = 1440 // interval_minutes
    calls = [[0.0] * slots for _ in range(weeks + 1)]  # index 1..weeks
    handle = [[0.0] * slots for _ in range(weeks + 1)]  # calls x aht
    present = [False] * (weeks + 1)
    for i, obs in enumerate(history):
        start = _aware(f"history[{i}].start", obs.start)
        offered = _finite(f"history[{i}].offered", obs.offered)
        aht = _finite(f"history[{i}].aht_seconds", obs.aht_seconds)
        if offered < 0:
            raise ForecastInputError(f"history[{i}].offered", f"must not be negative: {offered:g}")
        if offered > 0 and aht <= 0:
            raise ForecastInputError(
                f"history[{i}].aht_seconds",
                f"must be greater than 0 when calls were offered: {aht:g}",
            )
        minutes_before = (week_start - start).total_seconds() / 60.0
        if minutes_before <= 0:
            continue
        week = math.ceil(minutes_before / _WEEK_MINUTES)
        if week > weeks:
            continue
        offset = week * _WEEK_MINUTES - minutes_before
        slot = int(offset // interval_minutes)
        present[week] = True
        calls[week][slot] += offered
        handle[week][slot] += offered * aht
    used = [w for w in range(1, weeks + 1) if present[w]]
    if not used:
        raise ForecastInputError(
            "history", f"no observations in the {weeks} weeks before {week_start.isoformat()}"
        )
    weight = {w: decay ** (w - 1) for w in used}
    total_weight = sum(weight.values())

    shape = [sum(weight[w] * calls[w][s] for w in used) / total_weight for s in range(slots)]
    totals = {w: sum(calls[w]) for w in used}
    level = sum(weight[w] * totals[w] for w in used) / total_weight
    factor = 1.0
    if len(used) >= 2 and level > 0:
        projected = max(0.0, _weighted_line_at_zero([(-w, totals[w], weight[w]) for w in used]))
        factor = 1.0 + trend_damping * (projected / level - 1.0)

    def aht_of(slot_ids: Iterable[int]) -> float | None:
        num = den = 0.0
        for s in slot_ids:
            for w in used:
                num += weight[w] * handle[w][s]
                den += weight[w] * calls[w][s]
        return num / den if den > 0 else None

    overall_aht = aht_of(range(slots))
    by_time_of_day = [aht_of(range(k, slots, per_day)) for k in range(per_day)]
    result: list[IntervalForecast] = []
    for s in range(slots):
        aht = aht_of([s]) or by_time_of_day[s % per_day] or overall_aht
        start = week_start + timedelta(minutes=s * interval_minutes)
        result.append(IntervalForecast(start, shape[s] * factor, aht if aht else 0.0))
    return _apply_overrides(result, week_start, interval_minutes, overrides)


def _apply_overrides(
    result: list[IntervalForecast],
    week_start: datetime,
    interval_minutes: int,
    overrides: Iterable[Override],
) -> list[IntervalForecast]:
    for i, o in enumerate(overrides):
        start = _aware(f"overrides[{i}].start", o.start)
        minutes = (start - week_start).total_seconds() / 60.0
        slot = minutes / interval_minutes
        if slot != int(slot) or not 0 <= slot < len(result):
            raise ForecastInputError(
                f"overrides[{i}].start",
                f"{start.isoformat()} is not the start of an interval of this week",
            )
        if o.offered is not None and o.factor is not None:
            raise ForecastInputError(f"overrides[{i}]", "give offered or factor, not both")
        current = result[int(slot)]
        offered = current.offered
        if o.offered is not None:
            offered = _finite(f"overrides[{i}].offered", o.offered)
        if o.factor is not None:
            offered = current.offered * _finite(f"overrides[{i}].factor", o.factor)
        if offered < 0:
            raise ForecastInputError(
                f"overrides[{i}].offered", f"must not be negative: {offered:g}"
            )
        aht = current.aht_seconds
        if o.aht_seconds is not None:
            aht = _finite(f"overrides[{i}].aht_seconds", o.aht_seconds)
            if aht <= 0:
                raise ForecastInputError(
                    f"overrides[{i}].aht_seconds", f"must be greater than 0, got {aht:g}"
                )
        if offered > 0 and aht <= 0:
            raise ForecastInputError(
                f"overrides[{i}].aht_seconds", "calls are forecast but no AHT is known; give one"
            )
        result[int(slot)] = IntervalForecast(current.start, offered, aht, overridden=True)
    return result


def staffing_input(forecast: Sequence[IntervalForecast]) -> list[tuple[float, float]]:
    """(calls, aht_seconds) pairs for :func:`kefu.callcenter.erlang.required_agents_many`.

    Intervals with no calls keep a placeholder AHT of 1 second, which needs 0 agents.
    """
    return [(f.offered, f.aht_seconds if f.aht_seconds > 0 else 1.0) for f in forecast]
