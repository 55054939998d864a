"""Purchased electricity: location-based scope 2 CO2 and energy.

Equations
---------
Scope 2 CO2 with the grid average factor of the record's year and region [1]_::

    CO2 [t] = AD [kWh] · EF_grid [kgCO2/kWh] / 1000

Energy, calorific equivalent: 1 kWh = 3.6 MJ = 0.0036 GJ.

References
----------
.. [1] MEE and NBS, 电力二氧化碳排放因子 (2021, 2022, 2023 data years), published 2024-2025.
"""

from __future__ import annotations

from transcarbon.methods.combustion import ArrayLike

GJ_PER_KWH = 0.0036
"""Calorific equivalent of electricity [GJ/kWh] (1 kWh = 3.6 MJ, exact)."""


def scope2_co2(kwh: ArrayLike, grid_kgco2_per_kwh: ArrayLike) -> ArrayLike:
    """Location-based CO2 [t] = AD [kWh] · EF [kgCO2/kWh] / 1000 [1]_."""
    return kwh * grid_kgco2_per_kwh / 1000.0
