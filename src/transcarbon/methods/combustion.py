"""Fuel combustion emissions: CO2 from carbon content or a mass factor, CH4/N2O from energy, CO2e.

Equations
---------
CO2 from an energy-based carbon content (the NDRC guides' form) [1]_::

    CO2 [t] = E [GJ] · CC [tC/GJ] · OF [-] · 44/12

CO2 from a mass-based carbon factor (IMO Cf, marine fuels) [2]_::

    CO2 [t] = FC [t] · Cf [tCO2/t]

CH4 and N2O from energy-based default factors [3]_::

    X [t] = E [GJ] / 1000 · EF_X [kg/TJ] / 1000

CO2-equivalent under a GWP set (SAR, AR4, AR5, AR6) [4]_::

    CO2e [t] = CO2 [t] + CH4 [t] · GWP_CH4 + N2O [t] · GWP_N2O

References
----------
.. [1] NDRC, 陆上交通运输企业温室气体排放核算方法与报告指南（试行）, 2015, pp. 10-11.
.. [2] IMO, Fourth IMO GHG Study 2020, table 21.
.. [3] IPCC, 2006 Guidelines for National GHG Inventories, vol. 2, ch. 3.
.. [4] IPCC assessment reports SAR (1995), AR4 (2007), AR5 (2013), AR6 (2021).
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import polars as pl
from numpy.typing import NDArray

CO2_PER_C = 44.0 / 12.0
"""Molar mass ratio CO2 / C [t CO2 per t C]."""

ArrayLike = TypeVar("ArrayLike", float, NDArray[np.float64], pl.Expr, pl.Series)


def co2_from_energy(energy_gj: ArrayLike, carbon_content_tc_per_gj: ArrayLike, oxidation: ArrayLike) -> ArrayLike:
    """CO2 [t] = E [GJ] · CC [tC/GJ] · OF · 44/12 [1]_."""
    return energy_gj * carbon_content_tc_per_gj * oxidation * CO2_PER_C


def co2_from_mass(fuel_t: ArrayLike, cf_tco2_per_t: ArrayLike) -> ArrayLike:
    """CO2 [t] = FC [t] · Cf [tCO2/t] [2]_."""
    return fuel_t * cf_tco2_per_t


def gas_from_energy(energy_gj: ArrayLike, ef_kg_per_tj: ArrayLike) -> ArrayLike:
    """CH4 or N2O [t] = E [GJ] / 1000 · EF [kg/TJ] / 1000 [3]_."""
    return energy_gj * ef_kg_per_tj / 1.0e6


def co2e(co2_t: ArrayLike, ch4_t: ArrayLike, n2o_t: ArrayLike, gwp_ch4: float, gwp_n2o: float) -> ArrayLike:
    """CO2e [t] = CO2 + CH4 · GWP_CH4 + N2O · GWP_N2O [4]_."""
    return co2_t + ch4_t * gwp_ch4 + n2o_t * gwp_n2o
