"""The stage evaluation report (阶段评估) of a year: a Chinese PDF and the same tables as XLSX.

:func:`build_report` gathers the figures once (inventory totals, the indicator evaluation, warnings,
department scores, emissions by sector) as plain data, from :mod:`transcarbon.services.figures` and the
evaluation service (:mod:`transcarbon.services.evaluation`, which evaluates the year or reuses its run);
:func:`render_pdf` lays them out with ReportLab (tables, and charts drawn with ReportLab's own vector
graphics, in the embedded CJK font of :mod:`transcarbon.reports.fonts`); :func:`render_xlsx` writes one
sheet per table with openpyxl.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session, sessionmaker

from transcarbon import __version__
from transcarbon.city.config import CityConfig
from transcarbon.i18n import catalog, sector_name, t
from transcarbon.i18n.numbers import format_number, format_percent, unit_label
from transcarbon.i18n.palette import LIGHT_COLOURS
from transcarbon.reports.fonts import register
from transcarbon.services import figures
from transcarbon.services.evaluation import LIGHTS, department_scorecards, year_evaluation

LIGHT_RGB = {light: colors.HexColor(hex_colour) for light, hex_colour in LIGHT_COLOURS.items()}
PATH_INDICATOR = "converted_turnover_co2_intensity"
"""The headline indicator whose path to its targets the report draws."""


def build_report(
    session: Session, city: CityConfig, year: int, *, actor: str, factory: sessionmaker[Session] | None = None
) -> dict[str, Any]:
    """Everything the report shows, as plain data (also what the XLSX holds).

    The year is evaluated (or its run reused) as ``actor``: in the caller's transaction, or with ``factory``
    in a transaction of its own (a page, whose session only reads).
    """
    series = figures.city_series(session)
    ev = year_evaluation(session, city, year, actor=actor, factory=factory)
    total = next((s for s in series if s["year"] == year), None)
    base = series[0] if series else None
    inds = []
    for n, r in enumerate(ev["indicators"], start=1):
        ind = city.indicator(r["id"])
        inds.append(
            {
                "no": n,
                "id": r["id"],
                "section": ind.section,
                "name_zh": r["name_zh"],
                "name_en": r["name_en"],
                "value": r.get("value"),
                "unit": r.get("unit") or ind.unit,
                "targets": [ind.target_value(y) for y in city.target_years],
                "completion_to_date": r.get("completion_to_date"),
                "status": r.get("status"),
                "light": r.get("light") or "grey",
                "p_meet": (r.get("forecast") or {}).get("p_meet"),
                "departments": [
                    city.department(d).name_zh
                    for d in r.get("departments") or []
                    if d in {x.id for x in city.departments}
                ],
            }
        )
    warns = ev["warnings"]  # most severe first
    em = figures.emissions(session, year)
    path_ind = city.indicator(PATH_INDICATOR)
    path_hist = next(r["history"] for r in ev["indicators"] if r["id"] == path_ind.id)
    return {
        "year": year,
        "city_zh": city.city.name_zh,
        "city_en": city.city.name_en,
        "evaluation_run": ev["run_id"],
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code_version": __version__,
        "total": total,
        "base": base,
        "series": series,
        "target_years": list(city.target_years),
        "indicators": inds,
        "lights": {lt: sum(1 for r in inds if r["light"] == lt) for lt in LIGHTS},
        "warnings": [
            {
                "severity": w.get("severity"),
                "indicator": w.get("indicator"),
                "kind": w.get("kind"),
                "message_zh": w.get("message_zh"),
                "message_en": w.get("message_en"),
                "departments": [
                    city.department(d).name_zh
                    for d in w.get("departments") or []
                    if d in {x.id for x in city.departments}
                ],
            }
            for w in warns
        ],
        "scorecards": department_scorecards(session, city, year, actor=actor, factory=factory),
        "by_sector": [
            {
                "sector": r["sector"],
                "name_zh": sector_name(r["sector"], "zh"),
                "co2_t": r["co2_t"],
                "energy_tce": r["energy_tce"],
                "converted_tkm": r["converted_tkm"],
                "intensity": r["intensity_kgco2_per_converted_tkm"],
                "result_id": r["result_id"],
            }
            for r in em["by_sector"]
        ],
        "run_id": em["run_id"],
        "history": {path_ind.id: [(h["year"], h.get("value")) for h in path_hist if h["year"] <= year]},
        "path_targets": [
            (city.base_year_of(path_ind), 0.0),  # a reduction: 0 % in its base year
            *[(y, v) for y in city.target_years if (v := path_ind.target_value(y)) is not None],
        ],
    }


def _texts() -> str:
    """Every report.* catalog text (Chinese), for the font subset."""
    return "".join(v["zh"] for k, v in catalog().items() if k.startswith("report."))


# --------------------------------------------------------------------------- PDF


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=20, leading=28, alignment=1, spaceAfter=6 * mm
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=1),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=bold, fontSize=14, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
    }


def _co2_chart(data: dict[str, Any], font: str) -> Drawing:
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
    d.add(lp)
    d.add(String(100 * mm, 57 * mm, t("report.chart_intensity", "zh"), fontName=font, fontSize=8))
    return d


def _path_chart(data: dict[str, Any], font: str) -> Drawing | None:
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


def _sector_chart(data: dict[str, Any], font: str) -> Drawing:
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


def _zh(key: str, **values: object) -> str:
    return t(key, "zh", **values)


def _table(
    rows: list[list[Any]],
    widths: list[float],
    font: str,
    bold: str,
    *,
    lights: list[str] | None = None,
    light_col: int | None = None,
) -> Table:
    tb = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e9ee")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#a9b2bc")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if lights and light_col is not None:
        for i, lt in enumerate(lights, start=1):
            style.append(("TEXTCOLOR", (light_col, i), (light_col, i), LIGHT_RGB.get(lt, colors.black)))
    tb.setStyle(TableStyle(style))
    return tb


def render_pdf(data: dict[str, Any]) -> bytes:
    """The report as PDF bytes (A4, Chinese, CJK font embedded)."""
    regular, bold = register(_texts() + json.dumps(data, ensure_ascii=False, default=str))
    st = _styles(regular, bold)
    year, total, base = data["year"], data["total"], data["base"]
    title = Paragraph(_zh("report.title_html", city=data["city_zh"], year=year), st["title"])
    story: list[Any] = [
        Spacer(1, 20 * mm),
        title,
        Paragraph(_zh("report.subtitle", at=data["generated_at"], version=data["code_version"]), st["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph(_zh("report.synthetic"), st["subtitle"]),
    ]
    story.append(Paragraph(_zh("report.h_overview"), st["h1"]))
    if total:
        change = (total["co2_t"] / base["co2_t"] - 1) * 100 if base and base["co2_t"] else None
        ichange = (
            (total["intensity_kgco2_per_converted_tkm"] / base["intensity_kgco2_per_converted_tkm"] - 1) * 100
            if base and base["intensity_kgco2_per_converted_tkm"]
            else None
        )
        story.append(
            Paragraph(
                _zh(
                    "report.overview",
                    year=year,
                    co2=format_number(total["co2_t"] / 10000, 1),
                    intensity=format_number(1000 * total["intensity_kgco2_per_converted_tkm"], 1),
                    base=base["year"] if base else "—",
                    change="—" if change is None else f"{change:+.1f}",
                    ichange="—" if ichange is None else f"{ichange:+.1f}",
                    green=data["lights"]["green"],
                    yellow=data["lights"]["yellow"],
                    red=data["lights"]["red"],
                    grey=data["lights"]["grey"],
                    warnings=len(data["warnings"]),
                    run=data["run_id"],
                ),
                st["base"],
            )
        )
        story.append(_co2_chart(data, regular))
    path = _path_chart(data, regular)
    if path is not None:
        story.append(path)
    story.append(PageBreak())
    story.append(Paragraph(_zh("report.h_indicators"), st["h1"]))
    head = [
        _zh("report.col_no"),
        _zh("report.col_indicator"),
        _zh("report.col_value"),
        _zh("report.col_unit"),
        *[_zh("report.col_target", year=y) for y in data["target_years"]],
        _zh("report.col_completion"),
        _zh("report.col_light"),
    ]
    rows: list[list[Any]] = [head]
    for r in data["indicators"]:
        unit = unit_label(r["unit"])
        rows.append(
            [
                str(r["no"]),
                Paragraph(r["name_zh"], st["cell"]),
                format_number(r["value"]),
                unit,
                *[format_number(v) for v in r["targets"]],
                format_percent(r["completion_to_date"]),
                _zh("web.light." + (r["light"] or "grey")),
            ]
        )
    target_mm = 36 / len(data["target_years"])  # the target years share what the other columns leave of 176 mm
    widths = [8 * mm, 80 * mm, 16 * mm, 13 * mm, *[target_mm * mm] * len(data["target_years"]), 13 * mm, 10 * mm]
    story.append(
        _table(rows, widths, regular, bold, lights=[r["light"] for r in data["indicators"]], light_col=len(head) - 1)
    )
    story.append(Paragraph(_zh("report.indicator_note"), st["small"]))
    story.append(Paragraph(_zh("report.h_warnings"), st["h1"]))
    if data["warnings"]:
        wrows: list[list[Any]] = [
            [_zh("report.col_severity"), _zh("report.col_message"), _zh("report.col_departments")]
        ]
        for w in data["warnings"]:
            wrows.append(
                [
                    _zh("web.severity." + str(w["severity"])),
                    Paragraph(w["message_zh"] or "", st["cell"]),
                    Paragraph("、".join(w["departments"]), st["cell"]),
                ]
            )
        story.append(_table(wrows, [14 * mm, 112 * mm, 50 * mm], regular, bold))
    else:
        story.append(Paragraph(_zh("report.no_warnings"), st["base"]))
    story.append(Paragraph(_zh("report.h_scorecards"), st["h1"]))
    srows: list[list[Any]] = [
        [
            _zh("report.col_department"),
            _zh("report.col_indicators"),
            *[_zh("web.light." + lt) for lt in LIGHTS],
            _zh("report.col_score"),
            _zh("report.col_grade"),
        ]
    ]
    for c in data["scorecards"]:
        srows.append(
            [
                Paragraph(c["name_zh"], st["cell"]),
                str(c["indicators"]),
                str(c["green"]),
                str(c["yellow"]),
                str(c["red"]),
                str(c["grey"]),
                format_number(c["score"], 1),
                c["grade_zh"] or "—",
            ]
        )
    story.append(_table(srows, [60 * mm, 18 * mm, 12 * mm, 12 * mm, 12 * mm, 12 * mm, 20 * mm, 20 * mm], regular, bold))
    story.append(Paragraph(_zh("report.score_note"), st["small"]))
    story.append(KeepTogether([Paragraph(_zh("report.h_sectors"), st["h1"]), _sector_chart(data, regular)]))
    erows: list[list[Any]] = [
        [_zh("report.col_sector"), "CO2（吨）", _zh("report.col_energy"), _zh("report.col_ctkm"), "kgCO2/吨公里"]
    ]
    for r in data["by_sector"]:
        erows.append(
            [
                r["name_zh"],
                format_number(r["co2_t"], 0),
                format_number(r["energy_tce"], 0),
                format_number(r["converted_tkm"], 0),
                format_number(r["intensity"], 4),
            ]
        )
    story.append(_table(erows, [34 * mm, 32 * mm, 32 * mm, 44 * mm, 30 * mm], regular, bold))
    story.append(Paragraph(_zh("report.method_note"), st["small"]))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(18 * mm, 10 * mm, _zh("report.footer", city=data["city_zh"], year=year))
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        initialFontName=regular,
        title=_zh("report.title", city=data["city_zh"], year=year),
        author="transcarbon",
        subject=_zh("report.h_overview"),
        lang="zh-CN",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


# --------------------------------------------------------------------------- XLSX


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]], *, first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = title
    ws.append(header)
    for r in rows:
        ws.append(r)
    fill = PatternFill("solid", fgColor="E4E9EE")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, h in enumerate(header, start=1):
        width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows if i - 1 < len(r) and r[i - 1] is not None])
        ws.column_dimensions[get_column_letter(i)].width = min(
            60, max(8, width * 1.6 if any(ord(ch) > 255 for ch in str(h)) else width + 2)
        )
    ws.freeze_panes = "A2"


def render_xlsx(data: dict[str, Any]) -> bytes:
    """The report's tables as an XLSX workbook (indicators, warnings, scorecards, sectors, notes)."""
    wb = Workbook()
    _sheet(
        wb,
        _zh("report.sheet_indicators"),
        [
            _zh("report.col_no"),
            "id",
            _zh("report.col_indicator"),
            "indicator",
            _zh("report.col_value"),
            _zh("report.col_unit"),
            *[_zh("report.col_target", year=y) for y in data["target_years"]],
            _zh("report.col_completion"),
            "status",
            _zh("report.col_light"),
            "p_meet",
            _zh("report.col_departments"),
        ],
        [
            [
                r["no"],
                r["id"],
                r["name_zh"],
                r["name_en"],
                r["value"],
                r["unit"],
                *r["targets"],
                r["completion_to_date"],
                r["status"],
                _zh("web.light." + (r["light"] or "grey")),
                r["p_meet"],
                "、".join(r["departments"]),
            ]
            for r in data["indicators"]
        ],
        first=True,
    )
    _sheet(
        wb,
        _zh("report.sheet_warnings"),
        [
            _zh("report.col_severity"),
            "indicator",
            "kind",
            _zh("report.col_message"),
            "message",
            _zh("report.col_departments"),
        ],
        [
            [
                _zh("web.severity." + str(w["severity"])),
                w["indicator"],
                w["kind"],
                w["message_zh"],
                w["message_en"],
                "、".join(w["departments"]),
            ]
            for w in data["warnings"]
        ],
    )
    _sheet(
        wb,
        _zh("report.sheet_scorecards"),
        [
            _zh("report.col_department"),
            "department",
            _zh("report.col_indicators"),
            "green",
            "yellow",
            "red",
            "grey",
            _zh("report.col_score"),
            _zh("report.col_grade"),
        ],
        [
            [
                c["name_zh"],
                c["department_id"],
                c["indicators"],
                c["green"],
                c["yellow"],
                c["red"],
                c["grey"],
                c["score"],
                c["grade_zh"],
            ]
            for c in data["scorecards"]
        ],
    )
    _sheet(
        wb,
        _zh("report.sheet_sectors"),
        [
            _zh("report.col_sector"),
            "sector",
            "co2_t",
            "energy_tce",
            "converted_tkm",
            "intensity_kgco2_per_converted_tkm",
            "result_id",
        ],
        [
            [r["name_zh"], r["sector"], r["co2_t"], r["energy_tce"], r["converted_tkm"], r["intensity"], r["result_id"]]
            for r in data["by_sector"]
        ],
    )
    _sheet(
        wb,
        _zh("report.sheet_notes"),
        [_zh("report.sheet_notes"), ""],
        [
            [_zh("report.title", city=data["city_zh"], year=data["year"]), ""],
            [_zh("report.generated"), data["generated_at"]],
            ["code_version", data["code_version"]],
            ["inventory run", data["run_id"]],
            ["evaluation run", data["evaluation_run"]],
            [_zh("report.synthetic"), ""],
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
