"""The demo's numbers as one canonical snapshot: inventory results of every year (with the CO2's range and
grade), the evaluation of every year (values with their ranges and grades, warnings, scorecards), the LMDI
decomposition 2020→2025, the demo ship run (with metered and modelled shore-power kWh), the bottom-up road
inventory of every year and the demo's trajectory and GTFS runs.

``snapshot(factory)`` returns ``{table: [rows]}`` with floats rounded to 12 significant digits (what
survives a change of summation order) and database ids replaced by natural keys, so that two builds of the
demo compare equal exactly when they compute the same numbers. ``digests`` condenses it to one SHA-256 per
table and group (a year, a ship-result grain) plus the city's annual totals in clear, which is what
``golden_demo.json`` keeps. ``PYTHONPATH=tests python tests/regression/golden.py`` rewrites it after an
intended change of numbers (say which and why in the commit).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from transcarbon.services.evaluation import decompose, evaluate
from transcarbon.store.models import CalculationRun, Result
from transcarbon.store.models_evaluation import DecompositionEffect, DepartmentScore, EvaluationWarning, IndicatorValue
from transcarbon.store.models_road import ROAD_MEASURES, TRACK_MEASURES, RoadResult, RoadTrackResult
from transcarbon.store.models_ships import ShipResult

GOLDEN = Path(__file__).with_name("golden_demo.json")
GROUP = {
    "results": 0,
    "indicator_values": 0,
    "warnings": 0,
    "scorecards": 1,
    "decomposition": 0,
    "ships": 0,
    "road": 0,
    "road_tracks": 0,
}
"""Which column groups each table's digests (a year, or the ship, trajectory or GTFS result's grain)."""
AS_OF = date(2026, 3, 31)
YEARS = range(2020, 2026)


def _round(x: Any) -> Any:
    if isinstance(x, float):
        if not math.isfinite(x) or x == 0.0:
            return x if math.isfinite(x) else str(x)
        return float(f"{x:.12g}")
    if isinstance(x, dict):
        return {str(k): _round(v) for k, v in sorted(x.items(), key=lambda kv: str(kv[0]))}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    return x


def _rows(session: Session, stmt: Any) -> list[list[Any]]:
    return sorted(([_round(v) for v in r] for r in session.execute(stmt).all()), key=lambda r: json.dumps(r))


def compute(session: Session) -> None:
    """Evaluate every demo year at a fixed date and decompose 2020→2025 (the demo build did the rest)."""
    for year in YEARS:
        evaluate(session, year, actor="golden", as_of=AS_OF)
    decompose(session, YEARS[0], YEARS[-1], actor="golden")


def snapshot(factory: sessionmaker[Session]) -> dict[str, list[list[Any]]]:
    with factory() as session:
        inv = select(CalculationRun.id).where(CalculationRun.kind == "inventory")
        ev = select(CalculationRun.id).where(CalculationRun.kind == "evaluation")
        year_of = {
            rid: y
            for rid, y in session.execute(select(CalculationRun.id, CalculationRun.parameters)).all()
            for y in [dict(y or {}).get("year")]
        }
        values = [
            [year_of[r[0]], *r[1:]]
            for r in session.execute(
                select(
                    IndicatorValue.run_id,
                    IndicatorValue.indicator_id,
                    IndicatorValue.year,
                    IndicatorValue.month,
                    IndicatorValue.measure,
                    IndicatorValue.value,
                    IndicatorValue.status,
                    IndicatorValue.sdg_status,
                    IndicatorValue.light,
                    IndicatorValue.completion_to_date,
                    IndicatorValue.step_completion,
                    IndicatorValue.target_year,
                    IndicatorValue.target_value,
                    IndicatorValue.forecast,
                    IndicatorValue.value_low,
                    IndicatorValue.value_high,
                    IndicatorValue.quality_grade,
                ).where(IndicatorValue.run_id.in_(ev))
            ).all()
        ]
        return {
            "results": _rows(
                session,
                select(
                    Result.year,
                    Result.month,
                    Result.sector,
                    Result.org_id,
                    Result.co2_t,
                    Result.co2e_t,
                    Result.scope1_co2_t,
                    Result.scope2_co2_t,
                    Result.ch4_t,
                    Result.n2o_t,
                    Result.energy_gj,
                    Result.energy_tce,
                    Result.freight_tkm,
                    Result.passenger_pkm,
                    Result.converted_tkm,
                    Result.throughput_t,
                    Result.intensity_kgco2_per_converted_tkm,
                    Result.line_count,
                    Result.co2_u_t,
                    Result.quality_grade,
                ).where(Result.run_id.in_(inv)),
            ),
            "indicator_values": sorted(([_round(v) for v in r] for r in values), key=lambda r: json.dumps(r)),
            "warnings": _rows(
                session,
                select(
                    EvaluationWarning.year,
                    EvaluationWarning.kind,
                    EvaluationWarning.severity,
                    EvaluationWarning.indicator_id,
                    EvaluationWarning.org_id,
                    EvaluationWarning.report_type,
                    EvaluationWarning.period,
                    EvaluationWarning.departments,
                    EvaluationWarning.message_zh,
                    EvaluationWarning.message_en,
                    EvaluationWarning.resolved_at.is_(None),
                ),
            ),
            "scorecards": _rows(
                session,
                select(
                    DepartmentScore.department_id,
                    DepartmentScore.year,
                    DepartmentScore.annual_completion,
                    DepartmentScore.cumulative_completion,
                    DepartmentScore.measures_share,
                    DepartmentScore.score,
                    DepartmentScore.vetoed,
                    DepartmentScore.grade,
                ),
            ),
            "decomposition": _rows(
                session,
                select(
                    DecompositionEffect.year_from,
                    DecompositionEffect.year_to,
                    DecompositionEffect.sector,
                    DecompositionEffect.co2_from_t,
                    DecompositionEffect.co2_to_t,
                    DecompositionEffect.delta_co2_t,
                    DecompositionEffect.activity_t,
                    DecompositionEffect.structure_t,
                    DecompositionEffect.intensity_t,
                    DecompositionEffect.fuel_mix_t,
                    DecompositionEffect.emission_factor_t,
                ),
            ),
            "ships": _rows(
                session,
                select(
                    ShipResult.grain,
                    ShipResult.key,
                    ShipResult.year,
                    ShipResult.month,
                    ShipResult.fuel_t,
                    ShipResult.co2_t,
                    ShipResult.ch4_t,
                    ShipResult.n2o_t,
                    ShipResult.nox_t,
                    ShipResult.sox_t,
                    ShipResult.pm10_t,
                    ShipResult.pm25_t,
                    ShipResult.co_t,
                    ShipResult.hc_t,
                    ShipResult.shore_kwh,
                    ShipResult.shore_kwh_metered,
                    ShipResult.shore_kwh_modelled,
                    ShipResult.connected_h,
                    ShipResult.avoided_co2_gross_t,
                    ShipResult.grid_co2_t,
                    ShipResult.avoided_co2_net_t,
                ),
            ),
            "road": _rows(
                session,
                select(
                    RoadResult.year,
                    RoadResult.district,
                    RoadResult.vehicle_class,
                    RoadResult.use,
                    RoadResult.service,
                    RoadResult.powertrain,
                    RoadResult.stage,
                    RoadResult.carrier,
                    *[getattr(RoadResult, m) for m in ROAD_MEASURES],
                    RoadResult.km_basis,
                    RoadResult.pollutant_method,
                ),
            ),
            "road_tracks": _rows(
                session,
                select(
                    CalculationRun.kind + ":" + RoadTrackResult.grain,
                    RoadTrackResult.key,
                    *[getattr(RoadTrackResult, m) for m in TRACK_MEASURES],
                ).join(CalculationRun, CalculationRun.id == RoadTrackResult.run_id),
            ),
        }


def digests(snap: dict[str, list[list[Any]]]) -> dict[str, Any]:
    """``{table: {group: sha256}}`` and ``totals``: the city's annual CO2, CO2e and energy [t, t, tce]."""
    out: dict[str, Any] = {}
    for table, rows in snap.items():
        groups: dict[str, list[list[Any]]] = {}
        for r in rows:
            groups.setdefault(str(r[GROUP[table]]), []).append(r)
        out[table] = {
            g: hashlib.sha256(json.dumps(rs, ensure_ascii=False, default=str).encode()).hexdigest()
            for g, rs in sorted(groups.items())
        }
    out["totals"] = {
        str(r[0]): {"co2_t": r[4], "co2e_t": r[5], "energy_tce": r[11]}
        for r in snap["results"]
        if r[1] is None and r[2] is None and r[3] is None
    }
    return out


def load() -> dict[str, Any]:
    return dict(json.loads(GOLDEN.read_text(encoding="utf-8")))


def write(snap: dict[str, list[list[Any]]]) -> None:
    GOLDEN.write_text(json.dumps(digests(snap), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":  # rebuild the demo in a temporary SQLite file and rewrite the snapshot
    import tempfile

    from demo_builds import build_demo_db  # type: ignore[import-not-found]
    from transcarbon.store import db

    with tempfile.TemporaryDirectory() as tmp:
        factory = db.session_factory(db.make_engine(build_demo_db(f"sqlite:///{tmp}/golden.db")))
        with factory.begin() as s:
            compute(s)
        snap = snapshot(factory)
        write(snap)
        print({k: len(v) for k, v in snap.items()}, file=sys.stderr)
