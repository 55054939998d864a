"""The report's tables as an XLSX workbook (:func:`render_xlsx`), one sheet per table, with openpyxl."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from transcarbon.reports.stage_report.text import zh


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
        zh("report.sheet_indicators"),
        [
            zh("report.col_no"),
            "id",
            zh("report.col_indicator"),
            "indicator",
            zh("report.col_value"),
            zh("report.col_unit"),
            *[zh("report.col_target", year=y) for y in data["target_years"]],
            zh("report.col_completion"),
            "value_low",
            "value_high",
            "quality_grade",
            "straddles_target",
            "status",
            zh("report.col_light"),
            "light_rule",
            "p_meet",
            "p_meet_indicative",
            zh("report.col_departments"),
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
                r["value_low"],
                r["value_high"],
                r["quality_grade"],
                r["straddles_target"],
                r["status"],
                zh("web.light." + (r["light"] or "grey")),
                r["light_rule"],
                r["p_meet"],
                r["p_meet_indicative"],
                "、".join(r["departments"]),
            ]
            for r in data["indicators"]
        ],
        first=True,
    )
    _sheet(
        wb,
        zh("report.sheet_warnings"),
        [
            zh("report.col_severity"),
            "indicator",
            "kind",
            zh("report.col_message"),
            "message",
            zh("report.col_departments"),
        ],
        [
            [
                zh("web.severity." + str(w["severity"])),
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
        zh("report.sheet_scorecards"),
        [
            zh("report.col_department"),
            "department",
            zh("report.col_indicators"),
            "green",
            "yellow",
            "red",
            "grey",
            zh("report.col_score"),
            zh("report.col_grade"),
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
        zh("report.sheet_sectors"),
        [
            zh("report.col_sector"),
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
    sc = data.get("scenario") or {"targets": [], "run_id": None}
    _sheet(
        wb,
        zh("report.sheet_scenario"),
        [
            zh("report.col_indicator"),
            "indicator",
            zh("report.scn_col_year"),
            zh("report.scn_col_target"),
            zh("report.scn_col_value"),
            "unit",
            zh("report.scn_col_p"),
            "oil_peak_year",
            "scenario_run",
        ],
        [
            [
                t["name_zh"],
                t["indicator"],
                t["year"],
                t["target"],
                t["value"],
                t["unit"],
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
        [zh("report.sheet_notes"), ""],
        [
            [zh("report.title", city=data["city_zh"], year=data["year"]), ""],
            [zh("report.generated"), data["generated_at"]],
            ["code_version", data["code_version"]],
            ["inventory run", data["run_id"]],
            ["evaluation run", data["evaluation_run"]],
            [zh("report.synthetic"), ""],
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
