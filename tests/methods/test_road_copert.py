"""COPERT Tier 3 hot factors against the digest's check values (reference/road.md, road-additions.md §1)."""

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose

from transcarbon.factors.road import COPERT_PARAMS, RoadFactors
from transcarbon.methods.road import copert

COLS = (*COPERT_PARAMS, "vmin", "vmax")


def _row(
    pollutant: str, category: str, fuel: str, segment: str, euro: str, technology: str = "", load: float | None = None
) -> dict:
    t = (
        RoadFactors.load()
        .table("copert_hot")
        .filter(
            (pl.col("category") == category)
            & (pl.col("fuel") == fuel)
            & (pl.col("segment") == segment)
            & (pl.col("euro") == euro)
            & (pl.col("technology") == technology)
            & (pl.col("pollutant") == pollutant)
        )
    )
    if load is not None:
        t = t.filter((pl.col("slope") == 0.0) & (pl.col("load") == load))
    assert t.height == 1
    return t.row(0, named=True)


def _ef(row: dict, speeds) -> np.ndarray:
    return copert.hot_factor(np.asarray(speeds, dtype=float), *[row[c] for c in COLS])


def test_pc_medium_petrol_euro4_nox():
    row = _row("NOx", "Passenger Cars", "G", "Medium", "IV", "PFI")
    assert_allclose(_ef(row, [20, 50, 90]), [0.0776, 0.0451, 0.0216], atol=5e-5)


def test_urban_bus_15_18t_euro_vi_nox_and_energy():
    nox = _row("NOx", "Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR", load=0.5)
    ec = _row("EC", "Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR", load=0.5)
    assert_allclose(_ef(nox, [10, 20, 30, 50]), [1.0145, 0.5516, 0.3825, 0.2033], atol=5e-5)
    assert_allclose(_ef(ec, [10, 20, 30, 50]), [18.57, 13.98, 11.62, 9.25], atol=5e-3)


@pytest.mark.parametrize(
    ("pollutant", "segment", "euro", "technology", "expected"),
    [
        ("NOx", "Articulated 34 - 40 t", "VI A/B/C", "DPF+SCR", [0.7695, 0.2570, 0.1168]),
        ("EC", "Articulated 34 - 40 t", "VI A/B/C", "DPF+SCR", [18.831, 11.458, 9.516]),
        ("NOx", "Articulated 34 - 40 t", "III", "", [12.834, 7.847, 6.354]),
        ("NOx", "Rigid 14 - 20 t", "V", "SCR", [9.0746, 3.7040, 1.3741]),
        ("NOx", "Rigid 14 - 20 t", "V", "EGR", [5.1028, 2.9384, 2.4383]),
    ],
)
def test_heavy_trucks_check_values(pollutant, segment, euro, technology, expected):
    row = _row(pollutant, "Heavy Duty Trucks", "D", segment, euro, technology, load=0.5)
    assert_allclose(_ef(row, [20, 50, 80]), expected, rtol=5e-4)


def test_negative_reduction_factor_scales_up():
    row = _row("NOx", "Light Commercial Vehicles", "D", "N1-III", "VI D-TEMP", "DPF+SCR")
    assert row["rf"] == pytest.approx(-1.753, abs=1e-3)
    assert_allclose(_ef(row, [20, 50, 80]), [0.3763, 0.3219, 0.3585], atol=5e-5)


def test_speed_is_clamped_to_the_row_range():
    row = _row("NOx", "Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR", load=0.5)
    assert (row["vmin"], row["vmax"]) == (5.0, 85.0)
    assert_allclose(_ef(row, [1.0, 3.0, 120.0]), _ef(row, [5.0, 5.0, 85.0]), rtol=1e-15)
    # and the CNG EEV bus row (Vmin 11): 4.0874 g/km at 20 km/h, flat below 11
    eev = _row("NOx", "Buses", "CNG", "Urban CNG Buses", "EEV")
    assert_allclose(_ef(eev, [20.0]), [4.0874], atol=5e-5)
    assert_allclose(_ef(eev, [2.0]), _ef(eev, [11.0]))


def test_segment_emission_counts_time_below_vmin():
    row = _row("EC", "Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR", load=0.5)
    p = [row[c] for c in COLS]
    ef_vmin = float(_ef(row, [5.0])[0])
    # 10 minutes at 2 km/h (0.333 km): the rate at Vmin (5 km/h) for 1/6 h, not EF × distance
    got = copert.segment_emission(2.0 / 6, 1.0 / 6, 2.0, *p)
    assert_allclose(got, ef_vmin * 5.0 / 6)
    # at 30 km/h: EF(30) × distance
    assert_allclose(copert.segment_emission(5.0, 1.0 / 6, 30.0, *p), 11.6225 * 5.0, rtol=1e-4)
    # continuous at Vmin: the hourly rate just above equals the rate below
    assert_allclose(copert.segment_emission(5.0, 1.0, 5.0, *p), copert.segment_emission(4.0, 1.0, 4.0, *p))


def test_cold_start_forms_by_hand():
    # β (petrol Euro 1) at l_trip 12 km, t_a 10 °C = 0.6474 − 0.3054 − (0.00974 − 0.00462)·10 = 0.2908
    assert_allclose(copert.cold_beta_petrol_euro1(12.0, 10.0), 0.2908, atol=1e-10)
    assert_allclose(copert.cold_beta_petrol_euro1(12.0, 10.0) * copert.EURO4_BETA_REDUCTION, 0.052344, atol=1e-10)
    assert_allclose(copert.cold_ratio_linear(20.0, 10.0, 0.121, -0.146, 3.766), 0.121 * 20 - 1.46 + 3.766)
    assert_allclose(copert.cold_ratio_conventional_diesel("NOx", 10.0), 1.3 - 0.13)
    # E = β · VKT · e_hot · (ratio − 1); a ratio below 1 gives no excess
    assert_allclose(copert.cold_excess(0.3, 1000.0, 0.5, 1.17), 0.3 * 1000 * 0.5 * 0.17)
    assert copert.cold_excess(0.3, 1000.0, 0.5, 0.9) == 0.0
