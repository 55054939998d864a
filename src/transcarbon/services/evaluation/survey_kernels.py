"""Measures from reported rows within each period: shares of survey trips, ratios of two reported sums, and the
public-transport mode share by one of two paths.

- ``row_share`` [%] = 100 · Σ w [in scope and qualifying] ÷ Σ w [in scope] over the period's rows (the travel
  survey's trips per day by mode and area: the central city's green-trip share).
- ``ratio_of_sums`` [%] = 100 · Σ numerator ÷ Σ denominator over the period's rows (APU substitutes: turns
  served ÷ turns at equipped stands).
- ``public_transport_mode_share`` [%]: from the year's travel survey when there is one (``path`` survey:
  public-transport trips ÷ motorised trips, ``scope``/``qualifies``/``weight`` as for ``row_share``); otherwise
  (and within the year, by month or quarter) from ridership (``path`` ridership)::

      share = 100 · (B / D) / b ÷ (T · 10⁴)

  with ``B`` the boardings of the ridership modes in the period [人次], ``D`` the days of its reported months,
  ``b`` the boardings per public-transport trip and ``T`` all motorised trips per day [万人次/日] of the year's
  estimate for the configured area.

Lineage: the rows used (``report_row_ids``) and their submissions; ``detail_path`` says which path.
"""

from __future__ import annotations

import calendar

import polars as pl

from transcarbon.city.config import Indicator
from transcarbon.services.evaluation.frames import group_measure, safe_ratio
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.register_kernels import weighted_share


def _rows(inp: Inputs, report_type: str | None) -> pl.DataFrame:
    return inp.reports.get(report_type or "", pl.DataFrame(schema={"year": pl.Int64, "month": pl.Int64}))


def _within(rows: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Rows that belong to a group of ``by``: annual rows to years only, monthly rows to every grain."""
    if rows.height == 0 or by == ["year"]:
        return rows
    return rows.filter(pl.col("month").is_not_null())


def row_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Weighted share of the period's rows in scope that qualify [%]."""
    return weighted_share(_within(_rows(inp, ind.computation.report_type), by), ind, by)


def ratio_of_sums(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """100 · Σ numerator ÷ Σ denominator over the period's rows [%]."""
    c = ind.computation
    rows = _within(_rows(inp, c.report_type), by)
    if rows.height == 0 or not c.numerator or not c.denominator:
        return group_measure(pl.DataFrame(), by, pl.lit(None))
    return group_measure(
        rows, by, safe_ratio(pl.col(c.numerator).fill_null(0).sum(), pl.col(c.denominator).fill_null(0).sum(), 100.0)
    )


def _ridership_path(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    rid = ind.computation.ridership
    if rid is None:
        return group_measure(pl.DataFrame(), by, pl.lit(None))
    boardings = _rows(inp, rid.report_type)
    estimate = _rows(inp, rid.estimate_report_type)
    if boardings.height == 0 or estimate.height == 0:
        return group_measure(pl.DataFrame(), by, pl.lit(None))
    boardings = boardings.filter(pl.col("mode").is_in(rid.modes), pl.col("month").is_not_null()).with_columns(
        days=pl.struct("year", "month").map_elements(
            lambda ym: calendar.monthrange(ym["year"], ym["month"])[1], return_dtype=pl.Int64
        )
    )
    estimate = estimate.filter(pl.col("area") == rid.area).select(
        "year",
        pl.col("motorised_trips_daily").alias("_trips_daily"),
        pl.col("boardings_per_trip").alias("_per_trip"),
        pl.col("submission_id").alias("_est_submission"),
        pl.col("report_row_id").alias("_est_row"),
    )
    joined = boardings.join(estimate, on="year", how="inner")
    if joined.height == 0:
        return group_measure(pl.DataFrame(), by, pl.lit(None))
    days = pl.struct("year", "month", "days").unique().struct.field("days").sum()
    share = safe_ratio(
        pl.col("passengers").sum() / days / pl.col("_per_trip").first(), pl.col("_trips_daily").first() * 1e4, 100.0
    )
    return (
        joined.group_by(by)
        .agg(
            share.cast(pl.Float64).alias("measure"),
            pl.lit([], dtype=pl.List(pl.Int64)).alias("result_ids"),
            pl.lit([], dtype=pl.List(pl.Int64)).alias("run_ids"),
            pl.col("submission_id").append(pl.col("_est_submission")).unique().sort().alias("submission_ids"),
            pl.col("report_row_id").append(pl.col("_est_row")).unique().sort().alias("report_row_ids"),
        )
        .with_columns(detail_path=pl.lit("ridership"))
        .sort(by)
    )


def mode_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """The public-transport share of motorised trips [%]: the year's survey, else ridership over an estimate."""
    ridership = _ridership_path(inp, ind, by)
    if by != ["year"]:
        return ridership
    survey = row_share(inp, ind, by).filter(pl.col("measure").is_not_null()).with_columns(detail_path=pl.lit("survey"))
    rest = ridership.join(survey.select("year"), on="year", how="anti")
    return pl.concat([survey, rest], how="diagonal_relaxed").sort("year")
