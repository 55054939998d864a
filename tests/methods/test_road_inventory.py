"""Bottom-up inventory: fleet × VKT × factors, checked by hand."""

import polars as pl
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.road.inventory import bottom_up


def _case():
    fleet = pl.DataFrame(
        {
            "class_id": ["bus", "bus", "pv_small"],
            "powertrain": ["diesel", "bev", "phev"],
            "stage": ["CN5", "", "CN6A"],
            "district": ["A", "A", "B"],
            "year": [2022, 2022, 2022],
            "vehicles": [100.0, 50.0, 1000.0],
        }
    )
    km = pl.DataFrame({"class_id": ["bus", "pv_small"], "km_per_year": [75_000.0, 18_900.0]})
    energy = pl.DataFrame(
        {
            "class_id": ["bus", "bus", "pv_small", "pv_small"],
            "powertrain": ["diesel", "bev", "phev", "phev"],
            "carrier": ["diesel", "electricity", "gasoline", "electricity"],
            "mj_per_km": [13.98, 5.634, 1.94, 0.4696],
            "km_share": [1.0, 1.0, 0.5, 0.5],
        }
    )
    carriers = pl.DataFrame(
        {
            "carrier": ["diesel", "gasoline", "electricity"],
            "co2_kg_per_mj": [0.0726, 0.0679, 0.5366 / 3.6],
            "scope": ["direct", "direct", "electricity"],
        }
    )
    ef = pl.DataFrame(
        {
            "class_id": ["bus", "bus"],
            "powertrain": ["diesel", "diesel"],
            "stage": ["CN5", "CN5"],
            "pollutant": ["nox", "pm25"],
            "ef_g_per_km": [8.64, 0.126],
        }
    )
    return fleet, km, energy, carriers, ef


def test_fleet_times_vkt_times_factor_by_hand():
    inv = bottom_up(*_case())
    rows = {r["powertrain"]: r for r in inv.lines.iter_rows(named=True)}
    diesel = rows["diesel"]
    assert diesel["vkt_km"] == 7_500_000.0
    assert_allclose(diesel["energy_gj"], 7_500_000 * 13.98 / 1000)  # 104,850 GJ
    assert_allclose(diesel["co2_t"], 7_500_000 * 13.98 / 1000 * 0.0726)  # 7,612.1 t
    assert_allclose(diesel["nox_kg"], 7_500_000 * 8.64 / 1000)  # 64,800 kg
    assert diesel["co2_electricity_t"] == 0.0
    bev = rows["bev"]
    assert bev["co2_t"] == 0.0
    assert_allclose(bev["co2_electricity_t"], 50 * 75_000 * 5.634 / 1000 * 0.5366 / 3.6)
    phev = rows["phev"]
    vkt = 1000 * 18_900
    assert_allclose(phev["energy_gj"], vkt * 0.5 * (1.94 + 0.4696) / 1000)
    assert_allclose(phev["co2_t"], vkt * 0.5 * 1.94 / 1000 * 0.0679)
    assert phev["nox_kg"] is None
    missing = set(map(tuple, inv.missing.select("powertrain", "what").rows()))
    assert ("phev", "nox") in missing and ("bev", "pm10") in missing and ("diesel", "pm10") in missing
    assert ("diesel", "nox") not in missing


def test_missing_kilometres_and_unknown_carrier():
    fleet, km, energy, carriers, ef = _case()
    inv = bottom_up(fleet, km.filter(pl.col("class_id") == "bus"), energy, carriers, ef)
    phev = inv.lines.filter(pl.col("powertrain") == "phev").row(0, named=True)
    assert phev["vkt_km"] is None and phev["energy_gj"] is None
    assert {"vkt", "energy"} <= set(inv.missing.filter(pl.col("powertrain") == "phev")["what"])
    with pytest.raises(ValueError, match="no CO2 factor for carrier"):
        bottom_up(fleet, km, energy, carriers.filter(pl.col("carrier") != "gasoline"), ef)
