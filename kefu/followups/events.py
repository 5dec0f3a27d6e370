"""Lines on the customer timeline (R-CUS-8) for callbacks, campaign contacts and surveys."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers import events as customer_events
from kefu.followups.models import FollowUp, Kind, Status


def url(followup: FollowUp) -> str:
    return reverse("followups:detail", args=[followup.pk])


def followup_recorded(followup: FollowUp, *, actor) -> None:
    if followup.customer_id is None:
        return
    if followup.status == Status.DONE:
        text = _("%(kind)s made: satisfaction %(s)s. %(notes)s") % {
            "kind": followup.get_kind_display(),
            "s": followup.satisfaction if followup.satisfaction is not None else "—",
            "notes": followup.notes,
        }
    else:
        text = _("%(kind)s: customer not reached. %(notes)s") % {
            "kind": followup.get_kind_display(),
            "notes": followup.notes,
        }
    if followup.kind == Kind.CAMPAIGN and followup.gift:
        text += " " + _("Gift: %(g)s") % {"g": followup.gift}
    kind = customer_events.Kind.CALLBACK
    customer_events.linked_event(
        followup.customer, kind=kind, summary=text, actor=actor, link=followup, url=url(followup)
    )


def survey_answered(response, *, actor=None) -> None:
    gap = "—" if response.gap is None else f"{response.gap:+.2f}"
    text = _("Survey answered (%(way)s): %(title)s, perceived − expected %(gap)s") % {
        "way": response.get_way_display(),
        "title": response.survey.title,
        "gap": gap,
    }
    customer_events.linked_event(
        response.customer,
        kind=customer_events.Kind.SURVEY,
        summary=text,
        actor=actor,
        link=response,
        url=reverse("followups:survey_results", args=[response.survey_id]),
    )
