"""Named scopes of an inventory indicator (YAML ``computation.scopes``) and their measure by year or month.

A scope sums CO2 and activity over its sectors. With ``grid: base_year`` electricity is counted at the grid
factor the base year's inventory used, in every year: per year, sector and region

    CO2_const = CO2 − scope-2 CO2 + kWh · EF_base(region) / 1000

so that a fall in intensity is not only a cleaner grid. The base year's factor is itself a recorded proxy
where none was published for that year (MEE's first published year is 2021): :func:`base_grid` returns it
with the fallback the inventory recorded.
"""

from __future__ import annotations

import polars as pl

from transcarbon.city.config import Indicator, Scope
from transcarbon.services.evaluation.inputs import Inputs


def base_grid(inp: Inputs, base_year: int) -> pl.DataFrame:
    """The grid factor of each region in the base year's inventory: ``region, ef_base, base_grid_region,
    base_grid_year, u_base, fallback`` (empty when the base year had no electricity)."""
    g = inp.grid_used
    if g.height == 0:
        return pl.DataFrame(
            schema={
                "region": pl.String,
                "ef_base": pl.Float64,
                "base_grid_region": pl.String,
                "base_grid_year": pl.Int64,
                "u_base": pl.Float64,
                "fallback": pl.String,
            }
        )
    return g.filter(pl.col("year") == base_year).select(
        "region",
        pl.col("kgco2_per_kwh").alias("ef_base"),
        pl.col("grid_region").alias("base_grid_region"),
        pl.col("grid_year").alias("base_grid_year"),
        pl.col("u_factor").alias("u_base"),
        "fallback",
    )


def _constant_grid_delta(inp: Inputs, scope: Scope, base_year: int, monthly: bool) -> pl.DataFrame:
    """Per year (and month) and sector: what holding electricity at the base year's factor adds to CO2 [t]."""
    e = inp.electricity
    if e.height == 0:
        return pl.DataFrame(schema={"year": pl.Int64, "month": pl.Int64, "sector": pl.String, "delta": pl.Float64})
    e = e.filter(pl.col("sector").is_in([s.value for s in scope.sectors]))
    if not monthly:
        e = e.group_by("year", "sector", "region", maintain_order=True).agg(pl.col("kwh", "scope2_co2_t").sum())
        e = e.with_columns(pl.lit(None, pl.Int64).alias("month"))
    e = e.join(base_grid(inp, base_year), on="region", how="left")
    delta = pl.when(pl.col("ef_base").is_not_null()).then(
        pl.col("kwh") * pl.col("ef_base") / 1000.0 - pl.col("scope2_co2_t")
    )
    return e.group_by("year", "month", "sector", maintain_order=True).agg(delta.fill_null(0.0).sum().alias("delta"))


def scope_results(inp: Inputs, ind: Indicator, scope: Scope, by: list[str]) -> pl.DataFrame:
    """The inventory results (year or month × sector) of the scope's sectors, ``co2_t`` at the scope's grid."""
    monthly = len(by) > 1  # by month or by quarter: from the monthly results
    r = inp.results.filter(
        pl.col("sector").is_in([s.value for s in scope.sectors]),
        pl.col("month").is_not_null() if monthly else pl.col("month").is_null(),
    )
    if scope.grid == "base_year" and ind.base_year is not None and r.height:
        delta = _constant_grid_delta(inp, scope, ind.base_year, monthly)
        r = r.join(delta, on=["year", "month", "sector"], how="left", nulls_equal=True).with_columns(
            (pl.col("co2_t") + pl.col("delta").fill_null(0.0)).alias("co2_t")
        )
    return r
