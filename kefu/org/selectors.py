"""Reads of the organisation that pages and the API share: the span analysis (R-ORG-3, R-ORG-4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu import policy
from kefu.org.models import Department, Position
from kefu.org.permissions import check
from kefu.org.spans import Diagnosis, Spans, Step, adjust, diagnose

DIAGNOSIS_LABELS = {
    Diagnosis.RESOURCE_CRISIS: gettext_lazy("Resource crisis"),
    Diagnosis.BUREAUCRACY_CRISIS: gettext_lazy("Bureaucracy crisis"),
    Diagnosis.CONTROL_CRISIS: gettext_lazy("Control crisis"),
    Diagnosis.SHORT: gettext_lazy("Supply slightly short"),
    Diagnosis.BALANCED: gettext_lazy("Balanced"),
}
DIAGNOSIS_MEANINGS = {
    Diagnosis.RESOURCE_CRISIS: gettext_lazy(
        "Supply falls far short of what the work demands; the strategy cannot be carried out."
    ),
    Diagnosis.BUREAUCRACY_CRISIS: gettext_lazy(
        "Responsibility and influence are both wide while resources are short and badly allocated."
    ),
    Diagnosis.CONTROL_CRISIS: gettext_lazy(
        "Supply exceeds demand; performance falls short of what it could be."
    ),
    Diagnosis.SHORT: gettext_lazy("Supply is a little below demand: watch it."),
    Diagnosis.BALANCED: gettext_lazy("Supply equals demand."),
}
# The report lists the worst first.
ORDER = [
    Diagnosis.RESOURCE_CRISIS,
    Diagnosis.BUREAUCRACY_CRISIS,
    Diagnosis.CONTROL_CRISIS,
    Diagnosis.SHORT,
    Diagnosis.BALANCED,
]
SPAN_NAMES = {
    "control": gettext_lazy("control span"),
    "responsibility": gettext_lazy("responsibility span"),
    "influence": gettext_lazy("influence span"),
    "support": gettext_lazy("support span"),
}


def step_text(step: Step) -> str:
    words = {"span": SPAN_NAMES[step.span], "old": step.old, "new": step.new}
    if step.widen:
        return _("widen the %(span)s from %(old)d to %(new)d") % words
    return _("narrow the %(span)s from %(old)d to %(new)d") % words


@dataclass
class SpanRow:
    position: Position
    spans: Spans | None
    diagnosis: Diagnosis | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def supply(self) -> int | None:
        return self.spans.supply if self.spans else None

    @property
    def demand(self) -> int | None:
        return self.spans.demand if self.spans else None

    @property
    def gap(self) -> int | None:
        return self.spans.gap if self.spans else None

    @property
    def label(self) -> str:
        return str(DIAGNOSIS_LABELS[self.diagnosis]) if self.diagnosis else ""

    @property
    def advice(self) -> list[str]:
        return [step_text(s) for s in self.steps]


def position_spans(position: Position) -> Spans | None:
    if not position.spans_rated:
        return None
    return Spans(
        control=position.span_control,
        responsibility=position.span_responsibility,
        influence=position.span_influence,
        support=position.span_support,
    )


def span_row(position: Position, *, far_below: int | None = None, wide: int | None = None):
    """R-ORG-3, R-ORG-4: supply, demand, diagnosis and the adjustment steps of a position."""
    far_below = far_below or policy.get("org.span_far_below_gap")
    wide = wide or policy.get("org.span_wide_at")
    spans = position_spans(position)
    if spans is None:
        return SpanRow(position, None)
    return SpanRow(position, spans, diagnose(spans, far_below=far_below, wide=wide), adjust(spans))


def department_spans(user, department: Department) -> dict:
    """R-ORG-4: every position of a department (and those under it), grouped by crisis.

    Returns the rows in tree order (for the chart), the groups worst first with the
    seed's adjustment order per position, and the unrated positions.
    """
    check(user, "org.span_view", department=department)
    far_below = policy.get("org.span_far_below_gap")
    wide = policy.get("org.span_wide_at")
    positions = Position.objects.filter(department__path__startswith=department.path)
    rows = [
        span_row(p, far_below=far_below, wide=wide)
        for p in positions.select_related("department").order_by("department__path", "title")
    ]
    rated = [r for r in rows if r.spans is not None]
    groups = [
        {
            "diagnosis": d.value,
            "label": DIAGNOSIS_LABELS[d],
            "meaning": DIAGNOSIS_MEANINGS[d],
            "rows": [r for r in rated if r.diagnosis == d],
        }
        for d in ORDER
    ]
    return {
        "department": department,
        "rows": rows,
        "rated": rated,
        "groups": [g for g in groups if g["rows"]],
        "unrated": [r.position for r in rows if r.spans is None],
        "far_below": far_below,
        "wide": wide,
    }


def spans_svg(rows: list[SpanRow]) -> str:
    """Supply against demand for each rated position, as an SVG drawn on the server."""
    import pygal
    from pygal.style import LightStyle

    rated = [r for r in rows if r.spans is not None]
    chart = pygal.Bar(
        js=[],
        width=max(480, 90 * len(rated) + 160),
        height=320,
        style=LightStyle,
        range=(0, 10),
        show_legend=True,
        legend_at_bottom=True,
        explicit_size=True,
        disable_xml_declaration=True,
        x_label_rotation=20 if len(rated) > 6 else 0,
        title=_("Supply (control + support) against demand (responsibility + influence)"),
    )
    chart.x_labels = [r.position.title for r in rated]
    chart.add(_("supply"), [r.supply for r in rated])
    chart.add(_("demand"), [r.demand for r in rated])
    # pygal writes its tooltip configuration as an inline script even with js=[].
    return re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.DOTALL)
