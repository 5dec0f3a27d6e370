"""/api/v1/reports: KPI definitions, schemes and scorecards (R-SUP-4); the monthly
supervision report (R-SUP-2)."""

# No `from __future__ import annotations` here: django-ninja builds its request
# models from these annotations at run time.
import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Router, Schema, Status

from kefu.core.db_router import reads_from_replica
from kefu.core.periods import parse_month, previous_month
from kefu.core.sheets import download
from kefu.errors import get_or_404
from kefu.org.permissions import check
from kefu.reports import formulas, selectors, services
from kefu.reports.models import (
    Indicator,
    IndicatorKind,
    KpiClose,
    MonthlyReport,
    Scheme,
    Variability,
)
from kefu.reports.xlsx import report_xlsx

router = Router(tags=["reports"])


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    kind: IndicatorKind
    variability: Variability
    formula: str
    params: dict[str, Any]
    higher_is_better: bool
    description: str
    is_active: bool
    unit: str

    @staticmethod
    def resolve_unit(obj):
        return formulas.unit_of(obj.formula)


class IndicatorIn(Schema):
    code: str
    name: str
    kind: IndicatorKind
    variability: Variability
    formula: str = Field(
        description="answer_rate, service_level, fcr, repeat_contact_rate, "
        "complaints_per_10k, time_limit_compliance, callback_completion, "
        "satisfaction, count or ratio"
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description='For count and ratio: {"source": "tickets|calls|callbacks|surveys", '
        '"filter": {field: value}, "denominator": {field: value}}; a field may carry '
        "`__in` (a list of values) or, when numeric, `__gt`, `__gte`, `__lt`, `__lte`",
    )
    higher_is_better: bool | None = None
    description: str = ""
    is_active: bool = True


class IndicatorPatch(Schema):
    name: str | None = None
    kind: IndicatorKind | None = None
    variability: Variability | None = None
    formula: str | None = None
    params: dict[str, Any] | None = None
    higher_is_better: bool | None = None
    description: str | None = None
    is_active: bool | None = None


class ItemIO(Schema):
    indicator: int
    target: Decimal = Field(description="percentage indicators: in percent (90 = 90%)")
    weight: Decimal = Field(description="percent; a scheme's weights total 100")


class SchemeOut(Schema):
    id: int
    name: str
    is_active: bool
    departments: list[int]
    positions: list[int]
    items: list[ItemIO]

    @staticmethod
    def resolve_departments(obj):
        return [d.pk for d in obj.departments.all()]

    @staticmethod
    def resolve_positions(obj):
        return [p.pk for p in obj.positions.all()]

    @staticmethod
    def resolve_items(obj):
        return [
            {"indicator": i.indicator_id, "target": i.target, "weight": i.weight}
            for i in obj.items.all()
        ]


class SchemeIn(Schema):
    name: str
    items: list[ItemIO]
    departments: list[int] = []
    positions: list[int] = []
    is_active: bool = True


class TrendPoint(Schema):
    month: str
    value: float | None
    display: str


class ScoreLine(Schema):
    indicator: str
    code: str
    unit: str
    value: float | None
    display: str
    numerator: float | None
    denominator: float | None
    target: float
    target_display: str
    weight: float
    achievement_percent: float | None
    score: float | None
    met: bool | None
    trend: list[TrendPoint]


class ScorecardOut(Schema):
    scheme: str
    scheme_id: int
    unit: str
    unit_kind: str
    month: str
    total_score: float
    lines: list[ScoreLine]
    closed_at: dt.datetime | None = Field(None, description="set once the month is closed")
    closed_by: str | None = None
    computed_at: dt.datetime | None = Field(
        None, description="when a live card was computed (cached for a short time)"
    )


class KpiCloseIn(Schema):
    month: str = Field(..., description="YYYY-MM, a month that is over")


class KpiCloseOut(Schema):
    month: str
    closed_at: dt.datetime
    closed_by: str
    cards: int
    content_hash: str
    intact: bool


def _close_out(close) -> dict:
    return {
        "month": str(close),
        "closed_at": close.closed_at,
        "closed_by": close.closed_by.display_name if close.closed_by else "system",
        "cards": close.cards.count(),
        "content_hash": close.content_hash,
        "intact": services.kpi_close_intact(close),
    }


class ReportOut(Schema):
    id: int
    month: str
    status: str
    version: int
    built_at: dt.datetime
    build_seconds: float
    issued_at: dt.datetime | None
    content_hash: str
    commentary: str
    data: dict[str, Any]

    @staticmethod
    def resolve_month(obj):
        return str(obj)


class BuildIn(Schema):
    month: str | None = Field(None, description="YYYY-MM; last month when left out")


class CommentIn(Schema):
    commentary: str
    version: int | None = None


class IssueIn(Schema):
    version: int | None = None


def _schemes():
    return Scheme.objects.prefetch_related("departments", "positions", "items")


@router.get("/indicators", response=list[IndicatorOut], summary="List KPI definitions")
@reads_from_replica
def indicator_list(request):
    check(request.user, "kpi.view")
    return Indicator.objects.all()


@router.post("/indicators", response={201: IndicatorOut}, summary="Define a KPI (R-SUP-4)")
def indicator_create(request, body: IndicatorIn):
    return Status(201, services.indicator_create(actor=request.user, **body.dict()))


@router.patch("/indicators/{indicator_id}", response=IndicatorOut, summary="Change a KPI")
def indicator_update(request, indicator_id: int, body: IndicatorPatch):
    check(request.user, "kpi.manage")
    indicator = get_or_404(Indicator, pk=indicator_id)
    data = {k: v for k, v in body.dict().items() if v is not None}
    return services.indicator_update(actor=request.user, indicator=indicator, **data)


@router.get("/schemes", response=list[SchemeOut], summary="List KPI schemes")
@reads_from_replica
def scheme_list(request):
    check(request.user, "kpi.view")
    return _schemes()


def _items(body) -> list[dict]:
    return [i.dict() for i in body.items]


@router.post(
    "/schemes", response={201: SchemeOut}, summary="Create a KPI scheme (weights total 100%)"
)
def scheme_create(request, body: SchemeIn):
    scheme = services.scheme_save(
        actor=request.user,
        name=body.name,
        items=_items(body),
        departments=body.departments,
        positions=body.positions,
        is_active=body.is_active,
    )
    return Status(201, _schemes().get(pk=scheme.pk))


@router.put("/schemes/{scheme_id}", response=SchemeOut, summary="Replace a KPI scheme")
def scheme_replace(request, scheme_id: int, body: SchemeIn):
    check(request.user, "kpi.manage")
    scheme = get_or_404(Scheme, pk=scheme_id)
    services.scheme_save(
        actor=request.user,
        scheme=scheme,
        name=body.name,
        items=_items(body),
        departments=body.departments,
        positions=body.positions,
        is_active=body.is_active,
    )
    return _schemes().get(pk=scheme.pk)


@router.get("/scorecards", response=list[ScorecardOut], summary="Scorecards of a unit (R-SUP-4)")
@reads_from_replica
def scorecard_list(
    request,
    unit: str = "company",
    id: int | None = None,
    month: str | None = None,
    months: int = 6,
):
    """``unit`` is company, department, position or person (with ``id``); ``month`` YYYY-MM
    (default last month); ``months`` of trend (1–24)."""
    target = selectors.unit_for(request.user, kind=unit, pk=id)
    when = parse_month(month) if month else previous_month()
    return selectors.scorecards(request.user, target, when, trend_months=max(1, min(months, 24)))


@router.get("/kpi-closes", response=list[KpiCloseOut], summary="Closed KPI months (R-SUP-4)")
def kpi_close_list(request):
    check(request.user, "kpi.view")
    return [_close_out(c) for c in KpiClose.objects.select_related("closed_by")]


@router.post(
    "/kpi-closes",
    response={201: KpiCloseOut},
    summary="Close a month's appraisal: its scorecards are kept as they stand (R-SUP-4)",
)
def kpi_close_create(request, body: KpiCloseIn):
    close = services.kpi_month_close(actor=request.user, month=parse_month(body.month))
    return Status(201, _close_out(close))


@router.get("/monthly", response=list[ReportOut], summary="Monthly supervision reports")
@reads_from_replica
def report_list(request):
    check(request.user, "report.view")
    return MonthlyReport.objects.all()


@router.post("/monthly", response={201: ReportOut}, summary="Build (or rebuild) a month's report")
def report_build(request, body: BuildIn):
    month = parse_month(body.month) if body.month else None
    return Status(201, services.monthly_report_build(actor=request.user, month=month))


def _report(request, month: str) -> MonthlyReport:
    check(request.user, "report.view")
    return get_or_404(MonthlyReport, month=parse_month(month))


@router.get("/monthly/{month}", response=ReportOut, summary="One month's report")
@reads_from_replica
def report_detail(request, month: str):
    return _report(request, month)


@router.get("/monthly/{month}/xlsx", summary="The report as xlsx with native Excel charts")
@reads_from_replica
def report_download(request, month: str):
    report = _report(request, month)
    return download(report_xlsx(report), f"supervision-report-{report}.xlsx")


@router.put("/monthly/{month}/commentary", response=ReportOut, summary="Set the commentary")
def report_comment(request, month: str, body: CommentIn):
    report = _report(request, month)
    return services.monthly_report_comment(
        actor=request.user, report=report, commentary=body.commentary, version=body.version
    )


@router.post("/monthly/{month}/issue", response=ReportOut, summary="Issue the report (frozen)")
def report_issue(request, month: str, body: IssueIn):
    report = _report(request, month)
    return services.monthly_report_issue(actor=request.user, report=report, version=body.version)
