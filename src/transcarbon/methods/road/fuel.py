"""Road energy to fuel and CO2: COPERT energy consumption (EC, MJ) → fuel mass → CO2, by the China factors
of a fuel-property set passed in as numbers, or by the guidebook's carbon-balance form.

Fuel mass from energy with the fuel's net calorific value [1]_::

    m [kg] = EC [MJ] / NCV [MJ/kg]            (NCV [GJ/t] = [MJ/kg])

CO2 with the China factors (NDRC guides: carbon content per energy and oxidation) [1]_ [2]_::

    CO2 [kg] = EC [MJ] / 1000 · CC [tC/GJ] · OF · 44/12 · 1000 = m [kg] · NCV · CC · OF · 44/12

CO2 with the guidebook's carbon balance (all fuel carbon as CO2) [3]_::

    CO2 [kg/kg fuel] = 44.011 / (12.011 + 1.008 · r_H:C + 16.000 · r_O:C)

with r_H:C and r_O:C the atomic hydrogen-to-carbon and oxygen-to-carbon ratios of the fuel (diesel r_H:C 1.86:
3.1695 kg/kg). Electricity drawn from the grid: kWh = MJ / 3.6, CO2 [kg] = kWh · EF_grid [kgCO2/kWh] [4]_.

References
----------
.. [1] NDRC (2015). 陆上交通运输企业温室气体排放核算方法与报告指南（试行）, pp. 10-11 (E = FC · NCV · CC · OF · 44/12).
.. [2] China Energy Statistical Yearbook, appendix 4 (NCVs); the fuel-property sets of ``data/factors``.
.. [3] EMEP/EEA (2019). Air pollutant emission inventory guidebook, 1.A.3.b.i-iv, section 3.4 (CO2 from fuel
   consumption, eq. for fuel-based CO2).
.. [4] MEE and NBS, 电力二氧化碳排放因子 (2021–2023 data years).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from transcarbon.methods.combustion import CO2_PER_C

Array = NDArray[np.float64]

MJ_PER_KWH = 3.6
"""1 kWh = 3.6 MJ (exact)."""

M_C, M_H, M_O, M_CO2 = 12.011, 1.008, 16.000, 44.011
"""Atomic and molar masses [g/mol] as used by the guidebook's CO2 equation [3]_."""


def _f(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=np.float64)


def fuel_kg(energy_mj: ArrayLike, ncv_mj_per_kg: ArrayLike) -> Array:
    """Fuel mass [kg] = EC [MJ] / NCV [MJ/kg] [1]_."""
    return _f(energy_mj) / _f(ncv_mj_per_kg)


def co2_kg_per_kg_fuel(ncv_mj_per_kg: ArrayLike, carbon_content_tc_per_gj: ArrayLike, oxidation: ArrayLike) -> Array:
    """CO2 per fuel mass [kg/kg] = NCV [GJ/t] · CC [tC/GJ] · OF · 44/12 [1]_ (diesel, NDRC 2015: 3.145)."""
    return _f(ncv_mj_per_kg) * _f(carbon_content_tc_per_gj) * _f(oxidation) * CO2_PER_C


def co2_kg_from_energy(energy_mj: ArrayLike, carbon_content_tc_per_gj: ArrayLike, oxidation: ArrayLike) -> Array:
    """CO2 [kg] = EC [MJ] · CC [tC/GJ] · OF · 44/12 (MJ · tC/GJ = kg C) [1]_."""
    return _f(energy_mj) * _f(carbon_content_tc_per_gj) * _f(oxidation) * CO2_PER_C


def guidebook_co2_kg_per_kg_fuel(r_hc: ArrayLike, r_oc: ArrayLike = 0.0) -> Array:
    """CO2 per fuel mass [kg/kg] = 44.011 / (12.011 + 1.008 r_H:C + 16.000 r_O:C) [3]_."""
    return M_CO2 / (M_C + M_H * _f(r_hc) + M_O * _f(r_oc))


def electricity_kwh(energy_mj: ArrayLike) -> Array:
    """Electricity [kWh] = EC [MJ] / 3.6."""
    return _f(energy_mj) / MJ_PER_KWH


def electricity_co2_kg(energy_mj: ArrayLike, grid_kgco2_per_kwh: ArrayLike) -> Array:
    """CO2 of grid electricity [kg] = EC [MJ] / 3.6 · EF_grid [kgCO2/kWh] [4]_."""
    return electricity_kwh(energy_mj) * _f(grid_kgco2_per_kwh)


def litres_per_100km(energy_mj_per_km: ArrayLike, ncv_mj_per_kg: ArrayLike, density_kg_per_l: ArrayLike) -> Array:
    """Fuel economy [L/100 km] = EC [MJ/km] / NCV [MJ/kg] / ρ [kg/L] · 100 (diesel 0.84 kg/L)."""
    return _f(energy_mj_per_km) / _f(ncv_mj_per_kg) / _f(density_kg_per_l) * 100.0


ECONOMY_UNITS = ("MJ/km", "L/100km", "kWh/100km", "Nm3/100km", "kg/100km")
"""Units in which energy economy is given (road factor sets, the ``vehicle_energy_economy`` report)."""


def mj_per_km(
    value: float,
    unit: str,
    *,
    ncv_mj_per_kg: float | None = None,
    density_kg_per_l: float | None = None,
    ncv_mj_per_m3: float | None = None,
) -> float:
    """Energy intensity [MJ/km] of an energy economy in one of :data:`ECONOMY_UNITS`::

        MJ/km      e
        L/100km    v / 100 · ρ [kg/L] · NCV [MJ/kg]
        kWh/100km  v / 100 · 3.6
        Nm3/100km  v / 100 · NCV [MJ/Nm³]
        kg/100km   v / 100 · NCV [MJ/kg]

    The property a unit needs must be given (ValueError naming it otherwise).
    """
    if unit == "MJ/km":
        return value
    if unit == "kWh/100km":
        return value / 100.0 * MJ_PER_KWH
    needs = {
        "L/100km": (ncv_mj_per_kg, density_kg_per_l),
        "Nm3/100km": (ncv_mj_per_m3, 1.0),
        "kg/100km": (ncv_mj_per_kg, 1.0),
    }
    if unit not in needs:
        raise ValueError(f"unknown energy-economy unit {unit!r}; known: {', '.join(ECONOMY_UNITS)}")
    ncv, density = needs[unit]
    if ncv is None or density is None:
        raise ValueError(f"{unit} needs the fuel's net calorific value (and a density for litres)")
    return value / 100.0 * density * ncv
