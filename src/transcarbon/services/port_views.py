"""What the port page (港口船舶) shows of a stored ship run: totals, emissions by operating mode, ship type, zone and
port call, the shore-power sessions (metered and modelled kWh, gross, grid and net avoided CO2), the map grid and
the zones to draw it on. Read-only; the figures are those :mod:`transcarbon.services.ship_runs` stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.store.models import CalculationRun
from transcarbon.store.models_ships import SHIP_MEASURES, SHORE_MEASURES, ShipResult
from transcarbon.store.models_shore_power import ShipCell, ShipRunShip

_MEASURES = (*SHIP_MEASURES, *SHORE_MEASURES)


def ship_runs(session: Session) -> list[dict[str, Any]]:
    """The stored ship runs, newest first: id, when, who, positions."""
    q = select(CalculationRun).where(CalculationRun.kind == "ships").order_by(CalculationRun.id.desc())
    return [
        {"id": r.id, "finished_at": r.finished_at, "actor": r.actor, "positions": r.input_count}
        for r in session.scalars(q)
    ]


def _rows(session: Session, run_id: int, grain: str) -> list[dict[str, Any]]:
    q = select(ShipResult).where(ShipResult.run_id == run_id, ShipResult.grain == grain)
    return [
        {"id": r.id, "key": r.key, "year": r.year, "month": r.month, "extra": r.extra}
        | {m: getattr(r, m) for m in _MEASURES}
        for r in session.scalars(q)
    ]


def _ships(session: Session, run_id: int) -> pl.DataFrame:
    rows = session.execute(
        select(ShipRunShip.mmsi, ShipRunShip.name, ShipRunShip.ship_type, ShipRunShip.shore_power_capable).where(
            ShipRunShip.run_id == run_id
        )
    ).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"mmsi": pl.Int64, "name": pl.String, "ship_type": pl.String, "shore_power_capable": pl.Boolean},
        orient="row",
    )


def port_summary(session: Session, run_id: int) -> dict[str, Any] | None:
    """A ship run as the port page shows it (None: no such run)."""
    run = session.get(CalculationRun, run_id)
    if run is None or run.kind != "ships":
        return None
    total = _rows(session, run_id, "total")
    ships = _ships(session, run_id)
    sdm = _rows(session, run_id, "ship_day_mode")
    by_type: list[dict[str, Any]] = []
    if sdm:
        frame = pl.DataFrame(
            [{"key": r["key"], "co2_t": r["co2_t"], "nox_t": r["nox_t"], "fuel_t": r["fuel_t"]} for r in sdm]
        )
        frame = frame.with_columns(pl.col("key").str.split("|").list.first().cast(pl.Int64).alias("mmsi"))
        by_type = (
            frame.join(ships, on="mmsi", how="left")
            .group_by(pl.col("ship_type").fill_null("unknown"))
            .agg(pl.col("fuel_t", "co2_t", "nox_t").sum(), pl.col("mmsi").n_unique().alias("ships"))
            .sort("co2_t", descending=True)
            .to_dicts()
        )
    names = dict(zip(ships["mmsi"].to_list(), ships["name"].to_list(), strict=True))
    calls = []
    for r in _rows(session, run_id, "call"):
        mmsi, arrival = r["key"].split("|", 1)
        calls.append(
            {
                **r,
                "mmsi": int(mmsi),
                "arrival": arrival,
                "ship_name": names.get(int(mmsi)) or mmsi,
                "berth_id": (r["extra"] or {}).get("berth_id"),
                "berth_h": (r["extra"] or {}).get("berth_h"),
            }
        )
    calls.sort(key=lambda c: -(c["co2_t"] or 0.0))
    sessions = sorted((c for c in calls if (c["connected_h"] or 0) > 0), key=lambda c: c["arrival"])
    cells = session.execute(
        select(ShipCell.cell, ShipCell.lat, ShipCell.lon, ShipCell.co2_t, ShipCell.nox_t, ShipCell.hours).where(
            ShipCell.run_id == run_id
        )
    ).all()
    days = sorted({r["key"].split("|")[1] for r in sdm})
    return {
        "run": {
            "id": run.id,
            "finished_at": run.finished_at,
            "actor": run.actor,
            "positions": run.input_count,
            "method": run.method_version,
            "first_day": days[0] if days else None,
            "last_day": days[-1] if days else None,
            "grid_factor": (run.parameters or {}).get("grid_factor"),
        },
        "total": total[0] if total else None,
        "by_mode": _rows(session, run_id, "mode"),
        "by_type": by_type,
        "zones": sorted(_rows(session, run_id, "zone"), key=lambda z: -(z["co2_t"] or 0.0)),
        "calls": calls,
        "sessions": sessions,
        "cells": [dict(r._mapping) for r in cells],
        "ships": ships.height,
    }


def zones_geojson(path: Path | None) -> dict[str, Any] | None:
    """The city's zones file as parsed GeoJSON (None: the city has no zones)."""
    if path is None:
        return None
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return doc
