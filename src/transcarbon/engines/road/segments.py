"""COPERT Tier 3 emissions of driven segments for resolved vehicles (:class:`.vehicles.VehicleParams`): the
per-kind evaluation shared by the trajectory kernel and the bus-schedule (GTFS) engine.

Per segment of kind k with distance d [km], duration t [h] and mean speed V [km/h], and pollutant p
(:func:`transcarbon.methods.road.copert.segment_emission`, load interpolated between the two rows around the
vehicle's load)::

    E_p = (1 − w_k) · E(row_lo) + w_k · E(row_hi),   E(row) = EF(clamp(V))·d (V ≥ Vmin) or EF(Vmin)·Vmin·t

EC in [MJ], the others in [g]; NaN where the kind has no row for the pollutant. Fuel [kg] = EC / NCV, CO2 [t]
= EC · (kg CO2/MJ) / 1000 with the kind's factors (NaN where undefined).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from transcarbon.engines.road.vehicles import PARAMS, POLLUTANTS, VehicleParams
from transcarbon.methods.road import POLLUTANT_COLUMNS
from transcarbon.methods.road.copert import segment_emission

Array = NDArray[np.float64]


def kind_blocks(kinds: NDArray[np.int32]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Starts and ends of the runs of equal kinds in ``kinds`` (sorted by kind)."""
    if kinds.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, kinds[1:] != kinds[:-1]])
    return starts, np.append(starts[1:], kinds.size)


def emissions(
    params: VehicleParams, kinds: NDArray[np.int32], distance_km: Array, hours: Array, speed_kmh: Array
) -> dict[str, Array]:
    """E per pollutant of :data:`.vehicles.POLLUTANTS` for segments sorted by kind (see the module docstring)."""
    starts, ends = kind_blocks(kinds)
    out: dict[str, Array] = {}
    for p in POLLUTANTS:
        e = np.full(kinds.size, np.nan)
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
            k = kinds[a]
            if not params.has[p][k]:
                continue
            blk = slice(a, b)
            e[blk] = segment_emission(distance_km[blk], hours[blk], speed_kmh[blk], *params.lo[p][k])
            w = params.w[p][k]
            if w > 0:
                e[blk] *= 1.0 - w
                e[blk] += w * segment_emission(distance_km[blk], hours[blk], speed_kmh[blk], *params.hi[p][k])
        out[p] = e
    return out


def below_vmin(params: VehicleParams, kinds: NDArray[np.int32], speed_kmh: Array) -> NDArray[np.bool_]:
    """Whether each segment's speed is below its kind's EC row's Vmin (time counted as idle)."""
    vmin_ec = np.where(params.has["EC"], params.lo["EC"][:, PARAMS.index("vmin")], 0.0)
    return speed_kmh < vmin_ec[kinds]


def contract_columns(params: VehicleParams, kinds: NDArray[np.int32], emitted: dict[str, Array]) -> dict[str, Array]:
    """The contract's measures from :func:`emissions`: ``energy_mj`` [MJ], ``fuel_kg`` [kg], ``co2_t`` [t] and
    ``<pollutant>_kg`` [kg] (:data:`transcarbon.methods.road.POLLUTANT_COLUMNS`)."""
    ec = emitted["EC"]
    cols = {
        "energy_mj": ec,
        "fuel_kg": ec / params.ncv_mj_per_kg[kinds],
        "co2_t": ec * params.co2_kg_per_mj[kinds] / 1000.0,
    }
    for p, name in POLLUTANT_COLUMNS.items():
        cols[f"{name}_kg"] = emitted[p] / 1000.0
    return cols
