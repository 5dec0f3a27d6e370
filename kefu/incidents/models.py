"""Incidents and major faults (事故与故障): reports, the dispatcher's notification chain,
investigations, sanctions by the rule table, inspections and hazards.

Only the modules of ``kefu.incidents.services`` write these rows; the models hold
fields, constraints and small properties.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    INCIDENT = "incident", _("safety incident")
    MAJOR_FAULT = "major_fault", _("major fault")


class Severity(models.TextChoices):
    """The severities of the sanction rule table (R-INC-6), plus a minor case."""

    FATAL = "fatal", _("fatal incident")
    SERIOUS = "serious", _("serious injury or major non-personal incident")
    INJURY = "injury", _("work injury")
    VIOLATION = "violation", _("violation (illegal command, operation or breach of discipline)")
    MINOR = "minor", _("minor, nobody hurt")


class Status(models.TextChoices):
    REPORTED = "reported", _("reported, chain open")
    HANDLING = "handling", _("being handled")
    INVESTIGATING = "investigating", _("under investigation")
    CLOSED = "closed", _("closed")


class Site(models.Model):
    """A place where incidents happen and inspectors go (作业场所)."""

    name = models.CharField(_("site name"), max_length=120, unique=True)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    """One reported safety incident or major fault (R-INC-1)."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.REPORTED, db_index=True
    )
    occurred_at = models.DateTimeField(_("time it happened"))
    # When the chief on duty and the director were told the investigation meeting is due.
    investigation_told_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("investigation notice sent at")
    )
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    site = models.ForeignKey(
        Site,
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    place = models.CharField(_("incident place"), max_length=200)
    description = models.TextField(_("what happened"))
    injured_count = models.PositiveSmallIntegerField(_("people hurt"), default=0)
    injuries = models.TextField(_("injuries"), blank=True)
    first_actions = models.TextField(_("first actions taken"), blank=True)
    handling_plan = models.TextField(_("handling plan"), blank=True)
    reporter = models.ForeignKey(
        USER,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_unit = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # R-INC-3: minutes between occurrence and report, and the flag it raised.
    delay_minutes = models.PositiveIntegerField(_("minutes before it was reported"), default=0)
    late = models.BooleanField(_("reported late"), default=False)
    concealed = models.BooleanField(_("concealed"), default=False)
    concealed_note = models.CharField(_("how the concealment came out"), max_length=300, blank=True)
    # Filled from the chain (R-INC-2): who the chief on duty and the responsible manager are.
    chief = models.ForeignKey(
        USER,
        verbose_name=_("chief on duty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager = models.ForeignKey(
        USER,
        verbose_name=_("responsible manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    closing_summary = models.TextField(_("closing summary"), blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["site", "occurred_at"], name="inc_site_time_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.place}"

    @property
    def number(self) -> str:
        return f"SG{self.pk or 0:05d}"

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED


class Step(models.TextChoices):
    """The dispatcher's notification chain (R-INC-2), in the order it is worked."""

    CHIEF = "chief", _("chief on duty of the company")
    DOCTOR = "doctor", _("on-duty doctor")
    SCENE = "scene", _("duty staff sent to the scene")
    SALES = "sales", _("sales person who signed the business")
    MANAGER = "manager", _("responsible manager")
    LEADERSHIP = "leadership", _("senior leadership (told by the manager)")


class ChainStep(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="steps", verbose_name=_("incident")
    )
    step = models.CharField(_("notification step"), max_length=12, choices=Step.choices)
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    person = models.ForeignKey(
        USER,
        verbose_name=_("person told"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("name (outside the system)"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("told at"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER,
        verbose_name=_("told by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notification step")
        verbose_name_plural = _("notification steps")
        ordering = ["incident", "position"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "step"], name="inc_step_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.get_step_display()}"

    @property
    def who(self) -> str:
        if self.person_id:
            return self.person.display_name
        return self.contact_name


class UpdateKind(models.TextChoices):
    PROGRESS = "progress", _("handling progress")
    CORRECTION = "correction", _("correction after closing")


class IncidentUpdate(models.Model):
    """The manager's record of the handling (R-INC-2), and corrections after the freeze."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="updates", verbose_name=_("incident")
    )
    kind = models.CharField(max_length=12, choices=UpdateKind.choices, verbose_name=_("kind"))
    text = models.TextField(_("progress"))
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.get_kind_display()}"


class PartyRole(models.TextChoices):
    """Who answers for an incident, as the sanction rule table names them (R-INC-6)."""

    UNIT_HEAD = "unit_head", _("head of the responsible unit")
    SHIFT_LEADER = "shift_leader", _("shift leader on site")
    RESPONSIBLE = "responsible", _("person responsible")
    INSPECTOR = "inspector", _("inspector accountable")


class Party(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="parties", verbose_name=_("incident")
    )
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("answers as"), max_length=14, choices=PartyRole.choices)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now, verbose_name=_("added at"))

    class Meta:
        verbose_name = _("party answering")
        verbose_name_plural = _("parties answering")
        ordering = ["incident", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "person", "role"], name="inc_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.person} {self.get_role_display()}"


class Investigation(models.Model):
    """The investigation meeting and its record (R-INC-4, R-INC-5); frozen once closed."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="investigation", verbose_name=_("incident")
    )
    deadline = models.DateTimeField(_("meeting due by"))
    meeting_at = models.DateTimeField(_("meeting time"))
    meeting_place = models.CharField(_("meeting place"), max_length=200, blank=True)
    late_reason = models.CharField(_("why after the deadline"), max_length=300, blank=True)
    scheduled_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    minutes = models.TextField(_("findings of the meeting"), blank=True)
    report_file = models.FileField(
        _("internal written report"), upload_to="incidents/reports/%Y/", blank=True
    )
    report_unit = models.ForeignKey(
        "org.Department",
        verbose_name=_("unit that wrote it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    report_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("report submitted by"),
    )
    closed_at = models.DateTimeField(_("investigation closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    conclusion = models.TextField(_("conclusion"), blank=True)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")

    def __str__(self) -> str:
        return f"{self.incident.number}"

    @property
    def is_late(self) -> bool:
        return self.meeting_at > self.deadline

    @property
    def is_frozen(self) -> bool:
        return self.closed_at is not None


class AttendeeRole(models.TextChoices):
    """The required attendees of the seed's investigation meeting (R-INC-4)."""

    COMPANY_DUTY = "company_duty", _("company duty staff of the day")
    UNIT_DUTY = "unit_duty", _("unit duty staff of the day")
    SHIFT_LEADER = "shift_leader", _("shift leader on site")
    INSPECTOR = "inspector", _("safety inspector on shift")
    PARTY = "party", _("persons involved")
    OTHER = "other", _("others concerned")


class Attendance(models.TextChoices):
    INVITED = "invited", _("invited")
    PRESENT = "present", _("present")
    EXCUSED = "excused", _("absent with leave")
    ABSENT = "absent", _("absent without excuse")


class Attendee(models.Model):
    investigation = models.ForeignKey(
        Investigation,
        on_delete=models.CASCADE,
        related_name="attendees",
        verbose_name=_("investigation"),
    )
    person = models.ForeignKey(
        USER, verbose_name=_("attendee"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("attends as"), max_length=14, choices=AttendeeRole.choices)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    excuse = models.CharField(_("excuse"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("recorded at"))
    recorded_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["investigation", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["investigation", "person"], name="inc_attendee_unique")
        ]

    def __str__(self) -> str:
        return f"{self.investigation} {self.person} {self.get_attendance_display()}"


class InjuryFiling(models.Model):
    """Injury paperwork (工伤手续), accepted only within the policy's days (R-INC-5)."""

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="injury_filings",
        verbose_name=_("incident"),
    )
    injured_name = models.CharField(_("injured person"), max_length=100)
    note = models.CharField(_("paperwork note"), max_length=300, blank=True)
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )

    class Meta:
        verbose_name = _("injury filing")
        verbose_name_plural = _("injury filings")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.injured_name}"


class Measure(models.TextChoices):
    NONE = "none", _("no disciplinary measure")
    WARNING = "warning", _("warning")
    DEMERIT = "demerit", _("demerit")
    DEMOTION = "demotion", _("demotion")
    REMOVAL = "removal", _("removal from post")
    DISMISSAL = "dismissal", _("dismissal")


class SanctionRule(models.Model):
    """One row of the sanction table: severity × role → sanctions (R-INC-6). Data, not code."""

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    role = models.CharField(_("answers as"), max_length=14, choices=PartyRole.choices)
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.NONE
    )
    fine_yuan = models.DecimalField(
        _("fine (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    deposit_percent = models.PositiveSmallIntegerField(
        _("risk deposit deducted, percent of the month's safety portion"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    note = models.CharField(_("rule note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sanction rule")
        verbose_name_plural = _("sanction rules")
        ordering = ["severity", "role"]
        constraints = [
            models.UniqueConstraint(fields=["severity", "role"], name="inc_rule_unique"),
            models.CheckConstraint(condition=Q(fine_yuan__gte=0), name="inc_rule_fine_gte_0"),
            models.CheckConstraint(
                condition=Q(deposit_percent__lte=100), name="inc_rule_deposit_lte_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} · {self.get_role_display()}"


class Basis(models.TextChoices):
    SEVERITY = "severity", _("the incident's severity")
    LATE_REPORT = "late_report", _("late or concealed report")
    LATE_VIOLATION = "late_violation", _("late report treated as a violation")
    ABSENCE = "absence", _("unexcused absence from the investigation")
    MANUAL = "manual", _("decided at the investigation")


class SanctionStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    DROPPED = "dropped", _("dropped")


class Sanction(models.Model):
    """A sanction against a person: proposed by the rules, confirmed by the director."""

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="sanctions", verbose_name=_("incident")
    )
    person = models.ForeignKey(
        USER, verbose_name=_("person"), on_delete=models.PROTECT, related_name="incident_sanctions"
    )
    role = models.CharField(_("answers as"), max_length=14, choices=PartyRole.choices, blank=True)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices)
    rule = models.ForeignKey(
        SanctionRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sanction rule"),
    )
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    fine_yuan = models.DecimalField(_("fine (yuan)"), max_digits=10, decimal_places=2, default=0)
    deposit_percent = models.PositiveSmallIntegerField(_("risk deposit deducted (%)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SanctionStatus.choices,
        default=SanctionStatus.PROPOSED,
        db_index=True,
    )
    proposed_at = models.DateTimeField(default=timezone.now, verbose_name=_("proposed at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person", "role", "basis"],
                condition=~Q(basis="manual"),
                name="inc_sanction_once",
            ),
            models.CheckConstraint(condition=Q(fine_yuan__gte=0), name="inc_sanction_fine_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.number} {self.person} {self.get_measure_display()}"


class HazardStatus(models.TextChoices):
    OPEN = "open", _("found, not assigned")
    ASSIGNED = "assigned", _("assigned for rectification")
    RECTIFIED = "rectified", _("rectified")


class Inspection(models.Model):
    """An inspector's visit to a site (R-INC-7)."""

    inspector = models.ForeignKey(
        USER, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="inspections"
    )
    visited_at = models.DateTimeField(_("visited at"))
    route = models.CharField(_("route walked"), max_length=300, blank=True)
    notes = models.TextField(_("inspection notes"), blank=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site} {self.visited_at:%Y-%m-%d}"


class Hazard(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("inspection")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("site")
    )
    description = models.CharField(_("hazard"), max_length=300)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HazardStatus.choices,
        default=HazardStatus.OPEN,
        db_index=True,
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("rectified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("rectify by"), null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True, verbose_name=_("assigned at"))
    assigned_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    rectified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rectified at"))
    rectified_note = models.CharField(_("what was done"), max_length=300, blank=True)
    # When the assignee and the inspector were told the deadline had passed (once).
    overdue_told_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("overdue notice sent at")
    )

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["status", "deadline", "id"]

    def __str__(self) -> str:
        return self.description
