"""Every write to the duty log (值班记录), its daily sign-off and the director's monthly sample.

R-SUP-1: duty operators log each shift; the supervisor signs each day (签字确认); the
director samples at least 20% of the month's entries at random, reviews and signs them.
R-SEC-4: a signed day is frozen; a correction is a new entry referring to the old one.

The day of an entry is the local calendar day of its event time (see models.py); a day
is signed only once it is over, so no shift can add to a day after its sign-off.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu import policy
from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.periods import next_month, storable_local
from kefu.errors import Conflict, PermissionDenied, ValidationFailed
from kefu.org.permissions import allowed, check
from kefu.supervision.models import DutyDaySignoff, DutyLogEntry, DutyLogSample, SampleItem
from kefu.supervision.sampling import draw_sample, new_seed
from kefu.supervision.signing import content_hash

_ENTRY_FIELDS = ["day", "occurred_at", "what", "action", "ticket", "incident_ref", "corrects"]
MAX_TEXT = 4000


def local_day(moment: dt.datetime) -> dt.date:
    """The duty day of a moment: its calendar day in the installation's time zone."""
    return timezone.localtime(moment).date()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    """The last day of the month starting at ``first``."""
    return next_month(first) - dt.timedelta(days=1)


# ---------------------------------------------------------------- canonical content


def entry_payload(entry: DutyLogEntry) -> dict:
    """What a signature covers of one entry: everything a person could change."""
    return {
        "id": entry.pk,
        "day": entry.day.isoformat(),
        "occurred_at": entry.occurred_at.astimezone(dt.UTC).isoformat(),
        "what": entry.what,
        "action": entry.action,
        "ticket": entry.ticket_id,
        "incident": entry.incident_ref,
        "corrects": entry.corrects_id,
        "author": entry.author_id,
    }


def day_entries(day: dt.date):
    return DutyLogEntry.objects.filter(day=day).order_by("pk")


def day_hash(day: dt.date) -> tuple[str, int]:
    """SHA-256 of the day's entries in canonical form, and how many there are."""
    entries = [entry_payload(e) for e in day_entries(day)]
    return content_hash({"day": day.isoformat(), "entries": entries}), len(entries)


def signoff_is_valid(signoff: DutyDaySignoff) -> bool:
    """R-SUP-1: recompute the hash; any change since the signature makes it invalid."""
    digest, count = day_hash(signoff.day)
    return digest == signoff.content_hash and count == signoff.entry_count


def sample_payload(sample: DutyLogSample) -> dict:
    items = sample.items.select_related("entry").order_by("entry_id")
    return {
        "month": sample.month.isoformat(),
        "percent": str(sample.percent),
        "seed": sample.seed,
        "population": sorted(sample.population),
        "items": [
            {
                "entry": entry_payload(item.entry),
                "in_order": item.in_order,
                "finding": item.finding,
                "reviewed_by": item.reviewed_by_id,
            }
            for item in items
        ],
    }


def sample_is_valid(sample: DutyLogSample) -> bool:
    return sample.is_signed and content_hash(sample_payload(sample)) == sample.content_hash


# ---------------------------------------------------------------- entries


def _signoff_of(day: dt.date) -> DutyDaySignoff | None:
    return DutyDaySignoff.objects.select_related("signed_by").filter(day=day).first()


def _refuse_if_signed(day: dt.date) -> None:
    """R-SEC-4: a signed day's log is frozen."""
    signoff = _signoff_of(day)
    if signoff is not None:
        raise Conflict(
            message=_(
                "The duty log of %(day)s was signed by %(who)s at %(when)s and can no longer "
                "be changed; write a correction as a new entry referring to the old one."
            )
            % {
                "day": day.isoformat(),
                "who": signoff.signed_by.display_name,
                "when": timezone.localtime(signoff.signed_at).strftime("%Y-%m-%d %H:%M"),
            }
        )


def _text(name: str, value: str, *, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed.on(name, _("Say %(what)s.") % {"what": label})
    if len(value) > MAX_TEXT:
        raise ValidationFailed.on(
            name,
            _("%(what)s is too long (at most %(n)d characters).") % {"what": label, "n": MAX_TEXT},
        )
    return value


def _event_time(occurred_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if occurred_at is None:
        return now
    occurred_at = storable_local(occurred_at)
    if occurred_at is None:
        raise ValidationFailed.on(
            "occurred_at", _("The time of the event is not a date the log can hold.")
        )
    if occurred_at > now + dt.timedelta(minutes=5):
        raise ValidationFailed.on(
            "occurred_at", _("The time of the event is in the future; log what has happened.")
        )
    return occurred_at


@transaction.atomic
def duty_log_entry_create(
    *,
    actor,
    what: str,
    action: str = "",
    occurred_at: dt.datetime | None = None,
    ticket=None,
    incident_ref: str = "",
    corrects: DutyLogEntry | None = None,
    now: dt.datetime | None = None,
) -> DutyLogEntry:
    """R-SUP-1: a duty operator logs what happened, the action taken and the linked ticket or
    incident. R-SEC-4: refused on a signed day; a correction is a new entry (``corrects``)."""
    check(actor, "dutylog.write")
    now = now or timezone.now()
    occurred_at = _event_time(occurred_at, now)
    what = _text("what", what, required=True, label=_("what happened"))
    action = _text("action", action, required=False, label=_("the action taken"))
    incident_ref = _incident_ref(incident_ref)
    day = local_day(occurred_at)
    _refuse_if_signed(day)
    entry = DutyLogEntry.objects.create(
        day=day,
        occurred_at=occurred_at,
        what=what,
        action=action,
        ticket=ticket,
        incident_ref=incident_ref,
        corrects=corrects,
        author=actor,
        department=getattr(actor, "department", None),
        created_at=now,
    )
    summary = (
        _("correction of duty-log entry #%(n)d") % {"n": corrects.pk}
        if corrects
        else _("duty-log entry written")
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=entry,
        summary=summary,
        after=snapshot(entry, _ENTRY_FIELDS),
    )
    return entry


def _incident_ref(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > 40:
        raise ValidationFailed.on(
            "incident_ref", _("An incident number has at most 40 characters.")
        )
    return text


@transaction.atomic
def duty_log_entry_update(
    *, actor, entry: DutyLogEntry, what: str, action: str = "", incident_ref: str = "", ticket=None
) -> DutyLogEntry:
    """R-SEC-4: an entry may be changed by its author only while its day is unsigned."""
    check(actor, "dutylog.write")
    entry = DutyLogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.author_id != getattr(actor, "pk", None) and not allowed(actor, "dutylog.sign"):
        raise PermissionDenied(
            message=_("Only the duty operator who wrote an entry may change it."),
            permission="dutylog.write",
        )
    _refuse_if_signed(entry.day)
    before = snapshot(entry, _ENTRY_FIELDS)
    entry.what = _text("what", what, required=True, label=_("what happened"))
    entry.action = _text("action", action, required=False, label=_("the action taken"))
    entry.incident_ref = _incident_ref(incident_ref)
    entry.ticket = ticket
    entry.save(update_fields=["what", "action", "incident_ref", "ticket"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=entry,
        summary=_("duty-log entry changed before sign-off"),
        before=before,
        after=snapshot(entry, _ENTRY_FIELDS),
    )
    return entry


# ---------------------------------------------------------------- daily sign-off


@transaction.atomic
def duty_day_sign(
    *, actor, day: dt.date, note: str = "", now: dt.datetime | None = None
) -> DutyDaySignoff:
    """R-SUP-1: the supervisor signs one day's log: who, when, and the SHA-256 of exactly
    the entries signed. A day is signed once, after it is over, and is then frozen (R-SEC-4)."""
    check(actor, "dutylog.sign")
    now = now or timezone.now()
    if day >= local_day(now):
        raise ValidationFailed.on(
            "day",
            _(
                "The duty log of %(day)s is still being written; a day can be signed once "
                "it is over."
            )
            % {"day": day.isoformat()},
        )
    existing = _signoff_of(day)
    if existing is not None:
        raise Conflict(
            message=_("The duty log of %(day)s was already signed by %(who)s at %(when)s.")
            % {
                "day": day.isoformat(),
                "who": existing.signed_by.display_name,
                "when": timezone.localtime(existing.signed_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    digest, count = day_hash(day)
    if count == 0:
        raise ValidationFailed.on(
            "day", _("The duty log of %(day)s has no entries to sign.") % {"day": day.isoformat()}
        )
    try:
        with transaction.atomic():
            signoff = DutyDaySignoff.objects.create(
                day=day,
                signed_by=actor,
                signed_at=now,
                entry_count=count,
                content_hash=digest,
                note=(note or "").strip()[:MAX_TEXT],
            )
    except IntegrityError:
        raise Conflict(
            message=_("The duty log of %(day)s was signed by someone else a moment ago.")
            % {"day": day.isoformat()}
        ) from None
    audit_record(
        actor=actor,
        action=Action.SIGN,
        target=signoff,
        summary=_("duty log of %(day)s signed (%(n)d entries)") % {"day": day, "n": count},
        after=snapshot(signoff, ["day", "entry_count", "content_hash", "note"]),
    )
    return signoff


# ---------------------------------------------------------------- monthly sample


@transaction.atomic
def duty_sample_draw(
    *, actor, month: dt.date, seed: int | None = None, now: dt.datetime | None = None
) -> DutyLogSample:
    """R-SUP-1: the director's sample of the month: at least ``supervision.sample_percent``
    of its entries at random, reproducible from the stored seed and population, one per month."""
    check(actor, "dutylog.sample")
    now = now or timezone.now()
    first = month_start(month)
    if first >= month_start(local_day(now)):
        # Entries may still be written into a month that is not over; a sample drawn now
        # would not be a sample of the whole month.
        raise ValidationFailed.on("month", _("A month can be sampled once it is over."))
    if DutyLogSample.objects.filter(month=first).exists():
        raise Conflict(
            message=_("The sample of %(month)s has already been drawn.")
            % {"month": first.strftime("%Y-%m")}
        )
    population = sorted(
        DutyLogEntry.objects.filter(day__gte=first, day__lte=month_end(first)).values_list(
            "pk", flat=True
        )
    )
    if not population:
        raise ValidationFailed.on(
            "month",
            _("The duty log of %(month)s has no entries to sample.")
            % {"month": first.strftime("%Y-%m")},
        )
    percent = policy.get("supervision.sample_percent")
    seed = new_seed() if seed is None else seed
    chosen = draw_sample(population, percent, seed)
    try:
        with transaction.atomic():
            sample = DutyLogSample.objects.create(
                month=first,
                percent=percent,
                seed=seed,
                population=population,
                drawn_by=actor,
                drawn_at=now,
            )
    except IntegrityError:
        raise Conflict(
            message=_("The sample of %(month)s has already been drawn.")
            % {"month": first.strftime("%Y-%m")}
        ) from None
    SampleItem.objects.bulk_create([SampleItem(sample=sample, entry_id=pk) for pk in chosen])
    audit_record(
        actor=actor,
        action=Action.CREATE,
        target=sample,
        summary=_("%(n)d of %(total)d duty-log entries drawn for review (%(p)s%%)")
        % {"n": len(chosen), "total": len(population), "p": percent},
        after={"month": first, "seed": seed, "percent": percent, "entries": chosen},
    )
    return sample


def _refuse_if_sample_signed(sample: DutyLogSample) -> None:
    if sample.is_signed:
        raise Conflict(
            message=_("The sample of %(month)s is signed and can no longer be changed.")
            % {"month": sample.month.strftime("%Y-%m")}
        )


@transaction.atomic
def sample_item_review(
    *,
    actor,
    item: SampleItem,
    in_order: bool,
    finding: str = "",
    now: dt.datetime | None = None,
) -> SampleItem:
    """R-SUP-1: the director reviews one sampled entry: in order, or what is wrong with it."""
    check(actor, "dutylog.sample")
    sample = DutyLogSample.objects.select_for_update().get(pk=item.sample_id)
    _refuse_if_sample_signed(sample)
    finding = (finding or "").strip()[:MAX_TEXT]
    if not in_order and not finding:
        raise ValidationFailed.on("finding", _("Say what is wrong with this entry."))
    before = snapshot(item, ["in_order", "finding", "reviewed_by", "reviewed_at"])
    item.in_order = in_order
    item.finding = finding
    item.reviewed_by = actor
    item.reviewed_at = now or timezone.now()
    item.save(update_fields=["in_order", "finding", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=sample,
        summary=_("sampled entry #%(n)d reviewed") % {"n": item.entry_id},
        before=before,
        after=snapshot(item, ["in_order", "finding", "reviewed_by", "reviewed_at"]),
    )
    return item


@transaction.atomic
def duty_sample_sign(
    *, actor, sample: DutyLogSample, note: str = "", now: dt.datetime | None = None
) -> DutyLogSample:
    """R-SUP-1: the director signs the month's sample once every sampled entry is reviewed;
    the signature stores the hash of the sample, its reviews and the entries they cover."""
    check(actor, "dutylog.sample")
    sample = DutyLogSample.objects.select_for_update().get(pk=sample.pk)
    _refuse_if_sample_signed(sample)
    waiting = sample.items.filter(reviewed_at__isnull=True).count()
    if waiting:
        raise Conflict(
            message=_(
                "%(n)d sampled entries are not reviewed yet; review every one before signing."
            )
            % {"n": waiting}
        )
    sample.signed_by = actor
    sample.signed_at = now or timezone.now()
    sample.note = (note or "").strip()[:MAX_TEXT]
    sample.content_hash = content_hash(sample_payload(sample))
    sample.save(update_fields=["signed_by", "signed_at", "note", "content_hash"])
    audit_record(
        actor=actor,
        action=Action.SIGN,
        target=sample,
        summary=_("duty-log sample of %(month)s signed")
        % {"month": sample.month.strftime("%Y-%m")},
        after=snapshot(sample, ["signed_by", "signed_at", "content_hash", "note"]),
    )
    return sample
