"""Cleaning the AIS fixes of one partition into contiguous NumPy arrays (:class:`Fixes`).

:func:`clean_fixes` drops invalid fixes (no MMSI or time, coordinates out of range or at (0, 0)),
sorts by ship and time (only when the input is not sorted already), drops duplicate (ship, time)
fixes, and drops single-fix position spikes: a fix whose distances d [nm] to both neighbours of the
same ship exceed 0.5 nm and imply more than ``max_implied_speed_kn`` (d > v_max · Δt). The counts
of each kind of drop go into the run's data-quality lineage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.methods.ships.geo import consecutive_haversine_nm

US_PER_H = 3.6e9
"""Microseconds per hour (fix times are µs since the epoch)."""
US_PER_DAY = 86_400_000_000
"""Microseconds per day."""


@dataclass
class Fixes:
    """Cleaned AIS fixes of one partition as contiguous arrays, sorted by ship and time."""

    mmsi: NDArray[np.int64]
    ts: NDArray[np.int64]
    """Time [µs since the epoch, UTC]."""
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    sog: NDArray[np.float64]
    """SOG [kn]; NaN where missing."""
    draught: NDArray[np.float64]
    """Draught [m]; NaN where missing."""
    pair_nm: NDArray[np.float64] | None = None
    """Distance [nm] from each fix to the next (length n − 1), when already known."""

    def take(self, idx: NDArray[np.intp] | NDArray[np.bool_]) -> Fixes:
        return Fixes(self.mmsi[idx], self.ts[idx], self.lon[idx], self.lat[idx], self.sog[idx], self.draught[idx])


def _np_f64(s: pl.Series) -> NDArray[np.float64]:
    return s.cast(pl.Float64).fill_null(float("nan")).to_numpy()


def clean_fixes(ais: pl.DataFrame, opts: InventoryOptions) -> tuple[Fixes, dict[str, int]]:
    """Drop invalid and duplicate fixes, sort by ship and time, drop single-fix position spikes."""
    n0 = ais.height
    valid = (
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & pl.col("lon").is_between(-180, 180)
        & pl.col("lat").is_between(-90, 90)
        & ~((pl.col("lon") == 0) & (pl.col("lat") == 0))
    ).fill_null(False)
    mask = ais.select(valid.alias("v")).to_series()
    df = ais if mask.all() else ais.filter(mask)
    n_valid = df.height
    fx = Fixes(
        df["mmsi"].cast(pl.Int64).to_numpy(),
        df["ts"].dt.cast_time_unit("us").to_physical().to_numpy(),
        _np_f64(df["lon"]),
        _np_f64(df["lat"]),
        _np_f64(df["sog_kn"]),
        _np_f64(df["draught_m"]),
    )
    if n_valid > 1:
        dm = fx.mmsi[1:] - fx.mmsi[:-1]
        if not bool(np.all((dm > 0) | ((dm == 0) & (fx.ts[1:] >= fx.ts[:-1])))):
            fx = fx.take(np.lexsort((fx.ts, fx.mmsi)))
        dup = (fx.mmsi[1:] == fx.mmsi[:-1]) & (fx.ts[1:] == fx.ts[:-1])
        if dup.any():
            fx = fx.take(np.concatenate(([True], ~dup)))
    n_dedup = fx.mmsi.shape[0]
    if n_dedup > 1:
        # pair j joins fix j and fix j + 1; a spike is a fix whose both pairs imply an impossible speed
        d = consecutive_haversine_nm(fx.lon, fx.lat)
        h = (fx.ts[1:] - fx.ts[:-1]) / US_PER_H
        bad = (d > 0.5) & (d > opts.max_implied_speed_kn * h) & (fx.mmsi[1:] == fx.mmsi[:-1])
        spike = bad[:-1] & bad[1:]
        if spike.any():
            fx = fx.take(np.concatenate(([True], ~spike, [True])))
        else:
            fx.pair_nm = d
    return fx, {
        "positions": n0,
        "dropped_invalid": n0 - n_valid,
        "dropped_duplicate": n_valid - n_dedup,
        "dropped_spike": n_dedup - fx.mmsi.shape[0],
    }
