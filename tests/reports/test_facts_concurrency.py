"""Two people opening a scorecard at the same moment, on a month nobody has looked at yet
(found by issue 9's load test: the second look answered 500)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection

from kefu.reports.facts import call_facts_ensure
from kefu.reports.models import CallDayFact, FactMonth
from tests.reports.factories import at, call

OCT = dt.date(2026, 10, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="row locks are a PostgreSQL matter; SQLite serialises writers (BEGIN IMMEDIATE)",
)
def test_two_first_looks_at_a_month_at_once_count_it_once():
    for wait in (5, 30):
        call(enter_at=at("2026-10-05"), wait=wait)
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def look():
        try:
            barrier.wait(timeout=10)
            call_facts_ensure(OCT)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=look) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert FactMonth.objects.filter(month=OCT).count() == 1
    assert sum(CallDayFact.objects.values_list("offered", flat=True)) == 2
