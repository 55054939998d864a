"""Vehicle fleet stock turnover: vintaged stock from sales by model year and survival, powertrain shares of
sales interpolated between given years, stock shares. Shared by the road inventory and the scenarios.

Equations (the ICCT Roadmap / LEAP stock model; survival parameters for China from Hao et al. 2011) [1]_ [2]_::

    Stock(CY, MY) = Sales(MY) · S(CY − MY),     age t = CY − MY, S(0) = 1, no stock before MY
    S(t) = exp(−(t / a)^b)                       Weibull survival, a scale [yr], b shape [-]
    S(t) = 1 for t < N, 0 for t ≥ N              step at a mandatory scrappage age N [yr] [3]_
    Stock(CY) = Σ_MY Stock(CY, MY)

Powertrain shares of sales are given at some years and interpolated linearly between them, held at the last
given value after the last year and 0 before the first; the stock share of a powertrain is its stock over
the class's total stock. With constant sales and a new-energy share of sales ramping 5% (2020) → 20% (2025)
→ 40% (2030), the private-car curve (a 14.46, b 4.79) gives a new-energy stock share of ≈5% in 2025 and
≈17% in 2030: the stock lags the sales by about a decade [1]_.

Array conventions: every function is NumPy-vectorised and broadcasts over leading axes, so a leading axis of
Monte Carlo draws (and axes of classes and powertrains) costs no Python loop. Model years are consecutive
integers ``model_years[0] … model_years[-1]`` on the last axis of ``sales``; survival by age
``0 … A − 1`` on the last axis of ``survival_by_age``.

References
----------
.. [1] ICCT (2022). Roadmap model documentation (stock turnover, survival curves); survival parameters for
   China as published by Hao, H., Wang, H., Ouyang, M. (2011), Fuel conservation and GHG emissions
   mitigation scenarios for China's passenger vehicle fleet, Energy 36(11):6520–6528 (reference/road.md).
.. [2] Heaps, C. (2022). LEAP: the Low Emissions Analysis Platform, stock-turnover method.
.. [3] 商务部 等 (2012). 机动车强制报废标准规定 (令 2012 年第 12 号): mandatory service lives, e.g. small and
   micro taxis 8 years, public-transport buses 13 years [check the text].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def weibull_survival(age: ArrayLike, scale: ArrayLike, shape: ArrayLike) -> Array:
    """S(t) = exp(−(t/a)^b) for t ≥ 0, 0 for t < 0 (not yet sold) [1]_; broadcasts."""
    t = _f(age)
    return np.where(t >= 0, np.exp(-((np.maximum(t, 0.0) / _f(scale)) ** _f(shape))), 0.0)


def step_survival(age: ArrayLike, scrappage_age: ArrayLike) -> Array:
    """S(t) = 1 for 0 ≤ t < N, else 0: every vehicle leaves at the mandatory scrappage age N [yr] [3]_."""
    t = _f(age)
    return ((t >= 0) & (t < _f(scrappage_age))).astype(np.float64)


def survival_by_age(
    max_age: int,
    scale: ArrayLike,
    shape: ArrayLike,
    scrappage_age: ArrayLike,
) -> Array:
    """Survival at ages 0 … max_age on a new last axis, Weibull where ``scrappage_age`` is NaN, else a step.

    ``scale``, ``shape`` and ``scrappage_age`` broadcast (e.g. one value per class, or draws × classes);
    the NaN entries of the Weibull parameters of step classes are never used.
    """
    ages = np.arange(max_age + 1, dtype=np.float64)
    n = _f(scrappage_age)[..., None]
    weibull = weibull_survival(
        ages, np.nan_to_num(_f(scale), nan=1.0)[..., None], np.nan_to_num(_f(shape), nan=1.0)[..., None]
    )
    return np.where(np.isnan(n), weibull, step_survival(ages, np.nan_to_num(n, nan=0.0)))


def _age_index(model_years: ArrayLike, years: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    my = np.asarray(model_years, dtype=np.int64)
    if my.size and np.any(np.diff(my) != 1):
        raise ValueError("model years must be consecutive and increasing")
    cy = np.asarray(years, dtype=np.int64)
    return my, cy


def vintage_stock(sales: ArrayLike, survival: ArrayLike, model_years: ArrayLike, years: ArrayLike) -> Array:
    """Stock(CY, MY) = Sales(MY) · S(CY − MY), shape ``(..., len(years), len(model_years))``.

    ``sales``: ``(..., M)`` by model year; ``survival``: ``(..., A)`` by age 0 … A − 1 (ages beyond A − 1
    have S = 0). Leading axes broadcast. Memory grows with years × model years: for many Monte Carlo draws
    use :func:`total_stock`.
    """
    my, cy = _age_index(model_years, years)
    s = _f(survival)
    age = cy[:, None] - my[None, :]
    valid = (age >= 0) & (age < s.shape[-1])
    s_at = np.where(valid, np.take(s, np.clip(age, 0, s.shape[-1] - 1), axis=-1), 0.0)
    return _f(sales)[..., None, :] * s_at


def total_stock(sales: ArrayLike, survival: ArrayLike, model_years: ArrayLike, years: ArrayLike) -> Array:
    """Stock(CY) = Σ_MY Sales(MY) · S(CY − MY), shape ``(..., len(years))``, with memory bounded by the
    output: one vectorised step per age (≤ A steps), never the years × model-years matrix."""
    my, cy = _age_index(model_years, years)
    sales_a, s = _f(sales), _f(survival)
    lead = np.broadcast_shapes(sales_a.shape[:-1], s.shape[:-1])
    out = np.zeros((*lead, cy.size))
    for age in range(s.shape[-1]):
        idx = cy - age - my[0]
        ok = (idx >= 0) & (idx < my.size)
        if not ok.any():
            continue
        out[..., ok] += sales_a[..., idx[ok]] * s[..., age, None]
    return out


def interpolate_shares(given_years: ArrayLike, given_values: ArrayLike, years: ArrayLike) -> Array:
    """Shares at ``years``: linear between the given years, the last value after the last, 0 before the first.

    ``given_years``: ``(G,)`` increasing; ``given_values``: ``(..., G)`` (e.g. classes × powertrains × G, or
    draws × …); returns ``(..., len(years))``.
    """
    gy = _f(given_years)
    gv = _f(given_values)
    y = _f(years)
    if gy.ndim != 1 or gy.size == 0 or np.any(np.diff(gy) <= 0):
        raise ValueError("given years must be a non-empty increasing sequence")
    hi = np.clip(np.searchsorted(gy, y, side="right"), 1, gy.size - 1) if gy.size > 1 else np.zeros(y.size, int)
    lo = np.maximum(hi - 1, 0)
    span = np.where(gy[hi] > gy[lo], gy[hi] - gy[lo], 1.0)
    w = np.clip((y - gy[lo]) / span, 0.0, 1.0)
    values = gv[..., lo] * (1.0 - w) + gv[..., hi] * w
    return np.where(y < gy[0], 0.0, values)


def stock_shares(stock: ArrayLike, axis: int = -2) -> Array:
    """Share of each entry of ``axis`` (e.g. powertrains) in the total over that axis; 0 where the total is 0."""
    s = _f(stock)
    total = s.sum(axis=axis, keepdims=True)
    shares: Array = np.divide(s, total, out=np.zeros_like(s), where=total > 0)
    return shares
