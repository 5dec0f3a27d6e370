"""The database router: reports and KPI reads on the read replica, every write on the primary.

The replica here is a second database alias, ``replica``, that mirrors the test database the
way Django's ``TEST: {"MIRROR": "default"}`` does, but sees the test's own transaction: its
connection object is its own (so its queries are counted apart), the rows underneath are the
primary's. Each test shows which alias a read used by the queries each alias ran.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from kefu.core.db_router import PIN_COOKIE, read_alias, replica_reads
from kefu.org.roles import Role
from kefu.reports.models import Indicator, MonthlyReport
from tests import factories
from tests.core.test_command_line import _kefu
from tests.reports.factories import agent, at, call, scheme, ticket_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def replica(db):
    primary = connections["default"]
    primary.ensure_connection()
    config = {
        **primary.settings_dict,
        "TEST": {**primary.settings_dict["TEST"], "MIRROR": "default"},
    }
    for databases in (django_settings.DATABASES, connections.settings):  # often the same dict
        databases["replica"] = config
    mirror = connections["replica"]
    mirror.connection = primary.connection
    yield mirror
    mirror.connection = None  # the primary closes it
    del connections["replica"]
    for databases in (django_settings.DATABASES, connections.settings):
        databases.pop("replica", None)


def _tables(queries) -> str:
    return "\n".join(q["sql"] for q in queries)


def _reads(alias: str):
    return CaptureQueriesContext(connections[alias])


def _department_with_a_month_of_calls():
    dept = factories.department(name="呼叫中心")
    a = agent(dept)
    for wait in (5, 8, 40):
        call(enter_at=at("2026-10-05"), wait=wait, agent=a)
    ticket_on("2026-10-06", actor=a, resolved_at_first_contact=True)
    scheme(lines=[("answer_rate", "90", "60"), ("fcr", "80", "40")], departments=[dept])
    return dept


def test_it_reads_the_scorecard_page_from_the_replica(replica, web):
    dept = _department_with_a_month_of_calls()
    page = web(Role.CS_SUPERVISOR, department=dept)
    with _reads("default") as primary, _reads("replica") as mirror:
        r = page.get("/reports/scorecard/", {"month": "2026-10"})
    assert r.status_code == 200
    assert "100.0%" in r.content.decode()  # 3 of 3 calls answered
    # The scheme, its indicators and the tickets counted came from the replica ...
    assert "reports_scheme" in _tables(mirror.captured_queries)
    assert "tickets_ticket" in _tables(mirror.captured_queries)
    # ... the primary served the session and the sign-in, and kept the facts it wrote.
    assert "django_session" in _tables(primary.captured_queries)
    assert "reports_scheme" not in _tables(primary.captured_queries)
    assert "INSERT INTO" in _tables(primary.captured_queries)
    assert "INSERT INTO" not in _tables(mirror.captured_queries)


def test_it_reads_everything_from_the_primary_without_a_replica(web):
    dept = _department_with_a_month_of_calls()
    page = web(Role.CS_SUPERVISOR, department=dept)
    assert "replica" not in django_settings.DATABASES
    with _reads("default") as primary:
        r = page.get("/reports/scorecard/", {"month": "2026-10"})
    assert r.status_code == 200
    assert "reports_scheme" in _tables(primary.captured_queries)


def test_it_builds_a_monthly_report_on_the_primary_and_serves_it_from_the_replica(replica, api):
    writer = api(Role.BUSINESS_SUPERVISOR)
    with _reads("default") as primary, _reads("replica") as mirror:
        built = writer.post("reports/monthly", {"month": "2026-10"})
    assert built.status_code == 201
    assert mirror.captured_queries == []
    assert "reports_monthlyreport" in _tables(primary.captured_queries)
    assert MonthlyReport.objects.filter(month=dt.date(2026, 10, 1)).exists()

    reader = api(Role.GM)  # another person: not pinned to the primary by the writer's write
    with _reads("default") as primary, _reads("replica") as mirror:
        shown = reader.get("reports/monthly/2026-10")
        listed = reader.get("reports/monthly")
    assert shown.status_code == 200 and shown.json()["month"] == "2026-10"
    assert [row["month"] for row in listed.json()] == ["2026-10"]
    assert _tables(mirror.captured_queries).count('FROM "reports_monthlyreport"') == 2
    assert "reports_monthlyreport" not in _tables(primary.captured_queries)


def test_a_browser_that_has_just_written_reads_from_the_primary(replica, web):
    page = web(Role.DIRECTOR)
    r = page.post(
        "/reports/kpis/",
        {
            "code": "visits",
            "name": "上门服务量",
            "kind": "result",
            "variability": "fixed",
            "unit": "count",
            "formula": "count",
            "source": "tickets",
        },
    )
    assert r.status_code == 302, r.content.decode()[:400]
    assert Indicator.objects.filter(code="visits").exists()
    assert PIN_COOKIE in page.cookies
    with _reads("default") as primary, _reads("replica") as mirror:
        assert page.get("/reports/kpis/").status_code == 200
    assert "reports_indicator" in _tables(primary.captured_queries)
    assert mirror.captured_queries == []

    # Once the pin has run out, the page reads from the replica again.
    del page.cookies[PIN_COOKIE]
    with _reads("replica") as mirror:
        assert page.get("/reports/kpis/").status_code == 200
    assert "reports_indicator" in _tables(mirror.captured_queries)


def test_writes_and_reads_inside_a_transaction_stay_on_the_primary(replica):
    with replica_reads():
        assert read_alias() == "replica"
        with _reads("default") as primary, _reads("replica") as mirror:
            Indicator.objects.filter(code="fcr").update(description="首次解决率")
            with transaction.atomic():
                assert read_alias() == "default"
                Indicator.objects.get(code="fcr")
        assert read_alias() == "replica"
    assert read_alias() == "default"
    assert mirror.captured_queries == []
    assert "UPDATE" in _tables(primary.captured_queries)
    assert 'SELECT "reports_indicator"' in _tables(primary.captured_queries)


def test_without_a_replica_replica_reads_use_the_primary():
    with replica_reads():
        assert read_alias() == "default"


def test_a_replica_setting_becomes_the_replica_alias_mirrored_in_tests(tmp_path):
    shell = (
        "from django.conf import settings; d = settings.DATABASES['replica']; "
        "print(d['HOST'], d['PORT'], d['NAME'], d['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    out = _kefu(
        "shell",
        "-c",
        shell,
        tmp_path=tmp_path,
        env={
            "KEFU_DATABASE_URL": "postgres://kefu@db-primary:5432/kefu",
            "KEFU_REPLICA_DATABASE_URL": "postgres://kefu@db-replica:5433/kefu",
        },
    )
    assert out.returncode == 0, out.stderr
    assert "db-replica 5433 kefu default ['kefu.core.db_router.PrimaryReplicaRouter']" in out.stdout


def test_a_replica_of_an_sqlite_database_is_refused_in_one_line(tmp_path):
    out = _kefu(
        "check",
        tmp_path=tmp_path,
        env={"KEFU_REPLICA_DATABASE_URL": "postgres://kefu@db-replica/kefu"},
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0
    assert "KEFU_REPLICA_DATABASE_URL needs KEFU_DATABASE_URL" in out.stderr
