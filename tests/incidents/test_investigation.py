"""The investigation: 24-hour meeting, attendance, written report, 3-day injury paperwork,
the freeze (R-INC-4, R-INC-5, R-SEC-4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from kefu.audit.models import Action, AuditEntry
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents import services
from kefu.incidents.models import (
    Attendance,
    AttendeeRole,
    Basis,
    InjuryFiling,
    Sanction,
    Severity,
    Status,
)
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import NOON, incident, walk_chain

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def chief():
    return factories.user(Role.DIRECTOR)


@pytest.fixture
def report(chief):
    with time_machine.travel(NOON, tick=False):
        made = incident(occurred_at=NOON - 10 * dt.timedelta(minutes=1), now=NOON, injured_count=1)
        walk_chain(made, chief=chief, now=NOON)
    made.refresh_from_db()
    return made


def _schedule(report, chief, at, **extra):
    with time_machine.travel(NOON, tick=False):
        return services.investigation_schedule(actor=chief, incident=report, meeting_at=at, **extra)


def test_it_schedules_the_meeting_within_24_hours_and_invites_the_known_attendees(report, chief):
    """R-INC-4: the chief on duty schedules; chief and scene staff are invited by role."""
    investigation = _schedule(report, chief, NOON + 20 * HOUR, meeting_place="调度会议室")
    assert investigation.deadline == report.occurred_at + 24 * HOUR
    assert not investigation.is_late
    roles = {(a.person, a.role) for a in investigation.attendees.all()}
    assert (chief, AttendeeRole.COMPANY_DUTY) in roles
    report.refresh_from_db()
    assert report.status == Status.INVESTIGATING


def test_it_refuses_a_meeting_after_24_hours_unless_a_reason_is_given(report, chief):
    """R-INC-4: one minute past the 24-hour deadline is refused; with a reason it is late."""
    too_late = report.occurred_at + 24 * HOUR + dt.timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as error:
        _schedule(report, chief, too_late)
    assert error.value.errors[0].field == "meeting_at"
    assert not hasattr(report, "investigation") or report.investigation is None
    on_time = _schedule(report, chief, report.occurred_at + 24 * HOUR)
    assert not on_time.is_late
    moved = _schedule(report, chief, too_late, late_reason="当事人仍在医院")
    assert moved.is_late and moved.late_reason


def test_it_reads_the_meeting_deadline_from_policy(report, chief, sysadmin):
    from kefu.core.services import policy_set

    policy_set(actor=sysadmin, key="incidents.investigation_hours", value="12")
    with pytest.raises(ValidationFailed):
        _schedule(report, chief, report.occurred_at + 13 * HOUR)


def test_it_lets_the_named_chief_on_duty_investigate_without_the_role(report):
    """R-INC-4: whoever the dispatcher told as chief on duty runs the investigation."""
    someone = factories.user(Role.TECH_SERVICE)
    with pytest.raises(PermissionDenied):
        _schedule(report, someone, NOON + HOUR)
    report.chief = someone
    assert _schedule(report, someone, NOON + HOUR).scheduled_by == someone


def test_it_refuses_attendance_for_someone_not_invited_and_writes_nothing(report, chief):
    """R-INC-4 bad input: attendance for a person not invited is a clear error."""
    investigation = _schedule(report, chief, NOON + HOUR)
    stranger = factories.user(Role.AGENT)
    with time_machine.travel(NOON + 2 * HOUR, tick=False), pytest.raises(ValidationFailed) as e:
        services.attendance_record(
            actor=chief, investigation=investigation, person=stranger, attendance="absent"
        )
    assert e.value.errors[0].field == "person" and stranger.display_name in e.value.message
    assert not Sanction.objects.exists()
    assert not investigation.attendees.filter(person=stranger).exists()


def test_r_inc_4_attendance_waits_for_the_meeting_unless_it_met_earlier_than_planned(report, chief):
    """R-INC-4: attendance is refused before the planned time; once the meeting is recorded
    as held (here two hours before the time planned) it is taken, so the investigation can
    still be closed instead of being stuck behind its own plan."""
    party = factories.user(Role.AGENT)
    investigation = _schedule(
        report, chief, NOON + 3 * HOUR, attendees=[(party, AttendeeRole.PARTY)]
    )
    with time_machine.travel(NOON + HOUR, tick=False):
        with pytest.raises(Conflict):
            services.attendance_record(
                actor=chief, investigation=investigation, person=party, attendance="present"
            )
        services.investigation_hold(actor=chief, investigation=investigation, minutes="查明原因")
        attendee = services.attendance_record(
            actor=chief, investigation=investigation, person=party, attendance="present"
        )
    assert attendee.attendance == Attendance.PRESENT


def test_it_proposes_the_200_yuan_fine_for_an_unexcused_absence_only(report, chief):
    """R-INC-4: absent without excuse → 200 yuan proposed; excused → nothing; correcting
    an absence to present withdraws the proposal."""
    leader, party = factories.user(Role.TECH_SERVICE), factories.user(Role.AGENT)
    investigation = _schedule(
        report,
        chief,
        NOON + HOUR,
        attendees=[(leader, AttendeeRole.SHIFT_LEADER), (party, AttendeeRole.PARTY)],
    )
    with time_machine.travel(NOON + 2 * HOUR, tick=False):
        services.attendance_record(
            actor=chief, investigation=investigation, person=leader, attendance=Attendance.ABSENT
        )
        with pytest.raises(ValidationFailed):
            services.attendance_record(
                actor=chief,
                investigation=investigation,
                person=party,
                attendance=Attendance.EXCUSED,
            )
        services.attendance_record(
            actor=chief,
            investigation=investigation,
            person=party,
            attendance=Attendance.EXCUSED,
            excuse="出差",
        )
    fines = Sanction.objects.filter(basis=Basis.ABSENCE)
    assert [(s.person, s.fine_yuan) for s in fines] == [(leader, 200)]
    with time_machine.travel(NOON + 2 * HOUR, tick=False):
        services.attendance_record(
            actor=chief, investigation=investigation, person=leader, attendance=Attendance.PRESENT
        )
    assert not Sanction.objects.filter(basis=Basis.ABSENCE).exists()


def test_r_sec_2_withdrawing_an_absence_fine_is_written_to_the_audit_trail(report, chief):
    """The proposed 200 yuan fine is deleted when the absence is corrected; the trail
    keeps who withdrew it, when and what it was."""
    leader = factories.user(Role.TECH_SERVICE)
    investigation = _schedule(
        report, chief, NOON + HOUR, attendees=[(leader, AttendeeRole.SHIFT_LEADER)]
    )
    with time_machine.travel(NOON + 2 * HOUR, tick=False):
        services.attendance_record(
            actor=chief, investigation=investigation, person=leader, attendance=Attendance.ABSENT
        )
        fine = Sanction.objects.get(basis=Basis.ABSENCE)
        services.attendance_record(
            actor=chief, investigation=investigation, person=leader, attendance=Attendance.PRESENT
        )
    trail = AuditEntry.objects.filter(
        target_type="incidents.sanction", target_id=str(fine.pk), action=Action.DELETE
    )
    assert [(e.actor, e.before["fine_yuan"]) for e in trail] == [(chief, "200.00")]


def test_it_accepts_injury_paperwork_within_3_days_and_refuses_it_after(report):
    """R-INC-5: 工伤手续 within 3 days of the incident (policy), refused afterwards."""
    office = factories.user(Role.OFFICE)
    deadline = report.occurred_at + dt.timedelta(days=3)
    services.injury_filing_create(actor=office, incident=report, injured_name="张三", now=deadline)
    with pytest.raises(Conflict) as error:
        services.injury_filing_create(
            actor=office,
            incident=report,
            injured_name="李四",
            now=deadline + dt.timedelta(seconds=1),
        )
    assert "3" in error.value.message
    assert list(InjuryFiling.objects.values_list("injured_name", flat=True)) == ["张三"]


def test_it_refuses_injury_paperwork_when_nobody_was_hurt():
    quiet = incident()
    with pytest.raises(ValidationFailed):
        services.injury_filing_create(
            actor=factories.user(Role.OFFICE), incident=quiet, injured_name="张三"
        )


def _close(report, chief, **extra):
    leader = factories.user(Role.TECH_SERVICE)
    services.party_add(actor=chief, incident=report, person=leader, role="shift_leader")
    investigation = _schedule(report, chief, NOON + HOUR)
    with time_machine.travel(NOON + 2 * HOUR, tick=False):
        for attendee in investigation.attendees.all():
            services.attendance_record(
                actor=chief,
                investigation=investigation,
                person=attendee.person,
                attendance="present",
            )
        services.investigation_hold(actor=chief, investigation=investigation, minutes="原因查明")
        with pytest.raises(Conflict) as error:
            services.investigation_close(actor=chief, investigation=investigation, conclusion="x")
        assert "written report" in error.value.message or "书面" in error.value.message
        services.investigation_attach_report(
            actor=factories.user(Role.OFFICE),
            investigation=investigation,
            upload=SimpleUploadedFile("内部追查报告.pdf", b"%PDF-1.4 report"),
        )
        services.investigation_close(
            actor=chief, investigation=investigation, conclusion="违章操作", **extra
        )
    return investigation, leader


def test_it_closes_with_the_written_report_and_proposes_the_rule_table_sanctions(
    report, chief, settings, tmp_path
):
    """R-INC-5, R-INC-6: the unit's report is attached; closing proposes the table's row
    for the incident's severity and each person's role."""
    settings.MEDIA_ROOT = tmp_path
    investigation, leader = _close(report, chief, severity=Severity.SERIOUS)
    assert investigation.report_file.name.endswith(".pdf")
    proposed = Sanction.objects.get(person=leader, basis=Basis.SEVERITY)
    assert (proposed.measure, proposed.deposit_percent) == ("demotion", 100)


def test_it_freezes_a_closed_investigation_and_takes_corrections_as_new_entries(
    report, chief, settings, tmp_path
):
    """R-SEC-4: after closing every change is refused with 409; a correction is recorded."""
    settings.MEDIA_ROOT = tmp_path
    investigation, leader = _close(report, chief)
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    with pytest.raises(Conflict):
        services.attendee_add(actor=chief, investigation=investigation, person=leader, role="other")
    with pytest.raises(Conflict):
        services.investigation_hold(actor=chief, investigation=investigation, minutes="改")
    with pytest.raises(Conflict):
        services.party_add(actor=chief, incident=report, person=leader, role="responsible")
    correction = services.incident_correct(actor=chief, incident=report, text="时间更正为11:50")
    assert correction.kind == "correction" and report.updates.count() == 1
