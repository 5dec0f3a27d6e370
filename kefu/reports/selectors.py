"""Reads of the reports app: which KPI schemes apply to whom, and scorecards (R-SUP-4)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kefu import policy
from kefu.core.periods import months_back
from kefu.errors import NotFound, PermissionDenied, ValidationFailed
from kefu.org.models import Department, Position, User
from kefu.org.permissions import Scope, check
from kefu.reports import formulas
from kefu.reports.formulas import COMPANY, Unit
from kefu.reports.models import KpiClose, Scheme


def display(value: float | None, unit: str) -> str:
    """A KPI value as people read it: 92.5%, 3.1 per 10,000, 4.2 points, 17."""
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.1f}%"
    if unit == "per10k":
        return f"{value:.2f}‱"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def target_value(target, unit: str) -> float:
    """Targets of percentage indicators are entered as percentages (90 means 90%)."""
    return float(target) / 100 if unit == "percent" else float(target)


def unit_for(user, *, kind: str, pk: int | None) -> Unit:
    """The unit a scorecard is asked for, checked against the viewer's scope (R-SEC-1)."""
    scope = check(user, "kpi.view")
    if kind == "company":
        if scope != Scope.ALL:
            raise ValidationFailed.on(
                "unit", _("Choose your department; the company view is not yours.")
            )
        return COMPANY
    model = {"department": Department, "position": Position, "person": User}.get(kind)
    if model is None:
        raise ValidationFailed.on("unit", _("A unit is company, department, position or person."))
    obj = model.objects.filter(pk=pk).first() if pk else None
    if obj is None:
        missing = {
            "department": _("There is no such department."),
            "position": _("There is no such position."),
            "person": _("There is no such person."),
        }
        raise NotFound(message=missing[kind])
    department = obj if kind == "department" else obj.department
    if scope != Scope.ALL:
        if department is None:
            raise PermissionDenied(message=_("You may see scorecards of your own department only."))
        check(user, "kpi.view", department=department)
    if kind == "department":
        return Unit("department", department=obj)
    if kind == "position":
        return Unit("position", position=obj, department=obj.department)
    return Unit("person", user=obj, department=obj.department, position=obj.position)


def schemes_for(unit: Unit) -> QuerySet[Scheme]:
    """Active schemes that apply to ``unit``: by its department (or one above it) and position.

    A scheme naming no department applies everywhere; one naming no position applies to
    every position of its departments.
    """
    schemes = Scheme.objects.filter(is_active=True)
    if unit.kind == "company":
        return schemes.filter(departments__isnull=True, positions__isnull=True).distinct()
    dept = unit.department
    if dept is not None:
        ancestors = [p for p in dept.path.split("/") if p]
        prefixes = ["/" + "/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
        schemes = schemes.filter(Q(departments__isnull=True) | Q(departments__path__in=prefixes))
    position = unit.position
    if unit.kind in ("position", "person") and position is not None:
        schemes = schemes.filter(Q(positions__isnull=True) | Q(positions=position))
    else:
        schemes = schemes.filter(positions__isnull=True)
    return schemes.distinct().order_by("name")


def scorecard(scheme: Scheme, unit: Unit, month: dt.date, *, trend_months: int = 6) -> dict:
    """R-SUP-4: each line's value for the month, its target, achievement and weighted score,
    with the trend over the months before."""
    months = months_back(month, trend_months)
    lines, total = [], 0.0
    items = list(scheme.items.select_related("indicator").order_by("id"))
    measures = formulas.evaluate_many(
        [(i.indicator.formula, i.indicator.params) for i in items], unit, months
    )
    for item, values in zip(items, measures, strict=True):
        ind = item.indicator
        unit_kind = formulas.unit_of(ind.formula)
        measure = values[month]
        target = target_value(item.target, unit_kind)
        ach = formulas.achievement(measure.value, target, ind.higher_is_better)
        score = None if ach is None else round(ach * float(item.weight), 2)
        total += score or 0
        met = (
            None
            if measure.value is None
            else (measure.value >= target if ind.higher_is_better else measure.value <= target)
        )
        lines.append(
            {
                "indicator": ind.name,
                "code": ind.code,
                "kind": ind.get_kind_display(),
                "variability": ind.get_variability_display(),
                "unit": unit_kind,
                "value": measure.value,
                "display": display(measure.value, unit_kind),
                "numerator": measure.numerator,
                "denominator": measure.denominator,
                "target": target,
                "target_display": display(target, unit_kind),
                "weight": float(item.weight),
                "achievement_percent": None if ach is None else round(ach * 100, 1),
                "score": score,
                "met": met,
                "higher_is_better": ind.higher_is_better,
                "trend": [
                    {
                        "month": m.strftime("%Y-%m"),
                        "value": values[m].value,
                        "display": display(values[m].value, unit_kind),
                    }
                    for m in months
                ],
            }
        )
    return {
        "scheme": scheme.name,
        "scheme_id": scheme.pk,
        "unit": unit.label,
        "unit_kind": unit.kind,
        "month": month.strftime("%Y-%m"),
        "lines": lines,
        "total_score": round(total, 2),
    }


def unit_key(unit: Unit) -> tuple[str, int]:
    """How a unit is filed among a closed month's cards: (kind, id), the company (kind, 0)."""
    obj = {"department": unit.department, "position": unit.position, "person": unit.user}.get(
        unit.kind
    )
    return unit.kind, getattr(obj, "pk", 0) or 0


def live_scorecards(unit: Unit, month: dt.date, *, trend_months: int = 6) -> list[dict]:
    """The cards of ``unit`` computed from the data now; for the whole company, every active
    scheme for each department it applies to (the overview the general manager reads)."""
    if unit.kind != "company":
        return [scorecard(s, unit, month, trend_months=trend_months) for s in schemes_for(unit)]
    cards = []
    for scheme in Scheme.objects.filter(is_active=True).prefetch_related("departments"):
        units = [Unit("department", department=d) for d in scheme.departments.all()] or [COMPANY]
        cards += [scorecard(scheme, u, month, trend_months=trend_months) for u in units]
    return cards


def closed_scorecards(unit: Unit, month: dt.date) -> list[dict] | None:
    """R-SUP-4: the cards of ``unit`` kept when ``month`` was closed, each marked with who
    closed it and when; None while the month is open, or for a person (kept live)."""
    if unit.kind == "person":
        return None
    close = KpiClose.objects.filter(month=month).select_related("closed_by").first()
    if close is None:
        return None
    kind, pk = unit_key(unit)
    by = close.closed_by.display_name if close.closed_by else "system"
    return [
        {**kept.card, "closed_at": close.closed_at, "closed_by": by}
        for kept in close.cards.filter(unit_kind=kind, unit_id=pk).order_by("order")
    ]


_CONFIG_KEY = "kefu:kpi:config"


def scorecards_forget() -> None:
    """A KPI definition or scheme changed: every live card computed before is dropped at once
    (the cards' cache keys carry this token), not only when its seconds run out."""
    cache.set(_CONFIG_KEY, timezone.now().timestamp(), None)


def _live_key(unit: Unit, month: dt.date, trend_months: int) -> str:
    config = cache.get(_CONFIG_KEY)
    if config is None:
        config = timezone.now().timestamp()
        cache.add(_CONFIG_KEY, config, None)
        config = cache.get(_CONFIG_KEY, config)
    kind, pk = unit_key(unit)
    return f"kefu:kpi:cards:{config}:{kind}:{pk}:{month:%Y-%m}:{trend_months}:{get_language()}"


def scorecards(
    user, unit: Unit, month: dt.date, *, trend_months: int = 6, fresh: bool = False
) -> list[dict]:
    """The cards of ``unit`` for ``month``: as kept at the month's close once it is closed
    (R-SUP-4), else computed from the data.

    R-SUP-4 (issue 9): a live card is computed at most once per
    ``reports.scorecard_cache_seconds`` for each unit, month and language, and every viewer
    in that time reads that computation; each card says when it was computed
    (``computed_at``). Supervisors watching the scorecard then cost one cache read each, not
    six months of ticket and call aggregates. ``fresh`` computes it now (the page's 立即重算 link).
    A change to an indicator or scheme drops the cached cards at once.
    """
    closed = closed_scorecards(unit, month)
    if closed is not None:
        return closed
    seconds = policy.get("reports.scorecard_cache_seconds")
    key = _live_key(unit, month, trend_months) if seconds else ""
    if key and not fresh:
        cards = cache.get(key)
        if cards is not None:
            return cards
    cards = live_scorecards(unit, month, trend_months=trend_months)
    computed_at = timezone.now()
    for card in cards:
        card["computed_at"] = computed_at
    if key:
        cache.set(key, cards, seconds)
    return cards
