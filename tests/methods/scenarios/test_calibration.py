"""Calibration recovers known parameters from synthetic registrations, kilometre factors from synthetic fuel and
trends from synthetic series; intervals cover the truth."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods.fleet import step_survival, weibull_survival
from transcarbon.methods.scenarios import calibration

YEARS = np.arange(2020, 2026)
MODEL_YEARS = np.arange(1995, 2026)


def _register(survival, rng: np.random.Generator | None = None):
    """Year-end stock of 2020–2025 by model year from growing sales, exact or with binomial scrappage noise."""
    sales = 40_000 * 1.06 ** (MODEL_YEARS - 1995)
    ages = YEARS[:, None] - MODEL_YEARS[None, :]
    s = survival(ages.astype(float))
    expected = sales[None, :] * s
    if rng is None:
        stock = expected
    else:  # a cohort's survivors: binomial draws, consistent from year to year
        stock = np.zeros_like(expected)
        for j, n in enumerate(sales.astype(int)):
            alive = n
            prev = 1.0
            for i, a in enumerate(ages[:, j]):
                if a < 0:
                    continue
                cond = s[i, j] / prev if prev > 0 else 0.0
                alive = rng.binomial(alive, min(cond, 1.0))
                prev = s[i, j]
                stock[i, j] = alive
    return np.where(ages >= 0, stock, np.nan), sales


def test_weibull_recovered_exactly_from_noise_free_registrations():
    stock, _ = _register(lambda t: weibull_survival(t, 14.46, 4.79))
    fit = calibration.fit_weibull_survival(stock, YEARS, MODEL_YEARS)
    assert fit.value("scale") == pytest.approx(14.46, rel=1e-4)
    assert fit.value("shape") == pytest.approx(4.79, rel=1e-3)
    assert fit.relative_error < 1e-5


@pytest.mark.parametrize(("scale", "shape", "seed"), [(14.46, 4.79, 1), (8.02, 5.58, 2), (12.8, 5.58, 3)])
def test_weibull_recovered_from_noisy_registrations_within_its_interval(scale, shape, seed):
    stock, sales = _register(lambda t: weibull_survival(t, scale, shape), np.random.default_rng(seed))
    known = np.where(MODEL_YEARS >= 2020, sales.round(), np.nan)  # new registrations of the registry years
    fit = calibration.fit_weibull_survival(stock, YEARS, MODEL_YEARS, sales=known)
    a, b = fit.parameters
    assert a.low <= scale <= a.high and b.low <= shape <= b.high
    assert fit.value("scale") == pytest.approx(scale, rel=0.02)
    assert fit.value("shape") == pytest.approx(shape, rel=0.05)
    assert fit.relative_error < 0.01
    assert fit.residuals.shape == stock.shape and fit.observations == int(np.isfinite(stock).sum())


def test_step_scrappage_age_recovered_with_its_profile_interval():
    stock, _ = _register(lambda t: step_survival(t, 8.0), np.random.default_rng(4))
    fit = calibration.fit_step_survival(stock, YEARS, MODEL_YEARS)
    (age,) = fit.parameters
    assert age.value == 8.0 and age.low <= 8.0 <= age.high


def test_register_checks():
    with pytest.raises(ValueError, match="registry years × model years"):
        calibration.fit_weibull_survival(np.ones((2, 2)), YEARS, MODEL_YEARS)
    with pytest.raises(ValueError, match="at least three"):
        calibration.fit_weibull_survival(np.full((6, 31), np.nan), YEARS, MODEL_YEARS)


def test_kilometre_factors_recovered_from_fuel():
    rng = np.random.default_rng(5)
    contributions = rng.uniform(1e5, 1e6, size=(2, 12))  # two groups × (carrier, year) observations
    observed = 1.2 * contributions[0] + 0.8 * contributions[1]
    fit = calibration.fit_scale_factors(contributions, observed, ("petrol", "diesel"))
    assert_allclose([p.value for p in fit.parameters], [1.2, 0.8], rtol=1e-6)
    assert fit.relative_rmse < 1e-8
    bounded = calibration.fit_scale_factors(contributions, observed * 10, ("petrol", "diesel"), bounds=(0.5, 2.0))
    assert all(p.value == pytest.approx(2.0) for p in bounded.parameters)


def test_trend_recovered_with_interval():
    years = np.arange(2020, 2026)
    values = 100 * 0.97 ** (years - 2020) * np.array([1.0, 1.01, 0.99, 1.0, 1.005, 0.995])
    fit = calibration.fit_trend(years, values, 2020)
    assert fit.change.value == pytest.approx(-0.03, abs=0.003)
    assert fit.change.low < -0.03 < fit.change.high
    assert fit.level.value == pytest.approx(100, rel=0.01)


def test_relative_errors():
    assert_allclose(calibration.relative_errors([110.0, 90.0, 5.0], [100.0, 100.0, np.nan])[:2], [0.1, -0.1])
