"""Great-circle geometry on the WGS84 mean sphere, vectorised.

References
----------
.. [1] Sinnott, R. W. (1984). Virtues of the haversine. Sky and Telescope 68(2), 159.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_NM = 3440.065
"""Mean Earth radius 6,371.0088 km expressed in nautical miles (1 nm = 1.852 km)."""


def haversine_nm(
    lon1_deg: ArrayLike, lat1_deg: ArrayLike, lon2_deg: ArrayLike, lat2_deg: ArrayLike
) -> NDArray[np.float64]:
    r"""Great-circle distance [nm] between points given in degrees.

    .. math:: d = 2 R \arcsin\sqrt{\sin^2\frac{\Delta\varphi}{2}
              + \cos\varphi_1\cos\varphi_2\sin^2\frac{\Delta\lambda}{2}}

    with :math:`R` = 3440.065 nm [1]_.
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1_deg, lat1_deg, lon2_deg, lat2_deg)
    )
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    distance: NDArray[np.float64] = 2 * EARTH_RADIUS_NM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return distance


def consecutive_haversine_nm(lon_deg: ArrayLike, lat_deg: ArrayLike) -> NDArray[np.float64]:
    """Great-circle distance [nm] from each point to the next (n points → n − 1 distances).

    The same formula as :func:`haversine_nm`; each point's cos φ is computed once and shared by the
    two legs that touch it.
    """
    lon = np.radians(np.asarray(lon_deg, dtype=np.float64))
    lat = np.radians(np.asarray(lat_deg, dtype=np.float64))
    if lon.shape[0] < 2:
        return np.zeros(0)
    cos_lat = np.cos(lat)
    a = np.sin(np.diff(lat) / 2)
    a *= a
    b = np.sin(np.diff(lon) / 2)
    b *= b
    b *= cos_lat[:-1]
    b *= cos_lat[1:]
    a += b
    np.clip(a, 0.0, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2 * EARTH_RADIUS_NM
    return a


def implied_speed_kn(distance_nm: ArrayLike, duration_h: ArrayLike) -> NDArray[np.float64]:
    """Speed [kn] = distance [nm] / duration [h]; NaN where the duration is not positive."""
    d = np.asarray(distance_nm, dtype=np.float64)
    t = np.asarray(duration_h, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, d / t, np.nan)
