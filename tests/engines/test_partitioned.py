"""The partitioned layout (``ships partition``, ``road partition``): the engines read it a bucket (ships) or a day
of a bucket (road) at a time and give the results of the unpartitioned input, to 1e-9 relative on every table and
on the summary, with voyages and trips crossing midnight."""

from pathlib import Path

import polars as pl
import pytest

from engine_inputs import ROAD_TABLES, SHIP_TABLES, assert_results_close, demo_ais_month, trajectory_day
from transcarbon.engines.layout import MANIFEST, bucket_of, open_layout
from transcarbon.engines.road import run_trajectories
from transcarbon.engines.road.driver import write_points_layout
from transcarbon.engines.ships import run_ais_inventory
from transcarbon.engines.ships.partitioning import write_ais_layout


@pytest.fixture(scope="module")
def ais(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo_ais_month(tmp_path_factory.mktemp("ais"))


def test_ship_layout_equals_unpartitioned(ais: dict[str, Path], tmp_path: Path):
    layout = write_ais_layout(ais["ais"], tmp_path / "lay", bucket_rows=60_000)
    n = pl.scan_parquet(ais["ais"]).select(pl.len()).collect().item()
    assert layout.rows == n and layout.buckets == -(-n // 60_000)
    assert layout.days[0] == "2024-05-01" and len(layout.days) == 30  # UTC days
    # a ship is in one bucket every day, the bucket of its MMSI's crc32
    per_ship = pl.scan_parquet(layout.paths(), hive_partitioning=True).group_by("mmsi").agg(pl.col("bucket").unique())
    got = per_ship.collect()
    assert got["bucket"].list.len().max() == 1
    assert got["bucket"].list.first().to_list() == bucket_of(got["mmsi"].cast(pl.String).to_list(), layout.buckets)
    args = (ais["ships"], ais["zones"], ais["shore_power"])
    whole = run_ais_inventory(ais["ais"], *args)
    parts = run_ais_inventory(tmp_path / "lay", *args)
    assert whole.calls.height > 0 and whole.summary["shore_power"]["kwh"] > 0  # calls and shore power exercised
    assert_results_close(whole, parts, SHIP_TABLES)
    assert parts.lineage["engine"] == {"name": "polars", "partitions": layout.buckets, "workers": 2}
    assert parts.lineage["inputs_sha256"]["ais"] == open_layout(tmp_path / "lay").sha256()


def test_road_layout_equals_unpartitioned(tmp_path: Path):
    points, vehicles = trajectory_day(tmp_path)
    layout = write_points_layout(points, tmp_path / "lay", bucket_rows=40_000)
    assert layout.buckets > 1 and layout.days == ["2024-05-14", "2024-05-15", "2024-05-16"]
    assert layout.utc_offset_us == 8 * 3600 * 10**6
    whole = run_trajectories(points, vehicles)
    parts = run_trajectories(tmp_path / "lay", vehicles)
    assert whole.vehicle_day["date"].n_unique() == 3  # trips cross both midnights
    assert whole.quality["reordered"].sum() > 0  # input order matters, and the layout keeps it
    assert_results_close(whole, parts, ROAD_TABLES)
    assert parts.lineage["engine"]["partitions"] > whole.lineage["engine"]["partitions"]


def test_layout_refuses_a_folder_in_use(ais: dict[str, Path], tmp_path: Path):
    (tmp_path / "lay").mkdir()
    (tmp_path / "lay" / "x").write_text("")
    with pytest.raises(FileExistsError):
        write_ais_layout(ais["ais"], tmp_path / "lay")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / MANIFEST).write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="not a transcarbon-partitioned manifest"):
        open_layout(tmp_path / "bad")
