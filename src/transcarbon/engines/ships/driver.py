"""The partitioned driver of the ship emission inventory from AIS (IMO4 method, EPA option, shore power).

Entry point::

    run_ais_inventory(ais, ships=None, zones=None, shore_power=None, options=InventoryOptions(),
                      progress=None) -> ShipInventoryResult

- ``ais``: path (CSV / Parquet / MarineCadastre CSV / NMEA ``!AIVDM`` text) or a Polars frame already
  normalised (``mmsi, ts, lon, lat, sog_kn, draught_m``; see :mod:`.ais_readers`);
- ``ships``: registry CSV path or validated frame (:func:`.registry.read_registry`), or None (every ship
  gets the documented defaults and is flagged);
- ``zones``: GeoJSON path or :class:`.zones.Zones`, or None (IMO4 speed rules only, no ECA cap);
- ``shore_power``: sessions CSV path or frame, or None;
- ``options``: :class:`.options.InventoryOptions` (method ``imo4`` | ``epa``, gap limits, grid
  region/year, boilers on shore power, map grid, partition size, interval output);
- ``progress``: optional callable ``(done_partitions, total_partitions)``.

:class:`ShipInventoryResult` carries ``summary`` (the CLI's JSON contract), the frames
``ship_day_mode``, ``calls``, ``zones``, ``grid``, ``ships`` (resolved parameters with data-quality flags)
and optionally ``intervals``, the grid lookup, and ``lineage`` (input SHA-256s, registry hash, method
name/version, table-set version and hashes, Cf factor set, parameters, grid factor with fallbacks).

Inputs larger than ``options.partition_rows`` are processed in partitions of whole ships
(:mod:`.partitioning`: row groups of a Parquet file already in MMSI order are read in turn without
staging; other files are staged by ``hash(mmsi) % n``); each runs through :func:`.kernel.run_partition`,
on ``options.workers`` threads, and the additive aggregates are summed in partition order. A partitioned
layout (:mod:`transcarbon.engines.layout`, ``transcarbon ships partition``) is read one MMSI bucket at a time
(all its days, in input order): memory is bounded by the largest bucket, whatever the input's size.

The steps are public so that another executor (:mod:`transcarbon.engines.spark`) runs the same code:
:func:`open_inputs`, :func:`ship_arrays_of`, the kernel per partition, and :func:`assemble`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from transcarbon.engines.layout import Layout, file_sha256, is_layout, open_layout
from transcarbon.engines.ships.aggregation import SUM_COLS, PartitionAggregates
from transcarbon.engines.ships.ais_readers import read_ais
from transcarbon.engines.ships.kernel import run_partition
from transcarbon.engines.ships.options import InventoryOptions
from transcarbon.engines.ships.params import resolve_ships
from transcarbon.engines.ships.partitioning import AIS_SCHEMA, layout_partitions, partitions
from transcarbon.engines.ships.registry import read_registry
from transcarbon.engines.ships.ship_factors import ShipArrays, prepare_ships
from transcarbon.engines.ships.shore_power_sessions import read_shore_power
from transcarbon.engines.ships.tables import ShipTables, load_tables
from transcarbon.engines.ships.zones import Zones, read_zones
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.ships import METHOD_NAME, METHOD_VERSION, MODES, POLLUTANTS
from transcarbon.methods.ships.shore_power import grid_co2_t

TOTAL_KEYS = ("fuel_t", *(f"{p}_t" for p in POLLUTANTS))


@dataclass
class ShipInventoryResult:
    """What :func:`run_ais_inventory` returns (see the module docstring)."""

    summary: dict[str, object]
    ship_day_mode: pl.DataFrame
    calls: pl.DataFrame
    zones: pl.DataFrame
    grid: pl.DataFrame
    ships: pl.DataFrame
    lineage: dict[str, object]
    intervals: pl.DataFrame | None = None
    extra: dict[str, object] = field(default_factory=dict)


def _frame_hash(df: pl.DataFrame) -> str:
    return (
        hashlib.sha256(df.hash_rows(seed=0).to_numpy().tobytes()).hexdigest()
        if df.height
        else hashlib.sha256(b"").hexdigest()
    )


@dataclass
class ShipInputs:
    """The opened inputs of a run (:func:`open_inputs`): the AIS rows lazily (or the partitioned layout holding
    them), the registry, zones and shore-power sessions checked, and the files to hash for the lineage."""

    ais: pl.LazyFrame
    ais_path: Path | None
    layout: Layout | None
    registry: pl.DataFrame | None
    zones: Zones
    sessions: pl.DataFrame | None
    files: dict[str, Path]


def open_inputs(
    ais: str | Path | pl.DataFrame | pl.LazyFrame,
    ships: str | Path | pl.DataFrame | None,
    zones: str | Path | Zones | None,
    shore_power: str | Path | pl.DataFrame | None,
) -> ShipInputs:
    """Open and check the inputs (see the module docstring); a folder holding a partitioned layout
    (:mod:`transcarbon.engines.layout`, written by :func:`.partitioning.write_ais_layout`) is read from it."""
    files: dict[str, Path] = {}
    layout = None
    ais_path = None
    if isinstance(ais, (str, Path)) and is_layout(ais):
        layout = open_layout(ais)
        scan = layout.scan()
        lf = pl.LazyFrame(schema=AIS_SCHEMA) if scan is None else scan.drop("row")
    elif isinstance(ais, (str, Path)):
        ais_path = files["ais"] = Path(ais)
        lf = read_ais(ais)
    else:
        lf = ais.lazy()
    registry = None
    if isinstance(ships, (str, Path)):
        files["ships"] = Path(ships)
        registry = read_registry(ships)
    elif ships is not None:
        registry = ships
    if isinstance(zones, (str, Path)):
        files["zones"] = Path(zones)
        zone_set = read_zones(zones)
    else:
        zone_set = zones or Zones()
    sessions = None
    if isinstance(shore_power, (str, Path)):
        files["shore_power"] = Path(shore_power)
        sessions = read_shore_power(shore_power)
    elif shore_power is not None:
        sessions = shore_power
    return ShipInputs(lf, ais_path, layout, registry, zone_set, sessions, files)


def input_hashes(inputs: ShipInputs) -> dict[str, str]:
    """SHA-256 of each input file (of a layout: its manifest, which lists its files' SHA-256)."""
    hashes = {k: file_sha256(p) for k, p in inputs.files.items()}
    if inputs.layout is not None:
        hashes["ais"] = inputs.layout.sha256()
    return dict(sorted(hashes.items()))


def run_ais_inventory(
    ais: str | Path | pl.DataFrame | pl.LazyFrame,
    ships: str | Path | pl.DataFrame | None = None,
    zones: str | Path | Zones | None = None,
    shore_power: str | Path | pl.DataFrame | None = None,
    options: InventoryOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ShipInventoryResult:
    """Run the inventory (see the module docstring for the contract)."""
    opts = options or InventoryOptions()
    tables = load_tables()
    with ThreadPoolExecutor(max_workers=1) as pool:
        inputs = open_inputs(ais, ships, zones, shore_power)
        hashes = pool.submit(input_hashes, inputs)  # hashed while we compute
        seen = inputs.ais.select(pl.col("mmsi").drop_nulls().unique()).collect().to_series()
        ship_arrays, used = ship_arrays_of(seen, inputs.registry, inputs.zones, tables, opts)
        if inputs.layout is not None:
            total, parts = layout_partitions(inputs.layout)
        else:
            total, parts = partitions(inputs.ais, inputs.ais_path, opts)
        aggs, intervals = _run_partitions(total, parts, ship_arrays, inputs.zones, inputs.sessions, opts, progress)
        engine = {"name": "polars", "partitions": total, "workers": opts.workers}
        return assemble(aggs, intervals, used, inputs, tables, opts, hashes.result(), engine)


def ship_arrays_of(
    seen: pl.Series, registry: pl.DataFrame | None, zone_set: Zones, tables: ShipTables, opts: InventoryOptions
) -> tuple[ShipArrays, pl.DataFrame]:
    """Every ship ``seen`` in the input (its distinct MMSIs) resolved once (those absent from the registry get the
    defaults), its arrays and factors prepared for the zones (shared read-only by all partitions), and the
    resolved rows of the ships seen."""
    # one call for the registry and the ships seen that it lacks (a call with neither has no rows to type)
    params_all = resolve_ships(registry, seen, tables, opts.boilers_on_shore_power)
    ships = ShipArrays.from_params(params_all)
    prepare_ships(ships, zone_set)
    return ships, ships.frame.filter(pl.col("mmsi").is_in(seen.implode()))


def _run_partitions(
    total: int,
    parts: Iterator[pl.DataFrame],
    ships: ShipArrays,
    zone_set: Zones,
    sessions: pl.DataFrame | None,
    opts: InventoryOptions,
    progress: Callable[[int, int], None] | None,
) -> tuple[list[PartitionAggregates], list[pl.DataFrame]]:
    if progress:
        progress(0, total)
    workers = max(1, min(opts.workers, total))
    futures: list[Future[tuple[PartitionAggregates, pl.DataFrame]]] = []
    running: set[Future[tuple[PartitionAggregates, pl.DataFrame]]] = set()

    def settle(limit: int) -> None:
        """Wait until at most ``limit`` partitions are unfinished (a failed one raises at once)."""
        nonlocal running
        while len(running) > limit:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for f in finished:
                f.result()
            if progress:
                progress(len(futures) - len(running), total)

    # partitions run on `workers` threads (NumPy, Polars and the compiled walk release the GIL); this thread reads
    # the next partition while they compute and keeps it queued, so that a worker that finishes starts the next at
    # once, whichever partition finished (inputs held: ≤ workers + 2 partitions); the results are summed in
    # partition order afterwards (deterministic sums)
    with ThreadPoolExecutor(max_workers=workers) as ex:
        for df in parts:
            futures.append(ex.submit(run_partition, df, ships, zone_set, sessions, opts))
            running.add(futures[-1])
            settle(workers + 1)  # `workers` running and one queued
        settle(0)
    results = [f.result() for f in futures]
    aggs = [agg for agg, _ in results]
    ivs = [iv for _, iv in results] if opts.wants_intervals else []
    return aggs, ivs


def _sum_frames(frames: list[pl.DataFrame], keys: list[str]) -> pl.DataFrame:
    df = (
        pl.concat([f for f in frames if f.height], how="vertical_relaxed")
        if any(f.height for f in frames)
        else frames[0]
    )
    cols = [c for c in df.columns if c not in keys]
    return df.group_by(keys).agg(pl.col(c).sum() for c in cols)


def _pollutant_dict(row: dict[str, float]) -> dict[str, float]:
    return {k: float(row.get(k) or 0.0) for k in TOTAL_KEYS}


def _kwh_basis(metered: float, modelled_used: float) -> str:
    """What the grid term's kWh are: ``metered``, ``modelled`` (no session had a meter reading), ``mixed`` or
    ``none`` (no shore power)."""
    if metered > 0 and modelled_used > 0:
        return "mixed"
    if modelled_used > 0:
        return "modelled"
    return "metered" if metered > 0 else "none"


def assemble(
    aggs: list[PartitionAggregates],
    intervals: list[pl.DataFrame],
    used: pl.DataFrame,
    inputs: ShipInputs,
    tables: ShipTables,
    opts: InventoryOptions,
    input_hashes: dict[str, str],
    engine: dict[str, object],
) -> ShipInventoryResult:
    """Sum the partitions' aggregates (in the order given) into the result: tables, summary and lineage."""
    registry, sessions = inputs.registry, inputs.sessions
    sdm = _sum_frames([a.ship_day_mode for a in aggs], ["mmsi", "day", "mode"]).sort("mmsi", "day", "mode")
    calls = pl.concat([a.calls for a in aggs], how="vertical_relaxed").sort("mmsi", "arrival")
    zagg = _sum_frames([a.zones for a in aggs], ["zone_id", "zone_kind"]).sort("zone_id")
    gkeys = ["cell"] + (["lat", "lon"] if "lat" in aggs[0].grid.columns else [])
    grid = _sum_frames([a.grid for a in aggs], gkeys)
    quality = pl.concat([a.ship_quality for a in aggs], how="vertical_relaxed")
    counts: dict[str, int] = {}
    for a in aggs:
        for k, v in a.counts.items():
            counts[k] = counts.get(k, 0) + v
    seen = quality.select("mmsi")
    ships = (
        seen.join(used, on="mmsi", how="left")
        .join(quality, on="mmsi", how="left")
        .with_columns(
            pl.concat_str(
                [
                    pl.col("dq_flags").replace("", None),
                    pl.when(pl.col("intervals") + 1 < opts.min_fixes).then(pl.lit("few_fixes")),
                    pl.when(pl.col("draught_missing")).then(pl.lit("draught_missing_used_design")),
                ],
                separator=",",
                ignore_nulls=True,
            )
            .fill_null("")
            .alias("dq_flags")
        )
    )
    year = opts.grid_year
    if year is None:
        years = sdm.group_by(pl.col("day").dt.year().alias("y")).agg(pl.col("hours").sum()).sort("hours")
        year = int(years["y"][-1]) if years.height else 2023
    lookup = FactorLibrary.load().resolve_grid(opts.grid_region, year)
    totals = sdm.select(pl.col(c).sum() for c in SUM_COLS).row(0, named=True)
    by_mode_df = sdm.group_by("mode").agg(pl.col(c).sum() for c in TOTAL_KEYS)
    by_mode_rows = {r["mode"]: r for r in by_mode_df.iter_rows(named=True)}
    kwh = float(totals["shore_kwh"] or 0.0)
    kwh_metered = float(totals["shore_kwh_metered"] or 0.0)
    kwh_modelled = float(totals["shore_kwh_modelled"] or 0.0)
    kwh_modelled_used = float(totals["shore_kwh_modelled_used"] or 0.0)
    grid_t = float(grid_co2_t(kwh, lookup.kgco2_per_kwh))
    gross = float(totals["avoided_co2_t"] or 0.0)
    calls = calls.with_columns((pl.col("shore_kwh") * lookup.kgco2_per_kwh / 1000).alias("grid_co2_t")).with_columns(
        (pl.col("avoided_co2_t") - pl.col("grid_co2_t")).alias("avoided_co2_net_t")
    )
    unmatched = 0
    if sessions is not None and sessions.height:
        unmatched = sessions.join(seen, on="mmsi", how="anti").height
    summary: dict[str, object] = {
        "ships": seen.height,
        "positions": counts.get("positions", 0),
        "interpolated_h": round(float(totals["interpolated_h"] or 0.0), 6),
        "excluded_h": round(float(totals["excluded_h"] or 0.0), 6),
        "total": _pollutant_dict(totals),
        "by_mode": {m: _pollutant_dict(by_mode_rows.get(m, {})) for m in MODES},
        "shore_power": {
            "kwh": kwh,
            "kwh_metered": kwh_metered,
            "kwh_modelled": kwh_modelled,
            "kwh_modelled_used": kwh_modelled_used,
            "kwh_basis": _kwh_basis(kwh_metered, kwh_modelled_used),
            "connected_h": float(totals["connected_h"] or 0.0),
            "avoided_co2_gross_t": gross,
            "grid_co2_t": grid_t,
            "avoided_co2_net_t": gross - grid_t,
            "calls_over_3h_not_connected": int(calls["over_limit_not_connected"].sum() or 0),
        },
    }
    lineage: dict[str, object] = {
        "method": {"name": METHOD_NAME, "version": METHOD_VERSION, "option": opts.method},
        "inputs_sha256": input_hashes,
        "registry_sha256": input_hashes.get("ships") or (_frame_hash(registry) if registry is not None else None),
        "tables": tables.ref,
        "parameters": opts.as_dict(),
        "engine": engine,
        "grid_factor": {
            "region_asked": lookup.region_asked,
            "year_asked": lookup.year_asked,
            "region": lookup.region,
            "year": lookup.year,
            "kgco2_per_kwh": lookup.kgco2_per_kwh,
            "fallbacks": list(lookup.fallbacks),
            "source": lookup.source,
            "factor_set": lookup.factor_set,
        },
        "data_quality": {
            **counts,
            "shore_sessions_unmatched": unmatched,
            "ships_flagged": int((ships["dq_flags"] != "").sum()) if ships.height else 0,
            "shore_kwh_modelled": kwh_modelled,
            "shore_kwh_modelled_used": kwh_modelled_used,
        },
    }
    iv = None
    if intervals:
        iv = pl.concat(intervals, how="vertical_relaxed").with_columns(
            pl.col("mode_code").replace_strict(list(range(5)), list(MODES), return_dtype=pl.String).alias("mode")
        )
        if opts.intervals_path:
            iv.write_parquet(opts.intervals_path)
        if not opts.keep_intervals:
            iv = None
    return ShipInventoryResult(
        summary=summary,
        ship_day_mode=sdm,
        calls=calls,
        zones=zagg,
        grid=grid,
        ships=ships,
        lineage=lineage,
        intervals=iv,
        extra={"grid_lookup": lookup},
    )
