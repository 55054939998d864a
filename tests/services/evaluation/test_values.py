"""Every indicator's rows from hand-made inputs (:func:`compute_values`): inventory intensities and shares
of report rows against hand-computed values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.services.evaluation.inputs import FUEL_SCHEMA, RESULT_SCHEMA, Inputs, with_quarter
from transcarbon.services.evaluation.values import compute_values

CITY = load_city()
CATALOG = load_report_types()


def _inputs(results: list[tuple], reports: dict[str, pl.DataFrame] | None = None) -> Inputs:
    frame = with_quarter(pl.DataFrame(results, schema=RESULT_SCHEMA, orient="row"))
    typed = {k: with_quarter(v) for k, v in (reports or {}).items()}
    return Inputs(2025, list(range(2020, 2026)), {}, frame, pl.DataFrame(schema=FUEL_SCHEMA), typed)


def test_intensity_fall_hand_computed() -> None:
    # road freight: 2020 100 t over 1e6 t·km (0.1 kg/t·km); 2025 97 t over 1.02e6 t·km → fall 4.902 %
    res = [
        (1, 1, 2020, None, "road_freight", 100.0, 100.0, 0, 1e6, 1e6, None),
        (2, 1, 2020, None, "waterway_freight", 50.0, 50.0, 0, 1e6, 1e6, None),
        (3, 2, 2025, None, "road_freight", 97.0, 97.0, 0, 1.02e6, 1.02e6, None),
        (4, 2, 2025, None, "waterway_freight", 40.0, 40.0, 0, 1e6, 1e6, None),
    ]
    rows = compute_values(_inputs(res), CITY, CATALOG, date(2026, 6, 1))
    got = {(r["indicator_id"], r["year"]): r for r in rows if r["month"] is None and r["quarter"] is None}
    truck = got[("truck_co2_intensity", 2025)]
    assert truck["measure"] == pytest.approx(97.0 * 1000 / 1.02e6)
    assert truck["value"] == pytest.approx(100 * (1 - (97 / 1.02e6) / (100 / 1e6)))
    assert truck["status"] == "achieved" and truck["sources"]["result_ids"] == [1, 3]
    conv = got[("converted_turnover_co2_intensity", 2025)]
    assert conv["value"] == pytest.approx(100 * (1 - (137 / 2.02e6) / (150 / 2e6)))
    assert got[("truck_co2_intensity", 2021)]["status"] == "late"  # no 2021 data, past its deadline


def test_report_shares_hand_computed() -> None:
    add = pl.DataFrame(
        {
            "submission_id": [10, 10, 10, 11, 11, 12],
            "org_id": ["A"] * 6,
            "period": ["2020-03", "2020-03", "2020-03", "2025-12", "2025-12", "2025-12"],
            "year": [2020, 2020, 2020, 2025, 2025, 2025],
            "month": [3, 3, 3, 12, 12, 12],
            "category": [
                "heavy_truck_short_haul",
                "muck_truck",
                "bus",
                "heavy_truck_short_haul",
                "muck_truck",
                "airside_equipment",
            ],
            "power_type": ["bev", "diesel", "bev", "bev", "diesel", "bev"],
            "added_count": [1.0, 9.0, 5.0, 3.0, 7.0, 0.0],
            "in_service_count": [None, None, None, None, None, 40.0],
        }
    )
    rows = compute_values(_inputs([], {"vehicle_additions": add}), CITY, CATALOG, date(2026, 6, 1))
    got = {(r["indicator_id"], r["year"]): r for r in rows if r["month"] is None and r["quarter"] is None}
    short = got[("short_haul_heavy_truck_nev_share", 2025)]
    assert short["value"] == pytest.approx(30.0) and short["sources"]["submission_ids"] == [11]
    assert got[("short_haul_heavy_truck_nev_share", 2020)]["value"] == pytest.approx(10.0)
    assert got[("airport_electric_ground_equipment_share", 2025)]["value"] == pytest.approx(100.0)
    everything = got[("new_energy_vehicle_share_new", 2020)]  # 6 of 15 additions are electric
    assert everything["value"] == pytest.approx(40.0)


def _register(rows: list[tuple]) -> pl.DataFrame:
    cols = ["submission_id", "year", "district", "vehicle_class", "use", "service", "powertrain", "stage"]
    frame = pl.DataFrame(rows, schema=[*cols, "stock", "new_registrations"], orient="row")
    return frame.with_columns(
        pl.col("year").cast(pl.Int64),
        pl.col("submission_id").cast(pl.Int64),
        pl.col("stock").cast(pl.Float64),
        pl.col("new_registrations").cast(pl.Float64),
        pl.lit("LYG-GOV-004").alias("org_id"),
        pl.col("year").cast(pl.String).alias("period"),
    )


def test_registry_shares_hand_computed_and_report_for_other_years() -> None:
    register = _register(
        [
            (20, 2025, "haizhou", "bus", "operating", None, "bev", None, 80, 10),
            (20, 2025, "haizhou", "bus", "operating", None, "diesel", "CN5", 20, 0),
            (20, 2025, "lianyun", "truck_heavy", "operating", "short_haul", "bev", None, 30, 3),
            (20, 2025, "lianyun", "truck_heavy", "operating", "port_container", "lng", "CN6A", 50, 5),
            (20, 2025, "lianyun", "truck_heavy", "operating", "port_container", "diesel", "CN5", 50, 2),
            (20, 2025, "ganyu", "truck_heavy", "operating", "long_haul", "bev", None, 10, 10),
            (20, 2025, "haizhou", "pv_small", "non_operating", "official", "bev", None, 5, 5),
            (20, 2025, "haizhou", "pv_small", "non_operating", "private", "gasoline", "CN6B", 100, 20),
            (20, 2025, "haizhou", "motorcycle", "non_operating", "private", "bev", None, 99, 99),
        ]
    )
    add = pl.DataFrame(
        {
            "submission_id": [11, 12, 12],
            "org_id": ["A"] * 3,
            "period": ["2024-12", "2025-12", "2025-12"],
            "year": [2024, 2025, 2025],
            "month": [12, 12, 12],
            "category": ["heavy_truck_short_haul", "coastal_vessel", "coastal_vessel"],
            "power_type": ["bev", "lng", "diesel"],
            "added_count": [4.0, 1.0, 3.0],
            "in_service_count": [None, None, None],
        }
    )
    reports = {"vehicle_additions": add, "vehicle_registry": register}
    rows = compute_values(_inputs([], reports), CITY, CATALOG, date(2026, 6, 1))
    got = {(r["indicator_id"], r["year"]): r for r in rows if r["month"] is None}
    bus = got[("new_energy_bus_share", 2025)]
    assert bus["value"] == pytest.approx(80.0) and bus["sources"]["basis"] == ["vehicle_registry"]
    assert bus["sources"]["submission_ids"] == [20]
    # short-haul, muck and port container trucks registered in 2025: 3 electric of 3 + 5 + 2
    assert got[("short_haul_heavy_truck_nev_share", 2025)]["value"] == pytest.approx(30.0)
    # 2024: no register, so the report: 4 electric of 4
    early = got[("short_haul_heavy_truck_nev_share", 2024)]
    assert early["value"] == pytest.approx(100.0) and early["sources"]["basis"] == ["vehicle_additions"]
    # port container trucks in service: 50 LNG of 100
    assert got[("port_container_truck_clean_share", 2025)]["value"] == pytest.approx(50.0)
    # public service: buses 10 + official 5 new, all electric but nothing diesel new → 15 of 15
    assert got[("public_service_ev_share", 2025)]["value"] == pytest.approx(100.0)
    # all new road vehicles but motorcycles: 10 + 3 + 10 + 5 electric of 55
    assert got[("nev_sales_share", 2025)]["value"] == pytest.approx(100 * 28 / 55)
    # new and clean energy, with the report's vessels: (28 + 5 LNG trucks + 1 LNG vessel) of (55 + 4)
    share = got[("new_energy_vehicle_share_new", 2025)]
    assert share["value"] == pytest.approx(100 * 34 / 59)
    assert share["sources"]["basis"] == ["vehicle_registry", "vehicle_additions"]
    assert share["sources"]["submission_ids"] == [12, 20]
    monthly = [r for r in rows if r["indicator_id"] == "nev_sales_share" and r["month"] is not None]
    assert all(r["year"] != 2025 for r in monthly)  # the register is annual
