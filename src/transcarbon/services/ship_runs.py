"""Use case: run the AIS ship inventory and store its aggregates as a calculation run with lineage.

The engine (:func:`transcarbon.engines.ships.run_ais_inventory`) computes; this service records the run
(kind ``ships``): the fingerprint is SHA-256 over the method and code versions, the options, the ship
tables' hashes and the input files' hashes, so the same files and options return the existing run.
Aggregates are stored per grain (:mod:`transcarbon.store.models_ships`), and the lineage of any of
them lists the input files with their hashes, the tables and factor sets with versions and hashes,
the grid factor with its source and fallbacks, and the data-quality counts.

:func:`compute_ship_inventory` is the engine call for faces (``transcarbon ships inventory``): it computes
without storing, and turns the engine's refusals into :class:`ShipFilesRefused` and
:class:`~transcarbon.services.factor_sets.FactorUnavailable`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import DEFAULT_CITY, load_city
from transcarbon.engines.ships import InventoryOptions, ShipInputError, ShipInventoryResult, run_ais_inventory
from transcarbon.engines.ships.partitioning import BUCKET_ROWS, write_ais_layout
from transcarbon.services import audit
from transcarbon.services.big_data import (
    Engine,
    LayoutWritten,
    OutInUse,
    spark_refusals,
    written,
)
from transcarbon.services.factor_sets import library_refusals
from transcarbon.services.inventory_runs import code_version
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_ships import SHIP_MEASURES, SHORE_MEASURES, ShipResult
from transcarbon.store.models_shore_power import ShipBerthStay, ShipCell, ShipRunShip

FORMULA = [
    "W_ME [kW] = f · MCR · (T/T_design)^0.66 · (V/V_ref)^3 / (η_w · η_f)   (IMO4; EPA option: load = (V/V_max)^3)",
    "SFOC(L) [g/kWh] = SFOC_base · (0.455 L² − 0.710 L + 1.280)   (main engines)",
    "fuel [t] = Σ P [kW] · SFOC [g/kWh] · Δt [h] / 10^6;  CO2 [t] = fuel · Cf",
    "other pollutants [t] = Σ P · EF [g/kWh] · LLAF(L) · Δt / 10^6   (LLAF below 20 % load, never on CO2)",
    "shore power: avoided gross = displaced auxiliary (and, if set, boiler) fuel × Cf; "
    "kWh = metered where the session was metered, else modelled = (W_AE (+ W_AB)) × connected h; "
    "grid CO2 = kWh × grid factor / 1000; net = gross − grid",
]


class ShipFilesRefused(ValueError):
    """An input file the ship engine refused: ``str()`` names the file, row, column and fix (Chinese, English)."""


@dataclass(frozen=True)
class ShipRun:
    run_id: int
    reused: bool
    summary: dict[str, object]


def _rows(run_id: int, grain: str, frame: pl.DataFrame, key: pl.Expr, *, shore: bool) -> list[dict[str, Any]]:
    if frame.is_empty():
        return []
    extra_cols = [
        c for c in ("hours", "distance_nm", "berth_h", "berth_id", "over_limit_not_connected") if c in frame.columns
    ]
    cols = [key.alias("key"), *[pl.col(c).cast(pl.Float64) for c in SHIP_MEASURES]]
    if shore:
        cols += [
            pl.col("shore_kwh"),
            pl.col("shore_kwh_metered"),
            pl.col("shore_kwh_modelled"),
            pl.col("connected_h"),
            pl.col("avoided_co2_t").alias("avoided_co2_gross_t"),
        ]
        if "grid_co2_t" in frame.columns:
            cols += [pl.col("grid_co2_t"), pl.col("avoided_co2_net_t")]
    when = "arrival" if "arrival" in frame.columns else "day" if "day" in frame.columns else None
    if when:
        cols += [pl.col(when).dt.year().alias("year"), pl.col(when).dt.month().alias("month")]
    out = frame.select(*cols, pl.struct(extra_cols).alias("extra") if extra_cols else pl.lit(None).alias("extra"))
    return [{**r, "run_id": run_id, "grain": grain, "extra": r["extra"] or {}} for r in out.to_dicts()]


def _store(session: Session, run_id: int, res: ShipInventoryResult) -> None:
    summary = res.summary
    total: dict[str, float] = summary["total"]  # type: ignore[assignment]
    shore: dict[str, float] = summary["shore_power"]  # type: ignore[assignment]
    rows: list[dict[str, Any]] = [
        {
            "run_id": run_id,
            "grain": "total",
            "key": "all",
            **total,
            "shore_kwh": shore["kwh"],
            "shore_kwh_metered": shore["kwh_metered"],
            "shore_kwh_modelled": shore["kwh_modelled"],
            "connected_h": shore["connected_h"],
            "avoided_co2_gross_t": shore["avoided_co2_gross_t"],
            "grid_co2_t": shore["grid_co2_t"],
            "avoided_co2_net_t": shore["avoided_co2_net_t"],
            "extra": {k: summary[k] for k in ("ships", "positions", "interpolated_h", "excluded_h")}
            | {
                "calls_over_3h_not_connected": shore["calls_over_3h_not_connected"],
                "shore_kwh_basis": shore["kwh_basis"],
                "shore_kwh_modelled_used": shore["kwh_modelled_used"],
            },
        }
    ]
    by_mode: dict[str, dict[str, float]] = summary["by_mode"]  # type: ignore[assignment]
    rows += [
        {"run_id": run_id, "grain": "mode", "key": mode, **values, "extra": {}} for mode, values in by_mode.items()
    ]
    rows += _rows(run_id, "zone", res.zones, pl.col("zone_id"), shore=True)
    rows += _rows(
        run_id,
        "call",
        res.calls,
        pl.format("{}|{}", "mmsi", pl.col("arrival").dt.to_string("%Y-%m-%dT%H:%M:%SZ")),
        shore=True,
    )
    rows += _rows(
        run_id,
        "ship_day_mode",
        res.ship_day_mode,
        pl.format("{}|{}|{}", "mmsi", pl.col("day").cast(pl.String), "mode"),
        shore=True,
    )
    session.execute(insert(ShipResult), rows)
    _store_map_and_stays(session, run_id, res)


def _store_map_and_stays(session: Session, run_id: int, res: ShipInventoryResult) -> None:
    """The run's map grid, the ships it saw (register name, type, receiving equipment) and its berth stays."""
    if "lat" in res.grid.columns and res.grid.height:
        cells = res.grid.select("cell", "lat", "lon", "co2_t", "nox_t", "pm25_t", "hours")
        session.execute(insert(ShipCell), [{"run_id": run_id, **r} for r in cells.to_dicts()])
    if res.ships.height:
        ships = res.ships.select(
            "mmsi",
            pl.col("name").cast(pl.String) if "name" in res.ships.columns else pl.lit(None, pl.String).alias("name"),
            pl.col("ship_type").cast(pl.String),
            pl.col("shore_power_capable").fill_null(False),
        )
        session.execute(insert(ShipRunShip), [{"run_id": run_id, **r} for r in ships.to_dicts()])
    if res.calls.height:
        stays = res.calls.select(
            "mmsi",
            "berth_id",
            "arrival",
            "departure",
            "berth_h",
            pl.col("has_shore_power").fill_null(False).alias("berth_has_shore_power"),
            pl.col("connected_h").fill_null(0.0),
            "co2_t",
        )
        session.execute(insert(ShipBerthStay), [{"run_id": run_id, **r} for r in stays.to_dicts()])


def city_zones(city: str = DEFAULT_CITY) -> Path | None:
    """The city's port zones GeoJSON (``zones_file`` in its YAML, beside it), if it has one."""
    return load_city(city).zones_path


def zones_or_default(zones: Path | None, city: str = DEFAULT_CITY) -> Path | None:
    """The zones file asked for, else the city's default zones (without zones no point is at a berth, so berth
    emissions and shore power would silently drop to 0); None only for a city without a port."""
    return zones if zones is not None else city_zones(city)


def record_ship_run(
    session: Session,
    res: ShipInventoryResult,
    files: dict[str, Path | None],
    *,
    actor: str,
    started: datetime | None = None,
) -> ShipRun:
    """Store a computed inventory as a run of kind ``ships`` (or return the run with its fingerprint).

    ``files``: the input paths by role (ais, ships, zones, shore_power) as given to the engine.
    """
    lin = res.lineage
    grid: dict[str, Any] = lin["grid_factor"]  # type: ignore[assignment]
    factor_sets = {"ship_tables": lin["tables"], "grid": {"name": grid["factor_set"]}}
    input_hashes: dict[str, str] = lin["inputs_sha256"]  # type: ignore[assignment]
    params = {
        "method": lin["method"],
        "options": lin["parameters"],
        "files": {k: Path(v).name for k, v in files.items() if v},
    }
    fingerprint = audit.content_hash(["ships", code_version(), params, factor_sets, input_hashes])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return ShipRun(existing, True, res.summary)
    method: dict[str, str] = lin["method"]  # type: ignore[assignment]
    recorded = {
        **params,
        "inputs_sha256": input_hashes,
        "registry_sha256": lin["registry_sha256"],
        "grid_factor": grid,
        "data_quality": lin["data_quality"],
        "engine": lin.get("engine"),
    }
    run = CalculationRun(
        kind="ships",
        fingerprint=fingerprint,
        method_version=f"{method['name']}/{method['version']}",
        code_version=code_version(),
        parameters=recorded,
        factor_sets=factor_sets,
        fallbacks=[{"grid": grid}] if grid["fallbacks"] else [],
        input_hash=audit.content_hash(input_hashes),
        input_count=int(str(res.summary["positions"])),
        actor=actor,
        started_at=started or datetime.now(UTC),
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    _store(session, run.id, res)
    audit.append(
        session,
        actor=actor,
        action="ships.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "total": res.summary["total"]},
        details={"inputs_sha256": input_hashes, "method": lin["method"]},
    )
    return ShipRun(run.id, False, res.summary)


def compute_ship_inventory(
    ais: Path | str,
    ships: Path | None,
    zones: Path | None,
    shore_power: Path | None,
    *,
    method: Literal["imo4", "epa"] = "imo4",
    grid_region: str = "CN-JS",
    grid_year: int | None = None,
    boilers_on_shore_power: bool = False,
    gap_limit_h: float = 2.0,
    intervals_path: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Engine = "polars",
    spark_master: str | None = None,
) -> ShipInventoryResult:
    """The ship inventory of the given files, computed and not stored (record it with :func:`record_ship_run`).

    ``ais``: a file or a partitioned layout (:func:`partition_ais`). ``engine``: ``polars`` on this machine or
    ``spark`` on ``spark_master``. ``progress(done, total)`` is called per partition. Raises
    :class:`ShipFilesRefused` for a bad input file, :class:`FactorUnavailable` for a grid region or grid factor
    the library does not have, and :class:`EngineUnavailable` when Spark cannot run.
    """
    options = InventoryOptions(
        method=method,
        grid_region=grid_region,
        grid_year=grid_year,
        boilers_on_shore_power=boilers_on_shore_power,
        gap_limit_h=gap_limit_h,
        intervals_path=intervals_path,
    )
    try:
        with library_refusals():
            if engine == "spark":
                from transcarbon.engines.spark import run_ais_inventory_spark

                with spark_refusals():
                    return run_ais_inventory_spark(
                        ais, ships, zones, shore_power, options, master=spark_master, progress=progress
                    )
            return run_ais_inventory(ais, ships, zones, shore_power, options, progress=progress)
    except ShipInputError as exc:
        raise ShipFilesRefused(str(exc)) from exc


def partition_ais(ais: Path, out: Path, bucket_rows: int = BUCKET_ROWS) -> LayoutWritten:
    """Write an AIS file into the partitioned layout under ``out`` (UTC days × MMSI buckets of about
    ``bucket_rows`` fixes), for either engine. Raises :class:`ShipFilesRefused` for a bad file and
    :class:`OutInUse` when ``out`` is not empty."""
    try:
        return written(write_ais_layout(ais, out, bucket_rows))
    except ShipInputError as exc:
        raise ShipFilesRefused(str(exc)) from exc
    except FileExistsError as exc:
        raise OutInUse(str(out)) from exc


def run_ship_inventory(
    session: Session,
    ais: Path,
    ships: Path | None,
    zones: Path | None,
    shore_power: Path | None,
    options: InventoryOptions | None = None,
    *,
    actor: str,
) -> ShipRun:
    """Compute the ship inventory of the given files and record it, in the caller's transaction."""
    started = datetime.now(UTC)
    res = run_ais_inventory(ais, ships, zones, shore_power, options or InventoryOptions())
    files = {"ais": ais, "ships": ships, "zones": zones, "shore_power": shore_power}
    return record_ship_run(session, res, files, actor=actor, started=started)


def _modelled_used(row: ShipResult) -> float | None:
    """kWh of the grid term that are modelled (sessions without a meter reading): ``shore_kwh`` − metered."""
    if row.shore_kwh is None or row.shore_kwh_metered is None:
        return None
    return row.shore_kwh - row.shore_kwh_metered


def ship_lineage(session: Session, ship_result_id: int) -> dict[str, object]:
    """Derivation of a stored ship aggregate: its run, input files with hashes, tables, grid factor."""
    from transcarbon.services.lineage import LineageNotFound

    row = session.get(ShipResult, ship_result_id)
    if row is None:
        raise LineageNotFound(f"no ship result with id {ship_result_id}")
    run = session.get(CalculationRun, row.run_id)
    assert run is not None  # foreign key
    return {
        "result": {
            "id": row.id,
            "run_id": row.run_id,
            "grain": row.grain,
            "key": row.key,
            **{m: getattr(row, m) for m in (*SHIP_MEASURES, *SHORE_MEASURES)},
            "shore_kwh_modelled_used": _modelled_used(row),
            "extra": row.extra,
        },
        "run": {
            "id": run.id,
            "kind": run.kind,
            "method_version": run.method_version,
            "code_version": run.code_version,
            "parameters": run.parameters,
            "factor_sets": run.factor_sets,
            "fallbacks": run.fallbacks,
            "input_hash": run.input_hash,
            "positions": run.input_count,
            "actor": run.actor,
            "finished_at": run.finished_at.isoformat(),
        },
        "formula": FORMULA,
    }
