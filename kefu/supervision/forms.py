"""Page forms of service supervision; each one's data goes straight to a service function."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.org.models import User
from kefu.supervision.models import Perspective, WalkthroughKind

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str | None) -> dt.date | None:
    """The first day of a month written YYYY-MM, or None when it is not one."""
    match = MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EntryForm(forms.Form):
    occurred_at = forms.DateTimeField(
        label=_("Time of the event"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty for now. The entry belongs to the calendar day of this time."),
    )
    what = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    action = forms.CharField(
        label=_("Action taken"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    ticket_number = forms.CharField(label=_("Linked ticket number"), max_length=24, required=False)
    incident_ref = forms.CharField(label=_("Incident number"), max_length=40, required=False)
    corrects = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SignForm(forms.Form):
    note = forms.CharField(
        label=_("Sign-off remark"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DrawForm(forms.Form):
    month = forms.CharField(
        label=_("Month (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def clean_month(self):
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM."))
        return month


class ReviewForm(forms.Form):
    in_order = forms.TypedChoiceField(
        label=_("Review"),
        choices=[("1", _("in order")), ("0", _("not in order"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(label=_("Review finding"), max_length=4000, required=False)


class WeeklyForm(forms.Form):
    comments = forms.CharField(
        label=_("Service summary and customer feedback"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The week's service and what customers reported, for the Friday meeting."),
    )


class WalkthroughForm(forms.Form):
    process = forms.CharField(label=_("Process walked"), max_length=200)
    kind = forms.ChoiceField(label=_("Walk-through kind"), choices=WalkthroughKind.choices)
    perspective = forms.ChoiceField(label=_("Perspective"), choices=Perspective.choices)
    walked_on = forms.DateField(label=_("Walked on"), widget=DateInput())
    findings = forms.CharField(
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One finding per line."),
    )
    summary = forms.CharField(
        label=_("Walk-through summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_findings(self):
        return [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class FixForm(forms.Form):
    action = forms.CharField(
        label=_("Fix to make"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=User.objects.filter(is_active=True).order_by("username")
    )
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    finding = forms.ChoiceField(label=_("For finding"), required=False)

    def __init__(self, *args, walkthrough=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")]
        if walkthrough is not None:
            choices += [(str(f.pk), f.text[:60]) for f in walkthrough.findings.all()]
        self.fields["finding"].choices = choices


class FixNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)
