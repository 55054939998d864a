"""Throughput (AIS rows/s) and peak memory of the ship inventory, end to end from a Parquet file.

Usage (from the repository root)::

    .venv/bin/python benchmarks/ships/bench_throughput.py --rows 1000000 10000000

Each size is generated once (synthetic Lianyungang month, seeded) into /tmp/transcarbon-bench-ships and
then run in a fresh subprocess, which reports wall time, CPU time (user + system, all threads; a check on
a shared machine, where wall time depends on the other load) and its peak RSS (ru_maxrss). The
machine's load average is printed with each result.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path("/tmp/transcarbon-bench-ships")
ROWS_PER_SHIP = 394_466 / 60  # the demo generator's yield per ship-month at 3-minute fixes


def generate(rows: int) -> Path:
    from transcarbon.demo.ais import write_synthetic_ais

    d = DATA / f"r{rows}"
    if not (d / "ais.parquet").exists():
        write_synthetic_ais(d, seed=7, n_ships=max(1, round(rows / ROWS_PER_SHIP)), days=30, interval_min=3.0)
    return d


def run_one(d: Path) -> dict[str, float]:
    from importlib import resources

    import polars as pl

    from transcarbon.engines.ships import run_ais_inventory

    zones = str(resources.files("transcarbon") / "data" / "cities" / "lianyungang_zones.geojson")
    n = pl.scan_parquet(d / "ais.parquet").select(pl.len()).collect().item()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t = time.perf_counter()
    res = run_ais_inventory(d / "ais.parquet", d / "ships.csv", zones, d / "shore_power.csv")
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    peak_mib = r1.ru_maxrss / 1024
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    total = res.summary["total"]
    assert isinstance(total, dict)
    return {
        "rows": n,
        "wall_s": round(wall, 3),
        "rows_per_s": round(n / wall),
        "cpu_s": round(cpu, 3),
        "peak_rss_mib": round(peak_mib),
        "co2_t": round(total["co2_t"], 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--child", type=str, default=None)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_one(Path(args.child))))
        return
    for rows in args.rows:
        d = generate(rows)
        out = subprocess.run([sys.executable, __file__, "--child", str(d)], capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip())
        res["load_avg_1m"] = round(os.getloadavg()[0], 2)
        print(json.dumps(res))


if __name__ == "__main__":
    main()
