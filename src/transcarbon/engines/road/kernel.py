"""The per-partition trajectory kernel: GPS/BeiDou points of some vehicles → cleaned segments → COPERT hot
emissions → additive aggregates per vehicle × day, per grid bin and per hour. A pure function of its frames
(:func:`run_partition`), so the same call runs per partition of a Parquet stream or on a cluster engine
(e.g. Spark ``mapInArrow`` grouped by day and ``hash(vehicle_id) % n``), the aggregates summed afterwards.

Partitions and windows. A partition owns the time window [start, end) (a local day); it receives its points
plus a halo of points up to 2 × ``max_gap_s`` on each side, so that every segment overlapping the window is
formed and cleaned exactly as without partitioning. Segments are clipped to the window, and every segment is
split at local hour boundaries (time-proportionally: the speed is constant along a segment), so a trip crossing
midnight puts each part on its own day and hour. Point counts (duplicates, reordered, …) count the points
inside the window only.

Cleaning, per vehicle in time order:

1. points are put in time order (``reordered`` counts points whose time went backwards in the input);
2. points repeating a vehicle's timestamp are dropped, the first kept (``duplicates``);
3. a reported speed that is negative, not finite or above ``max_speed_kmh`` is ignored (``bad_speeds``);
4. a point whose implied speed from its previous and to its next point both exceed ``max_speed_kmh`` (each
   neighbour within ``max_gap_s``) is a position jump and dropped (``jumps``);
5. segments longer than ``max_gap_s`` are gaps, and segments still implying more than ``max_speed_kmh`` are
   jumps: both are excluded and their hours reported (``gap_hours``, ``jump_hours``).

Segment speed and distance: where the points report speeds, V = the mean of the two ends' speeds (one end's if
only one reports) and d = V · Δt (the distance along the road, immune to position noise at stops); otherwise
V = d / Δt with d the great-circle distance. Emissions per segment and pollutant follow
:func:`transcarbon.methods.road.copert.segment_emission`: EF(clamp(V, Vmin, Vmax)) · d at V ≥ Vmin, and below
Vmin the row's rate at Vmin counted by time, EF(Vmin) · Vmin · Δt (the idle rule documented there).
``idle_hours`` is the time below the EC row's Vmin. Cold-start excess is not applied: the guidebook has none
for buses and heavy-duty vehicles, and the cold/hot ratio tables of the Euro 4–6 cars are not transcribed
(:mod:`transcarbon.methods.road.copert` has the method).

Energy → fuel → CO2: fuel [kg] = EC [MJ] / NCV [MJ/kg]; CO2 [t] = EC · CC · OF · 44/12 / 1000 (grid factor
/ 3.6 for electric-mode EC). Grid bins: the midpoint of each segment part in bins of ``bin_deg`` degrees
(mapped to H3 cells once, after all partitions, by the driver).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.road.errors import RoadInputError
from transcarbon.engines.road.segments import below_vmin, contract_columns, emissions
from transcarbon.engines.road.vehicles import VehicleParams

US_PER_S = 1_000_000
US_PER_H = 3_600 * US_PER_S
US_PER_DAY = 24 * US_PER_H
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km] (IUGG)."""

OUTPUTS = ("distance_km", "hours", "energy_mj", "fuel_kg", "co2_t", "nox_kg", "pm10_kg", "co_kg", "voc_kg")
"""The contract's result columns, in order."""
SUMS = (*OUTPUTS, "idle_hours")
COUNTS = ("points", "duplicates", "reordered", "bad_speeds", "jumps")
EXCLUDED = ("gap_hours", "jump_hours")


@dataclass(frozen=True)
class TrajectoryOptions:
    """Parameters of a trajectory run (recorded with its lineage)."""

    max_speed_kmh: float = 150.0
    """Speeds (reported or implied) above this are implausible for road vehicles here [km/h]."""
    max_gap_s: float = 600.0
    """Segments longer than this [s] are gaps: excluded, not interpolated."""
    time_zone: str = "Asia/Shanghai"
    """Days and hours are local to this zone (its UTC offset at the window's start; China has no DST)."""
    bin_deg: float = 0.0005
    """Grid bin size [deg] for the per-cell aggregates (≈ 50 m), mapped to H3 cells by the driver."""
    h3_resolution: int = 8
    vehicle_buckets: int = 1
    """The driver's partitions per day: ``hash(vehicle_id) % vehicle_buckets`` (bounds the working memory)."""
    workers: int = 1
    """Partitions the driver computes at once (threads); peak memory grows with ``workers``. Polars already
    uses the cores inside a partition, and concurrent partitions contend on page faults: on 2 cores one worker
    was faster (benchmarks/road)."""

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def utc_offset_us(self, at: datetime) -> int:
        """UTC offset [µs] of the zone at the (zone-aware) instant ``at``."""
        offset = at.astimezone(ZoneInfo(self.time_zone)).utcoffset()
        return int(offset.total_seconds() * US_PER_S) if offset is not None else 0


@dataclass
class PartitionResult:
    """Additive aggregates of one partition (``vehicle`` = index into the vehicle parameters; ``day`` and
    ``hour`` = local days / hours since 1970-01-01; ``cell`` = grid bin key, see :func:`cell_indices`).
    ``vehicle_day`` holds NaN where the vehicle's rows have no factor; ``cells`` and ``hours`` sum the vehicles
    that have one."""

    vehicle_day: pl.DataFrame
    cells: pl.DataFrame
    hours: pl.DataFrame
    quality: pl.DataFrame


def _haversine_km(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle distance [km] between consecutive points (haversine, mean Earth radius)."""
    r = np.pi / 180.0
    phi = lat * r
    cos_phi = np.cos(phi)
    a = np.sin(np.diff(phi) / 2)
    a *= a
    b = np.sin(np.diff(lon) * (r / 2))
    b *= b
    b *= cos_phi[:-1]
    b *= cos_phi[1:]
    a += b
    np.minimum(a, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2 * EARTH_RADIUS_KM
    return a


def _vehicle_index(points: pl.DataFrame, params: VehicleParams, source: str) -> NDArray[np.int32]:
    mapping = pl.DataFrame({"vehicle_id": params.ids, "__v": np.arange(len(params.ids), dtype=np.int32)})
    joined = points.select("vehicle_id").join(mapping, on="vehicle_id", how="left", maintain_order="left")
    if joined["__v"].null_count():
        unknown = joined.filter(pl.col("__v").is_null())["vehicle_id"].unique().sort().head(5).to_list()
        raise RoadInputError(
            source,
            f"车辆 {', '.join(unknown)} 不在车辆文件中",
            f"vehicle(s) {', '.join(unknown)} are not in the vehicles file",
            "在车辆文件中补充这些车辆",
            "add them to the vehicles file",
            column="vehicle_id",
        )
    return joined["__v"].to_numpy()


def _counts(v: NDArray[np.int32], mask: NDArray[np.bool_], n: int) -> NDArray[np.int64]:
    return np.bincount(v if mask.all() else v[mask], minlength=n)


def run_partition(
    points: pl.DataFrame,
    params: VehicleParams,
    options: TrajectoryOptions,
    window: tuple[datetime, datetime] | None = None,
    source: str = "points",
) -> PartitionResult:
    """Aggregates of the normalised ``points`` (``vehicle_id, ts, lon, lat, speed_kmh``; see
    :func:`.inputs.normalise_points`) for ``window`` (UTC-aware datetimes; None = all time)."""
    nveh = len(params.ids)
    v = _vehicle_index(points, params, source)
    t = points["ts"].dt.epoch("us").to_numpy()
    lon = points["lon"].to_numpy().astype(np.float64, copy=False)
    lat = points["lat"].to_numpy().astype(np.float64, copy=False)
    spd = points["speed_kmh"].fill_null(np.nan).to_numpy().astype(np.float64, copy=True)
    ws = int(window[0].timestamp() * US_PER_S) if window else np.iinfo(np.int64).min // 2
    we = int(window[1].timestamp() * US_PER_S) if window else np.iinfo(np.int64).max // 2
    start = window[0] if window else (points["ts"].min() if points.height else datetime(1970, 1, 1))
    offset = options.utc_offset_us(start)  # type: ignore[arg-type]
    inside = (t >= ws) & (t < we)
    counts = {c: np.zeros(nveh, dtype=np.int64) for c in COUNTS}
    counts["points"] = _counts(v, inside, nveh)

    # 1. order: by vehicle (stable), count time going backwards, then by vehicle and time
    if v.size > 1 and np.any(v[1:] < v[:-1]):
        o = np.argsort(v, kind="stable")
        v, t, lon, lat, spd, inside = v[o], t[o], lon[o], lat[o], spd[o], inside[o]
    back = np.zeros(v.size, dtype=bool)
    if v.size > 1:
        back[1:] = (v[1:] == v[:-1]) & (t[1:] < t[:-1])
    if back.any():
        counts["reordered"] = _counts(v, back & inside, nveh)
        o = np.lexsort((t, v))
        v, t, lon, lat, spd, inside = v[o], t[o], lon[o], lat[o], spd[o], inside[o]
    # 2. duplicates (same vehicle and timestamp): keep the first
    dup = np.zeros(v.size, dtype=bool)
    if v.size > 1:
        dup[1:] = (v[1:] == v[:-1]) & (t[1:] == t[:-1])
    if dup.any():
        counts["duplicates"] = _counts(v, dup & inside, nveh)
        keep = ~dup
        v, t, lon, lat, spd, inside = v[keep], t[keep], lon[keep], lat[keep], spd[keep], inside[keep]
    # 3. implausible reported speeds
    bad_speed = ~np.isnan(spd) & ((spd < 0) | ~np.isfinite(spd) | (spd > options.max_speed_kmh))
    if bad_speed.any():
        counts["bad_speeds"] = _counts(v, bad_speed & inside, nveh)
        spd[bad_speed] = np.nan
    # 4. position jumps: implausible implied speed to both neighbours
    chord = _haversine_km(lon, lat)
    if v.size > 2:
        same = v[1:] == v[:-1]
        dt_s = (t[1:] - t[:-1]) / US_PER_S
        implied = chord / (dt_s / 3600.0)
        wild = same & (implied > options.max_speed_kmh) & (dt_s <= options.max_gap_s)
        spike = np.zeros(v.size, dtype=bool)
        spike[1:-1] = wild[:-1] & wild[1:]
        if spike.any():
            counts["jumps"] = _counts(v, spike & inside, nveh)
            keep = ~spike
            v, t, lon, lat, spd = v[keep], t[keep], lon[keep], lat[keep], spd[keep]
            chord = _haversine_km(lon, lat)

    # 5. segments between consecutive points of a vehicle
    same = v[1:] == v[:-1]
    t0, t1 = t[:-1], t[1:]
    dt_us = (t1 - t0).astype(np.float64)
    dt_h = dt_us / US_PER_H
    with np.errstate(divide="ignore", invalid="ignore"):
        implied = chord / dt_h
        s0, s1 = spd[:-1], spd[1:]
        reported = np.where(np.isnan(s0), s1, np.where(np.isnan(s1), s0, (s0 + s1) / 2))
    has_speed = ~np.isnan(reported)
    speed = np.where(has_speed, reported, implied)
    dist = np.where(has_speed, reported * dt_h, chord)
    gap = same & (dt_us > options.max_gap_s * US_PER_S)
    jump = same & ~gap & (implied > options.max_speed_kmh)
    a = np.maximum(t0, ws)
    b = np.minimum(t1, we)
    overlap = same & (b > a)
    excluded_h = {
        name: np.bincount(v[:-1][overlap & m], weights=(b - a)[overlap & m] / US_PER_H, minlength=nveh).astype(float)
        for name, m in (("gap_hours", gap), ("jump_hours", jump))
    }
    seg = np.flatnonzero(overlap & ~gap & ~jump)

    # 6. parts: clip to the window and split at local hour boundaries (most segments stay whole)
    sa, sb = a[seg], b[seg]
    h0 = (sa + offset) // US_PER_H
    extra = (sb - 1 + offset) // US_PER_H - h0  # further hours a segment reaches
    pb = np.minimum(sb, (h0 + 1) * US_PER_H - offset)
    pos = np.arange(seg.size)
    cross = np.flatnonzero(extra > 0)
    if cross.size:
        n_extra = extra[cross]
        rep = np.repeat(cross, n_extra)
        k = 1 + np.arange(rep.size) - np.repeat(np.cumsum(n_extra) - n_extra, n_extra)
        hour_x = h0[rep] + k
        pos = np.concatenate([pos, rep])
        h0 = np.concatenate([h0, hour_x])
        sa = np.concatenate([sa, hour_x * US_PER_H - offset])
        pb = np.concatenate([pb, np.minimum(sb[rep], (hour_x + 1) * US_PER_H - offset)])
    hour, pa = h0, sa
    si = seg[pos]
    dt_part = dt_us[si]
    frac = (pb - pa) / dt_part
    hours = (pb - pa) / US_PER_H
    distance = dist[si] * frac
    vel = speed[si]
    mid = ((pa + pb) / 2 - t0[si]) / dt_part
    plon = lon[si] + (lon[si + 1] - lon[si]) * mid
    plat = lat[si] + (lat[si + 1] - lat[si]) * mid
    vv = v[si]
    kk = params.kind[vv]
    # evaluate the factors kind by kind (scalar parameters, no per-part gathers): parts in kind order
    if kk.size and np.any(kk[1:] < kk[:-1]):
        o = np.argsort(kk, kind="stable")
        vv, kk, hour, distance = vv[o], kk[o], hour[o], distance[o]
        hours, vel, plat, plon = hours[o], vel[o], plat[o], plon[o]
    cols: dict[str, NDArray[np.float64]] = {"distance_km": distance, "hours": hours}
    cols.update(contract_columns(params, kk, emissions(params, kk, distance, hours, vel)))
    cols["idle_hours"] = np.where(below_vmin(params, kk, vel), hours, 0.0)

    day = hour // 24
    known = {c: np.nan_to_num(cols[c]) if np.isnan(cols[c]).any() else cols[c] for c in SUMS}
    # cells and hours sum the vehicles that have a factor (NaN = no factor → 0 there)
    gy = np.floor(plat / options.bin_deg).astype(np.int64)
    gx = np.floor(plon / options.bin_deg).astype(np.int64)
    cells = _cell_sums(gy, gx, known)
    days = int(day.max() - day.min() + 1) if day.size else 1
    day0 = int(day.min()) if day.size else 0
    vehicle_day = _dense_sums(vv.astype(np.int64) * days + (day - day0), cols)
    vehicle_day = vehicle_day.with_columns(
        (pl.col("key") // days).cast(pl.Int32).alias("vehicle"),
        (pl.col("key") % days + day0).cast(pl.Int32).alias("day"),
    ).select("vehicle", "day", *SUMS)
    hours = _dense_sums(hour, known).rename({"key": "hour"})
    quality = pl.DataFrame(
        {
            "vehicle": np.arange(nveh, dtype=np.int32),
            **counts,
            **excluded_h,
            "segments": np.bincount(v[:-1][seg], minlength=nveh).astype(np.int64),
        }
    ).filter(pl.sum_horizontal(pl.exclude("vehicle")) > 0)
    return PartitionResult(vehicle_day=vehicle_day, cells=cells, hours=hours, quality=quality)


def _dense_sums(key: NDArray[np.int64], cols: dict[str, NDArray[np.float64]]) -> pl.DataFrame:
    """Sums of ``cols`` per distinct ``key`` (a NaN makes its group's sum NaN), by ``np.bincount`` over the
    key range (keys here are dense: vehicles × days of one window, hours of a day)."""
    if key.size == 0:
        return pl.DataFrame({"key": np.zeros(0, dtype=np.int64), **{c: np.zeros(0) for c in SUMS}})
    lo = int(key.min())
    k = key - lo
    n = int(k.max()) + 1
    present = np.flatnonzero(np.bincount(k, minlength=n))
    sums = {c: np.bincount(k, weights=cols[c], minlength=n)[present] for c in SUMS}
    return pl.DataFrame({"key": present.astype(np.int64) + lo, **sums})


def _cell_key(gy: NDArray[np.int64], gx: NDArray[np.int64]) -> NDArray[np.int64]:
    """One int64 per grid bin: row index in the high 32 bits, column index (two's complement) in the low."""
    return (gy << 32) | (gx & 0xFFFFFFFF)


def _cell_sums(gy: NDArray[np.int64], gx: NDArray[np.int64], cols: dict[str, NDArray[np.float64]]) -> pl.DataFrame:
    """Sums per grid bin: by ``np.bincount`` over the partition's bounding box of bins when it is small
    (a city), else by a hash group-by."""
    if gy.size and (gy.max() - gy.min() + 1) * (gx.max() - gx.min() + 1) <= 4 * gy.size + 65_536:
        y0, x0, width = int(gy.min()), int(gx.min()), int(gx.max() - gx.min() + 1)
        dense = _dense_sums((gy - y0) * width + (gx - x0), cols)
        local = dense["key"].to_numpy()
        return dense.with_columns(pl.Series("key", _cell_key(local // width + y0, local % width + x0))).rename(
            {"key": "cell"}
        )
    return pl.DataFrame({"cell": _cell_key(gy, gx), **cols}).group_by("cell").agg(pl.col(SUMS).sum())


def cell_indices(key: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The grid bin's (row, column) indices of :func:`_cell_key` keys."""
    gx = (key & 0xFFFFFFFF).astype(np.uint32).view(np.int32).astype(np.int64)
    return key >> 32, gx
