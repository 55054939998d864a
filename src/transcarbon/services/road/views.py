"""The road transport figures as the faces show them (the road page and the road API): a year's bottom-up inventory
by vehicle class, China stage × powertrain, district, energy carrier and factor method, the run's lineage (inputs,
factor sets, grid factor, kilometre bases, lines without a factor), and the latest trajectory and GTFS runs with
what their maps draw. Numbers come from stored runs only; nothing is computed here.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.services.road.inventory import latest_road_run, road_frame, road_totals, road_years
from transcarbon.services.road.tracks import (
    GTFS,
    TRAJECTORIES,
    gtfs_map,
    latest_track_run,
    run_summary,
    track_map,
    track_rows,
)
from transcarbon.store.models import Submission
from transcarbon.store.models_road import ROAD_MEASURES

__all__ = ["road_summary", "road_years", "tracks_overview"]

_CO2 = pl.col("co2_t").fill_null(0.0) + pl.col("co2_electricity_t").fill_null(0.0)


def _sums(frame: pl.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Sums of every measure per ``keys`` (a pollutant over the lines that have a factor for it), with
    ``vehicles_without_factor``: the vehicles of lines without a NOx factor (partial pollutant sums)."""
    return (
        frame.group_by(keys)
        .agg(
            *[pl.col(c).sum() for c in ROAD_MEASURES],
            _CO2.sum().alias("co2_all_t"),
            pl.col("vehicles").filter(pl.col("nox_kg").is_null()).sum().alias("vehicles_without_factor"),
        )
        .sort("co2_all_t", descending=True)
        .to_dicts()
    )


def _inputs(session: Session, inputs: dict[str, list[Any]]) -> list[dict[str, Any]]:
    ids = sorted({int(i[0]) if isinstance(i, list) else int(i) for rows in inputs.values() for i in rows})
    subs = (
        session.scalars(select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)).all() if ids else []
    )
    return [
        {
            "submission_id": s.id,
            "report_type": s.report_type,
            "org_id": s.org_id,
            "period": s.period,
            "version": s.version,
            "content_hash": s.content_hash,
            "rows": s.row_count,
        }
        for s in subs
    ]


def road_summary(session: Session, year: int) -> dict[str, Any] | None:
    """The newest bottom-up road run of ``year`` as the faces show it; None when the year has none."""
    run_id = latest_road_run(session, year)
    if run_id is None:
        return None
    frame = road_frame(session, run_id)
    run = run_summary(session, run_id)
    params = run["parameters"]
    stock = frame.group_by("vehicle_class", "stage", "powertrain").agg(pl.col("vehicles").sum())
    return {
        "year": year,
        "run_id": run_id,
        "run": run,
        "inputs": _inputs(session, params.get("inputs", {})),
        "total": road_totals(session, run_id),
        "by_class": _sums(frame, ["vehicle_class"]),
        "by_class_use": _sums(frame, ["vehicle_class", "use"]),
        "by_district": _sums(frame, ["district"]),
        "by_carrier": _sums(frame.with_columns(pl.col("carrier").fill_null("none")), ["carrier"]),
        "by_method": _sums(frame, ["pollutant_method"]),
        "by_km_basis": _sums(frame.with_columns(pl.col("km_basis").fill_null("none")), ["km_basis"]),
        "stage_powertrain": stock.group_by("stage", "powertrain")
        .agg(pl.col("vehicles").sum())
        .sort("stage", "powertrain")
        .to_dicts(),
        "class_powertrain": stock.group_by("vehicle_class", "powertrain")
        .agg(pl.col("vehicles").sum())
        .sort("vehicle_class", "powertrain")
        .to_dicts(),
    }


def tracks_overview(session: Session) -> dict[str, Any]:
    """The latest trajectory and GTFS runs: their lineage, totals, hours, routes, and the map data (H3 cells with
    boundaries; route segments with their ends); a kind without a run is None."""
    out: dict[str, Any] = {}
    traj = latest_track_run(session, TRAJECTORIES)
    out["trajectories"] = (
        None
        if traj is None
        else {
            "run": run_summary(session, traj),
            "total": track_rows(session, traj, "total")[0],
            "hours": track_rows(session, traj, "hour"),
            "vehicles": track_rows(session, traj, "vehicle_day"),
            "cells": track_map(session, traj),
        }
    )
    gtfs = latest_track_run(session, GTFS)
    out["gtfs"] = (
        None
        if gtfs is None
        else {
            "run": run_summary(session, gtfs),
            "total": track_rows(session, gtfs, "total")[0],
            "routes": track_rows(session, gtfs, "route"),
            "hours": track_rows(session, gtfs, "hour"),
            "segments": gtfs_map(session, gtfs),
        }
    )
    return out
