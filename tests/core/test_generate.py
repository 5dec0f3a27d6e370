"""`kefu generate` (issue 9): exact counts, the same data from the same seed, valid and
consistent rows (phones, IDs, due times, states, callbacks), and calls with peaks."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from kefu.callcenter.models import CallRecord
from kefu.core.calendar_services import business_hours, work_calendar
from kefu.core.generate import ensure_organisation, generate
from kefu.core.workcalendar import add_business_time
from kefu.customers import search
from kefu.customers.models import Customer
from kefu.customers.selectors import customer_search
from kefu.customers.validators import normalise_phone, resident_id_valid
from kefu.followups.models import Answer, FollowUp, SurveyResponse
from kefu.org.models import Department
from kefu.org.permissions import SYSTEM
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.states import COMPLAINT, GENERAL

pytestmark = pytest.mark.django_db(transaction=False)
ZONE = ZoneInfo("Asia/Shanghai")
END = dt.datetime(2026, 10, 16, 11, 0, tzinfo=ZONE)


def _generate(seed: int = 7, **counts):
    counts = {"customers": 300, "tickets": 600, "calls": 3000} | counts
    return generate(**counts, seed=seed, days=60, end=END, progress=False, demo=False)


def _fingerprint() -> tuple:
    customers = list(
        Customer.objects.order_by("pk").values_list("name", "phone", "id_number", "address")
    )
    tickets = list(
        Ticket.objects.order_by("pk").values_list(
            "kind", "title", "description", "state", "created_at", "phone", "resolution_due"
        )
    )
    calls = list(
        CallRecord.objects.order_by("pk").values_list(
            "caller", "enter_at", "wait_seconds", "talk_seconds", "disposition"
        )
    )
    return customers, tickets, calls


def _remove_everything_generated() -> None:
    Answer.objects.all().delete()
    SurveyResponse.objects.all().delete()
    FollowUp.objects.all().delete()
    TicketEvent.objects.all().delete()
    Ticket.objects.update(repeat_of=None)
    Ticket.objects.all().delete()
    CallRecord.objects.all().delete()
    for pk in Customer.objects.values_list("pk", flat=True):
        search.unindex_customer(pk)
    Customer.objects.all().delete()


def test_it_generates_exactly_the_counts_asked_for():
    result = _generate()
    assert Customer.objects.count() == 300
    assert Ticket.objects.count() == 600
    assert CallRecord.objects.count() == 3000
    assert result.counts["customers"] == 300
    assert result.counts["ticket_events"] == TicketEvent.objects.count() >= 600
    # A second run adds as many again, after the first.
    _generate(seed=8, customers=10, tickets=20, calls=30)
    assert (Customer.objects.count(), Ticket.objects.count()) == (310, 620)
    assert CallRecord.objects.count() == 3030


def test_it_generates_the_same_data_from_the_same_seed_and_other_data_from_another():
    _generate(seed=11)
    first = _fingerprint()
    _remove_everything_generated()
    _generate(seed=11)
    assert _fingerprint() == first
    _remove_everything_generated()
    _generate(seed=12)
    assert _fingerprint()[0] != first[0]
    assert _fingerprint()[1] != first[1]


def test_it_writes_valid_phones_and_ids_and_indexes_customers_for_search():
    _generate(calls=100)
    phones = list(Customer.objects.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)
    for phone in phones + list(Ticket.objects.values_list("phone", flat=True)):
        assert normalise_phone(phone) == phone
        assert phone[:2] in {"13", "14", "15", "16", "17", "18", "19"}
    for kind, id_number, name in Customer.objects.values_list("kind", "id_number", "name"):
        if kind == "person":
            assert resident_id_valid(id_number)
            assert 2 <= len(name) <= 4
    someone = Customer.objects.order_by("pk")[123]
    assert someone.address.startswith("杭州市")
    found = customer_search(SYSTEM, someone.phone[-4:] + "").values_list("pk", flat=True)
    assert someone.pk in list(found[:500])
    assert someone.pk in list(customer_search(SYSTEM, someone.name).values_list("pk", flat=True))
    # R-CUS-9: written as the services write it, pinyin initials included, for every
    # customer, and the index holds what the services would put there.
    customers = list(Customer.objects.all())
    for customer in customers:
        assert customer.search_text == search.customer_text(customer)
    with connection.cursor() as cursor:
        if search.uses_fts():
            cursor.execute(f"SELECT rowid, grams FROM {search.TABLE}")  # noqa: S608
            expected = {c.pk: search.tokens_for(c.search_text) for c in customers}
        else:
            cursor.execute(f"SELECT id, text FROM {search.TABLE}")  # noqa: S608
            expected = {c.pk: c.search_text for c in customers}
        assert dict(cursor.fetchall()) == expected
    assert any("wang" in c.search_text for c in customers)


def test_it_keeps_tickets_consistent_with_the_rules():
    """R-TIC-6 due times as the work calendar counts them, R-TIC-7 states and callbacks,
    R-FUP-2 callback tasks, R-TIC-4 repeat counts."""
    ensure_organisation(seed=1, full_demo=False)
    # Customers recorded after the span (as the demo's are): no contact may name them.
    department = Department.objects.get(code="cs")
    for n in range(3):
        Customer.objects.create(name=f"新客户{n}", phone=f"1391234567{n}", department=department)
    _generate(tickets=1500, calls=10)
    calendar, hours = work_calendar(), business_hours()
    now = END
    tickets = list(Ticket.objects.all())
    assert not Ticket.objects.filter(customer__name__startswith="新客户").exists()
    for t in tickets:
        assert t.created_at <= now
        assert t.response_due > t.created_at
        assert t.resolution_due >= t.response_due
        assert t.customer_id or t.phone
        table = COMPLAINT if t.kind == "complaint" else GENERAL
        assert t.state in table, (t.kind, t.state)
        if t.resolved_at:
            assert t.created_at <= t.resolved_at <= now
            assert t.resolution_breached == (t.resolved_at > t.resolution_due)
        else:
            assert t.state not in {"resolved", "closed", "callback"}
        if t.state == "closed":
            assert t.closed_at >= t.resolved_at
            if t.kind == "complaint":
                assert t.callback_at and t.resolved_at <= t.callback_at <= t.closed_at
                assert 1 <= t.callback_satisfaction <= 5
        if t.resolved_at_first_contact:
            assert t.resolved_at == t.created_at
        if t.customer_id:
            assert t.customer.created_at <= t.created_at
    sample = random.Random(1).sample(tickets, 80)  # noqa: S311
    for t in sample:
        start = timezone.localtime(t.created_at).replace(microsecond=0)
        limit = {"always": None}.get(t.clock, calendar)
        from kefu.tickets.timelimits import limit_for

        minutes = limit_for(t.kind, t.priority)
        expected = add_business_time(
            start, dt.timedelta(minutes=minutes["response_minutes"]), calendar=limit, hours=hours
        )
        assert t.response_due == expected, (t.kind, t.priority, t.clock, start)
    complaints = [t for t in tickets if t.kind == "complaint" and t.resolved_at]
    assert complaints
    for t in complaints:
        task = FollowUp.objects.get(ticket=t, kind="complaint_callback")
        assert task.status == ("done" if t.state == "closed" else "planned")
    assert {t.state for t in tickets} >= {"open", "in_progress", "resolved", "closed"}
    repeats = Counter(t.repeat_of_id for t in tickets if t.repeat_of_id)
    assert repeats
    for original, n in repeats.items():
        assert Ticket.objects.get(pk=original).repeat_contacts == n
    assert SurveyResponse.objects.exists()


def test_it_makes_calls_arrive_with_daily_peaks_and_busier_weekdays():
    _generate(customers=50, tickets=0, calls=6000)
    by_hour, by_day = Counter(), Counter()
    answered = abandoned = 0
    for enter, answer, end, wait, talk, disposition in CallRecord.objects.values_list(
        "enter_at", "answer_at", "end_at", "wait_seconds", "talk_seconds", "disposition"
    ):
        local = enter.astimezone(ZONE)
        by_hour[local.hour] += 1
        by_day[local.date()] += 1
        if disposition == "answered":
            answered += 1
            assert answer == enter + dt.timedelta(seconds=wait)
            assert end == answer + dt.timedelta(seconds=talk)
        else:
            abandoned += 1
            assert answer is None and end == enter + dt.timedelta(seconds=wait)
    assert by_hour[10] > 3 * by_hour[3]
    assert by_hour[15] > 3 * by_hour[3]
    assert by_hour[10] > by_hour[12]
    weekdays = [n for day, n in by_day.items() if day.weekday() < 5]
    weekends = [n for day, n in by_day.items() if day.weekday() >= 5]
    assert sum(weekdays) / len(weekdays) > 1.3 * sum(weekends) / len(weekends)
    assert 0.02 < abandoned / (answered + abandoned) < 0.3


def test_kefu_generate_reports_what_it_added_and_refuses_bad_counts():
    out = StringIO()
    call_command(
        "generate", "--customers", "20", "--tickets", "30", "--calls", "40", "--no-progress",
        "--end", "2026-10-16T11:00", "--days", "30", "--no-demo", stdout=out,
    )  # fmt: skip
    assert "tickets" in out.getvalue() and f"on {connection.vendor}" in out.getvalue()
    assert Ticket.objects.count() == 30
    with pytest.raises(CommandError, match="negative"):
        call_command("generate", "--tickets", "-1")
    with pytest.raises(CommandError, match="nothing to do"):
        call_command("generate")
    with pytest.raises(CommandError, match="--end"):
        call_command("generate", "--calls", "5", "--end", "tomorrow")


def _history() -> tuple:
    events = list(
        TicketEvent.objects.order_by("pk").values_list("ticket__number", "at", "kind", "to_state")
    )
    tasks = list(FollowUp.objects.order_by("pk").values_list("ticket__number", "status", "due_on"))
    surveys = list(SurveyResponse.objects.order_by("pk").values_list("ticket__number", "nps"))
    return events, tasks, surveys


def _schema() -> list[tuple]:
    """The indexes and constraints of the tables the generator loads."""
    tables = [m._meta.db_table for m in (Customer, Ticket, TicketEvent, FollowUp, CallRecord)] + [
        search.TABLE
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, convalidated, "
                "pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                "conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
                [tables],
            )
            found = cursor.fetchall()
            cursor.execute(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE tablename = ANY(%s) ORDER BY 1, 2",
                [tables],
            )
        else:
            found = []
            cursor.execute(
                "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name IN (SELECT value FROM json_each(%s)) ORDER BY 1, 2",
                [json.dumps(tables)],
            )
        return found + cursor.fetchall()


def test_a_large_load_makes_every_index_and_key_again_and_writes_the_same_rows(monkeypatch):
    """A large run loads each table with its secondary indexes (and on PostgreSQL its
    foreign keys) dropped and makes them again after: the schema is as before, the keys are
    validated, and the rows are those a small run writes from the same seed."""
    from kefu.core import generate as module

    _generate(seed=5, tickets=900, calls=2000)
    small, schema = (_fingerprint(), _history()), _schema()
    assert all(small[1])
    _remove_everything_generated()
    made = []
    original = module.Writer._make

    def spy(self, statements, **kwargs):
        made.extend(statements)
        return original(self, statements, **kwargs)

    monkeypatch.setattr(module.Writer, "_make", spy)
    monkeypatch.setattr(module, "BULK_FROM", 1)
    _generate(seed=5, tickets=900, calls=2000)
    assert any("INDEX" in sql for sql in made)
    if connection.vendor == "postgresql":
        assert any("FOREIGN KEY" in sql for sql in made)
    assert _schema() == schema
    assert (_fingerprint(), _history()) == small
