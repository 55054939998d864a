"""The demo's vehicle register: the city's magnitude (113.1万 vehicles in 2022), the reporting fleets' stock kept
exactly, stock and new registrations consistent, and every row of every register report type passing the report
type's own checks (as an upload would)."""

from __future__ import annotations

import polars as pl
import pytest

from transcarbon.city.reports import load_report_types
from transcarbon.demo.registry import (
    annual_km_rows,
    energy_economy_rows,
    fifo_vintages,
    fuel_sales_rows,
    vehicle_registry,
)
from transcarbon.demo.sectors import road_passenger
from transcarbon.domain import Period
from transcarbon.services.report_checks import check_report

CATALOG = load_report_types()


@pytest.fixture(scope="module")
def register() -> pl.DataFrame:
    return vehicle_registry()


def test_magnitude_and_consistency(register: pl.DataFrame) -> None:
    per_year = dict(register.group_by("period").agg(pl.col("stock").sum()).iter_rows())
    assert per_year["2022"] == pytest.approx(1_131_000, rel=0.01)  # 113.1万 motor vehicles in 2022 [V]
    assert per_year["2021"] == pytest.approx(1_051_168, rel=0.05)  # 1,051,168 in 2021 [V]
    new = register.filter(pl.col("new_registrations") > 0)
    assert (new["model_year"].cast(pl.String) == new["period"]).all()  # registered in the year = that model year
    assert (new["new_registrations"] >= new["stock"]).all()
    bus = register.filter(pl.col("vehicle_class") == "bus").group_by("period").agg(pl.col("stock").sum()).sort("period")
    fleets = [sum(int(v[y + 1]) for f in road_passenger.BUS_FLEETS for v in f.stock().values()) for y in range(6)]
    assert bus["stock"].to_list() == fleets  # the reporting bus fleets, vehicle for vehicle


def test_fifo_keeps_the_fleet_stock() -> None:
    fleet = road_passenger.BUS_FLEETS[1]
    vintages = fifo_vintages(fleet)
    for power, stock in fleet.stock().items():
        for y, year in enumerate(range(2020, 2026)):
            assert sum(n for (yy, _, p), n in vintages.items() if yy == year and p == power) == stock[y + 1]


@pytest.mark.parametrize(
    ("report_type", "rows"),
    [
        ("vehicle_registry", lambda: vehicle_registry().with_columns(pl.lit("LYG-GOV-004").alias("org_id"))),
        ("vehicle_annual_km", annual_km_rows),
        ("vehicle_energy_economy", energy_economy_rows),
        ("road_fuel_sales", fuel_sales_rows),
    ],
)
def test_rows_pass_the_report_type_checks(report_type: str, rows) -> None:  # type: ignore[no-untyped-def]
    rt = CATALOG.get(report_type)
    frame = rows()
    for (period,), part in frame.group_by("period"):
        raw = part.select(
            [pl.col(c).cast(pl.String) if c in part.columns else pl.lit(None, pl.String).alias(c) for c in rt.columns]
        )
        out = check_report(
            rt, raw, file="demo.csv", sheet=None, org_id="X", period=Period.parse(str(period)), regions=[]
        )
        assert not out.errors, (report_type, period, out.errors[:3])
