from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.org.models import Department, Position
from kefu.org.roles import Role


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent department"), queryset=Department.objects.all(), required=False
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)


class PositionForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    title = forms.CharField(label=_("Position title"), max_length=100)
    duties = forms.CharField(label=_("Duties"), widget=forms.Textarea, required=False)


class StaffForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.filter(is_active=True), required=False
    )
    position = forms.ModelChoiceField(
        label=_("Position"),
        queryset=Position.objects.select_related("department"),
        required=False,
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class StaffCreateForm(StaffForm):
    username = forms.CharField(label=_("Login name"), max_length=150)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)

    field_order = ["username", "password", "full_name"]


SPAN_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class SpansForm(forms.Form):
    """R-ORG-2: the four spans of a position, 1–5 (the service checks the range again)."""

    control = forms.TypedChoiceField(
        label=_("Control span (resources it may decide on)"), choices=SPAN_CHOICES, coerce=int
    )
    responsibility = forms.TypedChoiceField(
        label=_("Responsibility span (measures it answers for)"), choices=SPAN_CHOICES, coerce=int
    )
    influence = forms.TypedChoiceField(
        label=_("Influence span (network it must work through)"), choices=SPAN_CHOICES, coerce=int
    )
    support = forms.TypedChoiceField(
        label=_("Support span (help it can expect from others)"), choices=SPAN_CHOICES, coerce=int
    )
    reason = forms.CharField(label=_("Reason for the rating"), required=False, max_length=300)
