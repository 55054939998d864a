"""What the measure kernels share: the :data:`Kernel` signature, a measure aggregated per period group with the
lineage lists of the rows behind it (:func:`group_measure`), safe ratios, and the last day of each period group
(:func:`period_ends`), at which a register is read.

A kernel's frame: one row per group of ``by`` (``["year"]``, ``["year", "quarter"]`` or ``["year", "month"]``)
with ``measure`` and the lineage lists ``result_ids``, ``run_ids``, ``submission_ids`` and ``report_row_ids``;
columns named ``detail_<name>`` are copied into the value's details as ``<name>``.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

import polars as pl

from transcarbon.city.config import Indicator
from transcarbon.services.evaluation.inputs import Inputs

LINEAGE = ("result_id", "run_id", "submission_id", "report_row_id")
"""The id columns whose unique values a measure carries as its lineage (``<name>s``)."""
Kernel = Callable[[Inputs, Indicator, list[str]], pl.DataFrame]


def lineage_cols(frame: pl.DataFrame) -> list[pl.Expr]:
    """The lineage lists of a group's rows (empty where the frame has no such id column)."""
    cols = []
    for name in LINEAGE:
        if name in frame.columns:
            cols.append(pl.col(name).unique().sort().alias(f"{name}s"))
        else:
            cols.append(pl.lit([], dtype=pl.List(pl.Int64)).alias(f"{name}s"))
    return cols


def group_measure(frame: pl.DataFrame, by: list[str], measure: pl.Expr) -> pl.DataFrame:
    """``measure`` aggregated per group of ``by``, with the lineage lists of each group's rows."""
    if frame.height == 0:
        return pl.DataFrame(
            schema={
                **{b: pl.Int64 for b in by},
                "measure": pl.Float64,
                "result_ids": pl.List(pl.Int64),
                "run_ids": pl.List(pl.Int64),
                "submission_ids": pl.List(pl.Int64),
                "report_row_ids": pl.List(pl.Int64),
            }
        )
    out = frame.group_by(by).agg(measure.alias("measure"), *lineage_cols(frame))
    return out.with_columns(pl.col("measure").cast(pl.Float64).fill_nan(None)).sort(by)


def safe_ratio(num: pl.Expr, den: pl.Expr, scale: float = 1.0) -> pl.Expr:
    """``scale · num / den``, null where ``den`` is not positive."""
    return pl.when(den > 0).then(num * scale / den).otherwise(None)


def period_ends(years: list[int], by: list[str]) -> list[tuple[dict[str, int], date]]:
    """Each period group of ``by`` within ``years`` and its last day (year, quarter or month end)."""
    out: list[tuple[dict[str, int], date]] = []
    for y in years:
        if by == ["year"]:
            out.append(({"year": y}, date(y, 12, 31)))
        elif "quarter" in by:
            out += [({"year": y, "quarter": q}, _month_end(y, 3 * q)) for q in range(1, 5)]
        else:
            out += [({"year": y, "month": m}, _month_end(y, m)) for m in range(1, 13)]
    return out


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
