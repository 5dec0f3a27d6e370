"""Sanctions: proposed from the rule table, confirmed by the director; the table itself.

Rules: R-INC-3 (late or concealed report: a fine each for the shift leader and the unit
heads, and the shift leader treated as a violation), R-INC-4 (unexcused absence fine),
R-INC-6 (the rule table severity × role → sanctions, data the administrator edits;
proposals confirmed by the director and recorded against the person).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.notify import notify
from kefu.errors import Conflict, ValidationFailed
from kefu.incidents.models import (
    Basis,
    Incident,
    Measure,
    Party,
    PartyRole,
    Sanction,
    SanctionRule,
    SanctionStatus,
    Severity,
)
from kefu.incidents.services import common
from kefu.org.permissions import check
from kefu.org.roles import Role

RULE_FIELDS = ["severity", "role", "measure", "fine_yuan", "deposit_percent", "note"]
SANCTION_FIELDS = ["status", "measure", "fine_yuan", "deposit_percent", "decision_note"]


def _propose(incident: Incident, person, role: str, basis: str, **values) -> Sanction | None:
    """One proposal per (incident, person, role, basis): rerunning proposes nothing twice."""
    sanction, created = Sanction.objects.get_or_create(
        incident=incident, person=person, role=role, basis=basis, defaults=values
    )
    if not created:
        return None
    audit_record(
        actor=None,
        action=Action.CREATE,
        target=sanction,
        summary=_("sanction proposed"),
        after=snapshot(sanction, SANCTION_FIELDS),
    )
    return sanction


def _tell_confirmers(incident: Incident, proposed: list[Sanction]) -> None:
    if proposed:
        notify(
            common.staff_with(Role.DIRECTOR),
            _("%(n)d sanctions for incident %(i)s wait for your confirmation.")
            % {"n": len(proposed), "i": incident.number},
            url=common.url(incident),
        )


def propose_late(incident: Incident) -> list[Sanction]:
    """R-INC-3: a late or concealed report: the policy fine for each shift leader and unit
    head named, and the shift leader's violation row of the rule table on top."""
    if not (incident.late or incident.concealed):
        return []
    fine = Decimal(policy.get("incidents.late_report_fine_yuan"))
    violation = {r.role: r for r in SanctionRule.objects.filter(severity=Severity.VIOLATION)}
    proposed = []
    parties = Party.objects.filter(
        incident=incident, role__in=[PartyRole.SHIFT_LEADER, PartyRole.UNIT_HEAD]
    ).select_related("person")
    for party in parties:
        made = _propose(
            incident,
            party.person,
            party.role,
            Basis.LATE_REPORT,
            measure=Measure.NONE,
            fine_yuan=fine,
        )
        proposed.append(made)
        rule = violation.get(PartyRole.SHIFT_LEADER)
        if party.role == PartyRole.SHIFT_LEADER and rule is not None:
            proposed.append(
                _propose(
                    incident,
                    party.person,
                    party.role,
                    Basis.LATE_VIOLATION,
                    rule=rule,
                    measure=rule.measure,
                    fine_yuan=rule.fine_yuan,
                    deposit_percent=rule.deposit_percent,
                )
            )
    proposed = [s for s in proposed if s is not None]
    _tell_confirmers(incident, proposed)
    return proposed


def propose_by_severity(incident: Incident) -> list[Sanction]:
    """R-INC-6: each person named for the incident gets the rule table's row for the
    incident's severity and their role (no row: nothing proposed)."""
    rules = {r.role: r for r in SanctionRule.objects.filter(severity=incident.severity)}
    proposed = []
    for party in Party.objects.filter(incident=incident).select_related("person"):
        rule = rules.get(party.role)
        if rule is None:
            continue
        proposed.append(
            _propose(
                incident,
                party.person,
                party.role,
                Basis.SEVERITY,
                rule=rule,
                measure=rule.measure,
                fine_yuan=rule.fine_yuan,
                deposit_percent=rule.deposit_percent,
            )
        )
    proposed = [s for s in proposed if s is not None]
    _tell_confirmers(incident, proposed)
    return proposed


def propose_absence(incident: Incident, person) -> Sanction | None:
    """R-INC-4: an unexcused absence from the investigation meeting: the policy fine."""
    made = _propose(
        incident,
        person,
        "",
        Basis.ABSENCE,
        measure=Measure.NONE,
        fine_yuan=Decimal(policy.get("incidents.absence_fine_yuan")),
    )
    if made is not None:
        _tell_confirmers(incident, [made])
    return made


def _decide(actor, sanction: Sanction, status: str, note: str, summary: str) -> Sanction:
    check(actor, "sanction.confirm")
    sanction = Sanction.objects.select_for_update().get(pk=sanction.pk)
    if sanction.status != SanctionStatus.PROPOSED:
        raise Conflict(
            message=_("This sanction is already %(s)s.") % {"s": sanction.get_status_display()}
        )
    before = snapshot(sanction, SANCTION_FIELDS)
    sanction.status = status
    sanction.decided_at = timezone.now()
    sanction.decided_by = actor if getattr(actor, "pk", None) else None
    sanction.decision_note = (note or "").strip()[:300]
    sanction.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=sanction,
        summary=summary,
        before=before,
        after=snapshot(sanction, SANCTION_FIELDS),
    )
    return sanction


@transaction.atomic
def sanction_confirm(*, actor, sanction: Sanction, note: str = "") -> Sanction:
    """R-INC-6: the director confirms a proposed sanction; it joins the person's record."""
    sanction = _decide(actor, sanction, SanctionStatus.CONFIRMED, note, _("sanction confirmed"))
    notify(
        [sanction.person],
        _("A sanction for incident %(i)s was confirmed against you: %(m)s, fine %(f)s yuan.")
        % {
            "i": sanction.incident.number,
            "m": sanction.get_measure_display(),
            "f": sanction.fine_yuan,
        },
        url=common.url(sanction.incident),
    )
    return sanction


@transaction.atomic
def sanction_drop(*, actor, sanction: Sanction, note: str) -> Sanction:
    """R-INC-6: the director drops a proposal, saying why."""
    if not (note or "").strip():
        raise ValidationFailed.on("note", _("Say why the sanction is dropped."))
    return _decide(actor, sanction, SanctionStatus.DROPPED, note, _("sanction dropped"))


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else "0").strip() or "0")
    except (InvalidOperation, ValueError):
        raise ValidationFailed.on(field, _("Give an amount in yuan.")) from None
    if not amount.is_finite():
        raise ValidationFailed.on(field, _("Give an amount in yuan."))
    if amount < 0:
        raise ValidationFailed.on(field, _("A fine cannot be negative."))
    if amount >= Decimal("100000000"):
        raise ValidationFailed.on(field, _("The fine is too large."))
    return amount.quantize(Decimal("0.01"))


def _percent(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationFailed.on(field, _("Give a whole percentage.")) from None
    if not 0 <= number <= 100:
        raise ValidationFailed.on(field, _("The deduction is a percentage from 0 to 100."))
    return number


def _clean_rule(values: dict) -> dict:
    if values["severity"] not in Severity.values:
        raise ValidationFailed.on("severity", _("Unknown severity."))
    if values["role"] not in PartyRole.values:
        raise ValidationFailed.on("role", _("Unknown role in the incident."))
    if values["measure"] not in Measure.values:
        raise ValidationFailed.on("measure", _("Unknown measure."))
    return {
        **values,
        "fine_yuan": _money(values["fine_yuan"], "fine_yuan"),
        "deposit_percent": _percent(values["deposit_percent"], "deposit_percent"),
        "note": (values.get("note") or "").strip()[:300],
    }


@transaction.atomic
def sanction_rule_create(
    *,
    actor,
    severity: str,
    role: str,
    measure: str = Measure.NONE,
    fine_yuan=0,
    deposit_percent: int = 0,
    note: str = "",
) -> SanctionRule:
    """R-INC-6: the administrator adds a row to the sanction table (no negative fine)."""
    check(actor, "sanction.rules")
    values = _clean_rule(
        {
            "severity": severity,
            "role": role,
            "measure": measure,
            "fine_yuan": fine_yuan,
            "deposit_percent": deposit_percent,
            "note": note,
        }
    )
    if SanctionRule.objects.filter(severity=severity, role=role).exists():
        raise Conflict(message=_("The table already has a row for this severity and role."))
    rule = SanctionRule.objects.create(**values)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=rule,
        summary=_("sanction rule added"),
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def sanction_rule_update(
    *, actor, rule: SanctionRule, measure: str, fine_yuan, deposit_percent: int, note: str = ""
) -> SanctionRule:
    """R-INC-6: the administrator changes a row; proposals already made keep their values."""
    check(actor, "sanction.rules")
    values = _clean_rule(
        {
            "severity": rule.severity,
            "role": rule.role,
            "measure": measure,
            "fine_yuan": fine_yuan,
            "deposit_percent": deposit_percent,
            "note": note,
        }
    )
    before = snapshot(rule, RULE_FIELDS)
    for name in ("measure", "fine_yuan", "deposit_percent", "note"):
        setattr(rule, name, values[name])
    rule.save(update_fields=["measure", "fine_yuan", "deposit_percent", "note"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=rule,
        summary=_("sanction rule changed"),
        before=before,
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule


@transaction.atomic
def sanction_rule_delete(*, actor, rule: SanctionRule) -> None:
    """R-INC-6: the administrator removes a row of the table."""
    check(actor, "sanction.rules")
    audit_record(
        actor=actor,
        action=Action.DELETE,
        target=rule,
        summary=_("sanction rule removed"),
        before=snapshot(rule, RULE_FIELDS),
    )
    rule.delete()


@transaction.atomic
def sanction_add(
    *,
    actor,
    incident: Incident,
    person,
    role: str,
    measure: str,
    fine_yuan=0,
    deposit_percent: int = 0,
    note: str = "",
) -> Sanction:
    """R-INC-6 (seed ⑧): other sanctions decided at the investigation, e.g. for an
    inspector named accountable (R-INC-7); proposed like the others, confirmed by the director."""
    common.check_investigator(actor, incident)
    common.ensure_open(incident)
    if person is None:
        raise ValidationFailed.on("person", _("Choose a person."))
    if role and role not in PartyRole.values:
        raise ValidationFailed.on("role", _("Unknown role in the incident."))
    if measure not in Measure.values:
        raise ValidationFailed.on("measure", _("Unknown measure."))
    fine = _money(fine_yuan, "fine_yuan")
    deposit = _percent(deposit_percent, "deposit_percent")
    if measure == Measure.NONE and not fine and not deposit:
        raise ValidationFailed.on(
            "measure", _("A sanction needs a measure, a fine or a deduction.")
        )
    sanction = Sanction.objects.create(
        incident=incident,
        person=person,
        role=role or "",
        basis=Basis.MANUAL,
        measure=measure,
        fine_yuan=fine,
        deposit_percent=deposit,
        decision_note=(note or "").strip()[:300],
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=sanction,
        summary=_("sanction proposed"),
        after=snapshot(sanction, SANCTION_FIELDS),
    )
    _tell_confirmers(incident, [sanction])
    return sanction
