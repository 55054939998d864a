"""Fleet stock turnover against hand calculations and the stock-share lag of reference/road.md."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from transcarbon.methods import fleet

PRIVATE_CAR = (14.46, 4.79)


def test_single_cohort_by_hand():
    s = fleet.survival_by_age(40, *PRIVATE_CAR, np.nan)
    stock = fleet.vintage_stock([0, 1000.0, 0], s, [2009, 2010, 2011], [2009, 2010, 2015, 2025])
    assert_allclose(
        stock[:, 1], [0.0, 1000.0, 1000 * np.exp(-((5 / 14.46) ** 4.79)), 1000 * np.exp(-((15 / 14.46) ** 4.79))]
    )
    assert_allclose(stock[:, [0, 2]], 0.0)
    assert s[0] == 1.0


def test_steady_state_equals_sales_times_sum_of_survival():
    s = fleet.survival_by_age(60, *PRIVATE_CAR, np.nan)
    years = np.arange(1960, 2036)
    total = fleet.total_stock(np.full(years.size, 100_000.0), s, years, [2030, 2035])
    assert_allclose(total, 100_000.0 * s.sum())
    assert_allclose(s.sum(), 13.7438, atol=1e-4)


def test_step_survival_at_the_scrappage_age():
    s = fleet.survival_by_age(20, np.nan, np.nan, 8.0)
    assert s[:8].tolist() == [1.0] * 8 and s[8:].sum() == 0.0
    assert_allclose(fleet.total_stock(np.full(30, 10.0), s, np.arange(2000, 2030), [2029]), [80.0])


def test_stock_share_lags_sales_share():
    years = np.arange(1980, 2036)
    share = fleet.interpolate_shares([2020, 2025, 2030], [0.05, 0.20, 0.40], years)
    sales = np.stack([1 - share, share]) * 100_000.0  # (powertrain, model year)
    s = fleet.survival_by_age(60, *PRIVATE_CAR, np.nan)
    stock = fleet.total_stock(sales, s, years, [2020, 2025, 2030])
    nev = fleet.stock_shares(stock, axis=0)[1]
    assert_allclose(nev[1:], [0.05, 0.17], atol=0.006)
    assert nev[0] < 0.005


def test_interpolation_conventions():
    got = fleet.interpolate_shares([2020, 2025, 2030], [0.05, 0.20, 0.40], [2015, 2019, 2020, 2022, 2030, 2035])
    assert_allclose(got, [0.0, 0.0, 0.05, 0.11, 0.40, 0.40])
    with pytest.raises(ValueError):
        fleet.interpolate_shares([2025, 2020], [0.1, 0.2], [2020])


def test_draws_axis_and_total_matches_vintage_sum():
    rng = np.random.default_rng(1)
    scale = rng.uniform(12, 16, size=(500, 3))  # draws × classes
    shape = np.full((500, 3), 4.79)
    s = fleet.survival_by_age(50, scale, shape, np.full(3, np.nan))
    years = np.arange(1990, 2036)
    sales = rng.uniform(1e3, 1e4, size=(3, years.size))
    total = fleet.total_stock(sales, s, years, [2020, 2035])
    assert total.shape == (500, 3, 2)
    vint = fleet.vintage_stock(sales[None], s, years, [2020, 2035]).sum(axis=-1)
    assert_allclose(total, vint, rtol=1e-12)
