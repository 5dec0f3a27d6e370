"""The investigation: meeting within 24 hours, attendance, the unit's written report,
injury paperwork within 3 days, and the freeze when it closes.

Rules: R-INC-4, R-INC-5, R-SEC-4 (a closed investigation is frozen).
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.core.uploads import check_upload
from kefu.errors import Conflict, ValidationFailed
from kefu.incidents.models import (
    Attendance,
    Attendee,
    AttendeeRole,
    Basis,
    Incident,
    InjuryFiling,
    Investigation,
    PartyRole,
    Sanction,
    SanctionStatus,
    Severity,
    Status,
    Step,
)
from kefu.incidents.services import common
from kefu.incidents.services.sanctions import propose_absence, propose_by_severity
from kefu.org.permissions import check

FIELDS = ["meeting_at", "deadline", "late_reason", "held_at", "report_at", "closed_at"]
PARTY_ATTENDS_AS = {
    PartyRole.SHIFT_LEADER: AttendeeRole.SHIFT_LEADER,
    PartyRole.RESPONSIBLE: AttendeeRole.PARTY,
    PartyRole.INSPECTOR: AttendeeRole.INSPECTOR,
    PartyRole.UNIT_HEAD: AttendeeRole.OTHER,
}


def deadline_of(incident: Incident) -> dt.datetime:
    """R-INC-4: the meeting is due within the policy's hours of the incident."""
    return incident.occurred_at + dt.timedelta(hours=policy.get("incidents.investigation_hours"))


def paperwork_deadline(incident: Incident) -> dt.datetime:
    """R-INC-5: injury paperwork is accepted within the policy's days of the incident."""
    return incident.occurred_at + dt.timedelta(days=policy.get("incidents.injury_paperwork_days"))


def _ensure_unfrozen(investigation: Investigation) -> None:
    if investigation.is_frozen:
        raise Conflict(
            message=_("The investigation was closed on %(t)s and is frozen.")
            % {"t": timezone.localtime(investigation.closed_at).strftime("%Y-%m-%d %H:%M")}
        )
    common.ensure_open(investigation.incident)


def _default_attendees(incident: Incident) -> list[tuple[object, str]]:
    """The seed's required attendees who are already known from the chain and the parties."""
    people: list[tuple[object, str]] = []
    if incident.chief_id:
        people.append((incident.chief, AttendeeRole.COMPANY_DUTY))
    for step in incident.steps.filter(step=Step.SCENE, person__isnull=False).select_related(
        "person"
    ):
        people.append((step.person, AttendeeRole.COMPANY_DUTY))
    for party in incident.parties.select_related("person"):
        people.append((party.person, PARTY_ATTENDS_AS[party.role]))
    return people


def _fmt(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def investigation_schedule(
    *,
    actor,
    incident: Incident,
    meeting_at: dt.datetime,
    meeting_place: str = "",
    attendees: list[tuple[object, str]] | None = None,
    late_reason: str = "",
) -> Investigation:
    """R-INC-4: the chief on duty schedules the investigation meeting within 24 hours of the
    incident (policy); a later time needs a written reason and is shown late. Required
    attendees are invited by role; those known from the chain and the parties are added."""
    common.check_investigator(actor, incident)
    common.ensure_open(incident)
    meeting_at = common.aware(meeting_at, "meeting_at")
    deadline = deadline_of(incident)
    late_reason = (late_reason or "").strip()[:300]
    if meeting_at < incident.occurred_at:
        raise ValidationFailed.on("meeting_at", _("The meeting cannot be before the incident."))
    if meeting_at > deadline and not late_reason:
        raise ValidationFailed.on(
            "meeting_at",
            _(
                "The investigation meeting must be held by %(d)s, within %(h)s hours of the "
                "incident; give a reason to hold it later."
            )
            % {"d": _fmt(deadline), "h": policy.get("incidents.investigation_hours")},
        )
    for _person, role in attendees or []:
        if role not in AttendeeRole.values:
            raise ValidationFailed.on("attendees", _("Unknown attendee role."))
    investigation = Investigation.objects.filter(incident=incident).first()
    if investigation is not None:
        _ensure_unfrozen(investigation)
        if investigation.held_at is not None:
            raise Conflict(message=_("The meeting was already held; it cannot be moved."))
        before = snapshot(investigation, FIELDS)
        investigation.meeting_at = meeting_at
        investigation.meeting_place = (meeting_place or "").strip()[:200]
        investigation.late_reason = late_reason if meeting_at > deadline else ""
        investigation.save(update_fields=["meeting_at", "meeting_place", "late_reason"])
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            target=investigation,
            summary=_("investigation meeting moved"),
            before=before,
            after=snapshot(investigation, FIELDS),
        )
    else:
        investigation = Investigation.objects.create(
            incident=incident,
            deadline=deadline,
            meeting_at=meeting_at,
            meeting_place=(meeting_place or "").strip()[:200],
            late_reason=late_reason if meeting_at > deadline else "",
            scheduled_by=actor,
        )
        audit_record(
            actor=actor,
            action=Action.CREATE,
            target=investigation,
            summary=_("investigation meeting scheduled"),
            after=snapshot(investigation, FIELDS),
        )
        common.move(incident, Status.INVESTIGATING, actor=actor)
    invited = []
    have = set(investigation.attendees.values_list("person_id", flat=True))
    for person, role in list(attendees or []) + _default_attendees(incident):
        if person is None or person.pk in have:
            continue
        have.add(person.pk)
        invited.append(
            Attendee.objects.create(investigation=investigation, person=person, role=role)
        )
    notify(
        [a.person for a in investigation.attendees.select_related("person")],
        _("Investigation meeting for incident %(i)s: %(t)s %(p)s. Attendance is required.")
        % {"i": incident.number, "t": _fmt(meeting_at), "p": investigation.meeting_place},
        url=common.url(incident),
    )
    return investigation


@transaction.atomic
def attendee_add(*, actor, investigation: Investigation, person, role: str) -> Attendee:
    """R-INC-4: invite one more required attendee, by role."""
    common.check_investigator(actor, investigation.incident)
    _ensure_unfrozen(investigation)
    if person is None:
        raise ValidationFailed.on("person", _("Choose a person."))
    if role not in AttendeeRole.values:
        raise ValidationFailed.on("role", _("Unknown attendee role."))
    if investigation.attendees.filter(person=person).exists():
        raise Conflict(message=_("%(p)s is already invited.") % {"p": person})
    attendee = Attendee.objects.create(investigation=investigation, person=person, role=role)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=investigation,
        summary=_("%(p)s invited as %(r)s") % {"p": person, "r": role},
    )
    notify(
        [person],
        _("Investigation meeting for incident %(i)s: %(t)s %(p)s. Attendance is required.")
        % {
            "i": investigation.incident.number,
            "t": _fmt(investigation.meeting_at),
            "p": investigation.meeting_place,
        },
        url=common.url(investigation.incident),
    )
    return attendee


@transaction.atomic
def investigation_hold(
    *, actor, investigation: Investigation, minutes: str, held_at=None, now=None
) -> Investigation:
    """R-INC-4: record that the meeting was held, and what it found."""
    common.check_investigator(actor, investigation.incident)
    _ensure_unfrozen(investigation)
    if investigation.held_at is not None:
        raise Conflict(message=_("The meeting is already recorded as held."))
    now = common.now_or(now)
    held_at = common.aware(held_at, "held_at") if held_at else now
    if held_at > now:
        raise ValidationFailed.on("held_at", _("The meeting time is in the future."))
    if not (minutes or "").strip():
        raise ValidationFailed.on("minutes", _("Write down what the meeting found."))
    before = snapshot(investigation, FIELDS)
    investigation.held_at = held_at
    investigation.minutes = minutes.strip()
    investigation.save(update_fields=["held_at", "minutes"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=investigation,
        summary=_("investigation meeting held"),
        before=before,
        after=snapshot(investigation, FIELDS),
    )
    return investigation


@transaction.atomic
def attendance_record(
    *, actor, investigation: Investigation, person, attendance: str, excuse: str = "", now=None
) -> Attendee:
    """R-INC-4: attendance of each invited person; an unexcused absence proposes the fine.

    Someone who was not invited is refused, and nothing is written.
    """
    common.check_investigator(actor, investigation.incident)
    _ensure_unfrozen(investigation)
    attendee = (
        investigation.attendees.select_for_update().filter(person=person).first()
        if person is not None
        else None
    )
    if attendee is None:
        raise ValidationFailed.on(
            "person",
            _("%(p)s was not invited to this meeting; invite them first.")
            % {"p": person.display_name if person is not None else "—"},
        )
    if attendance not in (Attendance.PRESENT, Attendance.EXCUSED, Attendance.ABSENT):
        raise ValidationFailed.on("attendance", _("Choose present, excused or absent."))
    excuse = (excuse or "").strip()[:300]
    if attendance == Attendance.EXCUSED and not excuse:
        raise ValidationFailed.on("excuse", _("An excused absence needs the excuse."))
    # The meeting is under way once its planned time has come, or once it is recorded as
    # held (it may have met earlier than planned): attendance is taken from then on.
    if investigation.held_at is None and common.now_or(now) < investigation.meeting_at:
        raise Conflict(message=_("The meeting has not started yet."))
    fine = Sanction.objects.filter(
        incident=investigation.incident, person=person, basis=Basis.ABSENCE
    ).first()
    if attendance != Attendance.ABSENT and fine is not None:
        if fine.status == SanctionStatus.CONFIRMED:
            raise Conflict(message=_("The absence fine is already confirmed by the director."))
        # R-SEC-2: the withdrawn proposal leaves its trace in the audit trail.
        audit_record(
            actor=actor,
            action=Action.DELETE,
            target=fine,
            summary=_("absence fine withdrawn: attendance corrected"),
            before=snapshot(fine, ["status", "measure", "fine_yuan", "person"]),
        )
        fine.delete()
    attendee.attendance = attendance
    attendee.excuse = excuse if attendance == Attendance.EXCUSED else ""
    attendee.recorded_at = common.now_or(now)
    attendee.recorded_by = actor if getattr(actor, "pk", None) else None
    attendee.save(update_fields=["attendance", "excuse", "recorded_at", "recorded_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=investigation,
        summary=_("attendance of %(p)s: %(a)s") % {"p": person, "a": attendance},
    )
    if attendance == Attendance.ABSENT:
        propose_absence(investigation.incident, person)
    return attendee


def _check_paperwork(actor, incident: Incident) -> None:
    if incident.chief_id and getattr(actor, "pk", None) == incident.chief_id:
        return
    check(actor, "incident.paperwork", department=incident.responsible_unit)


@transaction.atomic
def investigation_attach_report(
    *, actor, investigation: Investigation, upload, unit=None, now=None
) -> Investigation:
    """R-INC-5: the responsible unit investigates internally and submits its written report."""
    _check_paperwork(actor, investigation.incident)
    _ensure_unfrozen(investigation)
    if upload is None:
        raise ValidationFailed.on("report_file", _("Choose the file of the written report."))
    # Type by name and first bytes, and size (KEFU_UPLOAD_REPORT_MB; docs/reliability.md).
    check_upload(upload, "incident_report", field="report_file")
    before = snapshot(investigation, FIELDS)
    investigation.report_file.save(PurePath(upload.name).name, upload, save=False)
    investigation.report_unit = unit or investigation.incident.responsible_unit
    investigation.report_at = common.now_or(now)
    investigation.report_by = actor if getattr(actor, "pk", None) else None
    investigation.save(update_fields=["report_file", "report_unit", "report_at", "report_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=investigation,
        summary=_("internal written report attached"),
        before=before,
        after=snapshot(investigation, FIELDS),
    )
    return investigation


@transaction.atomic
def injury_filing_create(
    *, actor, incident: Incident, injured_name: str, note: str = "", now=None
) -> InjuryFiling:
    """R-INC-5: injury paperwork (工伤手续) is accepted within 3 days (policy) of the
    incident; later it is refused and cannot be filed after the fact."""
    _check_paperwork(actor, incident)
    common.ensure_open(incident)
    now = common.now_or(now)
    if incident.injured_count == 0:
        raise ValidationFailed.on("injured_name", _("Nobody is recorded as hurt in this incident."))
    injured_name = (injured_name or "").strip()
    if not injured_name:
        raise ValidationFailed.on("injured_name", _("Name the injured person."))
    deadline = paperwork_deadline(incident)
    if now > deadline:
        raise Conflict(
            message=_(
                "Injury paperwork is accepted only within %(n)s days of the incident (until "
                "%(d)s); it is refused now."
            )
            % {"n": policy.get("incidents.injury_paperwork_days"), "d": _fmt(deadline)}
        )
    filing = InjuryFiling.objects.create(
        incident=incident,
        injured_name=injured_name[:100],
        note=(note or "").strip()[:300],
        filed_at=now,
        filed_by=actor,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=incident,
        summary=_("injury paperwork filed for %(p)s") % {"p": injured_name},
    )
    return filing


@transaction.atomic
def investigation_close(
    *, actor, investigation: Investigation, conclusion: str, severity: str | None = None, now=None
) -> Investigation:
    """R-INC-4, R-INC-5, R-SEC-4: close the investigation once the meeting was held, every
    attendee's attendance is recorded and the unit's written report is attached. The
    sanctions of the rule table are proposed (R-INC-6); incident and investigation freeze."""
    # Locked, so two closes at once cannot both pass the freeze check.
    investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
    incident = Incident.objects.select_for_update().get(pk=investigation.incident_id)
    investigation.incident = incident
    common.check_investigator(actor, incident)
    _ensure_unfrozen(investigation)
    missing = []
    if investigation.held_at is None:
        missing.append(_("the meeting is not recorded as held"))
    if not investigation.report_file:
        missing.append(_("the unit's written report is not attached"))
    if investigation.attendees.filter(attendance=Attendance.INVITED).exists():
        missing.append(_("attendance is not recorded for everyone"))
    if missing:
        raise Conflict(
            message=_("The investigation cannot close yet: %(m)s.") % {"m": "; ".join(missing)}
        )
    if not (conclusion or "").strip():
        raise ValidationFailed.on("conclusion", _("Write the conclusion."))
    if severity:
        if severity not in Severity.values:
            raise ValidationFailed.on("severity", _("Unknown severity."))
        incident.severity = severity
        incident.save(update_fields=["severity"])
    now = common.now_or(now)
    before = snapshot(investigation, FIELDS)
    investigation.conclusion = conclusion.strip()
    investigation.closed_at = now
    investigation.closed_by = actor if getattr(actor, "pk", None) else None
    investigation.save(update_fields=["conclusion", "closed_at", "closed_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=investigation,
        summary=_("investigation closed"),
        before=before,
        after=snapshot(investigation, FIELDS),
    )
    incident.closed_at = now
    incident.closed_by = investigation.closed_by
    incident.closing_summary = investigation.conclusion
    incident.save(update_fields=["closed_at", "closed_by", "closing_summary"])
    common.move(incident, Status.CLOSED, actor=actor)
    propose_by_severity(incident)
    return investigation
