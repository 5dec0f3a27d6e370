"""Business operation plans (业务运作方案): per-customer plans, their versions and tiered review.

Only :mod:`kefu.plans.services` writes these rows; the models hold fields,
constraints and small properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import CustomerClass

# The step of an approval chain that is not a role but the decision committee (决策委员会).
COMMITTEE = "committee"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    RETURNED = "returned", _("returned for rework")
    APPROVED = "approved", _("approved")
    SUPERSEDED = "superseded", _("superseded")


class Decision(models.TextChoices):
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class ApprovalThreshold(models.Model):
    """One row of the tiered review table (分级会审, R-PLN-2): customer class × amount → chain.

    A plan for a customer of ``customer_class`` whose amount is at most ``up_to``
    takes the chain of the lowest such row; above the class's top row it goes to the
    decision committee as well.
    """

    customer_class = models.CharField(
        _("customer class"), max_length=16, choices=CustomerClass.choices
    )
    up_to = models.DecimalField(_("amount up to (yuan)"), max_digits=16, decimal_places=2)
    chain = models.JSONField(_("approval chain"), default=list)
    updated_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("updated at")
    )

    class Meta:
        verbose_name = _("approval threshold")
        verbose_name_plural = _("approval thresholds")
        ordering = ["customer_class", "up_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_class", "up_to"], name="plans_threshold_unique"
            ),
            models.CheckConstraint(condition=Q(up_to__gt=0), name="plans_threshold_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_class} ≤ {self.up_to}"


class CommitteeMember(models.Model):
    """A member of the decision committee (决策委员会), the top tier of review."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committee member"),
        on_delete=models.PROTECT,
        related_name="plan_committee_seat",
    )
    added_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("added at")
    )

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("decision committee")
        ordering = ["added_at"]

    def __str__(self) -> str:
        return str(self.user)


class Plan(models.Model):
    """A business operation plan for one customer (R-PLN-1); its terms live in versions."""

    number = models.CharField(_("plan number"), max_length=20, unique=True)
    title = models.CharField(_("plan title"), max_length=200)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("drafting department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The newest approved version: the plan in force (R-PLN-3).
    current = models.ForeignKey(
        "PlanVersion",
        verbose_name=_("version in force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # R-PLN-4: the marketing team that carries the plan out, and its lead.
    team = models.ForeignKey(
        "org.Department",
        verbose_name=_("executing team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    briefed_at = models.DateTimeField(_("handed over"), null=True, blank=True)

    class Meta:
        verbose_name = _("business operation plan")
        verbose_name_plural = _("business operation plans")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PlanVersion(models.Model):
    """One version of a plan's terms (R-PLN-1). Frozen once submitted (R-PLN-3, R-SEC-4).

    A change to an approved plan is version n+1 referencing n; n stays as it was.
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    previous = models.ForeignKey(
        "self",
        verbose_name=_("changes version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        db_index=True,
    )
    # The terms (R-PLN-1)
    amount = models.DecimalField(_("project amount (yuan)"), max_digits=16, decimal_places=2)
    financial_instruments = models.TextField(_("financial instruments"))
    supply_cycle = models.CharField(_("supply cycle"), max_length=200)
    payment_method = models.CharField(_("collection method"), max_length=200)
    payment_period = models.CharField(_("collection period"), max_length=200)
    other_terms = models.TextField(_("other contract terms"), blank=True)
    # [{"item": str, "amount": "123.00"}]: what the budget is for; fixed once approved.
    budget_items = models.JSONField(_("budget items"), default=list)
    budget = models.DecimalField(_("budget (yuan)"), max_digits=16, decimal_places=2, default=0)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    # The review round: the chain taken from the thresholds when submitted, and where it is.
    chain = models.JSONField(_("approval chain"), default=list)
    step = models.PositiveSmallIntegerField(default=0, verbose_name=_("step"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_version_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="plans_version_amount"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="plans_version_budget"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.number} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status in {VersionStatus.DRAFT, VersionStatus.RETURNED}

    @property
    def current_step(self) -> str | None:
        if self.status != VersionStatus.IN_REVIEW or self.step >= len(self.chain):
            return None
        return self.chain[self.step]


class ApprovalRecord(models.Model):
    """One decision of a review round: approve or return, with its comment.

    The committee's approval carries the written sign-off (书面签证): the text, who
    signed, when, and a SHA-256 over them and the version's content, like a signature.
    """

    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("version")
    )
    round = models.PositiveSmallIntegerField(default=1, verbose_name=_("round"))
    step = models.PositiveSmallIntegerField(verbose_name=_("step"))
    step_role = models.CharField(_("step"), max_length=32)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    signoff_text = models.TextField(_("written sign-off"), blank=True)
    signoff_hash = models.CharField(_("sign-off hash"), max_length=64, blank=True)
    at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        ordering = ["version", "at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.step_role} {self.decision}"


class Checkpoint(models.Model):
    """A control point of carrying out a plan (管控点, R-PLN-4), tracked to done."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="checkpoints", verbose_name=_("plan")
    )
    title = models.CharField(_("checkpoint"), max_length=200)
    due_on = models.DateField(_("due on"), db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="plan_checkpoints",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    note = models.TextField(_("note"), blank=True)
    overdue_notified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("overdue notice sent at")
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("plan checkpoint")
        verbose_name_plural = _("plan checkpoints")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.done_at is None and self.due_on < today
