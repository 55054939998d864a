"""What an evaluation reads, as frames: :class:`Inputs` and :func:`load_inputs`.

The inventory results (year × sector and month × sector) and the fuels (year × sector × fuel) of the
latest inventory run of every year from the earliest base year up to the evaluated one, and the approved
rows of the report types that the city's indicators are computed from (the vehicle register among them where an
indicator declares ``computation.registry``). ``fingerprint_inputs`` lists the
inventory runs and the approved submissions with their content hashes: the evaluation run's input hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog
from transcarbon.services.inventory_runs import latest_run_id
from transcarbon.services.report_data import approved_rows, approved_submissions
from transcarbon.store.models import CalculationLine, CalculationRun, Result


@dataclass
class Inputs:
    """Everything an evaluation reads, as frames (built from the database by :func:`load_inputs`)."""

    year: int
    years: list[int]
    runs: dict[int, int]  # year → inventory run id
    results: pl.DataFrame  # year × sector and month × sector results of those runs
    fuels: pl.DataFrame  # year, sector, fuel, energy_tce, scope1_co2_t (from the runs' lines)
    reports: dict[str, pl.DataFrame]  # report type → approved rows
    fingerprint_inputs: dict[str, Any] = field(default_factory=dict)


RESULT_SCHEMA: dict[str, type[pl.DataType]] = {
    "result_id": pl.Int64,
    "run_id": pl.Int64,
    "year": pl.Int64,
    "month": pl.Int64,
    "sector": pl.String,
    "co2_t": pl.Float64,
    "scope1_co2_t": pl.Float64,
    "energy_tce": pl.Float64,
    "freight_tkm": pl.Float64,
    "converted_tkm": pl.Float64,
    "throughput_t": pl.Float64,
}
FUEL_SCHEMA: dict[str, type[pl.DataType]] = {
    "year": pl.Int64,
    "sector": pl.String,
    "fuel": pl.String,
    "energy_tce": pl.Float64,
    "scope1_co2_t": pl.Float64,
}


def evaluation_years(city: CityConfig, year: int) -> list[int]:
    """The years an evaluation of ``year`` looks at: from the earliest base year up to ``year``."""
    first = min([city.progress.default_base_year, *[i.base_year for i in city.indicators if i.base_year]])
    return list(range(first, year + 1))


def load_inputs(session: Session, year: int, city: CityConfig, catalog: ReportCatalog) -> Inputs:
    """Read the inventory results of every year's latest run and the approved report rows."""
    years = evaluation_years(city, year)
    runs = {y: r for y in years if (r := latest_run_id(session, y)) is not None}
    rows = (
        session.execute(
            select(
                Result.id,
                Result.run_id,
                Result.year,
                Result.month,
                Result.sector,
                Result.co2_t,
                Result.scope1_co2_t,
                Result.energy_tce,
                Result.freight_tkm,
                Result.converted_tkm,
                Result.throughput_t,
            ).where(Result.run_id.in_(list(runs.values())), Result.org_id.is_(None), Result.sector.is_not(None))
        ).all()
        if runs
        else []
    )
    results = pl.DataFrame([tuple(r) for r in rows], schema=RESULT_SCHEMA, orient="row")
    fuel_rows = (
        session.execute(
            select(
                CalculationLine.year,
                CalculationLine.sector,
                CalculationLine.fuel,
                func.sum(CalculationLine.energy_tce),
                func.sum(CalculationLine.scope1_co2_t),
            )
            .where(CalculationLine.run_id.in_(list(runs.values())))
            .group_by(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel)
        ).all()
        if runs
        else []
    )
    fuels = pl.DataFrame([tuple(r) for r in fuel_rows], schema=FUEL_SCHEMA, orient="row")
    needed = sorted(
        {
            i.computation.report_type
            for i in city.indicators
            if i.computation.report_type and i.computation.source in ("report_type", "milestone")
        }
    )
    needed = sorted({*needed, *(i.computation.registry.report_type for i in city.indicators if i.computation.registry)})
    reports = {rt: approved_rows(session, rt, years, catalog=catalog) for rt in needed if rt in catalog.ids}
    run_meta = (
        session.execute(
            select(CalculationRun.id, CalculationRun.fingerprint, CalculationRun.input_hash).where(
                CalculationRun.id.in_(list(runs.values()))
            )
        ).all()
        if runs
        else []
    )
    subs = approved_submissions(session, needed, years)
    fp = {
        "inventory_runs": sorted([list(r) for r in run_meta]),
        "submissions": subs.select("submission_id", "content_hash").rows(),
    }
    return Inputs(year, years, runs, results, fuels, reports, fp)
