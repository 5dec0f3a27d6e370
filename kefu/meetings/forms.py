"""Page forms of meeting services; each one's data goes straight to a service function."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.meetings.models import (
    EquipmentKind,
    Fault,
    FaultStatus,
    MaintenanceKind,
    Room,
    RoomKind,
)
from kefu.org.models import Department, User
from kefu.org.roles import Role

_DT = {"type": "datetime-local"}
_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _moment(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=_DT_FORMATS,
        widget=forms.DateTimeInput(attrs=_DT, format="%Y-%m-%dT%H:%M"),
    )


def _staff(role: Role, label, required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=User.objects.filter(is_active=True, role_rows__role=role).distinct(),
        required=required,
    )


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(
        label=_("Meeting room"), queryset=Room.objects.filter(is_active=True)
    )
    title = forms.CharField(label=_("Meeting title"), max_length=200)
    starts_at = _moment(_("Starts at"))
    ends_at = _moment(_("Ends at"))
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=100000)
    name_cards = forms.BooleanField(label=_("Name cards"), required=False)
    flowers = forms.BooleanField(label=_("Flowers"), required=False)
    tea = forms.BooleanField(label=_("Tea"), required=False)
    audio = forms.BooleanField(label=_("Audio"), required=False)
    video = forms.BooleanField(label=_("Video"), required=False)
    requirements = forms.CharField(
        label=_("Other requirements"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    av_lead_minutes = forms.IntegerField(
        label=_("AV test minutes before the start"),
        required=False,
        min_value=0,
        max_value=1440,
        help_text=_("Leave empty for the usual lead time."),
    )

    def __init__(self, *args, departments: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if departments:
            self.fields["department"] = forms.ModelChoiceField(
                label=_("Booking department"),
                queryset=Department.objects.filter(is_active=True),
                required=False,
                help_text=_("Leave empty to book for your own department."),
            )


class RescheduleForm(forms.Form):
    room = forms.ModelChoiceField(
        label=_("Meeting room"), queryset=Room.objects.filter(is_active=True)
    )
    starts_at = _moment(_("Starts at"))
    ends_at = _moment(_("Ends at"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why cancelled"), max_length=300)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Approval comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffForm(forms.Form):
    attendant = _staff(Role.MEETING_ATTENDANT, _("Meeting attendant"))
    av_technician = _staff(Role.AV_TECHNICIAN, _("AV technician"))
    cleaner = _staff(Role.CLEANER, _("Meeting-area cleaner"))


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=100)
    kind = forms.ChoiceField(label=_("Room type"), choices=RoomKind.choices)
    floor = forms.CharField(label=_("Floor and location"), max_length=60, required=False)
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=5000)
    department = forms.ModelChoiceField(
        label=_("Department the room belongs to"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )
    attendant = _staff(Role.MEETING_ATTENDANT, _("Dedicated attendant"))
    notes = forms.CharField(
        label=_("Room notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoomEditForm(RoomForm):
    """The room's details as they are, to change (R-MTG-1); a closed room takes no bookings."""

    is_active = forms.BooleanField(label=_("Open for booking"), required=False)

    @classmethod
    def for_room(cls, room, data=None) -> RoomEditForm:
        initial = {f: getattr(room, f) for f in ("name", "kind", "floor", "capacity", "notes")}
        initial.update(
            department=room.department_id, attendant=room.attendant_id, is_active=room.is_active
        )
        return cls(data, initial=initial, prefix="room")


class RetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is retired"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class EquipmentForm(forms.Form):
    name = forms.CharField(label=_("Equipment name"), max_length=100)
    kind = forms.ChoiceField(label=_("Equipment type"), choices=EquipmentKind.choices)
    model = forms.CharField(label=_("Brand and model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=60, required=False)
    installed_on = forms.DateField(label=_("Installed on"), required=False, widget=DateInput())


class FaultForm(forms.Form):
    description = forms.CharField(
        label=_("What is wrong"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MaintenanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Maintenance type"), choices=MaintenanceKind.choices)
    done_on = forms.DateField(label=_("Maintained on"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("Work done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    fault = forms.ModelChoiceField(
        label=_("Fault fixed"), queryset=Fault.objects.none(), required=False
    )

    def __init__(self, *args, equipment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if equipment is not None:
            self.fields["fault"].queryset = equipment.faults.filter(status=FaultStatus.OPEN)
