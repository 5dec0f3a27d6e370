"""Mystery customers (神秘客户, R-FUP-4): draw volunteers by criteria, collect observations.

The draw is reproducible: the candidates are ordered by id and sampled with a
``random.Random`` seeded by the stored seed, so the same seed over the same
candidates draws the same volunteers.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.customers.models import Customer, CustomerClass, FirstGrade
from kefu.errors import ValidationFailed
from kefu.followups.links import LinkGone, LinkRefused, make_token, new_nonce, read_token
from kefu.followups.models import MysteryProgramme, Volunteer
from kefu.org.permissions import check

RATINGS = ("greeting", "responsiveness", "knowledge", "environment")


def draw(candidate_ids: list[int], count: int, seed: int) -> list[int]:
    """R-FUP-4: ``count`` of the candidates at random, the same for the same seed."""
    return random.Random(seed).sample(sorted(candidate_ids), count)  # noqa: S311 - a draw, not a secret


def _candidates(grades: list[str], classes: list[str], district: str):
    customers = Customer.objects.filter(merged_into__isnull=True)
    if grades:
        customers = customers.filter(first_grade__in=grades)
    if classes:
        customers = customers.filter(customer_class__in=classes)
    if district:
        customers = customers.filter(address__contains=district)
    return customers


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    requested: int,
    grades: list[str] | None = None,
    classes: list[str] | None = None,
    district: str = "",
    seed: int | None = None,
    now: dt.datetime | None = None,
) -> MysteryProgramme:
    """R-FUP-4: set the criteria, draw the volunteers at random and store the seed."""
    check(actor, "followup.mystery")
    name, district = (name or "").strip(), (district or "").strip()
    if not name or len(name) > 200:
        raise ValidationFailed.on("name", _("Name the programme (at most 200 characters)."))
    grades, classes = sorted(set(grades or [])), sorted(set(classes or []))
    bad = [g for g in grades if g not in FirstGrade.values or not g]
    if bad:
        raise ValidationFailed.on("grades", _("Unknown grade: %(g)s") % {"g": ", ".join(bad)})
    bad = [c for c in classes if c not in CustomerClass.values]
    if bad:
        raise ValidationFailed.on("classes", _("Unknown class: %(c)s") % {"c": ", ".join(bad)})
    if isinstance(requested, bool) or not isinstance(requested, int) or not 1 <= requested <= 1000:
        raise ValidationFailed.on("requested", _("Ask for 1 to 1000 volunteers."))
    ids = list(_candidates(grades, classes, district).values_list("pk", flat=True))
    if requested > len(ids):
        raise ValidationFailed.on(
            "requested",
            _("Only %(n)d customers match the criteria; %(r)d volunteers cannot be drawn.")
            % {"n": len(ids), "r": requested},
        )
    seed = secrets.randbits(48) if seed is None else int(seed)
    now = now or timezone.now()
    programme = MysteryProgramme.objects.create(
        name=name,
        grades=grades,
        classes=classes,
        district=district,
        requested=requested,
        seed=seed,
        candidates=len(ids),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    expires = now + dt.timedelta(days=policy.get("followups.survey_link_days"))
    Volunteer.objects.bulk_create(
        Volunteer(programme=programme, customer_id=pk, nonce=new_nonce(), expires_at=expires)
        for pk in draw(ids, requested, seed)
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=programme,
        summary=_("mystery customers drawn"),
        after=snapshot(programme),
    )
    return programme


def volunteer_url(volunteer: Volunteer) -> str:
    return reverse(
        "followups:mystery_public", args=[make_token("mystery", volunteer.pk, volunteer.nonce)]
    )


def volunteer_open(token: str, *, now: dt.datetime | None = None) -> Volunteer:
    pk, nonce = read_token("mystery", token, max_age_days=policy.get("followups.survey_link_days"))
    volunteer = (
        Volunteer.objects.select_related("programme", "customer").filter(pk=pk, nonce=nonce).first()
    )
    if volunteer is None:
        raise LinkRefused(message=_("This link is not valid. Check that it was copied whole."))
    if volunteer.submitted_at is not None:
        raise LinkGone(message=_("Your observations were already received. Thank you!"))
    if volunteer.expires_at <= (now or timezone.now()):
        raise LinkGone(message=_("This link has expired."))
    return volunteer


def _rating(field: str, value) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed.on(field, _("Choose a whole number from 1 to 5."))
    return value


@transaction.atomic
def observation_submit(
    *, token: str, visited_on, findings: str, now: dt.datetime | None = None, **ratings
) -> Volunteer:
    """R-FUP-4: a volunteer records what they observed, once, through their link."""
    now = now or timezone.now()
    volunteer = volunteer_open(token, now=now)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.submitted_at is not None:
        raise LinkGone(message=_("Your observations were already received. Thank you!"))
    if isinstance(visited_on, str):
        try:
            visited_on = dt.date.fromisoformat(visited_on.strip())
        except ValueError:
            visited_on = None
    if not isinstance(visited_on, dt.date) or visited_on > timezone.localdate(now):
        raise ValidationFailed.on(
            "visited_on", _("Give the date of your visit (not in the future).")
        )
    findings = (findings or "").strip()
    if not findings:
        raise ValidationFailed.on("findings", _("Tell us what you observed."))
    unknown = set(ratings) - set(RATINGS)
    if unknown:
        raise ValidationFailed.on(sorted(unknown)[0], _("Unknown rating."))
    for field in RATINGS:
        setattr(volunteer, field, _rating(field, ratings.get(field)))
    volunteer.visited_on, volunteer.findings, volunteer.submitted_at = (
        visited_on,
        findings[:5000],
        now,
    )
    volunteer.save(update_fields=[*RATINGS, "visited_on", "findings", "submitted_at"])
    audit_record(
        actor=None,
        action=Action.UPDATE,
        target=volunteer,
        summary=_("mystery customer observations received"),
        after=snapshot(volunteer, [*RATINGS, "visited_on", "submitted_at"]),
    )
    return volunteer
