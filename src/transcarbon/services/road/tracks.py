"""Use case: trajectory runs (BeiDou/GPS points → COPERT Tier 3 per vehicle × day, H3 cell and hour) and bus-schedule
runs (GTFS → per route, segment and hour), computed by the road engine, stored as runs with lineage, and read back
for the maps of the road page.

- :func:`compute_trajectories` and :func:`compute_gtfs` run the engine for a face (``transcarbon road
  trajectories`` / ``road gtfs``) without storing, turning the engine's refusals into :class:`RoadFilesRefused`;
  electricity is counted at the grid factor of the city's region and the year asked (with the lookup's
  fallbacks, recorded);
- :func:`record_trajectory_run` and :func:`record_gtfs_run` store a result (kinds ``road_trajectories`` and
  ``road_gtfs``): the fingerprint is SHA-256 over the code and method versions, options, factor-set hashes and
  the input files' hashes, so the same files return the existing run;
- :func:`track_map` and :func:`gtfs_map` give what the maps draw: H3 cells with their boundaries, and route
  segments with their ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import h3
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.engines.road import RoadInputError, TrajectoryOptions, TrajectoryResult, run_trajectories
from transcarbon.engines.road.driver import write_points_layout
from transcarbon.engines.road.gtfs import GtfsResult, run_gtfs
from transcarbon.factors.library import FactorLibrary, GridLookup
from transcarbon.services import audit
from transcarbon.services.big_data import Engine, LayoutWritten, OutInUse, spark_refusals, written
from transcarbon.services.factor_sets import library_refusals
from transcarbon.services.inventory_runs import code_version
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_road import TRACK_MEASURES, RoadTrackResult

TRAJECTORIES = "road_trajectories"
GTFS = "road_gtfs"


class RoadFilesRefused(ValueError):
    """An input file the road engine refused: ``str()`` names the file, row, column and fix (Chinese, English)."""


@dataclass(frozen=True)
class TrackRun:
    run_id: int
    reused: bool
    summary: dict[str, object]


def grid_factor(region: str, year: int | None) -> GridLookup:
    """The grid factor of ``region`` in ``year`` (default: this year), with the library's fallbacks."""
    with library_refusals():
        return FactorLibrary.load().resolve_grid(region, year or date.today().year)


def compute_trajectories(
    points: Path | str,
    vehicles: Path,
    *,
    grid_region: str = "CN-JS",
    grid_year: int | None = None,
    engine: Engine = "polars",
    spark_master: str | None = None,
) -> tuple[TrajectoryResult, GridLookup]:
    """The trajectory result of the two files (``points``: a file or a partitioned layout, :func:`partition_points`),
    not stored, computed by ``engine`` (``polars`` here, ``spark`` on ``spark_master``); :class:`RoadFilesRefused`
    for a bad file, :class:`EngineUnavailable` when Spark cannot run."""
    grid = grid_factor(grid_region, grid_year)
    try:
        if engine == "spark":
            from transcarbon.engines.spark import run_trajectories_spark

            with spark_refusals():
                result = run_trajectories_spark(
                    points, vehicles, TrajectoryOptions(), grid_kgco2_per_kwh=grid.kgco2_per_kwh, master=spark_master
                )
            return result, grid
        return run_trajectories(points, vehicles, TrajectoryOptions(), grid_kgco2_per_kwh=grid.kgco2_per_kwh), grid
    except RoadInputError as exc:
        raise RoadFilesRefused(str(exc)) from exc


def partition_points(points: Path, out: Path, bucket_rows: int = 1_000_000) -> LayoutWritten:
    """Check trajectory points and write them into the partitioned layout under ``out`` (local days × vehicle
    buckets of about ``bucket_rows`` points a day), for either engine. :class:`RoadFilesRefused` for a bad file,
    :class:`OutInUse` when ``out`` is not empty."""
    try:
        return written(write_points_layout(points, out, bucket_rows=bucket_rows))
    except RoadInputError as exc:
        raise RoadFilesRefused(str(exc)) from exc
    except FileExistsError as exc:
        raise OutInUse(str(out)) from exc


def compute_gtfs(
    feed: Path,
    fleet: Path,
    *,
    service_id: str | None = None,
    grid_region: str = "CN-JS",
    grid_year: int | None = None,
) -> tuple[GtfsResult, GridLookup]:
    """The bus-schedule result of a feed and its fleet, not stored; :class:`RoadFilesRefused` for a bad file."""
    grid = grid_factor(grid_region, grid_year)
    try:
        return run_gtfs(feed, fleet, service_id=service_id, grid_kgco2_per_kwh=grid.kgco2_per_kwh), grid
    except RoadInputError as exc:
        raise RoadFilesRefused(str(exc)) from exc


def _grid_record(grid: GridLookup) -> dict[str, object]:
    return {
        "factor_set": grid.factor_set,
        "region_asked": grid.region_asked,
        "year_asked": grid.year_asked,
        "region": grid.region,
        "year": grid.year,
        "kgco2_per_kwh": grid.kgco2_per_kwh,
        "source": grid.source,
        "fallbacks": list(grid.fallbacks),
    }


def _measures(row: dict[str, Any]) -> dict[str, float | None]:
    return {c: (None if row.get(c) is None else float(row[c])) for c in TRACK_MEASURES}


def _record(
    session: Session,
    kind: str,
    lineage: dict[str, object],
    grid: GridLookup,
    files: dict[str, Path],
    rows: list[dict[str, Any]],
    summary: dict[str, object],
    count: int,
    *,
    actor: str,
    started: datetime | None,
) -> TrackRun:
    inputs: dict[str, str] = lineage["inputs"]  # type: ignore[assignment]
    params = {
        "method": lineage["method"],
        "options": {k: v for k, v in lineage.items() if k in ("options", "service_id")},
        "files": {k: p.name for k, p in files.items()},
        "grid_factor": _grid_record(grid),
    }
    factor_sets: dict[str, Any] = dict(lineage["factor_sets"])  # type: ignore[call-overload]
    fingerprint = audit.content_hash([kind, code_version(), lineage["method_version"], params, factor_sets, inputs])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return TrackRun(existing, True, summary)
    run = CalculationRun(
        kind=kind,
        fingerprint=fingerprint,
        method_version=f"{lineage['method']}/{lineage['method_version']}",
        code_version=code_version(),
        parameters={**params, "inputs_sha256": inputs, "engine": lineage.get("engine")},
        factor_sets=factor_sets,
        fallbacks=[{"grid": list(grid.fallbacks)}] if grid.fallbacks else [],
        input_hash=audit.content_hash(inputs),
        input_count=count,
        actor=actor,
        started_at=started or datetime.now(UTC),
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    session.execute(insert(RoadTrackResult), [{**r, "run_id": run.id} for r in rows])
    total: dict[str, object] = summary["total"]  # type: ignore[assignment]
    audit.append(
        session,
        actor=actor,
        action=f"{kind}.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "total": total},
        details={"inputs_sha256": inputs, "method": lineage["method"]},
    )
    return TrackRun(run.id, False, summary)


def record_trajectory_run(
    session: Session,
    result: TrajectoryResult,
    grid: GridLookup,
    files: dict[str, Path],
    *,
    actor: str,
    started: datetime | None = None,
) -> TrackRun:
    """Store a trajectory result as a run of kind ``road_trajectories`` (or return the run with its fingerprint):
    rows ``total``, ``vehicle_day`` (``vehicle|date``), ``cell`` (H3 id; centre in ``extra``) and ``hour``
    (local ``YYYY-MM-DDTHH``)."""
    total: dict[str, Any] = result.summary["total"]  # type: ignore[assignment]
    idle = float(result.vehicle_day["idle_hours"].sum()) if result.vehicle_day.height else 0.0
    by_vehicle: dict[str, Any] = result.summary["by_vehicle"]  # type: ignore[assignment]
    rows: list[dict[str, Any]] = [
        {
            "grain": "total",
            "key": "all",
            **_measures({**total, "idle_hours": idle}),
            "extra": {"vehicles": len(by_vehicle)},
        }
    ]
    for r in result.vehicle_day.iter_rows(named=True):
        rows.append({"grain": "vehicle_day", "key": f"{r['vehicle_id']}|{r['date']}", **_measures(r), "extra": {}})
    for r in result.cells.iter_rows(named=True):
        lat, lon = h3.cell_to_latlng(r["h3_cell"])
        rows.append({"grain": "cell", "key": r["h3_cell"], **_measures(r), "extra": {"lon": lon, "lat": lat}})
    for r in result.hours.iter_rows(named=True):
        rows.append({"grain": "hour", "key": r["local_hour"].strftime("%Y-%m-%dT%H"), **_measures(r), "extra": {}})
    points = int(result.quality["points"].sum()) if result.quality.height else 0
    return _record(
        session, TRAJECTORIES, result.lineage, grid, files, rows, result.summary, points, actor=actor, started=started
    )


def record_gtfs_run(
    session: Session,
    result: GtfsResult,
    grid: GridLookup,
    files: dict[str, Path],
    *,
    actor: str,
    started: datetime | None = None,
) -> TrackRun:
    """Store a GTFS result as a run of kind ``road_gtfs``: rows ``total``, ``route``, ``segment``
    (``route|from|to``; ends and trips in ``extra``), ``hour`` (``HH``) and ``route_hour`` (``route|HH``)."""
    total: dict[str, Any] = result.summary["total"]  # type: ignore[assignment]
    idle = float(result.routes["idle_hours"].sum()) if result.routes.height else 0.0
    rows: list[dict[str, Any]] = [
        {
            "grain": "total",
            "key": "all",
            **_measures({**total, "idle_hours": idle}),
            "extra": {"trips": result.summary["trips"]},
        }
    ]
    for r in result.routes.iter_rows(named=True):
        rows.append({"grain": "route", "key": r["route_id"], **_measures(r), "extra": {"trips": r["trips"]}})
    for r in result.segments.iter_rows(named=True):
        ends = {k: r[k] for k in ("lon0", "lat0", "lon1", "lat1")}
        key = f"{r['route_id']}|{r['from_stop']}|{r['to_stop']}"
        rows.append({"grain": "segment", "key": key, **_measures(r), "extra": {**ends, "trips": r["trips"]}})
    for r in result.hours.iter_rows(named=True):
        rows.append({"grain": "hour", "key": f"{r['hour']:02d}", **_measures(r), "extra": {}})
    for r in result.route_hours.iter_rows(named=True):
        rows.append({"grain": "route_hour", "key": f"{r['route_id']}|{r['hour']:02d}", **_measures(r), "extra": {}})
    trips = int(str(result.summary["trips"]))
    return _record(
        session, GTFS, result.lineage, grid, files, rows, result.summary, trips, actor=actor, started=started
    )


def latest_track_run(session: Session, kind: str) -> int | None:
    """The newest run of ``kind`` (``road_trajectories`` or ``road_gtfs``), if any."""
    return session.scalars(
        select(CalculationRun.id).where(CalculationRun.kind == kind).order_by(CalculationRun.id.desc())
    ).first()


def track_rows(session: Session, run_id: int, grain: str) -> list[dict[str, Any]]:
    """The stored rows of one grain of a trajectory or GTFS run (``result_id``, ``key``, measures, ``extra``)."""
    rows = session.scalars(
        select(RoadTrackResult)
        .where(RoadTrackResult.run_id == run_id, RoadTrackResult.grain == grain)
        .order_by(RoadTrackResult.key)
    ).all()
    return [
        {"result_id": r.id, "key": r.key, **{c: getattr(r, c) for c in TRACK_MEASURES}, "extra": r.extra} for r in rows
    ]


def track_map(session: Session, run_id: int) -> list[dict[str, Any]]:
    """The H3 cells of a trajectory run with their boundary (lon, lat lists, closed) and measures."""
    out = []
    for r in track_rows(session, run_id, "cell"):
        boundary = h3.cell_to_boundary(r["key"])
        lats = [p[0] for p in boundary] + [boundary[0][0]]
        lons = [p[1] for p in boundary] + [boundary[0][1]]
        out.append({**r, "lons": lons, "lats": lats})
    return out


def run_summary(session: Session, run_id: int) -> dict[str, Any]:
    """A stored run's kind, method, inputs, parameters and times, for a page or the API."""
    run = session.get(CalculationRun, run_id)
    if run is None:
        raise LookupError(f"no run with id {run_id}")
    return {
        "run_id": run.id,
        "kind": run.kind,
        "method_version": run.method_version,
        "code_version": run.code_version,
        "parameters": run.parameters,
        "factor_sets": run.factor_sets,
        "fallbacks": run.fallbacks,
        "input_hash": run.input_hash,
        "input_count": run.input_count,
        "actor": run.actor,
        "finished_at": run.finished_at.isoformat(),
    }


def gtfs_map(session: Session, run_id: int) -> list[dict[str, Any]]:
    """The segments of a GTFS run with their ends (``lon0, lat0, lon1, lat1`` in ``extra``), trips and measures."""
    return [{**r, "route_id": r["key"].split("|")[0]} for r in track_rows(session, run_id, "segment")]
