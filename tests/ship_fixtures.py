"""Hand-made AIS tracks, zones and ship registries for the ship-engine tests (``tests/engines/ships``)."""

from datetime import UTC, datetime, timedelta
from math import cos, radians

import numpy as np
import polars as pl

from transcarbon.engines.ships import InventoryOptions, run_ais_inventory
from transcarbon.engines.ships.registry import validate_registry
from transcarbon.engines.ships.zones import zones_from_geojson

T0 = datetime(2024, 5, 1, tzinfo=UTC)
NM_PER_DEG_LAT = 3440.065 * np.pi / 180
HOURS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def rect(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def zones(eca_pct=0.5, eca_west=118.9):
    """The port's zones inside an emission control area (ECA) of cap ``eca_pct`` % whose west edge is ``eca_west``°E."""
    feats = [
        {"properties": {"kind": "eca", "sulphur_pct": eca_pct}, "geometry": rect(eca_west, 33.8, 121.2, 35.6)},
        {"properties": {"kind": "port_area", "name": "port"}, "geometry": rect(119.36, 34.70, 119.53, 34.79)},
        {"properties": {"kind": "anchorage", "name": "anch1"}, "geometry": rect(119.55, 34.79, 119.62, 34.84)},
        {
            "properties": {"kind": "berth", "berth_id": "SP1", "has_shore_power": True},
            "geometry": rect(119.400, 34.738, 119.404, 34.740),
        },
    ]
    return zones_from_geojson({"type": "FeatureCollection", "features": feats})


BULK = {
    "mmsi": "1",
    "ship_type": "bulk_carrier",
    "dwt": "45000",
    "mcr_kw": "9000",
    "vref_kn": "14",
    "design_draught_m": "12",
    "engine_rpm": "100",
    "fuel": "HFO",
    "build_year": "2005",
    "nox_tier": "1",
    "shore_power_capable": "true",
}


def registry(*rows):
    cols = sorted({k for r in rows for k in r})
    return validate_registry(
        pl.DataFrame([{c: r.get(c) for c in cols} for r in rows], schema={c: pl.String for c in cols})
    )


def track(mmsi, hours, lon, lat, sog, draught=12.0):
    n = len(hours)
    lon = np.broadcast_to(np.asarray(lon, float), (n,))
    lat = np.broadcast_to(np.asarray(lat, float), (n,))
    return pl.DataFrame(
        {
            "mmsi": [mmsi] * n,
            "ts": [T0 + timedelta(hours=h) for h in hours],
            "lon": lon,
            "lat": lat,
            "sog_kn": np.broadcast_to(np.asarray(sog, float), (n,)),
            "draught_m": [draught] * n,
        },
        schema={
            "mmsi": pl.Int64,
            "ts": pl.Datetime("us", "UTC"),
            "lon": pl.Float64,
            "lat": pl.Float64,
            "sog_kn": pl.Float64,
            "draught_m": pl.Float64,
        },
    )


def eastward(mmsi, hours, speed_kn, lon0, lat):
    deg_per_h = speed_kn / (NM_PER_DEG_LAT * cos(radians(lat)))
    return track(mmsi, hours, lon0 + deg_per_h * np.asarray(hours), lat, speed_kn)


def run(ais, reg, sessions=None, z=None, **opts):
    """The inventory of ``ais`` with per-interval output kept (zones: :func:`zones` unless given)."""
    return run_ais_inventory(
        ais, reg, z if z is not None else zones(), sessions, InventoryOptions(keep_intervals=True, **opts)
    )
