"""R-ORG-1: departments form a tree, positions with duties belong to departments."""

from __future__ import annotations

import pytest

from kefu.audit.models import AuditEntry
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org import services
from kefu.org.models import Department
from kefu.org.roles import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_builds_a_department_tree_with_subtree_paths(sysadmin):
    """R-ORG-1: a department knows its place in the tree."""
    company = services.department_create(actor=sysadmin, name="示例公司", code="hq")
    cs = services.department_create(actor=sysadmin, name="客户服务部", code="cs", parent=company)
    cc = services.department_create(actor=sysadmin, name="呼叫中心", code="cc", parent=cs)
    assert cc.is_within(company) and cc.is_within(cs) and not cs.is_within(cc)
    assert cc.depth == 2
    assert list(Department.objects.filter(path__startswith=cs.path)) == [cs, cc]


def test_it_moves_a_department_with_everything_under_it(sysadmin):
    a = services.department_create(actor=sysadmin, name="甲", code="a")
    b = services.department_create(actor=sysadmin, name="乙", code="b")
    child = services.department_create(actor=sysadmin, name="丙", code="c", parent=a)
    grandchild = services.department_create(actor=sysadmin, name="丁", code="d", parent=child)
    services.department_update(actor=sysadmin, department=child, parent=b)
    grandchild.refresh_from_db()
    assert grandchild.is_within(b) and not grandchild.is_within(a)


def test_it_refuses_to_move_a_department_under_its_own_child(sysadmin):
    a = services.department_create(actor=sysadmin, name="甲", code="a")
    child = services.department_create(actor=sysadmin, name="乙", code="b", parent=a)
    with pytest.raises(ValidationFailed) as refused:
        services.department_update(actor=sysadmin, department=a, parent=child)
    assert refused.value.errors[0].field == "parent"
    a.refresh_from_db()
    assert a.parent_id is None


def test_it_refuses_a_duplicate_department_code_and_writes_nothing(sysadmin):
    services.department_create(actor=sysadmin, name="客服部", code="cs")
    before = Department.objects.count()
    with pytest.raises(Conflict):
        services.department_create(actor=sysadmin, name="另一个", code="cs")
    assert Department.objects.count() == before


def test_it_refuses_to_deactivate_a_department_that_still_has_active_staff(sysadmin):
    dept = services.department_create(actor=sysadmin, name="客服部", code="cs")
    factories.user(Role.AGENT, department=dept)
    with pytest.raises(Conflict):
        services.department_update(actor=sysadmin, department=dept, is_active=False)


def test_it_records_positions_with_their_duties(sysadmin):
    dept = services.department_create(actor=sysadmin, name="中控室", code="ctl")
    position = services.position_create(
        actor=sysadmin, department=dept, title="值班员", duties="接听服务电话，填写值班记录"
    )
    assert position.duties.startswith("接听")
    with pytest.raises(Conflict):
        services.position_create(actor=sysadmin, department=dept, title="值班员")


def test_it_refuses_organisation_changes_by_an_agent():
    agent = factories.user(Role.AGENT)
    with pytest.raises(PermissionDenied):
        services.department_create(actor=agent, name="影子部门")
    assert not Department.objects.filter(name="影子部门").exists()


def test_it_writes_each_organisation_change_to_the_audit_trail(sysadmin):
    """R-SEC-2: who, what, before and after."""
    dept = services.department_create(actor=sysadmin, name="旧名", code="x")
    services.department_update(actor=sysadmin, department=dept, name="新名")
    entries = AuditEntry.objects.filter(target_type="org.department", target_id=str(dept.pk))
    assert [e.action for e in entries.order_by("id")] == ["create", "update"]
    change = entries.get(action="update")
    assert change.actor == sysadmin
    assert change.before == {"name": "旧名"} and change.after == {"name": "新名"}
