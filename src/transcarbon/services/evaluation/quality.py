"""Data quality and uncertainty of indicator values: the 95% range (IPCC approach 1), the grade, and whether
the range straddles the target.

Inventory indicators (:mod:`transcarbon.methods.uncertainty`): the CO2 of the scope's sectors in a year, by
factor row, with each row's activity variance, and the turnover's variance, give the intensity's
uncertainty ``u(I) = sqrt(u²(CO2) + u²(T))``; a value judged against the base year (a fall, a multiple, a
growth rate) takes the ratio ``R = I_t/I_0``, whose factor rows are correlated between the years::

    u²(R) = Σ_f u_F,f² (s_f,t − s_f,0)² + u²_A(CO2_t) + u²_A(CO2_0) + u²(T_t) + u²(T_0)

For a scope at the base year's grid factor, electricity is counted at that factor (and its row) every year.
The value's range follows from R (or from the level for a share or a count)::

    reduction  100 · (1 − R·(1 ± u))        multiple  R · (1 ∓ u)
    growth     100 · ((R·(1 ∓ u))^(1/n) − 1)    ratio, count  y · (1 ∓ u)

The grade is that of the CO2-weighted mean quality score of the scope's lines in the year.

Report-type indicators: the reports are reported data, so the measure takes the ``reported`` class's
uncertainty (5%) and a ratio of two years that in quadrature; the grade is the class's. Milestones carry
neither. A range that contains the target value says the target cannot be told met or missed within the
data's precision (``straddles_target``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from transcarbon.city.config import Indicator, Scope
from transcarbon.domain import DataQuality
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.uncertainty import combine_product, grade, level_u, ratio_u
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.kernels import INVENTORY_ACTIVITY
from transcarbon.services.evaluation.scopes import base_grid

_NAN = float("nan")


@dataclass(frozen=True)
class YearParts:
    """The approach-1 parts of an inventory intensity in one year: CO2 per factor row, turnover and score."""

    co2: pl.DataFrame  # factor_key, co2_t, a2, u_factor
    activity: float
    activity_a2: float
    score: float

    @property
    def u_activity(self) -> float:
        """u of the turnover [fraction]."""
        return math.sqrt(self.activity_a2) / self.activity if self.activity > 0 else _NAN


def year_parts(inp: Inputs, ind: Indicator, scope: Scope, year: int) -> YearParts | None:
    """The parts of the scope's intensity in ``year`` (None when the year has no lines)."""
    sectors = [s.value for s in scope.sectors]
    p = inp.parts.filter(pl.col("year") == year, pl.col("sector").is_in(sectors))
    if p.height == 0:
        return None
    act_col = "converted_a2" if INVENTORY_ACTIVITY[ind.computation.measure or ""] == "converted_tkm" else "freight_a2"
    activity = float(
        inp.results.filter(pl.col("year") == year, pl.col("month").is_null(), pl.col("sector").is_in(sectors))[
            INVENTORY_ACTIVITY[ind.computation.measure or ""]
        ]
        .fill_null(0.0)
        .sum()
    )
    co2 = p.select("factor_key", "co2_t", "a2", "u_factor")
    if scope.grid == "base_year" and ind.base_year is not None:
        co2 = co2.filter(~pl.col("factor_key").fill_null("").str.starts_with("grid:"))
        e = (
            inp.electricity.filter(pl.col("year") == year, pl.col("sector").is_in(sectors))
            .group_by("region", maintain_order=True)
            .agg(pl.col("kwh", "kwh_a2").sum())
            .join(base_grid(inp, ind.base_year), on="region", how="inner")
        )
        co2 = pl.concat(
            [
                co2,
                e.select(
                    pl.format("grid:{}:{}", "base_grid_region", "base_grid_year").alias("factor_key"),
                    (pl.col("kwh") * pl.col("ef_base") / 1000.0).alias("co2_t"),
                    (pl.col("kwh_a2") * (pl.col("ef_base") / 1000.0) ** 2).alias("a2"),
                    pl.col("u_base").alias("u_factor"),
                ),
            ]
        )
    co2 = (
        co2.with_columns(pl.col("factor_key").fill_null(""), pl.col("u_factor").fill_null(0.0))
        .group_by("factor_key", maintain_order=True)
        .agg(pl.col("co2_t").sum(), pl.col("a2").sum(), pl.col("u_factor").max())
        .sort("factor_key")
    )
    w = float(p["w"].sum())
    score = float(p["score_w"].sum()) / w if w > 0 else _NAN
    return YearParts(co2, activity, float(p[act_col].sum()), score)


def value_range(kind: str, measure: float, ratio: float, years_since: int, u: float) -> tuple[float, float]:
    """(low, high) of a value [its unit] with relative uncertainty ``u`` of its level or ratio (docstring)."""
    if math.isnan(u):
        return _NAN, _NAN
    if kind == "reduction":
        return 100.0 * (1.0 - ratio * (1.0 + u)), 100.0 * (1.0 - ratio * (1.0 - u))
    if kind == "multiple":
        return ratio * (1.0 - u), ratio * (1.0 + u)
    if kind == "growth":
        if years_since <= 0:
            return _NAN, _NAN
        lo, hi = max(ratio * (1.0 - u), 0.0), ratio * (1.0 + u)
        return 100.0 * (lo ** (1.0 / years_since) - 1.0), 100.0 * (hi ** (1.0 / years_since) - 1.0)
    return measure * (1.0 - u), measure * (1.0 + u)


def _reported(library: FactorLibrary) -> tuple[float, float]:
    """The ``reported`` class's uncertainty [fraction] and score."""
    t = library.default("activity_quality").table.filter(pl.col("data_quality") == DataQuality.REPORTED.value)
    return float(t["u_pct"][0]) / 100.0, float(t["score"][0])


def attach_quality(inp: Inputs, ind: Indicator, rows: list[dict[str, Any]], library: FactorLibrary) -> None:
    """Set ``value_low``, ``value_high``, ``quality_grade`` and ``details.uncertainty`` on the annual rows of a
    numeric indicator (in place); the base-year row and rows without a value get none."""
    if ind.kind == "milestone":
        return
    inventory = ind.computation.source == "inventory"
    scope = ind.computation.named_scope() if inventory else None
    u_rep, score_rep = _reported(library)
    parts: dict[int, YearParts | None] = {}
    for row in rows:
        base_year = row["details"].get("base_year")
        m, m0 = row.get("measure"), row["details"].get("base_measure")
        if row["value"] is None or m is None or base_year is None or row["year"] == base_year:
            continue
        against_base = ind.kind in ("reduction", "multiple", "growth")
        if scope is not None:
            y, b = row["year"], int(base_year)
            for yr in (y, b):
                if yr not in parts:
                    parts[yr] = year_parts(inp, ind, scope, yr)
            py, pb = parts[y], parts[b]
            if py is None:
                continue
            u_level = combine_product(level_u(py.co2), py.u_activity)
            u = u_level
            if against_base and pb is not None:
                u = combine_product(ratio_u(pb.co2, py.co2), py.u_activity, pb.u_activity)
            score = py.score
        else:
            u_level = u_rep
            u = combine_product(u_rep, u_rep) if against_base else u_rep
            score = score_rep
        ratio = m / m0 if m0 else _NAN
        low, high = value_range(ind.kind, m, ratio, row["year"] - int(base_year), u)
        target = row.get("target_value")
        straddles = target is not None and not math.isnan(low) and min(low, high) <= target <= max(low, high)
        row.update(
            value_low=None if math.isnan(low) else min(low, high),
            value_high=None if math.isnan(high) else max(low, high),
            quality_grade=grade(score),
        )
        row["details"]["uncertainty"] = {
            "method": "IPCC 2006 vol. 1 ch. 3, approach 1",
            "u_measure": None if math.isnan(u_level) else u_level,
            "u_value_basis": None if math.isnan(u) else u,
            "quality_score": None if math.isnan(score) else score,
            "straddles_target": straddles,
        }
