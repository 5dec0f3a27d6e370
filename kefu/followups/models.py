"""Follow-ups (回访): callback tasks, campaigns, surveys and mystery customer programmes.

Only the service modules of this app (services.py, surveys.py, mystery.py) write
these rows; the models hold fields, constraints and small properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    DELIVERY_CALLBACK = "delivery_callback", _("delivery callback")
    COMPLAINT_CALLBACK = "complaint_callback", _("complaint callback")
    UPKEEP = "upkeep", _("relationship upkeep")
    CAMPAIGN = "campaign", _("demand campaign contact")


class Status(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    UNREACHED = "unreached", _("not reached")
    CANCELLED = "cancelled", _("cancelled")


class Campaign(models.Model):
    """R-FUP-6: the December campaign asking customers for next year's demand plans."""

    year = models.PositiveSmallIntegerField(_("demand year"), unique=True)
    name = models.CharField(_("campaign name"), max_length=200)
    grades = models.JSONField(_("grades contacted"), default=list)
    opened_on = models.DateField(_("opened on"))
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
        verbose_name = _("demand campaign")
        verbose_name_plural = _("demand campaigns")
        ordering = ["-year"]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """One planned contact with a customer (回访), and its result once made."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    contract = models.ForeignKey(
        "customers.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    due_on = models.DateField(_("due on"), db_index=True)
    # Delivery callbacks: the n-th callback after delivery, and the delivery date it was
    # planned from (a moved delivery re-plans the future tasks). Upkeep: the months between.
    sequence = models.PositiveSmallIntegerField(_("callback number"), default=1)
    anchor_on = models.DateField(_("planned from"), null=True, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("interval (months)")
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retries",
        verbose_name=_("retry of"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    issue_ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket for the issue raised"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_in_followups",
    )
    demand_plan = models.TextField(_("next year's demand plan"), blank=True)
    gift = models.CharField(_("gift sent"), max_length=200, blank=True)
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="fup_status_due_idx"),
            models.Index(fields=["owner", "status"], name="fup_owner_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence", "attempt"],
                condition=Q(kind="delivery_callback"),
                name="fup_delivery_unique",
            ),
            models.UniqueConstraint(
                fields=["ticket", "attempt"],
                condition=Q(kind="complaint_callback"),
                name="fup_complaint_unique",
            ),
            models.UniqueConstraint(
                fields=["customer", "due_on", "attempt"],
                condition=Q(kind="upkeep"),
                name="fup_upkeep_unique",
            ),
            models.UniqueConstraint(
                fields=["campaign", "customer", "attempt"],
                condition=Q(kind="campaign"),
                name="fup_campaign_unique",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="fup_satisfaction_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.due_on}"

    @property
    def contact_label(self) -> str:
        """Whom to contact: the customer, or a complaint caller's masked number (R-SEC-1)."""
        if self.customer_id:
            return self.customer.name
        from kefu.customers.masking import mask

        return mask("phone", self.ticket.phone) if self.ticket_id else ""


# ---------------------------------------------------------------- surveys (R-FUP-3)


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("rating 1–5")
    NPS = "nps", _("recommend 0–10 (NPS)")
    PAIR = "pair", _("expected and perceived, 1–5 each")
    TEXT = "text", _("free text")


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    is_open = models.BooleanField(_("taking answers"), default=True)
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
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveSmallIntegerField(default=1, verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(pgettext_lazy("survey question", "required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text


class Invitation(models.Model):
    """A personal survey link: signed, expiring, used once (R-FUP-3)."""

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("survey")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="survey_invitations",
        verbose_name=_("customer"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ticket"),
    )
    nonce = models.CharField(max_length=32, unique=True, verbose_name=_("link key"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("sent at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.customer_id}"


class ResponseChannel(models.TextChoices):
    LINK = "link", _("personal link")
    PHONE = "phone", _("by phone")


class SurveyResponse(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="survey_responses",
        verbose_name=_("customer"),
    )
    invitation = models.OneToOneField(
        Invitation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response",
        verbose_name=_("invitation"),
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # The analysis dimensions, fixed when the answer arrives (R-FUP-3).
    way = models.CharField(_("answered"), max_length=8, choices=ResponseChannel.choices)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    ticket_kind = models.CharField(_("ticket kind"), max_length=20, blank=True)
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("staff", "agent"),
    )
    gap = models.DecimalField(
        _("perceived − expected"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    scale_mean = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, verbose_name=_("mean score")
    )
    nps = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("NPS score"))
    answered_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=pgettext_lazy("survey", "answered at")
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.customer_id} {self.answered_at:%Y-%m-%d}"


class Answer(models.Model):
    response = models.ForeignKey(
        SurveyResponse,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("survey response"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.SmallIntegerField(null=True, blank=True, verbose_name=_("score"))
    expected = models.SmallIntegerField(null=True, blank=True, verbose_name=_("expected score"))
    perceived = models.SmallIntegerField(null=True, blank=True, verbose_name=_("perceived score"))
    text = models.TextField(blank=True, verbose_name=_("text answer"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="fup_answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


# ---------------------------------------------------------------- mystery customers (R-FUP-4)


class MysteryProgramme(models.Model):
    name = models.CharField(_("programme name"), max_length=200)
    grades = models.JSONField(_("grades"), default=list, blank=True)
    classes = models.JSONField(_("classes"), default=list, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    requested = models.PositiveSmallIntegerField(_("volunteers wanted"))
    seed = models.BigIntegerField(_("seed of the draw"))
    candidates = models.PositiveIntegerField(_("customers matching"), default=0)
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
        verbose_name = _("mystery customer programme")
        verbose_name_plural = _("mystery customer programmes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    programme = models.ForeignKey(
        MysteryProgramme,
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("programme"),
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    nonce = models.CharField(max_length=32, unique=True, verbose_name=_("link key"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    greeting = models.PositiveSmallIntegerField(_("greeting"), null=True, blank=True)
    responsiveness = models.PositiveSmallIntegerField(_("responsiveness"), null=True, blank=True)
    knowledge = models.PositiveSmallIntegerField(_("knowledge"), null=True, blank=True)
    environment = models.PositiveSmallIntegerField(_("environment"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))

    class Meta:
        verbose_name = _("mystery customer volunteer")
        verbose_name_plural = _("mystery customer volunteers")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "customer"], name="fup_volunteer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.customer_id}"
