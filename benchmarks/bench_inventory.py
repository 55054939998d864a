"""Benchmark: the full demo inventory (all organisations, 72 months) recomputed from the database.

Times the demo generator alone (target: under 10 s), builds the demo database in a temporary SQLite file (or
uses TRANSCARBON_BENCH_DATABASE_URL), then times, for every year 2020–2025:

- ``load + compute``: read the approved records from the database and compute lines and aggregates;
- ``store run``: the same plus storing a new run (lines, results, audit entry);
- the peer: a plain per-row Python loop over the same records doing the same combustion and grid
  arithmetic (dict look-ups), which also cross-checks the CO2 total.

Prints wall time, peak RSS, and the ratio of the peer's time to ours. Target: under 2 s for all years.

    .venv/bin/python benchmarks/bench_inventory.py
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import polars as pl

from transcarbon.demo.builder import build_demo
from transcarbon.demo.generator import DEFAULT_SEED, generate
from transcarbon.factors.library import FactorLibrary
from transcarbon.services.accounting import AccountingOptions, compute_inventory
from transcarbon.services.inventory_runs import load_approved_records, run_inventory
from transcarbon.store import db

YEARS = range(2020, 2026)
SCALE = 100  # the demo's records repeated, to compare at a size where per-row costs dominate


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peer_co2(records: pl.DataFrame, library: FactorLibrary) -> float:
    """Per-row Python: scope 1 CO2 of mass-based liquid fuels and scope 2 of kWh (the bulk of the total)."""
    props = {r["fuel"]: r for r in library.default("fuel_properties").table.iter_rows(named=True)}
    grid: dict[tuple[str, int], float] = {}
    total = 0.0
    for r in records.iter_rows(named=True):
        fuel, unit, amount = r["fuel"], r["unit"], r["amount"]
        if fuel is None:
            continue
        if fuel == "electricity":
            kwh = amount * (1000.0 if unit == "MWh" else 1.0)
            key = (r["region"] or "CN-JS", r["year"])
            if key not in grid:
                grid[key] = library.resolve_grid(*key).kgco2_per_kwh
            total += kwh * grid[key] / 1000.0
        elif unit == "t" and fuel in props:
            p = props[fuel]
            total += amount * p["ncv"] * p["carbon_content_tc_per_gj"] * p["oxidation"] * 44 / 12
    return total


def main() -> None:
    library = FactorLibrary.load()
    t0 = time.perf_counter()
    generate(DEFAULT_SEED)
    print(f"demo generator (seed {DEFAULT_SEED}): {time.perf_counter() - t0:.2f} s (target: under 10 s)")
    url = os.environ.get("TRANSCARBON_BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        db.upgrade(url)
        engine = db.make_engine(url)
        factory = db.session_factory(engine)
        t0 = time.perf_counter()
        with db.transaction(factory) as session:
            build_demo(session, actor="bench")
        print(f"demo build (generate, import, 6 runs): {time.perf_counter() - t0:.2f} s")

        with factory() as session:
            t0 = time.perf_counter()
            records = [load_approved_records(session, y) for y in YEARS]
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            invs = [compute_inventory(r.drop("row_hash"), library, AccountingOptions()) for r in records]
            t_compute = time.perf_counter() - t0
        n = sum(r.height for r in records)
        ours = t_load + t_compute
        print(f"records: {n:,} over {len(records)} years")
        print(
            f"load from database: {t_load:.3f} s; compute: {t_compute:.3f} s; total {ours:.3f} s "
            f"({'under' if ours < 2 else 'OVER'} the 2 s target)"
        )

        t0 = time.perf_counter()
        with db.transaction(factory) as session:
            for y in YEARS:
                run_inventory(session, y, AccountingOptions(gwp="AR6"), actor="bench")
        t_store = time.perf_counter() - t0
        print(f"load + compute + store 6 new runs (lines, results, audit): {t_store:.3f} s")

        t0 = time.perf_counter()
        peer = sum(peer_co2(r, library) for r in records)
        t_peer = time.perf_counter() - t0
        ours_liquid = sum(
            float(
                inv.lines.filter(
                    pl.col("unit").is_in(["t", "kWh", "MWh"])
                    & pl.col("fuel").is_in(["electricity", *library.default("fuel_properties").table["fuel"].to_list()])
                )["co2_t"].sum()
            )
            for inv in invs
        )
        print(
            f"peer (per-row Python, t and kWh rows only): {t_peer:.3f} s for the arithmetic alone; "
            f"ours compute {t_compute:.3f} s for all rows and all measures → ratio {t_peer / t_compute:.1f}×"
        )
        print(
            f"cross-check CO2 on the same rows: ours {ours_liquid:,.3f} t, peer {peer:,.3f} t, "
            f"relative difference {abs(ours_liquid - peer) / peer:.2e}"
        )
        big = pl.concat([r.drop("row_hash") for r in records] * SCALE).with_columns(
            record_id=pl.int_range(0, pl.len(), dtype=pl.Int64)
        )
        t0 = time.perf_counter()
        compute_inventory(big, library, AccountingOptions())
        t_big = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer_co2(big, library)
        t_big_peer = time.perf_counter() - t0
        print(
            f"scaled ×{SCALE} ({big.height:,} rows): ours {t_big:.3f} s (all measures), peer {t_big_peer:.3f} s "
            f"(two measures) → ratio {t_big_peer / t_big:.1f}×"
        )
        print(f"peak RSS: {peak_rss_mib():.0f} MiB")
        engine.dispose()


if __name__ == "__main__":
    main()
