"""Forecast to a target year (methods/forecast.py)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from transcarbon.methods.forecast import forecast_to_year, ols, theil_sen

YEARS = np.arange(2020, 2026, dtype=float)  # six annual points, as by 2025
LEVEL = 0.9  # progress.forecast.interval_level of the city YAML


def test_theil_sen_matches_scipy_slope() -> None:
    rng = np.random.default_rng(1)
    y = 3.0 - 0.2 * (YEARS - 2020) + rng.normal(0, 0.05, YEARS.size)
    b, _ = theil_sen(YEARS, y)
    assert_allclose(b, stats.theilslopes(y, YEARS).slope, rtol=1e-12)


def test_exact_line_gives_point_interval() -> None:
    y = 1.0 - 0.01 * (YEARS - 2020)
    f = forecast_to_year(YEARS, y, 2030, level=LEVEL, target_value=0.905, direction="decrease")
    assert_allclose([f.value, f.low, f.high], [0.90, 0.90, 0.90], atol=1e-12)
    assert f.p_meet == 1.0
    assert forecast_to_year(YEARS, y, 2030, level=LEVEL, target_value=0.85, direction="decrease").p_meet == 0.0


def test_interval_contains_truth_on_synthetic_linear_series() -> None:
    # a known trend plus a fixed, zero-mean wiggle (the random case is the coverage test below)
    truth_2030 = 20.0 + 4.0 * 10
    y = 20.0 + 4.0 * (YEARS - 2020) + np.array([0.8, -1.1, 0.4, 0.9, -1.3, 0.3])
    f = forecast_to_year(YEARS, y, 2030, target_value=40.0, level=LEVEL)
    assert f.low < truth_2030 < f.high
    assert f.low < f.value < f.high
    assert f.n_points == 6 and f.method == "ols"


def test_ols_interval_by_hand() -> None:
    """The OLS line, its prediction interval and P(met) against the textbook formula (Montgomery §2.4.2)."""
    y = np.array([10.0, 10.4, 10.5, 11.2, 11.3, 11.9])
    fit = stats.linregress(YEARS, y)
    b, a = ols(YEARS, y)
    assert_allclose([b, a], [fit.slope, fit.intercept], rtol=1e-10)
    resid = y - (a + b * YEARS)
    s = np.sqrt(np.sum(resid**2) / 4)
    se = s * np.sqrt(1 + 1 / 6 + (2030 - YEARS.mean()) ** 2 / np.sum((YEARS - YEARS.mean()) ** 2))
    yhat = a + b * 2030
    q = stats.t.ppf(0.95, 4)
    f = forecast_to_year(YEARS, y, 2030, level=LEVEL, target_value=13.5)
    assert_allclose([f.value, f.low, f.high], [yhat, yhat - q * se, yhat + q * se], rtol=1e-10)
    assert_allclose(f.p_meet, 1 - stats.t.cdf((13.5 - yhat) / se, 4), rtol=1e-10)


def test_fewer_than_four_points_give_no_probability() -> None:
    f = forecast_to_year(
        [2022, 2023, 2024], [1.0, 0.98, 0.97], 2025, level=LEVEL, target_value=0.95, direction="decrease"
    )
    assert not np.isnan(f.value) and np.isnan(f.low) and np.isnan(f.high) and np.isnan(f.p_meet)
    f4 = forecast_to_year([2021, 2022, 2023, 2024], [1.0, 0.98, 0.97, 0.96], 2025, level=LEVEL, target_value=0.95)
    assert not np.isnan(f4.p_meet)


def test_t_interval_coverage_near_nominal() -> None:
    """Over 400 seeded series with Gaussian noise, the 90 % interval holds a new 2030 draw ~90 %."""
    rng = np.random.default_rng(2024)
    hits = 0
    n = 400
    for _ in range(n):
        y = 5.0 + 0.3 * (YEARS - 2020) + rng.normal(0, 0.4, YEARS.size)
        future = 5.0 + 0.3 * 10 + rng.normal(0, 0.4)
        f = forecast_to_year(YEARS, y, 2030, level=LEVEL)
        hits += f.low <= future <= f.high
    assert 0.84 <= hits / n <= 0.99


@pytest.mark.parametrize("method", ["ols", "theil_sen_bootstrap"])
@pytest.mark.parametrize("direction", ["increase", "decrease"])
def test_p_meet_monotone_in_target(method: str, direction: str) -> None:
    y = np.array([30.0, 33.0, 35.5, 39.0, 41.0, 45.0])
    targets = np.linspace(40, 90, 26)
    p = [
        forecast_to_year(
            YEARS,
            y,
            2030,
            level=LEVEL,
            target_value=t,
            direction=direction,
            method=method,  # type: ignore[arg-type]
            n_boot=500,
        ).p_meet
        for t in targets
    ]
    diffs = np.diff(p)
    if direction == "increase":
        assert np.all(diffs <= 1e-12) and p[0] > 0.95 and p[-1] < 0.05
    else:
        assert np.all(diffs >= -1e-12) and p[0] < 0.05 and p[-1] > 0.95


def test_bootstrap_is_seeded() -> None:
    y = np.array([1.0, 0.99, 0.985, 0.97, 0.96, 0.957])
    a = forecast_to_year(
        YEARS, y, 2030, level=LEVEL, target_value=0.905, direction="decrease", method="theil_sen_bootstrap", seed=3
    )
    b = forecast_to_year(
        YEARS, y, 2030, level=LEVEL, target_value=0.905, direction="decrease", method="theil_sen_bootstrap", seed=3
    )
    assert a == b
    assert a.low <= a.value <= a.high


def test_robust_to_one_outlier_year() -> None:
    """A 2020 pandemic dip barely moves the Theil–Sen forecast, unlike least squares."""
    y = 100.0 + 5.0 * (YEARS - 2020)
    y_dip = y.copy()
    y_dip[0] = 70.0
    f = forecast_to_year(YEARS, y_dip, 2030, level=LEVEL, method="theil_sen_bootstrap")
    least_squares = forecast_to_year(YEARS, y_dip, 2030, level=LEVEL, method="ols")
    assert abs(f.value - 150.0) < 1.0
    assert abs(least_squares.value - 150.0) > 5.0


def test_short_series_and_bounds() -> None:
    f1 = forecast_to_year([2024], [10.0], 2025, level=LEVEL, target_value=20)
    assert np.isnan(f1.value) and np.isnan(f1.p_meet)
    f2 = forecast_to_year([2023, 2024], [10.0, 12.0], 2025, level=LEVEL, target_value=20)
    assert_allclose(f2.value, 14.0)
    assert np.isnan(f2.low) and np.isnan(f2.p_meet)
    f3 = forecast_to_year(YEARS, [80, 85, 91, 94, 98, 99.5], 2030, level=LEVEL, bounds=(0.0, 100.0), target_value=100)
    assert f3.value == 100.0 and f3.high == 100.0 and f3.low <= 100.0
    nan_dropped = forecast_to_year([2020, 2021, 2022, 2023, 2024], [1.0, np.nan, 3.0, 4.0, 5.0], 2025, level=LEVEL)
    assert nan_dropped.n_points == 4
    assert set(f3.as_dict()) == {"year", "value", "low", "high", "p_meet"}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="direction"):
        forecast_to_year(YEARS, YEARS, 2030, level=LEVEL, direction="up")
    with pytest.raises(ValueError, match="level"):
        forecast_to_year(YEARS, YEARS, 2030, level=1.5)
