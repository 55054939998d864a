"""What an evaluation reads, as frames: :class:`Inputs` and :func:`load_inputs`.

The inventory results (year × sector and month × sector) and the fuels (year × sector × fuel) of the
latest inventory run of every year from the earliest base year up to the evaluated one, what the scopes and
the uncertainty need from their lines (electricity by region with the grid factor each year used; CO2 by
factor row with its activity variance, the quality score and the turnover variance), and the approved
rows of the report types that the city's indicators are computed from (the vehicle register among them where
an indicator declares ``computation.registry``) — of those years, and for a register
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

ELECTRICITY_SCHEMA: dict[str, type[pl.DataType]] = {
    "year": pl.Int64,
    "month": pl.Int64,
    "sector": pl.String,
    "region": pl.String,
    "kwh": pl.Float64,
    "kwh_a2": pl.Float64,
    "scope2_co2_t": pl.Float64,
}
GRID_SCHEMA: dict[str, type[pl.DataType]] = {
    "year": pl.Int64,
    "region": pl.String,
    "kgco2_per_kwh": pl.Float64,
    "grid_region": pl.String,
    "grid_year": pl.Int64,
    "u_factor": pl.Float64,
    "fallback": pl.String,
}
PARTS_SCHEMA: dict[str, type[pl.DataType]] = {
    "year": pl.Int64,
    "sector": pl.String,
    "factor_key": pl.String,
    "u_factor": pl.Float64,
    "co2_t": pl.Float64,
    "a2": pl.Float64,
    "score_w": pl.Float64,
    "w": pl.Float64,
    "freight_a2": pl.Float64,
    "converted_a2": pl.Float64,
}


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
    electricity: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=ELECTRICITY_SCHEMA))
    """year, month, sector, region, kwh, kwh_a2 (Σ (u_activity·kWh)²), scope2_co2_t of the runs' lines."""
    grid_used: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=GRID_SCHEMA))
    """year, region → the grid factor the year's lines used: kgco2_per_kwh, grid_region, grid_year, u_factor,
    fallback (the recorded proxy, empty when the year's own factor was published)."""
    parts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PARTS_SCHEMA))
    """year, sector, factor_key, u_factor, co2_t, a2 (Σ (u_activity·co2)² [t²]), score_w (Σ score·|co2|),
    w (Σ |co2|), freight_a2 and converted_a2 (Σ (u_activity·t·km)²): the approach-1 parts per factor row."""


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
    electricity, grid_used = _electricity(session, list(runs.values()))
    parts = _parts(session, list(runs.values()))
    registry = {i.computation.registry.report_type for i in city.indicators if i.computation.registry}
    needed = sorted(({rt for i in city.indicators for rt in report_types_of(i)} | registry) & set(catalog.ids))
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
    return Inputs(
        year,
        years,
        runs,
        results,
        fuels,
        reports,
        fp,
        registers,
        city_built_up_area(city),
        electricity,
        grid_used,
        parts,
    )


def report_types_of(ind: Indicator) -> list[str]:
    """The report types an indicator reads: its own and, for a mode share, the ridership path's."""
    c = ind.computation
    if c.source not in ("report_type", "milestone") or not c.report_type:
        return []
    extra = [c.ridership.report_type, c.ridership.estimate_report_type] if c.ridership else []
    return [c.report_type, *extra]


def with_quarter(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with the ``quarter`` (1–4) of their month (null for annual periods, or rows without months)."""
    if "month" not in rows.columns:
        return rows.with_columns(quarter=pl.lit(None, dtype=pl.Int64))
    return rows.with_columns(quarter=((pl.col("month") - 1) // 3 + 1).cast(pl.Int64))


def _electricity(session: Session, run_ids: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Electricity of the runs' lines by year, month, sector and region, and the grid factor each year used."""
    line = CalculationLine
    rows = (
        session.execute(
            select(
                line.year,
                line.month,
                line.sector,
                line.region,
                func.sum(line.kwh),
                func.sum(line.u_activity * line.u_activity * line.kwh * line.kwh),
                func.sum(line.scope2_co2_t),
            )
            .where(line.run_id.in_(run_ids), line.fuel == "electricity")
            .group_by(line.year, line.month, line.sector, line.region)
        ).all()
        if run_ids
        else []
    )
    electricity = pl.DataFrame([tuple(r) for r in rows], schema=ELECTRICITY_SCHEMA, orient="row").sort(
        "year", "month", "sector", "region", nulls_last=False
    )
    seen: dict[tuple[int, str], tuple[Any, ...]] = {}
    if run_ids:
        for year, region, factors, u_factor, notes in session.execute(
            select(line.year, line.region, line.factors, line.u_factor, line.notes).where(
                line.run_id.in_(run_ids), line.fuel == "electricity"
            )
        ):
            f = dict(factors or {})
            seen.setdefault(
                (int(year), str(region)),
                (f.get("kgco2_per_kwh"), f.get("grid_region"), f.get("grid_year"), u_factor, notes or ""),
            )
    grid = pl.DataFrame([(y, r, *v) for (y, r), v in sorted(seen.items())], schema=GRID_SCHEMA, orient="row")
    return electricity, grid


def _parts(session: Session, run_ids: list[int]) -> pl.DataFrame:
    """CO2 by year, sector and factor row with its activity variance, quality weights and turnover variance."""
    line = CalculationLine
    u2 = line.u_activity * line.u_activity
    rows = (
        session.execute(
            select(
                line.year,
                line.sector,
                line.factor_key,
                func.max(line.u_factor),
                func.sum(line.co2_t),
                func.sum(u2 * line.co2_t * line.co2_t),
                func.sum(line.quality_score * func.abs(line.co2_t)),
                func.sum(func.abs(line.co2_t)),
                func.sum(u2 * func.coalesce(line.freight_tkm, 0.0) * func.coalesce(line.freight_tkm, 0.0)),
                func.sum(u2 * func.coalesce(line.converted_tkm, 0.0) * func.coalesce(line.converted_tkm, 0.0)),
            )
            .where(line.run_id.in_(run_ids))
            .group_by(line.year, line.sector, line.factor_key)
        ).all()
        if run_ids
        else []
    )
    return pl.DataFrame([tuple(r) for r in rows], schema=PARTS_SCHEMA, orient="row").sort(
        "year", "sector", "factor_key", nulls_last=False
    )
