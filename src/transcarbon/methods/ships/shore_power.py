"""Shore power (岸电): displaced on-board generation, grid emissions and the connection-duty flag.

References
----------
.. [1] Ministry of Transport of the PRC (2018). Implementation plan for ship emission control areas
   (船舶大气污染物排放控制区实施方案): ships able to use shore power berthing > 3 h at a coastal berth
   (> 2 h inland) that supplies it shall connect (to check against the current rules).
.. [2] Ministry of Ecology and Environment of the PRC: provincial grid emission factors (via the factor
   library's ``resolve_grid``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

COASTAL_CONNECT_AFTER_H = 3.0
INLAND_CONNECT_AFTER_H = 2.0


def overlap_h(
    start_h: ArrayLike, end_h: ArrayLike, connect_h: ArrayLike, disconnect_h: ArrayLike
) -> NDArray[np.float64]:
    r"""Hours [h] an interval [start, end] spends inside a connection [connect, disconnect].

    .. math:: \max(0, \min(t_1, t_{off}) - \max(t_0, t_{on}))

    All times in the same unit of hours; NaN connection bounds (no session) give 0.
    """
    t0 = np.asarray(start_h, dtype=np.float64)
    t1 = np.asarray(end_h, dtype=np.float64)
    c0 = np.asarray(connect_h, dtype=np.float64)
    c1 = np.asarray(disconnect_h, dtype=np.float64)
    out = np.minimum(t1, c1) - np.maximum(t0, c0)
    return np.where(np.isnan(out), 0.0, np.maximum(out, 0.0))


def grid_co2_t(kwh: ArrayLike, grid_kgco2_per_kwh: float) -> NDArray[np.float64]:
    """Grid CO2 of shore electricity [t] = kWh · EF_grid [kg CO2/kWh] / 1000 [2]_."""
    return np.asarray(kwh, dtype=np.float64) * grid_kgco2_per_kwh / 1000.0


def net_avoided_co2_t(gross_avoided_co2_t: ArrayLike, kwh: ArrayLike, grid_kgco2_per_kwh: float) -> NDArray[np.float64]:
    r"""Net avoided CO2 [t] = gross avoided (the displaced on-board fuel's CO2) − grid CO2 of the kWh.

    .. math:: \Delta CO_2^{net} = \sum_c P_c \, t_{conn} \, SFOC_c \, C_{f,c} / 10^6
              - E_{shore} \, EF_{grid} / 10^3

    Negative when the grid is dirtier than the engines it displaces.
    """
    return np.asarray(gross_avoided_co2_t, dtype=np.float64) - grid_co2_t(kwh, grid_kgco2_per_kwh)


def stayed_without_connecting(
    capable: ArrayLike,
    berth_has_shore_power: ArrayLike,
    berth_h: ArrayLike,
    connected_h: ArrayLike,
    threshold_h: float = COASTAL_CONNECT_AFTER_H,
) -> NDArray[np.bool_]:
    """Per port call: a shore-power-capable ship stayed longer than ``threshold_h`` [h] at a berth with
    shore power and never connected [1]_.
    """
    flagged: NDArray[np.bool_] = (
        np.asarray(capable, dtype=bool)
        & np.asarray(berth_has_shore_power, dtype=bool)
        & (np.asarray(berth_h, dtype=np.float64) > threshold_h)
        & (np.asarray(connected_h, dtype=np.float64) <= 0.0)
    )
    return flagged
