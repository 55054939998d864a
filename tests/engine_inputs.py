"""Inputs and comparisons shared by the partitioned-engine and Spark-engine tests: the synthetic demo AIS month with
the city's zones, a synthetic trajectory day with trips crossing midnight, and the check that two results agree to
1e-9 relative on every output table and on the ``--json`` summary."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
from numpy.testing import assert_allclose

from transcarbon.demo.ais import write_synthetic_ais
from transcarbon.demo.road_tracks import write_trajectories

ZONES = Path(str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson"))
SHIP_TABLES = {
    "ship_day_mode": ["mmsi", "day", "mode"],
    "calls": ["mmsi", "arrival"],
    "zones": ["zone_id"],
    "grid": ["cell"],
    "ships": ["mmsi"],
}
ROAD_TABLES = {
    "vehicle_day": ["vehicle_id", "date"],
    "cells": ["h3_cell"],
    "hours": ["local_hour"],
    "quality": ["vehicle_id"],
}
CST = timezone(timedelta(hours=8))


def demo_ais_month(folder: Path) -> dict[str, Path]:
    """The demo's synthetic AIS month (May 2024, 60 ships, fixes every 3 min) with the city's zones."""
    return {**write_synthetic_ais(folder), "zones": ZONES}


def trajectory_day(folder: Path) -> tuple[Path, Path]:
    """The demo's trajectory day, plus two trucks driving through local midnight on either side of it (one with
    a fix out of time order), in one Parquet file."""
    points, vehicles = write_trajectories(folder / "day")
    day = pl.read_parquet(points)
    tz = day.schema["timestamp"]
    extra = []
    for vid, start in (("SYN-TRK-001", datetime(2024, 5, 15, 23, 40, tzinfo=CST)), ("SYN-TRK-002", None)):
        t0 = start or datetime(2024, 5, 14, 23, 45, tzinfo=CST)
        n = 240
        extra.append(
            pl.DataFrame(
                {
                    "vehicle_id": [vid] * n,
                    "timestamp": [t0 + timedelta(seconds=10 * i) for i in range(n)],
                    "lon": 119.40 + np.arange(n) * 0.0011,
                    "lat": np.full(n, 34.70),
                    "speed_kmh": np.full(n, 40.0),
                }
            )
        )
    late = pl.concat(extra).with_columns(pl.col("timestamp").cast(tz))
    late = pl.concat([late.slice(0, 100), late.slice(101, 1), late.slice(100, 1), late.slice(102)])
    cols = day.columns
    out = folder / "points.parquet"
    pl.concat([day, late.select([c for c in cols if c in late.columns])], how="diagonal_relaxed").write_parquet(out)
    return out, vehicles


def assert_frames_close(a: pl.DataFrame, b: pl.DataFrame, keys: list[str], name: str) -> None:
    """Same rows (by ``keys``) and columns; floats equal to 1e-9 relative, everything else exactly."""
    assert sorted(a.columns) == sorted(b.columns), name
    assert a.height == b.height, name
    if a.height == 0:
        return
    a, b = a.sort(keys), b.select(a.columns).sort(keys)
    for c in a.columns:
        if a.schema[c].is_float():
            assert_allclose(
                a[c].fill_null(np.nan).to_numpy(), b[c].fill_null(np.nan).to_numpy(), rtol=1e-9, atol=1e-12, err_msg=c
            )
        else:
            assert a[c].to_list() == b[c].to_list(), f"{name}.{c}"


def assert_json_close(a: object, b: object, path: str = "") -> None:
    """Two JSON values equal, numbers to 1e-9 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert sorted(a) == sorted(b), path
        for k in a:
            assert_json_close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_json_close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=path)
    else:
        assert a == b, path


def assert_results_close(a: object, b: object, tables: dict[str, list[str]]) -> None:
    """Every output table and the summary of two engine results agree (see above)."""
    for name, keys in tables.items():
        assert_frames_close(getattr(a, name), getattr(b, name), keys, name)
    assert_json_close(getattr(a, "summary"), getattr(b, "summary"))  # noqa: B009
