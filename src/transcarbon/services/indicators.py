"""Use case: evaluate the plan's indicators for a year (可测算、可追溯), stored as a run with lineage.

What is computed, per indicator of the city YAML (``indicators:``) and year (annual rows carry the
status; monthly rows carry measure and value where the data allow):

- **inventory** (``computation.source: inventory``) from the latest inventory run of each year, its
  year × sector and month × sector results:
  ``converted_turnover_co2_intensity`` = Σ CO2 ÷ Σ converted t·km over the commercial (营运) sectors the
  YAML lists — road_freight, road_passenger, urban_bus, taxi, waterway_freight, waterway_passenger (rail,
  aviation and port handling are outside the municipal commercial-vehicle statistics; port has no
  turnover); ``truck_co2_intensity`` and ``ship_co2_intensity`` = CO2 ÷ plain freight t·km of
  road_freight and waterway_freight. Reported value: the fall vs 2020 in %.
  Auxiliary (no plan indicator, shown apart): port CO2 per tonne of throughput (the province's −3 %).
- **report types** (approved rows, :mod:`transcarbon.services.report_data`), by ``computation.measure``:
  shares of additions (new/clean-energy, NEV, electric public-service, short-haul trucks) over the
  YAML's categories and qualifying power types; in-service shares (airside equipment, port container
  trucks) from the latest in-service counts of the year; the new-energy bus share of the fleet at the
  year's last report; shore-power kWh as a multiple of 2020; the rail + water share of bulk; the
  container multimodal (sea–rail + river–sea TEU) CAGR since 2020.
- **milestones** from approved milestone evidence: done / in progress / not started / overdue.
- indicators whose data the platform does not collect yet (``source: none`` or ``no_data_reason``)
  are listed with ``no_data`` and the YAML's reason.

Progress (:mod:`transcarbon.methods.progress`): Open SDG status from the CAGR ratio, completion to
date against the target path (linear or compound, YAML ``progress.trajectory``), China's weather-chart
light on the cumulative path and on the annual step, ``no_data``/``late`` against the report types'
deadlines. The light shown is green when achieved, else the worse of the status light and the path
light. Forecast (:mod:`transcarbon.methods.forecast`, Theil–Sen with a t prediction interval) to the
first target year not before the evaluated year, with P(target met).

Lineage: one :class:`CalculationRun` of kind ``evaluation`` per (year, as-of date, inputs): parameters,
the inventory runs and approved submissions (ids and content hashes) as input hash, and per value the
result ids, inventory run ids and submission ids it was computed from. Asking again with nothing
changed reuses the run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig, Indicator, load_city
from transcarbon.city.reports import ReportCatalog, load_report_types
from transcarbon.domain import Period
from transcarbon.i18n import t
from transcarbon.methods import progress as pg
from transcarbon.methods.forecast import forecast_to_year
from transcarbon.services import audit
from transcarbon.services.inventory_runs import code_version, latest_run_id
from transcarbon.services.report_data import approved_rows, approved_submissions
from transcarbon.store.models import CalculationLine, CalculationRun, Result
from transcarbon.store.models_evaluation import IndicatorValue

METHOD_VERSION = "evaluation-1"
INVENTORY_REPORT = "energy_activity"
MILESTONE_REPORT = "milestone_evidence"
AUX_PORT = "port_co2_per_tonne"
_NAN = float("nan")


# --------------------------------------------------------------------------- inputs


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
    "result_id": pl.Int64, "run_id": pl.Int64, "year": pl.Int64, "month": pl.Int64, "sector": pl.String,
    "co2_t": pl.Float64, "scope1_co2_t": pl.Float64, "energy_tce": pl.Float64, "freight_tkm": pl.Float64,
    "converted_tkm": pl.Float64, "throughput_t": pl.Float64,
}
FUEL_SCHEMA: dict[str, type[pl.DataType]] = {"year": pl.Int64, "sector": pl.String, "fuel": pl.String,
                                             "energy_tce": pl.Float64, "scope1_co2_t": pl.Float64}


def evaluation_years(city: CityConfig, year: int) -> list[int]:
    """The years an evaluation of ``year`` looks at: from the earliest base year up to ``year``."""
    first = min([city.progress.default_base_year, *[i.base_year for i in city.indicators if i.base_year]])
    return list(range(first, year + 1))


def load_inputs(session: Session, year: int, city: CityConfig, catalog: ReportCatalog) -> Inputs:
    """Read the inventory results of every year's latest run and the approved report rows."""
    years = evaluation_years(city, year)
    runs = {y: r for y in years if (r := latest_run_id(session, y)) is not None}
    rows = session.execute(
        select(Result.id, Result.run_id, Result.year, Result.month, Result.sector, Result.co2_t, Result.scope1_co2_t,
               Result.energy_tce, Result.freight_tkm, Result.converted_tkm, Result.throughput_t)
        .where(Result.run_id.in_(list(runs.values())), Result.org_id.is_(None), Result.sector.is_not(None))
    ).all() if runs else []
    results = pl.DataFrame([tuple(r) for r in rows], schema=RESULT_SCHEMA, orient="row")
    fuel_rows = session.execute(
        select(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel,
               func.sum(CalculationLine.energy_tce), func.sum(CalculationLine.scope1_co2_t))
        .where(CalculationLine.run_id.in_(list(runs.values())))
        .group_by(CalculationLine.year, CalculationLine.sector, CalculationLine.fuel)
    ).all() if runs else []
    fuels = pl.DataFrame([tuple(r) for r in fuel_rows], schema=FUEL_SCHEMA, orient="row")
    needed = sorted({i.computation.report_type for i in city.indicators
                     if i.computation.report_type and i.computation.source in ("report_type", "milestone")})
    reports = {rt: approved_rows(session, rt, years, city=city.city.id) for rt in needed if rt in catalog.ids}
    run_meta = session.execute(select(CalculationRun.id, CalculationRun.fingerprint, CalculationRun.input_hash)
                               .where(CalculationRun.id.in_(list(runs.values())))).all() if runs else []
    subs = approved_submissions(session, needed, years)
    fp = {"inventory_runs": sorted([list(r) for r in run_meta]),
          "submissions": subs.select("submission_id", "content_hash").rows()}
    return Inputs(year, years, runs, results, fuels, reports, fp)


# --------------------------------------------------------------------------- measure kernels
# Each kernel returns one row per group of ``by`` (["year"] or ["year", "month"]) with ``measure`` and
# the lineage lists ``result_ids``, ``run_ids``, ``submission_ids``.

Kernel = Callable[[Inputs, Indicator, list[str]], pl.DataFrame]


def _lineage_cols(frame: pl.DataFrame) -> list[pl.Expr]:
    cols = []
    for name in ("result_id", "run_id", "submission_id"):
        if name in frame.columns:
            cols.append(pl.col(name).unique().sort().alias(f"{name}s"))
        else:
            cols.append(pl.lit([], dtype=pl.List(pl.Int64)).alias(f"{name}s"))
    return cols


def _finish(frame: pl.DataFrame, by: list[str], measure: pl.Expr) -> pl.DataFrame:
    if frame.height == 0:
        return pl.DataFrame(schema={**{b: pl.Int64 for b in by}, "measure": pl.Float64,
                                    "result_ids": pl.List(pl.Int64), "run_ids": pl.List(pl.Int64),
                                    "submission_ids": pl.List(pl.Int64)})
    out = frame.group_by(by).agg(measure.alias("measure"), *_lineage_cols(frame))
    return out.with_columns(pl.col("measure").cast(pl.Float64).fill_nan(None)).sort(by)


def _safe_ratio(num: pl.Expr, den: pl.Expr, scale: float = 1.0) -> pl.Expr:
    return pl.when(den > 0).then(num * scale / den).otherwise(None)


def _inventory_intensity(activity: str) -> Kernel:
    def kernel(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
        monthly = "month" in by
        r = inp.results.filter(pl.col("sector").is_in([s.value for s in ind.computation.sectors]),
                               pl.col("month").is_not_null() if monthly else pl.col("month").is_null())
        return _finish(r, by, _safe_ratio(pl.col("co2_t").sum(), pl.col(activity).fill_null(0).sum(), 1000.0))
    return kernel


def port_co2_per_tonne(inp: Inputs, by: list[str]) -> pl.DataFrame:
    """Auxiliary: port CO2 per tonne of throughput [kg/t]."""
    monthly = "month" in by
    r = inp.results.filter(pl.col("sector") == "port",
                           pl.col("month").is_not_null() if monthly else pl.col("month").is_null())
    return _finish(r, by, _safe_ratio(pl.col("co2_t").sum(), pl.col("throughput_t").fill_null(0).sum(), 1000.0))


def _rows(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    rt = ind.computation.report_type or ""
    return inp.reports.get(rt, pl.DataFrame(schema={"year": pl.Int64, "month": pl.Int64}))


def _additions_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Share of additions [%]: qualifying power types ÷ all, over the YAML's categories."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return _finish(rows, by, pl.lit(None))
    c = ind.computation
    rows = rows.filter(pl.col("category").is_in(c.categories), pl.col("added_count").is_not_null())
    qual = pl.col("power_type").is_in(c.qualifying)
    return _finish(rows, by, _safe_ratio(pl.col("added_count").filter(qual).sum(), pl.col("added_count").sum(), 100.0))


def _latest_in_period(rows: pl.DataFrame, by: list[str], keys: list[str]) -> pl.DataFrame:
    """Rows of the last reported period within each ``by`` group per organisation and ``keys``."""
    return rows.filter(pl.col("period") == pl.col("period").max().over([*by, "org_id", *keys]))


def _in_service_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Share of the in-service stock [%] at the latest report of the period (in_service_count)."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return _finish(rows, by, pl.lit(None))
    c = ind.computation
    rows = rows.filter(pl.col("category").is_in(c.categories), pl.col("in_service_count").is_not_null())
    rows = _latest_in_period(rows, by, ["category"])
    qual = pl.col("power_type").is_in(c.qualifying)
    return _finish(rows, by, _safe_ratio(pl.col("in_service_count").filter(qual).sum(),
                                         pl.col("in_service_count").sum(), 100.0))


def _fleet_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """New-energy share of the fleet [%] at the latest report of the period (public_transport)."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return _finish(rows, by, pl.lit(None))
    rows = rows.filter(pl.col("mode").is_in(ind.computation.categories), pl.col("fleet_size").is_not_null())
    rows = _latest_in_period(rows, by, ["mode"])
    return _finish(rows, by, _safe_ratio(pl.col("new_energy_fleet").fill_null(0).sum(), pl.col("fleet_size").sum(),
                                         100.0))


def _sum_of(expr: pl.Expr) -> Kernel:
    def kernel(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
        rows = _rows(inp, ind)
        if rows.height == 0:
            return _finish(rows, by, pl.lit(None))
        return _finish(rows, by, expr.sum())
    return kernel


def _bulk_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    rows = _rows(inp, ind)
    if rows.height == 0:
        return _finish(rows, by, pl.lit(None))
    rows = rows.filter(pl.col("bulk_rail_water_t").is_not_null(), pl.col("bulk_total_t").is_not_null())
    return _finish(rows, by, _safe_ratio(pl.col("bulk_rail_water_t").sum(), pl.col("bulk_total_t").sum(), 100.0))


KERNELS: dict[str, Kernel] = {
    "intensity_kgco2_per_converted_tkm": _inventory_intensity("converted_tkm"),
    "intensity_kgco2_per_tkm": _inventory_intensity("freight_tkm"),
    "share_new_clean_energy_added": _additions_share,
    "nev_share_new_registrations": _additions_share,
    "electric_share_public_service_added": _additions_share,
    "nev_share_short_haul_heavy_and_muck_trucks_added": _additions_share,
    "clean_energy_share_port_container_trucks_in_service": _in_service_share,
    "electric_share_airside_equipment_in_service": _in_service_share,
    "new_energy_bus_share_of_fleet": _fleet_share,
    "shore_power_kwh": _sum_of(pl.col("kwh").fill_null(0)),
    "container_multimodal_teu": _sum_of(pl.col("sea_rail_teu").fill_null(0) + pl.col("river_sea_teu").fill_null(0)),
    "rail_water_share_bulk_collection_distribution": _bulk_share,
}
"""Measure name (``computation.measure`` of the YAML) → kernel. A measure without a kernel is no_data."""

MONTHLY_KINDS = ("ratio", "reduction", "multiple", "count")


# --------------------------------------------------------------------------- milestones


def milestone_evidence(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    """Approved evidence rows of one milestone: year, status, count, submission_id."""
    rows = inp.reports.get(MILESTONE_REPORT)
    if rows is None or rows.height == 0 or "milestone_id" not in rows.columns:
        return pl.DataFrame(schema={"year": pl.Int64, "status": pl.String, "count": pl.Float64,
                                    "submission_id": pl.Int64, "evidence_text": pl.String})
    return rows.filter(pl.col("milestone_id") == ind.id).select("year", "status", "count", "submission_id",
                                                                "evidence_text").sort("year")


def _count_series(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    """A counted milestone (near-zero-carbon projects): the latest reported cumulative count per year."""
    ev = milestone_evidence(inp, ind).filter(pl.col("count").is_not_null())
    return _finish(ev, ["year"], pl.col("count").max())


# --------------------------------------------------------------------------- progress of one indicator


def _value_of(kind: str, base: float, measure: np.ndarray, years_since: np.ndarray) -> np.ndarray:
    if kind == "reduction":
        return pg.reduction_pct(base, measure)
    if kind == "multiple":
        return pg.multiple_of_base(base, measure)
    if kind == "growth":
        return 100.0 * pg.cagr(base, measure, years_since)
    return np.asarray(measure, dtype=np.float64)


def _target_years(ind: Indicator) -> list[int]:
    return [y for y in sorted(ind.targets) if ind.target_value(y) is not None]


def _next_target(ind: Indicator, year: int) -> int | None:
    ys = _target_years(ind)
    later = [y for y in ys if y >= year]
    if later:
        return later[0]
    return ys[-1] if ys else None


def _f(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _due(catalog: ReportCatalog, city: CityConfig, ind: Indicator, year: int) -> date:
    rt_id = INVENTORY_REPORT if ind.computation.source == "inventory" else ind.computation.report_type
    try:
        rt = catalog.get(rt_id or "")
    except KeyError:
        return city.reporting_calendar.due_date(Period(year))
    return rt.due_date(Period(year, 12) if rt.period == "monthly" else Period(year))


def _reason(key: str, **values: object) -> dict[str, str]:
    return {"zh": t(key, "zh", **values), "en": t(key, "en", **values)}


@dataclass
class Context:
    city: CityConfig
    catalog: ReportCatalog
    year: int
    as_of: date


def _empty_row(ind: Indicator, year: int, month: int | None = None) -> dict[str, Any]:
    return {"indicator_id": ind.id, "year": year, "month": month,
            "period": f"{year}" if month is None else f"{year}-{month:02d}",
            "measure": None, "measure_unit": ind.computation.measure_unit, "value": None, "unit": ind.unit,
            "status": None, "sdg_status": None, "light": None, "completion_to_date": None, "step_completion": None,
            "target_year": None, "target_value": None, "target_measure": None, "forecast": None,
            "details": {}, "sources": {"result_ids": [], "run_ids": [], "submission_ids": []}}


def _missing(ctx: Context, ind: Indicator, row: dict[str, Any], reason: dict[str, str] | None) -> dict[str, Any]:
    late = ind.has_data_source and ctx.as_of > _due(ctx.catalog, ctx.city, ind, row["year"])
    status = str(pg.with_data_status("x", False, late))
    row.update(status=status, sdg_status=status, light=ctx.city.progress.lights[status])
    row["details"]["no_data_reason"] = reason or (
        _reason("eval.reason.late", year=row["year"]) if late else _reason("eval.reason.no_data", year=row["year"]))
    row["details"]["due_date"] = _due(ctx.catalog, ctx.city, ind, row["year"]).isoformat()
    return row


def evaluate_series(ctx: Context, ind: Indicator, series: pl.DataFrame) -> list[dict[str, Any]]:
    """Annual rows (status, lights, completion, forecast) of a numeric indicator from its measure series.

    ``series``: ``year, measure`` and the lineage lists, one row per year with data.
    """
    prog = ctx.city.progress
    series = series.filter(pl.col("measure").is_not_null(), pl.col("year") <= ctx.year).sort("year")
    ys = series["year"].to_numpy().astype(np.int64) if series.height else np.array([], dtype=np.int64)
    ms = series["measure"].to_numpy().astype(np.float64) if series.height else np.array([], dtype=np.float64)
    base_year = ind.base_year
    if base_year is None:
        later = ys[ys >= prog.default_base_year]
        base_year = int(later[0]) if later.size else prog.default_base_year
    if ys.size == 0:
        return [_missing(ctx, ind, _empty_row(ind, ctx.year), None)]
    in_base = ys == base_year
    base = float(ms[in_base][0]) if in_base.any() else _NAN
    rows: list[dict[str, Any]] = []
    lineage = {int(r["year"]): r for r in series.iter_rows(named=True)}
    base_src = lineage.get(base_year)
    if math.isnan(base) and ind.kind in ("reduction", "multiple", "growth"):
        for y in range(base_year, ctx.year + 1):
            row = _empty_row(ind, y)
            if y in lineage:
                row["measure"] = float(lineage[y]["measure"])
            rows.append(_missing(ctx, ind, row, _reason("eval.reason.no_base", base_year=base_year)))
        return rows
    keep = ys >= base_year
    ys, ms = ys[keep], ms[keep]
    values = _value_of(ind.kind, base, ms, ys - base_year)
    # target of each year: the first target year not before it (else the last)
    tyears = np.array([_next_target(ind, int(y)) or 0 for y in ys], dtype=np.int64)
    g = np.array([ind.target_value(int(ty)) if ty else _NAN for ty in tyears], dtype=np.float64)
    g = np.where(np.isnan(g), _NAN, g)
    kinds = np.full(ys.shape, ind.kind if ind.kind != "milestone" else "count")
    tmeasure = pg.measure_target(kinds, g, base, base_year, np.where(tyears > 0, tyears, ys))
    sdg = pg.sdg_progress(base, ms, tmeasure, base_year, ys, np.where(tyears > 0, tyears, ys), ind.direction,
                          ratio_thresholds=pg.BandThresholds(**prog.sdg.model_dump()),
                          no_target_thresholds=pg.BandThresholds(**prog.no_target_cagr.model_dump()))
    # target path through the base and every numeric target
    wy = [base_year, *[y for y in _target_years(ind) if y > base_year]]
    wv = [base, *[float(pg.measure_target(ind.kind if ind.kind != "milestone" else "count",
                                          ind.target_value(y) or _NAN, base, base_year, y)) for y in wy[1:]]]
    shape = prog.trajectory if all(v > 0 for v in wv) else "linear"
    if len(wy) >= 2:
        path = pg.target_path(wy, wv, ys, shape=shape)
        path_prev = pg.target_path(wy, wv, ys - 1, shape=shape)
    else:
        path = path_prev = np.full(ys.shape, _NAN)
    completion = pg.completion_to_date(base, ms, path)
    prev = np.concatenate([[_NAN], ms[:-1]]) if ms.size else ms
    prev = np.where(np.concatenate([[False], np.diff(ys) == 1]) if ys.size else np.array([], bool), prev, _NAN)
    step = pg.step_completion(prev, ms, path_prev, path)
    status_light = pg.status_light(sdg.status, prog.lights)
    path_light = pg.traffic_light(completion, prog.red_yellow.red_shortfall)
    step_light = pg.traffic_light(step, prog.red_yellow.red_shortfall)
    light = np.where(sdg.status == pg.Status.ACHIEVED.value, pg.Light.GREEN.value,
                     pg.worst_light(status_light, path_light))
    by_year = {int(y): i for i, y in enumerate(ys)}
    for y in range(base_year, ctx.year + 1):
        row = _empty_row(ind, y)
        if y not in by_year:
            rows.append(_missing(ctx, ind, row, None))
            continue
        i = by_year[y]
        src = lineage[y]
        ids = {k: sorted(set(src[k]) | (set(base_src[k]) if base_src and ind.kind != "ratio" else set()))
               for k in ("result_ids", "run_ids", "submission_ids")}
        row.update(
            measure=float(ms[i]), value=_f(values[i]), status=str(sdg.status[i]), sdg_status=str(sdg.status[i]),
            light=str(light[i]), completion_to_date=_f(completion[i]), step_completion=_f(step[i]),
            target_year=int(tyears[i]) or None, target_value=_f(g[i]), target_measure=_f(tmeasure[i]),
            sources={"result_ids": [int(x) for x in ids["result_ids"]], "run_ids": [int(x) for x in ids["run_ids"]],
                     "submission_ids": [int(x) for x in ids["submission_ids"]]},
            details={"base_year": base_year, "base_measure": _f(base), "sdg_ratio": _f(sdg.ratio[i]),
                     "cagr_observed": _f(sdg.cagr_observed[i]), "cagr_required": _f(sdg.cagr_required[i]),
                     "rate_kind": str(sdg.rate_kind[i]) or None, "path_measure": _f(path[i]),
                     "path_light": str(path_light[i]), "step_light": str(step_light[i]),
                     "status_light": str(status_light[i]), "trajectory": shape},
        )
        if y == base_year:  # one point: no progress yet; the base year is the reference
            row.update(status=pg.Status.NO_DATA.value, sdg_status=pg.Status.NO_DATA.value,
                       light=prog.lights[pg.Status.NO_DATA.value])
            row["details"]["no_data_reason"] = _reason("eval.reason.base_year", base_year=base_year)
        rows.append(row)
    last = rows[-1] if rows else None
    if last is not None and last["year"] == ctx.year:
        last["forecast"], last["details"]["forecasts"] = _forecasts(ctx, ind, ys, ms, base, base_year)
    return rows


def _to_value(ind: Indicator, base: float, base_year: int, year: int, m: float) -> float:
    if math.isnan(m):
        return _NAN
    return float(_value_of(ind.kind, base, np.array([m]), np.array([year - base_year]))[0])


def _forecasts(ctx: Context, ind: Indicator, ys: np.ndarray, ms: np.ndarray, base: float,
               base_year: int) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    fc = ctx.city.progress.forecast
    out: list[dict[str, Any]] = []
    bounds = (0.0, 100.0) if ind.unit == "%" and ind.kind == "ratio" else None
    for ty in [y for y in _target_years(ind) if y >= ctx.year]:
        g = ind.target_value(ty)
        assert g is not None
        tm = float(pg.measure_target(ind.kind if ind.kind != "milestone" else "count", g, base, base_year, ty))
        f = forecast_to_year(ys, ms, ty, level=fc.interval_level, target_value=tm, direction=ind.direction,
                             method=fc.method, bounds=bounds)
        lo, hi = _to_value(ind, base, base_year, ty, f.low), _to_value(ind, base, base_year, ty, f.high)
        if not (math.isnan(lo) or math.isnan(hi)) and lo > hi:
            lo, hi = hi, lo
        out.append({"year": ty, "value": _f(_to_value(ind, base, base_year, ty, f.value)), "low": _f(lo),
                    "high": _f(hi), "p_meet": _f(f.p_meet), "measure": _f(f.value), "target_measure": tm,
                    "level": f.level, "method": f"theil_sen_{f.method}", "n_points": f.n_points})
    if not out:
        return None, []
    first = out[0]
    return {k: first[k] for k in ("year", "value", "low", "high", "p_meet")}, out


def evaluate_milestone(ctx: Context, ind: Indicator, evidence: pl.DataFrame) -> list[dict[str, Any]]:
    """Annual rows of a milestone from its approved evidence (done / in progress / not started / overdue)."""
    rows: list[dict[str, Any]] = []
    if evidence.height == 0:
        return [_missing(ctx, ind, _empty_row(ind, ctx.year), _reason("eval.reason.no_evidence"))]
    first = int(evidence["year"].min())  # type: ignore[arg-type]
    years = np.arange(first, ctx.year + 1)
    ev_years = evidence["year"].to_numpy()
    st = evidence["status"].to_numpy()
    done = ev_years[st == "done"]
    done_year = float(done.min()) if done.size else _NAN
    started = np.array([bool(np.any((ev_years <= y) & np.isin(st, ["in_progress", "done"]))) for y in years])
    due = np.array([_next_target(ind, int(y)) or _NAN for y in years], dtype=np.float64)
    # a year that is over counts as passed: not done by the end of its due year is overdue
    judged = np.where([ctx.as_of > date(int(y), 12, 31) for y in years], years + 1, years)
    status = pg.milestone_status(done_year, started, due, judged)
    light = pg.status_light(status, ctx.city.progress.milestone_lights)
    for i, y in enumerate(years):
        row = _empty_row(ind, int(y))
        upto = evidence.filter(pl.col("year") <= int(y))
        latest = upto.tail(1).row(0, named=True) if upto.height else None
        row.update(value=1.0 if status[i] == pg.MilestoneStatus.DONE.value else 0.0, status=str(status[i]),
                   sdg_status=None, light=str(light[i]), target_year=int(due[i]) if not np.isnan(due[i]) else None,
                   target_value=1.0 if not np.isnan(due[i]) else None,
                   sources={"result_ids": [], "run_ids": [],
                            "submission_ids": sorted(int(s) for s in upto["submission_id"].unique().to_list())},
                   details={"done_year": None if np.isnan(done_year) else int(done_year),
                            "latest_evidence": None if latest is None else
                            {"year": latest["year"], "status": latest["status"], "text": latest["evidence_text"]}})
        rows.append(row)
    return rows


def _indicative(inp: Inputs, ind: Indicator) -> dict[str, float | None]:
    """The inventory figure shown beside a milestone (land oil use [tce]; direct-emission growth [%/yr])."""
    m = ind.computation.indicative_measure
    if m == "oil_consumption_tce" and inp.fuels.height:
        f = inp.fuels.filter(pl.col("sector").is_in([s.value for s in ind.computation.sectors]),
                             pl.col("fuel").is_in([x.value for x in ind.computation.fuels]))
        g = f.group_by("year").agg(pl.col("energy_tce").sum()).sort("year")
        return {str(y): _f(v) for y, v in g.iter_rows()}
    if m == "scope1_co2_growth_pct" and inp.fuels.height:
        g = inp.fuels.group_by("year").agg(pl.col("scope1_co2_t").sum()).sort("year")
        g = g.with_columns(growth=(pl.col("scope1_co2_t") / pl.col("scope1_co2_t").shift(1) - 1) * 100)
        g = g.with_columns(rolling=pl.col("growth").rolling_mean(3))
        return {str(y): _f(v) for y, v in g.select("year", "rolling").iter_rows()}
    return {}


def _monthly_rows(ctx: Context, inp: Inputs, ind: Indicator, kernel: Kernel,
                  annual: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if ind.kind not in MONTHLY_KINDS:
        return []
    m = kernel(inp, ind, ["year", "month"]).filter(pl.col("month").is_not_null(), pl.col("measure").is_not_null(),
                                                   pl.col("year") <= ctx.year)
    if m.height == 0:
        return []
    base_row = next((r for r in annual if r["details"].get("base_year") == r["year"]), None)
    base_year = base_row["year"] if base_row else None
    base = base_row["measure"] if base_row else None
    if ind.kind == "multiple" and base_year is not None:
        same = m.filter(pl.col("year") == base_year).select("month", pl.col("measure").alias("base"))
        m = m.join(same, on="month", how="left")
    else:
        m = m.with_columns(base=pl.lit(base, dtype=pl.Float64))
    if ind.kind == "reduction":
        m = m.with_columns(value=pl.when(pl.col("base") > 0).then(100 * (1 - pl.col("measure") / pl.col("base"))))
    elif ind.kind == "multiple":
        m = m.with_columns(value=pl.when(pl.col("base") > 0).then(pl.col("measure") / pl.col("base")))
    else:
        m = m.with_columns(value=pl.col("measure"))
    out = []
    for r in m.iter_rows(named=True):
        row = _empty_row(ind, int(r["year"]), int(r["month"]))
        row.update(measure=r["measure"], value=_f(r["value"]),
                   sources={"result_ids": r["result_ids"], "run_ids": r["run_ids"],
                            "submission_ids": r["submission_ids"]})
        out.append(row)
    return out


def compute_values(inp: Inputs, city: CityConfig, catalog: ReportCatalog, as_of: date) -> list[dict[str, Any]]:
    """Every indicator's rows (annual with status; monthly where the data allow), plus auxiliary ones."""
    ctx = Context(city, catalog, inp.year, as_of)
    out: list[dict[str, Any]] = []
    for ind in city.indicators:
        c = ind.computation
        if not ind.has_data_source:
            reason = c.no_data_reason.model_dump() if c.no_data_reason else _reason("eval.reason.no_source")
            row = _empty_row(ind, inp.year)
            row.update(status=pg.Status.NO_DATA.value, sdg_status=pg.Status.NO_DATA.value,
                       light=city.progress.lights[pg.Status.NO_DATA.value])
            row["details"]["no_data_reason"] = reason
            row["details"]["no_source"] = True
            out.append(row)
            continue
        if ind.kind == "milestone":
            rows = evaluate_milestone(ctx, ind, milestone_evidence(inp, ind))
            indicative = _indicative(inp, ind)
            if indicative:
                for r in rows:
                    r["details"]["indicative"] = {"measure": c.indicative_measure, "unit": c.measure_unit,
                                                  "by_year": indicative}
            out += rows
            continue
        if c.source == "milestone":  # a counted milestone
            out += evaluate_series(ctx, ind, _count_series(inp, ind))
            continue
        kernel = KERNELS.get(c.measure or "")
        if kernel is None:
            row = _missing(ctx, ind, _empty_row(ind, inp.year), _reason("eval.reason.no_kernel", measure=c.measure))
            out.append(row)
            continue
        annual = evaluate_series(ctx, ind, kernel(inp, ind, ["year"]))
        out += annual
        out += _monthly_rows(ctx, inp, ind, kernel, annual)
    # auxiliary: port CO2 per tonne (province's −3 %, no plan indicator)
    aux = port_co2_per_tonne(inp, ["year"]).filter(pl.col("measure").is_not_null())
    base = aux.filter(pl.col("year") == city.progress.default_base_year)["measure"]
    for r in aux.iter_rows(named=True):
        b = float(base[0]) if base.len() else _NAN
        fall = _f(float(pg.reduction_pct(b, r["measure"])))
        out.append({"indicator_id": AUX_PORT, "year": r["year"], "month": None, "period": str(r["year"]),
                    "measure": r["measure"], "measure_unit": "kgCO2/t", "value": fall,
                    "unit": "%", "status": None, "sdg_status": None, "light": None, "completion_to_date": None,
                    "step_completion": None, "target_year": None, "target_value": None, "target_measure": None,
                    "forecast": None, "details": {"auxiliary": True, "base_year": city.progress.default_base_year},
                    "sources": {"result_ids": r["result_ids"], "run_ids": r["run_ids"], "submission_ids": []}})
    return out


# --------------------------------------------------------------------------- the use case


@dataclass(frozen=True)
class Evaluation:
    run_id: int
    reused: bool
    year: int
    payload: dict[str, Any]


def _city_hash(city: CityConfig) -> str:
    return audit.content_hash(city.model_dump(mode="json"))


def evaluate(session: Session, year: int, *, actor: str, as_of: date | None = None,
             city: CityConfig | str = "lianyungang") -> Evaluation:
    """Evaluate every indicator for ``year`` in the caller's transaction; store values, warnings and
    scorecards as one run of kind ``evaluation`` (reused when nothing changed)."""
    from transcarbon.services import scorecards, warnings

    cfg = load_city(city) if isinstance(city, str) else city
    catalog = load_report_types(cfg.city.id)
    as_of = as_of or datetime.now(UTC).date()
    started = datetime.now(UTC)
    inp = load_inputs(session, year, cfg, catalog)
    params = {"year": year, "as_of": as_of.isoformat(), "city": cfg.city.id, "city_config_sha256": _city_hash(cfg),
              "trajectory": cfg.progress.trajectory, "forecast": cfg.progress.forecast.model_dump(),
              "inventory_runs": {str(k): v for k, v in inp.runs.items()}}
    input_hash = audit.content_hash(inp.fingerprint_inputs)
    fingerprint = audit.content_hash(["evaluation", METHOD_VERSION, code_version(), params, input_hash])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return Evaluation(existing, True, year, evaluation_payload(session, existing, cfg))
    values = compute_values(inp, cfg, catalog, as_of)
    run = CalculationRun(kind="evaluation", fingerprint=fingerprint, method_version=METHOD_VERSION,
                         code_version=code_version(), parameters=params, factor_sets={}, fallbacks=[],
                         input_hash=input_hash,
                         input_count=len(inp.fingerprint_inputs["submissions"]) + len(inp.runs), actor=actor,
                         started_at=started, finished_at=datetime.now(UTC))
    session.add(run)
    session.flush()
    if values:
        session.execute(insert(IndicatorValue), [{**v, "run_id": run.id} for v in values])
    annual = [v for v in values if v["month"] is None]
    found = warnings.detect(session, inp, cfg, catalog, annual, as_of)
    sync = warnings.sync(session, year, found, run_id=run.id)
    scorecards.store(session, run.id, year, cfg, annual)
    audit.append(session, actor=actor, action="evaluation.run", object_type="calculation_run", object_id=str(run.id),
                 after={"fingerprint": fingerprint, "values": len(values)},
                 details={"year": year, "as_of": as_of.isoformat(), "warnings": sync})
    return Evaluation(run.id, False, year, evaluation_payload(session, run.id, cfg))


def latest_evaluation_run(session: Session, year: int) -> int | None:
    return session.scalars(
        select(CalculationRun.id).where(CalculationRun.kind == "evaluation")
        .where(CalculationRun.parameters["year"].as_integer() == year).order_by(CalculationRun.id.desc())).first()


def stored_values(session: Session, run_id: int, *, annual_only: bool = True) -> list[IndicatorValue]:
    q = select(IndicatorValue).where(IndicatorValue.run_id == run_id)
    if annual_only:
        q = q.where(IndicatorValue.month.is_(None))
    return list(session.scalars(q.order_by(IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.month)))


def _indicator_json(ind: Indicator, v: IndicatorValue | None, city: CityConfig) -> dict[str, Any]:
    dept = [{"id": d, "name_zh": city.department(d).name_zh, "name_en": city.department(d).name_en}
            for d in ind.departments]
    base = {"id": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en, "section": ind.section, "kind": ind.kind,
            "unit": ind.unit, "direction": ind.direction,
            **{f"target_{y}": ind.target_value(y) for y in city.target_years},
            "departments": [d["id"] for d in dept], "department_names": dept,
            "source": ind.computation.source, "formula": ind.computation.formula.model_dump()}
    if v is None:
        return {**base, "value": None, "status": "no_data", "sdg_status": "no_data", "light": "grey",
                "completion_to_date": None, "forecast": None}
    return {**base, "value_id": v.id, "year": v.year, "value": v.value, "measure": v.measure,
            "measure_unit": v.measure_unit, "status": v.status, "sdg_status": v.sdg_status, "light": v.light,
            "completion_to_date": v.completion_to_date, "step_completion": v.step_completion,
            "target_year": v.target_year, "target_value": v.target_value,
            "forecast": v.forecast, "details": v.details, "sources": v.sources}


def evaluation_payload(session: Session, run_id: int, city: CityConfig, *,
                       published_only: bool = False) -> dict[str, Any]:
    """The ``evaluate --json`` contract from a stored run (``published_only``: aggregates, no lineage or
    warnings, for reporters and the public)."""
    from transcarbon.services import warnings

    run = session.get(CalculationRun, run_id)
    assert run is not None
    year = int(run.parameters["year"])  # type: ignore[call-overload]
    rows = {(v.indicator_id): v for v in stored_values(session, run_id) if v.year == year}
    indicators = [_indicator_json(ind, rows.get(ind.id), city) for ind in city.indicators]
    aux = rows.get(AUX_PORT)
    payload: dict[str, Any] = {
        "year": year, "run_id": run_id, "as_of": run.parameters.get("as_of"), "synthetic_note": None,
        "indicators": indicators,
        "auxiliary": [] if aux is None else [{"id": AUX_PORT, "name_zh": t("eval.aux.port_name", "zh"),
                                              "name_en": t("eval.aux.port_name", "en"), "value": aux.value,
                                              "unit": aux.unit, "measure": aux.measure,
                                              "measure_unit": aux.measure_unit}],
    }
    if published_only:
        keep = ("id", "name_zh", "name_en", "section", "kind", "unit", *[f"target_{y}" for y in city.target_years],
                "value", "status", "sdg_status", "light", "completion_to_date", "forecast", "departments")
        payload["indicators"] = [{k: i.get(k) for k in keep} for i in indicators]
        payload.pop("run_id")
        return payload
    payload["warnings"] = warnings.open_warnings_json(session, year)
    payload["summary"] = {light: sum(1 for i in indicators if i["light"] == light)
                          for light in ("green", "yellow", "red", "grey")}
    return payload
