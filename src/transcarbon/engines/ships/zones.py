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


def ring_as_rectangle(ring: NDArray[np.float64]) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) when the closed ring is an axis-aligned rectangle, else None."""
    pts = ring[:-1] if ring.shape[0] > 1 and np.array_equal(ring[0], ring[-1]) else ring
    if pts.shape[0] != 4:
        return None
    for i in range(4):
        a, b = pts[i], pts[(i + 1) % 4]
        if not (a[0] == b[0]) ^ (a[1] == b[1]):
            return None
    xs, ys = np.unique(pts[:, 0]), np.unique(pts[:, 1])
    if xs.shape[0] != 2 or ys.shape[0] != 2:
        return None
    return float(xs[0]), float(ys[0]), float(xs[1]), float(ys[1])


def points_in_ring(lon: NDArray[np.float64], lat: NDArray[np.float64], ring: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Even-odd ray casting, vectorised over points (the loop runs over the ring's vertices).

    For an axis-aligned rectangle the ray cast reduces exactly to x0 ≤ lon < x1 and y0 ≤ lat < y1.
    """
    rect = ring_as_rectangle(ring)
    if rect is not None:
        x0, y0, x1, y1 = rect
        return (lon >= x0) & (lon < x1) & (lat >= y0) & (lat < y1)
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
            rects = [ring_as_rectangle(r) for r in z.rings]
            hit: NDArray[np.bool_] | NDArray[np.intp]
            if len(rects) == 1 and rects[0] is not None:
                hit = points_in_ring(lon, lat, z.rings[0])  # a rectangle: four comparisons per point
                if not hit.any():
                    continue
            else:
                x0, y0, x1, y1 = z.bbox
                cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
                if cand.size == 0:
                    continue
                inside = np.zeros(cand.size, dtype=bool)
                for ring in z.rings:
                    inside |= points_in_ring(lon[cand], lat[cand], ring)
                hit = cand[inside]
            if z.kind in ("berth", "anchorage"):
                zone_index[hit] = k  # berths come after anchorages, so they win
                if z.kind == "berth":
                    in_port[hit] = True
            elif z.kind == "port_area":
                in_port[hit] = True
            elif z.kind == "eca" and not np.isnan(z.sulphur_pct):
                cap[hit] = np.fmin(cap[hit], z.sulphur_pct)
        return ZoneHits(zone_index, in_port, cap)
