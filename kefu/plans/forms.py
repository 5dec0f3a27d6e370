"""Page forms of plans; each one's data goes straight to a service function."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.customers.models import Customer, CustomerClass
from kefu.org.models import Department, User
from kefu.org.roles import Role

BUDGET_HELP = _("One item per line: what it is for, then the amount in yuan, e.g. 广告投放 50000")


def parse_budget(text: str) -> list[dict] | str:
    """Lines "item amount" into budget items; a message naming the bad line otherwise."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        item, _sep, amount = line.rpartition(" ")
        if not item.strip():
            return _("Budget line %(n)d: give what it is for and the amount.") % {"n": n}
        items.append({"item": item.strip(), "amount": amount})
    return items


class TermsForm(forms.Form):
    """R-PLN-1: the terms of a plan."""

    amount = forms.DecimalField(
        label=_("Project amount (yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    financial_instruments = forms.CharField(
        label=_("Financial instruments"), widget=forms.Textarea(attrs={"rows": 3})
    )
    supply_cycle = forms.CharField(label=_("Supply cycle"), max_length=200)
    payment_method = forms.CharField(label=_("Collection method"), max_length=200)
    payment_period = forms.CharField(label=_("Collection period"), max_length=200)
    other_terms = forms.CharField(
        label=_("Other contract terms"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    budget = forms.CharField(
        label=_("Budget items"),
        required=False,
        help_text=BUDGET_HELP,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_budget(self):
        parsed = parse_budget(self.cleaned_data.get("budget", ""))
        if isinstance(parsed, str):
            raise forms.ValidationError(parsed)
        return parsed

    def terms(self) -> dict:
        data = dict(self.cleaned_data)
        data["budget_items"] = data.pop("budget")
        for key in ("title", "customer", "reason"):
            data.pop(key, None)
        return data


class CustomerChoiceField(forms.ModelChoiceField):
    """A customer shown by name (and masked phone), never by its database id."""

    def label_from_instance(self, obj):
        from kefu.customers.masking import mask

        phone = mask("phone", obj.phone)
        return f"{obj.name}（{phone}）" if phone else obj.name


class PlanForm(TermsForm):
    # R-PLN-1: a plan is drafted for one customer, chosen by name. Not a list of every
    # customer (the archive holds millions, R-CUS-9): the customer page's "draft a plan"
    # button fills it in, or the page's search lists the matches to choose from.
    customer = CustomerChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.none(),
        empty_label=None,
        help_text=_("Start from the customer's page, or find the customer by name or phone above."),
    )
    title = forms.CharField(label=_("Plan title"), max_length=200)
    field_order = ["customer", "title"]

    def __init__(self, *args, user=None, query: str = "", **kwargs):
        from kefu.customers.selectors import customer_search, customers_visible

        super().__init__(*args, **kwargs)
        if user is None:
            return
        visible = customers_visible(user).filter(merged_into__isnull=True)
        # Validation checks against every customer the user may see; the choices shown are
        # only the one chosen (read-only) or the matches of the search.
        self.fields["customer"].queryset = visible
        chosen = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        shown = visible.none()
        if chosen and str(chosen).isdigit():
            shown = visible.filter(pk=int(chosen))
        elif query.strip():
            shown = customer_search(user, query)[:20]
        self.fields["customer"].widget.choices = [
            (c.pk, self.fields["customer"].label_from_instance(c)) for c in shown
        ]
        self.chosen = shown.first() if chosen else None


class ChangeForm(TermsForm):
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2})
    )
    field_order = ["reason"]


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    signoff = forms.CharField(
        label=_("Written sign-off of the decision committee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Executing team"), queryset=Department.objects.filter(is_active=True)
    )
    lead = forms.ModelChoiceField(
        label=_("Team lead"),
        queryset=User.objects.filter(is_active=True, role_rows__role=Role.MARKETING).distinct(),
    )


class CheckpointForm(forms.Form):
    title = forms.CharField(label=_("Checkpoint"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    owner = forms.ModelChoiceField(
        label=_("Checkpoint owner"), queryset=User.objects.filter(is_active=True)
    )

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            from kefu.org.permissions import PERMISSIONS

            # R-PLN-4: only who may open the plan (plan.view) can follow its checkpoint.
            viewers = [role.value for role in PERMISSIONS["plan.view"].grants]
            self.fields["owner"].queryset = User.objects.filter(
                is_active=True,
                department__path__startswith=team.path,
                role_rows__role__in=viewers,
            ).distinct()


class ThresholdForm(forms.Form):
    customer_class = forms.ChoiceField(label=_("Customer class"), choices=CustomerClass.choices)
    up_to = forms.DecimalField(
        label=_("Amount up to (yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    chain = forms.CharField(
        label=_("Approval chain"),
        help_text=_(
            "Approver codes in order, separated by commas: cs_supervisor, director, gm, committee"
        ),
    )

    def clean_chain(self):
        return [s.strip() for s in self.cleaned_data["chain"].split(",") if s.strip()]


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Committee member"),
        queryset=User.objects.filter(
            is_active=True, role_rows__role__in=[Role.GM, Role.DIRECTOR, Role.CS_SUPERVISOR]
        ).distinct(),
    )
