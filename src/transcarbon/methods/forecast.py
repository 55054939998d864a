"""Forecast of an indicator to a target year, with a prediction interval and P(target met).

Model and why
-------------
The plan's indicators are annual series with a 2020 base: by 2025 an indicator has at most five or
six points, often fewer, and 2020–2022 were distorted by the pandemic. That rules out models that
need long series (ETS or ARIMA need a dozen points or more to estimate level, trend and variance
with any stability; with six points their intervals are either unidentified or wildly wide) and it
argues for a trend that one odd year cannot drag. The default is therefore

* point forecast: the **Theil–Sen** line [1]_ [2]_, slope ``b = median_{i<j} (y_j − y_i)/(x_j − x_i)``
  and intercept ``a = median_i (y_i − b·x_i)``: unbiased for a linear trend, breakdown point ≈ 29 %
  (one outlier of six cannot move it), exact for an exact line;
* interval: the classical linear-model prediction interval built around that line [3]_::

      s²   = Σ r_i² / (n − 2)                         r_i = y_i − (a + b·x_i)
      se_T = s · sqrt(1 + 1/n + (x_T − x̄)² / Σ (x_i − x̄)²)
      ŷ_T ± t_{1−α/2, n−2} · se_T

  with Student's t on n − 2 degrees of freedom. Using the residuals of the robust line makes s
  larger than the OLS s when a point is off the trend, which widens the interval: on purpose, as a
  year that broke the trend is evidence of volatility;
* probability of meeting the target ``y*`` (one-sided, desired direction d)::

      p_meet = 1 − F_t((y* − ŷ_T)/se_T; n − 2)    (increase)
      p_meet =     F_t((y* − ŷ_T)/se_T; n − 2)    (decrease)

  monotone in the target by construction.

The result is fully deterministic (no random numbers). ``method="bootstrap"`` offers a residual
bootstrap [4]_ instead of the t quantiles, seeded through ``seed``, for comparison: B resampled
series are refitted with Theil–Sen and a resampled residual is added to each forecast; the interval
is the empirical quantile range and ``p_meet`` the share of draws meeting the target. With five or six
points it has only that many residuals to draw from, so the t interval is the default.

Bounds (``bounds=(0, 100)`` for a share) clip the value and the interval, not ``p_meet``.
With n = 2 the line is fitted but no interval exists (``low``, ``high``, ``p_meet`` are NaN); with
fewer than two points everything is NaN.

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


@dataclass(frozen=True)
class Forecast:
    """A forecast to ``year`` [value in the measure's unit; p_meet a probability]."""

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


def _theil_sen_batch(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Theil–Sen of many series at once: x shape (n,), y shape (B, n) → slopes, intercepts (B,)."""
    i, j = np.triu_indices(x.size, k=1)
    dx = x[j] - x[i]
    keep = dx != 0
    slopes = (y[:, j] - y[:, i])[:, keep] / dx[keep]
    b = np.median(slopes, axis=1)
    a = np.median(y - b[:, None] * x[None, :], axis=1)
    return b, a


def forecast_to_year(
    years: ArrayLike,
    values: ArrayLike,
    target_year: int,
    *,
    level: float,
    target_value: float | None = None,
    direction: str = "increase",
    method: Literal["t", "bootstrap"] = "t",
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
    target_value : target of the measure [its unit]; None → ``p_meet`` NaN
    direction : ``"increase"`` or ``"decrease"``: which side of the target counts as met
    level : two-sided coverage of the prediction interval [fraction]; YAML
        ``progress.forecast.interval_level`` (0.90 for Lianyungang)
    method : ``"t"`` (default, analytic) or ``"bootstrap"`` (residual bootstrap, seeded)
    bounds : optional (lower, upper) physical limits of the measure, e.g. (0, 100) for a share
    n_boot, seed : bootstrap draws and seed (bootstrap only)
    """
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', got {direction!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if method not in ("t", "bootstrap"):
        raise ValueError(f"method must be 't' or 'bootstrap', got {method!r}")
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
    b, a = theil_sen(x, y)
    xt = float(target_year)
    yhat = a + b * xt
    low = high = p_meet = nan
    if n >= 3:
        resid = y - (a + b * x)
        if method == "t":
            s = float(np.sqrt(np.sum(resid**2) / (n - 2)))
            if s <= 1e-12 * max(1.0, float(np.max(np.abs(y)))):
                s = 0.0  # an exact line up to rounding
            sxx = float(np.sum((x - x.mean()) ** 2))
            se = s * float(np.sqrt(1.0 + 1.0 / n + (xt - x.mean()) ** 2 / sxx))
            df = n - 2
            if se > 0:
                q = float(stats.t.ppf(0.5 + level / 2.0, df))
                low, high = yhat - q * se, yhat + q * se
                if target_value is not None:
                    cdf = float(stats.t.cdf((target_value - yhat) / se, df))
                    p_meet = 1.0 - cdf if direction == "increase" else cdf
            else:  # an exact line: no spread
                low = high = yhat
                if target_value is not None:
                    met = yhat >= target_value if direction == "increase" else yhat <= target_value
                    p_meet = 1.0 if met else 0.0
        else:
            rng = np.random.default_rng(seed)
            # Residuals rescaled for the two fitted parameters (Efron & Tibshirani [4]_, §9.5).
            r = (resid - resid.mean()) * np.sqrt(n / (n - 2))
            fitted = a + b * x
            ystar = fitted[None, :] + rng.choice(r, size=(n_boot, n), replace=True)
            bb, aa = _theil_sen_batch(x, ystar)
            draws = aa + bb * xt + rng.choice(r, size=n_boot, replace=True)
            low, high = (float(v) for v in np.quantile(draws, [0.5 - level / 2.0, 0.5 + level / 2.0]))
            if target_value is not None:
                met_draws = draws >= target_value if direction == "increase" else draws <= target_value
                p_meet = float(np.mean(met_draws))
    if bounds is not None:
        lo_b, hi_b = bounds
        yhat, low, high = (float(np.clip(v, lo_b, hi_b)) if not np.isnan(v) else v for v in (yhat, low, high))
    return Forecast(int(target_year), float(yhat), float(low), float(high), float(p_meet), level, method, n)
