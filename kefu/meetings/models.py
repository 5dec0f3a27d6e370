"""Meeting services (会务): rooms, bookings, their service tasks, AV equipment records.

Only the modules of ``kefu.meetings.services`` write these rows; the models hold
fields, constraints and small properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoomKind(models.TextChoices):
    CENTRE = "centre", _("meeting centre room")
    FLOOR = "floor", _("floor meeting room")
    EXECUTIVE = "executive", _("executive-floor meeting room")


class Room(models.Model):
    """A meeting room (R-MTG-1). Executive-floor rooms have a dedicated attendant."""

    name = models.CharField(_("room name"), max_length=100, unique=True)
    kind = models.CharField(_("room type"), max_length=12, choices=RoomKind.choices)
    floor = models.CharField(_("floor and location"), max_length=60, blank=True)
    capacity = models.PositiveIntegerField(pgettext_lazy("room capacity", "seats"))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department the room belongs to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attendant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dedicated attendant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attended_rooms",
    )
    is_active = models.BooleanField(_("open for booking"), default=True)
    notes = models.TextField(_("room notes"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="mtg_room_capacity"),
            models.CheckConstraint(
                condition=~Q(kind="executive") | Q(attendant__isnull=False),
                name="mtg_room_executive_attendant",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    PENDING = "pending", _("awaiting overtime approval")
    CONFIRMED = "confirmed", _("confirmed")
    REFUSED = "refused", _("overtime refused")
    CANCELLED = "cancelled", _("cancelled")


# A booking in these states holds its room: a second booking overlapping it is refused.
HOLDING = (BookingStatus.PENDING, BookingStatus.CONFIRMED)


class Booking(models.Model):
    """A department's booking of a room (R-MTG-1), with its needs and its overtime decision."""

    room = models.ForeignKey(
        Room, verbose_name=_("meeting room"), on_delete=models.PROTECT, related_name="bookings"
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("booking department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("meeting title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    attendees = models.PositiveIntegerField(pgettext_lazy("count", "attendees"))
    name_cards = models.BooleanField(_("name cards"), default=False)
    flowers = models.BooleanField(_("flowers"), default=False)
    tea = models.BooleanField(_("tea"), default=False)
    audio = models.BooleanField(_("audio"), default=False)
    video = models.BooleanField(_("video"), default=False)
    requirements = models.TextField(_("other requirements"), blank=True)
    av_lead_minutes = models.PositiveIntegerField(
        _("AV test minutes before the start"), null=True, blank=True
    )
    status = models.CharField(
        _("booking status"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
        db_index=True,
    )
    overtime = models.BooleanField(_("needs overtime (weekend or holiday)"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overtime decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("overtime decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("overtime decision comment"), blank=True)
    attendant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("meeting attendant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    av_technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("AV technician"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleaner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("meeting-area cleaner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("why cancelled"), max_length=300, blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["room", "starts_at"], name="mtg_booking_room_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="mtg_booking_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.title} ({self.room.name} {start:%Y-%m-%d %H:%M})"

    @property
    def needs(self) -> dict[str, bool]:
        return {n: getattr(self, n) for n in ("name_cards", "flowers", "tea", "audio", "video")}

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING


class Phase(models.TextChoices):
    BEFORE = "before", _("before the meeting")
    DURING = "during", _("during the meeting")
    AFTER = "after", _("after the meeting")


class Duty(models.TextChoices):
    """Who does a task; the values are the role codes of the three meeting posts."""

    ATTENDANT = "meeting_attendant", _("Meeting attendant")
    AV_TECHNICIAN = "av_technician", _("AV technician")
    CLEANER = "cleaner", _("Meeting-area cleaner")


class TaskKind(models.TextChoices):
    NAME_CARDS = "name_cards", _("Place the name cards")
    FLOWERS = "flowers", _("Arrange the flowers")
    TEA = "tea", _("Prepare tea and water")
    CLEAN_BEFORE = "clean_before", _("Clean the room before the meeting")
    AV_TEST = "av_test", _("Test the audio and video equipment")
    GREETING = "greeting", _("Greet the attendees")
    GUIDING = "guiding", _("Guide attendees and pull out chairs")
    REFILLS = "refills", _("Refill tea and water")
    AV_DUTY = "av_duty", _("Stay at the sound desk during the meeting")
    FAREWELL = "farewell", _("See the attendees off")
    CLEANUP = "cleanup", _("Clean up the room after the meeting")
    TEA_SETS = "tea_sets", _("Wash and disinfect the tea sets")
    POWER_OFF = "power_off", _("Switch off lights, audio and air conditioning")
    DOORS_WINDOWS = "doors_windows", _("Close the doors and windows")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("to do")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class MeetingTask(models.Model):
    """One service task of a booking (R-MTG-2): what, who, due when, done or not."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("room booking"), on_delete=models.PROTECT, related_name="tasks"
    )
    kind = models.CharField(_("task"), max_length=20, choices=TaskKind.choices)
    phase = models.CharField(_("phase"), max_length=8, choices=Phase.choices)
    duty = models.CharField(_("post"), max_length=20, choices=Duty.choices, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_tasks",
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    status = models.CharField(
        _("task status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
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
    note = models.CharField(_("task note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meeting service task")
        verbose_name_plural = _("meeting service tasks")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "kind"], name="mtg_task_unique_kind")
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="mtg_task_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.booking_id}"


# ---------------------------------------------------------------- AV equipment (R-MTG-4)


class EquipmentKind(models.TextChoices):
    AUDIO = "audio", _("audio system")
    MICROPHONE = "microphone", _("microphone")
    VIDEO = "video", _("video display")
    PROJECTOR = "projector", _("projector")
    VIDEO_TERMINAL = "video_terminal", _("video-conference terminal")
    NETWORK = "network", _("network equipment")
    OTHER = "other", _("other equipment")


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("in service")
    FAULTY = "faulty", _("faulty")
    RETIRED = "retired", pgettext_lazy("equipment", "retired")


class Equipment(models.Model):
    """An item of AV equipment and its record (设备档案, R-MTG-4)."""

    room = models.ForeignKey(
        Room,
        verbose_name=_("meeting room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    name = models.CharField(_("equipment name"), max_length=100)
    kind = models.CharField(_("equipment type"), max_length=16, choices=EquipmentKind.choices)
    model = models.CharField(_("brand and model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=60, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    status = models.CharField(
        _("equipment status"),
        max_length=12,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    notes = models.TextField(_("equipment notes"), blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("created at")
    )

    class Meta:
        verbose_name = _("AV equipment")
        verbose_name_plural = _("AV equipment")
        ordering = ["room__name", "name"]

    def __str__(self) -> str:
        return self.name


class FaultStatus(models.TextChoices):
    OPEN = "open", _("not fixed")
    FIXED = "fixed", _("fixed")


class Fault(models.Model):
    equipment = models.ForeignKey(
        Equipment, verbose_name=_("AV equipment"), on_delete=models.PROTECT, related_name="faults"
    )
    booking = models.ForeignKey(
        Booking,
        verbose_name=_("during the meeting"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="faults",
    )
    description = models.TextField(_("what is wrong"))
    status = models.CharField(
        _("fault status"), max_length=8, choices=FaultStatus.choices, default=FaultStatus.OPEN
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by"),
    )
    fixed_at = models.DateTimeField(_("fixed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("equipment fault")
        verbose_name_plural = _("equipment faults")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.equipment.name}: {self.description[:40]}"


class MaintenanceKind(models.TextChoices):
    PREVENTIVE = "preventive", _("routine upkeep")
    REPAIR = "repair", _("repair")


class Maintenance(models.Model):
    equipment = models.ForeignKey(
        Equipment,
        verbose_name=_("AV equipment"),
        on_delete=models.PROTECT,
        related_name="maintenance",
    )
    kind = models.CharField(_("maintenance type"), max_length=12, choices=MaintenanceKind.choices)
    done_on = models.DateField(_("maintained on"))
    description = models.TextField(_("work done"))
    fault = models.ForeignKey(
        Fault,
        verbose_name=_("fault fixed"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repairs",
    )
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
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-done_on", "-id"]

    def __str__(self) -> str:
        return f"{self.equipment.name} {self.done_on}"
