"""The report's charts, drawn with ReportLab's own vector graphics in the embedded CJK font: CO2 and
intensity by year, the headline indicator's path to its targets, CO2 by sector."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm

from transcarbon.i18n import t
from transcarbon.reports.stage_report.data import PATH_INDICATOR


def co2_chart(data: dict[str, Any], font: str) -> Drawing:
    series = data["series"]
    d = Drawing(170 * mm, 62 * mm)
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = 14 * mm, 10 * mm, 70 * mm, 44 * mm
    bc.data = [[s["co2_t"] / 10000 for s in series]]
    bc.categoryAxis.categoryNames = [str(s["year"]) for s in series]
    for axis in (bc.categoryAxis.labels, bc.valueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = colors.HexColor("#1f6f8b")
    d.add(bc)
    d.add(String(14 * mm, 57 * mm, t("report.chart_co2", "zh"), fontName=font, fontSize=8))
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 100 * mm, 10 * mm, 66 * mm, 44 * mm
    lp.data = [[(s["year"], 1000 * (s["intensity_kgco2_per_converted_tkm"] or 0)) for s in series]]
    lp.lines[0].strokeColor = colors.HexColor("#e07b39")
    lp.lines[0].strokeWidth = 2
    lp.lines[0].symbol = makeMarker("FilledCircle")
    lp.xValueAxis.valueSteps = [s["year"] for s in series]
    for axis in (lp.xValueAxis.labels, lp.yValueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    lp.xValueAxis.labelTextFormat = "%d"
    lp.yValueAxis.valueMin = 0  # from zero: a fall of a few per cent is not drawn as a collapse
    d.add(lp)
    d.add(String(100 * mm, 57 * mm, t("report.chart_intensity", "zh"), fontName=font, fontSize=8))
    return d


def path_chart(data: dict[str, Any], font: str) -> Drawing | None:
    row = next((r for r in data["indicators"] if r["id"] == PATH_INDICATOR), None)
    hist = [h for h in _history(data, PATH_INDICATOR) if h[1] is not None]
    if row is None or len(hist) < 2:
        return None
    d = Drawing(170 * mm, 60 * mm)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 14 * mm, 10 * mm, 120 * mm, 42 * mm
    target_pts = [tuple(p) for p in data["path_targets"]]
    lp.data = [hist, target_pts]
    lp.lines[0].strokeColor, lp.lines[0].strokeWidth = colors.HexColor("#1f6f8b"), 2
    lp.lines[0].symbol = makeMarker("FilledCircle")
    lp.lines[1].strokeColor, lp.lines[1].strokeDashArray = colors.HexColor("#3c8d2f"), (3, 2)
    lp.lines[1].symbol = makeMarker("FilledDiamond")
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = target_pts[0][0], max(p[0] for p in target_pts + hist)
    lp.xValueAxis.labelTextFormat = "%d"
    lp.yValueAxis.valueMin = min(0.0, *(p[1] for p in target_pts + hist))  # a reduction from zero
    for axis in (lp.xValueAxis.labels, lp.yValueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    d.add(lp)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 140 * mm, 40 * mm, font, 7
    legend.colorNamePairs = [
        (colors.HexColor("#1f6f8b"), t("report.legend_actual", "zh")),
        (colors.HexColor("#3c8d2f"), t("report.legend_target", "zh")),
    ]
    d.add(legend)
    d.add(String(14 * mm, 55 * mm, f"{row['name_zh'][:40]}（%）", fontName=font, fontSize=8))
    return d


def _history(data: dict[str, Any], indicator_id: str) -> list[tuple[int, float | None]]:
    return [(int(y), v) for y, v in data.get("history", {}).get(indicator_id, [])]


def sector_chart(data: dict[str, Any], font: str) -> Drawing:
    rows = data["by_sector"][::-1]
    d = Drawing(170 * mm, (14 + 6 * len(rows)) * mm)
    bc = HorizontalBarChart()
    bc.x, bc.y, bc.width, bc.height = 30 * mm, 6 * mm, 130 * mm, 6 * len(rows) * mm
    bc.data = [[r["co2_t"] / 10000 for r in rows]]
    bc.categoryAxis.categoryNames = [r["name_zh"] for r in rows]
    for axis in (bc.categoryAxis.labels, bc.valueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    bc.valueAxis.valueMin = 0
    bc.bars[0].fillColor = colors.HexColor("#1f6f8b")
    d.add(bc)
    return d


def indicator_chart(row: dict[str, Any], target_years: list[int], font: str) -> Drawing | None:
    """An off-track indicator's values by year (line) and its targets (diamonds), the value axis from zero (or
    below, for a value under zero) so that the distance to the target is drawn to scale; None without two values."""
    hist = [(int(y), float(v)) for y, v in row["history"] if v is not None]
    targets = [(int(y), float(v)) for y, v in zip(target_years, row["targets"], strict=True) if v is not None]
    if len(hist) < 2:
        return None
    d = Drawing(170 * mm, 58 * mm)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 16 * mm, 8 * mm, 120 * mm, 46 * mm
    lp.data = [hist, targets] if targets else [hist]
    lp.lines[0].strokeColor, lp.lines[0].strokeWidth = colors.HexColor("#1f6f8b"), 2
    lp.lines[0].symbol = makeMarker("FilledCircle")
    if targets:
        lp.lines[1].strokeColor, lp.lines[1].strokeWidth = colors.white, 0.01  # targets as markers only
        lp.lines[1].symbol = makeMarker("FilledDiamond", fillColor=colors.HexColor("#3c8d2f"), size=7)
    values = [v for _, v in hist + targets]
    lp.yValueAxis.valueMin = min(0.0, *values)
    lp.yValueAxis.valueMax = max(values) * 1.1 if max(values) > 0 else 1.0
    years = [y for y, _ in hist + targets]
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = min(years) - 0.5, max(years) + 0.5
    lp.xValueAxis.valueSteps = sorted(set(years))
    lp.xValueAxis.labelTextFormat = "%d"
    for axis in (lp.xValueAxis.labels, lp.yValueAxis.labels):
        axis.fontName, axis.fontSize = font, 7
    d.add(lp)
    legend = Legend()
    legend.x, legend.y, legend.fontName, legend.fontSize = 142 * mm, 40 * mm, font, 7
    legend.colorNamePairs = [
        (colors.HexColor("#1f6f8b"), t("report.legend_actual", "zh")),
        (colors.HexColor("#3c8d2f"), t("report.legend_target_values", "zh")),
    ]
    d.add(legend)
    return d
