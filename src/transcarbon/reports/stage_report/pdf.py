"""The report as a Chinese PDF (:func:`render_pdf`): A4, ReportLab tables and charts, the CJK font of
:mod:`transcarbon.reports.fonts` embedded (subset to the texts shown)."""

from __future__ import annotations

import io
import json
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from transcarbon.i18n import catalog
from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import format_number, format_percent, unit_label
from transcarbon.i18n.palette import LIGHT_COLOURS
from transcarbon.reports.fonts import register
from transcarbon.reports.stage_report.charts import co2_chart, indicator_chart, path_chart, sector_chart
from transcarbon.reports.stage_report.summary import plan_section, summary_paragraphs
from transcarbon.reports.stage_report.text import report_texts, zh
from transcarbon.services.evaluation import LIGHTS

LIGHT_RGB = {light: colors.HexColor(hex_colour) for light, hex_colour in LIGHT_COLOURS.items()}


def _styles(regular: str, bold: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11),
        "para": ParagraphStyle("para", parent=base, fontSize=10, leading=16, spaceAfter=2.5 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.5),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=20, leading=28, alignment=1, spaceAfter=6 * mm
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=1),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=bold, fontSize=14, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=12, leading=17, spaceBefore=3 * mm, spaceAfter=2 * mm
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=bold, fontSize=10, leading=14, spaceBefore=3 * mm, spaceAfter=1 * mm
        ),
    }


def _range_cell(r: dict[str, Any]) -> str:
    """``low–high · grade`` of an indicator's value, ``*`` where the range straddles its target."""
    if r["value_low"] is None or r["value_high"] is None:
        return ""
    cell = f"{format_number(r['value_low'])}–{format_number(r['value_high'])}"
    if r["quality_grade"]:
        cell += f" · {r['quality_grade']}"
    return cell + (" *" if r["straddles_target"] else "")


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


def _scenario(data: dict[str, Any], st: dict[str, ParagraphStyle], regular: str, bold: str) -> list[Any]:
    """The scenario section: the policy scenario's answers to the plan's 2030 questions (value, P(meet), the peak)."""
    sc = data.get("scenario")
    out: list[Any] = [Paragraph(zh("report.h_scenario"), st["h1"])]
    if sc is None:
        return [*out, Paragraph(zh("report.scn_none"), st["base"])]
    peak = str(sc["peak_year"]) if sc["peak_year"] else zh("report.scn_no_peak", year=sc["by"])
    dist = "，".join(
        f"{zh('report.scn_no_peak', year=sc['by']) if y == 'none' else y} {format_number(100 * v, 1)}%"
        for y, v in sorted(sc["peak_distribution"].items())
    )
    out.append(
        Paragraph(zh("report.scn_lead", name=sc["name_zh"], draws=sc["draws"], peak=peak, dist=dist or "—"), st["base"])
    )
    rows: list[list[Any]] = [
        [
            zh("report.col_indicator"),
            zh("report.scn_col_year"),
            zh("report.scn_col_target"),
            zh("report.scn_col_value"),
            zh("report.scn_col_p"),
        ]
    ]
    for t in sc["targets"]:
        value = (
            zh("report.scn_met")
            if t["kind"] == "milestone" and t["met"]
            else (
                zh("report.scn_not_met") if t["kind"] == "milestone" else f"{format_number(t['value'], 1)} {t['unit']}"
            )
        )
        rows.append(
            [
                Paragraph(t["name_zh"], st["cell"]),
                str(t["year"]),
                "—" if t["kind"] == "milestone" else format_number(t["target"], 1),
                value,
                "—" if t["p_meet"] is None else f"{format_number(100 * t['p_meet'], 0)}%",
            ]
        )
    out.append(_table(rows, [82 * mm, 14 * mm, 20 * mm, 34 * mm, 22 * mm], regular, bold))
    out.append(Paragraph(zh("report.scn_note", run=sc["run_id"]), st["small"]))
    return out


WARNINGS_PER_KIND = 8
"""Warnings listed per category in the PDF (all of them are in the XLSX)."""


def _targets_text(data: dict[str, Any], r: dict[str, Any]) -> str:
    unit = unit_label(r["unit"])
    return (
        "，".join(
            f"{y}年 {format_number(v)} {unit}"
            for y, v in zip(data["target_years"], r["targets"], strict=True)
            if v is not None
        )
        or "—"
    )


def _off_track_pages(data: dict[str, Any], st: dict[str, ParagraphStyle], regular: str) -> list[Any]:
    """One page per indicator off track: value against targets, status, departments, the plan's words, why,
    a chart from zero, the warnings about it."""
    out: list[Any] = []
    for n, r in enumerate(data["off_track"], start=1):
        out.append(PageBreak())
        if n == 1:
            out.append(Paragraph(zh("report.h_off_track"), st["h1"]))
        out.append(Paragraph(f"{n}. {r['name_zh']}", st["h2"]))
        value = "—" if r["value"] is None else format_number(r["value"])
        out.append(
            Paragraph(
                zh(
                    "report.off_value",
                    year=data["year"],
                    value=value,
                    unit=unit_label(r["unit"]),
                    targets=_targets_text(data, r),
                    status=label("status", r["status"]),
                    light=label("light", r["light"]),
                ),
                st["base"],
            )
        )
        out.append(Paragraph(zh("report.off_departments", departments="、".join(r["departments"]) or "—"), st["base"]))
        rule = (r.get("why") or {}).get("rule")
        if rule:
            out.append(Paragraph(zh("report.off_why", rule=zh(f"eval.rule.{rule}")), st["base"]))
        out.append(
            Paragraph(
                zh(
                    "report.off_plan", section=plan_section(r["section"]), title=r["section_title"], text=r["plan_text"]
                ),
                st["base"],
            )
        )
        chart = indicator_chart(r, data["target_years"], regular)
        if chart is not None:
            out.append(Paragraph(zh("report.off_chart", unit=unit_label(r["unit"])), st["small"]))
            out.append(chart)
        if r["warnings"]:
            out.append(Paragraph(zh("report.off_warnings"), st["h3"]))
            out += [Paragraph(zh("report.bullet", text=w), st["small"]) for w in r["warnings"]]
    return out


def _milestones(data: dict[str, Any], st: dict[str, ParagraphStyle], regular: str, bold: str) -> list[Any]:
    """The plan's milestones as 已完成 / 进行中 / 未开始 / 已逾期, with their departments."""
    if not data["milestones"]:
        return []
    rows: list[list[Any]] = [
        [zh("report.col_indicator"), zh("report.col_milestone_state"), zh("report.col_departments")]
    ]
    for r in data["milestones"]:
        rows.append(
            [
                Paragraph(r["name_zh"], st["cell"]),
                label("milestone", r["status"] or "not_started"),
                Paragraph("、".join(r["departments"]), st["cell"]),
            ]
        )
    return [Paragraph(zh("report.h_milestones"), st["h1"]), _table(rows, [100 * mm, 20 * mm, 56 * mm], regular, bold)]


def _warnings(data: dict[str, Any], st: dict[str, ParagraphStyle], regular: str, bold: str) -> list[Any]:
    """The warnings grouped by category (most severe first within each), in Chinese."""
    out: list[Any] = [Paragraph(zh("report.h_warnings_grouped"), st["h1"])]
    if not data["warnings"]:
        return [*out, Paragraph(zh("report.no_warnings"), st["base"])]
    kinds: dict[str, list[dict[str, Any]]] = {}
    for w in data["warnings"]:
        kinds.setdefault(str(w["kind"]), []).append(w)
    for kind, ws in kinds.items():
        out.append(Paragraph(zh("report.warn_group", kind=label("warning_kind", kind), n=len(ws)), st["h3"]))
        rows: list[list[Any]] = [[zh("report.col_severity"), zh("report.col_message"), zh("report.col_departments")]]
        for w in ws[:WARNINGS_PER_KIND]:
            rows.append(
                [
                    label("severity", w["severity"]),
                    Paragraph(w["message_zh"] or "", st["cell"]),
                    Paragraph("、".join(w["departments"]), st["cell"]),
                ]
            )
        out.append(_table(rows, [14 * mm, 112 * mm, 50 * mm], regular, bold))
        if len(ws) > WARNINGS_PER_KIND:
            out.append(Paragraph(zh("report.warn_more", n=len(ws) - WARNINGS_PER_KIND), st["small"]))
    return out


def _annex(data: dict[str, Any], st: dict[str, ParagraphStyle], regular: str, bold: str) -> list[Any]:
    """Methods and sources: the methods in words, the factor sets with their Chinese sources and versions."""
    out: list[Any] = [
        PageBreak(),
        Paragraph(zh("report.h_annex"), st["h1"]),
        Paragraph(zh("report.annex_methods"), st["base"]),
        Paragraph(zh("report.annex_sets"), st["base"]),
    ]
    rows: list[list[Any]] = [
        [zh("report.col_factor_kind"), zh("report.col_factor_source"), zh("report.col_factor_version")]
    ]
    for fs in data["factor_sets"]:
        kind = label("factor_kind", fs["kind"])
        if kind == fs["kind"]:
            continue  # a set that supplies no factor of a line (regions, converted turnover) is named in the methods
        source_key = f"name.factor_source.{fs['name']}"
        rows.append(
            [
                Paragraph(kind, st["cell"]),
                Paragraph(zh(source_key) if source_key in catalog() else "—", st["cell"]),
                Paragraph(f"{fs['version']} · {str(fs['sha256'] or '')[:12]}", st["cell"]),
            ]
        )
    out.append(_table(rows, [44 * mm, 100 * mm, 32 * mm], regular, bold))
    out.append(Paragraph(zh("report.annex_to_check"), st["small"]))
    out.append(Paragraph(zh("report.annex_data"), st["base"]))
    return out


def render_pdf(data: dict[str, Any]) -> bytes:
    """The report as PDF bytes (A4, Chinese, CJK font embedded)."""
    regular, bold = register(report_texts() + json.dumps(data, ensure_ascii=False, default=str))
    st = _styles(regular, bold)
    year, total, base = data["year"], data["total"], data["base"]
    title = Paragraph(zh("report.title_html", city=data["city_zh"], year=year), st["title"])
    story: list[Any] = [
        Spacer(1, 20 * mm),
        title,
        Paragraph(zh("report.subtitle", at=data["generated_at"], version=data["code_version"]), st["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph(zh("report.synthetic"), st["subtitle"]),
        Paragraph(zh("report.sum_title"), st["h1"]),
        *[Paragraph(p, st["para"]) for p in summary_paragraphs(data)],
    ]
    story.append(Paragraph(zh("report.h_overview"), st["h1"]))
    if total:
        change = (total["co2_t"] / base["co2_t"] - 1) * 100 if base and base["co2_t"] else None
        head = data["headline"]
        default = next((sc for sc in head["scopes"] if sc.get("default")), None)
        story.append(
            Paragraph(
                zh(
                    "report.overview",
                    year=year,
                    co2=format_number(total["co2_t"] / 10000, 1),
                    co2_u=format_number((total.get("co2_u_t") or 0) / 10000, 1),
                    grade=total.get("quality_grade") or "—",
                    intensity=format_number(1000 * head["measure"], 1) if head["measure"] is not None else "—",
                    scope=default["name"]["zh"] if default else "—",
                    base=base["year"] if base else "—",
                    change="—" if change is None else f"{change:+.1f}",
                    fall=format_number(head["value"], 1),
                    low=format_number(head["value_low"], 1),
                    high=format_number(head["value_high"], 1),
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
        others = [sc for sc in head["scopes"] if not sc.get("default")]
        if others:
            story.append(
                Paragraph(
                    zh(
                        "report.scopes",
                        scopes="；".join(f"{sc['name']['zh']} {format_number(sc['value'], 1)}%" for sc in others),
                    ),
                    st["small"],
                )
            )
        for g in head["base_grid"]:
            story.append(
                Paragraph(
                    zh(
                        "web.scope.grid_proxy",
                        base_year=head["base_year"],
                        region=g["base_grid_region"],
                        year=g["base_grid_year"],
                        factor=format_number(g["ef_base"]),
                        note=zh("web.scope.grid_proxied") if g["fallback"] else zh("web.scope.grid_published"),
                    ),
                    st["small"],
                )
            )
        story.append(co2_chart(data, regular))
    path = path_chart(data, regular)
    if path is not None:
        story.append(path)
    story += _off_track_pages(data, st, regular)
    story.append(PageBreak())
    story.append(Paragraph(zh("report.h_indicators"), st["h1"]))
    head = [
        zh("report.col_no"),
        zh("report.col_indicator"),
        zh("report.col_value"),
        zh("report.col_unit"),
        *[zh("report.col_target", year=y) for y in data["target_years"]],
        zh("report.col_completion"),
        zh("report.col_range"),
        zh("report.col_light"),
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
                _range_cell(r),
                label("light", r["light"] or "grey"),
            ]
        )
    target_mm = 33 / len(data["target_years"])  # the target years share what the other columns leave of 176 mm
    widths = [
        8 * mm,
        61 * mm,
        15 * mm,
        12 * mm,
        *[target_mm * mm] * len(data["target_years"]),
        13 * mm,
        24 * mm,
        10 * mm,
    ]
    story.append(
        _table(rows, widths, regular, bold, lights=[r["light"] for r in data["indicators"]], light_col=len(head) - 1)
    )
    story.append(Paragraph(zh("report.indicator_note"), st["small"]))
    story += _milestones(data, st, regular, bold)
    story += _scenario(data, st, regular, bold)
    story += _warnings(data, st, regular, bold)
    story.append(Paragraph(zh("report.h_scorecards"), st["h1"]))
    srows: list[list[Any]] = [
        [
            zh("report.col_department"),
            zh("report.col_indicators"),
            *[label("light", lt) for lt in LIGHTS],
            zh("report.col_score"),
            zh("report.col_grade"),
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
    story.append(Paragraph(zh("report.score_note"), st["small"]))
    story.append(KeepTogether([Paragraph(zh("report.h_sectors"), st["h1"]), sector_chart(data, regular)]))
    erows: list[list[Any]] = [
        [zh("report.col_sector"), "CO2（吨）", zh("report.col_energy"), zh("report.col_ctkm"), "kgCO2/吨公里"]
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
    story.append(Paragraph(zh("report.method_note"), st["small"]))
    story += _annex(data, st, regular, bold)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.drawString(18 * mm, 10 * mm, zh("report.footer", city=data["city_zh"], year=year))
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
        title=zh("report.title", city=data["city_zh"], year=year),
        author="transcarbon",
        subject=zh("report.h_overview"),
        lang="zh-CN",
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
