"""The partitioned driver: points (CSV, Parquet or a frame) → per-day (and vehicle-bucket) partitions through
:func:`.kernel.run_partition` → summed aggregates, H3 cells, and the contract's summary.

Parquet is streamed: each local day is read once with a predicate on the timestamp (the day ± a halo of
2 × ``max_gap_s``) and checked, then split into ``vehicle_buckets`` partitions by ``hash(vehicle_id)``;
``workers`` partitions run at once on threads (NumPy and Polars release the GIL). Memory is bounded by one
day's points plus the working arrays of ``workers`` partitions; the aggregates are summed in partition order.
A CSV is read and checked whole first (nothing is computed from a bad file), then partitioned the same way.

A partitioned layout (:mod:`transcarbon.engines.layout`, written by :func:`write_points_layout`: local days ×
``crc32(vehicle_id) % buckets``, checked when written) is read one (day, bucket) at a time with the halo from
the same bucket of the neighbouring days, in input order: memory is bounded by one day of one bucket.
The steps are public so that another executor (:mod:`transcarbon.engines.spark`) runs the same code:
:func:`vehicle_params`, the kernel per partition, and :func:`assemble`.

Result: ``summary`` = ``{"total": {...}, "by_vehicle": {"<id>": {...}}}`` with :data:`.kernel.OUTPUTS` each
(null where the vehicle's COPERT rows have no factor for it; totals sum the vehicles that have one and
``missing_factors`` names the others); frames ``vehicle_day``, ``cells`` (H3), ``hours``, ``quality``; and
``lineage`` (method, options, factor sets with hashes, input SHA-256).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import h3
import numpy as np
import polars as pl

from transcarbon.engines.layout import Layout, file_sha256, in_input_order, is_layout, open_layout, write_layout
from transcarbon.engines.road.errors import RoadInputError
from transcarbon.engines.road.inputs import check_vehicles, normalise_points, read_points, read_vehicles
from transcarbon.engines.road.kernel import (
    COUNTS,
    EXCLUDED,
    OUTPUTS,
    SUMS,
    US_PER_DAY,
    PartitionResult,
    TrajectoryOptions,
    cell_indices,
    run_partition,
)
from transcarbon.engines.road.vehicles import POLLUTANTS, VehicleParams, resolve_vehicles
from transcarbon.methods.road import METHOD_VERSION, POLLUTANT_COLUMNS

METHOD = "road_trajectories_copert_tier3"


@dataclass
class TrajectoryResult:
    summary: dict[str, object]
    vehicle_day: pl.DataFrame
    cells: pl.DataFrame
    hours: pl.DataFrame
    quality: pl.DataFrame
    lineage: dict[str, object] = field(default_factory=dict)


def _days(first: datetime, last: datetime, opts: TrajectoryOptions) -> Iterator[tuple[datetime, datetime]]:
    offset = timedelta(microseconds=opts.utc_offset_us(first))
    day = datetime.combine((first + offset).date(), datetime.min.time(), tzinfo=UTC) - offset
    while day <= last:
        yield day, day + timedelta(microseconds=US_PER_DAY)
        day += timedelta(microseconds=US_PER_DAY)


Window = tuple[datetime, datetime]


def _partitions(
    source: pl.LazyFrame, opts: TrajectoryOptions, file: str, row_offset: int
) -> Iterator[tuple[pl.DataFrame, Window]]:
    """The checked points of each (day, vehicle bucket) with their halo, and the day's window: each day is read
    once (a predicate on the timestamp), then split by ``hash(vehicle_id) % vehicle_buckets``."""
    bounds = source.select(pl.col("ts").min().alias("lo"), pl.col("ts").max().alias("hi")).collect()
    if bounds.height == 0 or bounds["lo"][0] is None:
        return
    halo = timedelta(seconds=2 * opts.max_gap_s)
    for start, end in _days(bounds["lo"][0], bounds["hi"][0], opts):
        day = source.filter((pl.col("ts") >= start - halo) & (pl.col("ts") < end + halo)).collect()
        if "__row" in day.columns:  # not yet checked (streamed Parquet)
            day = normalise_points(day.rename({"__ts_raw": "timestamp"}), file, row_offset)
        if opts.vehicle_buckets == 1:
            yield day, (start, end)
            continue
        bucket = (pl.col("vehicle_id").hash(seed=0) % opts.vehicle_buckets).alias("__bucket")
        for part in day.with_columns(bucket).partition_by("__bucket", include_key=False):
            yield part, (start, end)


def local_day(utc_offset_us: int) -> pl.Expr:
    """The local day (a Date) of ``ts`` at a fixed UTC offset (China has no DST; the driver takes the zone's offset
    at the first point, as :func:`_days` does)."""
    return (pl.col("ts") + pl.duration(microseconds=utc_offset_us)).dt.date()


def write_points_layout(
    points: str | Path, out: str | Path, options: TrajectoryOptions | None = None, bucket_rows: int = 1_000_000
) -> Layout:
    """Check trajectory points (as :func:`run_trajectories` does) and write them into the partitioned layout under
    ``out``: local days, ``ceil(largest day's rows / bucket_rows)`` vehicle buckets. A points file is checked
    whole before anything is written (nothing is kept from a bad file), so it must fit in memory: partition a
    year file by file (a day or a month each) into separate layouts, or with Spark."""
    opts = options or TrajectoryOptions()
    p = Path(points)
    source, row_offset = _lazy_points(p, p.name)
    frame = source.collect()
    if "__row" in frame.columns:  # streamed Parquet: check it here
        frame = normalise_points(frame.rename({"__ts_raw": "timestamp"}), p.name, row_offset)
    first = frame["ts"].min()
    offset = opts.utc_offset_us(first) if isinstance(first, datetime) else 0
    per_day = frame.group_by(local_day(offset)).len().select(pl.col("len").max()).item() if frame.height else 0
    return write_layout(
        frame.lazy(),
        out,
        kind="points",
        key="vehicle_id",
        buckets=max(1, -(-int(per_day or 0) // max(1, bucket_rows))),
        day=local_day(offset),
        day_basis="local",
        utc_offset_us=offset,
        source={"name": p.name, "sha256": file_sha256(p), "time_zone": opts.time_zone},
    )


def layout_windows(layout: Layout) -> list[tuple[date, Window]]:
    """Every local day from the layout's first to its last, with its window [start, end) in UTC."""
    days = [d for d in layout.days if d[:1].isdigit()]
    if not days:
        return []
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    offset = timedelta(microseconds=layout.utc_offset_us)
    out: list[tuple[date, Window]] = []
    d = first
    while d <= last:
        start = datetime.combine(d, datetime.min.time(), tzinfo=UTC) - offset
        out.append((d, (start, start + timedelta(microseconds=US_PER_DAY))))
        d += timedelta(days=1)
    return out


def layout_partitions(layout: Layout, opts: TrajectoryOptions) -> Iterator[tuple[pl.DataFrame, Window]]:
    """Per local day and vehicle bucket: the bucket's points of the day and of the neighbouring days within the
    halo (2 × ``max_gap_s``), in input order, with the day's window (see the module docstring)."""
    halo = timedelta(seconds=2 * opts.max_gap_s)
    for d, (start, end) in layout_windows(layout):
        near = [str(d + timedelta(days=k)) for k in (-1, 0, 1)]
        buckets = sorted({int(str(f["bucket"])) for f in layout.files.values() if f["day"] in near})
        for b in buckets:
            scans = [s for day in near if (s := layout.scan(day=day, bucket=b)) is not None]
            part = in_input_order(
                pl.concat(scans).filter((pl.col("ts") >= start - halo) & (pl.col("ts") < end + halo)).collect()
            )
            yield part, (start, end)


def _lazy_points(points: str | Path | pl.DataFrame, file: str) -> tuple[pl.LazyFrame, int]:
    """Points as a lazy frame with ``ts`` for the partition predicates (checked where possible up front)."""
    if isinstance(points, pl.DataFrame):
        return points.lazy(), 0
    p = Path(points)
    if p.suffix.lower() in (".parquet", ".pq"):
        scan = pl.scan_parquet(p).with_row_index("__row", offset=1)
        schema = scan.collect_schema()
        if "timestamp" not in schema:
            raise RoadInputError(
                file,
                "缺少必需列 timestamp",
                "missing required column timestamp",
                "添加该列",
                "add it",
                row=1,
                column="timestamp",
            )
        ts = schema["timestamp"]
        if not (isinstance(ts, pl.Datetime) and ts.time_zone):
            return read_points(p).lazy(), 0  # text or naive timestamps: check the whole file first
        return scan.with_columns(
            pl.col("timestamp").alias("__ts_raw"), pl.col("timestamp").dt.convert_time_zone("UTC").alias("ts")
        ).drop("timestamp"), 1
    return read_points(p).lazy(), 0


def _sum(frames: list[pl.DataFrame], keys: list[str], cols: tuple[str, ...]) -> pl.DataFrame:
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).group_by(keys).agg(pl.col(cols).fill_nan(None).sum()).sort(keys)


def _to_h3(cells: pl.DataFrame, opts: TrajectoryOptions) -> pl.DataFrame:
    if cells.is_empty():
        return cells
    gy, gx = cell_indices(cells["cell"].to_numpy())
    ids = [
        h3.latlng_to_cell((y + 0.5) * opts.bin_deg, (x + 0.5) * opts.bin_deg, opts.h3_resolution)
        for y, x in zip(gy.tolist(), gx.tolist(), strict=True)
    ]
    return cells.with_columns(pl.Series("h3_cell", ids)).group_by("h3_cell").agg(pl.col(SUMS).sum()).sort("h3_cell")


def _nan_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns([pl.col(c).fill_nan(None) for c in SUMS if c in frame.columns])


def vehicle_params(
    vehicles: str | Path | pl.DataFrame | VehicleParams, grid_kgco2_per_kwh: float | None, files: dict[str, str]
) -> VehicleParams:
    """The vehicles' COPERT parameters (a file or frame is checked like a CSV; its SHA-256 goes into ``files``)."""
    if isinstance(vehicles, VehicleParams):
        return vehicles
    if isinstance(vehicles, (str, Path)):
        files["vehicles"] = file_sha256(Path(vehicles))
        checked = read_vehicles(vehicles)
        vname = Path(vehicles).name
    else:
        checked, vname = check_vehicles(vehicles, "vehicles"), "vehicles"
    return resolve_vehicles(checked, vname, grid_kgco2_per_kwh=grid_kgco2_per_kwh)


def run_trajectories(
    points: str | Path | pl.DataFrame,
    vehicles: str | Path | pl.DataFrame | VehicleParams,
    options: TrajectoryOptions | None = None,
    grid_kgco2_per_kwh: float | None = None,
    progress: Callable[[int], None] | None = None,
) -> TrajectoryResult:
    """Emissions of trajectories (see the module docstring). ``points`` as a frame must be normalised
    (:func:`.inputs.normalise_points`); ``vehicles`` as a frame is checked like a CSV; ``points`` may be the
    folder of a partitioned layout."""
    opts = options or TrajectoryOptions()
    files: dict[str, str] = {}
    params = vehicle_params(vehicles, grid_kgco2_per_kwh, files)
    points_name = "points" if isinstance(points, pl.DataFrame) else Path(points).name
    if not isinstance(points, pl.DataFrame) and is_layout(points):
        layout = open_layout(points)
        files["points"] = layout.sha256()
        parts = layout_partitions(layout, opts)
    else:
        if not isinstance(points, pl.DataFrame):
            files["points"] = file_sha256(Path(points))
        source, row_offset = _lazy_points(points, points_name)
        parts = _partitions(source, opts, points_name, row_offset)

    results: list[PartitionResult] = []
    with ThreadPoolExecutor(max_workers=max(1, opts.workers)) as pool:
        pending: deque[Future[PartitionResult]] = deque()
        for part, window in parts:
            pending.append(pool.submit(run_partition, part, params, opts, window, points_name))
            while len(pending) >= max(1, opts.workers):  # at most `workers` partitions in memory at once
                results.append(pending.popleft().result())
                if progress:
                    progress(len(results))
        while pending:
            results.append(pending.popleft().result())
            if progress:
                progress(len(results))
    engine = {"name": "polars", "partitions": len(results), "workers": opts.workers}
    return assemble(results, params, opts, files, engine)


def assemble(
    results: list[PartitionResult],
    params: VehicleParams,
    opts: TrajectoryOptions,
    files: dict[str, str],
    engine: dict[str, object],
) -> TrajectoryResult:
    """Sum the partitions' aggregates (in the order given) into the result: tables, summary and lineage."""
    vehicle_day = _sum([r.vehicle_day for r in results], ["vehicle", "day"], SUMS)
    has = {
        name: params.has[p][params.kind]
        for p, name in (("EC", "energy_mj"), *((k, f"{v}_kg") for k, v in POLLUTANT_COLUMNS.items()))
    }
    ids = pl.Series("vehicle_id", params.ids)
    if not vehicle_day.is_empty():
        v = vehicle_day["vehicle"].to_numpy()
        fuel_ok = has["energy_mj"] & ~np.isnan(params.ncv_mj_per_kg[params.kind])
        co2_ok = has["energy_mj"] & ~np.isnan(params.co2_kg_per_mj[params.kind])
        masks = {**has, "fuel_kg": fuel_ok, "co2_t": co2_ok}
        vehicle_day = (
            vehicle_day.with_columns(
                [pl.when(pl.Series(m[v])).then(pl.col(c)).otherwise(None).alias(c) for c, m in masks.items()]
            )
            .with_columns(ids.gather(v).alias("vehicle_id"), (pl.col("day").cast(pl.Date)).alias("date"))
            .select("vehicle_id", "date", *SUMS)
        )
    quality = _sum([r.quality for r in results], ["vehicle"], (*COUNTS, *EXCLUDED, "segments"))
    if not quality.is_empty():
        quality = quality.with_columns(ids.gather(quality["vehicle"].to_numpy()).alias("vehicle_id")).drop("vehicle")
    hours = _sum([r.hours for r in results], ["hour"], SUMS)
    if not hours.is_empty():
        hours = hours.with_columns((pl.col("hour") * 3_600_000_000).cast(pl.Datetime("us")).alias("local_hour")).drop(
            "hour"
        )
    cells = _to_h3(_sum([r.cells for r in results], ["cell"], SUMS), opts)
    summary = _summary(vehicle_day, params)
    lineage = {
        "method": METHOD,
        "method_version": METHOD_VERSION,
        "options": opts.as_dict(),
        "factor_sets": params.refs,
        "inputs": files,
        "partitions": len(results),
        "engine": engine,
    }
    return TrajectoryResult(summary, _nan_to_null(vehicle_day), cells, _nan_to_null(hours), quality, lineage)


def _summary(vehicle_day: pl.DataFrame, params: VehicleParams) -> dict[str, object]:
    by_vehicle: dict[str, dict[str, float | None]] = {}
    total: dict[str, float | None] = dict.fromkeys(OUTPUTS, 0.0)
    missing: dict[str, list[str]] = {}
    if not vehicle_day.is_empty():
        per = (
            vehicle_day.group_by("vehicle_id")
            .agg([pl.when(pl.col(c).is_null().all()).then(None).otherwise(pl.col(c).sum()).alias(c) for c in OUTPUTS])
            .sort("vehicle_id")
        )
        for row in per.iter_rows(named=True):
            by_vehicle[row["vehicle_id"]] = {c: row[c] for c in OUTPUTS}
            for c in OUTPUTS:
                if row[c] is None:
                    missing.setdefault(c, []).append(row["vehicle_id"])
        sums = per.select([pl.col(c).sum() for c in OUTPUTS]).row(0, named=True)
        total = {c: (None if len(missing.get(c, [])) == per.height else sums[c]) for c in OUTPUTS}
    return {
        "total": total,
        "by_vehicle": by_vehicle,
        "missing_factors": missing,
        "pollutants": [p for p in POLLUTANTS if p != "EC"],
        "vehicles": len(params.ids),
    }
