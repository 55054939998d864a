"""Energy by carrier to land-transport oil, direct CO2 and electricity CO2 along a grid-factor path.

Direct CO2 with the China carrier factors (NDRC guides: carbon content per energy × oxidation × 44/12) [1]_::

    CO2_direct [t] = Σ_k E_k [GJ] · f_k [t CO2/GJ],     f_k = CC_k [tC/GJ] · OF_k · 44/12

Electricity drawn from the grid along the factor path ``EF(y)`` [kg CO2/kWh] (the MEE published years, then a
declining path as a lever) [2]_::

    CO2_electricity [t] = E_electricity [GJ] / 0.0036 [GJ/kWh] · EF(y) / 1000

Energy in standard coal: 1 tce = 29.3076 GJ (GB/T 2589) [3]_. Oil products: gasoline, diesel, fuel oil, jet
kerosene and LPG; land-transport oil is their use by road vehicles and rail.

References
----------
.. [1] NDRC (2015). 陆上交通运输企业温室气体排放核算方法与报告指南（试行）, pp. 10-11.
.. [2] MEE and NBS, 电力二氧化碳排放因子 (2021–2023 data years); data/factors/grid_mee.csv.
.. [3] GB/T 2589-2020 综合能耗计算通则: 1 kgce = 29.3076 MJ.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from transcarbon.methods.scenarios.port import GJ_PER_KWH

Array = NDArray[np.float64]

CARRIERS: tuple[str, ...] = (
    "gasoline",
    "diesel",
    "lpg",
    "natural_gas",
    "lng",
    "fuel_oil",
    "jet_kerosene",
    "electricity",
    "hydrogen",
)
"""Energy carriers of a scenario, in the order of the carrier axis."""
OIL: frozenset[str] = frozenset({"gasoline", "diesel", "lpg", "fuel_oil", "jet_kerosene"})
ELECTRICITY = CARRIERS.index("electricity")
GJ_PER_TCE = 29.3076


def direct_co2_t(energy_gj: Array, tco2_per_gj: Array) -> Array:
    """Σ_k E_k · f_k [t]: ``energy_gj`` ``(..., k, y)``, ``tco2_per_gj`` ``(k,)`` (0 for electricity and
    hydrogen); returns ``(..., y)``."""
    return np.asarray(np.einsum("...ky,k->...y", energy_gj, np.asarray(tco2_per_gj, dtype=np.float64)))


def electricity_co2_t(electricity_gj: Array, grid_kg_per_kwh: Array) -> Array:
    """E / 0.0036 · EF / 1000 [t] (``grid_kg_per_kwh`` broadcasts on the years axis, last)."""
    return electricity_gj / GJ_PER_KWH * grid_kg_per_kwh / 1000.0


def oil_mask() -> NDArray[np.bool_]:
    """True on the carrier axis for the oil products."""
    return np.array([k in OIL for k in CARRIERS])
