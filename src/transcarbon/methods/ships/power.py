"""Engine power: main engine from speed and draught (propeller law), load, engine type, auxiliaries.

References
----------
.. [1] Faber, J. et al. (2021). Fourth IMO GHG Study 2020, section 2.2.3 (main-engine power, eq. 8),
   table 44 (weather and fouling factors), table 17 (auxiliary and boiler power). IMO, London.
.. [2] Fuentes, G. and Gómez Torres, M. (2025). emissions_mtcc_open: IMO4 as coded for MTCC
   (engine type from rpm, reference-power factor f, small-ship rules). MIT licence.
.. [3] US EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011, eq. 3.7 (admiralty formula).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

DRAUGHT_EXPONENT = 0.66
"""Admiralty exponent of the draught ratio in IMO4 eq. 8 (EPA uses 2/3) [1]_ [3]_."""

SPEED_EXPONENT = 3.0
"""Propeller-law exponent [1]_."""


def main_engine_power_kw(
    speed_kn: ArrayLike,
    draught_m: ArrayLike,
    mcr_kw: ArrayLike,
    vref_kn: ArrayLike,
    design_draught_m: ArrayLike,
    weather: ArrayLike = 1.0,
    fouling: ArrayLike = 1.0,
    f_ref: ArrayLike = 1.0,
    draught_exponent: float = DRAUGHT_EXPONENT,
) -> NDArray[np.float64]:
    r"""Main-engine power [kW] by the propeller law with draught correction (IMO4 eq. 8) [1]_.

    .. math:: W_{ME} = \frac{f \cdot MCR \cdot (T/T_{design})^{0.66} \cdot (V/V_{ref})^{3}}
              {\eta_w \cdot \eta_f}

    Parameters
    ----------
    speed_kn : speed over ground V [kn]
    draught_m : actual draught T [m]; callers cap it at the design draught and fill missing values
    mcr_kw : maximum continuous rating MCR [kW]
    vref_kn : reference (service) speed V_ref [kn]
    design_draught_m : design (summer load) draught T_design [m]
    weather, fouling : η_w and η_f [-], IMO4 table 44 (1 for the EPA option)
    f_ref : share of MCR delivered at V_ref [-]: 0.75 container bins 8–9, 0.70 cruise, else 1 [2]_

    Returns
    -------
    W_ME [kW], not capped: see :func:`engine_load`.
    """
    v = np.asarray(speed_kn, dtype=np.float64)
    t_ratio = np.asarray(draught_m, dtype=np.float64) / np.asarray(design_draught_m, dtype=np.float64)
    v_ratio = v / np.asarray(vref_kn, dtype=np.float64)
    return (
        np.asarray(f_ref, dtype=np.float64)
        * np.asarray(mcr_kw, dtype=np.float64)
        * t_ratio**draught_exponent
        * v_ratio**SPEED_EXPONENT
        / (np.asarray(weather, dtype=np.float64) * np.asarray(fouling, dtype=np.float64))
    )


def engine_load(power_kw: ArrayLike, mcr_kw: ArrayLike, floor: float = 0.0) -> NDArray[np.float64]:
    r"""Main-engine load :math:`L = \min(1, \max(floor, W_{ME}/MCR))` [-] [1]_.

    ``floor`` is 0 for IMO4; the EPA option passes 0.02 for propulsion underway (loads below 2% are
    raised to 2%) [3]_.
    """
    load = np.asarray(power_kw, dtype=np.float64) / np.asarray(mcr_kw, dtype=np.float64)
    return np.clip(load, floor, 1.0)


def engine_type_from_rpm(engine_rpm: ArrayLike) -> NDArray[np.str_]:
    """Diesel engine type from rated speed [rpm]: ≤300 SSD, 301–900 MSD, >900 HSD [2]_.

    Missing rpm (NaN) gives an empty string, for the caller to fill with a documented default.
    """
    rpm = np.asarray(engine_rpm, dtype=np.float64)
    out = np.where(rpm <= 300, "SSD", np.where(rpm <= 900, "MSD", "HSD"))
    return np.where(np.isnan(rpm), "", out)


SMALL_SHIP_NO_AUX_KW = 150.0
SMALL_SHIP_AUX_SHARE_KW = 500.0
SMALL_SHIP_AUX_SHARE = 0.05


def small_ship_auxiliaries(
    mcr_kw: ArrayLike, aux_kw: ArrayLike, boiler_kw: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Apply the small-ship rules to table-17 auxiliary and boiler power [kW] [2]_.

    - MCR ≤ 150 kW: no auxiliary engine and no boiler;
    - 150 < MCR ≤ 500 kW: auxiliary power = 5% of MCR, no boiler;
    - otherwise the table values unchanged.
    """
    mcr = np.asarray(mcr_kw, dtype=np.float64)
    aux = np.asarray(aux_kw, dtype=np.float64)
    boiler = np.asarray(boiler_kw, dtype=np.float64)
    tiny = mcr <= SMALL_SHIP_NO_AUX_KW
    small = (mcr > SMALL_SHIP_NO_AUX_KW) & (mcr <= SMALL_SHIP_AUX_SHARE_KW)
    aux_out = np.where(tiny, 0.0, np.where(small, SMALL_SHIP_AUX_SHARE * mcr, aux))
    boiler_out = np.where(tiny | small, 0.0, boiler)
    return aux_out, boiler_out
