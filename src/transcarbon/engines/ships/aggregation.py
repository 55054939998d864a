"""Aggregation of one partition's runs (or intervals) into additive frames: per ship × day × mode, per
port call (consecutive berth-mode runs at one berth), per zone, per map-grid cell, and per-ship data
quality (:class:`PartitionAggregates`). Every column of ``SUM_COLS`` is a sum, so the aggregates of
partitions holding whole ships add up to those of the whole input.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.emissions import GRID_COLUMNS
from transcarbon.engines.ships.intervals import Intervals, grid_cell_deg
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.zones import Zones
from transcarbon.methods.ships import BERTH, MODES, POLLUTANTS
from transcarbon.methods.ships.shore_power import stayed_without_connecting

POLLUTANT_COLS = tuple(f"{p}_t" for p in POLLUTANTS)
SUM_COLS = (
    "hours",
    "distance_nm",
    "me_kwh",
    "ae_kwh",
    "ab_kwh",
    "fuel_t",
    *POLLUTANT_COLS,
    "connected_h",
    "shore_kwh",
    "shore_kwh_metered",
    "shore_kwh_modelled",
    "shore_kwh_modelled_used",
    "avoided_fuel_t",
    "avoided_co2_t",
    "avoided_nox_t",
    "avoided_sox_t",
    "avoided_pm10_t",
    "interpolated_h",
    "excluded_h",
)
"""The additive columns of a run row [h, nm, kWh, t] (:func:`.emissions.apply_factors`), summed by every
aggregate."""


@dataclass
class PartitionAggregates:
    """Additive aggregates of one partition (the driver sums them over partitions)."""

    ship_day_mode: pl.DataFrame
    calls: pl.DataFrame
    zones: pl.DataFrame
    grid: pl.DataFrame
    ship_quality: pl.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def _sums() -> list[pl.Expr]:
    return [pl.col(c).sum() for c in SUM_COLS]


def rows_frame(keys: dict[str, NDArray[np.generic]], values: dict[str, NDArray[np.float64]]) -> pl.DataFrame:
    """One row per run (or interval): its keys (ship, day, mode code, zone index, fine grid cell when it has one,
    start and end, number of intervals, draught missing) and its additive columns."""
    return pl.DataFrame(
        {
            "mmsi": pl.Series(keys["mmsi"], dtype=pl.Int64),
            "day": pl.Series(keys["day"], dtype=pl.Int64).cast(pl.Int32).cast(pl.Date),
            "mode_code": pl.Series(keys["mode"], dtype=pl.Int8),
            "zone_index": pl.Series(keys["zone"], dtype=pl.Int32),
            **({"__gy": pl.Series(keys["gy"], dtype=pl.Int64)} if "gy" in keys else {}),
            **({"__gx": pl.Series(keys["gx"], dtype=pl.Int64)} if "gx" in keys else {}),
            "t0": pl.Series(keys["t0"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "t1": pl.Series(keys["t1"], dtype=pl.Int64).cast(pl.Datetime("us", "UTC")),
            "intervals": pl.Series(keys["n"], dtype=pl.Int64),
            "draught_missing": pl.Series(keys["dq"], dtype=pl.Boolean),
            **{k: pl.Series(k, v, dtype=pl.Float64) for k, v in values.items()},
        }
    )


def cells_frame(cells: dict[str, NDArray[np.generic]]) -> pl.DataFrame:
    """Fine grid cells (``gy``, ``gx`` and the sums of ``GRID_COLUMNS``) as :func:`aggregate` takes them."""
    return pl.DataFrame(
        {
            "__gy": pl.Series(cells["gy"], dtype=pl.Int64),
            "__gx": pl.Series(cells["gx"], dtype=pl.Int64),
            **{c: pl.Series(c, cells[c], dtype=pl.Float64) for c in GRID_COLUMNS},
        }
    )


def aggregate(
    rows: pl.DataFrame,
    zones: Zones,
    params: pl.DataFrame,
    opts: InventoryOptions,
    counts: dict[str, int],
    cells: pl.DataFrame | None = None,
) -> PartitionAggregates:
    """Per ship × day × mode, per port call, per zone, per grid cell, and per-ship data quality, from runs
    (or intervals) in ship and time order; the fine grid cells from ``cells`` when summed already
    (:func:`cells_frame`), else from the rows' cells."""
    zt = pl.DataFrame(
        zones.table(),
        schema={"zone_index": pl.Int32, "zone_id": pl.String, "zone_kind": pl.String, "has_shore_power": pl.Boolean},
    )
    sdm = rows.group_by("mmsi", "day", "mode_code").agg(_sums())
    sdm = sdm.with_columns(
        pl.col("mode_code").replace_strict(list(range(5)), list(MODES), return_dtype=pl.String).alias("mode")
    ).drop("mode_code")
    zagg = (
        rows.group_by("zone_index")
        .agg(_sums())
        .join(zt, on="zone_index", how="left")
        .with_columns(pl.col("zone_id").fill_null("outside"), pl.col("zone_kind").fill_null("none"))
        .drop("zone_index", "has_shore_power")
    )
    # port calls: runs of berth-mode intervals at the same berth
    b = (
        rows.with_columns(
            ((pl.col("mode_code") == BERTH) & (pl.col("zone_index") >= 0)).alias("__at"),
        )
        .with_columns(
            (
                pl.col("__at")
                & ~(
                    (pl.col("__at").shift(1))
                    & (pl.col("mmsi") == pl.col("mmsi").shift(1))
                    & (pl.col("zone_index") == pl.col("zone_index").shift(1))
                ).fill_null(False)
            )
            .cum_sum()
            .alias("__call")
        )
        .filter(pl.col("__at"))
    )
    calls = (
        b.group_by("mmsi", "__call")
        .agg(
            pl.col("zone_index").first(),
            pl.col("t0").min().alias("arrival"),
            pl.col("t1").max().alias("departure"),
            pl.col("hours").sum().alias("berth_h"),
            *[pl.col(c).sum() for c in SUM_COLS if c != "hours"],
        )
        .join(zt, on="zone_index", how="left")
        .join(params.select("mmsi", "shore_power_capable"), on="mmsi", how="left")
    )
    flag = stayed_without_connecting(
        calls["shore_power_capable"].fill_null(False).to_numpy(),
        calls["has_shore_power"].fill_null(False).to_numpy(),
        calls["berth_h"].to_numpy(),
        calls["connected_h"].to_numpy(),
        opts.connect_after_h,
    )
    calls = (
        calls.with_columns(
            pl.Series("over_limit_not_connected", flag, dtype=pl.Boolean), pl.col("zone_id").alias("berth_id")
        )
        .drop("__call", "zone_index", "zone_id", "zone_kind")
        .sort("mmsi", "arrival")
    )
    if cells is None:
        if "__gy" not in rows.columns:
            raise ValueError("runs without grid cells (the compiled walk's) need their cells summed: pass cells")
        cells = rows.group_by("__gy", "__gx").agg(pl.col(GRID_COLUMNS).sum())
    grid = _grid(cells, opts.grid)
    quality = rows.group_by("mmsi").agg(
        pl.col("intervals").sum(),
        pl.col("interpolated_h").sum(),
        pl.col("excluded_h").sum(),
        pl.col("draught_missing").any().alias("draught_missing"),
    )
    return PartitionAggregates(sdm, calls, zagg, grid, quality, counts)


def _grid(g: pl.DataFrame, spec: str) -> pl.DataFrame:
    """Emissions and hours per map-grid cell from those per fine cell ``g``: ``deg:<size>`` cells with their
    centres, or H3 cells."""
    kind, _, arg = spec.partition(":")
    if kind == "h3":
        import h3

        fine = grid_cell_deg(spec)
        res = int(arg or 7)
        cells = [
            h3.latlng_to_cell((y + 0.5) * fine, (x + 0.5) * fine, res)
            for y, x in zip(g["__gy"], g["__gx"], strict=True)
        ]
        return g.with_columns(pl.Series("cell", cells)).group_by("cell").agg(pl.col(GRID_COLUMNS).sum())
    size = grid_cell_deg(spec)
    return g.with_columns(
        ((pl.col("__gy") + 0.5) * size).alias("lat"),
        ((pl.col("__gx") + 0.5) * size).alias("lon"),
        pl.concat_str([pl.col("__gy"), pl.col("__gx")], separator="_").alias("cell"),
    ).drop("__gy", "__gx")


def intervals_frame(iv: Intervals, rows: pl.DataFrame) -> pl.DataFrame:
    """The optional per-interval output (one row per interval, in ship and time order)."""
    e = iv.extra
    return rows.select(
        "mmsi",
        "t0",
        pl.Series("dt_h", e["dt_h"], dtype=pl.Float64),
        pl.Series("status", e["status"], dtype=pl.Int8),
        pl.Series("speed_kn", e["speed_kn"], dtype=pl.Float64),
        "distance_nm",
        pl.Series("lon_mid", e["lon_mid"], dtype=pl.Float64),
        pl.Series("lat_mid", e["lat_mid"], dtype=pl.Float64),
        "zone_index",
        "mode_code",
        pl.Series("load", e["load"], dtype=pl.Float64),
        *[c for c in SUM_COLS if c not in ("distance_nm",)],
        "draught_missing",
    )
