"""Page forms of follow-ups; each one's data goes straight to a service function."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import CustomerClass, FirstGrade
from kefu.followups.models import QuestionKind
from kefu.tickets.models import Kind as TicketKind

GRADES = [(g, g) for g in FirstGrade.values if g]


class RecordForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Customer reached"),
        choices=[("1", _("yes")), ("0", _("no"))],
        coerce=lambda v: v == "1",
        initial="1",
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}))
    issue = forms.CharField(
        label=_("Issue raised (becomes a ticket)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    issue_kind = forms.ChoiceField(
        label=_("Ticket kind of the issue"),
        choices=TicketKind.choices,
        initial=TicketKind.SERVICE_REQUEST,
        required=False,
    )

    def __init__(self, *args, campaign: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign:
            self.fields["demand_plan"] = forms.CharField(
                label=_("Next year's demand plan"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields["gift"] = forms.CharField(
                label=_("Gift sent"), required=False, max_length=200
            )


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Demand year"))
    grades = forms.MultipleChoiceField(
        label=_("Grades"), choices=GRADES, widget=forms.CheckboxSelectMultiple
    )


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One question a line, starting with its kind: scale (1–5), nps (0–10), "
            "pair (expected and perceived) or text; e.g. “pair: How fast was the repair?”. "
            "End a line with * to make the question optional."
        ),
    )

    def clean_questions(self) -> list[dict]:
        rows = []
        for n, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            kind, sep, text = line.partition(":")
            kind = kind.strip().lower()
            if not sep or kind not in QuestionKind.values:
                raise forms.ValidationError(
                    _("Line %(n)d: start with scale:, nps:, pair: or text:") % {"n": n}
                )
            text = text.strip()
            optional = text.endswith("*")
            rows.append({"kind": kind, "text": text.rstrip("*").strip(), "required": not optional})
        if not rows:
            raise forms.ValidationError(_("Write at least one question."))
        return rows


class SendForm(forms.Form):
    customers = forms.CharField(
        label=_("Customer numbers"),
        help_text=_("The customers' record numbers (#), separated by commas or spaces."),
    )

    def clean_customers(self) -> list[int]:
        parts = self.cleaned_data["customers"].replace(",", " ").replace("，", " ").split()
        if not parts or not all(p.lstrip("#").isdigit() for p in parts):
            raise forms.ValidationError(_("Give customer numbers such as 12, 15, 31."))
        return [int(p.lstrip("#")) for p in parts]


class PhoneCustomerForm(forms.Form):
    customer = forms.IntegerField(label=_("Customer number"), min_value=1)
    ticket = forms.CharField(
        label=_("About ticket (number)"),
        required=False,
        max_length=24,
        help_text=_(
            "The ticket the call is about, if any: its kind and channel go into the results."
        ),
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    requested = forms.IntegerField(label=_("Volunteers wanted"), min_value=1, max_value=1000)
    grades = forms.MultipleChoiceField(
        label=_("Grades"), choices=GRADES, widget=forms.CheckboxSelectMultiple, required=False
    )
    classes = forms.MultipleChoiceField(
        label=_("Classes"),
        choices=CustomerClass.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    district = forms.CharField(
        label=_("District (part of the address)"), max_length=100, required=False
    )
    seed = forms.IntegerField(
        label=_("Seed of the draw"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for a new random draw; give a stored seed to repeat one."),
    )


def answers_from_post(survey, data) -> dict:
    """The answers of a filled-in survey form: q<id>, q<id>_expected, q<id>_perceived."""
    answers: dict = {}
    for q in survey.questions.all():
        key = f"q{q.pk}"
        if q.kind == QuestionKind.PAIR:
            answers[str(q.pk)] = {
                "expected": data.get(f"{key}_expected") or None,
                "perceived": data.get(f"{key}_perceived") or None,
            }
        else:
            answers[str(q.pk)] = data.get(key) or None
    return answers
