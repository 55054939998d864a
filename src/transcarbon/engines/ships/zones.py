"""Zones (berths, anchorages, port areas, emission control areas) and vectorised point-in-polygon."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Zone:
    kind: str
    zone_id: str
    rings: tuple[NDArray[np.float64], ...]
    has_shore_power: bool = False
    sulphur_pct: float = float("nan")

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        allv = np.concatenate(self.rings)
        return float(allv[:, 0].min()), float(allv[:, 1].min()), float(allv[:, 0].max()), float(allv[:, 1].max())


def points_in_ring(lon: NDArray[np.float64], lat: NDArray[np.float64], ring: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Even-odd ray casting, vectorised over points (the loop runs over the ring's vertices)."""
    inside = np.zeros(lon.shape, dtype=bool)
    xs, ys = ring[:, 0], ring[:, 1]
    n = len(xs)
    j = n - 1
    for i in range(n):
        xi, yi, xj, yj = xs[i], ys[i], xs[j], ys[j]
        if yi != yj:
            crosses = (yi > lat) != (yj > lat)
            x_at = (xj - xi) * (lat - yi) / (yj - yi) + xi
            inside ^= crosses & (lon < x_at)
        j = i
    return inside


@dataclass(frozen=True)
class ZoneHits:
    """Per point: index of the berth / anchorage zone (−1 none), port-area flag, ECA sulphur cap [%]."""

    zone_index: NDArray[np.int32]
    in_port_area: NDArray[np.bool_]
    sulphur_cap_pct: NDArray[np.float64]


@dataclass(frozen=True)
class Zones:
    zones: tuple[Zone, ...] = ()

    def __len__(self) -> int:
        return len(self.zones)

    def table(self) -> dict[str, list[object]]:
        return {
            "zone_index": list(range(len(self.zones))),
            "zone_id": [z.zone_id for z in self.zones],
            "zone_kind": [z.kind for z in self.zones],
            "has_shore_power": [z.has_shore_power for z in self.zones],
        }

    def locate(self, lon: NDArray[np.float64], lat: NDArray[np.float64]) -> ZoneHits:
        """Which zone each point lies in. Berths win over anchorages, and both over port areas; where
        ECAs overlap the lowest sulphur cap applies. Each polygon tests only the points in its bbox.
        """
        n = lon.shape[0]
        zone_index = np.full(n, -1, dtype=np.int32)
        in_port = np.zeros(n, dtype=bool)
        cap = np.full(n, np.nan)
        order = sorted(range(len(self.zones)), key=lambda k: {"anchorage": 0, "berth": 1}.get(self.zones[k].kind, 2))
        for k in order:
            z = self.zones[k]
            x0, y0, x1, y1 = z.bbox
            cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
            if cand.size == 0:
                continue
            hit = np.zeros(cand.size, dtype=bool)
            for ring in z.rings:
                hit |= points_in_ring(lon[cand], lat[cand], ring)
            idx = cand[hit]
            if z.kind in ("berth", "anchorage"):
                zone_index[idx] = k  # berths come after anchorages, so they win
                if z.kind == "berth":
                    in_port[idx] = True
            elif z.kind == "port_area":
                in_port[idx] = True
            elif z.kind == "eca" and not np.isnan(z.sulphur_pct):
                cap[idx] = np.fmin(cap[idx], z.sulphur_pct)
        return ZoneHits(zone_index, in_port, cap)
