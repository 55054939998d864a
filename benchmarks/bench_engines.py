"""Benchmark: the Polars engine on the partitioned layout against the Spark engine (``local[2]``), AIS and trajectories.

Synthetic AIS fixes (ships circling off Lianyungang through its zones at a fix every 3 minutes, with stops, seeded) are
written straight into the partitioned layout (:mod:`transcarbon.engines.layout`), one MMSI bucket at a time
(vectorised, bounded memory), under ``--data`` (default ``/work/tmp-bench-engines``; deleted afterwards unless
``--keep``). Each measurement runs in a fresh subprocess, which reports wall time, CPU time (user + system, every
thread; on a shared machine wall time depends on the other load) and its peak RSS (``VmHWM``; for Spark, of the Python
driver only: the JVM and its Python workers are other processes). For the Polars engine it prints CPU-seconds per
million rows and the projection to two idle cores (2 / that, in M rows/s), the engine's speed whatever the
machine's load; the compiled ship walk's JIT compilation (or cache load) is timed apart before the run, not counted.

- ``--repeat N``: each Polars measurement N times, the run of least CPU time kept;
- ``--previous-src DIR``: the same Polars measurements with ``transcarbon`` imported from an older ``src`` tree
  (``git archive main src | tar -x -C /tmp/prev`` → ``--previous-src /tmp/prev/src``): before and after in one run;

- ``--sizes``: AIS fixes for the Polars engine on the layout (goal: peak RSS < 2 GiB at 100 M, ≥ 3 M fixes/s);
- ``--peer-size``: the peer, the Polars engine on one Parquet file of that many fixes (the in-memory path) — ratio;
- ``--spark-sizes``: AIS fixes for the Spark engine on ``--spark-master`` (its overhead at small sizes, rows/s);
- ``--road-points``: trajectory points for both engines (road layout of the same kind);
- the projection: from the per-partition times of the largest Polars run (wall × workers / partitions) and the
  Spark-to-Polars time ratio of the largest Spark run, fixes/s of a cluster of N executor cores, assuming partitions
  spread evenly and reading scales with the cores (a projection, not a measurement).

    .venv/bin/python benchmarks/bench_engines.py --sizes 10000000 100000000 --spark-sizes 10000 100000 1000000 \\
        --peer-size 10000000 --road-points 2000000
    .venv/bin/python benchmarks/bench_engines.py --sizes 10000000 --spark-sizes --repeat 3 --previous-src /tmp/prev/src
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl

from transcarbon.engines.layout import bucket_of, write_manifest

DAYS = 30
STEP_S = 180  # a fix every 3 minutes
T0 = datetime(2024, 5, 1, tzinfo=UTC)
ZONES = str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson")
BUCKET_ROWS = 1_000_000


def write_ais(root: Path, rows: int, seed: int = 17) -> Path:
    """``rows`` synthetic fixes (about) as a layout: ships × 30 days × a fix every 3 min, bucket by bucket."""
    per_ship = DAYS * 86_400 // STEP_S
    n_ships = max(1, round(rows / per_ship))
    n_fix = min(per_ship, -(-rows // n_ships))
    buckets = max(1, -(-n_ships * n_fix // BUCKET_ROWS))
    mmsi = 412_000_000 + np.arange(n_ships, dtype=np.int64) * 7
    bucket = np.array(bucket_of([str(m) for m in mmsi], buckets))
    rng = np.random.default_rng(seed)
    lon0 = rng.uniform(119.35, 119.75, n_ships)
    lat0 = rng.uniform(34.55, 34.85, n_ships)
    radius_nm = rng.uniform(3, 30, n_ships)
    period_h = rng.uniform(20, 90, n_ships)
    phase = rng.uniform(0, 2 * np.pi, n_ships)
    vmax = rng.uniform(8, 15, n_ships)
    draught = rng.uniform(5, 12, n_ships)
    t_h = np.arange(n_fix) * STEP_S / 3600
    for b in range(buckets):
        ships = np.flatnonzero(bucket == b)
        if ships.size == 0:
            continue
        # speed: a clipped sine (stops where it is negative), position: along a circle of the ship's radius
        sog = np.clip(vmax[ships, None] * np.sin(2 * np.pi * t_h / period_h[ships, None] + phase[ships, None]), 0, None)
        sog = np.round(sog + np.where(sog > 0, rng.normal(0, 0.2, sog.shape), 0), 1).clip(0)
        s_nm = np.cumsum(sog * STEP_S / 3600, axis=1)
        ang = s_nm / radius_nm[ships, None]
        lat = lat0[ships, None] + radius_nm[ships, None] * (1 - np.cos(ang)) / 60
        lon = lon0[ships, None] + radius_nm[ships, None] * np.sin(ang) / (60 * np.cos(np.radians(lat0[ships, None])))
        ts_us = int(T0.timestamp() * 1e6) + (t_h * 3.6e9).astype(np.int64)
        frame = pl.DataFrame(
            {
                "mmsi": np.repeat(mmsi[ships], n_fix),
                "ts": np.tile(ts_us, ships.size),
                "lon": lon.ravel(),
                "lat": lat.ravel(),
                "sog_kn": sog.ravel(),
                "draught_m": np.repeat(draught[ships], n_fix),
                "row": (ships[:, None] * n_fix + np.arange(n_fix)).ravel(),
            }
        ).with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))
        frame = frame.with_columns(pl.col("ts").dt.date().alias("__day"))
        for (day,), part in frame.group_by("__day", maintain_order=True):
            d = root / f"day={day}" / f"bucket={b}"
            d.mkdir(parents=True, exist_ok=True)
            part.drop("__day").write_parquet(d / "0.parquet")
    write_manifest(root, kind="ais", buckets=buckets, day_basis="utc", utc_offset_us=0, source={"synthetic": rows})
    return root


def write_points(root: Path, n_points: int) -> tuple[Path, Path]:
    """Trajectory points as a layout (the road benchmark's generator: one local day, a fix every 5 s)."""
    sys.path.insert(0, str(Path(__file__).parent / "road"))
    from bench_trajectories import synthetic

    from transcarbon.engines.road.driver import write_points_layout

    points, vehicles = synthetic(n_points, max(10, n_points // 4000))
    root.mkdir(parents=True, exist_ok=True)
    points.write_parquet(root / "points.parquet")
    vehicles.write_csv(root / "vehicles.csv")
    write_points_layout(root / "points.parquet", root / "layout", bucket_rows=BUCKET_ROWS)
    return root / "layout", root / "vehicles.csv"


CHILD = r"""
import json, resource, sys, time
kind, engine, path, extra, master = sys.argv[1:6]
def peak_mib():  # this process's peak RSS (VmHWM: reset by exec, unlike ru_maxrss, which keeps the parent's at fork)
    for text in open("/proc/self/status"):
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
t_start = time.perf_counter()
compile_s = None
if kind == "ais":
    try:  # the compiled walk (absent from an older src): compiled or loaded from its cache, timed apart
        from transcarbon.engines.ships.walk import compile_seconds
        compile_s = compile_seconds()
    except ImportError:
        pass
r0 = resource.getrusage(resource.RUSAGE_SELF)
if engine == "spark":
    from transcarbon.engines.spark import spark_session
    spark_session(master).sparkContext.setLogLevel("ERROR")
def once():
    if kind == "ais":
        from transcarbon.engines.ships import run_ais_inventory
        from transcarbon.engines.spark import run_ais_inventory_spark
        if engine == "spark":
            res = run_ais_inventory_spark(path, None, extra, None, master=master)
        else:
            res = run_ais_inventory(path, None, extra, None)
        return res, {"positions": res.summary["positions"], "co2_t": res.summary["total"]["co2_t"]}
    from transcarbon.engines.road import run_trajectories
    from transcarbon.engines.spark import run_trajectories_spark
    run = run_trajectories_spark if engine == "spark" else run_trajectories
    res = run(path, extra, **({"master": master} if engine == "spark" else {}))
    return res, {"co2_t": res.summary["total"]["co2_t"]}
t = time.perf_counter()
res, out = once()
wall = time.perf_counter() - t
out["cold_s"] = wall
if engine == "spark" and wall < 120:  # the first job warms the JVM and starts the Python workers: time a second one
    t = time.perf_counter()
    res, out2 = once()
    wall = time.perf_counter() - t
r1 = resource.getrusage(resource.RUSAGE_SELF)
out.update(wall_s=wall, start_s=t - t_start, compile_s=compile_s,
           cpu_s=(r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), peak_rss_mib=peak_mib(),
           partitions=res.lineage["engine"]["partitions"])
print(json.dumps(out))
"""


def measure(
    kind: str, engine: str, path: Path, extra: str, master: str, src: Path | None = None, repeat: int = 1
) -> dict[str, float]:
    """Run one measurement in a fresh process (``repeat`` times: the run of least CPU time is kept), importing
    ``transcarbon`` from ``src`` when given (an older tree, e.g. ``git archive main src | tar -x -C DIR``)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    best: dict[str, float] | None = None
    for _ in range(max(1, repeat)):
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, kind, engine, str(path), extra, master],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if proc.returncode:
            raise RuntimeError(proc.stderr[-3000:])
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["load_avg"] = os.getloadavg()[0]
        if best is None or result["cpu_s"] < best["cpu_s"]:
            best = result
    assert best is not None
    return best


def line(label: str, rows: int, r: dict[str, float], cpu_rate: bool = True) -> str:
    """Wall time and rows/s (on this machine, under its load), then, for the engines computing in this process,
    CPU-seconds per million rows and the projection to two idle cores: 2 / (CPU-s per M rows) M rows/s (both
    cores busy, nothing else running; the CPU time counts every thread of the process)."""
    text = (
        f"{label:<36} {rows:>12,} rows  {r['wall_s']:>8.2f} s  {rows / r['wall_s'] / 1e6:>7.3f} M rows/s  "
        f"peak RSS {r['peak_rss_mib']:>6.0f} MiB  partitions {int(r['partitions']):>4}  load {r['load_avg']:.1f}"
    )
    if cpu_rate:
        per_m = r["cpu_s"] / (rows / 1e6)
        text += (
            f"\n{'':<36} cpu {r['cpu_s']:>7.1f} s = {per_m:.3f} CPU-s per M rows "
            f"→ ≈ {2 / per_m:.2f} M rows/s on 2 idle cores"
        )
        if r.get("compile_s") is not None:
            text += f"  (JIT compile / cache load {r['compile_s']:.1f} s, not counted)"
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000_000])
    ap.add_argument("--peer-size", type=int, default=0)
    ap.add_argument("--spark-sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--road-points", type=int, default=0)
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--data", type=Path, default=Path("/work/tmp-bench-engines"))
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="runs per Polars measurement; the least CPU time is kept")
    ap.add_argument(
        "--previous-src",
        type=Path,
        help="an older src tree (git archive main src | tar -x -C DIR; give DIR/src): measured too, before vs after",
    )
    args = ap.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {os.getloadavg()}", flush=True)
    layouts: dict[int, Path] = {}
    try:
        for n in sorted({*args.sizes, *args.spark_sizes}):
            t = time.perf_counter()
            layouts[n] = write_ais(args.data / f"ais-{n}", n)
            print(f"generated {n:,} fixes in {time.perf_counter() - t:.1f} s", flush=True)
        results: dict[tuple[str, int], dict[str, float]] = {}
        for n in args.sizes:
            if args.previous_src:
                r = measure("ais", "polars", layouts[n], ZONES, "", args.previous_src, args.repeat)
                print(line("AIS, Polars engine, layout, BEFORE", int(r["positions"]), r), flush=True)
            results["polars", n] = r = measure("ais", "polars", layouts[n], ZONES, "", repeat=args.repeat)
            print(line("AIS, Polars engine, layout", int(r["positions"]), r), flush=True)
        if args.peer_size:
            n = args.peer_size
            single = args.data / f"single-{n}.parquet"
            lay = layouts.get(n) or write_ais(args.data / f"ais-{n}", n)
            pl.scan_parquet(sorted(lay.glob("day=*/bucket=*/*.parquet")), hive_partitioning=False).sort(
                "mmsi", "ts"
            ).drop("row").rename({"ts": "timestamp", "sog_kn": "sog", "draught_m": "draught"}).sink_parquet(single)
            peer = measure("ais", "polars", single, ZONES, "")
            print(line("AIS, Polars engine, one file (peer)", int(peer["positions"]), peer), flush=True)
            if ("polars", n) in results:
                print(f"  layout / one file, wall: {results['polars', n]['wall_s'] / peer['wall_s']:.2f}", flush=True)
        for n in args.spark_sizes:
            results["spark", n] = r = measure("ais", "spark", layouts[n], ZONES, args.spark_master)
            print(line(f"AIS, Spark {args.spark_master}", int(r["positions"]), r, cpu_rate=False), flush=True)
            p = measure("ais", "polars", layouts[n], ZONES, "")
            print(line("AIS, Polars engine, same layout", int(p["positions"]), p), flush=True)
            print(
                f"  Spark overhead (a second job in the session): {r['wall_s'] - p['wall_s']:.1f} s, ratio "
                f"{r['wall_s'] / p['wall_s']:.1f}×; the first job took {r['cold_s']:.1f} s and starting the session "
                f"{r['start_s']:.1f} s",
                flush=True,
            )
            results["polars_small", n] = p
        if args.road_points:
            lay, vehicles = write_points(args.data / "road", args.road_points)
            for engine in ("polars", "spark"):
                r = measure("road", engine, lay, str(vehicles), args.spark_master)
                print(line(f"trajectories, {engine}, layout", args.road_points, r, engine == "polars"), flush=True)
        if args.sizes and args.spark_sizes:
            big = max(args.sizes)
            pr = results["polars", big]
            per_part = pr["wall_s"] * min(2, pr["partitions"]) / pr["partitions"]  # two worker threads
            rows_part = pr["positions"] / pr["partitions"]
            core_rate = rows_part / per_part
            sn = max(args.spark_sizes)
            slow = results["spark", sn]["wall_s"] / results["polars_small", sn]["wall_s"]
            print(
                f"projection: {rows_part:,.0f} fixes per partition in {per_part:.2f} s per core "
                f"({core_rate / 1e6:.2f} M fixes/s per core); Spark/Polars time at {sn:,}: {slow:.1f}×",
                flush=True,
            )
            for cores in (16, 64, 256):
                print(f"  {cores:>4} executor cores: ≈ {cores * core_rate / slow / 1e6:,.1f} M fixes/s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(args.data, ignore_errors=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
    print(f"done {datetime.now(UTC):%H:%M} UTC")
