"""Fuel combustion emissions: CO2 from carbon content or a mass factor, urea process CO2, CH4/N2O, CO2e.

Equations
---------
CO2 from an energy-based carbon content (the NDRC guides' form) [1]_::

    CO2 [t] = E [GJ] · CC [tC/GJ] · OF [-] · 44/12

CO2 from a mass-based carbon factor (IMO Cf, marine fuels) [2]_::

    CO2 [t] = FC [t] · Cf [tCO2/t]

CH4 and N2O from energy-based default factors [3]_, or from mass-based ones (marine engines: the IMO4
g/kWh factor divided by the engine's SFOC) [2]_::

    X [t] = E [GJ] / 1000 · EF_X [kg/TJ] / 1000        or        X [t] = FC [t] · EF_X [kg/t] / 1000

Process CO2 of urea in SCR exhaust after-treatment, (NH2)2CO + H2O → 2 NH3 + CO2 [1]_ [5]_::

    CO2 [t] = solution [t] · purity [mass fraction of urea] · 12/60 · 44/12

(12/60: carbon per urea by mass; 44/12: CO2 per carbon). AUS32 (AdBlue) is 32.5% urea.

CO2-equivalent under a GWP set (SAR, AR4, AR5, AR6) [4]_::

    CO2e [t] = CO2 [t] + CH4 [t] · GWP_CH4 + N2O [t] · GWP_N2O

References
----------
.. [1] NDRC, 陆上交通运输企业温室气体排放核算方法与报告指南（试行）, 2015, pp. 10-11.
.. [2] IMO, Fourth IMO GHG Study 2020, table 21.
.. [3] IPCC, 2006 Guidelines for National GHG Inventories, vol. 2, ch. 3.
.. [4] IPCC assessment reports SAR (1995), AR4 (2007), AR5 (2013), AR6 (2021).
.. [5] IPCC, 2006 Guidelines, vol. 2, ch. 3, sec. 3.2.1.5 (urea-based catalytic converters); ISO 22241-1
   (AUS32 composition).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import polars as pl
from numpy.typing import NDArray

CO2_PER_C = 44.0 / 12.0
"""Molar mass ratio CO2 / C [t CO2 per t C]."""

C_PER_UREA = 12.0 / 60.0
"""Carbon in urea, (NH2)2CO, by mass [t C per t urea] (molar masses rounded as the guides write them)."""

ArrayLike = TypeVar("ArrayLike", float, NDArray[np.float64], pl.Expr, pl.Series)


def co2_from_energy(energy_gj: ArrayLike, carbon_content_tc_per_gj: ArrayLike, oxidation: ArrayLike) -> ArrayLike:
    """CO2 [t] = E [GJ] · CC [tC/GJ] · OF · 44/12 [1]_."""
    return energy_gj * carbon_content_tc_per_gj * oxidation * CO2_PER_C


def co2_from_mass(fuel_t: ArrayLike, cf_tco2_per_t: ArrayLike) -> ArrayLike:
    """CO2 [t] = FC [t] · Cf [tCO2/t] [2]_."""
    return fuel_t * cf_tco2_per_t


def co2_from_urea(solution_t: ArrayLike, purity: ArrayLike) -> ArrayLike:
    """Process CO2 [t] = solution [t] · purity · 12/60 · 44/12 [1]_ [5]_."""
    return solution_t * purity * C_PER_UREA * CO2_PER_C


def gas_from_energy(energy_gj: ArrayLike, ef_kg_per_tj: ArrayLike) -> ArrayLike:
    """CH4 or N2O [t] = E [GJ] / 1000 · EF [kg/TJ] / 1000 [3]_."""
    return energy_gj * ef_kg_per_tj / 1.0e6


def gas_from_mass(fuel_t: ArrayLike, ef_kg_per_t: ArrayLike) -> ArrayLike:
    """CH4 or N2O [t] = FC [t] · EF [kg/t] / 1000 [2]_."""
    return fuel_t * ef_kg_per_t / 1.0e3


def co2e(co2_t: ArrayLike, ch4_t: ArrayLike, n2o_t: ArrayLike, gwp_ch4: float, gwp_n2o: float) -> ArrayLike:
    """CO2e [t] = CO2 + CH4 · GWP_CH4 + N2O · GWP_N2O [4]_."""
    return co2_t + ch4_t * gwp_ch4 + n2o_t * gwp_n2o
