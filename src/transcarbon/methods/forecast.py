"""Forecast of an indicator to a target year, with a prediction interval and an indicative P(target met).

What a forecast is for, and what it is not
------------------------------------------
Before a target year, a trend line through the observed years says where the indicator is heading if
nothing changes. Its probability of meeting the target is *indicative*: it covers the scatter of the
observed years about the line and the uncertainty of the line itself, under the model's assumptions; it
does not cover revisions of data or factors, a change of policy, or a break in the trend. In the target year
itself there is nothing to forecast: the observed value meets the target or it does not (the caller judges
that; :mod:`transcarbon.services.evaluation.series`).

The plan's indicators are annual series with a 2020 base: by 2025 an indicator has at most six points. That
rules out models that need long series (ETS, ARIMA) and asks for small-sample honesty: with fewer than
``min_points`` points (four by default) no interval and no probability are given, only the line's value. With
n = 3 a t interval has one degree of freedom (t₀.₉₅ = 6.3): its width says nothing useful.

Two estimators, each with the prediction interval that belongs to it
-------------------------------------------------------------------
``ols`` (default): the least-squares line and its exact prediction interval under independent normal errors
[3]_::

    b = Σ (x_i − x̄)(y_i − ȳ) / Σ (x_i − x̄)²,   a = ȳ − b·x̄,   r_i = y_i − (a + b·x_i)
    s² = Σ r_i² / (n − 2)
    se_T = s · sqrt(1 + 1/n + (x_T − x̄)² / Σ (x_i − x̄)²)
    ŷ_T ± t_{1−α/2, n−2} · se_T
    p_meet = 1 − F_t((y* − ŷ_T)/se_T; n − 2)  (increase),   F_t((y* − ŷ_T)/se_T; n − 2)  (decrease)

``theil_sen_bootstrap``: the Theil–Sen line [1]_ [2]_ (slope ``median_{i<j} (y_j − y_i)/(x_j − x_i)``,
intercept ``median_i (y_i − b·x_i)``; one odd year of six cannot move it) with a residual bootstrap of that
same estimator [4]_ (§9.5): B series ``ŷ_i + r*_i`` (residuals centred and rescaled by sqrt(n/(n − 2)),
drawn with replacement) are refitted with Theil–Sen, a drawn residual is added to each refit's value in the
target year, the interval is the empirical quantile range of those B values and ``p_meet`` the share that
meets the target. Seeded, so deterministic.

The point forecast, its interval and ``p_meet`` thus always come from one estimator. Bounds
(``bounds=(0, 100)`` for a share) clip the value and the interval, not ``p_meet``.

References
----------
.. [1] H. Theil, "A rank-invariant method of linear and polynomial regression analysis",
   Proc. Kon. Ned. Akad. Wetensch. A 53 (1950) 386–392, 521–525, 1397–1412.
.. [2] P. K. Sen, "Estimates of the regression coefficient based on Kendall's tau",
   J. Amer. Statist. Assoc. 63 (1968) 1379–1389.
.. [3] D. C. Montgomery, E. A. Peck, G. G. Vining, Introduction to Linear Regression Analysis,
   5th ed., Wiley (2012), §2.4.2 (prediction of new observations).
.. [4] B. Efron, R. J. Tibshirani, An Introduction to the Bootstrap, Chapman & Hall (1993), §9.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

Method = Literal["ols", "theil_sen_bootstrap"]
METHODS: tuple[str, ...] = ("ols", "theil_sen_bootstrap")
MIN_POINTS = 4
"""Fewest observed years for which an interval and a probability are given."""


@dataclass(frozen=True)
class Forecast:
    """A forecast to ``year`` [value in the measure's unit; p_meet a probability, NaN where none is given]."""

    year: int
    value: float
    low: float
    high: float
    p_meet: float
    level: float
    method: str
    n_points: int

    def as_dict(self) -> dict[str, float | int]:
        """The ``forecast`` object of ``evaluate --json``."""
        return {"year": self.year, "value": self.value, "low": self.low, "high": self.high, "p_meet": self.p_meet}


def theil_sen(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Theil–Sen slope and intercept ``(b, a)`` [1]_ [2]_ of ``y ≈ a + b·x`` (pairs with equal x skipped)."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError("x and y must be 1-D arrays of equal length")
    i, j = np.triu_indices(xa.size, k=1)
    dx = xa[j] - xa[i]
    keep = dx != 0
    if not np.any(keep):
        raise ValueError("need at least two distinct x values")
    b = float(np.median((ya[j] - ya[i])[keep] / dx[keep]))
    a = float(np.median(ya - b * xa))
    return b, a


def ols(x: ArrayLike, y: ArrayLike) -> tuple[float, float]:
    """Least-squares slope and intercept ``(b, a)`` [3]_ of ``y ≈ a + b·x``."""
    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    sxx = float(np.sum((xa - xa.mean()) ** 2))
    if sxx == 0:
        raise ValueError("need at least two distinct x values")
    b = float(np.sum((xa - xa.mean()) * (ya - ya.mean())) / sxx)
    return b, float(ya.mean() - b * xa.mean())


def _theil_sen_batch(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Theil–Sen of many series at once: x shape (n,), y shape (B, n) → slopes, intercepts (B,)."""
    i, j = np.triu_indices(x.size, k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    slopes = (y[:, j] - y[:, i])[:, keep] / dx[keep]
    b = np.median(slopes, axis=1)
    a = np.median(y - b[:, None] * x[None, :], axis=1)
    return b, a


def _ols_interval(
    x: NDArray[np.float64], y: NDArray[np.float64], a: float, b: float, xt: float, level: float
) -> tuple[float, float, float, int]:
    """(low, high, se_T, degrees of freedom) of the OLS prediction at ``xt`` (module docstring); se_T = 0 for
    an exact line."""
    n = x.size
    yhat = a + b * xt
    resid = y - (a + b * x)
    s = float(np.sqrt(np.sum(resid**2) / (n - 2)))
    if s <= 1e-12 * max(1.0, float(np.max(np.abs(y)))):
        return yhat, yhat, 0.0, n - 2  # an exact line up to rounding: no spread
    sxx = float(np.sum((x - x.mean()) ** 2))
    se = s * float(np.sqrt(1.0 + 1.0 / n + (xt - x.mean()) ** 2 / sxx))
    q = float(stats.t.ppf(0.5 + level / 2.0, n - 2))
    return yhat - q * se, yhat + q * se, se, n - 2


def _bootstrap_draws(
    x: NDArray[np.float64], y: NDArray[np.float64], a: float, b: float, xt: float, n_boot: int, seed: int
) -> NDArray[np.float64]:
    """Values at ``xt`` of B Theil–Sen refits of residual-bootstrap series, plus a drawn residual each."""
    n = x.size
    rng = np.random.default_rng(seed)
    resid = y - (a + b * x)
    r = (resid - resid.mean()) * np.sqrt(n / (n - 2))  # rescaled for the two fitted parameters [4]_
    ystar = (a + b * x)[None, :] + rng.choice(r, size=(n_boot, n), replace=True)
    bb, aa = _theil_sen_batch(x, ystar)
    return np.asarray(aa + bb * xt + rng.choice(r, size=n_boot, replace=True), dtype=np.float64)


def forecast_to_year(
    years: ArrayLike,
    values: ArrayLike,
    target_year: int,
    *,
    level: float,
    target_value: float | None = None,
    direction: str = "increase",
    method: Method = "ols",
    min_points: int = MIN_POINTS,
    bounds: tuple[float, float] | None = None,
    n_boot: int = 2000,
    seed: int = 20240160,
) -> Forecast:
    """Forecast a series to ``target_year`` (model in the module docstring).

    Parameters
    ----------
    years : observation years [year]; NaN values are dropped with their year
    values : the measure [its unit]
    target_year : [year]
    level : two-sided coverage of the prediction interval [fraction]; YAML
        ``progress.forecast.interval_level`` (0.90 for Lianyungang)
    target_value : target of the measure [its unit]; None → ``p_meet`` NaN
    direction : ``"increase"`` or ``"decrease"``: which side of the target counts as met
    method : ``"ols"`` (default) or ``"theil_sen_bootstrap"``
    min_points : fewest points for an interval and a probability (at least 3; YAML ``progress.forecast.min_points``)
    bounds : optional (lower, upper) physical limits of the measure, e.g. (0, 100) for a share
    n_boot, seed : bootstrap draws and seed (``theil_sen_bootstrap`` only)
    """
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', got {direction!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if min_points < 3:
        raise ValueError(f"min_points must be at least 3 (an interval needs n − 2 ≥ 1), got {min_points}")
    x = np.asarray(years, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("years and values must be 1-D arrays of equal length")
    ok = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[ok], y[ok]
    n = int(x.size)
    nan = float("nan")
    if n < 2 or np.unique(x).size < 2:
        return Forecast(int(target_year), nan, nan, nan, nan, level, method, n)
    b, a = ols(x, y) if method == "ols" else theil_sen(x, y)
    xt = float(target_year)
    yhat = a + b * xt
    low = high = p_meet = nan
    increase = direction == "increase"
    if n >= min_points:
        if method == "ols":
            low, high, se, df = _ols_interval(x, y, a, b, xt, level)
            if target_value is not None and se > 0:
                cdf = float(stats.t.cdf((target_value - yhat) / se, df))
                p_meet = 1.0 - cdf if increase else cdf
            elif target_value is not None:
                p_meet = 1.0 if (yhat >= target_value if increase else yhat <= target_value) else 0.0
        else:
            draws = _bootstrap_draws(x, y, a, b, xt, n_boot, seed)
            low, high = (float(v) for v in np.quantile(draws, [0.5 - level / 2.0, 0.5 + level / 2.0]))
            if target_value is not None:
                p_meet = float(np.mean(draws >= target_value if increase else draws <= target_value))
    if bounds is not None:
        lo_b, hi_b = bounds
        yhat, low, high = (float(np.clip(v, lo_b, hi_b)) if not np.isnan(v) else v for v in (yhat, low, high))
    return Forecast(int(target_year), float(yhat), float(low), float(high), float(p_meet), level, method, n)
