"""Use case: why did transport CO2 change between two years (可分析) — LMDI-I, stored with lineage.

Input: the calculation lines of the latest inventory run of each year, aggregated to year × sector ×
fuel (energy [GJ], CO2 [t], scope 1 + scope 2) with each sector's activity = its converted t·km
(freight t·km + passenger p·km × conversion coefficient). Factors (:mod:`transcarbon.methods.lmdi`):
activity (total converted turnover), structure (sector shares of it: mode structure), energy intensity
(GJ per converted t·km), fuel mix (fuel shares of a sector's energy), emission factor (t CO2 per GJ).
The five effects add up exactly to each sector's and to the total change of the sectors decomposed.

Sectors without turnover (port handling, "other") cannot enter an identity over t·km; their change is
reported apart (``outside``), so that ``decomposed change + outside change = city change``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from transcarbon.methods.finite import NonFiniteInput
from transcarbon.methods.lmdi import EFFECTS, lmdi_decompose, lmdi_totals
from transcarbon.services import audit
from transcarbon.services.inventory_runs import code_version, latest_run_id
from transcarbon.store.models import CalculationLine, CalculationRun
from transcarbon.store.models_evaluation import DecompositionEffect

METHOD_VERSION = "lmdi-i-additive-1"
NO_FUEL = "none"


class DecompositionError(ValueError):
    """The decomposition cannot be made: ``key`` and ``values`` render the catalog message."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


def line_frame(session: Session, run_ids: dict[int, int]) -> pl.DataFrame:
    """Year × sector × fuel energy and CO2 of the runs' lines, with the sector's converted t·km."""
    rows = session.execute(
        select(
            CalculationLine.year,
            CalculationLine.sector,
            CalculationLine.fuel,
            func.sum(CalculationLine.energy_gj),
            func.sum(CalculationLine.co2_t),
            func.sum(CalculationLine.converted_tkm),
        )
        .where(CalculationLine.run_id.in_(list(run_ids.values())))
        .group_by(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel)
    ).all()
    f = pl.DataFrame(
        [tuple(r) for r in rows],
        orient="row",
        schema={
            "year": pl.Int64,
            "sector": pl.String,
            "fuel": pl.String,
            "energy": pl.Float64,
            "co2": pl.Float64,
            "tkm": pl.Float64,
        },
    )
    # a fixed row order, so that the sums below do not depend on the order the database returns the groups in
    f = f.with_columns(pl.col("energy", "co2", "tkm").fill_null(0.0), pl.col("fuel").fill_null(NO_FUEL))
    f = f.sort("year", "sector", "fuel").with_columns(activity=pl.col("tkm").sum().over("year", "sector"))
    # fuel-less rows carry only activity: keep them only where the sector has no fuel row at all
    has_fuel = (pl.col("fuel") != NO_FUEL).any().over("year", "sector")
    f = f.filter((pl.col("fuel") != NO_FUEL) | ~has_fuel).with_columns(
        pl.when(pl.col("fuel") == NO_FUEL).then(0.0).otherwise(pl.col("energy")).alias("energy")
    )
    return f.select("year", "sector", "fuel", "activity", "energy", "co2")


def decompose_frame(frame: pl.DataFrame, year_from: int, year_to: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(effects by decomposed sector, CO2 change of sectors without turnover) from a :func:`line_frame`."""
    no_act = frame.group_by("sector").agg(pl.col("activity").max()).filter(pl.col("activity") <= 0)["sector"]
    inside = frame.filter(~pl.col("sector").is_in(no_act.implode()))
    outside = (
        frame.filter(pl.col("sector").is_in(no_act.implode()))
        .group_by("sector")
        .agg(
            pl.col("co2").filter(pl.col("year") == year_from).sum().alias("co2_from"),
            pl.col("co2").filter(pl.col("year") == year_to).sum().alias("co2_to"),
        )
        .with_columns(delta_co2=pl.col("co2_to") - pl.col("co2_from"))
        .sort("sector")
    )
    # a sector present in one year without turnover in the other is "outside" too (the identity needs t·km)
    return lmdi_decompose(inside, year_from, year_to), outside


@dataclass(frozen=True)
class Decomposition:
    run_id: int
    reused: bool
    payload: dict[str, Any]


def decompose(session: Session, year_from: int, year_to: int, *, actor: str) -> Decomposition:
    """LMDI-I decomposition between two years' inventory runs, stored as a run of kind ``decomposition``."""
    if year_from == year_to:
        raise DecompositionError("eval.decomp.bad_years", year=year_from)
    runs: dict[int, int] = {}
    for y in (year_from, year_to):
        r = latest_run_id(session, y)
        if r is None:
            raise DecompositionError("eval.decomp.no_run", year=y)
        runs[y] = r
    meta = session.execute(
        select(CalculationRun.id, CalculationRun.fingerprint).where(CalculationRun.id.in_(list(runs.values())))
    ).all()
    params = {
        "year_from": year_from,
        "year_to": year_to,
        "activity": "converted_tkm",
        "energy": "energy_gj",
        "co2": "co2_t (scope 1 + scope 2)",
        "inventory_runs": {str(k): v for k, v in runs.items()},
    }
    input_hash = audit.content_hash(sorted([list(m) for m in meta]))
    fingerprint = audit.content_hash(["decomposition", METHOD_VERSION, code_version(), params, input_hash])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return Decomposition(existing, True, decomposition_payload(session, existing))
    started = datetime.now(UTC)
    frame = line_frame(session, runs)
    try:
        by_sector, outside = decompose_frame(frame, year_from, year_to)
    except NonFiniteInput:  # a stored line that is not finite: refused, never stored as a decomposition
        raise DecompositionError("eval.decomp.not_finite", year_from=year_from, year_to=year_to) from None
    run = CalculationRun(
        kind="decomposition",
        fingerprint=fingerprint,
        method_version=METHOD_VERSION,
        code_version=code_version(),
        parameters=params,
        factor_sets={},
        fallbacks=[],
        input_hash=input_hash,
        input_count=frame.height,
        actor=actor,
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    rows = [
        {
            "run_id": run.id,
            "year_from": year_from,
            "year_to": year_to,
            "sector": r["sector"],
            "co2_from_t": r["co2_from"],
            "co2_to_t": r["co2_to"],
            "delta_co2_t": r["delta_co2"],
            **{f"{e}_t": r[e] for e in EFFECTS},
            "note": "",
        }
        for r in by_sector.iter_rows(named=True)
    ]
    rows += [
        {
            "run_id": run.id,
            "year_from": year_from,
            "year_to": year_to,
            "sector": r["sector"],
            "co2_from_t": r["co2_from"],
            "co2_to_t": r["co2_to"],
            "delta_co2_t": r["delta_co2"],
            **{f"{e}_t": 0.0 for e in EFFECTS},
            "note": "outside",
        }
        for r in outside.iter_rows(named=True)
    ]
    if rows:
        session.execute(insert(DecompositionEffect), rows)
    totals = lmdi_totals(by_sector)
    audit.append(
        session,
        actor=actor,
        action="decomposition.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "totals": totals},
        details={"year_from": year_from, "year_to": year_to},
    )
    return Decomposition(run.id, False, decomposition_payload(session, run.id))


def decomposition_payload(session: Session, run_id: int) -> dict[str, Any]:
    """The ``decompose --json`` answer from a stored run."""
    run = session.get(CalculationRun, run_id)
    assert run is not None
    effects = list(
        session.scalars(
            select(DecompositionEffect).where(DecompositionEffect.run_id == run_id).order_by(DecompositionEffect.sector)
        )
    )
    inside = [e for e in effects if e.note != "outside"]
    outside = [e for e in effects if e.note == "outside"]

    def row(e: DecompositionEffect) -> dict[str, Any]:
        return {
            "sector": e.sector,
            "co2_from_t": e.co2_from_t,
            "co2_to_t": e.co2_to_t,
            "delta_co2_t": e.delta_co2_t,
            **{e_: getattr(e, f"{e_}_t") for e_ in EFFECTS},
        }

    total = {
        "co2_from_t": sum(e.co2_from_t for e in inside),
        "co2_to_t": sum(e.co2_to_t for e in inside),
        "delta_co2_t": sum(e.delta_co2_t for e in inside),
        **{e_: sum(getattr(e, f"{e_}_t") for e in inside) for e_ in EFFECTS},
    }
    total["effects_sum_t"] = sum(total[e_] for e_ in EFFECTS)
    out_delta = sum(e.delta_co2_t for e in outside)
    return {
        "year_from": run.parameters["year_from"],
        "year_to": run.parameters["year_to"],
        "run_id": run_id,
        "method": METHOD_VERSION,
        "unit": "t CO2",
        "effects": list(EFFECTS),
        "inventory_runs": run.parameters["inventory_runs"],
        "by_sector": [row(e) for e in inside],
        "total": total,
        "outside": {
            "sectors": [
                {"sector": e.sector, "co2_from_t": e.co2_from_t, "co2_to_t": e.co2_to_t, "delta_co2_t": e.delta_co2_t}
                for e in outside
            ],
            "delta_co2_t": out_delta,
        },
        "city_delta_co2_t": total["delta_co2_t"] + out_delta,
    }
