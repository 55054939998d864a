"""Build the synthetic Lianyungang demo database through the services: organisations, the reports filed through
the workflow (activity and every other report type, the vehicle register among them, :mod:`.report_submissions`),
every year's inventory run, a ship-emission run over a synthetic month of AIS (:mod:`.ais`), every year's
bottom-up road inventory, a trajectory run and a bus-schedule run over a synthetic day (:mod:`.road_tracks`), and the
saved runs of the city's baseline and policy scenarios, calibrated on all that; and a month of green-trip credits
(:mod:`.credits`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import polars as pl
from sqlalchemy.orm import Session

from transcarbon.city.config import load_city
from transcarbon.city.reports import load_report_types
from transcarbon.demo.ais import write_synthetic_ais
from transcarbon.demo.credits import build_credits_demo
from transcarbon.demo.generator import generate
from transcarbon.demo.report_submissions import load_demo_reports, report_frames
from transcarbon.demo.road_tracks import write_gtfs, write_trajectories
from transcarbon.demo.shore_power_records import record_demo_shore_power
from transcarbon.services.accounting import AccountingOptions
from transcarbon.services.activity_csv import NUMERIC
from transcarbon.services.inventory_runs import run_inventory
from transcarbon.services.organisations import import_organisations
from transcarbon.services.platform_meta import is_demo, is_empty, mark_demo
from transcarbon.services.records import has_batch
from transcarbon.services.road.inventory import run_road_inventory
from transcarbon.services.road.tracks import compute_gtfs, compute_trajectories, record_gtfs_run, record_trajectory_run
from transcarbon.services.scenarios.saved import run_and_store
from transcarbon.services.ship_runs import city_zones, run_ship_inventory

T = TypeVar("T")
DEMO_SCENARIOS = ("baseline", "policy")
"""The city's scenarios the demo runs and saves (the policy one answers the plan's 2030 questions)."""


def demo_present(session: Session) -> bool:
    """True when the database was created as the demo and holds the demo data set (its import batch)."""
    return is_demo(session) and has_batch(session, "demo")


def build_demo(
    session: Session,
    *,
    actor: str,
    seed: int = 20200101,
    options: AccountingOptions | None = None,
    data_dir: Path | None = None,
    progress: Callable[[str], None] = lambda _msg: None,
) -> list[int]:
    """Load the demo data set, compute every year's inventory and the AIS ship run; return the run ids.

    Organisations go in first; then every report (the monthly energy and activity of each enterprise, vehicle
    additions, shore power, port throughput, public transport, milestone evidence, the registers) through the
    workflow as submissions uploaded, submitted and approved by the demo's people (:mod:`.workflow`), their raw
    CSV kept under ``data_dir`` when given; a synthetic month of AIS (May 2024)
    becomes a ship-emission run; the city's baseline and policy scenarios are run and saved, calibrated on all
    that. Marks the database as the demo; refuses a database that holds the demo already or anything else (only
    an empty database becomes the demo).
    """
    if demo_present(session):
        raise RuntimeError("the demo data set is already loaded in this database")
    if not is_demo(session) and not is_empty(session):
        raise RuntimeError("the demo is built only into an empty database, never into one that holds other data")
    mark_demo(session)
    progress("generate")
    data = generate(seed)
    orgs = data.organisations.select(
        "org_id", "name_zh", "name_en", "kind", "sector", "district", pl.lit(True).alias("synthetic")
    ).rename({"org_id": "id"})
    import_organisations(session, orgs, actor=actor, source="demo")
    progress("reports")
    activity = data.activity.with_columns(pl.col(c).cast(pl.Float64) for c in NUMERIC)
    load_demo_reports(session, {"energy_activity": activity, **report_frames(data)}, actor, data_dir=data_dir)
    years = sorted(activity["period"].str.slice(0, 4).cast(pl.Int64).unique().to_list())
    runs = []
    for year in years:
        progress(f"inventory {year}")
        runs.append(run_inventory(session, year, options or AccountingOptions(), actor=actor).run_id)
    progress("AIS")
    runs.append(_demo_ship_run(session, actor, data_dir))
    city, catalog = load_city(), load_report_types()
    record_demo_shore_power(session, city, actor=actor)
    for year in years:
        progress(f"road {year}")
        runs.append(run_road_inventory(session, year, city, catalog, actor=actor).run_id)
    progress("road tracks")
    runs += _in_folder(data_dir, "road", lambda folder: _road_track_runs(session, actor, folder))
    progress("scenarios")
    runs += [run_and_store(session, city, actor=actor, scenario=s).run_id for s in DEMO_SCENARIOS]
    progress("green-trip credits")
    build_credits_demo(session, city, actor=actor)
    return runs


def _in_folder(data_dir: Path | None, name: str, use: Callable[[Path], T]) -> T:
    """``use`` a folder for generated input files: ``<data_dir>/demo/<name>`` (the runs record their hashes), or
    without a data directory a temporary folder for the run only."""
    if data_dir is None:
        with tempfile.TemporaryDirectory(prefix=f"transcarbon-demo-{name}-") as tmp:
            return use(Path(tmp))
    folder = data_dir / "demo" / name
    folder.mkdir(parents=True, exist_ok=True)
    return use(folder)


def _demo_ship_run(session: Session, actor: str, data_dir: Path | None) -> int:
    """A synthetic month of AIS for the port, its registry and shore-power sessions, as a ship run."""
    return _in_folder(data_dir, "ais", lambda folder: _ship_run_from(session, actor, folder))


def _road_track_runs(session: Session, actor: str, folder: Path) -> list[int]:
    """A synthetic day of truck and bus trajectories and a small GTFS feed, each as a stored run (grid factor of
    the city's province in the data's year, 2024)."""
    points, vehicles = write_trajectories(folder)
    traj, grid = compute_trajectories(points, vehicles, grid_year=2024)
    feed, fleet = write_gtfs(folder)
    gtfs, grid_g = compute_gtfs(feed, fleet, grid_year=2024)
    return [
        record_trajectory_run(session, traj, grid, {"points": points, "vehicles": vehicles}, actor=actor).run_id,
        record_gtfs_run(session, gtfs, grid_g, {"feed": feed, "fleet": fleet}, actor=actor).run_id,
    ]


def _ship_run_from(session: Session, actor: str, folder: Path) -> int:
    files = write_synthetic_ais(folder)
    return run_ship_inventory(
        session, files["ais"], files["ships"], city_zones(), files["shore_power"], actor=actor
    ).run_id
