"""Fuel- and energy-based emission factors: CO2 by Cf, SOx and PM from fuel sulphur, NOx tier.

References
----------
.. [1] Faber, J. et al. (2021). Fourth IMO GHG Study 2020: table 21 (Cf), eq. 16–17 (PM10), tables
   55–56 (CH4) and 59–60 (N2O), table 18 (fuel in sulphur-capped areas). IMO, London.
.. [2] US EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011: NOx by tier, CO, HC.
.. [3] MARPOL Annex VI, regulation 13 (NOx tiers: Tier I ships built from 2000, Tier II from 2011,
   Tier III from 2016 in NOx emission control areas) and regulation 14 (sulphur caps).
.. [4] Ministry of Transport of the PRC (2018). Implementation plan for ship emission control areas:
   0.5% m/m sulphur cap in the coastal emission control area.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

SO2_PER_S = 2.0
"""Molar-mass ratio SO2/S = 64/32 [-]."""

S_TO_SO2_SHARE = 0.97753
"""Share of fuel sulphur emitted as SO2 (the rest forms sulphate PM) [1]_."""

PM25_PER_PM10 = 0.92
"""PM2.5 share of PM10 for marine diesel exhaust (to check; packaged ``pm.csv`` holds it per fuel)."""

ECA_SWITCH_CAP_PCT = 0.1
"""At or below this sulphur cap [%] residual fuel is replaced by distillate (IMO4 table 18) [1]_."""


def co2_t(fuel_t: ArrayLike, cf_t_per_t: ArrayLike) -> NDArray[np.float64]:
    """CO2 [t] = fuel [t] · Cf [t CO2/t fuel] (HFO 3.114, MDO 3.206, LNG 2.750) [1]_."""
    return np.asarray(fuel_t, dtype=np.float64) * np.asarray(cf_t_per_t, dtype=np.float64)


def sox_g(fuel_g: ArrayLike, sulphur_pct: ArrayLike) -> NDArray[np.float64]:
    r"""SOx as SO2 [g] = fuel [g] · 2 · 0.97753 · S, with S the sulphur mass fraction (= pct/100) [1]_."""
    return (
        np.asarray(fuel_g, dtype=np.float64)
        * SO2_PER_S
        * S_TO_SO2_SHARE
        * np.asarray(sulphur_pct, dtype=np.float64)
        / 100.0
    )


def pm10_g_per_kwh(
    sfoc_g_per_kwh: ArrayLike,
    sulphur_pct: ArrayLike,
    base_g_per_kwh: ArrayLike,
    s_ref_fraction: ArrayLike,
    sulphate_conversion: float = 0.02247,
    mw_ratio: float = 7.0,
) -> NDArray[np.float64]:
    r"""PM10 factor [g/kWh] from fuel sulphur (IMO4 eq. 16–17) [1]_.

    .. math:: EF_{PM10} = B + SFOC \cdot 7 \cdot 0.02247 \cdot (S - S_{ref})

    with SFOC [g/kWh], S and S_ref mass fractions, B = 1.35 g/kWh, S_ref = 0.0246 for HFO and
    B = 0.23 g/kWh, S_ref = 0.0024 for MDO. 7 = 224/32 (hydrated sulphate to sulphur), 0.02247 = share
    of fuel sulphur converted to sulphate PM. (SFOC in g/kWh keeps the sulphate term dimensionally a
    g/kWh figure; a reading in kg/kWh would shrink it a thousandfold.) Floored at zero.
    """
    s = np.asarray(sulphur_pct, dtype=np.float64) / 100.0
    ef = np.asarray(base_g_per_kwh, dtype=np.float64) + np.asarray(
        sfoc_g_per_kwh, dtype=np.float64
    ) * mw_ratio * sulphate_conversion * (s - np.asarray(s_ref_fraction, dtype=np.float64))
    return np.maximum(ef, 0.0)


def nox_tier_from_build_year(build_year: ArrayLike) -> NDArray[np.int8]:
    """Default NOx tier [-] from build year: <2000 Tier 0, 2000–2010 Tier I, ≥2011 Tier II [3]_.

    Tier III applies only to ships built from 2016 operating in a NOx emission control area; China's
    coastal emission control area is not one, so Tier III is taken only from the registry.
    """
    y = np.asarray(build_year, dtype=np.float64)
    return np.where(y < 2000, 0, np.where(y < 2011, 1, 2)).astype(np.int8)


def effective_sulphur_pct(fuel_sulphur_pct: ArrayLike, cap_pct: ArrayLike) -> NDArray[np.float64]:
    """Fuel sulphur burnt [%]: the fuel's default, lowered to the area's cap where one applies [4]_.

    ``cap_pct`` is NaN outside any capped area.
    """
    s = np.asarray(fuel_sulphur_pct, dtype=np.float64)
    cap = np.asarray(cap_pct, dtype=np.float64)
    return np.where(np.isnan(cap), s, np.minimum(s, cap))


def eca_switches_to_distillate(fuel: ArrayLike, cap_pct: ArrayLike) -> NDArray[np.bool_]:
    """True where residual fuel (HFO) must be replaced by MDO: cap ≤ 0.1% (IMO4 table 18) [1]_.

    Under a 0.5% cap (China's coastal ECA) HFO stays residual fuel, burnt at 0.5% sulphur.
    """
    cap = np.asarray(cap_pct, dtype=np.float64)
    is_hfo: NDArray[np.bool_] = np.asarray(fuel) == "HFO"
    return is_hfo & ~np.isnan(cap) & (cap <= ECA_SWITCH_CAP_PCT + 1e-12)
