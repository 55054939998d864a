"""The substitutions of the port and airport blocks of a scenario: ships' auxiliary fuel at berth replaced by shore
power, and aircraft auxiliary power units (APU) replaced by ground power and pre-conditioned air — each as activity ×
intensity with a substitution share (cargo handling and its electrification are a demand mode, :mod:`.demand`).

Shore power (throughput ``Q`` [t], auxiliary-engine fuel at berth ``b`` [GJ per t of cargo], uptake ``u``: share of
that fuel replaced, ``η`` GJ of electricity per GJ of fuel replaced: the auxiliary generator's efficiency) [1]_::

    berth fuel = Q · b · (1 − u),      shore electricity = Q · b · u · η,   kWh = GJ / 0.0036

APU substitution (movements ``M``, APU fuel ``a`` [GJ per movement], use rate ``v`` of the substitutes, ``ε`` GJ of
electricity per GJ of APU fuel replaced) [2]_::

    APU fuel = M · a · (1 − v),        ground electricity = M · a · v · ε

References
----------
.. [1] IMO (2020). Fourth IMO GHG Study, auxiliary engine use at berth; shore power: reference/ships.md.
.. [2] ICAO (2018). Airport Air Quality Manual (Doc 9889), APU operating times and fuel flows (APU vs GPU/PCA).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

GJ_PER_KWH = 0.0036
"""1 kWh = 3.6 MJ = 0.0036 GJ (exact)."""


@dataclass(frozen=True)
class Substitution:
    """Fuel left and electricity taken by a substitution, per draw and year [GJ]."""

    fuel_gj: Array  # (d, y)
    electricity_gj: Array  # (d, y)

    @property
    def electricity_kwh(self) -> Array:
        return self.electricity_gj / GJ_PER_KWH


def substitute(activity: Array, fuel_gj_per_unit: Array, uptake: Array, electricity_per_fuel: Array) -> Substitution:
    """fuel = A · f · (1 − u), electricity = A · f · u · η [GJ] (``activity``, ``uptake`` ``(d, y)``; the per-unit
    fuel ``(d, y)`` or ``(d, 1)``; ``electricity_per_fuel`` ``(d,)``)."""
    u = np.clip(uptake, 0.0, 1.0)
    service = activity * fuel_gj_per_unit
    return Substitution(service * (1.0 - u), service * u * electricity_per_fuel[:, None])
