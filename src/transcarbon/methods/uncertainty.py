"""Uncertainty of inventory figures and indicator values (IPCC approach 1) and the data-quality grade.

Every uncertainty here is the half-width of a 95% confidence interval relative to the value, as a fraction
(``u = 0.05`` is ±5%); the factor tables hold it in % (``u_pct``) and callers divide by 100.

Approach 1: propagation of error [1]_
-------------------------------------
A product of independent quantities (eq. 3.1)::

    u(x₁·x₂·…) = sqrt(u₁² + u₂² + …)

A sum of independent quantities (eq. 3.2)::

    u(x₁ + x₂ + …) = sqrt((u₁·x₁)² + (u₂·x₂)² + …) / |x₁ + x₂ + …|

An inventory line is CO2 = activity × factor, so its activity error and its factor error combine by eq. 3.1.
Lines that use the same factor row (all diesel of one fuel-property set, all electricity of one grid region and
year) share that row's error: it is fully correlated among them, as approach 1 assumes within a category. So
the CO2 of a group of lines i with factor rows f has, as absolute variance [t²],

    U²(C) = Σ_i (u_A,i · c_i)² + Σ_f (u_F,f · C_f)²          C_f = Σ_{i uses f} c_i

which is eq. 3.2 over categories f, each category being eq. 3.1 of its summed activity and its factor.

Ratio of two years (the trend; approach 1 with type A and B sensitivities [1]_, table 3.2)
----------------------------------------------------------------------------------------
A value judged against a base year, such as an intensity's fall ``1 − I_t/I_0`` with ``I = C/T``, depends on
the ratio ``R = (C_t/C_0)·(T_0/T_t)``. A factor row used in both years moves both the same way, so only the
change in its share ``s_f = C_f/C`` remains (type A sensitivity); activity errors are independent between
years (type B, the √2 of table 3.2)::

    u²(R) = Σ_f u_F,f² (s_f,t − s_f,0)² + Σ_i (u_A,i c_i,t)²/C_t² + Σ_i (u_A,i c_i,0)²/C_0² + u²(T_t) + u²(T_0)

A factor row used in one year only (a grid factor of another year) has ``s_f = 0`` in the other: its error
counts whole. This is the first-order (delta-method) form of the table, exact for small u.

Data-quality grade
------------------
Each line scores its activity class (metered 0, reported 1, estimated 2, defaulted 3: the ``score`` column of
the ``activity_quality`` set), plus 1 when its CO2 factor row is still ``to_check``, plus 1 when a fallback was
taken (a grid factor of another year or region, an off-road CH4/N2O row). A result's score is the CO2-weighted
mean of its lines' (unweighted where it has no CO2); its grade is A (score ≤ 0.5), B (≤ 1.5), C (≤ 2.5) or D.

References
----------
.. [1] IPCC, 2006 IPCC Guidelines for National Greenhouse Gas Inventories, vol. 1, ch. 3 "Uncertainties",
   sec. 3.2.3.1 (approach 1: propagation of error), equations 3.1 and 3.2, table 3.2.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import polars as pl

GRADES: tuple[tuple[float, str], ...] = ((0.5, "A"), (1.5, "B"), (2.5, "C"))
"""Upper score of each grade; above the last: D."""


def combine_product(*u: float) -> float:
    """u of a product of independent quantities [fraction] (eq. 3.1 of [1]_)."""
    return math.sqrt(sum(x * x for x in u))


def combine_sum(values: Iterable[float], u: Iterable[float]) -> float:
    """u of a sum of independent quantities [fraction of the sum] (eq. 3.2 of [1]_); NaN for a zero sum."""
    vs, us = list(values), list(u)
    total = sum(vs)
    if total == 0:
        return float("nan")
    return math.sqrt(sum((ui * vi) ** 2 for vi, ui in zip(vs, us, strict=True))) / abs(total)


def grade(score: float | None) -> str | None:
    """The letter of a quality score (module docstring); None for None or NaN."""
    if score is None or math.isnan(score):
        return None
    for upper, letter in GRADES:
        if score <= upper:
            return letter
    return "D"


def grade_expr(score: pl.Expr) -> pl.Expr:
    """:func:`grade` as a Polars expression (null for a null score)."""
    (a_max, a), (b_max, b), (c_max, c) = GRADES
    return (
        pl.when(score.is_null() | score.is_nan())
        .then(None)
        .when(score <= a_max)
        .then(pl.lit(a))
        .when(score <= b_max)
        .then(pl.lit(b))
        .when(score <= c_max)
        .then(pl.lit(c))
        .otherwise(pl.lit("D"))
    )


def co2_variance_by(lines: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Absolute variance-like sum U²(C) [t²] of the CO2 of each group of ``by`` (module docstring).

    ``lines`` needs ``co2_t``, ``u_activity`` and ``u_factor`` [fractions] and ``factor_key`` (null where a line
    has no factor: it then contributes its activity term only). Returns ``by`` and ``co2_u2``.
    """
    keyed = lines.with_columns(
        (pl.col("u_activity") * pl.col("co2_t")).pow(2).alias("_a2"),
        pl.col("factor_key").fill_null(""),
    )
    # groups kept in their first appearance and then sorted, so the sums run in one order (bit-identical results)
    per_factor = (
        keyed.group_by([*by, "factor_key"], maintain_order=True)
        .agg(pl.col("_a2").sum(), pl.col("co2_t").sum().alias("_cf"), pl.col("u_factor").max().fill_null(0.0))
        .sort([*by, "factor_key"])
    )
    per_factor = per_factor.with_columns((pl.col("_a2") + (pl.col("u_factor") * pl.col("_cf")).pow(2)).alias("_v"))
    if not by:
        return per_factor.select(pl.col("_v").sum().alias("co2_u2"))
    return per_factor.group_by(by, maintain_order=True).agg(pl.col("_v").sum().alias("co2_u2"))


def level_u(parts: pl.DataFrame) -> float:
    """u of the CO2 of one group [fraction], from its parts per factor row.

    ``parts``: ``factor_key, co2_t, a2`` (Σ (u_A c)² of the row's lines [t²]) and ``u_factor`` [fraction].
    """
    c = float(parts["co2_t"].sum())
    if c == 0:
        return float("nan")
    v = float((parts["a2"] + (parts["u_factor"] * parts["co2_t"]) ** 2).sum())
    return math.sqrt(v) / abs(c)


def ratio_u(base: pl.DataFrame, year: pl.DataFrame) -> float:
    """u of C_year / C_base [fraction] with factor rows correlated between the years (module docstring).

    Both frames as for :func:`level_u`.
    """
    c0, c1 = float(base["co2_t"].sum()), float(year["co2_t"].sum())
    if c0 == 0 or c1 == 0:
        return float("nan")
    shares = (
        base.select("factor_key", (pl.col("co2_t") / c0).alias("s0"), pl.col("u_factor").alias("u0"))
        .join(
            year.select("factor_key", (pl.col("co2_t") / c1).alias("s1"), pl.col("u_factor").alias("u1")),
            on="factor_key",
            how="full",
            coalesce=True,
        )
        .with_columns(
            pl.col("s0").fill_null(0.0),
            pl.col("s1").fill_null(0.0),
            pl.max_horizontal(pl.col("u0").fill_null(0.0), pl.col("u1").fill_null(0.0)).alias("u_f"),
        )
    )
    factor = float(((shares["u_f"] * (shares["s1"] - shares["s0"])) ** 2).sum())
    activity = float(year["a2"].sum()) / c1**2 + float(base["a2"].sum()) / c0**2
    return math.sqrt(factor + activity)
