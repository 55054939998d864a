"""Converted turnover (换算周转量) and carbon intensity per unit of transport work.

Equations
---------
Converted turnover [1]_::

    T_conv [t·km] = T_freight [t·km] + T_passenger [p·km] · k_mode

with k_mode [t·km per p·km] from the versioned coefficient set: road 0.1, rail 1, waterway 1 (berth)
or 1/3 (seat), civil aviation 0.072 (domestic) or 0.075 (international).

Intensity::

    I [kgCO2 / t·km] = CO2 [t] · 1000 / T_conv [t·km]      (undefined when T_conv = 0)

References
----------
.. [1] National Bureau of Statistics, 换算周转量 (converted turnover), statistical definition.
"""

from __future__ import annotations

import polars as pl

from transcarbon.methods.combustion import ArrayLike


def converted_turnover(freight_tkm: ArrayLike, passenger_pkm: ArrayLike, tkm_per_pkm: ArrayLike) -> ArrayLike:
    """T_conv [t·km] = freight [t·km] + passengers [p·km] · k [t·km/p·km] [1]_."""
    return freight_tkm + passenger_pkm * tkm_per_pkm


def intensity_kg_per_unit(co2_t: pl.Expr, activity: pl.Expr) -> pl.Expr:
    """I [kgCO2 per unit] = CO2 [t] · 1000 / activity; null where activity is null or 0."""
    return pl.when(activity > 0).then(co2_t * 1000.0 / activity).otherwise(None)
