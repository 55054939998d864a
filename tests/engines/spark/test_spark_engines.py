"""``--engine spark``: the Spark engine gives the Polars engine's tables and summary (1e-9 relative) on the demo AIS
month and on a trajectory day with trips across midnight, from a partitioned layout and from a plain file, and
records itself in the lineage. Runs on ``local[2]``; skipped without PySpark or Java."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine_inputs import (
    ROAD_TABLES,
    SHIP_TABLES,
    assert_json_close,
    assert_results_close,
    demo_ais_month,
    trajectory_day,
)
from transcarbon.cli import app
from transcarbon.engines.road import run_trajectories
from transcarbon.engines.road.driver import write_points_layout
from transcarbon.engines.ships import run_ais_inventory
from transcarbon.engines.ships.partitioning import write_ais_layout


def test_ships_spark_equals_polars(spark: Any, tmp_path: Path):
    from transcarbon.engines.spark import run_ais_inventory_spark

    ais = demo_ais_month(tmp_path / "in")
    layout = write_ais_layout(ais["ais"], tmp_path / "lay", bucket_rows=100_000)
    args = (ais["ships"], ais["zones"], ais["shore_power"])
    polars_result = run_ais_inventory(layout.root, *args)
    spark_result = run_ais_inventory_spark(layout.root, *args)
    assert_results_close(polars_result, spark_result, SHIP_TABLES)
    engine = spark_result.lineage["engine"]
    assert engine["name"] == "spark" and engine["master"] == "local[2]" and engine["partitions"] == layout.buckets
    assert engine["spark_version"] == spark.version
    assert spark_result.lineage["inputs_sha256"] == polars_result.lineage["inputs_sha256"]


def test_road_spark_equals_polars_from_a_file(spark: Any, tmp_path: Path):
    from transcarbon.engines.spark import run_trajectories_spark

    points, vehicles = trajectory_day(tmp_path)
    polars_result = run_trajectories(points, vehicles)
    spark_result = run_trajectories_spark(points, vehicles)  # staged into a layout of one bucket per day
    assert_results_close(polars_result, spark_result, ROAD_TABLES)
    assert spark_result.lineage["inputs"] == polars_result.lineage["inputs"]
    assert spark_result.lineage["engine"]["partitions"] == 3  # three local days, one bucket
    # the command's --json contract (with the grid factor for the electric buses), from a layout of several buckets
    layout = write_points_layout(points, tmp_path / "lay", bucket_rows=40_000)
    args = ["road", "trajectories", "--points", str(layout.root), "--vehicles", str(vehicles), "--json"]
    outputs = []
    for engine in (["--engine", "polars"], ["--engine", "spark", "--spark-master", "local[2]"]):
        r = CliRunner().invoke(app, [*args, *engine])
        assert r.exit_code == 0, r.output
        outputs.append(json.loads(r.stdout.strip().splitlines()[-1]))
    assert outputs[0]["total"]["co2_t"] > polars_result.summary["total"]["co2_t"]  # BEV counted at the grid factor
    assert_json_close(*outputs)


def test_missing_pyspark_is_said_in_both_languages(monkeypatch: pytest.MonkeyPatch):
    import builtins

    from transcarbon.engines.spark import SparkUnavailable, spark_session

    real = builtins.__import__

    def no_pyspark(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyspark"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(SparkUnavailable, match=r"未安装 PySpark.*transcarbon\[spark\]"):
        spark_session()
