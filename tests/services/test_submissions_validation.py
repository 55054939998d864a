"""Each validation rule of the report types: a failing case (naming sheet/file, row, column, value, and
the fix in Chinese and English) and a passing one; ranges from history; jump warnings; the config."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from platform_fixtures import csv_bytes, example_row
from transcarbon.city.config import load_city
from transcarbon.city.reports import ReportConfigError, load_report_types, parse_report_types
from transcarbon.domain import Period
from transcarbon.services.activity_csv import COLUMNS
from transcarbon.services.report_checks import CheckOutcome, check_report
from transcarbon.services.templates import build_xlsx, fill_xlsx, read_upload
from transcarbon.services.validation import ValidationError

CATALOG = load_report_types()
ORG = "FRT"


def _period(rt_id: str) -> Period:
    return Period(2024) if CATALOG.get(rt_id).period == "annual" else Period(2024, 3)


def _row(rt_id: str, **over: object) -> dict[str, object]:
    rt = CATALOG.get(rt_id)
    base = example_row(rt)
    if rt.feeds == "activity":
        base |= {"org_id": ORG, "period": "2024-03"}
    return base | over


FIRST = {
    "vehicle_additions": {"category": "private_car"},
    "shore_power": {"ship_name": "首行轮"},
    "port_throughput": {"port_area": "guanhe"},
    "public_transport": {"mode": "ferry"},
    "milestone_evidence": {"milestone_id": "near_zero_carbon_projects"},
}


def _first(rt_id: str) -> dict[str, object]:
    """A valid row 2 whose key differs from the example's (so that row 3 is no duplicate)."""
    return _row(rt_id, **FIRST.get(rt_id, {}))


def _check(rt_id: str, rows: list[dict[str, object]], history: pl.DataFrame | None = None) -> CheckOutcome:
    rt = CATALOG.get(rt_id)
    raw, sheet = read_upload(rt, csv_bytes(rt, rows), "t.csv")
    return check_report(
        rt, raw, file="t.csv", sheet=sheet, org_id=ORG, period=_period(rt_id), regions=["CN-JS"], history=history
    )


# (report type, bad overrides, column that must fail, text in the English message, good overrides)
CASES = [
    (
        "energy_activity",
        {"amount": 1000, "freight_tkm": 1000},
        "amount",
        "road_freight_diesel_intensity",
        {"amount": 10, "freight_tkm": 1_000_000},
    ),
    (
        "energy_activity",
        {"sector": "waterway_freight", "fuel": "hfo", "amount": 100, "freight_tkm": 1000},
        "amount",
        "waterway_freight_fuel_intensity",
        {"sector": "waterway_freight", "fuel": "hfo", "amount": 100, "freight_tkm": 20_000_000},
    ),
    ("energy_activity", {"org_id": "OTH"}, "org_id", "must be FRT", {"org_id": "FRT"}),
    ("energy_activity", {"period": "2024-04"}, "period", "must be 2024-03", {"period": "2024-03"}),
    (
        "energy_activity",
        {"sector": "waterway_passenger", "freight_tkm": "", "passenger_pkm": 5000},
        "passenger_kind",
        "passenger_kind is required",
        {"sector": "waterway_passenger", "freight_tkm": "", "passenger_pkm": 5000, "passenger_kind": "seat"},
    ),
    ("energy_activity", {"unit": "kWh"}, "unit", "cannot be used for fuel diesel", {"unit": "t"}),
    ("vehicle_additions", {"category": ""}, "category", "required", {"category": "taxi"}),
    ("vehicle_additions", {"power_type": "steam"}, "power_type", "use one of", {"power_type": "fcev"}),
    ("vehicle_additions", {"added_count": "2.5"}, "added_count", "whole number", {"added_count": "2"}),
    ("vehicle_additions", {"added_count": "many"}, "added_count", "must be a number", {"added_count": "3"}),
    ("vehicle_additions", {"added_count": -1}, "added_count", "below 0", {"added_count": 0}),
    (
        "vehicle_additions",
        {"added_count": 100001},
        "added_count",
        "above 100000",
        {"added_count": 100000, "in_service_count": 100000},
    ),
    (
        "vehicle_additions",
        {"category": "inland_vessel", "power_type": "phev"},
        "power_type",
        "vessel_power_types",
        {"category": "inland_vessel", "power_type": "lng"},
    ),
    (
        "vehicle_additions",
        {"in_service_count": 1},
        "in_service_count",
        "in_service_not_below_added",
        {"in_service_count": 25},
    ),
    ("shore_power", {"connections": 0}, "connections", "kwh_needs_connection", {"connections": 1}),
    ("shore_power", {"connected_hours": ""}, "connected_hours", "hours_needed", {"connected_hours": 10}),
    (
        "shore_power",
        {"kwh": 1_000_000, "connected_hours": 10},
        "kwh",
        "power_within_capacity",
        {"kwh": 160_000, "connected_hours": 10},
    ),
    ("shore_power", {"ship_mmsi": "41234AB78"}, "ship_mmsi", "mmsi_digits", {"ship_mmsi": ""}),
    ("shore_power", {"port_area": "shanghai"}, "port_area", "use one of", {"port_area": "xuwei"}),
    (
        "port_throughput",
        {"sea_rail_teu": 600000},
        "sea_rail_teu",
        "multimodal_within_containers",
        {"sea_rail_teu": 512000},
    ),
    (
        "port_throughput",
        {"container_teu": ""},
        "sea_rail_teu",
        "multimodal_within_containers",
        {"container_teu": "", "sea_rail_teu": "", "river_sea_teu": ""},
    ),
    ("port_throughput", {"bulk_total_t": 20_000_000}, "bulk_rail_water_t", "bulk_share", {"bulk_total_t": 18_500_000}),
    ("port_throughput", {"cargo_t": 2e8}, "cargo_t", "above 1e+08", {"cargo_t": 1e8}),
    (
        "public_transport",
        {"new_energy_fleet": 1500},
        "new_energy_fleet",
        "new_energy_within_fleet",
        {"new_energy_fleet": 1450},
    ),
    (
        "public_transport",
        {"vehicle_trips": ""},
        "vehicle_trips",
        "passengers_need_trips",
        {"passengers": 0, "vehicle_trips": ""},
    ),
    ("public_transport", {"passengers": 90_000_000}, "vehicle_trips", "at most 400", {"passengers": 84_000_000}),
    (
        "milestone_evidence",
        {"status": "done", "attachments": ""},
        "attachments",
        "done_needs_attachment",
        {"status": "in_progress", "attachments": ""},
    ),
    ("milestone_evidence", {"evidence_text": "  "}, "evidence_text", "required", {"evidence_text": "见附件"}),
    (
        "milestone_evidence",
        {"milestone_id": "moon_base"},
        "milestone_id",
        "use one of",
        {"milestone_id": "hsr_in_national_plan"},
    ),
]


@pytest.mark.parametrize(
    ("rt_id", "bad", "column", "text", "good"), CASES, ids=[f"{c[0]}:{c[1 + 1]}:{c[3][:24]}" for c in CASES]
)
def test_rule_fails_and_passes(
    rt_id: str, bad: dict[str, object], column: str, text: str, good: dict[str, object]
) -> None:
    failing = _check(rt_id, [_first(rt_id), _row(rt_id, **bad)])
    hits = [e for e in failing.errors if e.column == column and text in e.message_en]
    assert hits, [e.render() for e in failing.errors]
    err = hits[0]
    assert err.row == 3 and err.file == "t.csv"  # the header is row 1; the good first row is row 2
    assert err.message_zh and err.message_zh != err.message_en
    assert all(e.row == 3 for e in failing.errors)  # the example row raises nothing
    passing = _check(rt_id, [_first(rt_id), _row(rt_id, **good)])
    assert passing.errors == [], [e.render() for e in passing.errors]
    assert passing.frame.height == 2


def test_duplicate_rows_name_the_first() -> None:
    out = _check("shore_power", [_row("shore_power"), _row("shore_power", kwh=1)])
    assert [(e.row, e.column) for e in out.errors] == [(3, "berth_id")]
    assert "repeats row 2" in out.errors[0].message_en and "第 2 行" in out.errors[0].message_zh
    assert _check("shore_power", [_row("shore_power"), _row("shore_power", ship_name="另一轮")]).errors == []


def test_xlsx_errors_name_the_sheet_and_value() -> None:
    rt = CATALOG.get("public_transport")
    data = fill_xlsx(build_xlsx(rt), [_first("public_transport"), _row("public_transport", passengers="12,000")], rt)
    raw, sheet = read_upload(rt, data, "bus.xlsx")
    out = check_report(rt, raw, file="bus.xlsx", sheet=sheet, org_id=ORG, period=Period(2024, 3), regions=[])
    (e,) = out.errors
    assert (e.sheet, e.row, e.column, e.value) == ("数据", 3, "passengers", "12,000")
    assert "bus.xlsx [数据] 第3行" in e.render() and "row 3, column passengers" in e.render()


def test_header_and_file_errors() -> None:
    rt = CATALOG.get("port_throughput")
    with pytest.raises(ValidationError) as exc:
        read_upload(rt, b"port_area,cargo_tonnes\nlianyungang,1\n", "p.csv")
    msgs = " ".join(e.message_en for e in exc.value.errors)
    assert "missing columns" in msgs and "unknown columns cargo_tonnes" in msgs
    with pytest.raises(ValidationError) as exc:
        read_upload(rt, b"PK\x03\x04 broken", "p.xlsx")
    assert "cannot be read as an Excel workbook" in exc.value.errors[0].message_en
    with pytest.raises(ValidationError):
        read_upload(rt, ",".join(rt.columns).encode() + b"\n", "empty.csv")


def _history(rt_id: str, values: list[float], field: str, **const: object) -> pl.DataFrame:
    periods = [f"2023-{m:02d}" for m in range(1, len(values) + 1)]
    frame = pl.DataFrame({"period": periods, field: values})
    return frame.with_columns([pl.lit(v).alias(k) for k, v in const.items()])


def test_range_from_history_warns_outside_mean_k_sd() -> None:
    hist = _history("shore_power", [38000, 40000, 36000, 39000, 37000, 41000], "kwh", berth_id="LYG-B12")
    far = _check("shore_power", [_row("shore_power", kwh=90000)], hist)
    assert far.errors == []  # severity warning: does not block
    (w,) = [w for w in far.warnings if w.column == "kwh" and "range from history" in w.message_en]
    assert "mean ± 3 sd" in w.message_en and w.row == 2
    near = _check("shore_power", [_row("shore_power", kwh=39500)], hist)
    assert [w for w in near.warnings if "range from history" in w.message_en] == []
    # too little history: no range
    short = _check("shore_power", [_row("shore_power", kwh=90000)], hist.head(5))
    assert [w for w in short.warnings if "range from history" in w.message_en] == []
    # another berth has no history of its own
    other = _check("shore_power", [_row("shore_power", kwh=90000, berth_id="LYG-B99")], hist)
    assert [w for w in other.warnings if "range from history" in w.message_en] == []


def test_history_range_can_block(tmp_path: Path) -> None:
    text = (
        (Path(__file__).resolve().parents[2] / "src/transcarbon/data/cities/lianyungang.reports.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "history: {k: 3, by: [berth_id], min_points: 6, severity: warning}",
            "history: {k: 3, by: [berth_id], min_points: 6, severity: error}",
        )
    )
    rt = parse_report_types(text).get("shore_power")
    hist = _history("shore_power", [38000, 40000, 36000, 39000, 37000, 41000], "kwh", berth_id="LYG-B12")
    raw, _ = read_upload(rt, csv_bytes(rt, [_row("shore_power", kwh=90000)]), "s.csv")
    out = check_report(rt, raw, file="s.csv", sheet=None, org_id=ORG, period=Period(2024, 3), regions=[], history=hist)
    assert [e.column for e in out.errors] == ["kwh"]


def test_month_on_month_and_year_on_year_jumps_warn() -> None:
    hist = pl.concat(
        [
            _history(
                "port_throughput", [18_000_000], "cargo_t", port_area="lianyungang", container_teu=500_000.0
            ).with_columns(pl.lit("2024-02").alias("period")),
            _history(
                "port_throughput", [9_000_000], "cargo_t", port_area="lianyungang", container_teu=500_000.0
            ).with_columns(pl.lit("2023-03").alias("period")),
        ]
    )
    out = _check("port_throughput", [_row("port_throughput")], hist)
    assert out.errors == []
    jumps = [w for w in out.warnings if "does not block" in w.message_en]
    assert len(jumps) == 1 and "a year before (2023-03" in jumps[0].message_en and "+105.6%" in jumps[0].message_en
    assert "上年同期" in jumps[0].message_zh and jumps[0].column == "cargo_t"
    calm = hist.with_columns(
        pl.when(pl.col("period") == "2023-03").then(17_000_000.0).otherwise(pl.col("cargo_t")).alias("cargo_t")
    )
    assert [
        w
        for w in _check("port_throughput", [_row("port_throughput")], calm).warnings
        if "does not block" in w.message_en
    ] == []
    drop = hist.with_columns(
        pl.when(pl.col("period") == "2024-02").then(60_000_000.0).otherwise(pl.col("cargo_t")).alias("cargo_t")
    )
    mom = [
        w for w in _check("port_throughput", [_row("port_throughput")], drop).warnings if "month before" in w.message_en
    ]
    assert len(mom) == 1 and "-69.2%" in mom[0].message_en


def test_configuration_is_checked() -> None:
    assert CATALOG.get("energy_activity").columns == COLUMNS
    milestones = {
        i.id
        for i in load_city().indicators
        if i.kind == "milestone" or (i.computation.report_type == "milestone_evidence")
    }
    assert set(CATALOG.get("milestone_evidence").field("milestone_id").allowed or []) == milestones
    referenced = {i.computation.report_type for i in load_city().indicators if i.computation.report_type}
    assert referenced <= set(CATALOG.ids)
    good = (Path(__file__).resolve().parents[2] / "src/transcarbon/data/cities/lianyungang.reports.yaml").read_text(
        encoding="utf-8"
    )
    with pytest.raises(ReportConfigError, match=r"report_types\[2\] \(shore_power\).*unknown fields \['kw'\]"):
        parse_report_types(good.replace('require: "connections >= 1"', 'require: "connections >= 1 and kw > 0"'))
    with pytest.raises(ReportConfigError, match="Attribute is not allowed"):
        parse_report_types(good.replace('require: "connections >= 1"', 'require: "kwh.__class__ == 1"'))
    with pytest.raises(ReportConfigError, match="only present, matches"):
        parse_report_types(good.replace('require: "connections >= 1"', 'require: "eval(kwh)"'))
    assert CATALOG.get("shore_power").due_date(Period(2024, 12)).isoformat() == "2025-01-15"
    assert CATALOG.get("milestone_evidence").due_date(Period(2024)).isoformat() == "2025-03-31"
    with pytest.raises(ValueError, match="YYYY-MM"):
        CATALOG.get("shore_power").parse_period("2024")


def test_an_enterprise_reports_urea_solution_by_mass_not_energy() -> None:
    """The energy report's fuel drop-down offers urea_solution (SCR, AdBlue); it is given by mass or volume."""
    assert "urea_solution" in CATALOG.get("energy_activity").field("fuel").allowed
    good = _check("energy_activity", [_row("energy_activity", fuel="urea_solution", amount=0.4, unit="t")])
    assert good.ok, good.errors
    bad = _check("energy_activity", [_row("energy_activity", fuel="urea_solution", amount=0.4, unit="GJ")])
    assert [e.column for e in bad.errors] == ["unit"]
