"""Charts of the reports, drawn on the server as SVG (pygal, no script), so they print."""

from __future__ import annotations

import re


def _render(chart) -> str:
    # pygal writes its tooltip configuration as an inline script even with js=[]; the
    # page ships no chart JavaScript, so it goes.
    return re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.DOTALL)


def _style():
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#999",
        colors=("#1f6fb2", "#d9822b", "#2e8b57", "#b22222", "#6a5acd"),
        font_family="'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
        label_font_size=11,
        major_label_font_size=11,
        legend_font_size=12,
        title_font_size=14,
    )


def _options(title: str, width: int, height: int) -> dict:
    return dict(
        js=[],
        width=width,
        height=height,
        style=_style(),
        explicit_size=True,
        disable_xml_declaration=True,
        title=title,
        legend_at_bottom=True,
        print_values=False,
        truncate_label=-1,
    )


def bars(
    title: str,
    labels: list[str],
    series: dict[str, list],
    *,
    width=700,
    height=300,
    horizontal: bool = False,
) -> str:
    import pygal

    chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(
        **_options(title, width, height), show_legend=len(series) > 1
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)


def lines(
    title: str,
    labels: list[str],
    series: dict[str, list],
    *,
    width=700,
    height=280,
    value_range: tuple[float, float] | None = None,
) -> str:
    import pygal

    options = _options(title, width, height)
    if value_range is not None:
        options["range"] = value_range
    chart = pygal.Line(**options, x_label_rotation=30, allow_interruptions=True)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)
