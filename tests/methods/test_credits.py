"""Green-trip reductions by hand, for every credited mode under each baseline kind, from the packaged
methodology 2026.1 (mode factors in data/credits/mode_factors.csv)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from transcarbon.factors.credits import methodology, methodology_hash
from transcarbon.factors.library import FactorError
from transcarbon.methods.credits import average_baseline, trip_points, trip_reduction_kg
from transcarbon.methods.finite import NonFiniteInput

# The all-modes average by hand: Σ share × EF over the eight modes (shares add up to 1):
# walk .20×0 + bike .18×0 + bus .15×0.068 + metro .03×0.0614 + rail .02×0.0614 + carpool .04×0.136
# + car .30×0.272 + e_moped .08×0.025 = 0.0102 + 0.001842 + 0.001228 + 0.00544 + 0.0816 + 0.002 = 0.10231
AVERAGE = 0.10231

# mode, distance [km], reduction under high_carbon (0.272) [kg], points, under all_modes_average [kg], points
CASES = [
    ("walk", 2.0, 0.544, 5, 0.20462, 2),  # (0.272 − 0) × 2; (0.10231 − 0) × 2
    ("bike", 5.0, 1.36, 13, 0.51155, 5),  # × 5
    ("bus", 10.0, 2.04, 20, 0.3431, 3),  # (0.272 − 0.068) × 10; (0.10231 − 0.068) × 10
    ("metro", 10.0, 2.106, 21, 0.4091, 4),  # (0.272 − 0.0614) × 10; (0.10231 − 0.0614) × 10
    ("rail", 30.0, 6.318, 63, 1.2273, 12),  # (0.272 − 0.0614) × 30; (0.10231 − 0.0614) × 30
    ("carpool", 10.0, 1.36, 13, 0.0, 0),  # (0.272 − 0.136) × 10; 0.136 > average: no reduction, never a debt
]


@pytest.mark.parametrize(("mode", "km", "high_kg", "high_pts", "avg_kg", "avg_pts"), CASES)
def test_reduction_by_hand_per_mode_and_baseline(
    mode: str, km: float, high_kg: float, high_pts: int, avg_kg: float, avg_pts: int
) -> None:
    for kind, kg, pts in (("high_carbon", high_kg, high_pts), ("all_modes_average", avg_kg, avg_pts)):
        m = methodology("2026.1", kind)
        reduction = trip_reduction_kg(m.baseline_ef, [m.modes[mode].ef_kgco2_per_pkm], [km])
        assert reduction[0] == pytest.approx(kg, abs=1e-9), (mode, kind)
        assert trip_points(reduction, m.points_per_kg)[0] == pts, (mode, kind)


def test_baselines_and_hashes() -> None:
    high, avg = methodology("2026.1", "high_carbon"), methodology("2026.1", "all_modes_average")
    assert high.baseline_ef == 0.272
    assert avg.baseline_ef == pytest.approx(AVERAGE, abs=1e-12)
    assert high.hash != avg.hash and len(high.hash) == 64
    assert high.hash == methodology("2026.1", "high_carbon").hash  # stable
    assert high.credited_modes == ["walk", "bike", "bus", "metro", "rail", "carpool"]
    assert all(f.source and f.status in ("verified", "to_check") for f in high.modes.values())
    changed = methodology_hash({"version": "x"}, "high_carbon", high.modes)
    assert changed != high.hash


def test_average_is_weighted_by_shares() -> None:
    assert average_baseline([0.2, 0.0], [1, 3]) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="shares"):
        average_baseline([0.1], [0])


def test_points_round_down_and_whole_points_survive_float_noise() -> None:
    assert trip_points([0.7999, 0.1 * 3], 10).tolist() == [7, 3]  # 0.1 × 3 = 0.30000000000000004


def test_refuses_non_finite_and_negative() -> None:
    with pytest.raises(NonFiniteInput):
        trip_reduction_kg(0.272, [0.0], [math.inf])
    with pytest.raises(NonFiniteInput):
        trip_points(np.array([math.nan]), 10)
    with pytest.raises(ValueError, match="negative"):
        trip_reduction_kg(0.272, [0.0], [-1.0])


def test_unknown_version_or_baseline() -> None:
    with pytest.raises(FactorError, match="unknown credit methodology"):
        methodology("1999.1", "high_carbon")
    with pytest.raises(FactorError, match="baseline"):
        methodology("2026.1", "made_up")
