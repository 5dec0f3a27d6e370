"""Tickets (工单): every recorded customer matter, its contacts, hand-offs and history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.tickets.states import OPEN_STATE_VALUES, OPEN_STATES, State


class Kind(models.TextChoices):
    """R-TIC-1: the kinds of matter."""

    INQUIRY = "inquiry", _("inquiry")
    SERVICE_REQUEST = "service_request", _("service request")
    COMPLAINT = "complaint", _("complaint")
    FAULT = "fault", _("fault")
    DEMAND = "demand", _("demand")
    SUGGESTION = "suggestion", _("suggestion")


class Channel(models.TextChoices):
    """R-TIC-1, R-CH-1: where the contact came in."""

    PHONE = "phone", _("phone")
    WEB = "web", _("web")
    WALK_IN = "walk_in", _("walk-in")
    EMAIL = "email", _("email")
    STORE = "store", _("store")
    OTHER = "other", _("other")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    URGENT = "urgent", _("urgent")


class Clock(models.TextChoices):
    BUSINESS = "business", _("business hours on the work calendar")
    ALWAYS = "always", _("around the clock (7×24)")


class ComplaintCategory(models.Model):
    """A node of the complaint category tree the supervisor keeps (R-TIC-7 hot spots)."""

    name = models.CharField(_("category name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent category"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["parent_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="tic_category_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class TimeLimit(models.Model):
    """Response and resolution targets for one kind and priority (R-TIC-6)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("respond within (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolve within (minutes)"))
    clock = models.CharField(_("counted"), max_length=10, choices=Clock.choices)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        ordering = ["kind", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "priority"], name="tic_timelimit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.priority}"


class FeeItem(models.Model):
    """One line of the fee schedule (收费标准) for paid services (R-TIC-8)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("service name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20, default="次")
    price = models.DecimalField(_("price (yuan)"), max_digits=10, decimal_places=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee schedule")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.price}/{self.unit}"


class Ticket(models.Model):
    number = models.CharField(_("ticket number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    is_major = models.BooleanField(_("major matter"), default=False)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what happened"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    phone = models.CharField(_("caller's phone"), max_length=20, blank=True, db_index=True)
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("complaint category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    # R-TIC-2: recorded once at creation, never changed.
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first responder"),
        on_delete=models.PROTECT,
        related_name="first_responded_tickets",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_tickets",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True
    )
    paused_from = models.CharField(max_length=16, blank=True, verbose_name=_("paused in state"))
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_at_first_contact = models.BooleanField(_("resolved at first contact"), default=False)
    # R-TIC-4
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat contact of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    repeat_contacts = models.PositiveIntegerField(_("repeat contacts"), default=0)
    # R-TIC-6: due times are stored so overdue lists are plain indexed queries.
    clock = models.CharField(_("counted"), max_length=10, choices=Clock.choices)
    response_due = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    resolution_due = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True, verbose_name=_("paused since"))
    paused_seconds = models.PositiveIntegerField(_("paused (seconds)"), default=0)
    response_breached = models.BooleanField(_("response late"), default=False)
    resolution_breached = models.BooleanField(_("resolution late"), default=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # R-TIC-9
    department_transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    # R-TIC-7
    callback_at = models.DateTimeField(_("callback made at"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("callback made by"),
    )
    callback_reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    callback_satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True
    )
    callback_note = models.TextField(_("callback notes"), blank=True)
    # R-TIC-8
    appointment_at = models.DateTimeField(_("agreed visit time"), null=True, blank=True)
    appointment_kept_at = models.DateTimeField(_("visited at"), null=True, blank=True)
    appointment_missed = models.BooleanField(_("appointment missed"), default=False)
    charged_total = models.DecimalField(
        _("charged (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    paid_total = models.DecimalField(
        _("paid (yuan)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    split_from = models.ForeignKey(
        "self",
        verbose_name=_("split from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_into",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # R-TIC-10: every change names the version the person saw.
    version = models.PositiveIntegerField(default=1, verbose_name=_("version"))
    updated_at = models.DateTimeField(default=timezone.now, verbose_name=_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    idempotency_key = models.CharField(
        max_length=100, blank=True, verbose_name=_("idempotency key")
    )

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state", "created_at"], name="tic_dept_state_idx"),
            models.Index(fields=["customer", "state"], name="tic_customer_state_idx"),
            models.Index(fields=["first_responder", "state"], name="tic_fr_state_idx"),
            models.Index(fields=["owner", "state", "created_at"], name="tic_owner_state_idx"),
            # The "department" and "mine" queues: open tickets newest first, read in index
            # order so the first page stops after 50 rows (issue 9).
            models.Index(
                fields=["department", "-created_at", "-id"],
                condition=models.Q(state__in=OPEN_STATE_VALUES),
                name="tic_dept_open_idx",
            ),
            models.Index(
                fields=["owner", "-created_at", "-id"],
                condition=models.Q(state__in=OPEN_STATE_VALUES),
                name="tic_owner_open_idx",
            ),
            models.Index(fields=["closed_at"], name="tic_closed_idx"),
            models.Index(fields=["resolved_at"], name="tic_resolved_idx"),
            # KPIs and reports count a department's tickets of a period (kefu.reports): the
            # flags they count are in the index, so the count never reads the table.
            models.Index(
                fields=[
                    "department",
                    "created_at",
                    "kind",
                    "resolved_at_first_contact",
                    "repeat_of",
                    "resolved_at",
                    "response_breached",
                    "resolution_breached",
                ],
                name="tic_dept_created_kpi_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["first_responder", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="tic_idempotency_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # R-TIC-7: a complaint called back waits in the callback state for whoever closes it;
    # it no longer waits for a callback, and lists must not say it does.
    CALLED_BACK = "callback_done"

    @property
    def state_label(self) -> str:
        return state_label(self.state, self.callback_at)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventKind(models.TextChoices):
    CREATED = "created", _("ticket recorded")
    STATE = "state", _("state changed")
    HANDOFF = "handoff", _("handed off")
    HANDOFF_ACCEPTED = "handoff_accepted", _("hand-off accepted")
    HANDOFF_REJECTED = "handoff_rejected", _("hand-off rejected")
    ARBITRATION = "arbitration", _("sent to arbitration")
    ARBITRATED = "arbitrated", _("arbitrated")
    CONTACT = "contact", _("customer contact")
    REPEAT = "repeat", _("repeat contact")
    COMMENT = "comment", _("note")
    RESOLVED = "resolved", _("resolved")
    CALLBACK = "callback", _("callback recorded")
    ESCALATED = "escalated", _("escalated")
    BREACH = "breach", _("time limit missed")
    APPOINTMENT = "appointment", _("appointment")
    CHARGE = "charge", _("charge")
    PAYMENT = "payment", _("payment")
    MERGED = "merged", _("merged")
    SPLIT = "split", _("split")


class TicketEvent(models.Model):
    """The ticket's history: one row per thing that happened, shown as its timeline."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, verbose_name=_("event"))
    from_state = models.CharField(max_length=16, blank=True, verbose_name=_("state before"))
    to_state = models.CharField(max_length=16, blank=True, verbose_name=_("state after"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="tic_event_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @staticmethod
    def _label(state: str) -> str:
        return State(state).label if state in State.values else state

    @property
    def from_label(self) -> str:
        return self._label(self.from_state)

    @property
    def to_label(self) -> str:
        return self._label(self.to_state)


class HandoffStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the receiver")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Handoff(models.Model):
    """The work contact form (工作联络单): what, why and by when, to a department or person."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="handoffs", verbose_name=_("ticket")
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed off by"),
    )
    from_department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("from department"),
    )
    to_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("to department"),
        on_delete=models.PROTECT,
        related_name="handoffs_received",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handoffs_received",
    )
    what = models.TextField(_("what is to be done"))
    why = models.TextField(_("why"))
    due_by = models.DateTimeField(_("by when"))
    filed_after = models.BooleanField(_("filed after solving (先解决后补单)"), default=False)
    status = models.CharField(
        max_length=10,
        choices=HandoffStatus.choices,
        default=HandoffStatus.PENDING,
        verbose_name=_("status"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responded by"),
    )
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("responded at"))
    reject_reason = models.TextField(_("why rejected"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("work contact form")
        verbose_name_plural = _("work contact forms")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket.number} → {self.to_department}"


class Charge(models.Model):
    """A paid service charged on a ticket from the fee schedule (R-TIC-8)."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="charges", verbose_name=_("ticket")
    )
    item = models.ForeignKey(
        FeeItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("fee item")
    )
    quantity = models.DecimalField(max_digits=8, decimal_places=2, verbose_name=_("quantity"))
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, verbose_name=_("unit price"))
    amount = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("amount"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("charge line")
        verbose_name_plural = _("charge lines")

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"


class Payment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="payments", verbose_name=_("ticket")
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, verbose_name=_("amount"))
    method = models.CharField(max_length=20, verbose_name=_("payment method"))
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        verbose_name = _("payment received")
        verbose_name_plural = _("payments received")

    def __str__(self) -> str:
        return f"{self.ticket_id} ¥{self.amount}"


CALLED_BACK_LABEL = _("callback recorded, ready to close")


def state_label(state: str, callback_at) -> str:
    """R-TIC-7: a ticket's state as lists show it; a complaint in the callback state that was
    already called back reads "called back, ready to close"."""
    from kefu.tickets.states import State

    if state == State.CALLBACK and callback_at is not None:
        return str(CALLED_BACK_LABEL)
    return str(State(state).label)
