"""Low-load adjustment factors (LLAF) for main-engine energy-based emission factors.

References
----------
.. [1] US EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011, section 3.5 (low-load
   adjustment factors by pollutant and load, 2%–20% MCR).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

LLAF_THRESHOLD = 0.20
"""Load below which the adjustment applies [1]_."""

LLAF_MIN_LOAD = 0.02
"""Lowest load of the EPA LLAF table [1]_: lower loads take the 2% factor (the curve diverges as
L^-x while energy falls only as L, so an uncapped factor would inflate a drifting ship's emissions)."""

COEFFICIENTS: dict[str, tuple[float, float, float]] = {
    "nox": (0.1255, 1.5, 10.4496),
    "hc": (0.0667, 1.5, 0.3859),
    "co": (0.8378, 1.0, 0.1548),
    "pm": (0.0059, 1.5, 0.2551),
    "co2": (44.1, 1.0, 648.6),
}
"""(a, x, b) per pollutant [1]_; the packaged ``llaf.csv`` carries the same values with sources."""


def llaf(
    load: ArrayLike, a: float, x: float, b: float, threshold: float = LLAF_THRESHOLD, min_load: float = LLAF_MIN_LOAD
) -> NDArray[np.float64]:
    r"""Low-load adjustment factor [-] [1]_.

    .. math:: LLAF(L) = \frac{a L^{-x} + b}{a \, 0.2^{-x} + b} \;\text{for}\; L < 0.2,\quad 1 \;\text{else}

    Loads ≤ 0 (engine off) give 1: no energy, nothing to adjust; 0 < L < 0.02 takes LLAF(0.02).
    Values at L = 0.02: NOx 4.63,
    HC 21.18, CO 9.68, PM 7.29 (CO2 3.28, which transcarbon never applies: the SFOC curve already
    carries the low-load fuel penalty, and multiplying both counts it twice).
    """
    load_arr = np.asarray(load, dtype=np.float64)
    safe = np.where(load_arr > 0, np.maximum(load_arr, min_load), threshold)
    ratio = (a * safe ** (-x) + b) / (a * threshold ** (-x) + b)
    return np.where((load_arr > 0) & (load_arr < threshold), ratio, 1.0)


def llaf_all(
    load: ArrayLike,
    pollutants: tuple[str, ...] = ("nox", "hc", "co", "pm"),
    threshold: float = LLAF_THRESHOLD,
    min_load: float = LLAF_MIN_LOAD,
) -> dict[str, NDArray[np.float64]]:
    """:func:`llaf` for several pollutants at once (each power of L computed once) [1]_."""
    load_arr = np.asarray(load, dtype=np.float64)
    on = (load_arr > 0) & (load_arr < threshold)
    safe = np.where(load_arr > 0, np.maximum(load_arr, min_load), threshold)
    powers: dict[float, NDArray[np.float64]] = {}
    out: dict[str, NDArray[np.float64]] = {}
    for p in pollutants:
        a, x, b = COEFFICIENTS[p]
        if x not in powers:
            powers[x] = safe ** (-x)
        ratio = (a * powers[x] + b) / (a * threshold ** (-x) + b)
        out[p] = np.where(on, ratio, 1.0)
    return out
