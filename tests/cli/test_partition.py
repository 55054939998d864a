"""``ships partition`` / ``road partition`` and ``--engine``: the layout written, the inventories' ``--json`` from the
layout equal to those from the file (1e-9 relative), a folder in use and a bad engine refused with what to fix."""

import json
from pathlib import Path

from typer.testing import CliRunner

from engine_inputs import ZONES, assert_json_close, trajectory_day
from transcarbon.cli import app
from transcarbon.demo.ais import write_synthetic_ais

runner = CliRunner()


def _json(args: list[str]) -> dict[str, object]:
    r = runner.invoke(app, [*args, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_ships_partition_then_inventory(tmp_path: Path):
    paths = write_synthetic_ais(tmp_path / "in", n_ships=12, days=6)
    r = runner.invoke(
        app, ["ships", "partition", "--ais", str(paths["ais"]), "--out", str(tmp_path / "lay"), "--bucket-rows", "5000"]
    )
    assert r.exit_code == 0, r.output
    assert "wrote the partitioned layout" in r.output and "buckets" in r.output
    rest = ["--ships", str(paths["ships"]), "--zones", str(ZONES), "--shore-power", str(paths["shore_power"])]
    whole = _json(["ships", "inventory", "--ais", str(paths["ais"]), *rest])
    parts = _json(["ships", "inventory", "--ais", str(tmp_path / "lay"), *rest, "--out", str(tmp_path / "out")])
    assert_json_close(whole, parts)
    lineage = json.loads((tmp_path / "out" / "lineage.json").read_text())
    assert lineage["engine"]["name"] == "polars" and lineage["engine"]["partitions"] > 1
    again = runner.invoke(app, ["ships", "partition", "--ais", str(paths["ais"]), "--out", str(tmp_path / "lay")])
    assert again.exit_code == 2 and "is not empty" in again.output and "Traceback" not in again.output


def test_road_partition_then_trajectories(tmp_path: Path):
    points, vehicles = trajectory_day(tmp_path)
    r = runner.invoke(app, ["road", "partition", "--points", str(points), "--out", str(tmp_path / "lay")])
    assert r.exit_code == 0, r.output
    whole = _json(["road", "trajectories", "--points", str(points), "--vehicles", str(vehicles)])
    parts = _json(["road", "trajectories", "--points", str(tmp_path / "lay"), "--vehicles", str(vehicles)])
    assert_json_close(whole, parts)


def test_bad_engine_and_bucket_rows_refused(tmp_path: Path):
    r = runner.invoke(app, ["road", "trajectories", "--points", "p", "--vehicles", "v", "--engine", "dask"])
    assert r.exit_code == 2 and "use polars (this machine) or spark" in r.output
    r = runner.invoke(app, ["ships", "partition", "--ais", "a", "--out", str(tmp_path / "x"), "--bucket-rows", "0"])
    assert r.exit_code == 2 and "positive whole number" in r.output
