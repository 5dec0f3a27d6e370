"""Organisation: departments (a tree), positions with duties and spans, staff and roles.

R-ORG-1 (tree, positions, duties); R-ORG-2 (the four spans of a position, 1–5).
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kefu.org.roles import Role

SPAN_FIELDS = ("span_control", "span_responsibility", "span_influence", "span_support")


class Department(models.Model):
    """A node of the department tree (R-ORG-1).

    ``path`` is the materialised chain of zero-padded ids ("/00000001/00000004/"), so
    ordering by it lists the tree depth-first, and "this department and
    everything under it" is one indexed prefix query, which department scoping
    (R-SEC-3) needs on every list.
    """

    name = models.CharField(_("department name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(
        max_length=255, db_index=True, editable=False, default="", verbose_name=_("tree path")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def is_within(self, other: Department) -> bool:
        """True when this department is ``other`` or lies under it."""
        return bool(other.path) and self.path.startswith(other.path)


class Position(models.Model):
    """A post (岗位) in a department, with its duties as text (R-ORG-1)."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("position title"), max_length=100)
    duties = models.TextField(_("duties"), blank=True)
    # R-ORG-2: the four spans (幅度), each rated 1–5; empty until someone rates the position.
    span_control = models.PositiveSmallIntegerField(_("control span"), null=True, blank=True)
    span_responsibility = models.PositiveSmallIntegerField(
        _("responsibility span"), null=True, blank=True
    )
    span_influence = models.PositiveSmallIntegerField(_("influence span"), null=True, blank=True)
    span_support = models.PositiveSmallIntegerField(_("support span"), null=True, blank=True)
    spans_rated_at = models.DateTimeField(_("spans rated at"), null=True, blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["department__path", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "title"], name="org_position_unique_title"
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True})
                    | Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"org_position_{name}_1_to_5",
                )
                for name in SPAN_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} / {self.title}"

    @property
    def spans_rated(self) -> bool:
        return all(getattr(self, name) is not None for name in SPAN_FIELDS)


class User(AbstractUser):
    """A member of staff. One department; any number of roles (SPEC.md, Who uses it)."""

    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holders",
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The codes of this user's roles, read once per request."""
        if not self.pk or not self.is_active:
            return frozenset()
        # Read on every request (issue 9): plain SQL, not a queryset compiled each time.
        with connection.cursor() as cursor:
            cursor.execute("SELECT role FROM org_userrole WHERE user_id = %s", [self.pk])
            return frozenset(row[0] for row in cursor.fetchall())

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_codes


class UserRole(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_rows", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, db_index=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="org_userrole_unique")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 of the secret is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("token name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True, verbose_name=_("token prefix"))
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now and self.user.is_active
