"""The AIS ship inventory on Spark: one task per MMSI bucket of the partitioned layout (whole ships, all their days,
in input order) through :func:`transcarbon.engines.ships.kernel.run_partition`; the buckets' aggregates are summed on
the driver by :func:`transcarbon.engines.ships.driver.assemble`, in bucket order as the Polars engine does.

``ais``: a layout folder or URL (``hdfs://``, ``s3a://`` …: ``transcarbon ships partition`` writes it), or a local AIS
file, which is partitioned into a temporary layout first (local masters only: executors elsewhere cannot see it).
Registry, zones and sessions are read on the driver and sent to the tasks with the kernel's closure.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from transcarbon.engines.layout import file_sha256, in_input_order, is_layout
from transcarbon.engines.ships.aggregation import PartitionAggregates
from transcarbon.engines.ships.driver import ShipInventoryResult, assemble, input_hashes, open_inputs, ship_arrays_of
from transcarbon.engines.ships.kernel import run_partition
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.partitioning import AIS_SCHEMA, write_ais_layout
from transcarbon.engines.ships.tables import load_tables
from transcarbon.engines.ships.zones import Zones
from transcarbon.engines.spark.session import engine_record, manifest_sha256, read_layout, spark_session

if TYPE_CHECKING:
    import pyarrow as pa

RESULT_SCHEMA = "bucket int, payload binary"


def run_ais_inventory_spark(
    ais: str | Path,
    ships: str | Path | pl.DataFrame | None = None,
    zones: str | Path | Zones | None = None,
    shore_power: str | Path | pl.DataFrame | None = None,
    options: InventoryOptions | None = None,
    master: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ShipInventoryResult:
    """The inventory of :func:`transcarbon.engines.ships.run_ais_inventory`, computed on Spark (see the module
    docstring); the lineage's ``engine`` records Spark's version, master and partitions."""
    from pyspark.sql import functions as F

    opts = options or InventoryOptions()
    tables = load_tables()
    spark = spark_session(master)
    inputs = open_inputs(pl.LazyFrame(schema=AIS_SCHEMA), ships, zones, shore_power)
    hashes = input_hashes(inputs)
    url = str(ais)
    with tempfile.TemporaryDirectory(prefix="transcarbon-spark-") as tmp:
        if "://" not in url and not is_layout(url):  # a local file: staged into a layout
            hashes["ais"] = file_sha256(Path(url))
            url = str(write_ais_layout(url, Path(tmp) / "ais").root)
        else:
            hashes["ais"] = manifest_sha256(spark, url)[0]
        df = read_layout(spark, url)
        seen = pl.Series(
            "mmsi", [r[0] for r in df.select("mmsi").where(F.col("mmsi").isNotNull()).distinct().collect()], pl.Int64
        )
        ship_arrays, used = ship_arrays_of(seen, inputs.registry, inputs.zones, tables, opts)
        zone_set, sessions = inputs.zones, inputs.sessions
        columns = list(AIS_SCHEMA)

        def kernel(table: pa.Table) -> pa.Table:
            import pyarrow as pa

            frame = pl.DataFrame(pl.from_arrow(table))
            part = in_input_order(frame.select(*columns, "row"))
            out = run_partition(part, ship_arrays, zone_set, sessions, opts)
            return pa.table(
                {
                    "bucket": pa.array([int(frame["bucket"][0])], pa.int32()),
                    "payload": pa.array([pickle.dumps(out)], pa.binary()),
                }
            )

        # the payloads are pickled by this run's own tasks (the same trust as PySpark's pickled closures)
        rows = df.groupBy("bucket").applyInArrow(kernel, RESULT_SCHEMA).collect()
    results: list[tuple[PartitionAggregates, pl.DataFrame]] = [
        pickle.loads(r["payload"]) for r in sorted(rows, key=lambda r: int(r["bucket"]))
    ]
    if progress:
        progress(len(results), len(results))
    aggs = [a for a, _ in results]
    intervals = [iv for _, iv in results] if opts.wants_intervals else []
    engine = engine_record(spark, len(rows))
    return assemble(aggs, intervals, used, inputs, tables, opts, dict(sorted(hashes.items())), engine)
