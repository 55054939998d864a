"""``transcarbon road``: the trajectory contract on a constant-speed case by hand (``--json`` and ``--out``), a bad
row refused with file, row, column and fix and nothing computed, the GTFS command, and the bottom-up inventory,
reconciliation and official figure on the demo database."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner, Result

from transcarbon.cli import app
from transcarbon.demo.road_tracks import write_gtfs
from transcarbon.engines.road.inputs import check_vehicles
from transcarbon.engines.road.vehicles import PARAMS, resolve_vehicles
from transcarbon.methods.road.copert import hot_factor

runner = CliRunner()
CST = timezone(timedelta(hours=8))
KM_PER_DEG = 6371.0088 * np.pi / 180
OUTPUTS = {"distance_km", "hours", "energy_mj", "fuel_kg", "co2_t", "nox_kg", "pm10_kg", "co_kg", "voc_kg"}
VEHICLES = (
    "vehicle_id,category,fuel,segment,euro_standard,technology,load\n"
    "bus1,Buses,D,Ubus Std 15 - 18 t,VI,DPF+SCR,\n"
    "car1,Passenger Cars,G PHEV G,Medium,VI A/B/C,PFI,\n"
)


def _points(path: Path) -> Path:
    start = datetime(2024, 5, 1, 8, tzinfo=CST)
    rows = []
    for vid, lon in (("bus1", 119.2), ("car1", 119.3)):
        for i in range(361):  # a fix every 10 s, 100 m apart: 36 km/h for one hour
            rows.append((vid, (start + timedelta(seconds=10 * i)).isoformat(), lon, 34.6 + i * 0.1 / KM_PER_DEG))
    pl.DataFrame(rows, schema=["vehicle_id", "timestamp", "lon", "lat"], orient="row").write_csv(path)
    return path


def _row(pollutant: str) -> list[float]:
    v = check_vehicles(pl.read_csv(VEHICLES.encode(), infer_schema=False), "v.csv")
    p = resolve_vehicles(v)
    return [float(p.lo[pollutant][0, j]) for j in range(len(PARAMS))]


def test_trajectories_contract_on_a_constant_speed_case(tmp_path: Path) -> None:
    points = _points(tmp_path / "points.csv")
    (tmp_path / "vehicles.csv").write_text(VEHICLES)
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        [
            "road",
            "trajectories",
            "--points",
            str(points),
            "--vehicles",
            str(tmp_path / "vehicles.csv"),
            "--out",
            str(out),
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(payload) == {"total", "by_vehicle"} and set(payload["by_vehicle"]) == {"bus1", "car1"}
    assert set(payload["total"]) == OUTPUTS and all(set(v) == OUTPUTS for v in payload["by_vehicle"].values())
    bus = payload["by_vehicle"]["bus1"]
    assert bus["distance_km"] == pytest.approx(36.0, rel=1e-9) and bus["hours"] == pytest.approx(1.0)
    ec = float(hot_factor(36.0, *_row("EC"))) * 36.0
    assert bus["energy_mj"] == pytest.approx(ec, rel=1e-9)
    assert bus["fuel_kg"] == pytest.approx(ec / 42.652, rel=1e-9)
    assert bus["co2_t"] == pytest.approx(ec * 0.0202 * 0.98 * 44 / 12 / 1000, rel=1e-9)
    assert bus["nox_kg"] == pytest.approx(float(hot_factor(36.0, *_row("NOx"))) * 36.0 / 1000, rel=1e-9)
    car = payload["by_vehicle"]["car1"]  # the PHEV's petrol rows give energy only: pollutants null
    assert car["energy_mj"] > 0 and car["nox_kg"] is None and car["co_kg"] is None
    assert payload["total"]["nox_kg"] == pytest.approx(bus["nox_kg"])  # the total sums the vehicles that have one
    assert {p.name for p in out.iterdir()} == {
        "vehicle_day.parquet",
        "cells.parquet",
        "hours.parquet",
        "quality.parquet",
        "summary.json",
        "lineage.json",
    }
    assert set(json.loads((out / "lineage.json").read_text())["inputs"]) == {"points", "vehicles"}


def test_a_bad_row_names_file_row_column_and_fix(tmp_path: Path, clean_failure: Callable[[Result, int], None]) -> None:
    points = _points(tmp_path / "points.csv")
    (tmp_path / "vehicles.csv").write_text(
        VEHICLES.replace(
            "bus1,Buses,D,Ubus Std 15 - 18 t,VI,DPF+SCR,", "bus1,Buses,D,Ubus Std 15 - 18 t,VI,DPF+SCR,1.7"
        )
    )
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        [
            "road",
            "trajectories",
            "--points",
            str(points),
            "--vehicles",
            str(tmp_path / "vehicles.csv"),
            "--out",
            str(out),
        ],
    )
    clean_failure(r, 1)
    assert "vehicles.csv" in r.output and "第 2 行" in r.output and "row 2" in r.output and "column load" in r.output
    assert "Fix:" in r.output and not out.exists()  # nothing computed


def test_gtfs_json(tmp_path: Path) -> None:
    feed, fleet = write_gtfs(tmp_path)
    r = runner.invoke(
        app, ["road", "gtfs", "--feed", str(feed), "--fleet", str(fleet), "--grid-year", "2024", "--json"]
    )
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(payload) == {"total", "by_route"} and set(payload["by_route"]) == {"B1", "B2", "B3", "B4"}
    assert payload["by_route"]["B1"]["nox_kg"] == 0.0  # all battery-electric
    assert sum(v["co2_t"] for v in payload["by_route"].values()) == pytest.approx(payload["total"]["co2_t"])


def test_inventory_reconcile_and_official_on_the_demo(
    demo_env: str, clean_failure: Callable[[Result, int], None]
) -> None:
    r = runner.invoke(app, ["road", "inventory", "--year", "2025", "--json"])
    assert r.exit_code == 0, r.output
    inv = json.loads(r.stdout.strip().splitlines()[-1])
    assert inv["reused"] and inv["total"]["vehicles"] > 1_100_000
    r = runner.invoke(app, ["road", "reconcile", "--year", "2025"])
    assert r.exit_code == 0, r.output
    assert "公交" in r.output and "urban bus" in r.output.lower()
    r = runner.invoke(app, ["road", "official", "--sector", "road_freight", "--year", "2025", "--figure", "bottom_up"])
    assert r.exit_code == 0, r.output
    assert "审计" in r.output and "audit log" in r.output
    r = runner.invoke(app, ["road", "reconcile", "--year", "2025", "--json"])
    rec = json.loads(r.stdout.strip().splitlines()[-1])
    assert next(s for s in rec["sectors"] if s["sector"] == "road_freight")["official"]["figure"] == "bottom_up"
    clean_failure(
        runner.invoke(app, ["road", "official", "--sector", "rail", "--year", "2025", "--figure", "bottom_up"]), 2
    )
    clean_failure(runner.invoke(app, ["road", "inventory", "--year", "2019"]), 2)
    clean_failure(runner.invoke(app, ["road", "reconcile", "--year", "2019"]), 2)
