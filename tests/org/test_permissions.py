"""R-SEC-3: one permission table, one check; every (role, permission) pair is walked."""

from __future__ import annotations

import pytest

from kefu.errors import NotAuthenticated, PermissionDenied
from kefu.org.models import User
from kefu.org.permissions import PERMISSIONS, SYSTEM, Scope, allowed, check, scope_filter
from kefu.org.roles import ALL_ROLES, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_answers_every_role_and_permission_pair_as_the_table_says():
    """R-SEC-3: a user holding one role gets exactly the permissions the table grants it."""
    dept = factories.department()
    for role in ALL_ROLES:
        member = factories.user(role, department=dept)
        for code, permission in PERMISSIONS.items():
            if role in permission.grants:
                assert check(member, code) == permission.grants[role], (role, code)
            else:
                with pytest.raises(PermissionDenied) as refused:
                    check(member, code)
                assert refused.value.permission == code
                # The sentence names the permission by its label; the code travels beside it.
                assert str(permission.description) in refused.value.message
                assert code not in refused.value.message


def test_it_gives_every_role_of_the_spec_at_least_one_permission():
    for role in ALL_ROLES:
        assert any(role in p.grants for p in PERMISSIONS.values()), role


def test_it_has_all_seventeen_roles_of_the_spec_and_the_three_meeting_posts():
    assert {r.value for r in Role} == {
        "gm", "director", "cs_supervisor", "team_lead", "agent", "duty_operator",
        "tech_service", "business_supervisor", "customer_manager", "operator", "collector",
        "marketing", "office", "dispatcher", "safety_inspector", "auditor", "sysadmin",
        # R-MTG-2: the seed's meeting-service posts (会议服务人员, 音控师, 会议区保洁员)
        "meeting_attendant", "av_technician", "cleaner",
    }  # fmt: skip


def test_it_refuses_a_user_without_roles_with_a_message_naming_the_permission():
    member = factories.user()
    with pytest.raises(PermissionDenied) as refused:
        check(member, "org.view")
    assert str(PERMISSIONS["org.view"].description) in refused.value.message
    assert refused.value.permission == "org.view"


def test_it_refuses_an_anonymous_user_as_not_signed_in():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAuthenticated):
        check(AnonymousUser(), "org.view")


def test_it_refuses_a_deactivated_user_everything():
    member = factories.user(Role.SYSADMIN)
    member.is_active = False
    member.save(update_fields=["is_active"])
    member = User.objects.get(pk=member.pk)
    assert not allowed(member, "org.manage")


def test_it_limits_a_department_scoped_role_to_its_own_subtree():
    """R-SEC-3: the director may manage staff of their department and below, not elsewhere."""
    root = factories.department(name="公司")
    mine = factories.department(name="管理处", parent=root)
    below = factories.department(name="中控室", parent=mine)
    other = factories.department(name="市场部", parent=root)
    director = factories.user(Role.DIRECTOR, department=mine)
    assert check(director, "staff.manage", department=mine) == Scope.DEPARTMENT
    assert check(director, "staff.manage", department=below) == Scope.DEPARTMENT
    with pytest.raises(PermissionDenied) as refused:
        check(director, "staff.manage", department=other)
    assert "市场部" in refused.value.message


def test_it_filters_lists_to_the_department_subtree_for_department_scope():
    root = factories.department()
    mine = factories.department(parent=root)
    other = factories.department(parent=root)
    director = factories.user(Role.DIRECTOR, department=mine)
    inside = factories.user(Role.AGENT, department=mine)
    factories.user(Role.AGENT, department=other)
    visible = scope_filter(director, "staff.manage", User.objects.exclude(pk=director.pk))
    assert list(visible) == [inside]


def test_it_lets_the_system_actor_of_the_command_line_do_everything():
    for code in PERMISSIONS:
        assert check(SYSTEM, code) == Scope.ALL


def test_it_uses_the_widest_scope_of_several_roles():
    dept = factories.department()
    member = factories.user(Role.DIRECTOR, Role.SYSADMIN, department=dept)
    assert check(member, "staff.manage") == Scope.ALL
