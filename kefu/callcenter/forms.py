from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.callcenter.importers import MAPPING_EXAMPLE
from kefu.callcenter.models import ImportFormat


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    mapping = forms.CharField(
        label=_("Column mapping (TOML, for CSV only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": MAPPING_EXAMPLE}),
    )


class StaffingForm(forms.Form):
    calls = forms.FloatField(label=_("Calls per interval"), min_value=0.001)
    aht = forms.FloatField(label=_("Average handle time (s)"), min_value=0.001)
    interval = forms.IntegerField(label=_("Interval (min)"), initial=30, min_value=1)
    target_sl = forms.FloatField(
        label=_("Service level target (0–1)"), required=False, min_value=0, max_value=1
    )
    target_seconds = forms.FloatField(label=_("Within seconds"), initial=20, min_value=0)
    agents = forms.IntegerField(label=_("Or evaluate agents"), required=False, min_value=0)
    patience = forms.FloatField(
        label=_("Mean patience (s), for Erlang A"), required=False, min_value=0.001
    )
    shrinkage = forms.FloatField(label=_("Shrinkage (0–1)"), initial=0.3, min_value=0)
    lines = forms.IntegerField(label=_("Lines (Erlang B)"), required=False, min_value=1)


class HotlineForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    ivr_menu = forms.CharField(
        label=_("IVR menu (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": '{"1": "报修", "0": "人工服务"}'}),
    )


class BlockedForm(forms.Form):
    numbers = forms.CharField(
        label=_("Blocked numbers, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ExtensionForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    extension = forms.CharField(
        label=_("Extension or PBX agent name (blank removes it)"), max_length=64, required=False
    )

    def __init__(self, *args, **kwargs):
        from kefu.org.models import User

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by("username")
