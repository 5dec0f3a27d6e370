"""Call-centre statistics (R-CC-5, R-CC-9): per interval, day, hotline, queue and agent.

Inbound calls only; blocked callers (turned away by the block list) are not offered calls.
Every figure comes with its definition (:func:`definitions`), because practice uses several
formulas and the settings choose among them (kefu/policy.py, ``callcenter.*``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kefu import policy
from kefu.callcenter.models import CallRecord, Direction, Disposition
from kefu.core.periods import zone as local_zone

GROUPS = ("interval", "day", "hotline", "queue", "agent")
INTERVALS = (15, 30, 60)


@dataclass(frozen=True)
class Settings:
    service_level_seconds: int
    short_abandon_seconds: int
    service_level_formula: str
    quick_answer_seconds: int
    fcr_days: int
    answer_rate_target: float
    service_level_target: float
    lines: int

    @classmethod
    def current(cls) -> Settings:
        return cls(
            service_level_seconds=policy.get("callcenter.service_level_seconds"),
            short_abandon_seconds=policy.get("callcenter.short_abandon_seconds"),
            service_level_formula=policy.get("callcenter.service_level_formula"),
            quick_answer_seconds=policy.get("callcenter.quick_answer_seconds"),
            fcr_days=policy.get("callcenter.fcr_days"),
            answer_rate_target=float(policy.get("callcenter.answer_rate_target_percent")) / 100,
            service_level_target=float(policy.get("callcenter.service_level_target_percent")) / 100,
            lines=policy.get("callcenter.lines"),
        )


@dataclass
class Row:
    key: str
    label: str
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    other_unanswered: int = 0
    answered_within: int = 0
    answered_quick: int = 0
    answer_rate: float | None = None
    service_level: float | None = None
    quick_answer_rate: float | None = None
    asa_seconds: float | None = None
    aht_seconds: float | None = None
    occupancy: float | None = None
    peak_lines: int = 0
    fcr_rate: float | None = None
    below_target: bool = False
    _wait_sum: int = field(default=0, repr=False)
    _talk_sum: int = field(default=0, repr=False)
    _talk_n: int = field(default=0, repr=False)
    _agent_talk: int = field(default=0, repr=False)
    _fcr_yes: int = field(default=0, repr=False)
    _fcr_n: int = field(default=0, repr=False)
    _spans: list = field(default_factory=list, repr=False)
    _staffed: set = field(default_factory=set, repr=False)

    def public(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class Report:
    since: dt.datetime
    until: dt.datetime
    group: str
    interval_minutes: int
    rows: list[Row]
    total: Row
    settings: Settings
    definitions: dict[str, str]


# Short weekday names for the day rows; the context keeps them apart from other "Mon"s.
WEEKDAYS = (
    lambda: pgettext("weekday", "Mon"),
    lambda: pgettext("weekday", "Tue"),
    lambda: pgettext("weekday", "Wed"),
    lambda: pgettext("weekday", "Thu"),
    lambda: pgettext("weekday", "Fri"),
    lambda: pgettext("weekday", "Sat"),
    lambda: pgettext("weekday", "Sun"),
)


def figure_labels(s: Settings) -> dict[str, str]:
    """The user's name of each figure (the keys of :func:`definitions` and of a row)."""
    return {
        "offered": _("Offered"),
        "answered": _("Answered"),
        "abandoned": _("Abandoned"),
        "short_abandoned": _("Short abandons"),
        "answer_rate": _("Answer rate"),
        "service_level": _("Service level"),
        "quick_answer_rate": _("%(n)d-second answer rate") % {"n": s.quick_answer_seconds},
        "asa_seconds": _("Average speed of answer (s)"),
        "aht_seconds": _("Average handle time (s)"),
        "occupancy": _("Occupancy"),
        "peak_lines": _("Peak lines"),
        "fcr_rate": _("First-contact resolution"),
    }


def labelled_definitions(report: Report) -> list[tuple[str, str]]:
    """(figure name, definition) pairs for pages and exports, in the definitions' order."""
    labels = figure_labels(report.settings)
    return [(labels.get(k, k), v) for k, v in report.definitions.items()]


def definitions(s: Settings) -> dict[str, str]:
    """What each figure means under the settings in force (shown beside the figure)."""
    denominators = {
        "offered": _("all offered calls (abandoned calls count against it)"),
        "no_short_abandons": _(
            "offered calls minus abandons within %(n)d s (short abandons are not counted)"
        )
        % {"n": s.short_abandon_seconds},
        "answered": _("answered calls only (abandoned calls are left out)"),
    }
    return {
        "offered": _("Inbound calls that reached the call centre; blocked callers excluded."),
        "abandoned": _(
            "Callers who hung up before an answer; those within %(n)d s are short abandons, "
            "counted apart."
        )
        % {"n": s.short_abandon_seconds},
        "answer_rate": _("接通率: answered ÷ offered. Target %(t).0f%% (R-CC-9).")
        % {"t": s.answer_rate_target * 100},
        "service_level": _("Answered within %(t)d s ÷ %(d)s. Target %(p).0f%%.")
        % {
            "t": s.service_level_seconds,
            "d": denominators[s.service_level_formula],
            "p": s.service_level_target * 100,
        },
        "quick_answer_rate": _("Answered within %(n)d s ÷ offered (GB/T 33358-2016 asks 15 s).")
        % {"n": s.quick_answer_seconds},
        "asa_seconds": _("Average speed of answer: mean wait of answered calls."),
        "aht_seconds": _(
            "Average handle time: mean talk time of answered calls (the records hold no "
            "after-call work)."
        ),
        "occupancy": _(
            "Approximate: talk time ÷ staffed time, where an agent counts as staffed in each "
            "interval in which they answered a call (no agent-state data is imported)."
        ),
        "peak_lines": _("Most calls at once (waiting or talking) against %(n)d lines (R-CC-1).")
        % {"n": s.lines},
        "fcr_rate": _(
            "First-contact resolution: answered calls whose number did not call in the "
            "%(d)d days before nor the %(d)d days after ÷ answered calls with a number."
        )
        % {"d": s.fcr_days},
    }


def _end(call: dict) -> dt.datetime:
    if call["end_at"] is not None:
        return call["end_at"]
    seconds = call["wait_seconds"] + (call["talk_seconds"] or 0)
    return call["enter_at"] + dt.timedelta(seconds=max(seconds, 1))


def _peak(spans: list[tuple[dt.datetime, dt.datetime]]) -> int:
    points = sorted([(a, 1) for a, _b in spans] + [(b, -1) for _a, b in spans])
    peak = now = 0
    for _at, step in points:
        now += step
        peak = max(peak, now)
    return peak


def _fcr_index(since, until, days) -> dict[str, list[dt.datetime]]:
    window = dt.timedelta(days=days)
    index: dict[str, list[dt.datetime]] = defaultdict(list)
    for caller, at in (
        CallRecord.objects.filter(
            direction=Direction.IN,
            blocked=False,
            enter_at__gte=since - window,
            enter_at__lt=until + window,
        )
        .exclude(caller="")
        .values_list("caller", "enter_at")
        .order_by("enter_at")
    ):
        index[caller].append(at)
    return index


def _first_contact(index, caller: str, at: dt.datetime, days: int) -> bool:
    times = index.get(caller, [])
    window = dt.timedelta(days=days)
    lo = bisect.bisect_left(times, at - window)
    hi = bisect.bisect_right(times, at + window)
    return hi - lo == 1  # only this call


def offered_calls() -> Q:
    """R-CC-5: an offered call is inbound, not turned away by the block list, and no longer
    ringing; every count of offered calls (statistics, KPIs, reports) uses this one."""
    return Q(direction=Direction.IN, blocked=False) & ~Q(disposition=Disposition.RINGING)


def call_stats(
    *,
    calls,
    since: dt.datetime,
    until: dt.datetime,
    group: str = "day",
    interval_minutes: int = 30,
) -> Report:
    """R-CC-5: figures for inbound ``calls`` (a queryset) arriving in [since, until)."""
    s = Settings.current()
    zone = local_zone()
    rows: dict[str, Row] = {}
    total = Row("total", _("Total"))
    index = _fcr_index(since, until, s.fcr_days)
    fields = (
        "enter_at", "answer_at", "end_at", "wait_seconds", "talk_seconds", "disposition",
        "abandoned", "caller", "agent_id", "agent__username", "agent__full_name", "agent_label",
        "hotline_id", "hotline__name", "queue_id", "queue__name", "queue__display_name",
    )  # fmt: skip
    selected = calls.filter(offered_calls(), enter_at__gte=since, enter_at__lt=until)
    for call in selected.values(*fields).order_by("enter_at").iterator(chunk_size=5000):
        local = call["enter_at"].astimezone(zone)
        key, label = _group_key(group, call, local, interval_minutes)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(key, label)
        slot = local.replace(
            minute=local.minute - local.minute % interval_minutes, second=0, microsecond=0
        )
        for target in (row, total):
            _add(target, call, s, index, slot)
    ordered = sorted(rows.values(), key=lambda r: r.key)
    for row in [*ordered, total]:
        _finish(row, s, interval_minutes)
    return Report(since, until, group, interval_minutes, ordered, total, s, definitions(s))


def _group_key(group: str, call: dict, local: dt.datetime, interval: int) -> tuple[str, str]:
    if group == "interval":
        start = local.replace(
            minute=local.minute - local.minute % interval, second=0, microsecond=0
        )
        return start.isoformat(), start.strftime("%Y-%m-%d %H:%M")
    if group == "day":
        return local.date().isoformat(), f"{local:%Y-%m-%d} {WEEKDAYS[local.weekday()]()}"
    if group == "hotline":
        return f"{call['hotline_id'] or 0:08d}", call["hotline__name"] or _("(no hotline)")
    if group == "queue":
        # R-CC-5: the queue's display name, else the PBX's name for it.
        label = call["queue__display_name"] or call["queue__name"] or _("(no queue)")
        return f"{call['queue_id'] or 0:08d}", label
    if call["agent_id"] is None and call["agent_label"]:
        # An agent the telephone system names but Kefu has no staff member for (an imported
        # history): a row of their own under the PBX's name, not among the unanswered calls.
        return f"~{call['agent_label']}", call["agent_label"]
    name = call["agent__full_name"] or call["agent__username"] or _("(no agent)")
    return f"{call['agent_id'] or 0:08d}", name


def _add(row: Row, call: dict, s: Settings, index, slot) -> None:
    row.offered += 1
    wait = call["wait_seconds"]
    if call["disposition"] == Disposition.ANSWERED:
        row.answered += 1
        row._wait_sum += wait
        if wait <= s.service_level_seconds:
            row.answered_within += 1
        if wait <= s.quick_answer_seconds:
            row.answered_quick += 1
        if call["talk_seconds"] is not None:
            row._talk_sum += call["talk_seconds"]
            row._talk_n += 1
            if call["agent_id"]:
                row._staffed.add((call["agent_id"], slot))
                row._agent_talk += call["talk_seconds"]
        if call["caller"]:
            row._fcr_n += 1
            if _first_contact(index, call["caller"], call["enter_at"], s.fcr_days):
                row._fcr_yes += 1
    elif call["abandoned"]:
        row.abandoned += 1
        if wait < s.short_abandon_seconds:
            row.short_abandoned += 1
    else:
        row.other_unanswered += 1
    row._spans.append((call["enter_at"], _end(call)))


def service_level_denominator(s: Settings, *, offered: int, answered: int, short: int) -> int:
    """R-CC-5: what service level divides by, as the setting chooses (see definitions)."""
    return {
        "offered": offered,
        "no_short_abandons": offered - short,
        "answered": answered,
    }[s.service_level_formula]


def _finish(row: Row, s: Settings, interval_minutes: int) -> None:
    if row.offered:
        row.answer_rate = row.answered / row.offered
        row.quick_answer_rate = row.answered_quick / row.offered
        denominator = service_level_denominator(
            s, offered=row.offered, answered=row.answered, short=row.short_abandoned
        )
        row.service_level = row.answered_within / denominator if denominator else None
        row.below_target = row.answer_rate < s.answer_rate_target
    if row.answered:
        row.asa_seconds = row._wait_sum / row.answered
    if row._talk_n:
        row.aht_seconds = row._talk_sum / row._talk_n
    if row._staffed:
        staffed = len(row._staffed) * interval_minutes * 60
        row.occupancy = min(1.0, row._agent_talk / staffed)
    if row._fcr_n:
        row.fcr_rate = row._fcr_yes / row._fcr_n
    row.peak_lines = _peak(row._spans)
    row._spans = []


def day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in the installation's time zone."""
    zone = local_zone()
    since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return since, until
