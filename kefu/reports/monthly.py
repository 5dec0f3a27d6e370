"""The figures of the monthly service supervision report (R-SUP-2), all from the data.

:func:`build_figures` returns plain JSON (numbers, labels, lists) that the report stores,
so a built report reads the same tomorrow as today and an issued one can be sealed with
a hash. Each figure is one aggregate query over the month; trends reuse the figures of
months whose report was already built and compute only the months that have none.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from kefu import policy
from kefu.core.periods import add_months, month_bounds, months_back, zone
from kefu.reports import formulas
from kefu.reports.formulas import COMPANY

SCHEMA = 1


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def requests_section(since: dt.datetime, until: dt.datetime) -> dict:
    """Service requests received and handled, by kind and channel."""
    from kefu.tickets.models import Channel, Kind, Ticket

    tickets = Ticket.objects.all()
    measures = ("all", "fcr", "repeat", "major", "response_late", "resolution_late")
    # One pass over the month's tickets, grouped by kind and channel.
    groups = list(
        tickets.filter(created_at__gte=since, created_at__lt=until)
        .values("kind", "channel")
        .annotate(
            all=Count("id"),
            fcr=Count("id", filter=Q(resolved_at_first_contact=True)),
            repeat=Count("id", filter=Q(repeat_of__isnull=False)),
            major=Count("id", filter=Q(is_major=True)),
            response_late=Count("id", filter=Q(response_breached=True)),
            resolution_late=Count("id", filter=Q(resolution_breached=True)),
        )
        .order_by()
    )
    totals = {k: sum(g[k] for g in groups) for k in measures}
    by_kind, by_channel = {}, {}
    for g in groups:
        by_kind[g["kind"]] = by_kind.get(g["kind"], 0) + g["all"]
        by_channel[g["channel"]] = by_channel.get(g["channel"], 0) + g["all"]
    handled = dict(
        tickets.filter(resolved_at__gte=since, resolved_at__lt=until)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Open at the month's end = recorded before it − resolved before it (two index counts).
    open_at_end = (
        tickets.filter(created_at__lt=until).count() - tickets.filter(resolved_at__lt=until).count()
    )
    kinds = _labels(Kind.choices)
    return {
        "received": totals["all"],
        "handled": sum(handled.values()),
        "open_at_end": open_at_end,
        "by_kind": [
            {
                "kind": k,
                "label": kinds[k],
                "received": by_kind.get(k, 0),
                "handled": handled.get(k, 0),
            }
            for k in kinds
        ],
        "by_channel": [
            {"channel": c, "label": label, "received": by_channel.get(c, 0)}
            for c, label in _labels(Channel.choices).items()
        ],
        "fcr_percent": _pct(totals["fcr"] / totals["all"]) if totals["all"] else None,
        "repeat": totals["repeat"],
        "repeat_percent": _pct(totals["repeat"] / totals["all"]) if totals["all"] else None,
        "major": totals["major"],
        "response_late": totals["response_late"],
        "resolution_late": totals["resolution_late"],
    }


def breaches_section(since: dt.datetime, until: dt.datetime) -> list[dict]:
    """Time-limit breaches of the month's tickets by department, most first."""
    from kefu.tickets.models import Ticket

    rows = (
        Ticket.objects.filter(created_at__gte=since, created_at__lt=until)
        .filter(Q(response_breached=True) | Q(resolution_breached=True))
        .values("department__name")
        .annotate(
            n=Count("id"),
            response=Count("id", filter=Q(response_breached=True)),
            resolution=Count("id", filter=Q(resolution_breached=True)),
        )
        .order_by("-n")[:10]
    )
    return [
        {
            "department": r["department__name"] or "—",
            "tickets": r["n"],
            "response": r["response"],
            "resolution": r["resolution"],
        }
        for r in rows
    ]


def proactive_section(since: dt.datetime, until: dt.datetime) -> dict:
    """Proactive maintenance: callbacks and upkeep contacts due in the month, and done."""
    from kefu.followups.models import FollowUp, Kind, Status

    first, last = since.astimezone(zone()).date(), until.astimezone(zone()).date()
    rows = (
        FollowUp.objects.filter(due_on__gte=first, due_on__lt=last)
        .values("kind")
        .annotate(
            due=Count("id", filter=~Q(status=Status.CANCELLED)),
            done=Count("id", filter=Q(status=Status.DONE)),
            unreached=Count("id", filter=Q(status=Status.UNREACHED)),
            open=Count("id", filter=Q(status=Status.PLANNED)),
            satisfaction=Avg("satisfaction", filter=Q(status=Status.DONE)),
        )
        .order_by()
    )
    found = {r["kind"]: r for r in rows}
    out = []
    for kind, label in _labels(Kind.choices).items():
        r = found.get(kind, {"due": 0, "done": 0, "unreached": 0, "open": 0, "satisfaction": None})
        made = r["done"] + r["unreached"]
        out.append(
            {
                "kind": kind,
                "label": label,
                "due": r["due"],
                "done": r["done"],
                "unreached": r["unreached"],
                "open": r["open"],
                "completion_percent": _pct(made / r["due"]) if r["due"] else None,
                "satisfaction": round(float(r["satisfaction"]), 2) if r["satisfaction"] else None,
            }
        )
    due = sum(r["due"] for r in out)
    made = sum(r["done"] + r["unreached"] for r in out)
    return {
        "by_kind": out,
        "due": due,
        "made": made,
        "completion_percent": _pct(made / due) if due else None,
    }


def complaints_section(since: dt.datetime, until: dt.datetime) -> dict:
    """Complaints by category with the top hot spots, and the groups found in the texts."""
    from kefu.reports.hotspots import cluster_texts
    from kefu.tickets.models import Ticket

    complaints = Ticket.objects.filter(
        kind="complaint", created_at__gte=since, created_at__lt=until
    )
    total = complaints.count()
    by_category = [
        {
            "category": " / ".join(
                p for p in (r["category__parent__name"], r["category__name"]) if p
            )
            or _("(no category)"),
            "count": r["n"],
        }
        for r in complaints.values("category__parent__name", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")[:15]
    ]
    limit = policy.get("reports.hot_spot_text_limit")
    ids = list(complaints.order_by("id").values_list("id", flat=True))
    if len(ids) > limit:
        # A reproducible sample: the same month always reads the same complaints.
        ids = sorted(random.Random(since.date().toordinal()).sample(ids, limit))  # noqa: S311
    texts = {}
    for chunk in range(0, len(ids), 900):
        for pk, number, title, description, category in Ticket.objects.filter(
            pk__in=ids[chunk : chunk + 900]
        ).values_list("id", "number", "title", "description", "category_id"):
            texts[pk] = (number, f"{title}。{description}", category)
    threshold = policy.get("reports.hot_spot_similarity_percent") / 100
    clusters = cluster_texts(
        [(pk, texts[pk][1]) for pk in ids if pk in texts], threshold=threshold, top=8
    )
    scale = total / len(texts) if texts else 1
    groups = [
        {
            "terms": c.terms,
            "size": c.size,
            "estimated": round(c.size * scale),
            "example": c.example[:120],
            "tickets": [texts[pk][0] for pk in c.ids[:5]],
            "uncategorised": sum(1 for pk in c.ids if texts[pk][2] is None),
        }
        for c in clusters
    ]
    return {
        "total": total,
        "by_category": by_category,
        "text_groups": groups,
        "texts_read": len(texts),
    }


def calls_section(since: dt.datetime, until: dt.datetime) -> dict:
    """Call-centre answer rate and service level for the month, and each day's answer rate."""
    from kefu.callcenter.stats import Settings
    from kefu.reports.facts import call_facts_ensure
    from kefu.reports.models import CallDayFact

    s = Settings.current()
    month_start = since.astimezone(zone()).date().replace(day=1)
    call_facts_ensure(month_start)
    aggs = formulas._service_level_aggs()
    days = list(
        CallDayFact.objects.filter(
            day__gte=since.astimezone(zone()).date(), day__lt=until.astimezone(zone()).date()
        )
        .values("day")
        .annotate(**aggs)
        .order_by("day")
    )
    month = {k: sum(r[k] for r in days) for k in aggs}
    answer = formulas._ratio(month["answered"], month["offered"])
    level = formulas._service_level(month)
    target = s.answer_rate_target
    daily = []
    for r in days:
        if not r["offered"]:
            continue
        rate = r["answered"] / r["offered"]
        daily.append(
            {
                "day": r["day"].isoformat(),
                "offered": r["offered"],
                "answer_percent": _pct(rate),
                "below": rate < target,
            }
        )
    return {
        "offered": answer.denominator,
        "answered": answer.numerator,
        "answer_percent": _pct(answer.value),
        "service_level_percent": _pct(level.value),
        "service_level_seconds": s.service_level_seconds,
        "answer_target_percent": _pct(target),
        "service_level_target_percent": _pct(s.service_level_target),
        "daily": daily,
        "days_below": sum(1 for d in daily if d["below"]),
    }


def satisfaction_section(since: dt.datetime, until: dt.datetime) -> dict:
    from kefu.followups.models import FollowUp, Kind, Status, SurveyResponse

    surveys = SurveyResponse.objects.filter(answered_at__gte=since, answered_at__lt=until)
    s = surveys.aggregate(mean=Avg("scale_mean"), n=Count("id"), gap=Avg("gap"))
    first, last = since.astimezone(zone()).date(), until.astimezone(zone()).date()
    cb = FollowUp.objects.filter(
        kind=Kind.COMPLAINT_CALLBACK, due_on__gte=first, due_on__lt=last
    ).aggregate(
        due=Count("id", filter=~Q(status=Status.CANCELLED)),
        done=Count("id", filter=Q(status=Status.DONE)),
        reached=Count("id", filter=Q(reached=True)),
        satisfaction=Avg("satisfaction", filter=Q(status=Status.DONE)),
    )
    return {
        "survey_mean": round(float(s["mean"]), 2) if s["mean"] is not None else None,
        "survey_answers": s["n"],
        "survey_gap": round(float(s["gap"]), 2) if s["gap"] is not None else None,
        "complaint_callbacks_due": cb["due"],
        "complaint_callbacks_done": cb["done"],
        "complaint_callbacks_reached": cb["reached"],
        "complaint_callback_satisfaction": (
            round(float(cb["satisfaction"]), 2) if cb["satisfaction"] is not None else None
        ),
    }


def kpi_section(month: dt.date) -> list[dict]:
    """Each active KPI scheme evaluated for each department it applies to (R-SUP-4)."""
    from kefu.reports.selectors import scorecards

    keys = (
        "indicator",
        "display",
        "target_display",
        "achievement_percent",
        "score",
        "weight",
        "met",
    )
    return [
        {
            "scheme": card["scheme"],
            "unit": card["unit"],
            "total_score": card["total_score"],
            "items": [{k: line[k] for k in keys} for line in card["lines"]],
        }
        for card in scorecards(None, COMPANY, month, trend_months=1, fresh=True)
    ]


_TREND_KEYS = ("received", "complaints", "answer_percent", "survey_mean")


def _trend_point(month: dt.date) -> dict:
    since, until = month_bounds(month)
    from kefu.followups.models import SurveyResponse
    from kefu.tickets.models import Ticket

    t = Ticket.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        received=Count("id"), complaints=Count("id", filter=Q(kind="complaint"))
    )
    answer = formulas.evaluate_months("answer_rate", {}, COMPANY, [month])[month]
    mean = SurveyResponse.objects.filter(answered_at__gte=since, answered_at__lt=until).aggregate(
        m=Avg("scale_mean")
    )["m"]
    return {
        "received": t["received"],
        "complaints": t["complaints"],
        "answer_percent": _pct(answer.value),
        "survey_mean": round(float(mean), 2) if mean is not None else None,
    }


def trend_section(month: dt.date, current: dict | None = None) -> list[dict]:
    """The last months' headline figures: from built reports where they exist, and for
    ``month`` itself from ``current`` (the figures just built) when given."""
    from kefu.reports.models import MonthlyReport

    months = months_back(month, policy.get("reports.trend_months"))
    stored = {
        r.month: r.data.get("trend_point")
        for r in MonthlyReport.objects.filter(month__in=months[:-1]).only("month", "data")
    }
    out = []
    for m in months:
        point = stored.get(m) if m != month else current
        if not point or any(k not in point for k in _TREND_KEYS):
            point = _trend_point(m)
        out.append({"month": m.strftime("%Y-%m"), **point})
    return out


def build_figures(month: dt.date) -> dict:
    """R-SUP-2: every figure of the month's supervision report, as stored JSON."""
    since, until = month_bounds(month)
    requests = requests_section(since, until)
    complaints = complaints_section(since, until)
    calls = calls_section(since, until)
    satisfaction = satisfaction_section(since, until)
    current = {
        "received": requests["received"],
        "complaints": complaints["total"],
        "answer_percent": calls["answer_percent"],
        "survey_mean": satisfaction["survey_mean"],
    }
    trend = trend_section(month, current)
    customers = formulas._customers(COMPANY)
    return {
        "schema": SCHEMA,
        "month": month.strftime("%Y-%m"),
        "previous_month": add_months(month, -1).strftime("%Y-%m"),
        "customers": customers,
        "requests": requests,
        "proactive": proactive_section(since, until),
        "kpis": kpi_section(month),
        "complaints": complaints
        | {"per_10k": round(complaints["total"] / customers * 10000, 2) if customers else None},
        "breaches": breaches_section(since, until),
        "satisfaction": satisfaction,
        "calls": calls,
        "trend": trend,
        "trend_point": {k: trend[-1][k] for k in _TREND_KEYS},
    }
