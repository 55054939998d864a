"""Use case: why did transport CO2 change between two years (可分析) — LMDI-I, stored with lineage.

Input: the calculation lines of the latest inventory run of each year, aggregated to year × sector ×
fuel (energy [GJ], CO2 [t], scope 1 + scope 2) with each sector's activity = its converted t·km
(freight t·km + passenger p·km × conversion coefficient). Factors (:mod:`transcarbon.methods.lmdi`):
activity (total converted turnover), structure (sector shares of it: mode structure), energy intensity
(GJ per converted t·km), fuel mix (fuel shares of a sector's energy), emission factor (t CO2 per GJ).
The five effects add up exactly to each sector's and to the total change of the sectors decomposed.

Sectors without turnover but with throughput in both years (port handling) are decomposed in a group of their
own with throughput [t] as activity (a common unit across sectors is what the identity needs, so t and t·km
never share one): activity, intensity (GJ per t), fuel mix and emission factor; with one such sector its
structure effect is zero. Sectors with neither (``other``) and process CO2 without energy (urea in SCR
after-treatment) cannot enter an identity over energy; their change is reported apart (``outside``, with the
reason and the share of the end year's CO2 left out), so that ``decomposed change + outside change = city
change``.

Electricity counts in the energy terms at its calorific value (3.6 MJ/kWh, the default) or, as an option, at
its primary-energy equivalent (coal burnt per kWh supplied, :meth:`FactorLibrary.electricity_primary`): the
second moves what electrification does from the fuel-mix to the intensity effect; CO2 is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.domain import Fuel
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.electricity import GJ_PER_KWH
from transcarbon.methods.lmdi import EFFECTS, lmdi_decompose, lmdi_totals
from transcarbon.services import audit
from transcarbon.services.inventory_runs import code_version, latest_run_id
from transcarbon.store.models import CalculationLine, CalculationRun
from transcarbon.store.models_evaluation import DecompositionEffect

METHOD_VERSION = "lmdi-i-additive-2"
NO_FUEL = "none"
ELECTRICITY_BASES = ("calorific", "primary")
"""How electricity counts in the energy terms: 3.6 MJ/kWh, or its primary-energy equivalent."""


class DecompositionError(ValueError):
    """The decomposition cannot be made: ``key`` and ``values`` render the catalog message."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(key)


def line_frame(session: Session, run_ids: dict[int, int]) -> pl.DataFrame:
    """Year × sector × fuel energy and CO2 of the runs' lines, with the sector's converted t·km."""
    line = CalculationLine
    rows = session.execute(
        select(
            line.record_id,
            line.year,
            line.sector,
            line.fuel,
            line.energy_gj,
            line.co2_t,
            line.converted_tkm,
            line.throughput_t,
        ).where(line.run_id.in_(list(run_ids.values())))
    ).all()
    # the lines summed here in record order, not by the database: every database gives bit-identical sums
    f = (
        pl.DataFrame(
            [tuple(r) for r in rows],
            orient="row",
            schema={
                "record_id": pl.Int64,
                "year": pl.Int64,
                "sector": pl.String,
                "fuel": pl.String,
                "energy": pl.Float64,
                "co2": pl.Float64,
                "tkm": pl.Float64,
                "tonnes": pl.Float64,
            },
        )
        .sort("record_id")
        .group_by("year", "sector", "fuel", maintain_order=True)
        .agg(pl.col("energy", "co2", "tkm", "tonnes").sum())
    )
    # a fixed row order, so that the sums below do not depend on the order the database returns the groups in
    f = f.with_columns(pl.col("energy", "co2", "tkm", "tonnes").fill_null(0.0), pl.col("fuel").fill_null(NO_FUEL))
    f = f.sort("year", "sector", "fuel").with_columns(
        activity=pl.col("tkm").sum().over("year", "sector"), throughput=pl.col("tonnes").sum().over("year", "sector")
    )
    # fuel-less rows carry only activity: keep them only where the sector has no fuel row at all
    has_fuel = (pl.col("fuel") != NO_FUEL).any().over("year", "sector")
    f = f.filter((pl.col("fuel") != NO_FUEL) | ~has_fuel).with_columns(
        pl.when(pl.col("fuel") == NO_FUEL).then(0.0).otherwise(pl.col("energy")).alias("energy")
    )
    return f.select("year", "sector", "fuel", "activity", "throughput", "energy", "co2")


def _apart(frame: pl.DataFrame, year_from: int, year_to: int, reason: str) -> pl.DataFrame:
    return (
        frame.group_by("sector")
        .agg(
            pl.col("co2").filter(pl.col("year") == year_from).sum().alias("co2_from"),
            pl.col("co2").filter(pl.col("year") == year_to).sum().alias("co2_to"),
        )
        .with_columns(delta_co2=pl.col("co2_to") - pl.col("co2_from"), reason=pl.lit(reason))
        .sort("sector")
    )


def decompose_frame(
    frame: pl.DataFrame, year_from: int, year_to: int, *, electricity_gj_per_kwh: dict[int, float] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(effects by decomposed sector with the activity each used, CO2 change left out of the identity with the
    reason) from a :func:`line_frame` (module docstring).

    ``electricity_gj_per_kwh``: year → primary-energy equivalent [GJ/kWh]; None counts electricity at 3.6 MJ.
    ``frame`` may lack ``throughput`` (then no sector is decomposed over throughput).
    """
    if "throughput" not in frame.columns:
        frame = frame.with_columns(pl.lit(0.0).alias("throughput"))
    if electricity_gj_per_kwh is not None:
        scale = pl.col("year").replace_strict(
            {y: v / GJ_PER_KWH for y, v in electricity_gj_per_kwh.items()}, default=1.0, return_dtype=pl.Float64
        )
        frame = frame.with_columns(
            pl.when(pl.col("fuel") == Fuel.ELECTRICITY.value).then(pl.col("energy") * scale).otherwise("energy")
        )
    process = (pl.col("energy") <= 0) & (pl.col("co2") > 0) & (pl.col("fuel") != NO_FUEL)
    apart = [_apart(frame.filter(process), year_from, year_to, "process")]
    frame = frame.filter(~process)
    span = frame.filter(pl.col("year").is_in([year_from, year_to])).group_by("sector")
    by_kind = span.agg(
        (pl.col("activity").max() > 0).alias("tkm"),
        pl.col("throughput").filter(pl.col("year") == year_from).max().fill_null(0.0).alias("_t0"),
        pl.col("throughput").filter(pl.col("year") == year_to).max().fill_null(0.0).alias("_t1"),
    ).with_columns(tonnes=~pl.col("tkm") & (pl.col("_t0") > 0) & (pl.col("_t1") > 0))
    tkm_sectors = by_kind.filter("tkm")["sector"].implode()
    t_sectors = by_kind.filter("tonnes")["sector"].implode()
    inside = frame.filter(pl.col("sector").is_in(tkm_sectors))
    parts = [lmdi_decompose(inside, year_from, year_to).with_columns(activity_basis=pl.lit("converted_tkm"))]
    ports = frame.filter(pl.col("sector").is_in(t_sectors))
    if ports.height:
        parts.append(
            lmdi_decompose(ports.with_columns(pl.col("throughput").alias("activity")), year_from, year_to).with_columns(
                activity_basis=pl.lit("throughput_t")
            )
        )
    left = frame.filter(~pl.col("sector").is_in(tkm_sectors) & ~pl.col("sector").is_in(t_sectors))
    if left.height:
        apart.insert(0, _apart(left, year_from, year_to, "no_activity"))
    outside = pl.concat(apart).sort("reason", "sector")
    return pl.concat(parts).sort("activity_basis", "sector"), outside


@dataclass(frozen=True)
class Decomposition:
    run_id: int
    reused: bool
    payload: dict[str, Any]


def decompose(
    session: Session, year_from: int, year_to: int, *, actor: str, electricity: str = "calorific"
) -> Decomposition:
    """LMDI-I decomposition between two years' inventory runs, stored as a run of kind ``decomposition``;
    ``electricity`` ``calorific`` (3.6 MJ/kWh) or ``primary`` (its primary-energy equivalent)."""
    if year_from == year_to:
        raise DecompositionError("eval.decomp.bad_years", year=year_from)
    if electricity not in ELECTRICITY_BASES:
        raise DecompositionError("eval.decomp.bad_electricity", given=electricity, allowed=", ".join(ELECTRICITY_BASES))
    runs: dict[int, int] = {}
    for y in (year_from, year_to):
        r = latest_run_id(session, y)
        if r is None:
            raise DecompositionError("eval.decomp.no_run", year=y)
        runs[y] = r
    meta = session.execute(
        select(CalculationRun.id, CalculationRun.fingerprint).where(CalculationRun.id.in_(list(runs.values())))
    ).all()
    primary: dict[int, float] | None = None
    params: dict[str, Any] = {
        "year_from": year_from,
        "year_to": year_to,
        "activity": "converted_tkm (transport sectors); throughput_t (sectors with throughput, no turnover)",
        "energy": "energy_gj",
        "electricity": electricity,
        "co2": "co2_t (scope 1 + scope 2)",
        "inventory_runs": {str(k): v for k, v in runs.items()},
    }
    if electricity == "primary":
        library = FactorLibrary.load()
        lookups = {y: library.electricity_primary(y) for y in (year_from, year_to)}
        primary = {y: gj for y, (gj, _) in lookups.items()}
        params["electricity_primary"] = {
            str(y): {"gj_per_kwh": gj, "from_year": used} for y, (gj, used) in lookups.items()
        }
        params["factor_set"] = library.default("electricity_primary").ref
    input_hash = audit.content_hash(sorted([list(m) for m in meta]))
    fingerprint = audit.content_hash(["decomposition", METHOD_VERSION, code_version(), params, input_hash])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return Decomposition(existing, True, decomposition_payload(session, existing))
    started = datetime.now(UTC)
    frame = line_frame(session, runs)
    by_sector, outside = decompose_frame(frame, year_from, year_to, electricity_gj_per_kwh=primary)
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
            "note": "" if r["activity_basis"] == "converted_tkm" else "throughput",
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
            "note": "outside" if r["reason"] == "no_activity" else "process",
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
    apart = ("outside", "process")
    inside = [e for e in effects if e.note not in apart]
    outside = [e for e in effects if e.note in apart]

    def row(e: DecompositionEffect) -> dict[str, Any]:
        return {
            "sector": e.sector,
            "activity_basis": "throughput_t" if e.note == "throughput" else "converted_tkm",
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
    city_to = total["co2_to_t"] + sum(e.co2_to_t for e in outside)
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
        "electricity": run.parameters.get("electricity", "calorific"),
        "outside": {
            "sectors": [
                {
                    "sector": e.sector,
                    "reason": "no_activity" if e.note == "outside" else "process",
                    "co2_from_t": e.co2_from_t,
                    "co2_to_t": e.co2_to_t,
                    "delta_co2_t": e.delta_co2_t,
                }
                for e in outside
            ],
            "delta_co2_t": out_delta,
            "share_of_co2_to": sum(e.co2_to_t for e in outside) / city_to if city_to else None,
        },
        "city_delta_co2_t": total["delta_co2_t"] + out_delta,
    }
