"""KPI definitions and schemes (R-SUP-4) and the monthly supervision report (R-SUP-2)."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IndicatorKind(models.TextChoices):
    RESULT = "result", _("result indicator")
    PROCESS = "process", _("process indicator")


class Variability(models.TextChoices):
    FIXED = "fixed", _("fixed indicator")
    VARIABLE = "variable", _("variable indicator")


class Indicator(models.Model):
    """A KPI: what is measured and how; the formula is chosen from the catalogue."""

    code = models.SlugField(_("indicator code"), max_length=40, unique=True)
    name = models.CharField(_("indicator name"), max_length=100)
    kind = models.CharField(_("indicator type"), max_length=10, choices=IndicatorKind.choices)
    variability = models.CharField(
        _("fixed or variable"), max_length=10, choices=Variability.choices
    )
    formula = models.CharField(_("formula"), max_length=30)
    params = models.JSONField(_("formula parameters"), default=dict, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    description = models.TextField(_("indicator description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Scheme(models.Model):
    """A KPI scheme (考核方案): indicators with targets and weights that total 100%,
    applied to departments (with the departments under them) and positions."""

    name = models.CharField(_("scheme name"), max_length=100, unique=True)
    departments = models.ManyToManyField(
        "org.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    positions = models.ManyToManyField(
        "org.Position", blank=True, related_name="+", verbose_name=_("positions")
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("KPI scheme")
        verbose_name_plural = _("KPI schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SchemeItem(models.Model):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("scheme")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="items", verbose_name=_("indicator")
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("scheme item")
        verbose_name_plural = _("scheme items")
        ordering = ["scheme", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="rep_item_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100), name="rep_item_weight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} ({self.weight}%)"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")


class MonthlyReport(models.Model):
    """R-SUP-2: one month's supervision report; its figures are frozen in ``data`` when
    built, and the whole report (figures and commentary) when issued (R-SEC-4)."""

    month = models.DateField(_("month"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    data = models.JSONField(_("figures"), default=dict)
    commentary = models.TextField(_("business department's commentary"), blank=True)
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("built by"),
    )
    build_seconds = models.FloatField(_("build time (s)"), default=0)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("issued by"),
    )
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))

    class Meta:
        verbose_name = _("monthly supervision report")
        verbose_name_plural = _("monthly supervision reports")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    @property
    def month_running(self) -> bool:
        """R-SUP-2: the month is not over yet; its figures stop at the time it was built."""
        from kefu.core.periods import this_month

        return self.month >= this_month()

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED


class CallDayFact(models.Model):
    """Inbound calls of one local day, agent and department, counted once for KPIs and
    reports. The department is the agent's, or for a call no agent took, the department
    that answers its hotline, so a department's answer rate counts the calls it missed.

    Kept from the call records by :mod:`kefu.reports.facts` (never typed in), so a scorecard
    reads a few thousand rows instead of a month's millions of calls.
    """

    day = models.DateField(db_index=True, verbose_name=pgettext_lazy("date", "day"))
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    department = models.ForeignKey(
        "org.Department",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("department"),
    )
    offered = models.PositiveIntegerField(default=0, verbose_name=_("calls offered"))
    answered = models.PositiveIntegerField(default=0, verbose_name=_("calls answered"))
    answered_within = models.PositiveIntegerField(
        default=0, verbose_name=_("answered within the target")
    )
    short_abandoned = models.PositiveIntegerField(default=0, verbose_name=_("short abandons"))

    class Meta:
        verbose_name = _("daily call figures")
        verbose_name_plural = _("daily call figures")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agent", "department"], name="rep_callfact_unique_dept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id}: {self.answered}/{self.offered}"


class FactMonth(models.Model):
    """When a month's call facts were last brought up to date, and under which settings."""

    month = models.DateField(unique=True, verbose_name=_("month"))
    checked_at = models.DateTimeField(verbose_name=_("brought up to date at"))
    service_level_seconds = models.PositiveIntegerField(verbose_name=_("service level target (s)"))
    short_abandon_seconds = models.PositiveIntegerField(verbose_name=_("short abandon under (s)"))

    class Meta:
        verbose_name = _("call figures month")
        verbose_name_plural = _("call figures months")

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class KpiClose(models.Model):
    """R-SUP-4: a month's appraisal closed (考核结账): every department's and position's
    scorecards of the month are kept as they stood, so the figures people were appraised
    on do not move when a late record of that month is entered afterwards."""

    month = models.DateField(_("month"), unique=True)
    closed_at = models.DateTimeField(pgettext_lazy("appraisal", "closed at"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=pgettext_lazy("appraisal", "closed by"),
    )
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("closed KPI month")
        verbose_name_plural = _("closed KPI months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class ClosedScorecard(models.Model):
    """One scorecard of a closed month, exactly as computed at the close, filed under the
    unit it is shown for (the company overview, a department, a position) in page order."""

    close = models.ForeignKey(
        KpiClose, on_delete=models.CASCADE, related_name="cards", verbose_name=_("closed month")
    )
    unit_kind = models.CharField(
        max_length=12, verbose_name=_("unit kind")
    )  # company, department, position
    unit_id = models.PositiveBigIntegerField(
        default=0, verbose_name=_("unit ID")
    )  # 0 for the company
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme")
    )
    card = models.JSONField(encoder=DjangoJSONEncoder, verbose_name=_("scorecard"))

    class Meta:
        verbose_name = _("closed scorecard")
        verbose_name_plural = _("closed scorecards")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["close", "unit_kind", "unit_id", "order"], name="rep_closed_card_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.close} {self.unit_kind} {self.unit_id} #{self.order}"
