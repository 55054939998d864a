"""Benchmark: road trajectories end to end from Parquet, against a straightforward per-point Python peer.

Writes synthetic GPS points (buses, trucks and taxis; a fix every 5 s with reported speeds, stops and
accelerations, within one local day) to Parquet, then:

- ours: :func:`transcarbon.engines.road.run_trajectories` on the Parquet file (streamed by day and vehicle
  bucket), timed end to end — reading, checking, cleaning, segments, COPERT factors, aggregates per vehicle ×
  day, H3 cell and hour;
- the peer: a plain per-point Python loop (no maintained open COPERT implementation installs here, see
  reference/road-additions.md §4) reading the same Parquet file row by row, doing the same arithmetic
  (segment speed = mean of the two reported speeds, d = V·Δt, EF at the clamped speed, the Vmin rate by time
  below Vmin, fuel and CO2) and summing the totals — on the first ``--peer-points`` points, since it is slow;
- a cross-check: our totals on that same subset equal the peer's.

Prints points/s for both and the ratio. Target: ≥ 2 M points/s on 2 cores, bounded memory (peak RSS printed).

    .venv/bin/python benchmarks/road/bench_trajectories.py [--points 4000000] [--peer-points 200000]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from transcarbon.engines.road import OUTPUTS, TrajectoryOptions, run_trajectories
from transcarbon.engines.road.inputs import check_vehicles
from transcarbon.engines.road.vehicles import POLLUTANTS, VehicleParams, resolve_vehicles

KINDS = [
    ("Buses", "D", "Ubus Std 15 - 18 t", "VI", "DPF+SCR"),
    ("Buses", "D", "Ubus Std 15 - 18 t", "V", "SCR"),
    ("Heavy Duty Trucks", "D", "Articulated 34 - 40 t", "VI A/B/C", "DPF+SCR"),
    ("Heavy Duty Trucks", "D", "Rigid 14 - 20 t", "V", "SCR"),
    ("Passenger Cars", "G", "Medium", "VI A/B/C", "PFI"),
    ("Light Commercial Vehicles", "D", "N1-III", "VI D-TEMP", "DPF+SCR"),
]
STEP_S = 5
START = datetime(2024, 4, 30, 22, 0, tzinfo=UTC)  # 06:00 China Standard Time


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(n_points: int, n_vehicles: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Points (sorted by vehicle and time, local 06:00 onwards, one day) and the vehicles table."""
    rng = np.random.default_rng(seed)
    per = n_points // n_vehicles
    speed = np.clip(np.cumsum(rng.normal(0, 4, size=(n_vehicles, per)), axis=1) % 160 - 40, 0, 80)
    speed[:, ::60] = 0.0  # a stop now and then
    lat = 34.6 + np.cumsum(speed * STEP_S / 3600, axis=1) / 111.2 * 0.6
    lon = 119.2 + np.cumsum(speed * STEP_S / 3600, axis=1) / 91.6 * 0.8
    t0 = int(START.timestamp() * 1e6)
    ts = t0 + np.tile(np.arange(per, dtype=np.int64) * STEP_S * 1_000_000, n_vehicles)
    ids = np.repeat(np.array([f"V{i:05d}" for i in range(n_vehicles)]), per)
    points = pl.DataFrame(
        {
            "vehicle_id": ids,
            "timestamp": pl.Series(ts).cast(pl.Datetime("us", "UTC")),
            "lon": lon.ravel(),
            "lat": lat.ravel(),
            "speed_kmh": np.round(speed.ravel(), 1),
        }
    )
    kinds = [KINDS[i * len(KINDS) // n_vehicles] for i in range(n_vehicles)]  # a fleet file lists kinds together
    vehicles = pl.DataFrame(
        {
            "vehicle_id": [f"V{i:05d}" for i in range(n_vehicles)],
            "category": [k[0] for k in kinds],
            "fuel": [k[1] for k in kinds],
            "segment": [k[2] for k in kinds],
            "euro_standard": [k[3] for k in kinds],
            "technology": [k[4] for k in kinds],
        }
    )
    return points, vehicles


def peer_totals(path: Path, limit: int, params: VehicleParams) -> dict[str, float]:
    """The straightforward implementation: one Python iteration per point, math-module arithmetic."""
    index, kind = params.index, params.kind.tolist()
    rows = pq.read_table(path).slice(0, limit).to_pylist()
    coeff = {p: params.lo[p].tolist() for p in POLLUTANTS}
    ncv, co2f = params.ncv_mj_per_kg.tolist(), params.co2_kg_per_mj.tolist()
    out = dict.fromkeys(OUTPUTS, 0.0)
    names = {"EC": "energy_mj", "NOx": "nox_kg", "PM": "pm10_kg", "CO": "co_kg", "VOC": "voc_kg"}
    prev = None
    for row in rows:
        if prev is not None and prev["vehicle_id"] == row["vehicle_id"]:
            v = kind[index[row["vehicle_id"]]]
            hours = (row["timestamp"] - prev["timestamp"]).total_seconds() / 3600.0
            speed = (prev["speed_kmh"] + row["speed_kmh"]) / 2.0
            dist = speed * hours
            out["distance_km"] += dist
            out["hours"] += hours
            for p in POLLUTANTS:
                a, b, c, d, e, z, h, rf, vmin, vmax = coeff[p][v]
                vc = min(max(speed, vmin), vmax)
                ef = (a * vc * vc + b * vc + c + d / vc) / (e * vc * vc + z * vc + h) * (1.0 - rf)
                mass = ef * dist if speed >= vmin else ef * vmin * hours
                if p == "EC":
                    out["energy_mj"] += mass
                    out["fuel_kg"] += mass / ncv[v]
                    out["co2_t"] += mass * co2f[v] / 1000.0
                else:
                    out[names[p]] += mass / 1000.0
        prev = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=int, default=4_000_000)
    ap.add_argument("--vehicles", type=int, default=1_000)
    ap.add_argument("--peer-points", type=int, default=200_000)
    ap.add_argument("--buckets", type=int, default=4, help="vehicle buckets per day (about 1 M points per partition)")
    ap.add_argument("--workers", type=int, default=1, help="partitions computed at once (threads)")
    args = ap.parse_args()
    points, vehicles = synthetic(args.points, args.vehicles)
    params = resolve_vehicles(check_vehicles(vehicles, "vehicles"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "points.parquet"
        points.write_parquet(path, row_group_size=250_000)
        vpath = Path(tmp) / "vehicles.csv"
        vehicles.write_csv(vpath)
        n = points.height
        del points
        opts = TrajectoryOptions(vehicle_buckets=args.buckets, workers=args.workers)
        run_trajectories(path, vpath, opts)  # warm-up (imports, caches)
        t, cpu = time.perf_counter(), time.process_time()
        ours = run_trajectories(path, vpath, opts)
        ours_s, ours_cpu = time.perf_counter() - t, time.process_time() - cpu
        rss = peak_rss_mib()

        sub = Path(tmp) / "subset.parquet"
        pl.read_parquet(path, n_rows=args.peer_points).write_parquet(sub)
        t = time.perf_counter()
        peer = peer_totals(sub, args.peer_points, params)
        peer_s = time.perf_counter() - t
        check = run_trajectories(sub, vpath, opts).summary["total"]
    for c in OUTPUTS:
        got = check[c]
        assert got is not None and math.isclose(got, peer[c], rel_tol=1e-9), (c, got, peer[c])
    ours_rate, peer_rate = n / ours_s, args.peer_points / peer_s
    print(f"points {n:,} of {args.vehicles:,} vehicles, {ours.lineage['partitions']} partitions")
    print(
        f"ours  (Polars/NumPy, end to end from Parquet): {ours_s:7.2f} s  {ours_rate / 1e6:6.2f} M points/s  "
        f"peak RSS {rss:,.0f} MiB  ({n / ours_cpu / 1e6:.2f} M points per CPU-second, {ours_cpu:.2f} s CPU)"
    )
    print(f"peer  (per-point Python, {args.peer_points:,} points): {peer_s:7.2f} s  {peer_rate / 1e6:6.3f} M points/s")
    print(f"ratio ours / peer: {ours_rate / peer_rate:,.0f}x; totals cross-checked on the peer's subset (rel 1e-9)")
    print("total:", {k: round(v, 3) for k, v in ours.summary["total"].items() if v is not None})
    print(
        "target >= 2 M points/s on 2 cores:",
        "met" if ours_rate >= 2e6 else "NOT met",
        f"(load average now {os.getloadavg()[0]:.1f}: other work on the machine slows the wall-clock figure)",
    )


if __name__ == "__main__":
    main()
