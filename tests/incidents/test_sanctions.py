"""The sanction rule table and the director's confirmation (R-INC-6)."""

from __future__ import annotations

import pytest

from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.incidents import selectors, services
from kefu.incidents.models import Sanction, SanctionRule, SanctionStatus
from kefu.org.roles import Role
from tests import factories
from tests.incidents.factories import incident

pytestmark = pytest.mark.django_db


def test_it_starts_with_the_seeds_sanction_table():
    """R-INC-6: fatal → removal/dismissal, serious → warning/demotion/dismissal with the whole
    risk deposit, injury and violation → half the month's safety portion."""
    rows = {(r.severity, r.role): r for r in SanctionRule.objects.all()}
    assert rows["fatal", "responsible"].measure == "dismissal"
    assert rows["fatal", "unit_head"].measure == "removal"
    assert (
        rows["serious", "shift_leader"].measure,
        rows["serious", "shift_leader"].deposit_percent,
    ) == ("demotion", 100)
    assert rows["injury", "unit_head"].deposit_percent == 50
    assert rows["violation", "shift_leader"].deposit_percent == 50


def test_it_lets_the_administrator_edit_the_table(sysadmin):
    """R-INC-6: the table is data the administrator edits."""
    rule = services.sanction_rule_create(
        actor=sysadmin, severity="minor", role="responsible", measure="warning", fine_yuan="100"
    )
    services.sanction_rule_update(
        actor=sysadmin, rule=rule, measure="demerit", fine_yuan="150", deposit_percent=10
    )
    rule.refresh_from_db()
    assert (rule.measure, rule.fine_yuan, rule.deposit_percent) == ("demerit", 150, 10)
    services.sanction_rule_delete(actor=sysadmin, rule=rule)
    assert not SanctionRule.objects.filter(severity="minor").exists()


def test_it_refuses_a_negative_fine_and_writes_nothing(sysadmin):
    """R-INC-6 bad input: a rule with a negative fine is a clear error."""
    count = SanctionRule.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.sanction_rule_create(
            actor=sysadmin, severity="minor", role="unit_head", fine_yuan="-1"
        )
    assert error.value.errors[0].field == "fine_yuan"
    rule = SanctionRule.objects.first()
    with pytest.raises(ValidationFailed):
        services.sanction_rule_update(
            actor=sysadmin, rule=rule, measure=rule.measure, fine_yuan="-5", deposit_percent=0
        )
    with pytest.raises(ValidationFailed):
        services.sanction_rule_update(
            actor=sysadmin, rule=rule, measure=rule.measure, fine_yuan="0", deposit_percent=101
        )
    assert SanctionRule.objects.count() == count
    rule.refresh_from_db()
    assert rule.fine_yuan >= 0


def test_it_refuses_table_edits_by_anyone_but_the_administrator_and_duplicates(sysadmin):
    with pytest.raises(PermissionDenied):
        services.sanction_rule_create(
            actor=factories.user(Role.DIRECTOR), severity="minor", role="unit_head"
        )
    with pytest.raises(Conflict):
        services.sanction_rule_create(actor=sysadmin, severity="fatal", role="unit_head")


def test_it_records_confirmed_sanctions_against_the_person():
    """R-INC-6: proposed sanctions are confirmed by the director; the person's record lists them."""
    leader = factories.user(Role.TECH_SERVICE)
    late = incident(occurred_at=None, shift_leader=leader)
    director = factories.user(Role.DIRECTOR)
    proposed = services.sanction_add(
        actor=director, incident=late, person=leader, role="shift_leader", measure="warning"
    )
    with pytest.raises(PermissionDenied):
        services.sanction_confirm(actor=factories.user(Role.SAFETY_INSPECTOR), sanction=proposed)
    services.sanction_confirm(actor=director, sanction=proposed, note="同意")
    with pytest.raises(Conflict):
        services.sanction_confirm(actor=director, sanction=proposed)
    record = list(selectors.person_sanctions(leader, leader))
    assert [(s.measure, s.status) for s in record] == [("warning", SanctionStatus.CONFIRMED)]
    with pytest.raises(PermissionDenied):
        selectors.person_sanctions(factories.user(Role.AGENT), leader)


def test_it_drops_a_proposal_only_with_a_reason():
    director = factories.user(Role.DIRECTOR)
    person = factories.user(Role.AGENT)
    proposed = services.sanction_add(
        actor=director, incident=incident(), person=person, role="", measure="none", fine_yuan=50
    )
    with pytest.raises(ValidationFailed):
        services.sanction_drop(actor=director, sanction=proposed, note="")
    services.sanction_drop(actor=director, sanction=proposed, note="情节轻微")
    assert Sanction.objects.get().status == SanctionStatus.DROPPED
    assert list(selectors.person_sanctions(director, person)) == []
