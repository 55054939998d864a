"""The report's tables as an XLSX workbook (:func:`render_xlsx`), one sheet per table, with openpyxl: Chinese
headers (units in the headings), codes named in words, numbers stored as numbers with a display format (thousands
separators, the decimals of their unit, shares as percentages)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from transcarbon.i18n.labels import label
from transcarbon.i18n.numbers import unit_label
from transcarbon.reports.stage_report.summary import plan_section
from transcarbon.reports.stage_report.text import zh

TONNES = "#,##0"
"""Whole tonnes (and tce, t·km) with thousands separators."""
VALUE = "#,##0.00"
"""An indicator's value: two decimals (percentages, multiples, kg per t·km)."""
INTENSITY = "0.0000"
"""kgCO2 per converted t·km."""
SHARE = "0%"
"""A share [0–1] as a whole percentage."""
COUNT = "0"
"""A count."""
TEXT = "@"

Column = tuple[str, str]
"""(header, number format)."""


def _yes(flag: object) -> str:
    return zh("report.xl_yes") if flag else zh("report.xl_no")


def _sheet(wb: Workbook, title: str, columns: list[Column], rows: list[list[Any]], *, first: bool = False) -> None:
    ws = wb.active if first else wb.create_sheet()
    assert ws is not None
    ws.title = title
    ws.append([h for h, _ in columns])
    for r in rows:
        ws.append(r)
    fill = PatternFill("solid", fgColor="E4E9EE")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, (header, fmt) in enumerate(columns, start=1):
        for row in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            row[0].number_format = fmt
        longest = max([len(str(r[i - 1])) for r in rows if i - 1 < len(r) and r[i - 1] is not None] + [0])
        wide = 2 * len(header) if any(ord(ch) > 255 for ch in header) else len(header)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, wide + 2, min(longest, 40) + 2))
    ws.freeze_panes = "A2"


def render_xlsx(data: dict[str, Any]) -> bytes:
    """The report's tables as an XLSX workbook (indicators, off-track, milestones, warnings, scorecards, sectors,
    LMDI effects, scenario, notes)."""
    wb = Workbook()
    years = data["target_years"]
    _sheet(
        wb,
        zh("report.sheet_indicators"),
        [
            (zh("report.col_no"), COUNT),
            (zh("report.col_indicator"), TEXT),
            (zh("report.xl_section"), TEXT),
            (zh("report.col_value"), VALUE),
            (zh("report.col_unit"), TEXT),
            *[(zh("report.col_target", year=y), VALUE) for y in years],
            (zh("report.col_completion"), SHARE),
            (zh("report.xl_low"), VALUE),
            (zh("report.xl_high"), VALUE),
            (zh("report.col_grade_quality"), TEXT),
            (zh("report.xl_straddles"), TEXT),
            (zh("report.xl_status"), TEXT),
            (zh("report.col_light"), TEXT),
            (zh("report.xl_rule"), TEXT),
            (zh("report.xl_p_meet"), SHARE),
            (zh("report.xl_indicative"), TEXT),
            (zh("report.col_departments"), TEXT),
        ],
        [
            [
                r["no"],
                r["name_zh"],
                f"{plan_section(r['section'])}{r.get('section_title', '')}",
                r["value"],
                unit_label(r["unit"]),
                *r["targets"],
                r["completion_to_date"],
                r["value_low"],
                r["value_high"],
                r["quality_grade"],
                _yes(r["straddles_target"]),
                label("status", r["status"]),
                label("light", r["light"] or "grey"),
                zh(f"eval.rule.{r['light_rule']}") if r["light_rule"] else "",
                r["p_meet"],
                _yes(r["p_meet_indicative"]),
                "、".join(r["departments"]),
            ]
            for r in data["indicators"]
        ],
        first=True,
    )
    _sheet(
        wb,
        zh("report.h_off_track"),
        [
            (zh("report.col_indicator"), TEXT),
            (zh("report.col_value"), VALUE),
            (zh("report.col_unit"), TEXT),
            (zh("report.xl_status"), TEXT),
            (zh("report.col_departments"), TEXT),
            (zh("report.xl_plan"), TEXT),
        ],
        [
            [
                r["name_zh"],
                r["value"],
                unit_label(r["unit"]),
                label("status", r["status"]),
                "、".join(r["departments"]),
                f"{plan_section(r['section'])}{r['section_title']}：{r['plan_text']}",
            ]
            for r in data["off_track"]
        ],
    )
    _sheet(
        wb,
        zh("report.h_milestones"),
        [
            (zh("report.col_indicator"), TEXT),
            (zh("report.col_milestone_state"), TEXT),
            (zh("report.col_departments"), TEXT),
        ],
        [
            [r["name_zh"], label("milestone", r["status"] or "not_started"), "、".join(r["departments"])]
            for r in data["milestones"]
        ],
    )
    _sheet(
        wb,
        zh("report.sheet_warnings"),
        [
            (zh("report.col_severity"), TEXT),
            (zh("report.xl_kind"), TEXT),
            (zh("report.col_message"), TEXT),
            (zh("report.col_departments"), TEXT),
        ],
        [
            [
                label("severity", w["severity"]),
                label("warning_kind", w["kind"]),
                w["message_zh"],
                "、".join(w["departments"]),
            ]
            for w in data["warnings"]
        ],
    )
    _sheet(
        wb,
        zh("report.sheet_scorecards"),
        [
            (zh("report.col_department"), TEXT),
            (zh("report.col_indicators"), COUNT),
            *[(label("light", lt), COUNT) for lt in ("green", "yellow", "red", "grey")],
            (zh("report.col_score"), "0.0"),
            (zh("report.col_grade"), TEXT),
        ],
        [
            [c["name_zh"], c["indicators"], c["green"], c["yellow"], c["red"], c["grey"], c["score"], c["grade_zh"]]
            for c in data["scorecards"]
        ],
    )
    _sheet(
        wb,
        zh("report.sheet_sectors"),
        [
            (zh("report.col_sector"), TEXT),
            (zh("report.xl_co2_t"), TONNES),
            (zh("report.xl_energy_tce"), TONNES),
            (zh("report.xl_ctkm"), TONNES),
            (zh("report.xl_intensity"), INTENSITY),
            (zh("report.xl_result"), COUNT),
        ],
        [
            [r["name_zh"], r["co2_t"], r["energy_tce"], r["converted_tkm"], r["intensity"], r["result_id"]]
            for r in data["by_sector"]
        ],
    )
    lm = data.get("lmdi") or {"effects": []}
    _sheet(
        wb,
        zh("report.xl_lmdi"),
        [(zh("report.xl_effect"), TEXT), (zh("report.xl_effect_t"), TONNES)],
        [[zh(f"web.lmdi.{e}"), v] for e, v in lm["effects"]],
    )
    sc = data.get("scenario") or {"targets": [], "run_id": None}
    _sheet(
        wb,
        zh("report.sheet_scenario"),
        [
            (zh("report.col_indicator"), TEXT),
            (zh("report.scn_col_year"), COUNT),
            (zh("report.scn_col_target"), VALUE),
            (zh("report.scn_col_value"), VALUE),
            (zh("report.col_unit"), TEXT),
            (zh("report.scn_col_p"), SHARE),
            (zh("report.xl_peak"), COUNT),
            (zh("report.xl_scenario_run"), COUNT),
        ],
        [
            [
                t["name_zh"],
                t["year"],
                t["target"],
                t["value"],
                unit_label(t["unit"]),
                t["p_meet"],
                sc.get("peak_year"),
                sc["run_id"],
            ]
            for t in sc["targets"]
        ],
    )
    _sheet(
        wb,
        zh("report.sheet_notes"),
        [(zh("report.sheet_notes"), TEXT), ("", TEXT)],
        [
            [zh("report.title", city=data["city_zh"], year=data["year"]), ""],
            [zh("report.generated"), data["generated_at"]],
            [zh("report.xl_version"), data["code_version"]],
            [zh("report.xl_inventory_run"), data["run_id"]],
            [zh("report.xl_evaluation_run"), data["evaluation_run"]],
            [zh("report.synthetic"), ""],
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
