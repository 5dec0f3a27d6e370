from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.customers.masking import PERSONAL_FIELDS
from kefu.customers.models import Customer, CustomerClass
from kefu.org.models import Department, User

FORM_FIELDS = [
    "kind", "name", "gender", "birth_date", "age", "education", "occupation", "job_title",
    "company", "industry", "income_band", "family_structure", "address", "phone", "phone_alt",
    "email", "id_number", "personality_notes", "interests", "purchase_attitude", "requirements",
    "visit_reactions", "tags", "purchase_intent", "source", "customer_class", "credit",
]  # fmt: skip


class CustomerForm(forms.Form):
    """Every field group of R-CUS-1. On edit, personal fields start empty (R-SEC-1):
    the page never holds the clear value; typing a new one replaces it."""

    def __init__(self, *args, customer: Customer | None = None, personal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Customer, fields=FORM_FIELDS))
        for name in ("interests", "tags"):
            self.fields[name] = forms.CharField(
                label=Customer._meta.get_field(name).verbose_name,
                required=False,
                help_text=_("Separate words with commas."),
            )
        self.fields["birth_date"].widget = DateInput()
        self.fields["customer_class"].choices = [
            c for c in CustomerClass.choices if c[0] != CustomerClass.OWNER
        ] + (
            [(CustomerClass.OWNER, CustomerClass.OWNER.label)]
            if customer and customer.customer_class == CustomerClass.OWNER
            else []
        )
        self.fields["department"] = forms.ModelChoiceField(
            label=_("Serving department"), queryset=Department.objects.filter(is_active=True)
        )
        self.fields["manager"] = forms.ModelChoiceField(
            label=_("Customer manager"),
            queryset=User.objects.filter(
                is_active=True, role_rows__role="customer_manager"
            ).distinct(),
            required=False,
        )
        self.editing = customer is not None
        if customer is not None:
            for name in PERSONAL_FIELDS:
                field = self.fields[name]
                field.required = False
                field.help_text = _("Now: %(v)s. Leave empty to keep it.") % {
                    "v": (personal or {}).get(name) or "—"
                }
        for name in ("id_number", "phone", "phone_alt"):
            # The service validates and normalises these, naming the field on failure.
            self.fields[name].validators = []

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("department")
        data.pop("manager")
        for name in ("interests", "tags"):
            data[name] = data.get(name) or ""
        if self.editing:
            for name in PERSONAL_FIELDS:
                if not data.get(name):
                    data.pop(name, None)
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    job_title = forms.CharField(label=_("Position held"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("Main contact"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)


class ContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    delivered_on = forms.DateField(label=_("Delivered on"), required=False, widget=DateInput())


class DeliverForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ClaimForm(forms.Form):
    claimed_on = forms.DateField(label=_("Claimed on"), widget=DateInput())
    amount_claimed = forms.DecimalField(
        label=_("Amount claimed"), max_digits=14, decimal_places=2, min_value=0
    )
    amount_paid = forms.DecimalField(
        label=_("Amount paid"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)


class BlacklistForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for no end date."),
    )


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(
        label=_("Duplicate customer number (merged into this one)"), min_value=1
    )
    reason = forms.CharField(label=_("Reason"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    department = forms.ModelChoiceField(
        label=_("Serving department"), queryset=Department.objects.filter(is_active=True)
    )
    good_rows_only = forms.BooleanField(
        label=_("Import the good rows even if some rows are bad"), required=False
    )

    def clean_file(self):
        """Size and type of the upload (docs/reliability.md, Web security)."""
        from kefu.core.uploads import form_check

        upload = self.cleaned_data["file"]
        form_check(upload, "customer_import")
        return upload
