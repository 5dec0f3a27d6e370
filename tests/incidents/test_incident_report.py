"""Reporting an incident and the dispatcher's chain (R-INC-1, R-INC-2, R-INC-3)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from kefu.core.models import Notification
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents import services
from kefu.incidents.models import Basis, Incident, Kind, Sanction, Status, Step
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import NOON, incident, walk_chain

pytestmark = pytest.mark.django_db


def _staff(role, email=""):
    user = factories.user(role)
    if email:
        user.email = email
        user.save(update_fields=["email"])
    return user


def test_it_sends_a_report_to_the_dispatcher_and_the_duty_office_in_app_and_by_email(
    django_capture_on_commit_callbacks,
):
    """R-INC-1: time, place, what happened, people hurt, first actions and plan reach both."""
    dispatcher = _staff(Role.DISPATCHER, "ddd@kefu.example")
    office = _staff(Role.OFFICE, "office@kefu.example")
    bystander = _staff(Role.AGENT, "agent@kefu.example")
    with django_capture_on_commit_callbacks(execute=True):
        report = incident(injured_count=2, injuries="两人轻微烧伤")
    assert report.place == "3号楼配电房" and report.injured_count == 2
    assert report.first_actions and report.handling_plan
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert {dispatcher.pk, office.pk} <= told and bystander.pk not in told
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["ddd@kefu.example", "office@kefu.example"]
    assert "3号楼配电房" in mail.outbox[0].subject + mail.outbox[0].body


def test_it_lets_anyone_report_but_refuses_a_time_in_the_future():
    """R-INC-1: every role reports; a future time is a clear error and nothing is written."""
    for role in (Role.AGENT, Role.AUDITOR, Role.TECH_SERVICE):
        incident(actor=factories.user(role))
    with pytest.raises(ValidationFailed) as error:
        incident(occurred_at=NOON + dt.timedelta(hours=1), now=NOON)
    assert error.value.errors[0].field == "occurred_at"
    assert Incident.objects.count() == 3


def test_it_builds_the_chain_with_the_doctor_only_when_someone_is_hurt():
    """R-INC-2: chief on duty, doctor when hurt, duty staff to the scene."""
    assert list(incident().steps.values_list("step", flat=True)) == [Step.CHIEF, Step.SCENE]
    hurt = incident(injured_count=1)
    assert list(hurt.steps.values_list("step", flat=True)) == [Step.CHIEF, Step.DOCTOR, Step.SCENE]


def test_it_adds_sales_manager_and_leadership_for_a_major_fault():
    """R-INC-2: a major fault also goes to the sales person and the responsible manager, who
    informs senior leadership."""
    fault = incident(kind=Kind.MAJOR_FAULT)
    assert list(fault.steps.values_list("step", flat=True)) == [
        Step.CHIEF,
        Step.SCENE,
        Step.SALES,
        Step.MANAGER,
        Step.LEADERSHIP,
    ]


def test_it_records_each_notification_with_its_time_and_moves_to_handling_when_complete():
    """R-INC-2: each step: who, when, done by; the incident is handled once all are done."""
    chief = factories.user(Role.DIRECTOR)
    report = incident(injured_count=1)
    dispatcher = factories.user(Role.DISPATCHER)
    with time_machine.travel(NOON, tick=False):
        step = services.chain_step_done(
            actor=dispatcher, incident=report, step=Step.CHIEF, person=chief
        )
    assert step.done_at == NOON and step.done_by == dispatcher and step.who == chief.display_name
    report.refresh_from_db()
    assert report.chief == chief and report.status == Status.REPORTED
    assert Notification.objects.filter(user=chief).exists()
    services.chain_step_done(
        actor=dispatcher, incident=report, step=Step.DOCTOR, contact_name="医院值班王医生"
    )
    services.chain_step_done(
        actor=dispatcher, incident=report, step=Step.SCENE, contact_name="值班员小李"
    )
    report.refresh_from_db()
    assert report.status == Status.HANDLING


def test_it_refuses_a_step_twice_without_a_person_or_by_a_non_dispatcher():
    report = incident()
    dispatcher = factories.user(Role.DISPATCHER)
    with pytest.raises(ValidationFailed):
        services.chain_step_done(actor=dispatcher, incident=report, step=Step.CHIEF)
    with pytest.raises(PermissionDenied):
        services.chain_step_done(
            actor=factories.user(Role.AGENT), incident=report, step=Step.CHIEF, contact_name="x"
        )
    services.chain_step_done(actor=dispatcher, incident=report, step=Step.CHIEF, contact_name="x")
    with pytest.raises(Conflict):
        services.chain_step_done(
            actor=dispatcher, incident=report, step=Step.CHIEF, contact_name="y"
        )


def test_it_lets_only_the_told_manager_inform_leadership_and_track_the_fault_to_closure():
    """R-INC-2: the manager informs senior leadership after being told, tracks and closes."""
    manager = factories.user(Role.BUSINESS_SUPERVISOR)
    fault = incident(kind=Kind.MAJOR_FAULT)
    with pytest.raises(Conflict):
        services.chain_step_done(
            actor=manager, incident=fault, step=Step.LEADERSHIP, contact_name="总经理"
        )
    walk_chain(fault, manager=manager)
    fault.refresh_from_db()
    assert fault.manager == manager and fault.status == Status.HANDLING
    services.incident_progress(actor=manager, incident=fault, text="供电公司已到场")
    services.incident_close(actor=manager, incident=fault, summary="已恢复供电")
    fault.refresh_from_db()
    assert fault.status == Status.CLOSED and fault.updates.count() == 1


def test_it_flags_a_report_over_the_limit_as_late_and_proposes_the_fines():
    """R-INC-3: measured delay over the policy limit (30 minutes): flagged late; the shift
    leader and the unit head get 500 yuan each, and the shift leader the violation row."""
    leader = factories.user(Role.TECH_SERVICE)
    on_time = incident(occurred_at=NOON - dt.timedelta(minutes=30), now=NOON)
    assert not on_time.late and on_time.delay_minutes == 30
    late = incident(occurred_at=NOON - dt.timedelta(minutes=31), now=NOON, shift_leader=leader)
    assert late.late and late.delay_minutes == 31
    fines = Sanction.objects.filter(incident=late, basis=Basis.LATE_REPORT)
    assert [(s.person, s.fine_yuan) for s in fines] == [(leader, 500)]
    assert Sanction.objects.filter(
        incident=late, basis=Basis.LATE_VIOLATION, person=leader, deposit_percent=50
    ).exists()
    head = factories.user(Role.CS_SUPERVISOR)
    services.party_add(
        actor=factories.user(Role.DIRECTOR), incident=late, person=head, role="unit_head"
    )
    assert Sanction.objects.filter(incident=late, person=head, fine_yuan=500).exists()


def test_it_reads_the_late_limit_from_policy(sysadmin):
    from kefu.core.services import policy_set

    policy_set(actor=sysadmin, key="incidents.report_limit_minutes", value="60")
    assert not incident(occurred_at=NOON - dt.timedelta(minutes=45), now=NOON).late


def test_it_sanctions_a_concealed_report_like_a_late_one():
    """R-INC-3: concealment found later is flagged and sanctioned the same way."""
    leader = factories.user(Role.TECH_SERVICE)
    report = incident(shift_leader=leader)
    assert not Sanction.objects.exists()
    services.incident_flag_concealed(
        actor=factories.user(Role.DIRECTOR), incident=report, note="群众举报后才上报"
    )
    assert Sanction.objects.filter(person=leader, basis=Basis.LATE_REPORT).exists()
