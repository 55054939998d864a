"""MEE 2014 guideline: band rules and EF = BEF·φ·γ·λ·θ on a constructed case by hand."""

import numpy as np
import polars as pl
from numpy.testing import assert_allclose

from transcarbon.factors.road import RoadFactors
from transcarbon.methods.road import mee2014

NAN = np.nan


def test_band_level_and_load_rules():
    lows, highs, f = [NAN, 20, 30, 40, 80], [20, 30, 40, 80, NAN], [1.69, 1.26, 0.79, 0.39, 0.62]
    assert_allclose(
        mee2014.band_factor([10, 20, 29.9, 30, 80, 120], lows, highs, f), [1.69, 1.26, 1.26, 0.79, 0.62, 0.62]
    )
    assert_allclose(mee2014.band_factor(15.0, [NAN, 25], [10, NAN], [1.36, 1.23]), 1.0)  # between the bands
    levels, values = [800, 500, 350, 150, 50, 10], [1.29, 1.25, 1.155, 1.06, 1.0, 0.9]
    assert_allclose(mee2014.level_factor([10, 30, 50, 2000], levels, values), [0.9, 1.0, 1.0, 1.29])
    assert_allclose(
        mee2014.load_factor([0.0, 0.55, 0.6, 1.0], [0, 0.5, 0.6, 0.75, 1.0], [0.83, 1.0, 1.09, 1.21, 1.43]),
        [0.83, 1.045, 1.09, 1.43],
    )
    assert_allclose(mee2014.emissions_t(1000, 50_000, 5.0), 250.0)


def test_corrected_heavy_diesel_truck_by_hand():
    road = RoadFactors.load()
    bef = pl.DataFrame(
        {
            "mee_class": ["Trucks Heavy"],
            "fuel": ["D"],
            "standard": ["IV"],
            "pollutant": ["NOx"],
            "bef_g_per_km": [5.554],
        }
    )
    cond = mee2014.Conditions(
        speed_kmh={"Trucks Heavy": 25.0}, temperature_c=5.0, humidity_pct=40.0, sulphur_ppm=10.0, load_fraction=0.75
    )
    out = mee2014.corrected_factors(bef, road.table("mee2014_corrections"), cond).row(0, named=True)
    # γ: diesel 国IV NOx 20-30 km/h 1.12; θ: load 75% 1.21 × sulphur 10 ppm 0.84;
    # φ: temperature <10 °C diesel heavy NOx 1.06 × humidity RH<50% diesel NOx 1.04; λ: no diesel deterioration
    assert_allclose(out["gamma"], 1.12)
    assert_allclose(out["theta"], 1.21 * 0.84)
    assert_allclose(out["phi"], 1.06 * 1.04)
    assert out["lambda"] == 1.0
    assert_allclose(out["ef_g_per_km"], 5.554 * 1.12 * 1.21 * 0.84 * 1.06 * 1.04)
    assert out["corrections"] == "speed,temperature,humidity,sulphur,load"


def test_reference_conditions_leave_petrol_factors_unchanged():
    road = RoadFactors.load()
    bef = road.table("mee2014_bef").filter((pl.col("mee_class") == "PV Taxi") & (pl.col("fuel") == "G"))
    out = mee2014.corrected_factors(bef, road.table("mee2014_corrections"), mee2014.Conditions(sulphur_ppm=50.0))
    assert_allclose(out["ef_g_per_km"].to_numpy(), bef["bef_g_per_km"].to_numpy())
    assert set(out["corrections"]) == {"sulphur"}
