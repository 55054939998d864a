"""Stored trajectory and GTFS runs of the demo: grains add up to the total, cells carry H3 boundaries, segments
their ends, and recording the same files again returns the same run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from transcarbon.demo.road_tracks import write_gtfs, write_trajectories
from transcarbon.services.road.tracks import (
    GTFS,
    TRAJECTORIES,
    RoadFilesRefused,
    compute_gtfs,
    compute_trajectories,
    gtfs_map,
    latest_track_run,
    record_trajectory_run,
    track_map,
    track_rows,
)
from transcarbon.store import db


@pytest.fixture(scope="module")
def session(demo_db_url: str) -> Iterator[Session]:
    engine = db.make_engine(demo_db_url)
    with db.session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_trajectory_grains_add_up(session: Session) -> None:
    run = latest_track_run(session, TRAJECTORIES)
    assert run is not None
    (total,) = track_rows(session, run, "total")
    for grain in ("vehicle_day", "cell", "hour"):
        rows = track_rows(session, run, grain)
        for m in ("distance_km", "co2_t", "nox_kg", "idle_hours"):
            assert sum(r[m] or 0.0 for r in rows) == pytest.approx(total[m], rel=1e-9), (grain, m)
    cells = track_map(session, run)
    assert cells and all(len(c["lons"]) == 7 and c["lons"][0] == c["lons"][-1] for c in cells)
    assert total["extra"]["vehicles"] == 42


def test_gtfs_grains_add_up_and_segments_have_ends(session: Session) -> None:
    run = latest_track_run(session, GTFS)
    assert run is not None
    (total,) = track_rows(session, run, "total")
    for grain in ("route", "segment", "hour", "route_hour"):
        rows = track_rows(session, run, grain)
        assert sum(r["co2_t"] for r in rows) == pytest.approx(total["co2_t"], rel=1e-9), grain
    segs = gtfs_map(session, run)
    assert {s["route_id"] for s in segs} == {"B1", "B2", "B3", "B4"}
    assert all({"lon0", "lat0", "lon1", "lat1", "trips"} <= set(s["extra"]) for s in segs)


def test_same_files_same_run_and_bad_files_refused(session: Session, tmp_path: Path) -> None:
    points, vehicles = write_trajectories(tmp_path)
    result, grid = compute_trajectories(points, vehicles, grid_year=2024)
    session.rollback()
    with session.begin():
        again = record_trajectory_run(session, result, grid, {"points": points, "vehicles": vehicles}, actor="t")
    assert again.reused and again.run_id == latest_track_run(session, TRAJECTORIES)
    feed, fleet = write_gtfs(tmp_path)
    fleet.write_text("route_id,share,category,fuel,segment,euro_standard,technology\nB1,1,Buses,D,Nope,VI,\n")
    with pytest.raises(RoadFilesRefused, match=r"gtfs_fleet\.csv"):
        compute_gtfs(feed, fleet)
