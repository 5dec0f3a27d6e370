"""Factories for test data: each test builds exactly what it needs."""

from __future__ import annotations

import itertools

from kefu.org.models import Department, Position, User, UserRole
from kefu.org.roles import Role

_seq = itertools.count(1)


def department(*, name: str | None = None, parent: Department | None = None) -> Department:
    n = next(_seq)
    dept = Department.objects.create(name=name or f"部门{n}", code=f"dept-{n}", parent=parent)
    parent_path = parent.path if parent else "/"
    dept.path = f"{parent_path}{dept.pk:08d}/"
    dept.save(update_fields=["path"])
    return dept


def position(*, department: Department, title: str | None = None, duties: str = "") -> Position:
    return Position.objects.create(
        department=department, title=title or f"岗位{next(_seq)}", duties=duties
    )


def user(
    *roles: Role | str,
    username: str | None = None,
    department: Department | None = None,
    password: str = "correct-horse-42",
    full_name: str = "",
) -> User:
    """A staff member holding ``roles`` (none given: no role at all)."""
    n = next(_seq)
    member = User(
        username=username or f"user{n}",
        full_name=full_name or f"员工{n}",
        department=department,
        is_staff=Role.SYSADMIN in roles,
    )
    member.set_password(password)
    member.save()
    UserRole.objects.bulk_create([UserRole(user=member, role=str(r)) for r in roles])
    return member
