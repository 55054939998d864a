"""What an evaluation reads, as frames: :class:`Inputs` and :func:`load_inputs`.

The inventory results (year × sector and month × sector) and the fuels (year × sector × fuel) of the
latest inventory run of every year from the earliest base year up to the evaluated one, and the approved
rows of the report types that the city's indicators are computed from — of those years, and for a register
(台账) of every period, since a register is read as it stood at each period's end. Monthly rows carry their
``quarter``. The city's built-up area comes along for bus-stop coverage. ``fingerprint_inputs`` lists the
inventory runs and the approved submissions with their content hashes: the evaluation run's input hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig, Indicator
from transcarbon.city.reports import ReportCatalog, ReportType
from transcarbon.services.inventory_runs import latest_run_id
from transcarbon.services.report_data import approved_rows, approved_submissions
from transcarbon.services.stop_coverage import BuiltUpArea, city_built_up_area
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
    registers: dict[str, ReportType] = field(default_factory=dict)  # report types read as registers
    built_up_area: BuiltUpArea | None = None


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
    results = with_quarter(pl.DataFrame([tuple(r) for r in rows], schema=RESULT_SCHEMA, orient="row"))
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
    needed = sorted({rt for i in city.indicators for rt in report_types_of(i)} & set(catalog.ids))
    registers = {rt: catalog.get(rt) for rt in needed if catalog.get(rt).is_register}
    reports = {
        rt: with_quarter(approved_rows(session, rt, None if rt in registers else years, catalog=catalog))
        for rt in needed
    }
    run_meta = (
        session.execute(
            select(CalculationRun.id, CalculationRun.fingerprint, CalculationRun.input_hash).where(
                CalculationRun.id.in_(list(runs.values()))
            )
        ).all()
        if runs
        else []
    )
    subs = pl.concat(
        [
            approved_submissions(session, [rt for rt in needed if rt not in registers], years),
            approved_submissions(session, list(registers), None),
        ]
    ).sort("submission_id")
    fp = {
        "inventory_runs": sorted([list(r) for r in run_meta]),
        "submissions": subs.select("submission_id", "content_hash").rows(),
    }
    return Inputs(year, years, runs, results, fuels, reports, fp, registers, city_built_up_area(city))


def report_types_of(ind: Indicator) -> list[str]:
    """The report types an indicator reads: its own and, for a mode share, the ridership path's."""
    c = ind.computation
    if c.source not in ("report_type", "milestone") or not c.report_type:
        return []
    extra = [c.ridership.report_type, c.ridership.estimate_report_type] if c.ridership else []
    return [c.report_type, *extra]


def with_quarter(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with the ``quarter`` (1–4) of their month (null for annual periods)."""
    return rows.with_columns(quarter=((pl.col("month") - 1) // 3 + 1).cast(pl.Int64))
