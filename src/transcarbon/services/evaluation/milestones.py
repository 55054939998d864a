"""Milestones (里程碑): done / in progress / not started / overdue from approved milestone evidence.

A milestone is done in the first year its evidence says ``done``; before its due year (the next target
year) it is in progress once evidence says so, else not started; a year that is over and passed its due
year without ``done`` is overdue. A counted milestone (near-zero-carbon projects) is a numeric series of
the latest reported cumulative count per year. Beside some milestones the inventory gives an indicative
figure: land-transport oil use [tce] and the three-year mean growth of direct (scope 1) CO2 [%/yr].
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl

from transcarbon.city.config import Indicator
from transcarbon.methods import progress as pg
from transcarbon.services.evaluation.frames import group_measure
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.series import (
    Context,
    empty_row,
    missing_row,
    nan_to_none,
    next_target,
    reason_text,
)

MILESTONE_REPORT = "milestone_evidence"
"""The report type carrying milestone evidence."""
_NAN = float("nan")


def milestone_evidence(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    """Approved evidence rows of one milestone: year, status, count, submission_id."""
    rows = inp.reports.get(MILESTONE_REPORT)
    if rows is None or rows.height == 0 or "milestone_id" not in rows.columns:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "status": pl.String,
                "count": pl.Float64,
                "submission_id": pl.Int64,
                "evidence_text": pl.String,
            }
        )
    return (
        rows.filter(pl.col("milestone_id") == ind.id)
        .select("year", "status", "count", "submission_id", "evidence_text")
        .sort("year")
    )


def count_series(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    """A counted milestone (near-zero-carbon projects): the latest reported cumulative count per year."""
    ev = milestone_evidence(inp, ind).filter(pl.col("count").is_not_null())
    return group_measure(ev, ["year"], pl.col("count").max())


def evaluate_milestone(ctx: Context, ind: Indicator, evidence: pl.DataFrame) -> list[dict[str, Any]]:
    """Annual rows of a milestone from its approved evidence (done / in progress / not started / overdue)."""
    rows: list[dict[str, Any]] = []
    if evidence.height == 0:
        return [missing_row(ctx, ind, empty_row(ind, ctx.year), reason_text("eval.reason.no_evidence"))]
    first = int(evidence["year"].min())  # type: ignore[arg-type]
    years = np.arange(first, ctx.year + 1)
    ev_years = evidence["year"].to_numpy()
    st = evidence["status"].to_numpy()
    done = ev_years[st == "done"]
    done_year = float(done.min()) if done.size else _NAN
    started = np.array([bool(np.any((ev_years <= y) & np.isin(st, ["in_progress", "done"]))) for y in years])
    due = np.array([next_target(ind, int(y)) or _NAN for y in years], dtype=np.float64)
    # a year that is over counts as passed: not done by the end of its due year is overdue
    judged = np.where([ctx.as_of > date(int(y), 12, 31) for y in years], years + 1, years)
    status = pg.milestone_status(done_year, started, due, judged)
    light = pg.status_light(status, ctx.city.progress.milestone_lights)
    for i, y in enumerate(years):
        row = empty_row(ind, int(y))
        upto = evidence.filter(pl.col("year") <= int(y))
        latest = upto.tail(1).row(0, named=True) if upto.height else None
        row.update(
            value=1.0 if status[i] == pg.MilestoneStatus.DONE.value else 0.0,
            status=str(status[i]),
            sdg_status=None,
            light=str(light[i]),
            target_year=int(due[i]) if not np.isnan(due[i]) else None,
            target_value=1.0 if not np.isnan(due[i]) else None,
            sources={
                "result_ids": [],
                "run_ids": [],
                "submission_ids": sorted(int(s) for s in upto["submission_id"].unique().to_list()),
            },
            details={
                "done_year": None if np.isnan(done_year) else int(done_year),
                "latest_evidence": None
                if latest is None
                else {"year": latest["year"], "status": latest["status"], "text": latest["evidence_text"]},
            },
        )
        rows.append(row)
    return rows


def indicative_figures(inp: Inputs, ind: Indicator) -> dict[str, float | None]:
    """The inventory figure shown beside a milestone (land oil use [tce]; direct-emission growth [%/yr])."""
    m = ind.computation.indicative_measure
    if m == "oil_consumption_tce" and inp.fuels.height:
        f = inp.fuels.filter(
            pl.col("sector").is_in([s.value for s in ind.computation.sectors]),
            pl.col("fuel").is_in([x.value for x in ind.computation.fuels]),
        )
        g = f.group_by("year").agg(pl.col("energy_tce").sum()).sort("year")
        return {str(y): nan_to_none(v) for y, v in g.iter_rows()}
    if m == "scope1_co2_growth_pct" and inp.fuels.height:
        g = inp.fuels.group_by("year").agg(pl.col("scope1_co2_t").sum()).sort("year")
        g = g.with_columns(growth=(pl.col("scope1_co2_t") / pl.col("scope1_co2_t").shift(1) - 1) * 100)
        g = g.with_columns(rolling=pl.col("growth").rolling_mean(3))
        return {str(y): nan_to_none(v) for y, v in g.select("year", "rolling").iter_rows()}
    return {}
