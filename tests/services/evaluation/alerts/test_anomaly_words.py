"""The words of an ``anomaly`` warning name the figure's unit: the report field's own (kWh of shore power), the row's
unit column where the unit varies by row (energy in t, gas in 万立方米 rather than its code 10^4m3), none for a count;
a count stays a whole number; the organisation and the group's values are named, not given as codes."""

from __future__ import annotations

import polars as pl

from transcarbon.city.reports import load_report_types
from transcarbon.services.evaluation.alerts.anomalies import _z_warnings

HISTORY = [f"2024-{m:02d}" for m in range(1, 13)]
NAMES = {"org-a": ("（示例）港口甲公司", "(synthetic) Port company A")}


def _frame(value: str, group: dict[str, str], history: float, now: float) -> pl.DataFrame:
    periods = [*HISTORY, "2025-01"]
    values = [history * (1.02 if i % 2 else 1.0) for i in range(12)] + [now]
    return pl.DataFrame(
        {
            "org_id": ["org-a"] * 13,
            **{k: [v] * 13 for k, v in group.items()},
            "period": periods,
            "year": [int(p[:4]) for p in periods],
            value: values,
        }
    )


def _warning(report: str, value: str, group: dict[str, str], history: float, now: float) -> tuple[str, str]:
    rt = load_report_types().get(report)
    frame = _frame(value, group, history, now)
    found = _z_warnings(
        frame, value, ["org_id", *group], 2025, kind="anomaly", report=rt, departments=[], min_points=6, names=NAMES
    )
    assert len(found) == 1
    return found[0].message("zh"), found[0].message("en")


def test_a_field_with_a_unit_names_it() -> None:
    zh, en = _warning("shore_power", "kwh", {"berth_id": "B1"}, 1000.0, 5000.0)
    assert "为 5,000 kWh，偏离该单位历史中位数 1,010 kWh" in zh
    assert "is 5,000 kWh, far from the organisation's historical median 1,010 kWh" in en


def test_a_figure_whose_unit_varies_by_row_takes_the_rows_unit() -> None:
    zh, en = _warning(
        "energy_activity", "amount", {"sector": "road_freight", "fuel": "diesel", "unit": "t"}, 100.0, 600.0
    )
    assert "（道路货运/柴油/t）为 600 t，偏离该单位历史中位数 101 t" in zh
    assert "is 600 t, far from the organisation's historical median 101 t" in en


def test_a_count_stays_whole_and_has_no_unit() -> None:
    group = {"category": "heavy_truck_short_haul", "power_type": "bev"}
    zh, en = _warning("vehicle_additions", "added_count", group, 10.0, 60.0)
    assert "（短途重型货车/纯电动）为 60，偏离该单位历史中位数 10.1（" in zh
    assert "(short-haul heavy truck/battery electric) is 60," in en


def test_the_organisation_is_named_not_its_id() -> None:
    zh, en = _warning("shore_power", "kwh", {"berth_id": "B1"}, 1000.0, 5000.0)
    assert "”（示例）港口甲公司 2025-01 的" in zh and "' (synthetic) Port company A 2025-01:" in en
    assert "org-a" not in zh + en


def test_a_unit_code_is_shown_by_its_name() -> None:
    group = {"sector": "road_freight", "fuel": "natural_gas", "unit": "10^4m3"}
    zh, en = _warning("energy_activity", "amount", group, 100.0, 600.0)
    assert "（道路货运/天然气/万立方米）为 600.0 万立方米，偏离该单位历史中位数 101.0 万立方米" in zh
    assert "600.0 10⁴ m³" in en and "10^4m3" not in zh + en
