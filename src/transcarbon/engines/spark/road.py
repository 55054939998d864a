"""Road trajectories on Spark: one task per local day × vehicle bucket of the partitioned layout through
:func:`transcarbon.engines.road.kernel.run_partition`, summed on the driver by
:func:`transcarbon.engines.road.driver.assemble` in (day, bucket) order as the Polars engine does.

The halo: a point of local day w is also sent to day w − 1 when it lies within 2 × ``max_gap_s`` after that day's
end, and to day w + 1 when it lies within 2 × ``max_gap_s`` before that day's start (``explode``), so each task sees
exactly the points the Polars engine reads for the day. ``points``: a layout folder or URL (``transcarbon road
partition``), or a local points file partitioned into a temporary layout first (local masters only).
"""

from __future__ import annotations

import pickle
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from transcarbon.engines.layout import file_sha256, in_input_order, is_layout
from transcarbon.engines.road.driver import TrajectoryResult, assemble, vehicle_params, write_points_layout
from transcarbon.engines.road.inputs import POINTS_SCHEMA
from transcarbon.engines.road.kernel import US_PER_DAY, PartitionResult, TrajectoryOptions, run_partition
from transcarbon.engines.road.vehicles import VehicleParams
from transcarbon.engines.spark.session import engine_record, manifest_sha256, read_layout, spark_session

if TYPE_CHECKING:
    import pyarrow as pa

RESULT_SCHEMA = "w long, bucket int, payload binary"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def run_trajectories_spark(
    points: str | Path,
    vehicles: str | Path | pl.DataFrame | VehicleParams,
    options: TrajectoryOptions | None = None,
    grid_kgco2_per_kwh: float | None = None,
    master: str | None = None,
) -> TrajectoryResult:
    """The result of :func:`transcarbon.engines.road.run_trajectories`, computed on Spark (see the module docstring);
    the lineage's ``engine`` records Spark's version, master and partitions."""
    from pyspark.sql import functions as F

    opts = options or TrajectoryOptions()
    files: dict[str, str] = {}
    params = vehicle_params(vehicles, grid_kgco2_per_kwh, files)
    spark = spark_session(master)
    url = str(points)
    source = Path(url).name
    with tempfile.TemporaryDirectory(prefix="transcarbon-spark-") as tmp:
        if "://" not in url and not is_layout(url):  # a local file: checked and staged into a layout
            files["points"] = file_sha256(Path(url))
            url = str(write_points_layout(url, Path(tmp) / "points", opts).root)
            manifest = manifest_sha256(spark, url)[1]
        else:
            files["points"], manifest = manifest_sha256(spark, url)
        offset = int(manifest["utc_offset_us"])
        days = sorted({str(f["day"]) for f in manifest["files"].values() if str(f["day"])[:1].isdigit()})
        if not days:
            return assemble([], params, opts, dict(sorted(files.items())), engine_record(spark, 0))
        first, last = ((date.fromisoformat(d) - EPOCH.date()).days for d in (days[0], days[-1]))
        halo = int(2 * opts.max_gap_s * 1_000_000)
        us = F.unix_micros(F.col("ts"))
        w = F.floor((us + F.lit(offset)) / F.lit(US_PER_DAY)).cast("long")
        start = w * F.lit(US_PER_DAY) - F.lit(offset)
        windows = F.array(
            w,
            F.when(us < start + F.lit(halo), w - 1),
            F.when(us >= start + F.lit(US_PER_DAY - halo), w + 1),
        )
        df = (
            read_layout(spark, url)
            .withColumn("w", F.explode(windows))
            .where(F.col("w").isNotNull() & F.col("w").between(first, last))
        )
        columns = list(POINTS_SCHEMA)

        def kernel(table: pa.Table) -> pa.Table:
            import pyarrow as pa

            frame = pl.DataFrame(pl.from_arrow(table))
            day = int(frame["w"][0])
            begin = EPOCH + timedelta(microseconds=day * US_PER_DAY - offset)
            part = in_input_order(frame.select(*columns, "row"))
            out = run_partition(part, params, opts, (begin, begin + timedelta(microseconds=US_PER_DAY)), source)
            return pa.table(
                {
                    "w": pa.array([day], pa.int64()),
                    "bucket": pa.array([int(frame["bucket"][0])], pa.int32()),
                    "payload": pa.array([pickle.dumps(out)], pa.binary()),
                }
            )

        # the payloads are pickled by this run's own tasks (the same trust as PySpark's pickled closures)
        rows = df.groupBy("w", "bucket").applyInArrow(kernel, RESULT_SCHEMA).collect()
    results: list[PartitionResult] = [
        pickle.loads(r["payload"]) for r in sorted(rows, key=lambda r: (int(r["w"]), int(r["bucket"])))
    ]
    return assemble(results, params, opts, dict(sorted(files.items())), engine_record(spark, len(rows)))
