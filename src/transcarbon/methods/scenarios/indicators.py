"""What a scenario says about the plan's targets: shares, falls of an intensity against the base year, the growth
of direct emissions, the peak year of a series, and the probability of meeting a target across draws.

- share [%] = 100 · Σ part / Σ whole (0 where the whole is 0);
- fall vs the base year [%] = (1 − I(y) / I(y0)) · 100 (a "reduction" indicator: higher is better);
- rolling growth [%/yr] = ((X(y) / X(y − w))^(1/w) − 1) · 100 (the plan's 直接碳排放量增速, w = 3 years);
- peak year: the year of the maximum of a series over the scenario's years, if that maximum lies before the last
  year; a series still at its maximum in the last year has **no peak by** that year (coded 0), as has a series
  that is 0 throughout;
- P(meet) = share of draws whose value meets the target (≥ for increase, ≤ for decrease) [1]_.

References
----------
.. [1] Morgan, M. G., Henrion, M. (1990). Uncertainty: A Guide to Dealing with Uncertainty in Quantitative Risk and
   Policy Analysis. Cambridge University Press (probabilities of exceedance from Monte Carlo draws).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

NO_PEAK = 0
"""The peak year of a series still rising (at its maximum) in the last year."""


def share_pct(part: Array, whole: Array) -> Array:
    """100 · part / whole (broadcast), 0 where the whole is 0."""
    num, den = np.broadcast_arrays(np.asarray(part, dtype=np.float64), np.asarray(whole, dtype=np.float64))
    return np.asarray(np.divide(100.0 * num, den, out=np.zeros(num.shape), where=den > 0))


def intensity(numerator: Array, denominator: Array) -> Array:
    """numerator / denominator (broadcast), NaN where the denominator is 0."""
    num, den = np.broadcast_arrays(np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64))
    return np.asarray(np.divide(num, den, out=np.full(num.shape, np.nan), where=den > 0))


def fall_vs_base_pct(series: Array, base_index: int = 0) -> Array:
    """(1 − I(y) / I(y0)) · 100 on the last axis."""
    base = series[..., base_index : base_index + 1]
    return (1.0 - series / base) * 100.0


def rolling_growth_pct(series: Array, window: int = 3) -> Array:
    """((X(y) / X(y − w))^(1/w) − 1) · 100 on the last axis; NaN for the first ``window`` years."""
    out = np.full(series.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(series[..., window:], series[..., :-window])
    out[..., window:] = (np.sign(ratio) * np.abs(ratio) ** (1.0 / window) - 1.0) * 100.0
    return out


def peak_year(series: Array, years: NDArray[np.int64]) -> NDArray[np.int64]:
    """The year of each series' maximum on the last axis, :data:`NO_PEAK` where it is the last year (or the series
    is never above 0: nothing to peak)."""
    at = np.argmax(series, axis=-1)
    none = (at == series.shape[-1] - 1) | (np.max(series, axis=-1) <= 0)
    return np.where(none, NO_PEAK, years[at]).astype(np.int64)


def p_meet(values: Array, target: float, direction: str) -> float:
    """Share of draws meeting ``target``: ``values ≥ target`` (direction ``increase``) or ``≤`` (``decrease``);
    NaN draws count as not meeting it."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return float("nan")
    met = v >= target if direction == "increase" else v <= target
    return float(np.mean(met & np.isfinite(v)))
