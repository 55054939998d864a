"""Bus-stop coverage of a built-up area (公共交通站点500米覆盖率), computed exactly in a local metric projection.

Definition [1]: the built-up area (建成区) within a straight-line radius ``r`` (500 m) of any public-transport stop,
over the built-up area; overlapping circles count once [2]::

    coverage = A( (∪_i D(s_i, r)) ∩ B ) / A(B)        [–]

with ``D(s, r)`` the disc of radius ``r`` [m] around stop ``s`` and ``B`` the built-up polygons. Stops outside
``B`` count too: their discs may reach into it [2].

Geometry. Longitudes and latitudes [°, WGS 84] are projected to a Lambert azimuthal equal-area projection centred on the
built-up area, so that areas are exact; its scale is ``cos(c/2)`` along and ``1/cos(c/2)`` across the radius at an
angular distance ``c`` from the centre, so that distances within 100 km of it are true to 3.1e-5. Each disc is a regular
polygon of ``4·quad_segs`` sides inscribed in the circle; its area falls short of ``π r²`` by the relative amount ``1 −
sin(2π/n)·n/(2π) ≈ (2π/n)²/6`` (``n = 256``: 1.0e-4), which bounds the coverage's error from below. Union, intersection
and areas are shapely's (GEOS) exact planar operations.

References
----------
[1] 交通运输部《公交都市考核评价指标体系》(2013) 及其说明，指标3 公共交通站点500米覆盖率：统计期内，中心城区的
    建成区内公共交通站点500米半径覆盖面积与中心城区的建成区面积之比。
[2] 高德地图、交通运输部科学研究院《2015年度中国主要城市公共交通大数据分析报告》(2016)：覆盖面积重叠部分只计一次。
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

QUAD_SEGS = 64
"""Segments per quarter circle of each disc (a 256-gon: area short of π r² by 1.0e-4)."""


@dataclass(frozen=True)
class AreaCoverage:
    """Coverage of one built-up polygon (a district) [km², –]."""

    area_id: str
    area_km2: float
    covered_km2: float

    @property
    def coverage(self) -> float:
        return self.covered_km2 / self.area_km2 if self.area_km2 > 0 else float("nan")


@dataclass(frozen=True)
class Coverage:
    """The whole built-up area's coverage, per area, and the covered and uncovered land (lon/lat geometries)."""

    radius_m: float
    stops: int
    areas: list[AreaCoverage]
    covered: BaseGeometry
    uncovered: BaseGeometry

    @property
    def area_km2(self) -> float:
        return sum(a.area_km2 for a in self.areas)

    @property
    def covered_km2(self) -> float:
        return sum(a.covered_km2 for a in self.areas)

    @property
    def coverage(self) -> float:
        return self.covered_km2 / self.area_km2 if self.area_km2 > 0 else float("nan")


def polygon_shortfall(quad_segs: int = QUAD_SEGS) -> float:
    """Relative area by which the inscribed ``4·quad_segs``-gon falls short of its circle [–]."""
    n = 4 * quad_segs
    return 1.0 - math.sin(2 * math.pi / n) * n / (2 * math.pi)


def local_projection(lon0: float, lat0: float) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    """Forward and inverse transformers between WGS 84 lon/lat [°] and a Lambert azimuthal equal-area plane [m]
    centred on ``(lon0, lat0)``."""
    if not (math.isfinite(lon0) and math.isfinite(lat0)):
        raise ValueError("the projection centre must be finite")
    local = pyproj.CRS.from_proj4(f"+proj=laea +lat_0={lat0:.8f} +lon_0={lon0:.8f} +ellps=WGS84 +units=m +no_defs")
    wgs84 = pyproj.CRS.from_epsg(4326)
    return (
        pyproj.Transformer.from_crs(wgs84, local, always_xy=True),
        pyproj.Transformer.from_crs(local, wgs84, always_xy=True),
    )


def _project(geom: BaseGeometry, transformer: pyproj.Transformer) -> BaseGeometry:
    def move(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


def stop_coverage(
    stops_lonlat: npt.NDArray[np.float64],
    areas: Sequence[tuple[str, BaseGeometry]],
    radius_m: float = 500.0,
    *,
    quad_segs: int = QUAD_SEGS,
) -> Coverage:
    """Coverage of the built-up ``areas`` (id, lon/lat polygon) by discs of ``radius_m`` [m] around the stops.

    ``stops_lonlat``: an ``(n, 2)`` array of longitude, latitude [°]. Refuses non-finite coordinates, a
    non-positive radius and an empty or invalid area.
    """
    stops = np.asarray(stops_lonlat, dtype=np.float64).reshape(-1, 2)
    if not np.isfinite(stops).all():
        raise ValueError("stop coordinates must be finite")
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise ValueError(f"the radius must be a positive number of metres, got {radius_m}")
    if not areas:
        raise ValueError("no built-up area given")
    for area_id, geom in areas:
        if geom.is_empty or not geom.is_valid or geom.area <= 0:
            raise ValueError(f"built-up area {area_id!r} is empty or not a valid polygon")
    whole = shapely.union_all([g for _, g in areas])
    minx, miny, maxx, maxy = whole.bounds
    forward, inverse = local_projection((minx + maxx) / 2, (miny + maxy) / 2)
    projected = [(a, _project(g, forward)) for a, g in areas]
    if stops.shape[0]:
        x, y = forward.transform(stops[:, 0], stops[:, 1])
        discs = shapely.buffer(shapely.points(np.column_stack([x, y])), radius_m, quad_segs=quad_segs)
        reach = shapely.union_all(discs)
    else:
        reach = shapely.Polygon()
    results: list[AreaCoverage] = []
    covered_parts: list[BaseGeometry] = []
    uncovered_parts: list[BaseGeometry] = []
    for area_id, geom in projected:
        inside = shapely.intersection(geom, reach)
        results.append(AreaCoverage(area_id, geom.area / 1e6, inside.area / 1e6))
        covered_parts.append(inside)
        uncovered_parts.append(shapely.difference(geom, reach))
    return Coverage(
        radius_m=radius_m,
        stops=int(stops.shape[0]),
        areas=results,
        covered=_project(shapely.union_all(covered_parts), inverse),
        uncovered=_project(shapely.union_all(uncovered_parts), inverse),
    )
