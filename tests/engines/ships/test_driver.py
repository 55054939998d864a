"""The partitioned driver: any split into partitions of whole ships (in memory, Parquet row groups in
MMSI order, staged files) gives the numbers of one run over the whole input."""

import polars as pl
import pytest

from ship_fixtures import BULK, HOURS, eastward, registry, run, zones
from transcarbon.engines.ships import InventoryOptions, run_ais_inventory

MANY = pl.concat([eastward(m, HOURS, 12.0, 120.0, 33.0 + m * 0.01) for m in range(1, 9)])
REGISTRY = registry(*[{**BULK, "mmsi": str(m)} for m in range(1, 9)])


def test_partitions_match_single_run():
    one = run(MANY, REGISTRY)
    parts = run(MANY, REGISTRY, partition_rows=10)
    assert parts.summary == one.summary


def test_files_in_partitions_match_single_run(tmp_path):
    one = run(MANY, REGISTRY)
    files = MANY.rename({"ts": "timestamp", "sog_kn": "sog", "draught_m": "draught"})
    sorted_parquet = tmp_path / "sorted.parquet"  # row groups in MMSI order: read in turn, no staging
    files.write_parquet(sorted_parquet, row_group_size=9)
    csv = tmp_path / "ais.csv"  # staged by hash(mmsi)
    files.with_columns(pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")).write_csv(csv)
    for path in (sorted_parquet, csv):
        done = []
        res = run_ais_inventory(
            path,
            REGISTRY,
            zones(),
            None,
            InventoryOptions(partition_rows=10),
            progress=lambda d, n, done=done: done.append((d, n)),
        )
        assert len(done) > 2  # (0, n), then one call per partition
        for key in ("ships", "positions", "interpolated_h", "excluded_h"):
            assert res.summary[key] == one.summary[key]
        for key, value in one.summary["total"].items():
            assert res.summary["total"][key] == pytest.approx(value, rel=1e-12)
        assert "ais" in res.lineage["inputs_sha256"]
