"""The KPI formula catalogue (R-SUP-4): every indicator is computed from the data.

A formula takes a *unit* (the company, a department with the departments under it, a
position, or one person) and a period, and answers a :class:`Measure`: the value with
the numerator and denominator it came from, so a scorecard can show how a figure was
reached. Every formula is one aggregate query per period group (no rows are loaded), so
a scorecard and the monthly report stay fast at millions of rows.

Besides the standard set, an administrator may count or divide any rows of tickets,
calls, callbacks or survey answers chosen by a filter over the fields listed in
:data:`SOURCES`; a filter over any other field is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu import policy
from kefu.core.periods import zone
from kefu.errors import ValidationFailed


@dataclass(frozen=True)
class Unit:
    """Whom a value is for. ``kind`` is company, department, position or person."""

    kind: str
    department: object = None
    position: object = None
    user: object = None

    @property
    def label(self) -> str:
        if self.kind == "department":
            return self.department.name
        if self.kind == "position":
            return str(self.position)
        if self.kind == "person":
            return self.user.full_name or self.user.username
        return str(_("Whole company"))


COMPANY = Unit("company")


@dataclass(frozen=True)
class Measure:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


# Per source: the model, the time field that puts a row in a period, how each kind of unit
# narrows it (department, position, person), and the fields a filter may use.
@dataclass(frozen=True)
class Source:
    label: object
    model: Callable[[], type]
    time_field: str
    department: str
    person: str
    fields: dict[str, str]  # field -> "choice:<module.Class>" | "bool" | "int"
    is_date: bool = False


def _ticket():
    from kefu.tickets.models import Ticket

    return Ticket


def _call():
    from kefu.callcenter.models import CallRecord

    return CallRecord


def _callfact():
    from kefu.reports.models import CallDayFact

    return CallDayFact


def _followup():
    from kefu.followups.models import FollowUp

    return FollowUp


def _survey():
    from kefu.followups.models import SurveyResponse

    return SurveyResponse


SOURCES: dict[str, Source] = {
    "tickets": Source(
        _("tickets"),
        _ticket,
        "created_at",
        "department",
        "owner",
        {
            "kind": "choice:kefu.tickets.models.Kind",
            "channel": "choice:kefu.tickets.models.Channel",
            "priority": "choice:kefu.tickets.models.Priority",
            "state": "choice:kefu.tickets.states.State",
            "is_major": "bool",
            "resolved_at_first_contact": "bool",
            "response_breached": "bool",
            "resolution_breached": "bool",
            "category": "int",
            "repeat_of__isnull": "bool",
            "callback_reached": "bool",
        },
    ),
    "calls": Source(
        _("calls"),
        _call,
        "enter_at",
        "agent__department",
        "agent",
        {
            "direction": "choice:kefu.callcenter.models.Direction",
            "disposition": "choice:kefu.callcenter.models.Disposition",
            "abandoned": "bool",
            "blocked": "bool",
            "hotline": "int",
            "queue": "int",
            "wait_seconds": "num",
            "talk_seconds": "num",
            "ring_no_answer": "num",
        },
    ),
    # Daily facts kept from the call records (kefu.reports.facts); not for custom filters.
    "callfacts": Source(_("calls"), _callfact, "day", "department", "agent", {}, is_date=True),
    "callbacks": Source(
        _("callbacks"),
        _followup,
        "due_on",
        "department",
        "owner",
        {
            "kind": "choice:kefu.followups.models.Kind",
            "status": "choice:kefu.followups.models.Status",
            "reached": "bool",
        },
        is_date=True,
    ),
    "surveys": Source(
        _("survey answers"),
        _survey,
        "answered_at",
        "department",
        "agent",
        {
            "way": "choice:kefu.followups.models.ResponseChannel",
            "ticket_kind": "str",
            "scale_mean": "num",
        },
    ),
}


def _choices(spec: str) -> set[str]:
    from importlib import import_module

    module, name = spec.removeprefix("choice:").rsplit(".", 1)
    return set(getattr(import_module(module), name).values)


# Lookups a filter may add to a field: "kind__in": [...] for any field but a yes/no one,
# comparisons for the numeric ones ("wait_seconds__lte": 20).
_IN, _COMPARISONS = "in", ("gt", "gte", "lt", "lte")
_MAX_IN = 50


def _valid(kind: str, value: object) -> bool:
    return (
        (kind == "bool" and isinstance(value, bool))
        or (kind == "int" and isinstance(value, int) and not isinstance(value, bool))
        or (
            kind == "num"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) < 1e12
        )
        or (kind == "str" and isinstance(value, str))
        or (kind.startswith("choice:") and isinstance(value, str) and value in _choices(kind))
    )


def _split_lookup(name: str, allowed: dict[str, str]) -> tuple[str, str | None]:
    """``"wait_seconds__lte"`` -> ("wait_seconds", "lte"); a field named as a whole (even one
    with ``__`` in it, such as ``repeat_of__isnull``) has no lookup."""
    if name in allowed:
        return name, None
    base, sep, lookup = name.rpartition("__")
    if sep and base in allowed and lookup in (_IN, *_COMPARISONS):
        return base, lookup
    return name, None


def clean_filters(source: str, filters: object, *, field: str = "params") -> dict:
    """A filter over ``source``, checked (R-SUP-4): ``{field: value}`` for equality,
    ``{field__in: [values]}`` for any of several, ``{field__lte: n}`` (gt, gte, lt, lte) on
    numeric fields; an unknown field, lookup or value is refused naming it."""
    if source not in SOURCES:
        raise ValidationFailed.on(
            field,
            _("Unknown data source “%(s)s”; use one of: %(all)s.")
            % {"s": source, "all": ", ".join(SOURCES)},
        )
    if not isinstance(filters, dict):
        raise ValidationFailed.on(field, _("A filter must be an object of field: value."))
    allowed = SOURCES[source].fields
    clean = {}
    for name, value in filters.items():
        base, lookup = _split_lookup(str(name), allowed)
        kind = allowed.get(base)
        if kind is None:
            raise ValidationFailed.on(
                field,
                _("“%(f)s” is not a field of %(s)s that a KPI can filter on; use one of: %(all)s.")
                % {"f": name, "s": SOURCES[source].label, "all": ", ".join(sorted(allowed))},
            )
        if lookup in _COMPARISONS and kind != "num":
            raise ValidationFailed.on(
                field,
                _("%(f)s is not a number: compare it with = or choose from a list.") % {"f": base},
            )
        if lookup == _IN:
            ok = (
                kind != "bool"
                and isinstance(value, list)
                and 0 < len(value) <= _MAX_IN
                and all(_valid(kind, v) for v in value)
            )
        else:
            ok = _valid(kind, value)
        if not ok:
            raise ValidationFailed.on(
                field, _("“%(v)s” is not a valid value for %(f)s.") % {"v": value, "f": name}
            )
        clean[str(name)] = value
    return clean


def _narrowing(source: str, unit: Unit) -> dict:
    """The filter that narrows the source's rows to ``unit``: id lists (departments of the
    subtree, staff of a position) rather than joins, so the time index does the work."""
    from kefu.org.models import Department, User

    src = SOURCES[source]
    if unit.kind == "department":
        departments = list(
            Department.objects.filter(path__startswith=unit.department.path).values_list(
                "pk", flat=True
            )
        )
        if src.department.endswith("__department"):  # calls: by the agent's department
            people = User.objects.filter(department_id__in=departments).values_list("pk", flat=True)
            return {f"{src.person}_id__in": list(people)}
        return {f"{src.department}_id__in": departments}
    if unit.kind == "position":
        people = User.objects.filter(position=unit.position).values_list("pk", flat=True)
        return {f"{src.person}_id__in": list(people)}
    if unit.kind == "person":
        return {f"{src.person}_id": unit.user.pk}
    return {}


def _rows(
    source: str,
    unit: Unit,
    since: dt.datetime,
    until: dt.datetime,
    *,
    narrowing: dict | None = None,
) -> QuerySet:
    """The source's rows of the period for ``unit`` (``narrowing`` when already known)."""
    src = SOURCES[source]
    qs = src.model()._default_manager.all()
    start, end = (since, until)
    if src.is_date:
        start, end = since.astimezone(zone()).date(), until.astimezone(zone()).date()
    qs = qs.filter(**{f"{src.time_field}__gte": start, f"{src.time_field}__lt": end})
    return qs.filter(**(_narrowing(source, unit) if narrowing is None else narrowing))


def _by_month(source: str, unit: Unit, months: list[dt.date], aggregates: dict) -> dict:
    """``aggregates`` per calendar month (local time): one range query per month, so the
    time index is used and no per-row date function runs (SQLite's is Python code)."""
    from kefu.core.periods import month_bounds

    out = {}
    narrowing = _narrowing(source, unit)  # the same for every month: read once
    for month in months:
        if source == "callfacts":
            from kefu.reports.facts import call_facts_ensure

            call_facts_ensure(month)
        since, until = month_bounds(month)
        rows = _rows(source, unit, since, until, narrowing=narrowing)
        out[month] = rows.aggregate(**aggregates)
    return out


def _ratio(num, den, scale: float = 1.0) -> Measure:
    num, den = (num or 0), (den or 0)
    return Measure(num / den * scale if den else None, num, den)


# Each standard formula: (source, aggregates, how a group's aggregates become a Measure).
def _call_settings():
    from kefu.callcenter.stats import Settings

    return Settings.current()


def _sum(field: str):
    return Coalesce(Sum(field), 0)


def _answer_rate_aggs():
    return {"offered": _sum("offered"), "answered": _sum("answered")}


def _service_level_aggs():
    return {
        "offered": _sum("offered"),
        "answered": _sum("answered"),
        "within": _sum("answered_within"),
        "short": _sum("short_abandoned"),
    }


def _service_level(a: dict) -> Measure:
    from kefu.callcenter.stats import service_level_denominator

    den = service_level_denominator(
        _call_settings(), offered=a["offered"], answered=a["answered"], short=a["short"]
    )
    return _ratio(a["within"], den)


def _time_limit_aggs():
    """R-SUP-4, R-TIC-6: a ticket counts once its outcome is known: resolved, or past a limit
    while still open. Counting only the resolved ones let a month whose overdue tickets were
    all still open show 100% beside its list of breaches (the monthly report, section 5)."""
    breached = Q(response_breached=True) | Q(resolution_breached=True)
    resolved = Q(resolved_at__isnull=False)
    return {
        "decided": Count("id", filter=resolved | breached),
        "ok": Count("id", filter=resolved & ~breached),
    }


def _followup_due_q() -> Q:
    from kefu.followups.models import Status

    return ~Q(status=Status.CANCELLED)


def _callback_aggs():
    from kefu.followups.models import Status

    due = _followup_due_q()
    return {
        "due": Count("id", filter=due),
        "done": Count("id", filter=due & Q(status__in=[Status.DONE, Status.UNREACHED])),
    }


@dataclass(frozen=True)
class Formula:
    label: object
    unit: str  # percent | count | per10k | score
    higher_is_better: bool
    source: str
    aggregates: Callable[[], dict]
    measure: Callable[[dict], Measure]
    definition: object


STANDARD: dict[str, Formula] = {
    "answer_rate": Formula(
        _("Answer rate"),
        "percent",
        True,
        "callfacts",
        _answer_rate_aggs,
        lambda a: _ratio(a["answered"], a["offered"]),
        _("接通率: answered inbound calls ÷ offered inbound calls (blocked callers excluded)."),
    ),
    "service_level": Formula(
        _("Service level"),
        "percent",
        True,
        "callfacts",
        _service_level_aggs,
        _service_level,
        _("Inbound calls answered within the service-level time, by the call-centre setting."),
    ),
    "fcr": Formula(
        pgettext_lazy("tickets", "First-contact resolution"),
        "percent",
        True,
        "tickets",
        lambda: {"all": Count("id"), "fcr": Count("id", filter=Q(resolved_at_first_contact=True))},
        lambda a: _ratio(a["fcr"], a["all"]),
        _("Tickets finished in the first contact ÷ tickets recorded."),
    ),
    "repeat_contact_rate": Formula(
        _("Repeat-contact rate"),
        "percent",
        False,
        "tickets",
        lambda: {"all": Count("id"), "rep": Count("id", filter=Q(repeat_of__isnull=False))},
        lambda a: _ratio(a["rep"], a["all"]),
        _("Tickets recorded as a repeat of an earlier one ÷ tickets recorded."),
    ),
    "complaints_per_10k": Formula(
        _("Complaints per 10,000 customers"),
        "per10k",
        False,
        "tickets",
        lambda: {"complaints": Count("id", filter=Q(kind="complaint"))},
        None,  # needs the customer count of the unit; see evaluate()
        _("万户投诉量: complaints recorded ÷ customers in the archive × 10,000."),
    ),
    "time_limit_compliance": Formula(
        _("Time-limit compliance"),
        "percent",
        True,
        "tickets",
        _time_limit_aggs,
        lambda a: _ratio(a["ok"], a["decided"]),
        _(
            "Tickets resolved within both the response and the resolution limit ÷ tickets "
            "resolved or already past a limit (an open ticket past its limit counts against; "
            "one still within its limits is not counted yet)."
        ),
    ),
    "callback_completion": Formula(
        _("Callback completion"),
        "percent",
        True,
        "callbacks",
        _callback_aggs,
        lambda a: _ratio(a["done"], a["due"]),
        _("Callbacks and upkeep contacts due in the period and made (reached or not) ÷ due."),
    ),
    "satisfaction": Formula(
        _("Satisfaction"),
        "score",
        True,
        "surveys",
        lambda: {"mean": Avg("scale_mean"), "n": Count("id", filter=Q(scale_mean__isnull=False))},
        lambda a: Measure(float(a["mean"]) if a["mean"] is not None else None, None, a["n"]),
        _("Mean score (1–5) of the survey answers received in the period."),
    ),
}

CUSTOM = {
    "count": (_("Count of rows"), "count"),
    "ratio": (_("Ratio of two counts"), "percent"),
}


def formula_choices() -> list[tuple[str, object]]:
    return [(k, f.label) for k, f in STANDARD.items()] + [(k, v[0]) for k, v in CUSTOM.items()]


def unit_of(formula: str) -> str:
    return STANDARD[formula].unit if formula in STANDARD else CUSTOM[formula][1]


def clean_params(formula: str, params: object) -> dict:
    """The parameters of ``formula``, checked: a custom formula names its source and filters."""
    if formula in STANDARD:
        return {}
    if formula not in CUSTOM:
        raise ValidationFailed.on(
            "formula",
            _("Unknown formula “%(f)s”; use one of: %(all)s.")
            % {"f": formula, "all": ", ".join([*STANDARD, *CUSTOM])},
        )
    if not isinstance(params, dict):
        raise ValidationFailed.on("params", _("A custom formula needs its source and filters."))
    unknown = set(params) - {"source", "filter", "denominator"}
    if unknown:
        raise ValidationFailed.on(
            "params", _("Unknown parameter: %(p)s.") % {"p": ", ".join(sorted(unknown))}
        )
    source = params.get("source")
    clean = {"source": source, "filter": clean_filters(source, params.get("filter", {}))}
    if formula == "ratio":
        clean["denominator"] = clean_filters(source, params.get("denominator", {}))
    return clean


def _customers(unit: Unit) -> int:
    from kefu.customers.models import Customer

    qs = Customer.objects.filter(merged_into__isnull=True)
    if unit.kind == "department":
        qs = qs.filter(department__path__startswith=unit.department.path)
    return qs.count()


def _plan(formula: str, params: dict) -> tuple[str, dict, Callable[[dict], Measure]]:
    """What one indicator asks of the database: its source, aggregates and how they combine."""
    if formula in STANDARD:
        f = STANDARD[formula]
        if formula == "complaints_per_10k":
            return f.source, f.aggregates(), None  # divided by the unit's customers below
        return f.source, f.aggregates(), f.measure
    aggs = {"num": Count("id", filter=Q(**params["filter"]))}
    if formula == "ratio":
        aggs["den"] = Count("id", filter=Q(**params["denominator"]))
        return params["source"], aggs, lambda a: _ratio(a["num"], a["den"])
    return params["source"], aggs, lambda a: Measure(a["num"], a["num"], None)


def evaluate_many(
    indicators: list[tuple[str, dict]], unit: Unit, months: list[dt.date]
) -> list[dict[dt.date, Measure]]:
    """Measures of several indicators for each month in ``months`` (first days).

    Indicators over the same source share one aggregate query per month, so a scorecard
    of eight indicators reads the month's calls and tickets once each, not eight times.
    """
    plans = [_plan(formula, params) for formula, params in indicators]
    by_source: dict[str, dict] = {}
    for n, (source, aggs, _measure) in enumerate(plans):
        for name, agg in aggs.items():
            by_source.setdefault(source, {})[f"i{n}_{name}"] = agg
    grouped = {source: _by_month(source, unit, months, aggs) for source, aggs in by_source.items()}
    customers = None
    out = []
    for n, (source, aggs, measure) in enumerate(plans):
        values = {}
        for m in months:
            row = {name: grouped[source][m][f"i{n}_{name}"] for name in aggs}
            if measure is None:
                customers = _customers(unit) if customers is None else customers
                values[m] = _ratio(row["complaints"], customers, 10000)
            else:
                values[m] = measure(row)
        out.append(values)
    return out


def evaluate_months(
    formula: str, params: dict, unit: Unit, months: list[dt.date]
) -> dict[dt.date, Measure]:
    """The measure of one indicator for each calendar month in ``months`` (first days)."""
    return evaluate_many([(formula, params)], unit, months)[0]


def achievement(value: float | None, target: Decimal, higher_is_better: bool) -> float | None:
    """How far a value reaches its target, 1.0 = met, capped by policy (R-SUP-4)."""
    cap = float(policy.get("reports.kpi_achievement_cap_percent")) / 100
    if value is None:
        return None
    target_f = float(target)
    if higher_is_better:
        ratio = value / target_f if target_f else cap
    else:
        ratio = target_f / value if value else cap
    return max(0.0, min(cap, ratio))
