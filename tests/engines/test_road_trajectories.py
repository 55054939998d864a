"""Trajectory kernel and driver: the contract on a constant-speed case by hand, cleaning, midnight, inputs."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose

from transcarbon.engines.road import OUTPUTS, RoadInputError, TrajectoryOptions, run_partition, run_trajectories
from transcarbon.engines.road.inputs import check_vehicles, normalise_points
from transcarbon.engines.road.vehicles import PARAMS, china_stage, resolve_vehicles
from transcarbon.methods.road.copert import hot_factor

CST = timezone(timedelta(hours=8))
KM_PER_DEG = 6371.0088 * np.pi / 180
VEHICLES = pl.DataFrame(
    {
        "vehicle_id": ["bus1", "truck1"],
        "category": ["Buses", "TRUCKS"],
        "fuel": ["D", "Diesel"],
        "segment": ["Ubus Std 15 - 18 t", "Articulated 34 - 40 t"],
        "euro_standard": ["VI", "国V"],
        "technology": ["DPF+SCR", ""],
    }
)


def _track(vehicle: str, start: datetime, n: int, step_s: float, step_km: float, speed=None) -> pl.DataFrame:
    ts = [start + timedelta(seconds=step_s * i) for i in range(n)]
    data = {
        "vehicle_id": [vehicle] * n,
        "timestamp": [t.isoformat() for t in ts],
        "lon": [119.2] * n,
        "lat": (34.6 + np.arange(n) * step_km / KM_PER_DEG).tolist(),
    }
    if speed is not None:
        data["speed_kmh"] = [str(speed)] * n
    return pl.DataFrame(data)


@pytest.fixture(scope="module")
def params():
    return resolve_vehicles(check_vehicles(VEHICLES, "vehicles.csv"))


def _ef(params, pollutant: str, i: int, speed: float) -> float:
    k = params.kind[i]
    return float(hot_factor(speed, *[params.lo[pollutant][k, j] for j in range(len(PARAMS))]))


def test_constant_speed_by_hand(params):
    # bus1: 36 km/h for one hour (a fix every 10 s, 100 m apart): 36 km, EF at 36 km/h × 36 km
    pts = normalise_points(_track("bus1", datetime(2024, 5, 1, 8, tzinfo=CST), 361, 10, 0.1), "p.csv", 2)
    res = run_trajectories(pts, VEHICLES)
    got = res.summary["by_vehicle"]["bus1"]
    assert set(got) == set(OUTPUTS)
    assert_allclose(got["distance_km"], 36.0, rtol=1e-9)
    assert_allclose(got["hours"], 1.0)
    ec = _ef(params, "EC", 0, 36.0) * 36.0
    assert_allclose(got["energy_mj"], ec, rtol=1e-9)
    ncv = params.ncv_mj_per_kg[params.kind[0]]
    assert_allclose(got["fuel_kg"], ec / ncv, rtol=1e-9)
    assert_allclose(got["co2_t"], ec * 0.0202 * 0.98 * 44 / 12 / 1000, rtol=1e-9)
    for p, col in (("NOx", "nox_kg"), ("PM", "pm10_kg"), ("CO", "co_kg"), ("VOC", "voc_kg")):
        assert_allclose(got[col], _ef(params, p, 0, 36.0) * 36.0 / 1000, rtol=1e-9)
    assert res.summary["total"] == got
    assert res.hours["local_hour"].to_list() == [datetime(2024, 5, 1, 8)]
    assert_allclose(res.cells["distance_km"].sum(), 36.0)


def test_reported_speed_and_idle_by_time(params):
    # truck1 stands for 10 min reporting 0 km/h: emissions at the EC row's Vmin rate for 1/6 h, no distance
    pts = normalise_points(_track("truck1", datetime(2024, 5, 1, 8, tzinfo=CST), 61, 10, 0.0, speed=0), "p.csv", 2)
    got = run_trajectories(pts, VEHICLES).vehicle_day.row(0, named=True)
    vmin = params.lo["EC"][params.kind[1], PARAMS.index("vmin")]
    assert got["distance_km"] == 0.0 and got["idle_hours"] == pytest.approx(1 / 6)
    assert_allclose(got["energy_mj"], _ef(params, "EC", 1, vmin) * vmin / 6, rtol=1e-9)


def test_cleaning_cases(params):
    start = datetime(2024, 5, 1, 8, tzinfo=CST)
    base = _track("bus1", start, 31, 10, 0.1)
    dup = base.slice(5, 1)
    spike = base.slice(20, 1).with_columns(pl.lit(120.0).alias("lon"))  # a jump far east
    backwards = base.slice(10, 1)
    raw = pl.concat([base.slice(0, 6), dup, base.slice(6, 4), base.slice(11, 9), spike, base.slice(21, 10), backwards])
    speed = pl.when(pl.int_range(pl.len()) == 3).then(pl.lit("900")).otherwise(pl.lit(None, pl.String))
    raw = raw.with_columns(speed.alias("speed_kmh"))
    res = run_trajectories(normalise_points(raw, "p.csv", 2), VEHICLES)
    q = res.quality.row(0, named=True)
    assert (q["duplicates"], q["reordered"], q["jumps"], q["bad_speeds"]) == (1, 1, 1, 1)
    # the cleaned track is the straight 5-minute, 3 km run
    assert_allclose(res.summary["by_vehicle"]["bus1"]["distance_km"], 3.0, rtol=1e-9)
    assert_allclose(res.summary["by_vehicle"]["bus1"]["hours"], 300 / 3600)
    # a 20-minute silence is a gap: excluded and reported
    gap = pl.concat([_track("bus1", start, 2, 10, 0.1), _track("bus1", start + timedelta(minutes=20), 2, 10, 0.1)])
    res = run_trajectories(normalise_points(gap, "p.csv", 2), VEHICLES)
    assert_allclose(res.quality["gap_hours"][0], (20 * 60 - 10) / 3600)
    assert_allclose(res.summary["total"]["hours"], 20 / 3600)


def test_trip_crossing_midnight(params):
    # 23:50 → 00:10 local at 36 km/h: 10 minutes on each day, the same totals partitioned by day or not
    pts = normalise_points(_track("bus1", datetime(2024, 5, 1, 23, 50, tzinfo=CST), 121, 10, 0.1), "p.csv", 2)
    res = run_trajectories(pts, VEHICLES)
    days = res.vehicle_day.sort("date")
    assert days["date"].cast(pl.String).to_list() == ["2024-05-01", "2024-05-02"]
    assert_allclose(days["distance_km"].to_list(), [6.0, 6.0], rtol=1e-9)
    assert_allclose(days["hours"].to_list(), [1 / 6, 1 / 6])
    whole = run_partition(pts, params, TrajectoryOptions())
    assert_allclose(whole.vehicle_day["energy_mj"].sum(), days["energy_mj"].sum(), rtol=1e-12)
    # one day's partition with its halo sees exactly its part
    day2 = (datetime(2024, 5, 2, tzinfo=CST).astimezone(UTC), datetime(2024, 5, 3, tzinfo=CST).astimezone(UTC))
    part = run_partition(pts, params, TrajectoryOptions(), window=day2)
    assert_allclose(part.vehicle_day["distance_km"].to_list(), [6.0], rtol=1e-9)


def test_parquet_stream_equals_csv(tmp_path: Path):
    raw = pl.concat(
        [
            _track("bus1", datetime(2024, 5, 1, 23, 0, tzinfo=CST), 721, 10, 0.08, speed=30),
            _track("truck1", datetime(2024, 5, 1, 22, 0, tzinfo=CST), 500, 30, 0.5),
        ],
        how="diagonal",
    )
    raw.write_csv(tmp_path / "p.csv")
    raw.with_columns(
        pl.col("timestamp").str.to_datetime(time_zone="UTC"), pl.col("speed_kmh").cast(pl.Float64)
    ).write_parquet(tmp_path / "p.parquet")
    VEHICLES.write_csv(tmp_path / "v.csv")
    a = run_trajectories(tmp_path / "p.csv", tmp_path / "v.csv")
    b = run_trajectories(tmp_path / "p.parquet", tmp_path / "v.csv", TrajectoryOptions(vehicle_buckets=2))
    for c in OUTPUTS:
        assert_allclose(a.summary["total"][c], b.summary["total"][c], rtol=1e-9)
    assert a.lineage["factor_sets"]["copert_hot"]["name"] == "copert_2019"
    assert a.lineage["partitions"] == 2  # two local days, one bucket
    assert b.lineage["partitions"] >= 2


def test_inputs_name_file_row_column_and_fix(tmp_path: Path):
    raw = _track("bus1", datetime(2024, 5, 1, 8, tzinfo=CST), 3, 10, 0.1)
    bad = raw.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("2024-05-01T08:00:10"))
        .otherwise(pl.col("timestamp"))
        .alias("timestamp")
    )
    bad.write_csv(tmp_path / "p.csv")
    VEHICLES.write_csv(tmp_path / "v.csv")
    with pytest.raises(RoadInputError) as e:
        run_trajectories(tmp_path / "p.csv", tmp_path / "v.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("p.csv", 3, "timestamp")
    assert "时区" in str(e.value) and "with a zone" in str(e.value)
    wrong = VEHICLES.with_columns(pl.lit("VII").alias("euro_standard"))
    with pytest.raises(RoadInputError) as e:
        run_trajectories(normalise_points(raw, "p.csv", 2), wrong)
    assert (e.value.row, e.value.column) == (2, "segment") and "VI, DPF+SCR" in str(e.value)
    sloped = VEHICLES.with_columns(pl.lit("0.02").alias("slope"))
    with pytest.raises(RoadInputError, match="slope 0 only"):
        run_trajectories(normalise_points(raw, "p.csv", 2), sloped)
    # a streamed Parquet file names the row of the file, not of the partition
    pq = pl.concat(
        [
            _track("bus1", datetime(2024, 5, 1, 8, tzinfo=CST), 10, 10, 0.1),
            _track("bus1", datetime(2024, 5, 3, 8, tzinfo=CST), 10, 10, 0.1),
        ]
    )
    pq = pq.with_columns(
        pl.col("timestamp").str.to_datetime(time_zone="UTC"),
        pl.when(pl.int_range(pl.len()) == 14).then(95.0).otherwise(pl.col("lat")).alias("lat"),
    )
    pq.write_parquet(tmp_path / "p.parquet")
    with pytest.raises(RoadInputError) as e:
        run_trajectories(tmp_path / "p.parquet", tmp_path / "v.csv")
    assert (e.value.file, e.value.row, e.value.column) == ("p.parquet", 15, "lat")
    stranger = raw.with_columns(pl.lit("ghost").alias("vehicle_id"))
    with pytest.raises(RoadInputError, match="ghost"):
        run_trajectories(normalise_points(stranger, "p.csv", 2), VEHICLES)


def test_china_stage_names_and_load_interpolation(params):
    assert [china_stage(s) for s in ("国V", "国五", "China IV", "CN6B", "国VI", "VI")] == [
        "CN5",
        "CN5",
        "CN4",
        "CN6B",
        "CN6A",
        None,
    ]
    assert params.frame["euro"].to_list() == ["VI", "V"] and params.frame["technology"].to_list()[1] == "SCR"
    loaded = resolve_vehicles(check_vehicles(VEHICLES.with_columns(pl.lit("0.75").alias("load")), "v.csv"))
    assert_allclose(loaded.w["NOx"][loaded.kind], [0.5, 0.5])


def test_cell_sums_dense_and_hashed_agree():
    from transcarbon.engines.road import kernel

    rng = np.random.default_rng(0)
    gy, gx = rng.integers(69_000, 69_100, 10_000), rng.integers(-300, -200, 10_000)
    cols = {c: rng.random(10_000) for c in kernel.SUMS}
    dense = kernel._cell_sums(gy, gx, cols).sort("cell")
    hashed = (
        pl.DataFrame({"cell": kernel._cell_key(gy, gx), **cols})
        .group_by("cell")
        .agg(pl.col(kernel.SUMS).sum())
        .sort("cell")
    )
    assert dense["cell"].equals(hashed["cell"])
    assert_allclose(dense["energy_mj"].to_numpy(), hashed["energy_mj"].to_numpy())
    y, x = kernel.cell_indices(dense["cell"].to_numpy())
    assert (y.min(), y.max(), x.min(), x.max()) == (69_000, 69_099, -300, -201)
