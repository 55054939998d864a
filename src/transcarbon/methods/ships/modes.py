"""Operating modes of a ship per AIS interval, as integer codes (index into ``MODES``).

References
----------
.. [1] Faber, J. et al. (2021). Fourth IMO GHG Study 2020, table 16 (operating-mode rules), as coded in
   gabrielfuenmar/emissions_mtcc_open (MIT).
.. [2] US EPA (2022). Ports Emissions Inventory Guidance, EPA-420-B-22-011, section 3.3 (modes).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from transcarbon.methods.ships import ANCHORAGE, BERTH, CRUISE, MANOEUVRING, SLOW_CRUISE

BERTH_MAX_KN = 1.0
ANCHORAGE_MAX_KN = 3.0
MANOEUVRING_MAX_KN = 5.0
SLOW_CRUISE_MAX_LOAD = 0.65
EPA_MANOEUVRING_MAX_LOAD = 0.20


def classify_imo4(
    speed_kn: ArrayLike, load: ArrayLike, in_berth: ArrayLike, in_anchorage: ArrayLike, near_port: ArrayLike
) -> NDArray[np.int8]:
    """IMO4 operating mode, zones first [1]_.

    1. in a berth polygon and V ≤ 1 kn → berth; in an anchorage polygon and V ≤ 3 kn → anchorage;
    2. otherwise the IMO4 speed and distance rules, with ``near_port`` (inside the port-area polygon,
       which stands for "within 5 nm / 1 nm of a port") for the distance tests:

       - V ≤ 1 kn: berth if near a port, else anchorage;
       - 1 < V ≤ 3 kn: anchorage;
       - 3 < V ≤ 5 kn: manoeuvring if near a port, else slow cruise;
       - V > 5 kn: manoeuvring if near a port, else slow cruise (L ≤ 0.65) or cruise.
    """
    v = np.asarray(speed_kn, dtype=np.float64)
    lo = np.asarray(load, dtype=np.float64)
    berth = np.asarray(in_berth, dtype=bool)
    anch = np.asarray(in_anchorage, dtype=bool)
    port = np.asarray(near_port, dtype=bool)
    underway = np.where(lo <= SLOW_CRUISE_MAX_LOAD, SLOW_CRUISE, CRUISE)
    by_speed = np.select(
        [v <= BERTH_MAX_KN, v <= ANCHORAGE_MAX_KN, port],
        [np.where(port, BERTH, ANCHORAGE), ANCHORAGE, MANOEUVRING],
        default=np.where(v <= MANOEUVRING_MAX_KN, SLOW_CRUISE, underway),
    )
    out = np.where(berth & (v <= BERTH_MAX_KN), BERTH, np.where(anch & (v <= ANCHORAGE_MAX_KN), ANCHORAGE, by_speed))
    return out.astype(np.int8)


def classify_epa(
    speed_kn: ArrayLike, load: ArrayLike, in_berth: ArrayLike, in_anchorage: ArrayLike
) -> NDArray[np.int8]:
    """EPA polygon-based operating mode [2]_.

    - in an anchorage polygon and V ≤ 3 kn → anchorage; in a berth polygon and V ≤ 1 kn → berth
      (hotelling); V ≤ 1 kn elsewhere → anchorage (stationary outside a berth);
    - V > 1 kn with L ≤ 0.20 → manoeuvring; L > 0.20 → transit, reported as slow cruise (L ≤ 0.65) or
      cruise so that both methods share the five mode labels.
    """
    v = np.asarray(speed_kn, dtype=np.float64)
    lo = np.asarray(load, dtype=np.float64)
    berth = np.asarray(in_berth, dtype=bool)
    anch = np.asarray(in_anchorage, dtype=bool)
    transit = np.where(lo <= SLOW_CRUISE_MAX_LOAD, SLOW_CRUISE, CRUISE)
    out = np.select(
        [
            anch & (v <= ANCHORAGE_MAX_KN),
            berth & (v <= BERTH_MAX_KN),
            v <= BERTH_MAX_KN,
            lo <= EPA_MANOEUVRING_MAX_LOAD,
        ],
        [ANCHORAGE, BERTH, ANCHORAGE, MANOEUVRING],
        default=transit,
    )
    return out.astype(np.int8)
