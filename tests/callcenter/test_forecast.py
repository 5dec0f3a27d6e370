"""Forecast of offered calls and AHT per interval from history (R-CC-10)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kefu.callcenter.erlang import required_agents_many
from kefu.callcenter.forecast import (
    ForecastInputError,
    Observation,
    Override,
    forecast_week,
    staffing_input,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK_START = datetime(2026, 11, 30, tzinfo=SHANGHAI)  # a Monday


def history_week(weeks_before: int, calls_at, aht_at=lambda d, h: 180.0, hours=range(24)):
    """Hourly observations of one past week; calls_at(day, hour) gives the calls."""
    start = WEEK_START - timedelta(weeks=weeks_before)
    out = []
    for day in range(7):
        for hour in hours:
            when = start + timedelta(days=day, hours=hour)
            out.append(Observation(when, calls_at(day, hour), aht_at(day, hour)))
    return out


def by_slot(forecast, day, hour, interval_minutes=60):
    return forecast[(day * 24 * 60 + hour * 60) // interval_minutes]


def test_it_repeats_a_steady_weekly_pattern_by_weekday_and_interval():
    """R-CC-10: Monday 09:00 is forecast from earlier Mondays 09:00, not from other days."""

    def pattern(day, hour):
        return 50.0 if (day == 0 and hour == 9) else 10.0 + hour

    history = [o for w in (1, 2, 3, 4) for o in history_week(w, pattern)]
    fc = forecast_week(history, week_start=WEEK_START, interval_minutes=60)
    assert len(fc) == 7 * 24
    assert fc[0].start == WEEK_START
    assert by_slot(fc, 0, 9).offered == pytest.approx(50.0)
    assert by_slot(fc, 1, 9).offered == pytest.approx(19.0)
    assert by_slot(fc, 6, 23).offered == pytest.approx(33.0)
    assert all(f.aht_seconds == pytest.approx(180.0) for f in fc)


def test_it_projects_a_linear_trend_in_weekly_volume():
    """R-CC-10: weekly totals growing 10% of the base a week are carried one week forward."""
    history = []
    for w, level in ((4, 1.0), (3, 1.1), (2, 1.2), (1, 1.3)):
        history += history_week(w, lambda d, h, lv=level: 10.0 * lv * (1 + d))
    fc = forecast_week(history, week_start=WEEK_START, interval_minutes=60)
    base_total = sum(10.0 * 24 * (1 + d) for d in range(7))
    assert sum(f.offered for f in fc) == pytest.approx(1.4 * base_total, rel=1e-9)
    assert by_slot(fc, 6, 3).offered / by_slot(fc, 0, 3).offered == pytest.approx(7.0)
    flat = forecast_week(history, week_start=WEEK_START, interval_minutes=60, trend_damping=0)
    assert sum(f.offered for f in flat) < sum(f.offered for f in fc)


def test_it_weights_recent_weeks_more_and_skips_missing_weeks():
    """R-CC-10: an outage week (no data) is missing, not zero; recent weeks weigh more."""
    history = history_week(1, lambda d, h: 20.0) + history_week(3, lambda d, h: 10.0)
    fc = forecast_week(
        history, week_start=WEEK_START, interval_minutes=60, decay=0.5, trend_damping=0
    )
    # weights 1 (week 1) and 0.25 (week 3): (20 + 2.5) / 1.25 = 18
    assert fc[5].offered == pytest.approx(18.0)


def test_it_aggregates_finer_history_and_weights_aht_by_calls():
    """R-CC-10: 15-minute history into 30-minute intervals; AHT is call-weighted."""
    start = WEEK_START - timedelta(weeks=1)
    history = [
        Observation(start, 30, 100.0),
        Observation(start + timedelta(minutes=15), 10, 300.0),
    ]
    fc = forecast_week(history, week_start=WEEK_START, interval_minutes=30)
    assert len(fc) == 336
    assert fc[0].offered == pytest.approx(40)
    assert fc[0].aht_seconds == pytest.approx(150.0)
    # an interval without calls borrows the AHT of the whole history
    assert fc[1].offered == 0 and fc[1].aht_seconds == pytest.approx(150.0)


def test_it_applies_manual_overrides_last():
    """R-CC-10: a supervisor replaces or scales single intervals (a campaign, a holiday)."""
    history = history_week(1, lambda d, h: 10.0)
    overrides = [
        Override(WEEK_START + timedelta(hours=9), offered=80.0),
        Override(WEEK_START + timedelta(hours=10), factor=1.5, aht_seconds=240.0),
    ]
    fc = forecast_week(history, week_start=WEEK_START, interval_minutes=60, overrides=overrides)
    assert (fc[9].offered, fc[9].aht_seconds, fc[9].overridden) == (80.0, 180.0, True)
    assert (fc[10].offered, fc[10].aht_seconds) == (15.0, 240.0)
    assert not fc[11].overridden


def test_it_feeds_the_staffing_step():
    """R-CC-10: forecast -> Erlang C per interval; empty intervals need no one."""
    history = history_week(1, lambda d, h: 100.0 if 8 <= h < 20 else 0.0)
    fc = forecast_week(history, week_start=WEEK_START, interval_minutes=60)
    seats = required_agents_many(staffing_input(fc), interval_seconds=3600, service_level=0.8)
    assert seats[3].agents == 0
    # 100 calls/h x 180 s = 5 Erlangs: 7 agents answer 74.3% in 20 s, 8 agents 88.0%
    assert seats[9].agents == 8
    assert seats[9].service_level == pytest.approx(0.880, abs=5e-4)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"week_start": WEEK_START.replace(tzinfo=None)}, "week_start"),
        ({"interval_minutes": 7}, "interval_minutes"),
        ({"weeks": 0}, "weeks"),
        ({"decay": 0}, "decay"),
        ({"trend_damping": 2}, "trend_damping"),
        (
            {"overrides": [Override(WEEK_START + timedelta(minutes=10), offered=5)]},
            "overrides[0].start",
        ),
        ({"overrides": [Override(WEEK_START, offered=5, factor=2)]}, "overrides[0]"),
        ({"overrides": [Override(WEEK_START, offered=-5)]}, "overrides[0].offered"),
        ({"overrides": [Override(WEEK_START, aht_seconds=0)]}, "overrides[0].aht_seconds"),
    ],
)
def test_it_refuses_bad_forecast_input(kwargs, parameter):
    args = {"week_start": WEEK_START, "interval_minutes": 60} | kwargs
    with pytest.raises(ForecastInputError) as err:
        forecast_week(history_week(1, lambda d, h: 1.0), **args)
    assert err.value.parameter == parameter


def test_it_refuses_bad_history():
    start = WEEK_START - timedelta(days=3)
    with pytest.raises(ForecastInputError, match="no observations"):
        forecast_week([], week_start=WEEK_START)
    with pytest.raises(ForecastInputError, match="no observations"):
        old = WEEK_START - timedelta(weeks=20)
        forecast_week([Observation(old, 5, 100)], week_start=WEEK_START, weeks=8)
    with pytest.raises(ForecastInputError) as err:
        forecast_week([Observation(start, -1, 100)], week_start=WEEK_START)
    assert err.value.parameter == "history[0].offered"
    with pytest.raises(ForecastInputError) as err:
        forecast_week([Observation(start, 4, 0)], week_start=WEEK_START)
    assert err.value.parameter == "history[0].aht_seconds"
    with pytest.raises(ForecastInputError) as err:
        forecast_week([Observation(start.replace(tzinfo=None), 4, 9)], week_start=WEEK_START)
    assert err.value.parameter == "history[0].start"
