"""Specific fuel oil consumption (SFOC): the main-engine load curve and base values.

References
----------
.. [1] Faber, J. et al. (2021). Fourth IMO GHG Study 2020, eq. 10 (SFOC curve) and tables 19 (base SFOC
   by engine type, fuel and build year; pilot fuel of LNG engines). IMO, London.
.. [2] Jalkanen, J.-P. et al. (2009). A modelling system for the exhaust emissions of marine traffic
   (STEAM). Atmos. Chem. Phys. 9, 9209–9223 (the same parabola).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

CURVE_A, CURVE_B, CURVE_C = 0.455, -0.710, 1.280
"""Coefficients of the relative SFOC parabola in load L [1]_ [2]_."""

TURBINE_TYPES = ("Gas Turbine", "Steam Turbine")
"""Main-engine types to which the load curve does not apply [1]_."""


def sfoc_curve_factor(load: ArrayLike) -> NDArray[np.float64]:
    r"""Relative SFOC at load L [-]: :math:`0.455 L^2 - 0.710 L + 1.280` [1]_.

    Equals 1.025 at L = 1, its minimum 1.0030 at L ≈ 0.78, and 1.28 at L → 0.
    """
    x = np.asarray(load, dtype=np.float64)
    return CURVE_A * x * x + CURVE_B * x + CURVE_C


def main_engine_sfoc_g_per_kwh(
    sfoc_base_g_per_kwh: ArrayLike, load: ArrayLike, is_turbine: ArrayLike = False
) -> NDArray[np.float64]:
    r"""Main-engine SFOC [g/kWh] at load L (IMO4 eq. 10) [1]_.

    .. math:: SFOC(L) = SFOC_{base} \cdot (0.455 L^2 - 0.710 L + 1.280)

    Gas and steam turbines (``is_turbine``) keep the base value. Check value: SSD, HFO, built ≥ 2001
    (175 g/kWh) at L = 0.4837 gives 175 × 1.04303 = 182.53 g/kWh.
    """
    base = np.asarray(sfoc_base_g_per_kwh, dtype=np.float64)
    return np.where(np.asarray(is_turbine, dtype=bool), base, base * sfoc_curve_factor(load))


def build_year_band(build_year: ArrayLike) -> NDArray[np.int8]:
    """IMO4 table 19 build-year band: 0 = ≤1983, 1 = 1984–2000, 2 = ≥2001 [1]_."""
    y = np.asarray(build_year, dtype=np.float64)
    return np.where(y <= 1983, 0, np.where(y <= 2000, 1, 2)).astype(np.int8)


def fuel_g(power_kw: ArrayLike, sfoc_g_per_kwh: ArrayLike, duration_h: ArrayLike) -> NDArray[np.float64]:
    """Fuel burnt [g] = P [kW] · SFOC [g/kWh] · Δt [h] [1]_."""
    return (
        np.asarray(power_kw, dtype=np.float64)
        * np.asarray(sfoc_g_per_kwh, dtype=np.float64)
        * np.asarray(duration_h, dtype=np.float64)
    )
