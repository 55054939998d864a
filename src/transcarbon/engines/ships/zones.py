"""Zones (berths, anchorages, port areas, emission control areas): read from GeoJSON (Polygon or
MultiPolygon features with ``kind`` = berth | anchorage | port_area | eca; a berth needs ``berth_id``, an
ECA may carry ``sulphur_pct``) and located by vectorised point-in-polygon."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.input_checks import existing_file

ZONE_KINDS = ("berth", "anchorage", "port_area", "eca")


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


def read_zones(path: str | Path) -> Zones:
    """Read zones from GeoJSON (Polygon or MultiPolygon features; holes ignored)."""
    p = existing_file(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ShipInputError(
            p.name,
            f"不是有效的 JSON（第 {exc.lineno} 行）",
            f"not valid JSON (line {exc.lineno})",
            "用 GeoJSON 编辑器重新导出",
            "re-export it from a GeoJSON editor",
            exc.lineno,
        ) from exc
    return zones_from_geojson(doc, p.name)


def zones_from_geojson(doc: dict[str, object], name: str = "zones.geojson") -> Zones:
    """Zones from a parsed GeoJSON FeatureCollection; ``name`` is the file named in errors."""
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise ShipInputError(
            name,
            "缺少 features 数组",
            "no 'features' array",
            "提供 FeatureCollection",
            "provide a GeoJSON FeatureCollection",
        )
    zones: list[Zone] = []
    for i, feat in enumerate(features):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        kind = props.get("kind")
        where = f"features[{i}]"
        if kind not in ZONE_KINDS:
            raise ShipInputError(
                name,
                f"{where} 的 kind 为 {kind!r}",
                f"{where} has kind {kind!r}",
                "kind 取 berth、anchorage、port_area 或 eca",
                "set kind to berth, anchorage, port_area or eca",
                column="properties.kind",
            )
        if geom.get("type") == "Polygon":
            rings = [geom["coordinates"][0]]
        elif geom.get("type") == "MultiPolygon":
            rings = [poly[0] for poly in geom["coordinates"]]
        else:
            raise ShipInputError(
                name,
                f"{where} 的几何类型为 {geom.get('type')!r}",
                f"{where} has geometry type {geom.get('type')!r}",
                "使用 Polygon 或 MultiPolygon",
                "use Polygon or MultiPolygon",
                column="geometry.type",
            )
        if kind == "berth" and not props.get("berth_id"):
            raise ShipInputError(
                name,
                f"{where} 泊位缺少 berth_id",
                f"{where}: a berth needs berth_id",
                "为泊位填写唯一的 berth_id",
                "give each berth a unique berth_id",
                column="properties.berth_id",
            )
        sulphur = props.get("sulphur_pct")
        zones.append(
            Zone(
                kind=str(kind),
                zone_id=str(props.get("berth_id") or props.get("name") or props.get("id") or f"{kind}_{i}"),
                rings=tuple(np.asarray(r, dtype=np.float64)[:, :2] for r in rings),
                has_shore_power=bool(props.get("has_shore_power", False)),
                sulphur_pct=float(sulphur) if sulphur is not None else float("nan"),
            )
        )
    return Zones(tuple(zones))
