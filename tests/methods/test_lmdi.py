"""LMDI-I decomposition (methods/lmdi.py)."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from transcarbon.methods.lmdi import EFFECTS, lmdi_decompose, lmdi_terms, lmdi_totals, log_mean


def _frame(rows: list[tuple[int, str, str, float, float, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["year", "sector", "fuel", "activity", "energy", "co2"], orient="row")


def _row(df: pl.DataFrame, key: str, value: str) -> dict[str, float]:
    return df.filter(pl.col(key) == value).row(0, named=True)


# ------------------------------------------------------------------ logarithmic mean


def test_log_mean_conventions() -> None:
    assert_allclose(log_mean(5.0, 5.0), 5.0)
    assert log_mean(5.0, 0.0) == 0.0 and log_mean(0.0, 5.0) == 0.0 and log_mean(0.0, 0.0) == 0.0
    assert_allclose(log_mean(math.e, 1.0), (math.e - 1.0) / 1.0, rtol=1e-15)
    assert_allclose(log_mean(3.0, 7.0), log_mean(7.0, 3.0), rtol=1e-15)
    # close arguments: L(a, b) → (a + b)/2, no cancellation
    a, b = 1.0 + 1e-12, 1.0
    assert_allclose(log_mean(a, b), (a + b) / 2, rtol=1e-14)
    with pytest.raises(ValueError):
        log_mean(-1.0, 2.0)


# ------------------------------------------------------------------ hand-worked examples


def test_hand_worked_two_sector_example() -> None:
    """Two sectors, one fuel each, emission factor 2 t/unit everywhere.

    year 0: road Q=100, E=50, C=100; water Q=100, E=10, C=20  → Q=200, C=120
    year T: road Q=100, E=50, C=100; water Q=300, E=30, C=60  → Q=400, C=160, ΔC = 40

    road:  L(100, 100) = 100; ln(Q) = ln 2, ln(S) = ln(0.25/0.5) = −ln 2, I, M, U unchanged
           activity = 100 ln 2 = 69.3147, structure = −69.3147
    water: L(60, 20) = 40/ln 3 = 36.4096; ln(S) = ln(0.75/0.5) = ln 1.5
           activity = 36.4096 · 0.693147 = 25.2372, structure = 36.4096 · 0.405465 = 14.7628
    city:  activity 94.5519, structure −54.5519, intensity = fuel mix = emission factor = 0; sum 40
    """
    df = _frame(
        [
            (2020, "road", "diesel", 100, 50, 100),
            (2020, "water", "fuel_oil", 100, 10, 20),
            (2025, "road", "diesel", 100, 50, 100),
            (2025, "water", "fuel_oil", 300, 30, 60),
        ]
    )
    by_sector = lmdi_decompose(df, 2020, 2025)
    road, water = _row(by_sector, "sector", "road"), _row(by_sector, "sector", "water")
    assert_allclose([road["activity"], road["structure"]], [69.3147, -69.3147], atol=1e-4)
    assert_allclose([water["activity"], water["structure"]], [25.2372, 14.7628], atol=1e-4)
    tot = lmdi_totals(by_sector)
    assert_allclose([tot["activity"], tot["structure"]], [94.5519, -54.5519], atol=1e-4)
    assert_allclose([tot["intensity"], tot["fuel_mix"], tot["emission_factor"]], 0.0, atol=1e-12)
    assert_allclose(tot["delta_co2"], 40.0)
    assert_allclose(sum(tot[e] for e in EFFECTS), 40.0, rtol=1e-12)


def test_fuel_switch_intensity_and_emission_factor_effects() -> None:
    """One sector, Q fixed. Diesel (EF 0.074) → LNG (EF 0.056) switch, a 10 % energy-intensity fall
    and an electricity factor fall, each alone moves exactly its own effect."""
    mix = lmdi_totals(
        lmdi_decompose(
            _frame(
                [
                    (0, "truck", "diesel", 100, 80, 80 * 0.074),
                    (0, "truck", "lng", 100, 20, 20 * 0.056),
                    (1, "truck", "diesel", 100, 60, 60 * 0.074),
                    (1, "truck", "lng", 100, 40, 40 * 0.056),
                ]
            ),
            0,
            1,
        )
    )
    assert_allclose(mix["fuel_mix"], (4.44 + 2.24) - (5.92 + 1.12), rtol=1e-12)  # −0.36
    assert_allclose([mix[e] for e in EFFECTS if e != "fuel_mix"], 0.0, atol=1e-12)

    intensity = lmdi_totals(
        lmdi_decompose(
            _frame(
                [
                    (0, "bus", "diesel", 100, 50, 50 * 0.074),
                    (1, "bus", "diesel", 100, 45, 45 * 0.074),
                ]
            ),
            0,
            1,
        )
    )
    assert_allclose(intensity["intensity"], -5 * 0.074, rtol=1e-12)

    ef = lmdi_totals(
        lmdi_decompose(
            _frame(
                [
                    (0, "rail", "electricity", 10, 10, 5.8),
                    (1, "rail", "electricity", 10, 10, 5.0),
                ]
            ),
            0,
            1,
        )
    )
    assert_allclose(ef["emission_factor"], -0.8, rtol=1e-12)
    assert_allclose([ef[e] for e in EFFECTS if e != "emission_factor"], 0.0, atol=1e-12)


# ------------------------------------------------------------------ zero values


def test_new_and_vanishing_fuel_go_to_fuel_mix() -> None:
    df = _frame(
        [
            (0, "road", "diesel", 100, 100, 7.4),
            (0, "road", "cng", 100, 10, 0.56),
            (1, "road", "diesel", 100, 80, 5.92),
            (1, "road", "lng", 100, 30, 1.68),
        ]
    )
    terms = lmdi_terms(df, 0, 1)
    lng, cng = _row(terms, "fuel", "lng"), _row(terms, "fuel", "cng")
    assert_allclose(lng["fuel_mix"], 1.68)
    assert_allclose(cng["fuel_mix"], -0.56)
    for t in (lng, cng):
        assert all(t[e] == 0.0 for e in EFFECTS if e != "fuel_mix")
    tot = lmdi_totals(lmdi_decompose(df, 0, 1))
    assert_allclose(sum(tot[e] for e in EFFECTS), tot["delta_co2"], rtol=1e-12)


def test_new_sector_goes_to_structure_and_zero_co2_energy_is_neutral() -> None:
    df = _frame(
        [
            (0, "road", "diesel", 100, 50, 3.7),
            (0, "road", "electricity", 100, 5, 0.0),
            (1, "road", "diesel", 90, 45, 3.33),
            (1, "road", "electricity", 90, 9, 0.0),
            (1, "rail", "diesel", 30, 3, 0.222),
        ]
    )
    terms = lmdi_terms(df, 0, 1)
    rail = _row(terms, "sector", "rail")
    assert_allclose(rail["structure"], 0.222)
    assert all(rail[e] == 0.0 for e in EFFECTS if e != "structure")
    elec = _row(terms, "fuel", "electricity")
    assert all(elec[e] == 0.0 for e in EFFECTS)
    tot = lmdi_totals(lmdi_decompose(df, 0, 1))
    assert_allclose(sum(tot[e] for e in EFFECTS), 3.33 + 0.222 - 3.7, rtol=1e-12)


def test_emission_factor_from_zero() -> None:
    """Energy that had no CO2 in year 0 (e.g. scope 1 only) and has some in year T."""
    df = _frame([(0, "port", "electricity", 10, 10, 0.0), (1, "port", "electricity", 10, 10, 5.0)])
    tot = lmdi_totals(lmdi_decompose(df, 0, 1))
    assert_allclose(tot["emission_factor"], 5.0)


# ------------------------------------------------------------------ errors


def test_refuses_inconsistent_input() -> None:
    ok = [(0, "road", "diesel", 100.0, 50.0, 3.7), (1, "road", "diesel", 100.0, 45.0, 3.3)]
    with pytest.raises(ValueError, match="lacks column"):
        lmdi_decompose(_frame(ok).drop("energy"), 0, 1)
    with pytest.raises(ValueError, match="energy without activity"):
        lmdi_decompose(_frame([*ok, (1, "port", "diesel", 0.0, 5.0, 0.37)]), 0, 1)
    with pytest.raises(ValueError, match="CO2 without energy"):
        lmdi_decompose(_frame([*ok, (1, "road", "lng", 100.0, 0.0, 0.37)]), 0, 1)
    with pytest.raises(ValueError, match="repeated on each"):
        lmdi_decompose(_frame([*ok, (1, "road", "lng", 90.0, 1.0, 0.05)]), 0, 1)
    with pytest.raises(ValueError, match="repeat"):
        lmdi_decompose(_frame([*ok, ok[0]]), 0, 1)
    with pytest.raises(ValueError, match="no rows for year"):
        lmdi_decompose(_frame(ok), 0, 2)
    with pytest.raises(ValueError, match="negative"):
        lmdi_decompose(_frame([*ok, (1, "bus", "diesel", 1.0, -1.0, 0.0)]), 0, 1)


# ------------------------------------------------------------------ property: effects sum to the change

_value = st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=1e6, allow_nan=False))


@st.composite
def _frames(draw: st.DrawFn) -> pl.DataFrame:
    sectors = draw(st.lists(st.sampled_from(["road", "rail", "water", "air"]), min_size=1, max_size=4, unique=True))
    fuels = draw(
        st.lists(st.sampled_from(["diesel", "gasoline", "lng", "electricity"]), min_size=1, max_size=3, unique=True)
    )
    rows = []
    for year in (0, 1):
        for s in sectors:
            activity = draw(_value)
            for f in fuels:
                energy = draw(_value) if activity > 0 else 0.0
                co2 = draw(_value) if energy > 0 else 0.0
                rows.append((year, s, f, activity, energy, co2))
        if all(r[3] == 0 for r in rows if r[0] == year):  # total activity must be positive
            rows.append((year, "bus", "diesel", 1.0, 1.0, 1.0))
    return _frame(rows)


@settings(max_examples=150, deadline=None)
@given(_frames())
def test_effects_sum_to_total_change(df: pl.DataFrame) -> None:
    by_sector = lmdi_decompose(df, 0, 1)
    effects = by_sector.select(list(EFFECTS)).to_numpy().sum(axis=1)
    delta = by_sector.get_column("delta_co2").to_numpy()
    scale = max(
        1.0, float(by_sector.select(pl.col("co2_from").abs().max(), pl.col("co2_to").abs().max()).to_numpy().max())
    )
    assert np.all(np.abs(effects - delta) <= 1e-9 * scale)
    c0 = df.filter(pl.col("year") == 0).get_column("co2").sum()
    c1 = df.filter(pl.col("year") == 1).get_column("co2").sum()
    tot = lmdi_totals(by_sector)
    assert abs(sum(tot[e] for e in EFFECTS) - (c1 - c0)) <= 1e-9 * max(1.0, c0, c1)
    assert all(np.isfinite(tot[e]) for e in EFFECTS)
