"""The monthly supervision report as an Excel workbook with native Excel charts (R-SUP-2)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill

from kefu.reports.models import MonthlyReport

_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_BAD = PatternFill("solid", fgColor="F8D7DA")


def _table(ws, row: int, header: list[str], rows: list[list]) -> tuple[int, int]:
    """Write a header and rows from ``row``; returns (first data row, last data row)."""
    for col, text in enumerate(header, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = _HEAD, _FILL
    for r, values in enumerate(rows, start=row + 1):
        for col, value in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=value)
    for col in range(1, len(header) + 1):
        letter = ws.cell(row=row, column=col).column_letter
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 14)
    return row + 1, row + len(rows)


def _bar(ws, title: str, cats: tuple, data: tuple, anchor: str, *, horizontal=False) -> None:
    if data[1] > data[2]:
        return
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title, chart.height, chart.width = title, 8, 16
    chart.add_data(
        Reference(ws, min_col=data[0], min_row=data[1] - 1, max_col=data[3], max_row=data[2]),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=cats[0], min_row=cats[1], max_row=cats[2]))
    ws.add_chart(chart, anchor)


def _line(ws, title: str, cats: tuple, data: tuple, anchor: str) -> None:
    if data[1] > data[2]:
        return
    chart = LineChart()
    chart.title, chart.height, chart.width = title, 8, 18
    chart.add_data(
        Reference(ws, min_col=data[0], min_row=data[1] - 1, max_col=data[3], max_row=data[2]),
        titles_from_data=True,
    )
    chart.set_categories(Reference(ws, min_col=cats[0], min_row=cats[1], max_row=cats[2]))
    ws.add_chart(chart, anchor)


def report_xlsx(report: MonthlyReport) -> bytes:
    d = report.data
    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")
    ws["A1"] = _("Service supervision report %(m)s") % {"m": d["month"]}
    ws["A1"].font = Font(bold=True, size=14)
    status = _("issued") if report.is_issued else _("draft")
    req, calls, sat = d["requests"], d["calls"], d["satisfaction"]
    summary = [
        [_("Status"), status],
        [_("Built at"), timezone.localtime(report.built_at).strftime("%Y-%m-%d %H:%M")],
        [
            _("Issued at"),
            timezone.localtime(report.issued_at).strftime("%Y-%m-%d %H:%M")
            if report.issued_at
            else "—",
        ],
        [_("Content hash (SHA-256)"), report.content_hash or "—"],
        [_("Service requests received"), req["received"]],
        [_("Service requests handled"), req["handled"]],
        [_("Open at month end"), req["open_at_end"]],
        [_("First-contact resolution (%)"), req["fcr_percent"]],
        [_("Repeat contacts"), req["repeat"]],
        [_("Complaints"), d["complaints"]["total"]],
        [_("Complaints per 10,000 customers"), d["complaints"]["per_10k"]],
        [_("Response limit missed"), req["response_late"]],
        [_("Resolution limit missed"), req["resolution_late"]],
        [_("Callbacks and upkeep due"), d["proactive"]["due"]],
        [_("Callback completion (%)"), d["proactive"]["completion_percent"]],
        [_("Survey satisfaction (1–5)"), sat["survey_mean"]],
        [_("Calls offered"), calls["offered"]],
        [_("Answer rate (%)"), calls["answer_percent"]],
        [_("Service level (%)"), calls["service_level_percent"]],
        [_("Days under the answer-rate target"), calls["days_below"]],
    ]
    _table(ws, 3, [_("Figure"), _("Value")], summary)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 24
    row = 5 + len(summary)
    ws.cell(row=row, column=1, value=_("Commentary")).font = _HEAD
    cell = ws.cell(row=row + 1, column=1, value=report.commentary or "—")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 8, end_column=6)

    ws = wb.create_sheet(_("Requests"))
    first, last = _table(
        ws,
        1,
        [_("Kind"), _("Received"), _("Handled")],
        [[k["label"], k["received"], k["handled"]] for k in req["by_kind"]],
    )
    _bar(ws, _("Service requests by kind"), (1, first, last), (2, first, last, 3), "E2")

    ws = wb.create_sheet(_("Proactive"))
    rows = [
        [
            k["label"],
            k["due"],
            k["done"],
            k["unreached"],
            k["open"],
            k["completion_percent"],
            k["satisfaction"],
        ]
        for k in d["proactive"]["by_kind"]
    ]
    first, last = _table(
        ws,
        1,
        [
            _("Kind"),
            _("Due"),
            _("Done"),
            _("Not reached"),
            _("Open"),
            _("Completion (%)"),
            _("Satisfaction"),
        ],
        rows,
    )
    _bar(ws, _("Callbacks and upkeep"), (1, first, last), (2, first, last, 3), "I2")

    ws = wb.create_sheet(_("KPIs"))
    rows = [
        [
            card["scheme"],
            card["unit"],
            line["indicator"],
            line["display"],
            line["target_display"],
            line["weight"],
            line["achievement_percent"],
            line["score"],
        ]
        for card in d["kpis"]
        for line in card["items"]
    ]
    _table(
        ws,
        1,
        [
            _("Scheme"),
            pgettext("appraisal", "Unit"),
            _("Indicator"),
            pgettext("KPI", "Value"),
            _("Target"),
            _("Weight (%)"),
            _("Achievement (%)"),
            _("Score"),
        ],
        rows,
    )
    for r, line in enumerate((ln for c in d["kpis"] for ln in c["items"]), start=2):
        if line["met"] is False:
            ws.cell(row=r, column=4).fill = _BAD

    ws = wb.create_sheet(_("Complaints"))
    cats = d["complaints"]["by_category"]
    first, last = _table(
        ws, 1, [_("Category"), _("Complaints")], [[c["category"], c["count"]] for c in cats]
    )
    _bar(
        ws,
        _("Complaints by category"),
        (1, first, last),
        (2, first, last, 2),
        "D2",
        horizontal=True,
    )
    start = max(last, first) + 18
    ws.cell(row=start - 1, column=1, value=_("Hot spots found in the complaint texts")).font = _HEAD
    _table(
        ws,
        start,
        [
            _("Key words"),
            _("Complaints"),
            _("Estimated in the month"),
            _("Without category"),
            _("Example"),
            _("Tickets"),
        ],
        [
            [
                " ".join(g["terms"]),
                g["size"],
                g["estimated"],
                g["uncategorised"],
                g["example"],
                " ".join(g["tickets"]),
            ]
            for g in d["complaints"]["text_groups"]
        ],
    )

    ws = wb.create_sheet(_("Time limits"))
    _table(
        ws,
        1,
        [_("Department"), _("Tickets late"), _("Response late"), _("Resolution late")],
        [[b["department"], b["tickets"], b["response"], b["resolution"]] for b in d["breaches"]],
    )

    ws = wb.create_sheet(_("Call centre"))
    daily = calls["daily"]
    first, last = _table(
        ws,
        1,
        [_("Day"), _("Answer rate (%)"), _("Calls offered")],
        [[x["day"], x["answer_percent"], x["offered"]] for x in daily],
    )
    for r, x in enumerate(daily, start=first):
        if x["below"]:
            ws.cell(row=r, column=2).fill = _BAD
    _line(ws, _("Answer rate by day"), (1, first, last), (2, first, last, 2), "E2")

    ws = wb.create_sheet(_("Trends"))
    trend = d["trend"]
    first, last = _table(
        ws,
        1,
        [
            _("Month"),
            _("Service requests received"),
            _("Complaints"),
            _("Answer rate (%)"),
            _("Survey satisfaction (1–5)"),
        ],
        [
            [t["month"], t["received"], t["complaints"], t["answer_percent"], t["survey_mean"]]
            for t in trend
        ],
    )
    _line(ws, _("Requests and complaints"), (1, first, last), (2, first, last, 3), "G2")
    _line(ws, _("Answer rate"), (1, first, last), (4, first, last, 4), "G20")
    _line(ws, _("Satisfaction"), (1, first, last), (5, first, last, 5), "G38")

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
