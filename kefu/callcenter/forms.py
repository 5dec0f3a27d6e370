from __future__ import annotations

from django import forms
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from kefu.callcenter.models import ImportFormat, Queue
from kefu.org.models import Department


def mapping_example() -> str:
    """The mapping box's example for the web form: the TOML keys are fixed, the comments and
    sample column names are in the user's language (the command line keeps MAPPING_EXAMPLE)."""

    return "\n".join(
        [
            "# " + gettext("Column mapping for a CSV file: which column holds each call field."),
            "[csv]",
            'delimiter = ","          # ' + gettext("one character"),
            'encoding = "utf-8"       # '
            + gettext("gb18030 for files saved by Excel on Chinese Windows"),
            "header = true            # " + gettext("the first row names the columns"),
            'time_format = "%Y-%m-%d %H:%M:%S"',
            'timezone = "+08:00"      # ' + gettext("the time zone of the times in the file"),
            "",
            "[columns]                # " + gettext("call field = column name (or column number)"),
            'key = "{}"          # {}'.format(
                pgettext("sample CSV column", "call id"), gettext("required: the call's unique id")
            ),
            'caller = "{}"         # {}'.format(
                pgettext("sample CSV column", "caller"), gettext("required")
            ),
            'enter_at = "{}"     # {}'.format(
                pgettext("sample CSV column", "start time"), gettext("required")
            ),
            'agent = "{}"'.format(pgettext("sample CSV column", "agent")),
            'talk_seconds = "{}"'.format(pgettext("sample CSV column", "talk seconds")),
            'disposition = "{}"'.format(pgettext("sample CSV column", "result")),
            "",
            "[values.disposition]     # "
            + gettext("the file's words -> answered | abandoned | busy | failed"),
            '"{}" = "answered"'.format(pgettext("sample CSV column", "answered")),
            '"{}" = "abandoned"'.format(pgettext("sample CSV column", "not answered")),
        ]
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)
    mapping = forms.CharField(
        label=_("Column mapping (TOML, for CSV only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].widget.attrs["placeholder"] = mapping_example()

    def clean_file(self):
        """Size and type of the upload (docs/reliability.md, Web security)."""
        from kefu.core.uploads import form_check

        upload = self.cleaned_data["file"]
        form_check(upload, "call_import")
        return upload


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
    shrinkage = forms.FloatField(
        label=_("Shrinkage (0–1)"), initial=0.3, min_value=0, max_value=0.99
    )
    lines = forms.IntegerField(label=_("Lines (Erlang B)"), required=False, min_value=1)


class HotlineForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    ivr_menu = forms.CharField(
        label=_("IVR menu (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": '{"1": "报修", "0": "人工服务"}'}),
    )
    department = forms.ModelChoiceField(
        label=_("Answering department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
    )


class QueueNameForm(forms.Form):
    """R-CC-5: one queue's display name (one small form per row of the settings page)."""

    queue = forms.ModelChoiceField(queryset=Queue.objects.all(), widget=forms.HiddenInput)
    display_name = forms.CharField(
        label=_("display name"),
        max_length=Queue._meta.get_field("display_name").max_length,
        required=False,
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


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class ShiftTemplateForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20, help_text=_("e.g. day, night"))
    name = forms.CharField(label=_("Shift name"), max_length=40)
    start = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        label=_("Ends"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end before the start means the next day (20:00–08:00)."),
    )
    paid_hours = forms.DecimalField(label=_("Paid hours"), max_digits=4, decimal_places=2)
    is_active = forms.BooleanField(label=_("Shift in use"), required=False, initial=True)


class LeaveForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=None)
    starts_at = forms.DateTimeField(label=_("Leave from"), widget=_DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Leave until"), widget=_DateTimeInput())
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, **kwargs):
        from kefu.callcenter.planning import roster_staff

        super().__init__(*args, **kwargs)
        from kefu.org.models import User

        ids = [u.pk for u in roster_staff()]
        self.fields["user"].queryset = User.objects.filter(pk__in=ids).order_by("username")


class OverrideForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Override from"), widget=_DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Override until"), widget=_DateTimeInput())
    calls_per_hour = forms.FloatField(label=_("Calls per hour"), required=False, min_value=0)
    aht_seconds = forms.FloatField(
        label=_("Average handle time (s)"), required=False, min_value=0.001
    )
    reason = forms.CharField(label=_("Reason"), max_length=200)
