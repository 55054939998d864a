"""The design check: the designed outcomes of the synthetic data set hold, and the sector summary shows
the intended fuel shifts and magnitudes."""

from __future__ import annotations

import polars as pl
import pytest

from transcarbon.demo.design_check import design_check, sector_summary
from transcarbon.demo.generator import DemoData, generate


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate()


def test_bus_fleet_new_energy_share_rises_past_80_percent(data: DemoData) -> None:
    share = design_check(data)["new_energy_bus_share"]
    values = [share[y] for y in range(2020, 2026)]
    assert values == sorted(values)
    assert 0.60 <= share[2020] < 0.80
    assert share[2025] >= 0.80
    buses = data.fleet_stock.filter((pl.col("category") == "bus") & (pl.col("year") == 2025))["count"].sum()
    assert 1_500 <= buses <= 2_200


def test_designed_outcomes(data: DemoData) -> None:
    c = design_check(data)
    # met
    assert c["converted_turnover_co2_intensity_change"][2025] <= -0.05
    assert c["ship_co2_intensity_change"][2025] <= -0.03
    assert c["shore_power_use_multiple"][2025] >= 2.0
    assert c["airport_electric_ground_equipment_share"][2025] >= 0.25
    assert c["short_haul_heavy_truck_nev_share"][2025] >= 0.10
    assert c["container_multimodal_cagr"][2025] >= 0.10
    assert c["nev_sales_share"][2025] >= 0.20
    # missed
    assert -0.03 < c["truck_co2_intensity_change"][2025] < -0.015
    assert 0.20 < c["public_transport_mode_share"][2025] < 0.30
    assert c["public_transport_mode_share"][2025] > c["public_transport_mode_share"][2020]
    assert c["public_service_ev_share"][2025] < 0.80
    assert c["ship_shore_power_retrofit_600gt"][2025] < 0.95
    assert 0.80 < c["rail_water_bulk_share"][2025] < 0.86
    assert c["port_container_truck_clean_share"][2025] < 0.60
    status = data.milestones.filter(pl.col("indicator_id") == "inland_container_routes_four_provinces")
    assert status.sort("date")["status"][-1] != "done"


def test_fuel_mix_shifts(data: DemoData) -> None:
    s = sector_summary(data)

    def value(sector: str, year: int, col: str) -> float:
        return float(s.filter((pl.col("sector") == sector) & (pl.col("year") == year))[col][0])

    assert value("taxi", 2025, "electricity_MWh") > 3 * value("taxi", 2020, "electricity_MWh")
    assert value("taxi", 2025, "natural_gas_10^4m3") < value("taxi", 2020, "natural_gas_10^4m3")
    assert value("road_freight", 2025, "lng_t") > 1.5 * value("road_freight", 2020, "lng_t")
    assert value("urban_bus", 2025, "lng_t") < value("urban_bus", 2020, "lng_t")
    # plausible magnitudes: ≈ 10^10 t·km by road, ≈ 4·10^10 by water, ≈ 1.2 M air passengers in 2021
    assert 5e9 < value("road_freight", 2020, "freight_tkm") < 2e10
    assert 2e10 < value("waterway_freight", 2020, "freight_tkm") < 8e10
    assert 1e6 < value("civil_aviation", 2021, "passenger_pkm") / 1150 * 2 < 1.5e6
