"""One indicator's annual rows from its measure series: value, status, lights, completion and forecast.

Progress (:mod:`transcarbon.methods.progress`): Open SDG status from the CAGR ratio, completion to
date against the target path (linear or compound, YAML ``progress.trajectory``), China's weather-chart
light on the cumulative path and on the annual step, ``no_data``/``late`` against the report types'
deadlines. The light shown is green when achieved, else the worse of the status light and the path
light. Forecast (:mod:`transcarbon.methods.forecast`, Theil–Sen with a t prediction interval) to every
target year not before the evaluated year, with P(target met); the first is the row's ``forecast``.

Reported value from the measure ``m`` and the base ``m0`` by kind: ``reduction`` 100 (1 − m/m0) [%],
``multiple`` m/m0 [–], ``growth`` 100 · CAGR since the base year [%/yr], else ``m`` itself. Monthly rows
carry measure and value only (no status).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from transcarbon.city.config import CityConfig, Indicator
from transcarbon.city.reports import ReportCatalog
from transcarbon.domain import Period
from transcarbon.i18n import t
from transcarbon.methods import progress as pg
from transcarbon.methods.forecast import forecast_to_year
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.kernels import Kernel

INVENTORY_REPORT = "energy_activity"
"""The report type whose deadline applies to inventory-based indicators."""
MONTHLY_KINDS = ("ratio", "reduction", "multiple", "count")
"""Indicator kinds that also get monthly rows where the data allow."""
_NAN = float("nan")


def _value_of(kind: str, base: float, measure: np.ndarray, years_since: np.ndarray) -> np.ndarray:
    if kind == "reduction":
        return pg.reduction_pct(base, measure)
    if kind == "multiple":
        return pg.multiple_of_base(base, measure)
    if kind == "growth":
        return 100.0 * pg.cagr(base, measure, years_since)
    return np.asarray(measure, dtype=np.float64)


def numeric_target_years(ind: Indicator) -> list[int]:
    """The indicator's target years that have a numeric target, in order."""
    return [y for y in sorted(ind.targets) if ind.target_value(y) is not None]


def next_target(ind: Indicator, year: int) -> int | None:
    """The first numeric target year not before ``year`` (else the last one; None without any)."""
    ys = numeric_target_years(ind)
    later = [y for y in ys if y >= year]
    if later:
        return later[0]
    return ys[-1] if ys else None


def nan_to_none(x: float | None) -> float | None:
    """``x`` as a float, or None for None and NaN (what is stored and shown)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _due(catalog: ReportCatalog, city: CityConfig, ind: Indicator, year: int) -> date:
    rt_id = INVENTORY_REPORT if ind.computation.source == "inventory" else ind.computation.report_type
    try:
        rt = catalog.get(rt_id or "")
    except KeyError:
        return city.reporting_calendar.due_date(Period(year))
    return rt.due_date(Period(year, 12) if rt.period == "monthly" else Period(year))


def reason_text(key: str, **values: object) -> dict[str, str]:
    """A catalog message in both languages, ``{"zh": …, "en": …}`` (stored with a value)."""
    return {"zh": t(key, "zh", **values), "en": t(key, "en", **values)}


@dataclass
class Context:
    """What every indicator of one evaluation shares: the city, its report types, the year and the as-of date."""

    city: CityConfig
    catalog: ReportCatalog
    year: int
    as_of: date


def empty_row(ind: Indicator, year: int, month: int | None = None) -> dict[str, Any]:
    """A stored value row of the indicator for the period, with nothing computed yet."""
    return {
        "indicator_id": ind.id,
        "year": year,
        "month": month,
        "period": f"{year}" if month is None else f"{year}-{month:02d}",
        "measure": None,
        "measure_unit": ind.computation.measure_unit,
        "value": None,
        "unit": ind.unit,
        "status": None,
        "sdg_status": None,
        "light": None,
        "completion_to_date": None,
        "step_completion": None,
        "target_year": None,
        "target_value": None,
        "target_measure": None,
        "forecast": None,
        "details": {},
        "sources": {"result_ids": [], "run_ids": [], "submission_ids": []},
    }


def missing_row(ctx: Context, ind: Indicator, row: dict[str, Any], reason: dict[str, str] | None) -> dict[str, Any]:
    """Mark ``row`` as without data: ``late`` past the data's deadline, else ``no_data``, with the reason."""
    late = ind.has_data_source and ctx.as_of > _due(ctx.catalog, ctx.city, ind, row["year"])
    status = str(pg.with_data_status("x", False, late))
    row.update(status=status, sdg_status=status, light=ctx.city.progress.lights[status])
    row["details"]["no_data_reason"] = reason or reason_text(
        "eval.reason.late" if late else "eval.reason.no_data", year=row["year"]
    )
    row["details"]["due_date"] = _due(ctx.catalog, ctx.city, ind, row["year"]).isoformat()
    return row


def _basis(row: dict[str, Any]) -> dict[str, list[str]]:
    """The report types a kernel row came from (``basis``), where the kernel says."""
    return {"basis": list(row["basis"])} if row.get("basis") is not None else {}


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
        return [missing_row(ctx, ind, empty_row(ind, ctx.year), None)]
    in_base = ys == base_year
    base = float(ms[in_base][0]) if in_base.any() else _NAN
    rows: list[dict[str, Any]] = []
    lineage = {int(r["year"]): r for r in series.iter_rows(named=True)}
    base_src = lineage.get(base_year)
    if math.isnan(base) and ind.kind in ("reduction", "multiple", "growth"):
        for y in range(base_year, ctx.year + 1):
            row = empty_row(ind, y)
            if y in lineage:
                row["measure"] = float(lineage[y]["measure"])
            rows.append(missing_row(ctx, ind, row, reason_text("eval.reason.no_base", base_year=base_year)))
        return rows
    keep = ys >= base_year
    ys, ms = ys[keep], ms[keep]
    values = _value_of(ind.kind, base, ms, ys - base_year)
    # target of each year: the first target year not before it (else the last)
    tyears = np.array([next_target(ind, int(y)) or 0 for y in ys], dtype=np.int64)
    g = np.array([ind.target_value(int(ty)) if ty else _NAN for ty in tyears], dtype=np.float64)
    g = np.where(np.isnan(g), _NAN, g)
    kinds = np.full(ys.shape, ind.kind if ind.kind != "milestone" else "count")
    tmeasure = pg.measure_target(kinds, g, base, base_year, np.where(tyears > 0, tyears, ys))
    sdg = pg.sdg_progress(
        base,
        ms,
        tmeasure,
        base_year,
        ys,
        np.where(tyears > 0, tyears, ys),
        ind.direction,
        ratio_thresholds=pg.BandThresholds(**prog.sdg.model_dump()),
        no_target_thresholds=pg.BandThresholds(**prog.no_target_cagr.model_dump()),
    )
    # target path through the base and every numeric target
    wy = [base_year, *[y for y in numeric_target_years(ind) if y > base_year]]
    wv = [
        base,
        *[
            float(
                pg.measure_target(
                    ind.kind if ind.kind != "milestone" else "count", ind.target_value(y) or _NAN, base, base_year, y
                )
            )
            for y in wy[1:]
        ],
    ]
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
    light = np.where(
        sdg.status == pg.Status.ACHIEVED.value, pg.Light.GREEN.value, pg.worst_light(status_light, path_light)
    )
    by_year = {int(y): i for i, y in enumerate(ys)}
    for y in range(base_year, ctx.year + 1):
        row = empty_row(ind, y)
        if y not in by_year:
            rows.append(missing_row(ctx, ind, row, None))
            continue
        i = by_year[y]
        src = lineage[y]
        ids = {
            k: sorted(set(src[k]) | (set(base_src[k]) if base_src and ind.kind != "ratio" else set()))
            for k in ("result_ids", "run_ids", "submission_ids")
        }
        row.update(
            measure=float(ms[i]),
            value=nan_to_none(values[i]),
            status=str(sdg.status[i]),
            sdg_status=str(sdg.status[i]),
            light=str(light[i]),
            completion_to_date=nan_to_none(completion[i]),
            step_completion=nan_to_none(step[i]),
            target_year=int(tyears[i]) or None,
            target_value=nan_to_none(g[i]),
            target_measure=nan_to_none(tmeasure[i]),
            sources={
                "result_ids": [int(x) for x in ids["result_ids"]],
                "run_ids": [int(x) for x in ids["run_ids"]],
                "submission_ids": [int(x) for x in ids["submission_ids"]],
                **_basis(src),
            },
            details={
                "base_year": base_year,
                "base_measure": nan_to_none(base),
                "sdg_ratio": nan_to_none(sdg.ratio[i]),
                "cagr_observed": nan_to_none(sdg.cagr_observed[i]),
                "cagr_required": nan_to_none(sdg.cagr_required[i]),
                "rate_kind": str(sdg.rate_kind[i]) or None,
                "path_measure": nan_to_none(path[i]),
                "path_light": str(path_light[i]),
                "step_light": str(step_light[i]),
                "status_light": str(status_light[i]),
                "trajectory": shape,
            },
        )
        if y == base_year:  # one point: no progress yet; the base year is the reference
            row.update(
                status=pg.Status.NO_DATA.value,
                sdg_status=pg.Status.NO_DATA.value,
                light=prog.lights[pg.Status.NO_DATA.value],
            )
            row["details"]["no_data_reason"] = reason_text("eval.reason.base_year", base_year=base_year)
        rows.append(row)
    last = rows[-1] if rows else None
    if last is not None and last["year"] == ctx.year:
        last["forecast"], last["details"]["forecasts"] = _forecasts(ctx, ind, ys, ms, base, base_year)
    return rows


def _to_value(ind: Indicator, base: float, base_year: int, year: int, m: float) -> float:
    if math.isnan(m):
        return _NAN
    return float(_value_of(ind.kind, base, np.array([m]), np.array([year - base_year]))[0])


def _forecasts(
    ctx: Context, ind: Indicator, ys: np.ndarray, ms: np.ndarray, base: float, base_year: int
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    fc = ctx.city.progress.forecast
    out: list[dict[str, Any]] = []
    bounds = (0.0, 100.0) if ind.unit == "%" and ind.kind == "ratio" else None
    for ty in [y for y in numeric_target_years(ind) if y >= ctx.year]:
        g = ind.target_value(ty)
        assert g is not None
        tm = float(pg.measure_target(ind.kind if ind.kind != "milestone" else "count", g, base, base_year, ty))
        f = forecast_to_year(
            ys,
            ms,
            ty,
            level=fc.interval_level,
            target_value=tm,
            direction=ind.direction,
            method=fc.method,
            bounds=bounds,
        )
        lo, hi = _to_value(ind, base, base_year, ty, f.low), _to_value(ind, base, base_year, ty, f.high)
        if not (math.isnan(lo) or math.isnan(hi)) and lo > hi:
            lo, hi = hi, lo
        out.append(
            {
                "year": ty,
                "value": nan_to_none(_to_value(ind, base, base_year, ty, f.value)),
                "low": nan_to_none(lo),
                "high": nan_to_none(hi),
                "p_meet": nan_to_none(f.p_meet),
                "measure": nan_to_none(f.value),
                "target_measure": tm,
                "level": f.level,
                "method": f"theil_sen_{f.method}",
                "n_points": f.n_points,
            }
        )
    if not out:
        return None, []
    first = out[0]
    return {k: first[k] for k in ("year", "value", "low", "high", "p_meet")}, out


def monthly_rows(
    ctx: Context, inp: Inputs, ind: Indicator, kernel: Kernel, annual: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Monthly rows (measure and value against the annual base; the base year's same month for multiples)."""
    if ind.kind not in MONTHLY_KINDS:
        return []
    m = kernel(inp, ind, ["year", "month"]).filter(
        pl.col("month").is_not_null(), pl.col("measure").is_not_null(), pl.col("year") <= ctx.year
    )
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
        row = empty_row(ind, int(r["year"]), int(r["month"]))
        row.update(
            measure=r["measure"],
            value=nan_to_none(r["value"]),
            sources={
                "result_ids": r["result_ids"],
                "run_ids": r["run_ids"],
                "submission_ids": r["submission_ids"],
                **_basis(r),
            },
        )
        out.append(row)
    return out
