"""Transport demand by mode in the ASIF form (activity × structure × intensity × fuel) and the two structure levers
of the plan: the rail + water share of bulk cargo (公转铁、公转水) and the public-transport share of motorised trips.

ASIF (Schipper et al. 2000) for a mode with activity ``A`` (t·km, p·km, t handled, passengers), energy intensity
``I`` [GJ per unit] and carrier mix ``μ_k`` (shares of its energy, Σ_k μ_k = 1) [1]_::

    E_k(y) = A(y) · I(y) · μ_k(y)                        [GJ]
    I(y)   = I(y0) · (1 + r)^(y − y0)                     r: yearly change of the intensity [1/yr]

Modal shift of bulk cargo moved to and from the port (tonnes ``T``; the plan's target is a share of tonnes, so both
tonnes and t·km are kept) [2]_: against the structure of the base year ``s0`` (the one the road fleet's kilometres
embody), a rail + water share ``s(y)`` moves::

    ΔT(y)         = T(y) · (s(y) − s0)                   [t]     from road to rail and water
    ΔTKM_road(y)  = ΔT(y) · L_road                       [t·km]  removed from road (L: haul [km])
    ΔTKM_rail(y)  = ΔT(y) · f_rail · L_rail               [t·km]  added to rail
    ΔTKM_water(y) = ΔT(y) · (1 − f_rail) · L_water        [t·km]  added to waterways
    ΔVKM_truck(y) = −ΔTKM_road(y) / load                 [veh·km] (load: t per laden-and-empty km)

The public-transport share ``p(y)`` of motorised passenger-km ``P(y)`` against the base year's ``p0`` moves
``ΔP(y) = P(y) · (p(y) − p0)`` from cars to buses: ``ΔVKM_car = −ΔP / o_car``, ``ΔVKM_bus = +ΔP / o_bus``
(o: occupancy [p per veh]). A road class's activity index is ``X(y) = max(1 + ΔVKM(y) / VKM_stock(y), 0)``.

References
----------
.. [1] Schipper, L., Marie-Lilliu, C., Gorham, R. (2000). Flexing the Link between Transport and Greenhouse Gas
   Emissions. IEA, Paris (the ASIF identity).
.. [2] 连云港市交通运输领域绿色低碳发展实施方案 (连交〔2024〕160号), §(七): 铁路和水运大宗货物运输量占比达到86%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def intensity_path(base: Array, change_per_year: Array, years: NDArray[np.int64], base_year: int) -> Array:
    """I(y) = I(y0) · (1 + r)^(y − y0), shape ``(d, y)`` from ``base`` and ``change_per_year`` of shape ``(d,)``."""
    n = (years - base_year).astype(np.float64)
    return base[:, None] * (1.0 + change_per_year[:, None]) ** n


def mode_energy(activity: Array, intensity: Array, mix: Array) -> Array:
    """E_k(y) = A(y) · I(y) · μ_k(y) [GJ], ``(d, k, y)`` from ``activity`` and ``intensity`` ``(d, y)`` and the
    carrier mix ``(d, k, y)``."""
    return (activity * intensity)[:, None, :] * mix


@dataclass(frozen=True)
class BulkShift:
    """What the bulk-cargo shift moves against the base year's structure, per draw and year."""

    tonnes_moved: Array  # (d, y) [t] from road to rail and water (negative: back to road)
    road_tkm_removed: Array  # (d, y) [t·km]
    rail_tkm_added: Array  # (d, y) [t·km]
    water_tkm_added: Array  # (d, y) [t·km]


def bulk_shift(
    tonnes: Array,
    share: Array,
    share_base: Array,
    road_haul_km: Array,
    rail_fraction: Array,
    rail_haul_km: Array,
    water_haul_km: Array,
) -> BulkShift:
    """ΔT = T · (s − s0) and the t·km it moves (module docstring); ``tonnes``, ``share`` ``(d, y)``, the rest
    ``(d,)``."""
    moved = tonnes * (share - share_base[:, None])
    return BulkShift(
        tonnes_moved=moved,
        road_tkm_removed=moved * road_haul_km[:, None],
        rail_tkm_added=moved * (rail_fraction * rail_haul_km)[:, None],
        water_tkm_added=moved * ((1.0 - rail_fraction) * water_haul_km)[:, None],
    )


def public_transport_shift(passenger_km: Array, share: Array, share_base: Array) -> Array:
    """ΔP = P · (p − p0) [p·km] moved from cars to public transport, ``(d, y)``."""
    return passenger_km * (share - share_base[:, None])


def activity_index(stock_vkm: Array, vkm_change: Array) -> Array:
    """X = max(1 + ΔVKM / VKM_stock, 0) (1 where the stock drives no kilometres)."""
    ratio = np.divide(vkm_change, stock_vkm, out=np.zeros_like(stock_vkm), where=stock_vkm > 0)
    return np.maximum(1.0 + ratio, 0.0)
