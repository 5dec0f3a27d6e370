"""Every write to the organisation: departments, positions, spans, staff, roles, API tokens.

Each function checks the actor's permission (R-SEC-3), writes atomically and
records the change in the audit trail (R-SEC-2).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import ApiToken, Department, Position, User, UserRole
from kefu.org.permissions import Scope, check
from kefu.org.roles import Role
from kefu.org.selectors import SPAN_NAMES

_STAFF_FIELDS = ["username", "full_name", "phone", "email", "department", "position", "is_active"]


def _require_text(field: str, value: str | None, label: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.on(field, _("%(label)s is required.") % {"label": label})
    if len(value) > max_length:
        raise ValidationFailed.on(
            field,
            _("%(label)s is longer than %(n)d characters.") % {"label": label, "n": max_length},
        )
    return value


def _set_path(department: Department) -> None:
    parent_path = department.parent.path if department.parent_id else "/"
    department.path = f"{parent_path}{department.pk:08d}/"
    department.save(update_fields=["path"])


@transaction.atomic
def department_create(
    *, actor, name: str, code: str = "", parent: Department | None = None, description: str = ""
) -> Department:
    """Add a department to the tree (R-ORG-1)."""
    check(actor, "org.manage")
    name = _require_text("name", name, _("Name"), 100)
    code = (
        (code or "").strip() or slugify(name, allow_unicode=False) or f"dept-{secrets.token_hex(3)}"
    )
    if Department.objects.filter(code=code).exists():
        raise Conflict(
            message=_("A department with code %(code)s already exists.") % {"code": code},
        )
    department = Department.objects.create(
        name=name, code=code, parent=parent, description=description
    )
    _set_path(department)
    audit_record(actor=actor, action=Action.CREATE, target=department, after=snapshot(department))
    return department


@transaction.atomic
def department_update(
    *,
    actor,
    department: Department,
    name: str | None = None,
    parent: Department | None | bool = False,
    description: str | None = None,
    is_active: bool | None = None,
) -> Department:
    """Rename, move (``parent``; ``None`` makes it a root) or (de)activate a department."""
    check(actor, "org.manage")
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = snapshot(department)
    if name is not None:
        department.name = _require_text("name", name, _("Name"), 100)
    if description is not None:
        department.description = description
    if is_active is not None:
        if not is_active and department.members.filter(is_active=True).exists():
            raise Conflict(
                message=_("%(dept)s still has active staff; move them first.")
                % {"dept": department.name}
            )
        department.is_active = is_active
    department.save(update_fields=["name", "description", "is_active"])
    if parent is not False:
        _department_move(department, parent)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=department,
        before=before,
        after=snapshot(department),
    )
    return department


def _department_move(department: Department, parent: Department | None) -> None:
    if parent is not None and parent.is_within(department):
        raise ValidationFailed.on(
            "parent",
            _("A department cannot be moved under itself or one of its own sub-departments."),
        )
    old_path = department.path
    department.parent = parent
    department.save(update_fields=["parent"])
    _set_path(department)
    for child in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
        child.path = department.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


@transaction.atomic
def position_create(*, actor, department: Department, title: str, duties: str = "") -> Position:
    """Add a position with its duties to a department (R-ORG-1)."""
    check(actor, "org.manage")
    title = _require_text("title", title, _("Position title"), 100)
    if Position.objects.filter(department=department, title=title).exists():
        raise Conflict(
            message=_("%(dept)s already has a position called %(title)s.")
            % {"dept": department.name, "title": title}
        )
    position = Position.objects.create(department=department, title=title, duties=duties)
    audit_record(actor=actor, action=Action.CREATE, target=position, after=snapshot(position))
    return position


@transaction.atomic
def position_update(
    *, actor, position: Position, title: str | None = None, duties: str | None = None
) -> Position:
    check(actor, "org.manage")
    position = Position.objects.select_for_update().get(pk=position.pk)
    before = snapshot(position)
    if title is not None:
        title = _require_text("title", title, _("Position title"), 100)
        clash = Position.objects.filter(department=position.department, title=title)
        if clash.exclude(pk=position.pk).exists():
            raise Conflict(message=_("That title is already used in this department."))
        position.title = title
    if duties is not None:
        position.duties = duties
    position.save(update_fields=["title", "duties"])
    audit_record(
        actor=actor, action=Action.UPDATE, target=position, before=before, after=snapshot(position)
    )
    return position


@transaction.atomic
def position_spans_set(
    *, actor, position: Position, control, responsibility, influence, support, reason: str = ""
) -> Position:
    """R-ORG-2: rate a position on the four spans, each a whole number from 1 to 5.

    A value outside 1–5 is refused naming the span; nothing is written (the
    database's check constraints back this up).
    """
    check(actor, "org.span_rate", department=position.department)
    given = {
        "control": control,
        "responsibility": responsibility,
        "influence": influence,
        "support": support,
    }
    for name, value in given.items():
        if isinstance(value, str) and value.strip().isdecimal():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationFailed.on(
                name,
                _("%(span)s: rate it with a whole number from 1 to 5, not %(value)s.")
                % {"span": SPAN_NAMES[name], "value": value},
            )
        given[name] = value
    position = Position.objects.select_for_update().get(pk=position.pk)
    before = snapshot(position)
    for name, value in given.items():
        setattr(position, f"span_{name}", value)
    position.spans_rated_at = timezone.now()
    position.save(update_fields=[*(f"span_{n}" for n in given), "spans_rated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=position,
        before=before,
        after=snapshot(position),
        reason=reason,
    )
    return position


def _validate_roles(roles: list[str]) -> list[str]:
    valid = set(Role.values)
    unknown = [r for r in roles if r not in valid]
    if unknown:
        raise ValidationFailed.on(
            "roles", _("Unknown role: %(roles)s.") % {"roles": ", ".join(unknown)}
        )
    return sorted(set(roles))


# Roles with company-wide reach: only an actor whose staff.manage scope is the whole
# company may grant them (a director allocates staff inside their own department).
_OVERSIGHT_ROLES = {Role.SYSADMIN, Role.AUDITOR, Role.GM, Role.DIRECTOR}


def _check_scoped_grant(
    actor, *, scope, target: User | None, department, roles: list[str] | None
) -> None:
    if scope != Scope.DEPARTMENT:
        return
    if department is None:
        raise ValidationFailed.on(
            "department", _("Staff you manage must belong to a department of yours.")
        )
    if roles is None:
        return
    if target is not None and target.pk == actor.pk:
        raise ValidationFailed.on("roles", _("You cannot change your own roles."))
    wide = sorted(r for r in roles if r in _OVERSIGHT_ROLES)
    if wide:
        raise ValidationFailed.on(
            "roles",
            _("Only a company-wide administrator can grant %(roles)s.")
            % {"roles": ", ".join(str(Role(r).label) for r in wide)},
        )


def _validate_position(department: Department | None, position: Position | None) -> None:
    if position is not None and (department is None or position.department_id != department.pk):
        raise ValidationFailed.on(
            "position", _("The position must belong to the staff member's department.")
        )


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed.on("password", " ".join(exc.messages)) from None


@transaction.atomic
def staff_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str = "",
    department: Department | None = None,
    position: Position | None = None,
    roles: list[str] | tuple[str, ...] = (),
    email: str = "",
    phone: str = "",
    validate: bool = True,
) -> User:
    """Create a member of staff with department, position and roles."""
    scope = check(actor, "staff.manage", department=department)
    username = _require_text("username", username, _("Login name"), 150)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(message=_("The login name %(u)s is already taken.") % {"u": username})
    roles = _validate_roles(list(roles))
    _check_scoped_grant(actor, scope=scope, target=None, department=department, roles=roles)
    _validate_position(department, position)
    user = User(
        username=username,
        full_name=full_name.strip(),
        email=email.strip(),
        phone=phone.strip(),
        department=department,
        position=position,
        is_staff=Role.SYSADMIN in roles,
    )
    if validate:
        _check_password(password, user)
    user.set_password(password)
    user.save()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    after = snapshot(user, _STAFF_FIELDS) | {"roles": roles}
    audit_record(actor=actor, action=Action.CREATE, target=user, after=after)
    return user


@transaction.atomic
def staff_update(
    *,
    actor,
    user: User,
    full_name: str | None = None,
    department: Department | None | bool = False,
    position: Position | None | bool = False,
    roles: list[str] | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    reason: str = "",
) -> User:
    """Change a staff member's details, department, position, roles or active flag."""
    scope = check(actor, "staff.manage", department=user.department)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user, _STAFF_FIELDS) | {"roles": sorted(user.role_codes)}
    if department is not False:
        if department is not None:
            check(actor, "staff.manage", department=department)
        user.department = department
        if (
            position is False
            and user.position
            and user.position.department_id != getattr(department, "pk", None)
        ):
            user.position = None
    if position is not False:
        user.position = position
    _validate_position(user.department, user.position)
    for attr, value in (("full_name", full_name), ("email", email), ("phone", phone)):
        if value is not None:
            setattr(user, attr, value.strip())
    if is_active is not None:
        if not is_active and user.pk == actor.pk:
            raise ValidationFailed.on("is_active", _("You cannot deactivate yourself."))
        user.is_active = is_active
    if roles is not None:
        roles = _validate_roles(roles)
        _check_scoped_grant(
            actor, scope=scope, target=user, department=user.department, roles=roles
        )
        if user.pk == actor.pk and Role.SYSADMIN in before["roles"] and Role.SYSADMIN not in roles:
            raise ValidationFailed.on(
                "roles", _("You cannot remove your own system administrator role.")
            )
        if Role.SYSADMIN in roles and Role.SYSADMIN not in actor.role_codes:
            raise ValidationFailed.on(
                "roles", _("Only a system administrator can grant the system administrator role.")
            )
        UserRole.objects.filter(user=user).exclude(role__in=roles).delete()
        existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
        UserRole.objects.bulk_create(
            [UserRole(user=user, role=r) for r in roles if r not in existing]
        )
        user.is_staff = Role.SYSADMIN in roles
    user.save(
        update_fields=[
            "full_name",
            "email",
            "phone",
            "department",
            "position",
            "is_active",
            "is_staff",
        ]
    )
    user.__dict__.pop("role_codes", None)
    after = snapshot(user, _STAFF_FIELDS) | {"roles": sorted(user.role_codes)}
    audit_record(
        actor=actor, action=Action.UPDATE, target=user, before=before, after=after, reason=reason
    )
    return user


@transaction.atomic
def staff_set_password(*, actor, user: User, password: str) -> None:
    """Set a password: one's own, or anyone's with staff.manage."""
    if actor.pk != user.pk:
        check(actor, "staff.manage", department=user.department)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=Action.UPDATE, target=user, summary=_("password changed"))


def _token_owner_check(actor, owner: User) -> None:
    if actor.pk == owner.pk:
        check(actor, "token.own")
    else:
        check(actor, "token.manage")


@transaction.atomic
def token_create(
    *, actor, user: User, name: str = "", days: int | None = None, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue an API token; the plain key is returned once and never stored."""
    from django.conf import settings

    _token_owner_check(actor, user)
    if not user.is_active:
        raise ValidationFailed.on("user", _("%(u)s is not active.") % {"u": user.username})
    days = days if days is not None else settings.API_TOKEN_DAYS
    if not 1 <= days <= 3650:
        raise ValidationFailed.on("days", _("A token lives between 1 and 3650 days."))
    now = now or timezone.now()
    prefix = secrets.token_hex(4)
    key = f"kefu_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=(name or _("API token")).strip()[:100],
        prefix=prefix,
        key_hash=ApiToken.hash_key(key),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action=Action.TOKEN,
        target=token,
        summary=_("API token issued"),
        after={"user": user.username, "expires_at": token.expires_at, "prefix": prefix},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    _token_owner_check(actor, token.user)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(message=_("This token was already revoked."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action=Action.TOKEN, target=token, summary=_("API token revoked"))
    return token


def token_authenticate(key: str) -> User | None:
    """The active user behind a bearer key, or None. Records last use at most once a minute."""
    if not key or not key.startswith("kefu_"):
        return None
    try:
        token = ApiToken.objects.select_related("user__department").get(
            key_hash=ApiToken.hash_key(key)
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if not token.is_usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
