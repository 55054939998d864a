"""A reporting organisation's own charts (本单位数据), each in one stated unit:

- CO2 by year [t CO2] (the shown year darker) and by month of the shown year [t CO2];
- its intensity [kg CO2 per converted t·km] against its sector's anonymised quartiles that year: the
  interquartile range Q1–Q3 as a band, the median as a tick, its own value as a marker (no other
  organisation's value is drawn: the quartiles are all the page tells of its peers).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from transcarbon.web.cockpit_figures import BAR, BAR_SHOWN, LEGEND_ABOVE
from transcarbon.web.common import Page, figure, plot


def _bars(
    page: Page, xs: list[int], ys: list[float], shown: int | None, x_title: str, *, labelled: bool
) -> dict[str, Any]:
    """CO2 bars [t] over years or months (``labelled``: each with its value above it); ``shown`` darker."""
    unit = page.t("web.own.unit_t")
    bar: dict[str, Any] = {
        "type": "bar",
        "x": xs,
        "y": ys,
        "marker": {"color": [BAR_SHOWN if x == shown else BAR for x in xs]},
        "hovertemplate": f"%{{x}}: %{{y:,.0f}} {unit}<extra></extra>",
    }
    if labelled:
        bar.update(text=[f"{v:,.0f}" for v in ys], textposition="outside", cliponaxis=False)
    return figure(
        [bar],
        {
            "xaxis": {"dtick": 1, "automargin": True, "title": {"text": x_title}},
            "yaxis": {"automargin": True, "rangemode": "tozero", "tickformat": ",.0f", "title": {"text": unit}},
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
            "showlegend": False,
        },
    )


def _position(page: Page, peers: dict[str, Any], own: float | None) -> dict[str, Any]:
    """The sector's interquartile band and median and the organisation's own intensity on one axis."""
    row = page.t("web.own.peer_row")
    unit = page.t("web.own.unit_intensity")
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": page.t("web.own.iqr"),
            "x": [peers["q1"], peers["q3"]],
            "y": [row, row],
            "line": {"color": "#8db9c9", "width": 22},
            "hovertemplate": f"%{{x:.4f}} {unit}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": page.t("web.own.median"),
            "x": [peers["median"]],
            "y": [row],
            "marker": {"symbol": "line-ns-open", "size": 26, "color": "#1f6f8b", "line": {"width": 3}},
            "hovertemplate": f"%{{x:.4f}} {unit}<extra></extra>",
        },
    ]
    if own is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": page.t("web.own.own_value"),
                "x": [own],
                "y": [row],
                "marker": {"symbol": "diamond", "size": 14, "color": "#e07b39", "line": {"width": 1, "color": "#333"}},
                "hovertemplate": f"%{{x:.4f}} {unit}<extra></extra>",
            }
        )
    return figure(
        data,
        {
            "xaxis": {"automargin": True, "title": {"text": unit}, "tickformat": ".3f"},
            "yaxis": {"automargin": True, "showticklabels": False},
            "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
            "legend": LEGEND_ABOVE,
        },
    )


def own_charts(page: Page, found: dict[str, Any]) -> dict[str, Markup | None]:
    """The page's charts from :func:`transcarbon.services.figures.organisation_figures` (None where no data)."""
    years, months, peers, year = found["years"], found["months"], found["peers"], found.get("year")
    unit_note = [page.t("web.cockpit.unit_line", unit=page.t("web.own.unit_t"))]
    by_year = by_month = position = None
    if years:
        fig = _bars(
            page, [r["year"] for r in years], [r["co2_t"] for r in years], year, page.t("web.col.year"), labelled=True
        )
        by_year = plot(fig, page.t("web.own.chart_years"), 280, unit_note)
    if months:
        fig = _bars(
            page,
            [r["month"] for r in months],
            [r["co2_t"] for r in months],
            None,
            page.t("web.col.month"),
            labelled=False,
        )
        by_month = plot(fig, page.t("web.own.chart_months", year=year), 280, unit_note)
    if peers:
        own = next((r["intensity"] for r in years if r["year"] == year), None)
        position = plot(
            _position(page, peers, own),
            page.t("web.own.chart_peers", year=year),
            200,
            [page.t("web.cockpit.unit_line", unit=page.t("web.own.unit_intensity")), page.t("web.own.peers_note")],
        )
    return {"year_chart": by_year, "month_chart": by_month, "peer_chart": position}
