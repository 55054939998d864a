"""The cockpit's figures, each in one unit, with its scope said in words and a click that opens its lineage.

- :func:`co2_figure`: the city's transport CO2 by year [万吨 CO2 = 10⁴ t], one bar a year (the shown year
  darker); a bar opens that year's lineage of the city total.
- :func:`path_figure`: an indicator's values by year (its own unit, e.g. % fall against the base year), the
  target path from the base year through each target, and the evaluation's stored forecast (the first indicative
  one, to its target year) as a dashed line with its prediction interval; a point opens the indicator page's
  lineage section of that year.

Axis labels and titles use Plotly's ``automargin`` and the legend sits above the plot area, so neither is clipped
on a 390-px phone screen.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from transcarbon.city.config import Indicator
from transcarbon.i18n.numbers import unit_label
from transcarbon.web.common import Page, figure, plot

T_PER_WAN_T = 10_000.0
"""Tonnes in one 万吨 (10⁴ t): the cockpit's one unit of CO2."""

BAR, BAR_SHOWN = "#8db9c9", "#1f6f8b"
LEGEND_ABOVE = {"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"}


def _axes(x_title: str, y_title: str, **x: Any) -> dict[str, Any]:
    """Year axis and value axis, both with automargin (their labels push the margins instead of being cut)."""
    return {
        "xaxis": {"automargin": True, "title": {"text": x_title}, **x},
        "yaxis": {"automargin": True, "title": {"text": y_title}, "rangemode": "tozero"},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "legend": LEGEND_ABOVE,
    }


def co2_figure(page: Page, series: list[dict[str, Any]], year: int) -> dict[str, Any]:
    """The city's CO2 by year as bars [万吨 CO2] labelled with their values; with ``customdata`` the lineage of
    each year's total where the reader may open lineage."""
    unit = page.t("web.kpi.co2_unit")
    bar: dict[str, Any] = {
        "type": "bar",
        "name": page.t("web.kpi.co2"),
        "x": [s["year"] for s in series],
        "y": [s["co2_t"] / T_PER_WAN_T for s in series],
        "text": [f"{s['co2_t'] / T_PER_WAN_T:,.1f}" for s in series],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [BAR_SHOWN if s["year"] == year else BAR for s in series]},
        "hovertemplate": page.t("web.cockpit.co2_hover", unit=unit) + "<extra></extra>",
    }
    if page.may("lineage"):
        bar["customdata"] = [page.path("lineage", result_id=s["result_id"]) for s in series]
    layout = _axes(page.t("web.col.year"), unit, dtick=1)
    layout["showlegend"] = False
    return figure([bar], layout)


def value_axis_title(page: Page, ind: Indicator) -> str:
    """The value axis of an indicator's chart in words with its unit (a reduction: 较YYYY年下降（%）)."""
    unit = unit_label(ind.unit, page.lang)
    if ind.kind == "reduction":
        return page.t("web.cockpit.fall_axis", year=page.city.base_year_of(ind), unit=unit)
    return unit


def path_figure(
    page: Page,
    ind: Indicator,
    row: dict[str, Any] | None,
    hist: list[dict[str, Any]],
    *,
    lineage: bool = False,
) -> dict[str, Any]:
    """History, the target path from the base year through each target, and the evaluation's stored forecast
    to the next target year after the shown one (dashed, with its interval; a target year itself is judged, not
    forecast). ``lineage``: each actual point carries the URL of the indicator page's lineage section."""
    shown = [h for h in hist if h.get("value") is not None]
    xs = [h["year"] for h in shown]
    ys = [h["value"] for h in shown]
    unit = unit_label(ind.unit, page.lang)
    actual: dict[str, Any] = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": page.t("web.chart.actual"),
        "x": xs,
        "y": ys,
        "line": {"color": "#1f6f8b", "width": 3},
        "hovertemplate": f"%{{x}}: %{{y:,.2f}} {unit}<extra></extra>",
    }
    if lineage:
        actual["customdata"] = [
            page.path("indicator", indicator_id=ind.id, query={"year": yr}) + "#lineage" for yr in xs
        ]
    data: list[dict[str, Any]] = [actual]
    base_year = page.city.base_year_of(ind)
    targets = [(yr, v) for yr in page.city.target_years if (v := ind.target_value(yr)) is not None]
    base_value = (
        0.0 if ind.kind in ("reduction", "growth") else (1.0 if ind.kind == "multiple" else (ys[0] if ys else None))
    )
    if targets and base_value is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": page.t("web.chart.target_path"),
                "x": [base_year, *[yr for yr, _ in targets]],
                "y": [base_value, *[v for _, v in targets]],
                "line": {"color": "#3c8d2f", "dash": "dot", "width": 2},
                "marker": {"symbol": "diamond", "size": 9},
            }
        )
    data += _forecast_traces(page, row, xs, ys)
    return figure(data, _axes(page.t("web.col.year"), value_axis_title(page, ind), dtick=1 if len(xs) < 8 else 5))


def stored_forecast(row: dict[str, Any] | None) -> dict[str, Any]:
    """The first indicative forecast the evaluation stored with the row (empty when none)."""
    later = [f for f in ((row or {}).get("details") or {}).get("forecasts") or [] if f.get("indicative")]
    return later[0] if later else {}


def _forecast_traces(page: Page, row: dict[str, Any] | None, xs: list[int], ys: list[float]) -> list[dict[str, Any]]:
    """The stored forecast from the last actual value to its target year (dashed) and its prediction interval."""
    fc = stored_forecast(row)
    if not fc or fc.get("value") is None or not xs:
        return []
    fy = fc["year"]
    out: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": page.t("web.chart.forecast_to", year=fy),
            "x": [xs[-1], fy],
            "y": [ys[-1], fc["value"]],
            "line": {"color": "#e07b39", "dash": "dash", "width": 2},
            "marker": {"size": [0, 8]},
        }
    ]
    low, high = fc.get("low"), fc.get("high")
    if low is not None and high is not None:
        out.append(
            {
                "type": "scatter",
                "mode": "lines",
                "fill": "toself",
                "name": page.t("web.chart.band"),
                "x": [xs[-1], fy, fy, xs[-1]],
                "y": [ys[-1], high, low, ys[-1]],
                "hoverinfo": "skip",
                "fillcolor": "rgba(224,123,57,0.18)",
                "line": {"width": 0},
            }
        )
    return out


def intensity_scope(page: Page, ind: Indicator, scope: str) -> str:
    """The headline intensity's scope in words: which vehicles, CO2 over converted turnover, against which year."""
    return page.t("web.cockpit.intensity_scope", scope=scope, base=page.city.base_year_of(ind))


def cockpit_charts(
    page: Page, year: int, series: list[dict[str, Any]], ind: Indicator, row: dict[str, Any], scope: str
) -> dict[str, Markup]:
    """The cockpit's two charts with their captions: the title, then the scope, the unit, the forecast and what
    a click opens, each in words."""
    lineage = page.may("lineage")
    fc = stored_forecast(row)
    co2_notes = [page.t("web.cockpit.co2_scope"), page.t("web.cockpit.unit_line", unit=page.t("web.kpi.co2_unit"))]
    path_notes = [
        intensity_scope(page, ind, scope),
        page.t("web.cockpit.unit_line", unit=unit_label(ind.unit, page.lang)),
    ]
    if fc.get("value") is not None:
        path_notes.append(page.t("web.cockpit.forecast_note", year=fc["year"]))
    if lineage:
        co2_notes.append(page.t("web.cockpit.click_bar"))
        path_notes.append(page.t("web.cockpit.click_point"))
    return {
        "co2_chart": plot(co2_figure(page, series, year), page.t("web.chart.co2_title"), 300, co2_notes),
        "path_chart": plot(
            path_figure(page, ind, row, row["history"], lineage=lineage),
            page.t("web.chart.path_of", name=page.name(ind.name_zh, ind.name_en)),
            300,
            path_notes,
        ),
    }
