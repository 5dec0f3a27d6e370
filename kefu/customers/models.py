"""The customer archive (客户档案): customers, contacts, contracts, claims, blacklist, history.

Only :mod:`kefu.customers.services` writes these rows; the models hold fields,
constraints and small properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not given")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    UNKNOWN = "", _("Not given")
    PRIMARY = "primary", _("Primary school")
    SECONDARY = "secondary", _("Secondary school")
    COLLEGE = "college", _("College")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


class CustomerClass(models.TextChoices):
    """R-CUS-2: class by purchase status."""

    POTENTIAL = "potential", _("Potential customer")
    INTENDED = "intended", _("Intended customer")
    # A context of its own: followups says "Owner" of the person responsible (负责人).
    OWNER = "owner", pgettext_lazy("customer class", "Owner")


class FirstGrade(models.TextChoices):
    """R-CUS-3: grade by value; A are the key customers."""

    NONE = "", _("Not graded")
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class SecondGrade(models.TextChoices):
    """R-CUS-3: grade by relationship and risk."""

    NONE = "", _("Not graded")
    STABLE = "stable", _("Stable")
    NORMAL = "normal", _("Normal")
    WATCH = "watch", _("Watch")
    RISK = "risk", _("Risk")


class Credit(models.TextChoices):
    UNKNOWN = "", _("Not rated")
    GOOD = "good", _("Good")
    NORMAL = "normal", _("Normal")
    POOR = "poor", _("Poor")


class Customer(models.Model):
    """One customer: a person or an organisation, with every field group of R-CUS-1."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    # Demographics
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    job_title = models.CharField(_("position held"), max_length=100, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    income_band = models.CharField(_("income band"), max_length=50, blank=True)
    family_structure = models.CharField(_("family structure"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    phone_alt = models.CharField(_("other phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    id_number = models.CharField(
        _("ID number"),
        max_length=18,
        blank=True,
        db_index=True,
        help_text=_(
            "Resident ID number for a person, unified social credit code for an organisation."
        ),
    )
    # Psychographics: tags and notes
    personality_notes = models.TextField(_("personality"), blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    purchase_attitude = models.TextField(_("purchase attitude"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    visit_reactions = models.TextField(_("reactions at visits"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Purchase intent
    purchase_intent = models.TextField(_("purchase intent"), blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Class, grades, credit
    customer_class = models.CharField(
        _("class"), max_length=16, choices=CustomerClass.choices, default=CustomerClass.POTENTIAL
    )
    first_grade = models.CharField(
        _("value grade"), max_length=1, choices=FirstGrade.choices, blank=True, db_index=True
    )
    second_grade = models.CharField(
        _("relationship grade"), max_length=8, choices=SecondGrade.choices, blank=True
    )
    credit = models.CharField(_("credit"), max_length=8, choices=Credit.choices, blank=True)
    # Who serves it
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_customers",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("serving department"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Normalised name, phones, company, address and ID: what search matches (R-CUS-9).
    search_text = models.TextField(
        editable=False, blank=True, default="", verbose_name=_("search text")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [models.Index(fields=["department", "merged_into"], name="cus_dept_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class Contact(models.Model):
    """A person to talk to at an organisation customer (R-CUS-1)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    job_title = models.CharField(_("position held"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class ContractStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")


class Contract(models.Model):
    """A contract or project (R-CUS-7); its delivery date drives callbacks (R-FUP-1)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("signed on"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.SIGNED
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
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
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="cus_contract_amount_gte0"
            )
        ]

    def __str__(self) -> str:
        return self.number


class Claim(models.Model):
    """A claim and the compensation paid against a contract (R-CUS-6 reads these)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="claims"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="claims"
    )
    claimed_on = models.DateField(_("claimed on"), db_index=True)
    amount_claimed = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)
    description = models.TextField(_("description"), blank=True)
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
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.claimed_on}"


class BlacklistEntry(models.Model):
    """R-CUS-5: why, who approved, until when; lifting is recorded, never deleted."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="blacklist"
    )
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("listed at"), default=timezone.now, editable=False)
    until = models.DateField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lift_reason = models.TextField(_("why lifted"), blank=True)

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer}"

    def is_active_on(self, day) -> bool:
        return self.lifted_at is None and (self.until is None or self.until >= day)


class ClassChange(models.Model):
    """R-CUS-2: every change of class, and the contract that caused it."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="class_changes", verbose_name=_("customer")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))
    from_class = models.CharField(
        max_length=16, choices=CustomerClass.choices, blank=True, verbose_name=_("class before")
    )
    to_class = models.CharField(
        max_length=16, choices=CustomerClass.choices, verbose_name=_("class after")
    )
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason"))
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contract"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("class change")
        verbose_name_plural = _("class changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_class or '-'} -> {self.to_class}"


class GradingRunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")


class GradingRun(models.Model):
    """R-CUS-3: one proposal of grades for every customer, approved by a supervisor."""

    status = models.CharField(
        max_length=16,
        choices=GradingRunStatus.choices,
        default=GradingRunStatus.PROPOSED,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    key_share_percent = models.DecimalField(
        max_digits=5, decimal_places=2, verbose_name=_("key customers' share (%)")
    )

    class Meta:
        verbose_name = _("grading run")
        verbose_name_plural = _("grading runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d}"


class GradeProposal(models.Model):
    run = models.ForeignKey(
        GradingRun,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("grading run"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    value = models.DecimalField(max_digits=16, decimal_places=2, verbose_name=_("customer value"))
    old_first = models.CharField(max_length=1, blank=True, verbose_name=_("value grade before"))
    first_grade = models.CharField(
        max_length=1, choices=FirstGrade.choices, verbose_name=_("proposed value grade")
    )
    old_second = models.CharField(
        max_length=8, blank=True, verbose_name=_("relationship grade before")
    )
    second_grade = models.CharField(
        max_length=8, choices=SecondGrade.choices, verbose_name=_("proposed relationship grade")
    )
    reason = models.CharField(max_length=300, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("grade proposal")
        verbose_name_plural = _("grade proposals")
        ordering = ["-value", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="cus_proposal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.customer_id}: {self.first_grade} {self.second_grade}"


class GradeChange(models.Model):
    """R-CUS-3: the grade history of a customer."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="grade_changes", verbose_name=_("customer")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("changed at"))
    field = models.CharField(
        max_length=16, verbose_name=_("grade changed")
    )  # "first_grade" or "second_grade"
    from_grade = models.CharField(max_length=8, blank=True, verbose_name=_("grade before"))
    to_grade = models.CharField(max_length=8, blank=True, verbose_name=_("grade after"))
    reason = models.CharField(max_length=300, blank=True, verbose_name=_("reason"))
    run = models.ForeignKey(
        GradingRun,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grading run"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.field}: {self.from_grade or '-'} -> {self.to_grade}"

    @staticmethod
    def label(field: str, grade: str) -> str:
        if not grade:
            return "—"
        return str(SecondGrade(grade).label) if field == "second_grade" else grade

    @property
    def from_label(self) -> str:
        return self.label(self.field, self.from_grade)

    @property
    def to_label(self) -> str:
        return self.label(self.field, self.to_grade)


class TimelineEvent(models.Model):
    """One line of a customer's timeline (R-CUS-8); written only through events.py."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="timeline", verbose_name=_("customer")
    )
    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("time"))
    kind = models.CharField(max_length=40, verbose_name=_("kind"))
    summary = models.CharField(max_length=300, verbose_name=_("summary"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    link_type = models.CharField(max_length=100, blank=True, verbose_name=_("linked record type"))
    link_id = models.CharField(max_length=64, blank=True, verbose_name=_("linked record ID"))
    link_url = models.CharField(max_length=300, blank=True, verbose_name=_("link"))

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["customer", "at"], name="cus_timeline_idx")]

    def __str__(self) -> str:
        return self.summary


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    INVALID = "invalid", _("Bad rows found")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class CustomerImport(models.Model):
    """An import from the page (R-CUS-10), run by the worker; the page polls its progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    file_name = models.CharField(max_length=200, verbose_name=_("file name"))
    content = models.BinaryField(verbose_name=_("file content"))
    good_rows_only = models.BooleanField(default=False, verbose_name=_("import the good rows only"))
    department = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    status = models.CharField(
        max_length=16,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
        verbose_name=_("status"),
    )
    total = models.PositiveIntegerField(default=0, verbose_name=_("rows in total"))
    done = models.PositiveIntegerField(default=0, verbose_name=_("rows done"))
    created_count = models.PositiveIntegerField(default=0, verbose_name=_("customers created"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    headers_json = models.JSONField(default=list, blank=True, verbose_name=_("column headings"))
    message = models.TextField(blank=True, verbose_name=_("message"))

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class QualityList(models.Model):
    """R-CUS-4: the monthly high- and poor-quality lists, kept as they were that month."""

    month = models.DateField(_("month"), unique=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    # [{"id", "name", "grade", "department_id", "reasons": [...]}]
    high = models.JSONField(default=list, verbose_name=_("high-quality customers"))
    poor = models.JSONField(default=list, verbose_name=_("poor-quality customers"))

    class Meta:
        verbose_name = _("monthly quality list")
        verbose_name_plural = _("monthly quality lists")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
