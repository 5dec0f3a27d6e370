"""Fuzzed API (issue 10): schemathesis over every operation of /api/v1/openapi.json.

The demo data is loaded once, then for every operation of the schema schemathesis
generates requests (schema-valid and schema-invalid ones, boundary values, NUL bytes,
huge integers, odd dates; path ids drawn half of the time from rows that exist) and each
request is sent twice with a real bearer token: as a user holding almost no permission
(the demo's meeting-area cleaner) and as a user holding every role at the top of the
organisation. Every answer must be no 5xx, have a status code the schema documents and a
body that conforms to the schema documented for that status (problem bodies included).

Bounded so it runs in CI: ``KEFU_FUZZ_EXAMPLES`` examples per operation in the fuzzing
phase (default below), plus schemathesis's deterministic coverage cases; a fixed seed, so a
failure reproduces (``KEFU_FUZZ_SEED`` to explore other inputs).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from kefu.core.demo import load_demo
from kefu.org.models import ApiToken, Department, User, UserRole
from kefu.org.roles import ALL_ROLES, Role
from kefu.org.services import token_create

MAX_EXAMPLES = int(os.environ.get("KEFU_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("KEFU_FUZZ_SEED", "20261127"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

# Path and query parameters naming a row: the models whose ids they take.
ID_PARAMETERS = {
    "token_id": ["org.ApiToken"],
    "dept_id": ["org.Department"],
    "department_id": ["org.Department"],
    "position_id": ["org.Position"],
    "user_id": ["org.User"],
    "agent_id": ["org.User"],
    "run_id": ["customers.GradingRun"],
    "contract_id": ["customers.Contract"],
    "entry_id": ["customers.BlacklistEntry", "supervision.DutyLogEntry"],
    "customer_id": ["customers.Customer"],
    "ticket_id": ["tickets.Ticket"],
    "followup_id": ["followups.FollowUp"],
    "campaign_id": ["followups.Campaign"],
    "survey_id": ["followups.Survey"],
    "programme_id": ["followups.MysteryProgramme"],
    "incident_id": ["incidents.Incident"],
    "sanction_id": ["incidents.Sanction"],
    "rule_id": ["incidents.SanctionRule"],
    "hazard_id": ["incidents.Hazard"],
    "checkpoint_id": ["plans.Checkpoint"],
    "threshold_id": ["plans.ApprovalThreshold"],
    "plan_id": ["plans.Plan"],
    "job_id": ["callcenter.ImportJob"],
    "call_id": ["callcenter.CallRecord"],
    "hotline_id": ["callcenter.Hotline"],
    "template_id": ["callcenter.ShiftTemplate"],
    "leave_id": ["callcenter.StaffLeave"],
    "override_id": ["callcenter.ForecastOverride"],
    "room_id": ["meetings.Room"],
    "booking_id": ["meetings.Booking"],
    "task_id": ["meetings.MeetingTask"],
    "equipment_id": ["meetings.Equipment"],
    "sample_id": ["supervision.DutyLogSample"],
    "report_id": ["supervision.WeeklyReport"],
    "walkthrough_id": ["supervision.Walkthrough"],
    "fix_id": ["supervision.Fix"],
    "indicator_id": ["reports.Indicator"],
    "scheme_id": ["reports.Scheme"],
}


_IDS: dict[str, list[int]] = {}  # parameter name -> ids of real rows, filled by the fixture


def _load_ids(fuzz_users: set[int]) -> None:
    for name, labels in ID_PARAMETERS.items():
        ids: set[int] = set()
        for label in labels:
            model = apps.get_model(label)
            ids.update(model.objects.order_by("-pk").values_list("pk", flat=True)[:40])
        if labels == ["org.User"]:
            ids -= fuzz_users
        _IDS[name] = sorted(ids)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(0, 40, 3)]
    _IDS["day"] = [d.isoformat() for d in days]
    _IDS["month"] = sorted({d.isoformat()[:7] for d in days})


def _real_rows(values: dict | None):
    """Half of the time, each parameter naming a row names one that exists."""
    if not isinstance(values, dict):
        return st.just(values)
    choices = {}
    for name, value in values.items():
        real = _IDS.get(name)
        if real and (isinstance(value, str) if name in ("day", "month") else _is_int(value)):
            choices[name] = st.one_of(st.just(value), st.sampled_from(real))
    if not choices:
        return st.just(values)
    return st.fixed_dictionaries(choices).map(lambda drawn: {**values, **drawn})


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Fuzzer:
    """The two signed-in users and a way to put them back as they were after each call."""

    def __init__(self):
        top = Department.objects.get(parent__isnull=True)
        self.allowed = User.objects.create(
            username="fuzz-every-role", full_name="全角色测试员", department=top
        )
        self.allowed.set_unusable_password()
        self.allowed.save()
        UserRole.objects.bulk_create(
            [UserRole(user=self.allowed, role=str(role)) for role in ALL_ROLES]
        )
        self.disallowed = User.objects.get(username=Role.CLEANER.value)
        self.keys = {}
        self.tokens = {}
        for name, user in (("allowed", self.allowed), ("disallowed", self.disallowed)):
            token, key = token_create(actor=user, user=user, name="fuzz", days=30)
            self.keys[name] = key
            self.tokens[name] = token.pk
        self.state = {
            user.pk: (user.department_id, user.position_id, sorted(user.role_codes))
            for user in (self.allowed, self.disallowed)
        }
        self.requests = 0

    def restore(self) -> None:
        """Undo what a fuzzed call may do to the fuzzers themselves (revoke, deactivate)."""
        ApiToken.objects.filter(pk__in=self.tokens.values()).update(
            revoked_at=None, expires_at=timezone.now() + dt.timedelta(days=30)
        )
        for pk, (department_id, position_id, roles) in self.state.items():
            User.objects.filter(pk=pk).update(
                is_active=True, department_id=department_id, position_id=position_id
            )
            if sorted(UserRole.objects.filter(user_id=pk).values_list("role", flat=True)) != roles:
                UserRole.objects.filter(user_id=pk).delete()
                UserRole.objects.bulk_create([UserRole(user_id=pk, role=r) for r in roles])

    def call(self, case, who: str):
        """Send ``case`` as ``who`` and check the answer.

        Each call runs in a savepoint, as each request runs on its own in production: a
        statement PostgreSQL refused outside the app's own transactions must not poison
        the calls after it.
        """
        self.restore()
        self.requests += 1
        savepoint = transaction.savepoint()
        try:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {self.keys[who]}"}, checks=CHECKS
            )
        finally:
            if transaction.get_rollback():  # the request failed inside the app's own atomic
                transaction.set_rollback(False)
                transaction.savepoint_rollback(savepoint)
            else:
                try:
                    transaction.savepoint_commit(savepoint)
                except DatabaseError:  # PostgreSQL refused a statement outside any atomic
                    transaction.savepoint_rollback(savepoint)


@pytest.fixture(scope="module")
def fuzzer(django_db_setup, django_db_blocker):
    """The demo data and the two users, once for the module; rolled back at its end."""
    # As Django's test client does: a request's end must not close the test's connection
    # (schemathesis calls the WSGI application itself).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            fuzzer = Fuzzer()
            _load_ids(set(fuzzer.state))
            yield fuzzer
            # The figure quoted in docs/reliability.md (pytest -s shows it).
            print(f"\nAPI fuzz: {fuzzer.requests} requests")  # noqa: T201
            transaction.set_rollback(True)
    finally:
        _IDS.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema():
    from kefu.wsgi import application

    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "with-security-parameters": False,
                "database": "none",
            },
            "phases": {
                # Boundary values of every parameter (empty, longest, NUL, huge); the
                # schema-invalid requests come from the fuzzing phase (mode "all").
                "coverage": {"generation": {"mode": "positive"}},
                "stateful": {"enabled": False},
            },
        }
    )
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
    for hook in ("flatmap_path_parameters", "flatmap_query", "flatmap_body"):
        loaded.hook(hook)(lambda context, values: _real_rows(values))
    if os.environ.get("KEFU_FUZZ_PATHS"):  # e.g. KEFU_FUZZ_PATHS=/tickets to fuzz a part only
        loaded = loaded.include(path_regex=os.environ["KEFU_FUZZ_PATHS"])
    return loaded


schema = _schema()


@pytest.mark.django_db
@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, fuzzer):
    fuzzer.call(case, "disallowed")
    fuzzer.call(case, "allowed")
