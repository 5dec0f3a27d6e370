"""Staff and their roles: who may create and change them, and what is refused."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org import services
from kefu.org.models import User
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_creates_a_staff_member_with_roles_department_and_position(sysadmin):
    dept = factories.department(name="呼叫中心")
    seat = factories.position(department=dept, title="坐席")
    member = services.staff_create(
        actor=sysadmin,
        username="zhou",
        password="a-long-pass-phrase",
        full_name="周小燕",
        department=dept,
        position=seat,
        roles=[Role.AGENT, Role.TEAM_LEAD],
    )
    member = User.objects.get(pk=member.pk)
    assert member.role_codes == {"agent", "team_lead"}
    assert member.check_password("a-long-pass-phrase")
    assert str(member) == "周小燕"


def test_it_refuses_a_taken_login_name_whatever_the_case(sysadmin):
    factories.user(username="wang")
    with pytest.raises(Conflict):
        services.staff_create(actor=sysadmin, username="WANG", password="a-long-pass-phrase")


def test_it_refuses_an_unknown_role_naming_it(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        services.staff_create(
            actor=sysadmin, username="li", password="a-long-pass-phrase", roles=["emperor"]
        )
    assert "emperor" in refused.value.message
    assert not User.objects.filter(username="li").exists()


def test_it_refuses_a_weak_password_on_the_password_field(sysadmin):
    with pytest.raises(ValidationFailed) as refused:
        services.staff_create(actor=sysadmin, username="li", password="123")
    assert refused.value.errors[0].field == "password"


def test_it_refuses_a_position_from_another_department(sysadmin):
    dept, other = factories.department(), factories.department()
    with pytest.raises(ValidationFailed) as refused:
        services.staff_create(
            actor=sysadmin,
            username="li",
            password="a-long-pass-phrase",
            department=dept,
            position=factories.position(department=other),
        )
    assert refused.value.errors[0].field == "position"


def test_it_lets_a_director_allocate_staff_only_within_their_department():
    """SPEC roles: the director allocates staff — inside their own part of the tree."""
    root = factories.department()
    mine = factories.department(parent=root)
    other = factories.department(parent=root)
    director = factories.user(Role.DIRECTOR, department=mine)
    member = services.staff_create(
        actor=director, username="new1", password="a-long-pass-phrase", department=mine
    )
    assert member.department == mine
    with pytest.raises(PermissionDenied):
        services.staff_update(actor=director, user=member, department=other)
    with pytest.raises(PermissionDenied):
        services.staff_create(
            actor=director, username="new2", password="a-long-pass-phrase", department=other
        )


def test_it_records_role_changes_with_before_and_after(sysadmin):
    member = factories.user(Role.AGENT)
    services.staff_update(actor=sysadmin, user=member, roles=[Role.TEAM_LEAD], reason="晋升为班长")
    entry = AuditEntry.objects.filter(target_type="org.user", target_id=str(member.pk)).first()
    assert entry.before["roles"] == ["agent"]
    assert entry.after["roles"] == ["team_lead"]
    assert entry.reason == "晋升为班长"
    assert "password" not in entry.after


def test_it_stops_a_sysadmin_from_removing_their_own_admin_role(sysadmin):
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=sysadmin, user=sysadmin, roles=[Role.AGENT])
    assert User.objects.get(pk=sysadmin.pk).role_codes == {"sysadmin"}


def test_it_lets_only_a_sysadmin_grant_the_sysadmin_role():
    dept = factories.department()
    director = factories.user(Role.DIRECTOR, department=dept)
    member = factories.user(Role.AGENT, department=dept)
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=director, user=member, roles=[Role.SYSADMIN])


def test_it_takes_away_every_permission_from_a_deactivated_member(sysadmin):
    member = factories.user(Role.AUDITOR)
    services.staff_update(actor=sysadmin, user=member, is_active=False)
    member = User.objects.get(pk=member.pk)
    assert member.role_codes == frozenset()


def test_it_stops_a_director_granting_oversight_roles_or_their_own():
    """R-SEC-3: a department-scoped manager cannot widen anyone's reach, least of all their own."""
    dept = factories.department()
    director = factories.user(Role.DIRECTOR, department=dept)
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=director, user=director, roles=[Role.DIRECTOR, Role.GM])
    member = factories.user(Role.AGENT, department=dept)
    with pytest.raises(ValidationFailed):
        services.staff_update(actor=director, user=member, roles=[Role.AUDITOR])
    with pytest.raises(ValidationFailed):
        services.staff_create(
            actor=director, username="nodept", password="a-long-pass-phrase", roles=[Role.AGENT]
        )
    updated = services.staff_update(actor=director, user=member, roles=[Role.TEAM_LEAD])
    assert updated.role_codes == {"team_lead"}
