"""One indicator's annual rows from its measure series: value, status, lights, completion and forecast.

Progress (:mod:`transcarbon.methods.progress`): Open SDG status from the CAGR ratio (its no-target bands
scaled near a natural limit), completion to date against the target path (linear or compound, YAML
``progress.trajectory``), China's weather-chart light on the cumulative path and on the annual step,
``no_data``/``late`` against the report types' deadlines. In a target year the status is ``achieved`` or
``missed`` on the observed value. The light shown is green when the target is met, else the city's rule
for the kind (``progress.light_rules``: the worse of the judged path and step lights, or the status light),
stored with what decided it. Forecast (:mod:`transcarbon.methods.forecast`, the estimator and interval of
``progress.forecast.method``) to every later target year, indicative; the target year itself is judged on
the observed value (probability 1 or 0, no forecast). The first is the row's ``forecast``.

Reported value from the measure ``m`` and the base ``m0`` by kind: ``reduction`` 100 (1 − m/m0) [%],
``multiple`` m/m0 [–], ``growth`` 100 · CAGR since the base year [%/yr], else ``m`` itself. Monthly and
quarterly rows (:func:`sub_annual_rows`) carry measure and value, and a quarter of the evaluated year the target
path at the quarter's end with its light, so that warnings come within the year.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
from transcarbon.services.evaluation.frames import Kernel
from transcarbon.services.evaluation.inputs import Inputs

INVENTORY_REPORT = "energy_activity"
"""The report type whose deadline applies to inventory-based indicators."""
MONTHLY_KINDS = ("ratio", "reduction", "multiple", "count")
"""Indicator kinds that also get monthly and quarterly rows where the data allow."""
LINEAGE_LISTS = ("result_ids", "run_ids", "submission_ids", "report_row_ids")
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


def _period_text(year: int, month: int | None, quarter: int | None) -> str:
    if month is not None:
        return f"{year}-{month:02d}"
    return f"{year}" if quarter is None else f"{year}-Q{quarter}"


def empty_row(ind: Indicator, year: int, month: int | None = None, quarter: int | None = None) -> dict[str, Any]:
    """A stored value row of the indicator for the period (a year, a month or a quarter), nothing computed yet."""
    return {
        "indicator_id": ind.id,
        "year": year,
        "month": month,
        "quarter": quarter,
        "period": _period_text(year, month, quarter),
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
        "value_low": None,
        "value_high": None,
        "quality_grade": None,
        "details": {},
        "sources": {k: [] for k in LINEAGE_LISTS},
    }


def sources_of(src: dict[str, Any]) -> dict[str, list[int]]:
    """The lineage lists of a kernel row, as stored with a value."""
    return {k: [int(x) for x in (src.get(k) or [])] for k in LINEAGE_LISTS}


def details_of(src: dict[str, Any]) -> dict[str, Any]:
    """The ``detail_<name>`` columns of a kernel row as ``{name: value}``."""
    return {k[len("detail_") :]: v for k, v in src.items() if k.startswith("detail_") and v is not None}


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
        natural_limit=ind.limit,
    )
    # in its target year an indicator is judged on the observed value: achieved or missed
    in_target_year = (tyears > 0) & (tyears == ys)
    status = np.where(in_target_year, pg.target_year_status(ms, tmeasure, ind.direction), sdg.status)
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
    status_light = pg.status_light(status, prog.lights)
    path_light = pg.weather_chart_light(base, ms, base, path, ind.direction)
    step_light = pg.weather_chart_light(prev, ms, path_prev, path, ind.direction)
    rule = prog.light_rules[ind.kind if ind.kind != "milestone" else "count"]
    # without a numeric target there is no path to judge against: the trend bands' light stands
    rule_name = rule.rule if len(wy) >= 2 else "open_sdg"
    light, decided_by = _rule_light(rule_name, rule.judge, status, status_light, path_light, step_light)
    by_year = {int(y): i for i, y in enumerate(ys)}
    for y in range(base_year, ctx.year + 1):
        row = empty_row(ind, y)
        if y not in by_year:
            rows.append(missing_row(ctx, ind, row, None))
            continue
        i = by_year[y]
        src = lineage[y]
        own, base_ids = sources_of(src), sources_of(base_src) if base_src and ind.kind != "ratio" else {}
        ids = {k: sorted(set(own[k]) | set(base_ids.get(k, []))) for k in LINEAGE_LISTS}
        row.update(
            measure=float(ms[i]),
            value=nan_to_none(values[i]),
            status=str(status[i]),
            sdg_status=str(sdg.status[i]),
            light=str(light[i]),
            completion_to_date=nan_to_none(completion[i]),
            step_completion=nan_to_none(step[i]),
            target_year=int(tyears[i]) or None,
            target_value=nan_to_none(g[i]),
            target_measure=nan_to_none(tmeasure[i]),
            sources={**ids, **_basis(src)},
            details={
                **details_of(src),
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
                "light_rule": {"rule": rule_name, "judged": list(rule.judge), "decided_by": str(decided_by[i])},
                "target_year_judged": bool(in_target_year[i]),
                "natural_limit": ind.limit,
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


def _rule_light(
    rule: str,
    judged: Sequence[str],
    status: np.ndarray,
    status_light: np.ndarray,
    path_light: np.ndarray,
    step_light: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The light shown and what decided it: a target met is green (``status``); else the city's rule for the
    kind, ``weather_chart`` (the worse of the judged path and step lights) or ``open_sdg`` (the status light,
    also for an indicator without a numeric target, which has no path to judge against)."""
    achieved = status == pg.Status.ACHIEVED.value
    if rule == "open_sdg":
        return np.where(achieved, pg.Light.GREEN.value, status_light), np.full(status.shape, "status")
    lights = {"path": path_light, "step": step_light}
    worst = pg.worst_light(*[lights[j] for j in judged])
    decided = np.select([lights[j] == worst for j in judged], judged, default=judged[0])
    decided = np.where(achieved, "status", decided)
    return np.where(achieved, pg.Light.GREEN.value, worst), decided


def _judged(ind: Indicator, base: float, base_year: int, year: int, m: float, tm: float) -> dict[str, Any]:
    """The target year judged on the observed measure ``m``: met or not, probability 1 or 0, no forecast."""
    met = str(pg.target_year_status(m, tm, ind.direction)) == pg.Status.ACHIEVED.value
    value = nan_to_none(_to_value(ind, base, base_year, year, m))
    return {
        "year": year,
        "value": value,
        "low": None,
        "high": None,
        "p_meet": 1.0 if met else 0.0,
        "measure": m,
        "target_measure": tm,
        "method": "observed",
        "indicative": False,
    }


def _forecasts(
    ctx: Context, ind: Indicator, ys: np.ndarray, ms: np.ndarray, base: float, base_year: int
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Per numeric target year not before the evaluated one: the target year itself judged on the observed
    value (:func:`_judged`), later ones forecast (indicative; no interval or probability below the city's
    ``min_points`` observed years)."""
    fc = ctx.city.progress.forecast
    out: list[dict[str, Any]] = []
    bounds = (0.0, 100.0) if ind.unit == "%" and ind.kind == "ratio" else None
    kind = ind.kind if ind.kind != "milestone" else "count"
    for ty in [y for y in numeric_target_years(ind) if y >= ctx.year]:
        g = ind.target_value(ty)
        assert g is not None
        tm = float(pg.measure_target(kind, g, base, base_year, ty))
        if ty == ctx.year and ys.size and int(ys[-1]) == ty:
            out.append(_judged(ind, base, base_year, ty, float(ms[-1]), tm))
            continue
        f = forecast_to_year(
            ys,
            ms,
            ty,
            level=fc.interval_level,
            target_value=tm,
            direction=ind.direction,
            method=fc.method,
            min_points=fc.min_points,
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
                "method": f.method,
                "n_points": f.n_points,
                "min_points": fc.min_points,
                "indicative": True,
            }
        )
    if not out:
        return None, []
    first = out[0]
    return {k: first[k] for k in ("year", "value", "low", "high", "p_meet", "method", "indicative")}, out


def sub_annual_rows(
    ctx: Context, inp: Inputs, ind: Indicator, kernel: Kernel, annual: list[dict[str, Any]], grain: str
) -> list[dict[str, Any]]:
    """Monthly or quarterly rows (``grain`` ``month`` | ``quarter``): measure and value against the annual base
    (a multiple against the base year's same month or quarter). A quarter of the evaluated year also carries the
    target path at the quarter's end (``path_measure``), its completion and light (``path_light``)."""
    if ind.kind not in MONTHLY_KINDS:
        return []
    by = ["year", grain]
    m = kernel(inp, ind, by)
    if m.height == 0:
        return []
    m = m.filter(pl.col(grain).is_not_null(), pl.col("measure").is_not_null(), pl.col("year") <= ctx.year)
    if m.height == 0:
        return []
    base_row = next((r for r in annual if r["details"].get("base_year") == r["year"]), None)
    base_year = base_row["year"] if base_row else None
    base = base_row["measure"] if base_row else None
    if ind.kind == "multiple" and base_year is not None:
        same = m.filter(pl.col("year") == base_year).select(grain, pl.col("measure").alias("base"))
        m = m.join(same, on=grain, how="left")
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
        period = {grain: int(r[grain])}
        row = empty_row(ind, int(r["year"]), **period)
        row.update(
            measure=r["measure"],
            value=nan_to_none(r["value"]),
            sources={**sources_of(r), **_basis(r)},
            details=details_of(r),
        )
        if grain == "quarter" and r["year"] == ctx.year and base is not None:
            row["details"].update(_quarter_path(ctx, ind, base, base_year or ctx.year, int(r["year"]), r))
        out.append(row)
    return out


def _quarter_path(
    ctx: Context, ind: Indicator, base: float, base_year: int, year: int, r: dict[str, Any]
) -> dict[str, Any]:
    """Where the target path stands at the end of quarter ``r["quarter"]`` of ``year``, and how far the
    quarter's measure has come along it: completion (as for the year) and its light by the weather-chart rule
    on the cumulative path (the base value and the path's start against the quarter's measure and path)."""
    ys = [base_year, *[y for y in numeric_target_years(ind) if y > base_year]]
    if len(ys) < 2 or ind.kind == "multiple":  # a quarter's multiple is against the base year's same quarter
        return {}
    kind = ind.kind if ind.kind != "milestone" else "count"
    vs = [base, *[float(pg.measure_target(kind, ind.target_value(y) or _NAN, base, base_year, y)) for y in ys[1:]]]
    t = np.array([year - 1 + int(r["quarter"]) / 4.0])
    path = pg.target_path(ys, vs, t, shape="linear")
    completion = pg.completion_to_date(base, np.array([float(r["measure"])]), path)
    light = pg.weather_chart_light(base, float(r["measure"]), vs[0], path, ind.direction)
    return {
        "path_measure": nan_to_none(float(path[0])),
        "completion_to_date": nan_to_none(float(completion[0])),
        "path_light": str(light[0]),
    }
