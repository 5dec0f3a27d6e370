"""Every write of the reports app: KPI definitions and schemes (R-SUP-4), and the monthly
supervision report's build, commentary and issue (R-SUP-2)."""

from __future__ import annotations

import hashlib
import json
import time
from decimal import Decimal, InvalidOperation

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.models import Action
from kefu.audit.services import audit_record, snapshot
from kefu.core.periods import previous_month, this_month
from kefu.errors import Conflict, ValidationFailed
from kefu.org.models import Department, Position, User
from kefu.org.permissions import check
from kefu.org.roles import Role
from kefu.reports import formulas
from kefu.reports.formulas import Unit
from kefu.reports.models import (
    ClosedScorecard,
    Indicator,
    IndicatorKind,
    KpiClose,
    MonthlyReport,
    ReportStatus,
    Scheme,
    SchemeItem,
    Variability,
)
from kefu.reports.selectors import scorecards_forget

_INDICATOR_FIELDS = [
    "code",
    "name",
    "kind",
    "variability",
    "formula",
    "params",
    "higher_is_better",
    "description",
    "is_active",
]


def _clean_indicator(data: dict, *, instance: Indicator | None) -> dict:
    code = (data.get("code") or "").strip()
    name = (data.get("name") or "").strip()
    if not code:
        raise ValidationFailed.on("code", _("Give the indicator a code."))
    if not name:
        raise ValidationFailed.on("name", _("Give the indicator a name."))
    clash = Indicator.objects.filter(code=code)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    if clash.exists():
        raise ValidationFailed.on("code", _("An indicator with code “%(c)s” exists.") % {"c": code})
    if data.get("kind") not in IndicatorKind.values:
        raise ValidationFailed.on("kind", _("Choose result or process indicator."))
    if data.get("variability") not in Variability.values:
        raise ValidationFailed.on("variability", _("Choose fixed or variable indicator."))
    formula = data.get("formula") or ""
    params = formulas.clean_params(formula, data.get("params") or {})
    higher = data.get("higher_is_better")
    if higher is None:
        higher = (
            formulas.STANDARD[formula].higher_is_better if formula in formulas.STANDARD else True
        )
    return {
        "code": code,
        "name": name,
        "kind": data["kind"],
        "variability": data["variability"],
        "formula": formula,
        "params": params,
        "higher_is_better": bool(higher),
        "description": (data.get("description") or "").strip(),
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def indicator_create(*, actor, **data) -> Indicator:
    """R-SUP-4: define a KPI from the formula catalogue (an unknown filter field is refused)."""
    check(actor, "kpi.manage")
    indicator = Indicator.objects.create(**_clean_indicator(data, instance=None))
    audit_record(actor=actor, action=Action.CREATE, target=indicator, after=snapshot(indicator))
    transaction.on_commit(scorecards_forget)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **data) -> Indicator:
    check(actor, "kpi.manage")
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    before = snapshot(indicator, _INDICATOR_FIELDS)
    merged = {f: getattr(indicator, f) for f in _INDICATOR_FIELDS} | data
    for field, value in _clean_indicator(merged, instance=indicator).items():
        setattr(indicator, field, value)
    indicator.save(update_fields=_INDICATOR_FIELDS)
    transaction.on_commit(scorecards_forget)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=indicator,
        before=before,
        after=snapshot(indicator, _INDICATOR_FIELDS),
    )
    return indicator


# R-SUP-4: what a figure of each unit can reach (a rate 100%, a satisfaction score 5).
_TARGET_CEILING = {"percent": Decimal(100), "score": Decimal(5)}


def _clean_items(items: object) -> list[tuple[Indicator, Decimal, Decimal]]:
    if not isinstance(items, list) or not items:
        raise ValidationFailed.on("items", _("A scheme needs at least one indicator."))
    clean, seen = [], set()
    for n, item in enumerate(items, start=1):
        try:
            indicator = Indicator.objects.get(pk=int(item["indicator"]))
            target = Decimal(str(item["target"]))
            weight = Decimal(str(item["weight"]))
        except (KeyError, TypeError, ValueError, InvalidOperation, Indicator.DoesNotExist):
            raise ValidationFailed.on(
                "items",
                _("Line %(n)d: give an existing indicator, a target and a weight.") % {"n": n},
            ) from None
        if indicator.pk in seen:
            raise ValidationFailed.on(
                "items", _("“%(i)s” is in the scheme twice.") % {"i": indicator.name}
            )
        if not indicator.is_active:
            raise ValidationFailed.on(
                "items", _("“%(i)s” is no longer in use.") % {"i": indicator.name}
            )
        if not Decimal(0) < weight <= Decimal(100):
            raise ValidationFailed.on(
                "items",
                _("Line %(n)d: a weight is a percentage above 0 and at most 100.") % {"n": n},
            )
        if target < 0:
            raise ValidationFailed.on(
                "items", _("Line %(n)d: a target cannot be negative.") % {"n": n}
            )
        ceiling = _TARGET_CEILING.get(formulas.unit_of(indicator.formula))
        if ceiling is not None and target > ceiling:
            raise ValidationFailed.on(
                "items",
                _("Line %(n)d: “%(i)s” cannot go above %(max)s; a target of %(t)s is never met.")
                % {
                    "n": n,
                    "i": indicator.name,
                    "max": ceiling,
                    "t": format(target.normalize(), "f"),
                },
            )
        seen.add(indicator.pk)
        clean.append((indicator, target, weight))
    total = sum(w for _i, _t, w in clean)
    if total != Decimal(100):
        raise ValidationFailed.on(
            "items",
            _("The weights add up to %(t)s%%; they must total 100%%.")
            % {"t": format(total.normalize(), "f")},
        )
    return clean


def _scheme_state(scheme: Scheme) -> dict:
    return {
        "name": scheme.name,
        "is_active": scheme.is_active,
        "departments": sorted(scheme.departments.values_list("pk", flat=True)),
        "positions": sorted(scheme.positions.values_list("pk", flat=True)),
        "items": [
            [i.indicator_id, str(i.target), str(i.weight)] for i in scheme.items.order_by("id")
        ],
    }


@transaction.atomic
def scheme_save(
    *,
    actor,
    scheme: Scheme | None = None,
    name: str,
    items: list[dict],
    departments: list[int] | None = None,
    positions: list[int] | None = None,
    is_active: bool = True,
) -> Scheme:
    """R-SUP-4: a KPI scheme — indicators with targets and weights totalling 100%, applied to
    departments and positions. Saving replaces the scheme's lines as a whole."""
    check(actor, "kpi.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.on("name", _("Give the scheme a name."))
    clash = Scheme.objects.filter(name=name)
    if scheme is not None:
        clash = clash.exclude(pk=scheme.pk)
    if clash.exists():
        raise ValidationFailed.on("name", _("A scheme named “%(n)s” exists.") % {"n": name})
    clean = _clean_items(items)
    depts = list(Department.objects.filter(pk__in=departments or []))
    if len(depts) != len(set(departments or [])):
        raise ValidationFailed.on("departments", _("One of the departments does not exist."))
    posts = list(Position.objects.filter(pk__in=positions or []))
    if len(posts) != len(set(positions or [])):
        raise ValidationFailed.on("positions", _("One of the positions does not exist."))
    before = None
    if scheme is None:
        scheme = Scheme.objects.create(name=name, is_active=is_active, created_by=_user(actor))
    else:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        before = _scheme_state(scheme)
        scheme.name, scheme.is_active, scheme.updated_at = name, is_active, timezone.now()
        scheme.save(update_fields=["name", "is_active", "updated_at"])
        scheme.items.all().delete()
    scheme.departments.set(depts)
    scheme.positions.set(posts)
    SchemeItem.objects.bulk_create(
        SchemeItem(scheme=scheme, indicator=i, target=t, weight=w) for i, t, w in clean
    )
    audit_record(
        actor=actor,
        action=Action.CREATE if before is None else Action.UPDATE,
        target=scheme,
        before=before,
        after=_scheme_state(scheme),
    )
    transaction.on_commit(scorecards_forget)
    return scheme


def _user(actor) -> User | None:
    return actor if getattr(actor, "pk", None) else None


# The monthly supervision report (R-SUP-2) ------------------------------------------------


def content_hash(report: MonthlyReport) -> str:
    """SHA-256 over the figures and commentary exactly as issued (R-SEC-4)."""
    body = json.dumps(
        {"month": report.month.isoformat(), "data": report.data, "commentary": report.commentary},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _refuse_future(month) -> None:
    if month > this_month():
        raise ValidationFailed.on(
            "month",
            _("%(m)s has not begun; a report can only cover a month that has.")
            % {"m": month.strftime("%Y-%m")},
        )


def _refuse_issued(report: MonthlyReport | None) -> None:
    if report is not None and report.is_issued:
        raise Conflict(
            message=_("The report for %(m)s was issued on %(d)s and is frozen.")
            % {"m": report, "d": timezone.localtime(report.issued_at).strftime("%Y-%m-%d")}
        )


def monthly_report_build(*, actor, month=None) -> MonthlyReport:
    """R-SUP-2: build (or rebuild while still a draft) the month's report from the data.

    ``month`` defaults to last month (the worker runs this on the first day of a month).
    An issued report is frozen: rebuilding it is refused. The figures are computed before
    the write transaction, so a build of several seconds does not hold the database's
    write lock (SQLite has one for everybody); the issued check is repeated under the lock.
    """
    from kefu.reports.monthly import build_figures

    check(actor, "report.write")
    month = (month or previous_month()).replace(day=1)
    _refuse_future(month)
    _refuse_issued(MonthlyReport.objects.filter(month=month).first())
    started = time.perf_counter()
    data = build_figures(month)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().filter(month=month).first()
        _refuse_issued(report)
        if report is None:
            report = MonthlyReport.objects.create(
                month=month, data=data, built_by=_user(actor), build_seconds=seconds
            )
            audit_record(
                actor=actor,
                action=Action.CREATE,
                target=report,
                summary=_("Monthly supervision report built"),
            )
        else:
            report.data, report.built_at, report.built_by = data, timezone.now(), _user(actor)
            report.build_seconds, report.version = seconds, report.version + 1
            report.save(update_fields=["data", "built_at", "built_by", "build_seconds", "version"])
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                target=report,
                summary=_("Monthly supervision report rebuilt from the data"),
            )
        transaction.on_commit(lambda: _tell_built(report))
    return report


def _tell_built(report: MonthlyReport) -> None:
    from django.urls import reverse

    from kefu.core.notify import notify

    readers = User.objects.filter(
        is_active=True, role_rows__role__in=[Role.BUSINESS_SUPERVISOR]
    ).distinct()
    notify(
        readers,
        _("The supervision report for %(m)s is built; add your commentary and issue it.")
        % {"m": report},
        url=reverse("reports:monthly_detail", args=[str(report)]),
    )


def _locked(report: MonthlyReport, version: int | None) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.is_issued:
        raise Conflict(message=_("The report for %(m)s is issued and frozen.") % {"m": report})
    if version is not None and version != report.version:
        raise Conflict(
            message=_("The report was rebuilt or changed meanwhile; reload it and try again.")
        )
    return report


@transaction.atomic
def monthly_report_comment(
    *, actor, report: MonthlyReport, commentary: str, version: int | None = None
) -> MonthlyReport:
    """R-SUP-2: the business department's commentary, before the report is issued."""
    check(actor, "report.write")
    report = _locked(report, version)
    before = {"commentary": report.commentary}
    report.commentary = (commentary or "").strip()
    report.version += 1
    report.save(update_fields=["commentary", "version"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        target=report,
        before=before,
        after={"commentary": report.commentary},
    )
    return report


@transaction.atomic
def monthly_report_issue(
    *, actor, report: MonthlyReport, version: int | None = None
) -> MonthlyReport:
    """R-SUP-2, R-SEC-4: issue the report to the general manager; it is frozen from now on,
    its content sealed with a hash that the page checks."""
    check(actor, "report.write")
    report = _locked(report, version)
    if report.month >= this_month():
        # R-SUP-2: the report is made at month end. A draft of the running month may be
        # built to look at; issuing it would freeze figures that stop at today.
        raise Conflict(
            message=_(
                "%(m)s is not over yet: its figures stop at today. Build the report again "
                "after the month ends, then issue it."
            )
            % {"m": report.month.strftime("%Y-%m")}
        )
    if not report.commentary:
        raise ValidationFailed.on(
            "commentary", _("Add the business department's commentary before issuing.")
        )
    report.status, report.issued_at, report.issued_by = (
        ReportStatus.ISSUED,
        timezone.now(),
        _user(actor),
    )
    report.content_hash = content_hash(report)
    report.version += 1
    report.save(update_fields=["status", "issued_at", "issued_by", "content_hash", "version"])
    audit_record(
        actor=actor,
        action=Action.SIGN,
        target=report,
        summary=_("Monthly supervision report issued"),
        after={"content_hash": report.content_hash},
    )
    transaction.on_commit(lambda: _tell_issued(report))
    return report


def _tell_issued(report: MonthlyReport) -> None:
    from django.urls import reverse

    from kefu.core.notify import notify

    readers = User.objects.filter(
        is_active=True, role_rows__role__in=[Role.GM, Role.DIRECTOR]
    ).distinct()
    notify(
        readers,
        _("The service supervision report for %(m)s has been issued.") % {"m": report},
        url=reverse("reports:monthly_detail", args=[str(report)]),
    )


# The month's appraisal closed (R-SUP-4) ---------------------------------------------------


def _views_to_close() -> list[Unit]:
    """The units whose scorecards a close keeps: the company overview, every department and
    every position (R-SUP-4 breaks KPIs down to departments and positions). A person's card
    stays live: it is a reading aid, the appraisal is by department and position."""
    views = [formulas.COMPANY]
    views += [Unit("department", department=d) for d in Department.objects.order_by("path")]
    views += [
        Unit("position", position=p, department=p.department)
        for p in Position.objects.select_related("department").order_by("pk")
    ]
    return views


def _close_hash(month, cards: list[tuple[str, int, dict]]) -> str:
    body = json.dumps(
        {"month": month.isoformat(), "cards": cards},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _already_closed(month) -> Conflict:
    return Conflict(
        message=_("The appraisal of %(m)s is already closed.") % {"m": month.strftime("%Y-%m")}
    )


def kpi_month_close(*, actor, month) -> KpiClose:
    """R-SUP-4: close a month's appraisal: every scorecard of the company, each department
    and each position is kept as it stands now, and from then on shown as kept (with who
    closed it and when), whatever is entered for that month later. Only a month that is over
    can be closed, and only once (a 409 after that). The cards are computed before the write
    transaction, as the monthly report's figures are."""
    from kefu.reports.selectors import live_scorecards, unit_key

    check(actor, "kpi.manage")
    if month >= this_month():
        raise ValidationFailed.on(
            "month",
            _("%(m)s is not over yet; a month's appraisal is closed after the month ends.")
            % {"m": month.strftime("%Y-%m")},
        )
    if KpiClose.objects.filter(month=month).exists():
        raise _already_closed(month)
    cards: list[tuple[str, int, dict]] = []
    for view in _views_to_close():
        kind, pk = unit_key(view)
        cards += [(kind, pk, card) for card in live_scorecards(view, month)]
    cards = json.loads(json.dumps(cards, cls=DjangoJSONEncoder))  # as stored: plain JSON
    with transaction.atomic():
        try:
            with transaction.atomic():  # the unique month decides between two at once
                close = KpiClose.objects.create(
                    month=month, closed_by=_user(actor), content_hash=_close_hash(month, cards)
                )
        except IntegrityError:
            raise _already_closed(month) from None
        orders: dict[tuple[str, int], int] = {}
        rows = []
        for kind, pk, card in cards:
            order = orders[(kind, pk)] = orders.get((kind, pk), -1) + 1
            rows.append(
                ClosedScorecard(
                    close=close,
                    unit_kind=kind,
                    unit_id=pk,
                    order=order,
                    scheme_id=card["scheme_id"],
                    card=card,
                )
            )
        ClosedScorecard.objects.bulk_create(rows, batch_size=500)
        audit_record(
            actor=actor,
            action=Action.SIGN,
            target=close,
            summary=_("KPI month closed"),
            after={"month": str(close), "cards": len(rows), "content_hash": close.content_hash},
        )
    return close


def kpi_close_intact(close: KpiClose) -> bool:
    """Whether the kept cards still hash to what was sealed at the close (R-SEC-4)."""
    cards = [(c.unit_kind, c.unit_id, c.card) for c in close.cards.order_by("pk")]
    return _close_hash(close.month, cards) == close.content_hash
