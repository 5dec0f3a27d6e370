"""Report pages: KPI definitions and schemes, scorecards (R-SUP-4), monthly supervision
reports (R-SUP-2) — readable on screen, printable on A4, downloadable as xlsx."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kefu import policy
from kefu.core.db_router import reads_from_replica
from kefu.core.periods import parse_month, previous_month, this_month
from kefu.core.sheets import download
from kefu.errors import DomainError, get_or_404
from kefu.org.models import Department, Position
from kefu.org.permissions import Scope, allowed, check
from kefu.reports import formulas, selectors, services
from kefu.reports.charts import bars, lines
from kefu.reports.models import (
    Indicator,
    IndicatorKind,
    KpiClose,
    MonthlyReport,
    Scheme,
    Variability,
)
from kefu.reports.xlsx import report_xlsx

# ---------------------------------------------------------------- KPI definitions


_OPERATORS = (("<=", "__lte"), (">=", "__gte"), ("<", "__lt"), (">", "__gt"), ("=", ""))


def _filter_value(text: str):
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _parse_filter(text: str) -> dict:
    """One condition per line → a filter (R-SUP-4): ``kind=complaint``, ``kind=complaint,
    fault`` (any of), ``wait_seconds<=20`` (also <, >, >=); a bare name means true.
    true/false become yes/no, numbers numbers; the formula checks the rest."""
    out = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        at = next((i for i, c in enumerate(line) if c in "<>="), None)
        if at is None:
            out[line.strip()] = True
            continue
        sign, lookup = next(o for o in _OPERATORS if line.startswith(o[0], at))
        name, value = line[:at].strip(), line[at + len(sign) :]
        if not lookup and "," in value:
            out[f"{name}__in"] = [_filter_value(v) for v in value.split(",") if v.strip()]
        else:
            out[name + lookup] = _filter_value(value)
    return out


def _indicator_data(post) -> dict:
    formula = post.get("formula", "")
    params = {}
    if formula in formulas.CUSTOM:
        params = {"source": post.get("source", ""), "filter": _parse_filter(post.get("filter"))}
        if formula == "ratio":
            params["denominator"] = _parse_filter(post.get("denominator"))
    higher = post.get("higher_is_better")
    return {
        "code": post.get("code", ""),
        "name": post.get("name", ""),
        "kind": post.get("kind"),
        "variability": post.get("variability"),
        "formula": formula,
        "params": params,
        "higher_is_better": None if higher in (None, "") else higher == "1",
        "description": post.get("description", ""),
        "is_active": True,
    }


@login_required
@reads_from_replica
def kpi_index(request):
    check(request.user, "kpi.view")
    can_manage = allowed(request.user, "kpi.manage")
    form_error, posted = None, {}
    if request.method == "POST":
        check(request.user, "kpi.manage")
        posted = request.POST
        try:
            indicator = services.indicator_create(actor=request.user, **_indicator_data(posted))
        except DomainError as exc:
            form_error = exc
        else:
            messages.success(request, _("Indicator “%(n)s” defined.") % {"n": indicator.name})
            return redirect("reports:kpis")
    schemes = Scheme.objects.prefetch_related("departments", "positions", "items__indicator")
    return render(
        request,
        "reports/kpis.html",
        {
            "indicators": Indicator.objects.all(),
            "schemes": schemes,
            "can_manage": can_manage,
            "formulas": formulas.formula_choices(),
            "sources": formulas.SOURCES,
            "kinds": IndicatorKind.choices,
            "variabilities": Variability.choices,
            "standard": formulas.STANDARD,
            "form_error": form_error,
            "posted": posted,
        },
        status=400 if form_error else 200,
    )


def _scheme_items(post) -> list[dict]:
    items = []
    for ind, target, weight in zip(
        post.getlist("indicator"), post.getlist("target"), post.getlist("weight"), strict=False
    ):
        if ind:
            items.append({"indicator": ind, "target": target, "weight": weight})
    return items


@login_required
def scheme_edit(request, scheme_id: int | None = None):
    check(request.user, "kpi.manage")
    scheme = get_or_404(Scheme, pk=scheme_id) if scheme_id else None
    form_error = None
    if request.method == "POST":
        try:
            scheme = services.scheme_save(
                actor=request.user,
                scheme=scheme,
                name=request.POST.get("name", ""),
                items=_scheme_items(request.POST),
                departments=[int(x) for x in request.POST.getlist("departments") if x.isdigit()],
                positions=[int(x) for x in request.POST.getlist("positions") if x.isdigit()],
                is_active=request.POST.get("is_active") == "1",
            )
        except DomainError as exc:
            form_error = exc
        else:
            messages.success(request, _("Scheme “%(n)s” saved.") % {"n": scheme.name})
            return redirect("reports:kpis")
    lines_ = list(scheme.items.all()) if scheme else []
    rows = [{"indicator": i.indicator_id, "target": i.target, "weight": i.weight} for i in lines_]
    if request.method == "POST":
        rows = _scheme_items(request.POST)
    rows += [{}] * max(0, 10 - len(rows))
    return render(
        request,
        "reports/scheme_form.html",
        {
            "scheme": scheme,
            "rows": rows,
            "form_error": form_error,
            "indicators": Indicator.objects.filter(is_active=True),
            "departments": Department.objects.all(),
            "positions": Position.objects.select_related("department"),
            "chosen_departments": {
                int(x) for x in request.POST.getlist("departments") if x.isdigit()
            }
            if request.method == "POST"
            else {d.pk for d in scheme.departments.all()}
            if scheme
            else set(),
            "chosen_positions": {int(x) for x in request.POST.getlist("positions") if x.isdigit()}
            if request.method == "POST"
            else {p.pk for p in scheme.positions.all()}
            if scheme
            else set(),
            "name": request.POST.get("name", scheme.name if scheme else ""),
            "is_active": scheme.is_active
            if scheme and request.method != "POST"
            else request.POST.get("is_active", "1") == "1",
        },
        status=400 if form_error else 200,
    )


# ---------------------------------------------------------------- scorecards


def _sparkline(points: list[dict]) -> str:
    values = [p["value"] for p in points]
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    lo, hi = min(known), max(known)
    span = (hi - lo) or 1
    step = 110 / max(1, len(values) - 1)
    coords = " ".join(
        f"{i * step + 5:.1f},{25 - (v - lo) / span * 20:.1f}"
        for i, v in enumerate(values)
        if v is not None
    )
    return (
        f'<svg class="spark" width="120" height="30" viewBox="0 0 120 30" role="img">'
        f'<polyline fill="none" stroke="#1f6fb2" stroke-width="2" points="{coords}"/></svg>'
    )


@login_required
@reads_from_replica
def scorecard(request):
    scope = check(request.user, "kpi.view")
    unit_kind = request.GET.get("unit") or ("company" if scope == Scope.ALL else "department")
    raw_id = request.GET.get("id") or ""
    if request.GET.get("target"):  # the page's one chooser: "company", "department:5", ...
        unit_kind, _sep, raw_id = request.GET["target"].partition(":")
    pk = int(raw_id) if raw_id.isdigit() else None
    if unit_kind == "department" and pk is None and request.user.department_id:
        pk = request.user.department_id
    month = parse_month(request.GET["month"]) if request.GET.get("month") else previous_month()
    unit = selectors.unit_for(request.user, kind=unit_kind, pk=pk)
    cards = selectors.scorecards(request.user, unit, month, fresh=request.GET.get("fresh") == "1")
    for card in cards:
        for line in card["lines"]:
            line["spark"] = _sparkline(line["trend"])
    departments = Department.objects.all()
    if scope != Scope.ALL and request.user.department is not None:
        departments = departments.filter(path__startswith=request.user.department.path)
    return render(
        request,
        "reports/scorecard.html",
        {
            "cards": cards,
            "unit": unit,
            "month": month.strftime("%Y-%m"),
            "departments": departments,
            "positions": Position.objects.select_related("department"),
            "unit_kind": unit_kind,
            "unit_id": pk,
            "company_allowed": scope == Scope.ALL,
            "cache_seconds": policy.get("reports.scorecard_cache_seconds"),
            "refresh_query": urlencode(
                {
                    "target": f"{unit_kind}:{pk}" if pk else unit_kind,
                    "month": f"{month:%Y-%m}",
                    "fresh": "1",
                }
            ),
            "can_close": allowed(request.user, "kpi.manage")
            and month < this_month()
            and not KpiClose.objects.filter(month=month).exists(),
        },
    )


@login_required
@require_POST
def kpi_close(request):
    """R-SUP-4: close the month's appraisal from the scorecard page."""
    check(request.user, "kpi.manage")
    target = request.POST.get("target", "")
    try:
        month = parse_month(request.POST.get("month", ""))
        close = services.kpi_month_close(actor=request.user, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The appraisal of %(m)s is closed: its scorecards are kept as they stand.")
            % {"m": close},
        )
    query = urlencode({"month": request.POST.get("month", ""), "target": target})
    return redirect(reverse("reports:scorecard") + "?" + query)


# ---------------------------------------------------------------- monthly reports


@login_required
@reads_from_replica
def monthly_list(request):
    check(request.user, "report.view")
    return render(
        request,
        "reports/monthly_list.html",
        {
            "reports": MonthlyReport.objects.all(),
            "can_write": allowed(request.user, "report.write"),
            "default_month": previous_month().strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
def monthly_build(request):
    try:
        month = parse_month(request.POST.get("month", ""))
        report = services.monthly_report_build(actor=request.user, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:monthly")
    messages.success(request, _("The report for %(m)s is built.") % {"m": report})
    return redirect("reports:monthly_detail", month=str(report))


def _floor(trend: list[dict], calls: dict) -> float:
    """The answer-rate axis starts a little under the lowest month (or the target)."""
    known = [t["answer_percent"] for t in trend if t["answer_percent"] is not None]
    return max(0, int(min([*known, calls["answer_target_percent"] or 90]) // 10 * 10 - 10))


def _charts(data: dict) -> dict:
    req, comp, calls, trend = data["requests"], data["complaints"], data["calls"], data["trend"]
    months = [t["month"] for t in trend]
    return {
        "kinds": bars(
            _("Service requests by kind"),
            [k["label"] for k in req["by_kind"]],
            {
                _("Received"): [k["received"] for k in req["by_kind"]],
                _("Handled"): [k["handled"] for k in req["by_kind"]],
            },
        ),
        "categories": bars(
            _("Complaints by category"),
            [c["category"] for c in comp["by_category"][:10]],
            {_("Complaints"): [c["count"] for c in comp["by_category"][:10]]},
            horizontal=True,
            height=320,
        )
        if comp["by_category"]
        else "",
        "daily": lines(
            _("Answer rate by day (%)"),
            [d["day"][5:] for d in calls["daily"]],
            {
                _("Answer rate (%)"): [d["answer_percent"] for d in calls["daily"]],
                _("Target"): [calls["answer_target_percent"]] * len(calls["daily"]),
            },
        )
        if calls["daily"]
        else "",
        "trend": lines(
            _("Requests and complaints, last months"),
            months,
            {
                _("Service requests received"): [t["received"] for t in trend],
                _("Complaints"): [t["complaints"] for t in trend],
            },
        ),
        "satisfaction": lines(
            _("Survey satisfaction (1–5)"),
            months,
            {_("Survey satisfaction (1–5)"): [t["survey_mean"] for t in trend]},
            value_range=(1, 5),
        ),
        "answer_trend": lines(
            _("Answer rate by month (%)"),
            months,
            {
                _("Answer rate (%)"): [t["answer_percent"] for t in trend],
                _("Target"): [calls["answer_target_percent"]] * len(months),
            },
            value_range=(_floor(trend, calls), 100),
        ),
    }


def _report(request, month: str) -> MonthlyReport:
    check(request.user, "report.view")
    return get_or_404(MonthlyReport, month=parse_month(month))


@login_required
@reads_from_replica
def monthly_detail(request, month: str):
    report = _report(request, month)
    hash_ok = None
    if report.is_issued:
        hash_ok = services.content_hash(report) == report.content_hash
    return render(
        request,
        "reports/monthly_detail.html",
        {
            "report": report,
            "d": report.data,
            "charts": _charts(report.data),
            "can_write": allowed(request.user, "report.write") and not report.is_issued,
            "hash_ok": hash_ok,
        },
    )


@login_required
@require_POST
def monthly_comment(request, month: str):
    report = _report(request, month)
    version = request.POST.get("version", "")
    try:
        if request.POST.get("action") == "issue":
            if request.POST.get("commentary", "").strip() != report.commentary:
                report = services.monthly_report_comment(
                    actor=request.user,
                    report=report,
                    commentary=request.POST["commentary"],
                    version=int(version) if version.isdigit() else None,
                )
                version = str(report.version)
            services.monthly_report_issue(
                actor=request.user,
                report=report,
                version=int(version) if version.isdigit() else None,
            )
            messages.success(request, _("The report is issued to the general manager."))
        elif request.POST.get("action") == "rebuild":
            services.monthly_report_build(actor=request.user, month=report.month)
            messages.success(request, _("The figures were rebuilt from the data."))
        else:
            services.monthly_report_comment(
                actor=request.user,
                report=report,
                commentary=request.POST.get("commentary", ""),
                version=int(version) if version.isdigit() else None,
            )
            messages.success(request, _("Commentary saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:monthly_detail", month=month)


@login_required
@reads_from_replica
def monthly_xlsx(request, month: str):
    report = _report(request, month)
    return download(report_xlsx(report), f"supervision-report-{report}.xlsx")
