"""The road block of the scenarios against hand calculations: a single cohort, constant sales in steady state, the lag
of stock shares behind sales shares, energy economy by model year, and the activity index."""

import numpy as np
from numpy.testing import assert_allclose

from transcarbon.methods.fleet import interpolate_shares, survival_by_age
from transcarbon.methods.scenarios.road_fleet import FleetInputs, run_fleet, with_activity

PRIVATE_CAR = (14.46, 4.79)


def _inputs(sales, shares, survival, model_years, years, **kw):
    c, p, m = shares.shape
    defaults = dict(
        km_new=np.full((1, c), 10_000.0),
        km_decline=np.zeros((1, c)),
        energy_ref=np.ones((1, c, p, 1)),
        efficiency_gain=np.zeros((1, c, p)),
        reference_model_year=int(model_years[0]),
        pollutant_factors=np.zeros((c, p, m, 1)),
    )
    defaults.update(kw)
    return FleetInputs(
        model_years=np.asarray(model_years),
        years=np.asarray(years),
        sales=np.asarray(sales, dtype=float)[None],
        shares=np.asarray(shares, dtype=float)[None],
        survival=np.asarray(survival, dtype=float)[None],
        **defaults,
    )


def test_a_single_cohort_by_hand():
    my = np.arange(2008, 2013)
    sales = np.array([[0, 0, 1000.0, 0, 0]])
    s = survival_by_age(40, *PRIVATE_CAR, np.nan)[None]
    inp = _inputs(
        sales,
        np.ones((1, 1, 5)),
        s,
        my,
        [2010, 2015, 2025],
        km_decline=np.full((1, 1), 0.1),
        pollutant_factors=np.full((1, 1, 5, 1), 2.0),
    )
    out = run_fleet(inp)
    surv = np.exp(-((np.array([0, 5, 15]) / 14.46) ** 4.79))
    assert_allclose(out.stock[0, 0, 0], 1000 * surv)
    vkm = 1000 * surv * 10_000 * 0.9 ** np.array([0, 5, 15])
    assert_allclose(out.vkm[0, 0, 0], vkm)
    assert_allclose(out.energy_gj[0, 0, 0], vkm / 1000)  # 1 MJ/km
    assert_allclose(out.pollutants_t[0, 0, 0], vkm * 2.0 / 1e6)  # 2 g/km
    assert_allclose(out.additions[0, 0, 0], [1000.0, 0.0, 0.0])


def test_constant_sales_reach_the_steady_state():
    my = np.arange(1960, 2036)
    s = survival_by_age(60, *PRIVATE_CAR, np.nan)[None]
    out = run_fleet(_inputs(np.full((1, my.size), 100_000.0), np.ones((1, 1, my.size)), s, my, [2030, 2035]))
    assert_allclose(out.stock[0, 0, 0], 100_000.0 * s.sum())  # Σ_t S(t) = 13.7438 years
    assert_allclose(out.vkm[0, 0, 0], 100_000.0 * s.sum() * 10_000)


def test_stock_share_lags_sales_share_by_about_a_decade():
    my = np.arange(1980, 2036)
    nev = interpolate_shares([2020, 2025, 2030], [0.05, 0.20, 0.40], my)
    shares = np.stack([1 - nev, nev])[None]  # (c, p, m)
    s = survival_by_age(60, *PRIVATE_CAR, np.nan)[None]
    out = run_fleet(_inputs(np.full((1, my.size), 100_000.0), shares, s, my, [2020, 2025, 2030]))
    stock_share = out.stock[0, 0, 1] / out.stock[0, 0].sum(axis=0)
    assert_allclose(stock_share[1:], [0.05, 0.17], atol=0.006)  # reference/scenarios.md
    add_share = out.additions[0, 0, 1] / out.additions[0, 0].sum(axis=0)
    assert_allclose(add_share, [0.05, 0.20, 0.40])


def test_energy_economy_improves_by_model_year_only_after_the_reference():
    my = np.arange(2018, 2023)
    sales = np.ones((1, 5)) * 100.0
    step = survival_by_age(10, np.nan, np.nan, 10.0)[None]
    inp = _inputs(sales, np.ones((1, 1, 5)), step, my, [2022], efficiency_gain=np.full((1, 1, 1), 0.1))
    inp = FleetInputs(**{**inp.__dict__, "reference_model_year": 2020})
    out = run_fleet(inp)
    per_vintage = 100 * 10_000 * np.array([1, 1, 1, 0.9, 0.81]) / 1000
    assert_allclose(out.energy_gj[0, 0, 0, 0], per_vintage.sum())


def test_activity_index_scales_kilometres_energy_and_pollutants_not_the_stock():
    my = np.arange(2015, 2021)
    s = survival_by_age(10, np.nan, np.nan, 10.0)[None]
    out = run_fleet(_inputs(np.ones((1, 6)) * 10, np.ones((1, 1, 6)), s, my, [2019, 2020]))
    scaled = with_activity(out, np.array([[[1.0, 0.5]]]))
    assert_allclose(scaled.stock, out.stock)
    assert_allclose(scaled.vkm[..., 1], out.vkm[..., 1] * 0.5)
    assert_allclose(scaled.energy_gj[..., 1], out.energy_gj[..., 1] * 0.5)


def test_draws_axis_broadcasts():
    my = np.arange(1990, 2036)
    scales = np.array([10.0, 14.46, 20.0])
    s = survival_by_age(50, scales[:, None], np.full((3, 1), 4.79), np.full((3, 1), np.nan))  # (d, c, a)
    base = _inputs(np.full((1, my.size), 1000.0), np.ones((1, 1, my.size)), s[0], my, [2030])
    out = run_fleet(FleetInputs(**{**base.__dict__, "survival": s}))
    assert out.stock.shape == (3, 1, 1, 1)
    assert out.stock[0, 0, 0, 0] < out.stock[1, 0, 0, 0] < out.stock[2, 0, 0, 0]
