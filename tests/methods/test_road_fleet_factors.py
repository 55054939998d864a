"""Pollutant factors of registered fleet lines: MEE 2014 rows for China 0–V, COPERT for China VI, zero exhaust
for battery-electric vehicles, the plug-in hybrid's combustion share — each checked against its row by hand."""

import polars as pl
import pytest

from transcarbon.factors.road import RoadFactors
from transcarbon.methods.road.copert import hot_factor
from transcarbon.methods.road.fleet_factors import fleet_pollutant_factors
from transcarbon.methods.road.mee2014 import Conditions, corrected_factors


@pytest.fixture(scope="module")
def road():
    return RoadFactors.load()


def _factors(road, lines, shares=None):
    mee = corrected_factors(road.table("mee2014_bef"), road.table("mee2014_corrections"), Conditions())
    return fleet_pollutant_factors(
        pl.DataFrame(lines, schema=["vehicle_class", "powertrain", "stage"], orient="row"),
        road.table("vehicle_classes"),
        mee,
        road.table("copert_hot"),
        road.table("stage_map"),
        30.0,
        combustion_share=shares,
    )


def _get(f, cls, pt, stage, pollutant):
    row = f.filter(
        (pl.col("vehicle_class") == cls)
        & (pl.col("powertrain") == pt)
        & (pl.col("stage") == stage)
        & (pl.col("pollutant") == pollutant)
    )
    return row.row(0, named=True) if row.height else None


def test_rows_by_hand(road):
    f = _factors(
        road,
        [
            ("truck_heavy", "diesel", "CN5"),
            ("truck_heavy", "diesel", "CN6A"),
            ("bus", "bev", "none"),
            ("pv_small", "phev", "CN6A"),
            ("motorcycle", "gasoline", "CN4"),
        ],
        shares=pl.DataFrame({"vehicle_class": ["pv_small"], "powertrain": ["phev"], "share": [0.5]}),
    )
    # heavy diesel truck 国V NOx: BEF 4.721 g/km (reference/road-additions.md §2) × sulphur 0.84 at 10 ppm
    nox = _get(f, "truck_heavy", "diesel", "CN5", "nox")
    assert nox["method"] == "mee2014"
    assert nox["ef_g_per_km"] == pytest.approx(4.721 * 0.84, rel=1e-9)
    # 国VIa → Rigid 14 - 20 t, Euro VI A/B/C, DPF+SCR, slope 0, load 0.5, at 30 km/h
    row = (
        road.table("copert_hot")
        .filter(
            (pl.col("segment") == "Rigid 14 - 20 t")
            & (pl.col("euro") == "VI A/B/C")
            & (pl.col("pollutant") == "NOx")
            & (pl.col("slope") == 0.0)
            & (pl.col("load") == 0.5)
        )
        .row(0, named=True)
    )
    params = [row[k] for k in ("alpha", "beta", "gamma", "delta", "epsilon", "zita", "hta", "rf", "vmin", "vmax")]
    six = _get(f, "truck_heavy", "diesel", "CN6A", "nox")
    assert six["method"] == "copert"
    assert six["ef_g_per_km"] == pytest.approx(float(hot_factor(30.0, *params)), rel=1e-12)
    assert _get(f, "truck_heavy", "diesel", "CN6A", "pm25")["ef_g_per_km"] == pytest.approx(
        _get(f, "truck_heavy", "diesel", "CN6A", "pm10")["ef_g_per_km"]
    )
    assert _get(f, "bus", "bev", "none", "nox") == {
        "vehicle_class": "bus",
        "powertrain": "bev",
        "stage": "none",
        "pollutant": "nox",
        "ef_g_per_km": 0.0,
        "method": "zero_exhaust",
    }
    petrol = _factors(road, [("pv_small", "gasoline", "CN6A")])
    assert _get(f, "pv_small", "phev", "CN6A", "co")["ef_g_per_km"] == pytest.approx(
        0.5 * _get(petrol, "pv_small", "gasoline", "CN6A", "co")["ef_g_per_km"]
    )
    assert _get(f, "motorcycle", "gasoline", "CN4", "nox") is None  # neither source has a row
