from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.forms import DateTimeLocalInput
from kefu.org.models import Department, User
from kefu.tickets.models import Channel, ComplaintCategory, FeeItem, Kind, Priority


class TicketForm(forms.Form):
    customer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    phone = forms.CharField(label=_("Caller's phone"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.INQUIRY)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    title = forms.CharField(label=_("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ModelChoiceField(
        label=_("Complaint category"),
        queryset=ComplaintCategory.objects.filter(is_active=True).select_related("parent"),
        required=False,
    )
    appointment_at = forms.DateTimeField(
        label=_("Agreed visit time"), widget=DateTimeLocalInput(), required=False
    )
    is_major = forms.BooleanField(label=_("Major matter (escalate to the GM)"), required=False)
    resolve_now = forms.BooleanField(label=_("Resolved in this contact (一次办结)"), required=False)
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class HandoffForm(forms.Form):
    to_department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.filter(is_active=True)
    )
    to_user = forms.ModelChoiceField(
        label=_("To person (optional)"),
        queryset=User.objects.filter(is_active=True).select_related("department"),
        required=False,
    )
    what = forms.CharField(label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2}))
    why = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    due_by = forms.DateTimeField(label=_("By when"), widget=DateTimeLocalInput())


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))


class CallbackForm(forms.Form):
    reached = forms.BooleanField(label=_("Customer reached"), required=False, initial=True)
    satisfaction = forms.IntegerField(
        label=_("Satisfaction (1–5)"), min_value=1, max_value=5, required=False
    )
    note = forms.CharField(label=_("Callback notes"), widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why rejected"), widget=forms.Textarea(attrs={"rows": 2}))


class ArbitrateForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Department that handles it"), queryset=Department.objects.filter(is_active=True)
    )
    owner = forms.ModelChoiceField(
        label=_("Owner (optional)"),
        queryset=User.objects.filter(is_active=True),
        required=False,
    )
    decision = forms.CharField(
        label=_("Decision and reasons"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ChargeForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Service"), queryset=FeeItem.objects.filter(is_active=True), to_field_name="code"
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=0,
        max_value=999999,
        max_digits=8,
        decimal_places=2,
        initial=1,
    )


class VisitForm(forms.Form):
    """R-TIC-8: the agreed visit took place (when; now if left empty)."""

    at = forms.DateTimeField(
        label=pgettext_lazy("ticket visit", "Visited at"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Leave empty for now."),
    )


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[("现金", "现金"), ("微信", "微信"), ("支付宝", "支付宝"), ("银行卡", "银行卡")],
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=24)


class SplitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Subject"), max_length=200, required=False)
    description = forms.CharField(
        label=_("The other matter"), widget=forms.Textarea(attrs={"rows": 3})
    )
