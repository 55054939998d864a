"""Bus-stop coverage from files: stops (a GTFS feed, its ``stops.txt``, or a stop list) and a built-up area
(GeoJSON), with the geometry of :mod:`transcarbon.methods.coverage`.

Stops: GTFS ``stops.txt`` columns ``stop_id, stop_name, stop_lat, stop_lon`` (other columns ignored; rows of
``location_type`` 2–4 — entrances, generic nodes, boarding areas — are not stops and are skipped); a zip is a GTFS
feed whose ``stops.txt`` is read; the bus-stop register's CSV reads the same. A stop whose coordinates are not
numbers, or lie outside the plausible range (valid WGS 84 degrees within ``MARGIN_DEG`` of the built-up area's
bounding box: a swapped or mistyped coordinate), is an error naming its row; nothing is computed then.

Built-up area: a GeoJSON FeatureCollection of polygons; each feature's ``district`` (else ``id``, else ``name``)
names it, ``name_zh``/``name_en`` are shown, and ``approximate: true`` (on the collection or a feature) marks an
outline that is not the official boundary. The city names its own in ``built_up_area_file``.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog
from transcarbon.methods.coverage import Coverage, polygon_shortfall, stop_coverage
from transcarbon.services.registers import as_of, register_rows
from transcarbon.services.validation import RowError, ValidationError, file_error

MARGIN_DEG = 0.5
"""How far (degrees, ≈ 50 km) outside the built-up area's bounding box a stop may lie and still be plausible."""
STOP_COLUMNS = ("stop_id", "stop_name", "stop_lat", "stop_lon")
MAX_ERRORS = 50
"""Row errors returned at most (the count of all is in the first message)."""


@dataclass(frozen=True)
class BuiltUpArea:
    """Built-up polygons (lon/lat) by area id, with their names, and whether the outline is approximate."""

    parts: list[tuple[str, BaseGeometry]]
    names: dict[str, tuple[str, str]]
    approximate: bool
    source: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        minx, miny, maxx, maxy = shapely.union_all([g for _, g in self.parts]).bounds
        return float(minx), float(miny), float(maxx), float(maxy)


def read_built_up_area(data: bytes, file_name: str) -> BuiltUpArea:
    """Parse a GeoJSON built-up area; :class:`ValidationError` naming the file and feature otherwise."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError([file_error(file_name, "cov.area_unreadable", detail=str(exc)[:160])]) from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        raise ValidationError([file_error(file_name, "cov.area_no_features")])
    parts: list[tuple[str, BaseGeometry]] = []
    names: dict[str, tuple[str, str]] = {}
    approximate = bool((doc.get("properties") or {}).get("approximate", False))
    for i, feat in enumerate(features, start=1):
        props = (feat or {}).get("properties") or {}
        area_id = str(props.get("district") or props.get("id") or props.get("name") or f"area_{i}")
        try:
            geom = shape(feat["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValidationError([file_error(file_name, "cov.area_bad_feature", row=i, value=area_id)]) from exc
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty or not geom.is_valid:
            raise ValidationError([file_error(file_name, "cov.area_bad_feature", row=i, value=area_id)])
        parts.append((area_id, geom))
        names[area_id] = (str(props.get("name_zh") or area_id), str(props.get("name_en") or area_id))
        approximate = approximate or bool(props.get("approximate", False))
    source = str((doc.get("properties") or {}).get("source") or file_name)
    return BuiltUpArea(parts, names, approximate, source)


@cache
def _city_area(path: Path) -> BuiltUpArea:
    return read_built_up_area(path.read_bytes(), path.name)


def city_built_up_area(city: CityConfig) -> BuiltUpArea | None:
    """The city's own built-up area (``built_up_area_file``), or None when it names none."""
    path = city.built_up_area_path
    return None if path is None else _city_area(path)


def _stops_text(data: bytes, file_name: str) -> tuple[bytes, str]:
    """The bytes of ``stops.txt`` (from a GTFS zip) or of the file itself, and the name to cite in errors."""
    if data[:4] != b"PK\x03\x04":
        return data, file_name
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as feed:
            inner = [n for n in feed.namelist() if n.rsplit("/", 1)[-1] == "stops.txt"]
            if not inner:
                raise ValidationError([file_error(file_name, "cov.no_stops_txt")])
            return feed.read(min(inner, key=len)), f"{file_name}/stops.txt"
    except zipfile.BadZipFile as exc:
        raise ValidationError([file_error(file_name, "cov.stops_unreadable", detail=str(exc)[:160])]) from exc


def read_stops(data: bytes, file_name: str, bounds: tuple[float, float, float, float]) -> pl.DataFrame:
    """Stops of a GTFS feed, its ``stops.txt`` or a stop list: ``row, stop_id, stop_name, stop_lat, stop_lon``.

    ``bounds``: (min lon, min lat, max lon, max lat) of the built-up area; a stop farther than
    :data:`MARGIN_DEG` outside it, or not on the globe, is refused with its row (header = row 1).
    """
    text, name = _stops_text(data, file_name)
    try:
        raw = pl.read_csv(text.decode("utf-8-sig").encode("utf-8"), infer_schema_length=0)
    except (UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise ValidationError([file_error(name, "cov.stops_unreadable", detail=str(exc)[:160])]) from exc
    raw = raw.rename({c: c.strip() for c in raw.columns})
    missing = [c for c in ("stop_id", "stop_lat", "stop_lon") if c not in raw.columns]
    if missing:
        raise ValidationError(
            [file_error(name, "cov.stops_columns", column=",".join(missing), columns=",".join(missing))]
        )
    frame = raw.with_row_index("row", offset=2).select(
        pl.col("row").cast(pl.Int64),
        pl.col("stop_id").cast(pl.String).str.strip_chars(),
        (pl.col("stop_name") if "stop_name" in raw.columns else pl.lit(None, pl.String)).alias("stop_name"),
        pl.col("stop_lat").str.strip_chars().cast(pl.Float64, strict=False).alias("stop_lat"),
        pl.col("stop_lon").str.strip_chars().cast(pl.Float64, strict=False).alias("stop_lon"),
        pl.col("stop_lat").alias("_lat_text"),
        pl.col("stop_lon").alias("_lon_text"),
        (pl.col("location_type") if "location_type" in raw.columns else pl.lit(None, pl.String))
        .str.strip_chars()
        .alias("_location_type"),
    )
    frame = frame.filter(pl.col("_location_type").is_null() | pl.col("_location_type").is_in(["", "0", "1"]))
    minx, miny, maxx, maxy = bounds
    errors: list[RowError] = []
    for column, lo, hi, glo, ghi in (
        ("stop_lat", miny - MARGIN_DEG, maxy + MARGIN_DEG, -90.0, 90.0),
        ("stop_lon", minx - MARGIN_DEG, maxx + MARGIN_DEG, -180.0, 180.0),
    ):
        lo, hi = max(lo, glo), min(hi, ghi)
        c = pl.col(column)
        bad = frame.filter(c.is_null() | c.is_nan() | (c < lo) | (c > hi))
        text_col = "_lat_text" if column == "stop_lat" else "_lon_text"
        for row, value in bad.select("row", text_col).iter_rows():
            errors.append(
                file_error(
                    name,
                    "cov.stop_out_of_range",
                    row=row,
                    column=column,
                    value=value or "",
                    low=f"{lo:.4f}",
                    high=f"{hi:.4f}",
                )
            )
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ValidationError(errors[:MAX_ERRORS])
    if frame.is_empty():
        raise ValidationError([file_error(name, "csv.empty", row=2)])
    return frame.select("row", "stop_id", "stop_name", "stop_lat", "stop_lon")


def coverage_of(stops: pl.DataFrame, area: BuiltUpArea, radius_m: float) -> Coverage:
    """Coverage of ``area`` by the stops (columns ``stop_lon``, ``stop_lat``) within ``radius_m`` [m]."""
    lonlat = stops.select("stop_lon", "stop_lat").to_numpy().astype(np.float64)
    return stop_coverage(lonlat, area.parts, radius_m)


def coverage_of_files(
    stops_data: bytes, stops_name: str, area_data: bytes, area_name: str, radius_m: float = 500.0
) -> tuple[Coverage, BuiltUpArea]:
    """The ``transcarbon coverage`` use case: read both files, refuse bad rows, compute."""
    area = read_built_up_area(area_data, area_name)
    stops = read_stops(stops_data, stops_name, area.bounds)
    return coverage_of(stops, area, radius_m), area


def coverage_json(cov: Coverage, area: BuiltUpArea) -> dict[str, Any]:
    """The command's JSON contract (``coverage``, ``covered_km2``, ``area_km2``, ``stops``, ``radius_m``) and the
    areas one by one, the method and whether the outline is approximate."""
    return {
        "coverage": cov.coverage,
        "covered_km2": cov.covered_km2,
        "area_km2": cov.area_km2,
        "stops": cov.stops,
        "radius_m": cov.radius_m,
        "areas": [
            {
                "id": a.area_id,
                "name_zh": area.names.get(a.area_id, (a.area_id, a.area_id))[0],
                "name_en": area.names.get(a.area_id, (a.area_id, a.area_id))[1],
                "coverage": a.coverage,
                "covered_km2": a.covered_km2,
                "area_km2": a.area_km2,
            }
            for a in cov.areas
        ],
        "approximate_area": area.approximate,
        "method": {
            "definition": "MOT 公交都市考核评价指标体系 (2013), indicator 3",
            "projection": "Lambert azimuthal equal-area centred on the built-up area",
            "disc_polygon_shortfall": polygon_shortfall(),
        },
    }


def coverage_geojson(cov: Coverage) -> dict[str, Any]:
    """Covered and uncovered built-up land as a GeoJSON FeatureCollection (lon/lat), simplified to ~10 m."""
    features = []
    for kind, geom in (("covered", cov.covered), ("uncovered", cov.uncovered)):
        simple = shapely.simplify(geom, 1e-4, preserve_topology=True)
        features.append({"type": "Feature", "properties": {"kind": kind}, "geometry": mapping(simple)})
    return {"type": "FeatureCollection", "features": features}


def register_coverage(
    session: Session, city: CityConfig, catalog: ReportCatalog, on: date, register_id: str = "bus_stops"
) -> tuple[Coverage, BuiltUpArea, pl.DataFrame] | None:
    """Coverage of the city's built-up area by the stops on the bus-stop register as it stood on ``on``, the
    area and the stops; None when the city has no built-up area or no such register."""
    area = city_built_up_area(city)
    if area is None or register_id not in catalog.ids or not catalog.get(register_id).is_register:
        return None
    rt = catalog.get(register_id)
    stops = as_of(register_rows(session, rt, catalog), rt, on)
    radius = next((i.computation.radius_m for i in city.indicators if i.computation.report_type == register_id), None)
    return coverage_of(stops, area, radius or 500.0), area, stops
