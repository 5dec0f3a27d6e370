"""R-CC-2 fast path: a big file is parsed in a second process while this one writes; the
result is the same as in one process, and a failure on either side writes nothing."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from kefu.callcenter.importers import parse_queue_log
from kefu.callcenter.models import CallRecord, ImportJob
from kefu.callcenter.services import calls_import, import_pipeline, import_writer
from kefu.org.permissions import SYSTEM
from kefu.org.roles import Role
from tests import factories
from tests.callcenter.test_import_calls import QUEUE_LOG
from tests.callcenter.test_importers import data
from tests.customers import factories as customer_factories

pytestmark = pytest.mark.django_db

FIELDS = (
    "key", "direction", "caller", "queue__name", "agent_id", "agent_label", "enter_at",
    "answer_at", "end_at", "wait_seconds", "talk_seconds", "disposition", "abandoned",
    "ring_no_answer", "customer_id", "hotline_id", "source", "callee", "recording", "blocked",
    "cti_users",
)  # fmt: skip
PARSED = (
    "key", "caller", "enter_at", "answer_at", "end_at", "wait_seconds", "talk_seconds",
    "disposition", "abandoned", "ring_no_answer", "agent_label",
)  # fmt: skip


def _log(calls: int) -> bytes:
    """A queue_log of answered and abandoned calls, a few seconds apart."""
    lines = []
    for n in range(calls):
        at = 1_700_000_000 + 7 * n
        lines.append(f"{at}|gen-{n}|sales|NONE|ENTERQUEUE||1390000{n:04d}|1")
        if n % 5:
            lines.append(f"{at + 3}|gen-{n}|sales|SIP/1001|CONNECT|3|x|1")
            lines.append(f"{at + 60}|gen-{n}|sales|SIP/1001|COMPLETEAGENT|3|57|1")
        else:
            lines.append(f"{at + 20}|gen-{n}|sales|NONE|ABANDON|1|1|20")
    return ("\n".join(lines) + "\n").encode()


def _rows():
    return sorted(CallRecord.objects.values_list(*FIELDS))


@pytest.fixture
def forked(monkeypatch):
    """Every import forks a parser, with small batches; the parser's pid is reported."""
    monkeypatch.setattr(import_pipeline, "FORK_BYTES", 0)
    monkeypatch.setattr(import_pipeline, "BATCH", 7)
    produce = import_pipeline.produce

    def produce_and_tell(fmt, content, mapping, zone, lookups, emit, **options):
        emit(("progress", -os.getpid()))
        return produce(fmt, content, mapping, zone, lookups, emit, **options)

    monkeypatch.setattr(import_pipeline, "produce", produce_and_tell)
    pids = []
    return lambda n: pids.append(-n) if n < 0 else None, pids


def test_a_big_file_is_parsed_in_a_second_process_with_the_same_calls_rcc2(forked, tmp_path):
    customer_factories.customer(phone="13800001111")
    agent = factories.user(Role.AGENT, full_name="Paty Marin")
    log = (
        data(QUEUE_LOG)
        + _log(30)
        + (
            b"1700000000|c1|sales|NONE|ENTERQUEUE||+86 138 0000 1111|1\n"
            b"1700000009|c1|sales|Paty Marin|CONNECT|9|x|2\n"
            b"1700000100|c1|sales|Paty Marin|COMPLETECALLER|9|91|1\n"
            b"1700000101|c2|sales|NONE|CONNECT|oops|x|2\n"
        )
    )
    alone = calls_import(actor=SYSTEM, file_name="q", content=log, fmt="queue-log")
    expected = _rows()
    CallRecord.objects.all().delete()
    progress, pids = forked
    path = tmp_path / "queue_log"
    path.write_bytes(log)
    with path.open("rb") as stream:
        job = calls_import(
            actor=SYSTEM, file_name="q", content=stream, fmt="queue-log", progress=progress
        )
    assert pids and pids[0] != os.getpid()  # the parser ran in another process
    assert _rows() == expected
    parsed = sorted(tuple(getattr(c, f) for f in PARSED) for c in parse_queue_log(log).calls)
    assert sorted(CallRecord.objects.values_list(*PARSED)) == parsed  # as the pure parser says
    assert set(CallRecord.objects.values_list("source", "direction", "blocked")) == {
        ("queue_log", "in", False)
    }
    assert CallRecord.objects.filter(
        created_at__gte=timezone.now() - dt.timedelta(minutes=5)
    ).count() == len(parsed)
    c1 = CallRecord.objects.get(key="c1")
    assert c1.customer.phone == "13800001111" and c1.agent == agent and c1.queue.name == "sales"
    for name in ("lines", "calls_found", "added", "incomplete", "duplicate_lines", "bad_lines"):
        assert getattr(job, name) == getattr(alone, name), name
    assert job.bad_lines[-1]["line"] == log.count(b"\n")
    assert "holdtime" in job.bad_lines[-1]["reason"]


def test_a_failing_write_rolls_back_the_whole_file_and_stops_the_parser_rcc2(forked, monkeypatch):
    insert = import_writer.Writer._insert
    batches = []

    def fail_on_the_second_batch(self, rows, layout):
        batches.append(len(rows))
        if len(batches) == 2:
            raise RuntimeError("disk full")
        return insert(self, rows, layout)

    monkeypatch.setattr(import_writer.Writer, "_insert", fail_on_the_second_batch)
    with pytest.raises(RuntimeError, match="disk full"):
        calls_import(actor=SYSTEM, file_name="q", content=_log(60), fmt="queue-log")
    assert batches and not CallRecord.objects.exists() and not ImportJob.objects.exists()


def test_a_parser_that_fails_is_reported_and_nothing_is_written_rcc2(forked, monkeypatch):
    outcome = import_pipeline.queue_outcome
    made = []

    def fail_on_the_tenth_call(key, events):
        made.append(key)
        if len(made) == 10:
            raise ValueError("cannot make a row")
        return outcome(key, events)

    monkeypatch.setattr(import_pipeline, "queue_outcome", fail_on_the_tenth_call)
    with pytest.raises(RuntimeError, match="cannot make a row"):
        calls_import(actor=SYSTEM, file_name="q", content=_log(60), fmt="queue-log")
    assert not CallRecord.objects.exists() and not ImportJob.objects.exists()


def test_the_same_file_twice_through_the_second_process_adds_nothing_rcc2(forked):
    first = calls_import(actor=SYSTEM, file_name="q", content=_log(40), fmt="queue-log")
    again = calls_import(actor=SYSTEM, file_name="q", content=_log(40), fmt="queue-log")
    assert first.added == 40 and again.added == 0 and again.already_known == first.added


def test_on_postgresql_a_call_added_meanwhile_by_someone_else_is_kept_once_rcc2(monkeypatch):
    """The keys asked for before the COPY miss a call a live event adds in between: the
    COPY clashes, the batch goes back to its savepoint and through ON CONFLICT."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")
    first = calls_import(actor=SYSTEM, file_name="q", content=_log(40), fmt="queue-log")
    statement = import_writer.Writer._statement

    def blind(self, layout):  # as if the calls were added after the keys were asked for
        sql = statement(self, layout)
        return {**sql, "known": sql["known"].replace(" WHERE ", " WHERE false AND ")}

    monkeypatch.setattr(import_writer.Writer, "_statement", blind)
    again = calls_import(actor=SYSTEM, file_name="q", content=_log(45), fmt="queue-log")
    assert (first.added, again.added, again.already_known) == (40, 5, 40)
    assert CallRecord.objects.count() == 45
