"""R-CC-10 (with R-CC-6 to R-CC-9): staffing, forecast and roster through the command line,
the API and the pages."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kefu.core.models import PolicySetting
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.factories import SHANGHAI, call

pytestmark = pytest.mark.django_db

WEEK = "2026-W11"  # Monday 2026-03-09
KEYS = {
    "agents", "agents_with_shrinkage", "service_level", "wait_probability", "asa_seconds",
    "occupancy", "answer_rate",
}  # fmt: skip


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_staffing_prints_exactly_the_documented_keys_rcc10():
    erlang_c = json.loads(
        run("staffing", "--calls", "100", "--aht", "180", "--target-sl", "0.8", "--json")
    )
    assert set(erlang_c) == KEYS
    assert erlang_c["agents"] == 14 and erlang_c["service_level"] >= 0.8
    erlang_a = json.loads(
        run("staffing", "--calls", "100", "--aht", "180", "--agents", "12", "--patience", "60",
            "--lines", "20", "--shrinkage", "0.3", "--json")
    )  # fmt: skip
    assert set(erlang_a) == KEYS | {"abandon_probability", "blocking"}
    assert erlang_a["agents"] == 12 and erlang_a["agents_with_shrinkage"] == 18


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--calls", "-5", "--aht", "180", "--agents", "3"], "calls"),
        (["--calls", "10", "--aht", "0", "--agents", "3"], "aht_seconds"),
        (["--calls", "10", "--aht", "180", "--target-sl", "1.5"], "service_level"),
        (["--calls", "10", "--aht", "180"], "target_sl"),
    ],
)
def test_staffing_refuses_bad_input_with_a_clear_error_rcc10(args, field):
    with pytest.raises(CommandError, match=field):
        run("staffing", *args)


def test_the_staffing_api_answers_and_refuses_rcc10(api, anonymous_api):
    client = api(Role.CS_SUPERVISOR)
    ok = client.post("callcenter/staffing", {"calls": 100, "aht_seconds": 180, "target_sl": 0.8})
    assert ok.status_code == 200 and set(ok.json()) == KEYS
    bad = client.post("callcenter/staffing", {"calls": 100, "aht_seconds": 0, "agents": 3})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "aht_seconds"
    assert client.post("callcenter/staffing", {"calls": "many"}).status_code == 400
    assert anonymous_api.post("callcenter/staffing", {"calls": 1}).status_code == 401
    assert (
        api(Role.AGENT).post("callcenter/staffing", {"calls": 1, "aht_seconds": 1}).status_code
        == 403
    )


def history(weeks: int = 2) -> None:
    """Calls on weekdays 09:00-12:00 for the weeks before WEEK, a few per hour."""
    monday = dt.datetime(2026, 3, 9, tzinfo=SHANGHAI)
    for w in range(1, weeks + 1):
        for day in range(7):
            for hour in (9, 10, 11):
                for n in range(3):
                    start = (
                        monday
                        - dt.timedelta(weeks=w)
                        + dt.timedelta(days=day, hours=hour, minutes=n * 15)
                    )
                    call(enter_at=start, talk=240)


def small_team(n: int = 6) -> None:
    PolicySetting.objects.create(key="callcenter.peak_min_seats", value="1")
    PolicySetting.objects.create(key="callcenter.night_min_seats", value="1")
    for _ in range(n):
        factories.user(Role.AGENT)


def test_forecast_from_the_call_history_rcc10():
    history()
    body = json.loads(run("forecast", "--week", WEEK, "--interval", "60", "--json"))
    nine = next(i for i in body["intervals"] if i["start"].startswith("2026-03-09T09:00"))
    assert nine["calls"] == pytest.approx(3, abs=0.5) and nine["aht_seconds"] == 240
    assert nine["agents"] >= 1
    with pytest.raises(CommandError, match="^week: .*2020-W01"):
        run("forecast", "--week", "2020-W01")
    with pytest.raises(CommandError, match="YYYY-Www"):
        run("forecast", "--week", "next")


def test_roster_of_named_agents_from_history_with_predicted_answer_rate_rcc10_rcc6():
    history()
    small_team()
    body = json.loads(run("roster", "--week", WEEK, "--interval", "60", "--time-limit", "5",
                          "--json"))  # fmt: skip
    assert len(body["staff"]) == 6 and body["days"][0] == "2026-03-09"
    assert body["shortfalls"] == []
    shifts = [s for person in body["staff"] for s in person["shifts"] if s]
    assert "night" in shifts  # R-CC-6: someone covers every night
    assert body["paid_hours"] > 0


def test_the_roster_api_page_and_xlsx_one_row_per_person_one_column_per_day_rcc10(api, web):
    history()
    small_team(6)
    client = api(Role.CS_SUPERVISOR)
    response = client.get("callcenter/roster", week=WEEK)
    assert response.status_code == 200 and len(response.json()["staff"]) == 6
    xlsx = client.get("callcenter/roster", week=WEEK, format="xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 7 and len(rows[0]) == 2 + 7 + 1
    # The day columns are headed in Chinese, Monday first ("11-30 周一" ...), not "Mon".
    assert [str(h).split()[-1] for h in rows[0][2:9]] == [
        "周一",
        "周二",
        "周三",
        "周四",
        "周五",
        "周六",
        "周日",
    ]
    assert client.get("callcenter/roster", week="2026-W99").status_code == 400
    assert api(Role.AGENT).get("callcenter/roster", week=WEEK).status_code == 403
    page = web(Role.CS_SUPERVISOR).get("/callcenter/roster/", {"week": WEEK})
    assert page.status_code == 200 and "cc-roster" in page.content.decode()
    planning = web(Role.CS_SUPERVISOR).get(
        "/callcenter/planning/", {"calls": "100", "aht": "180", "interval": "30",
                                  "target_sl": "0.8", "target_seconds": "20", "shrinkage": "0.3"}
    )  # fmt: skip
    html = planning.content.decode()
    assert planning.status_code == 200 and "应排坐席数（含缩减）" in html
    assert "agents_with_shrinkage" not in html
    # A shrinkage of 1 or more leaves nobody on the phones: refused on the form, in Chinese.
    refused = web(Role.CS_SUPERVISOR).get(
        "/callcenter/planning/", {"calls": "100", "aht": "180", "interval": "30",
                                  "target_sl": "0.8", "target_seconds": "20", "shrinkage": "1.5"}
    )  # fmt: skip
    html = refused.content.decode()
    assert "0.99" in html and "must be at least 0" not in html


def test_the_forecast_api_refuses_a_week_without_history(api):
    client = api(Role.CS_SUPERVISOR)
    assert client.get("callcenter/forecast", week=WEEK).status_code == 400
    history(1)
    ok = client.get("callcenter/forecast", week=WEEK, interval=60)
    assert ok.status_code == 200 and len(ok.json()["intervals"]) == 168
