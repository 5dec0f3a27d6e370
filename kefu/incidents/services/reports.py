"""Reporting an incident and the dispatcher's notification chain.

Rules: R-INC-1 (report at once, to the dispatcher and the duty office), R-INC-2 (the
chain of notifications with times; the manager tracks the handling), R-INC-3 (late or
concealed reports flagged and sanctioned).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.services import snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, ValidationFailed
from kefu.incidents.models import (
    ChainStep,
    Incident,
    IncidentUpdate,
    Kind,
    Party,
    PartyRole,
    Severity,
    Site,
    Status,
    Step,
    UpdateKind,
)
from kefu.incidents.services import common
from kefu.incidents.services.inspections import name_inspectors
from kefu.incidents.services.sanctions import propose_by_severity, propose_late
from kefu.org.permissions import check
from kefu.org.roles import Role


def chain_for(kind: str, injured_count: int) -> list[str]:
    """R-INC-2: the steps the dispatcher works through, in order, for this report."""
    steps = [Step.CHIEF]
    if injured_count > 0:
        steps.append(Step.DOCTOR)
    steps.append(Step.SCENE)
    if kind == Kind.MAJOR_FAULT:
        steps += [Step.SALES, Step.MANAGER, Step.LEADERSHIP]
    return steps


def _text(value: str, field: str, *, required: bool = True, limit: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed.on(field, _("This field is required."))
    if limit and len(value) > limit:
        raise ValidationFailed.on(field, _("At most %(n)d characters.") % {"n": limit})
    return value


@transaction.atomic
def incident_report(
    *,
    actor,
    kind: str,
    occurred_at: dt.datetime,
    place: str,
    description: str,
    injured_count: int = 0,
    injuries: str = "",
    first_actions: str = "",
    handling_plan: str = "",
    severity: str | None = None,
    site: Site | None = None,
    responsible_unit=None,
    shift_leader=None,
    customer=None,
    ticket=None,
    now: dt.datetime | None = None,
) -> Incident:
    """R-INC-1: anyone reports an incident or major fault at once; it reaches the dispatcher
    and the duty office in the app and by email. R-INC-3: the delay between occurrence and
    report is measured; over the policy limit the report is flagged late and the late-report
    sanctions are proposed. R-INC-7: inspectors whose hazard at the site was never assigned
    are named.
    """
    check(actor, "incident.report")
    now = common.now_or(now)
    if kind not in Kind.values:
        raise ValidationFailed.on("kind", _("Choose a safety incident or a major fault."))
    occurred_at = common.aware(occurred_at, "occurred_at")
    if occurred_at > now:
        raise ValidationFailed.on("occurred_at", _("The time it happened is in the future."))
    if injured_count is None or int(injured_count) < 0:
        raise ValidationFailed.on("injured_count", _("People hurt cannot be negative."))
    injured_count = int(injured_count)
    if injured_count > 32767:  # the column's range (PositiveSmallIntegerField)
        raise ValidationFailed.on("injured_count", _("People hurt: at most %(n)d.") % {"n": 32767})
    if severity in (None, ""):
        severity = Severity.INJURY if injured_count else Severity.MINOR
    if severity not in Severity.values:
        raise ValidationFailed.on("severity", _("Unknown severity."))
    delay = int((now - occurred_at).total_seconds() // 60)
    incident = Incident.objects.create(
        kind=kind,
        severity=severity,
        occurred_at=occurred_at,
        reported_at=now,
        site=site,
        place=_text(place, "place", limit=200),
        description=_text(description, "description"),
        injured_count=injured_count,
        injuries=_text(injuries, "injuries", required=False),
        first_actions=_text(first_actions, "first_actions", required=False),
        handling_plan=_text(handling_plan, "handling_plan", required=False),
        reporter=actor if getattr(actor, "pk", None) else None,
        responsible_unit=responsible_unit or (site.department if site else None),
        customer=customer,
        ticket=ticket,
        delay_minutes=max(delay, 0),
        late=delay > policy.get("incidents.report_limit_minutes"),
    )
    ChainStep.objects.bulk_create(
        ChainStep(incident=incident, step=step, position=n)
        for n, step in enumerate(chain_for(kind, injured_count), start=1)
    )
    if shift_leader is not None:
        Party.objects.create(incident=incident, person=shift_leader, role=PartyRole.SHIFT_LEADER)
    common.audit(actor, incident, _("incident reported"), fields=common.AUDITED)
    name_inspectors(incident)
    propose_late(incident)
    text = _("%(kind)s reported: %(place)s, %(what)s") % {
        "kind": incident.get_kind_display(),
        "place": incident.place,
        "what": incident.description[:80],
    }
    if incident.late:
        text = _("[LATE] ") + text
    notify(common.staff_with(Role.DISPATCHER, Role.OFFICE), text, url=common.url(incident))
    return incident


@transaction.atomic
def chain_step_done(
    *,
    actor,
    incident: Incident,
    step: str,
    person=None,
    contact_name: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> ChainStep:
    """R-INC-2: the dispatcher records each notification with its time and who was told.

    Telling senior leadership is the responsible manager's step and comes after the manager
    was told. Once every step is done the incident is being handled.
    """
    row = ChainStep.objects.select_for_update().filter(incident=incident, step=step).first()
    if row is None:
        raise ValidationFailed.on("step", _("This incident has no such notification step."))
    if step == Step.LEADERSHIP:
        common.check_handler(actor, incident)
        manager_step = incident.steps.filter(step=Step.MANAGER).first()
        if manager_step is not None and manager_step.done_at is None:
            raise Conflict(message=_("Tell the responsible manager first; they inform leadership."))
    else:
        check(actor, "incident.dispatch")
    common.ensure_open(incident)
    if row.done_at is not None:
        raise Conflict(
            message=_("“%(step)s” was already recorded at %(t)s.")
            % {"step": row.get_step_display(), "t": row.done_at.strftime("%Y-%m-%d %H:%M")}
        )
    contact_name = _text(contact_name, "contact_name", required=False, limit=100)
    if person is None and not contact_name:
        raise ValidationFailed.on("person", _("Say who was told."))
    row.person = person
    row.contact_name = contact_name
    row.note = _text(note, "note", required=False, limit=300)
    row.done_at = common.now_or(now)
    row.done_by = actor if getattr(actor, "pk", None) else None
    row.save(update_fields=["person", "contact_name", "note", "done_at", "done_by"])
    before = snapshot(incident, common.AUDITED)
    if step == Step.CHIEF and person is not None:
        incident.chief = person
        incident.save(update_fields=["chief"])
    if step == Step.MANAGER and person is not None:
        incident.manager = person
        incident.save(update_fields=["manager"])
    common.audit(actor, incident, _("told: %(s)s") % {"s": row.get_step_display()}, before)
    if person is not None:
        notify(
            [person],
            _("You are told of %(kind)s %(n)s at %(place)s as %(step)s.")
            % {
                "kind": incident.get_kind_display(),
                "n": incident.number,
                "place": incident.place,
                "step": row.get_step_display(),
            },
            url=common.url(incident),
        )
    if incident.status == Status.REPORTED and not incident.steps.filter(done_at=None).exists():
        common.move(incident, Status.HANDLING, actor=actor)
    return row


@transaction.atomic
def incident_progress(*, actor, incident: Incident, text: str) -> IncidentUpdate:
    """R-INC-2: the responsible manager records the handling until it is closed."""
    common.check_handler(actor, incident)
    common.ensure_open(incident)
    update = IncidentUpdate.objects.create(
        incident=incident, kind=UpdateKind.PROGRESS, text=_text(text, "text"), author=actor
    )
    common.audit(actor, incident, _("handling progress recorded"), fields=common.AUDITED)
    return update


@transaction.atomic
def incident_close(
    *, actor, incident: Incident, summary: str, severity: str | None = None, now=None
) -> Incident:
    """R-INC-2: the manager closes a major fault once the chain is complete.

    A safety incident closes with its investigation instead (R-INC-4).
    """
    common.check_handler(actor, incident)
    common.ensure_open(incident)
    if incident.kind == Kind.INCIDENT:
        raise Conflict(message=_("A safety incident is closed by closing its investigation."))
    if incident.status != Status.HANDLING:
        raise Conflict(message=_("Finish the notification chain before closing."))
    if severity:
        if severity not in Severity.values:
            raise ValidationFailed.on("severity", _("Unknown severity."))
        incident.severity = severity
    before = snapshot(incident, common.AUDITED)
    incident.closing_summary = _text(summary, "summary")
    incident.closed_at = common.now_or(now)
    incident.closed_by = actor if getattr(actor, "pk", None) else None
    incident.save(update_fields=["severity", "closing_summary", "closed_at", "closed_by"])
    common.move(incident, Status.CLOSED, actor=actor)
    common.audit(actor, incident, _("incident closed"), before)
    propose_by_severity(incident)
    return incident


@transaction.atomic
def incident_flag_concealed(*, actor, incident: Incident, note: str) -> Incident:
    """R-INC-3: a concealed report is flagged like a late one and sanctioned the same way."""
    check(actor, "incident.investigate")
    common.ensure_open(incident)
    if incident.concealed:
        raise Conflict(message=_("This incident is already flagged as concealed."))
    before = snapshot(incident, common.AUDITED)
    incident.concealed = True
    incident.concealed_note = _text(note, "note", limit=300)
    incident.save(update_fields=["concealed", "concealed_note"])
    common.audit(actor, incident, _("flagged as concealed"), before)
    propose_late(incident)
    return incident


@transaction.atomic
def party_add(*, actor, incident: Incident, person, role: str, reason: str = "") -> Party:
    """R-INC-6: name who answers for the incident (unit head, shift leader, person responsible).

    A late or concealed report then proposes the late-report sanctions for them (R-INC-3).
    """
    common.check_investigator(actor, incident)
    common.ensure_open(incident)
    if role not in PartyRole.values:
        raise ValidationFailed.on("role", _("Unknown role in the incident."))
    if person is None:
        raise ValidationFailed.on("person", _("Choose a person."))
    if Party.objects.filter(incident=incident, person=person, role=role).exists():
        raise Conflict(message=_("%(p)s is already named in this role.") % {"p": person})
    party = Party.objects.create(
        incident=incident,
        person=person,
        role=role,
        reason=_text(reason, "reason", required=False, limit=300),
    )
    common.audit(actor, incident, _("%(p)s named as %(r)s") % {"p": person, "r": role})
    propose_late(incident)
    return party


@transaction.atomic
def incident_correct(*, actor, incident: Incident, text: str) -> IncidentUpdate:
    """R-SEC-4: a closed incident is not changed; a correction is a new entry referencing it."""
    common.check_investigator(actor, incident)
    if incident.status != Status.CLOSED:
        raise Conflict(message=_("The incident is still open: change it directly."))
    update = IncidentUpdate.objects.create(
        incident=incident, kind=UpdateKind.CORRECTION, text=_text(text, "text"), author=actor
    )
    common.audit(actor, incident, _("correction recorded"), fields=common.AUDITED)
    return update
