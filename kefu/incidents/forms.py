"""Page forms of the incident pages; services do the checking that matters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.incidents.models import (
    Attendance,
    AttendeeRole,
    Kind,
    Measure,
    PartyRole,
    Severity,
    Site,
)
from kefu.org.models import Department, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _people():
    return User.objects.filter(is_active=True).order_by("full_name", "username")


# Bounds of the columns behind the form's numbers (a larger value would 500 on PostgreSQL).
SMALL_MAX = 32767  # PositiveSmallIntegerField
ID_MAX = 2**31 - 1  # a row id


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class ReportForm(forms.Form):
    """R-INC-1: the few facts a person on the spot knows, in under a minute."""

    kind = forms.ChoiceField(label=_("Incident kind"), choices=Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("Time it happened"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    site = forms.ModelChoiceField(
        label=_("Known site"), queryset=Site.objects.all(), required=False
    )
    place = forms.CharField(label=_("Incident place"), max_length=200)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3})
    )
    # The column is a PositiveSmallIntegerField: a larger number is a clear form error.
    injured_count = forms.IntegerField(
        label=_("People hurt"), min_value=0, max_value=SMALL_MAX, initial=0
    )
    injuries = forms.CharField(
        label=_("Injuries"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    first_actions = forms.CharField(
        label=_("First actions taken"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    handling_plan = forms.CharField(
        label=_("Handling plan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["occurred_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class StepForm(forms.Form):
    person = PersonChoice(label=_("Person told"), queryset=_people(), required=False)
    contact_name = forms.CharField(label=_("Or name"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("Closing summary"), widget=forms.Textarea(attrs={"rows": 2}))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False
    )


class ConcealedForm(forms.Form):
    note = forms.CharField(label=_("How the concealment came out"), max_length=300)


class PartyForm(forms.Form):
    person = PersonChoice(label=_("Person"), queryset=_people())
    role = forms.ChoiceField(label=_("Answers as"), choices=PartyRole.choices)
    reason = forms.CharField(label=_("Why"), max_length=300, required=False)


class ScheduleForm(forms.Form):
    meeting_at = forms.DateTimeField(
        label=_("Meeting time"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    meeting_place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    late_reason = forms.CharField(label=_("Why after the deadline"), max_length=300, required=False)


class AttendeeForm(forms.Form):
    person = PersonChoice(label=_("Attendee"), queryset=_people())
    role = forms.ChoiceField(label=_("Attends as"), choices=AttendeeRole.choices)


class HoldForm(forms.Form):
    minutes = forms.CharField(
        label=_("Findings of the meeting"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=ID_MAX)
    attendance = forms.ChoiceField(
        label=_("Attendance"), choices=[c for c in Attendance.choices if c[0] != "invited"]
    )
    excuse = forms.CharField(label=_("Excuse"), max_length=300, required=False)


class ReportFileForm(forms.Form):
    report_file = forms.FileField(label=_("Internal written report"))


class InjuryForm(forms.Form):
    injured_name = forms.CharField(label=_("Injured person"), max_length=100)
    note = forms.CharField(label=_("Paperwork note"), max_length=300, required=False)


class InvestigationCloseForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", "—"), *Severity.choices], required=False
    )


class SanctionForm(forms.Form):
    person = PersonChoice(label=_("Person"), queryset=_people())
    role = forms.ChoiceField(
        label=_("Answers as"), choices=[("", "—"), *PartyRole.choices], required=False
    )
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    fine_yuan = forms.DecimalField(
        label=_("Fine (yuan)"),
        initial=0,
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    deposit_percent = forms.IntegerField(label=_("Risk deposit deducted (%)"), initial=0,
                                         required=False, min_value=0, max_value=100)  # fmt: skip
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Decision note"), max_length=300, required=False)


class RuleForm(forms.Form):
    """R-INC-6: one row of the sanction table; the service refuses a negative fine."""

    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    role = forms.ChoiceField(label=_("Answers as"), choices=PartyRole.choices)
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    fine_yuan = forms.DecimalField(
        label=_("Fine (yuan)"), initial=0, min_value=0, max_digits=10, decimal_places=2
    )
    deposit_percent = forms.IntegerField(
        label=_("Risk deposit deducted (%)"), initial=0, min_value=0, max_value=100
    )
    note = forms.CharField(label=_("Rule note"), max_length=300, required=False)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Site name"), max_length=120)
    department = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Department.objects.all(), required=False
    )


class InspectionForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.all())
    visited_at = forms.DateTimeField(
        label=_("Visited at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    route = forms.CharField(label=_("Route walked"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Inspection notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    hazards = forms.CharField(
        label=_("Hazards found (one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    assignee = PersonChoice(label=_("Rectified by"), queryset=_people())
    deadline = forms.DateField(label=_("Rectify by"), widget=DateInput())


class RectifyForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300)
