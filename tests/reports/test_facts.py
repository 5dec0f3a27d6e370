"""R-SUP-4, R-SUP-2: the daily call facts that KPIs read stay true to the call records."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kefu.callcenter.models import CallRecord
from kefu.core.services import policy_set
from kefu.org.roles import Role
from kefu.reports import formulas
from kefu.reports.facts import call_facts_ensure
from kefu.reports.formulas import COMPANY
from kefu.reports.models import CallDayFact
from tests import factories
from tests.reports.factories import at, call

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def answer_rate():
    return formulas.evaluate_months("answer_rate", {}, COMPANY, [OCT])[OCT]


def test_r_sup_4_calls_imported_after_a_look_are_counted_at_the_next():
    call(enter_at=at("2026-10-05"))
    call(enter_at=at("2026-10-05"), answered=False)
    assert answer_rate().value == 0.5
    call(enter_at=at("2026-10-20"))  # a later import, for another day
    call(enter_at=at("2026-10-20"))
    assert answer_rate().value == 0.75
    assert CallDayFact.objects.filter(day=dt.date(2026, 10, 20)).get().offered == 2


def test_r_sup_4_facts_count_local_days_across_midnight_utc():
    call(enter_at=at("2026-10-05", "07:30"))  # 23:30 UTC the day before
    call(enter_at=at("2026-10-31", "23:30"))  # still October in Shanghai
    call(enter_at=at("2026-11-01", "00:10"))  # November
    call_facts_ensure(OCT)
    days = sorted(CallDayFact.objects.values_list("day", "offered"))
    assert days == [(dt.date(2026, 10, 5), 1), (dt.date(2026, 10, 31), 1)]


def test_r_sup_4_a_changed_service_level_time_recounts_the_month():
    call(enter_at=at("2026-10-05"), wait=15)
    call(enter_at=at("2026-10-05"), wait=25)
    level = formulas.evaluate_months("service_level", {}, COMPANY, [OCT])[OCT]
    assert level.value == 0.5  # within 20 s
    policy_set(
        actor=factories.user(Role.SYSADMIN), key="callcenter.service_level_seconds", value=30
    )
    level = formulas.evaluate_months("service_level", {}, COMPANY, [OCT])[OCT]
    assert level.value == 1.0


def test_r_sup_4_a_live_call_answered_after_a_look_is_counted_today():
    with time_machine.travel(at("2026-10-05", "10:05"), tick=False):
        ringing = call(enter_at=at("2026-10-05", "10:00"), answered=False)
        CallRecord.objects.filter(pk=ringing.pk).update(disposition="ringing", abandoned=False)
        assert answer_rate().value is None  # still ringing: not offered yet
        CallRecord.objects.filter(pk=ringing.pk).update(disposition="answered", abandoned=False)
        assert answer_rate().value == 1.0


def test_r_sup_2_the_nightly_job_keeps_the_months_facts_ready():
    from kefu.reports.models import FactMonth
    from kefu.reports.tasks import call_facts_nightly

    call(enter_at=at("2026-10-31", "20:00"))
    call(enter_at=at("2026-11-01", "09:00"))
    with time_machine.travel(at("2026-11-02", "01:30"), tick=False):
        call_facts_nightly.call_local()
    assert set(FactMonth.objects.values_list("month", flat=True)) == {
        dt.date(2026, 10, 1), dt.date(2026, 11, 1)}  # fmt: skip
    assert CallDayFact.objects.count() == 2
