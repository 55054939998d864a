"""Measure kernels: an indicator's measure per year (or year × month) from the :class:`Inputs`, and the
registry :data:`KERNELS` of the measures the city YAML may name (``computation.measure``).

Each kernel returns one row per group of ``by`` (``["year"]``, ``["year", "quarter"]`` or ``["year", "month"]``)
with ``measure`` (in the indicator's ``computation.measure_unit``) and the lineage lists of the rows it was computed
from (:mod:`.frames`).

- inventory intensities [kg CO2 per t·km] = 1000 · Σ CO2 [t] ÷ Σ activity [t·km] over the sectors of the
  indicator's default scope (:mod:`.scopes`; any scope through :func:`inventory_intensity`), with activity the
  converted t·km or the plain freight t·km;
- shares of additions [%]: qualifying power types ÷ all additions, over the YAML's categories;
- in-service shares and the new-energy share of the bus fleet [%] at the latest report of the period;
- the same shares from the registered fleet where the city file declares ``computation.registry`` and the
  register holds the year (the report-based path otherwise; ``basis`` says which);
- sums (shore-power kWh, sea–rail + river–sea TEU) and the rail + water share of bulk [%];
- shares of a register's assets as it stood at each period's end, and bus-stop coverage
  (:mod:`.register_kernels`);
- shares of survey trips, ratios of two reported sums, and the public-transport mode share by survey or
  ridership (:mod:`.survey_kernels`);
- auxiliary, no plan indicator: port CO2 per tonne of throughput [kg/t].
"""

from __future__ import annotations

import polars as pl

from transcarbon.city.config import Indicator, Scope
from transcarbon.services.evaluation.frames import Kernel, group_measure, safe_ratio
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.register_kernels import register_share, stop_coverage_share
from transcarbon.services.evaluation.scopes import scope_results
from transcarbon.services.evaluation.survey_kernels import mode_share, ratio_of_sums, row_share
from transcarbon.services.road.registry import filled, fleet_filter

AUX_PORT = "port_co2_per_tonne"
"""Id of the auxiliary port figure (the province's −3 %), shown apart from the plan's indicators."""


INVENTORY_ACTIVITY = {"intensity_kgco2_per_converted_tkm": "converted_tkm", "intensity_kgco2_per_tkm": "freight_tkm"}
"""The activity [t·km] each inventory intensity divides by."""


def inventory_intensity(inp: Inputs, ind: Indicator, by: list[str], scope: Scope) -> pl.DataFrame:
    """An inventory intensity [kg CO2 per t·km] of one scope: 1000 · Σ CO2 ÷ Σ activity per group of ``by``."""
    activity = INVENTORY_ACTIVITY[ind.computation.measure or ""]
    r = scope_results(inp, ind, scope, by)
    return group_measure(r, by, safe_ratio(pl.col("co2_t").sum(), pl.col(activity).fill_null(0).sum(), 1000.0))


def _default_scope_intensity(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    return inventory_intensity(inp, ind, by, ind.computation.named_scope())


def port_co2_per_tonne(inp: Inputs, by: list[str]) -> pl.DataFrame:
    """Auxiliary: port CO2 per tonne of throughput [kg/t]."""
    monthly = len(by) > 1  # by month or by quarter: from the monthly results
    r = inp.results.filter(
        pl.col("sector") == "port", pl.col("month").is_not_null() if monthly else pl.col("month").is_null()
    )
    return group_measure(r, by, safe_ratio(pl.col("co2_t").sum(), pl.col("throughput_t").fill_null(0).sum(), 1000.0))


def _rows(inp: Inputs, ind: Indicator) -> pl.DataFrame:
    rt = ind.computation.report_type or ""
    return inp.reports.get(rt, pl.DataFrame(schema={"year": pl.Int64, "month": pl.Int64}))


def _additions_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Share of additions [%]: qualifying power types ÷ all, over the YAML's categories."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return group_measure(rows, by, pl.lit(None))
    c = ind.computation
    rows = rows.filter(pl.col("category").is_in(c.categories), pl.col("added_count").is_not_null())
    qual = pl.col("power_type").is_in(c.qualifying)
    return group_measure(
        rows, by, safe_ratio(pl.col("added_count").filter(qual).sum(), pl.col("added_count").sum(), 100.0)
    )


def _latest_in_period(rows: pl.DataFrame, by: list[str], keys: list[str]) -> pl.DataFrame:
    """Rows of the last reported period within each ``by`` group per organisation and ``keys``."""
    return rows.filter(pl.col("period") == pl.col("period").max().over([*by, "org_id", *keys]))


def _in_service_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Share of the in-service stock [%] at the latest report of the period (in_service_count)."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return group_measure(rows, by, pl.lit(None))
    c = ind.computation
    rows = rows.filter(pl.col("category").is_in(c.categories), pl.col("in_service_count").is_not_null())
    rows = _latest_in_period(rows, by, ["category"])
    qual = pl.col("power_type").is_in(c.qualifying)
    return group_measure(
        rows, by, safe_ratio(pl.col("in_service_count").filter(qual).sum(), pl.col("in_service_count").sum(), 100.0)
    )


def _fleet_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """New-energy share of the fleet [%] at the latest report of the period (public_transport)."""
    rows = _rows(inp, ind)
    if rows.height == 0:
        return group_measure(rows, by, pl.lit(None))
    rows = rows.filter(pl.col("mode").is_in(ind.computation.categories), pl.col("fleet_size").is_not_null())
    rows = _latest_in_period(rows, by, ["mode"])
    return group_measure(
        rows, by, safe_ratio(pl.col("new_energy_fleet").fill_null(0).sum(), pl.col("fleet_size").sum(), 100.0)
    )


def _sum_of(expr: pl.Expr) -> Kernel:
    def kernel(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
        rows = _rows(inp, ind)
        if rows.height == 0:
            return group_measure(rows, by, pl.lit(None))
        return group_measure(rows, by, expr.sum())

    return kernel


def _bulk_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    rows = _rows(inp, ind)
    if rows.height == 0:
        return group_measure(rows, by, pl.lit(None))
    rows = rows.filter(pl.col("bulk_rail_water_t").is_not_null(), pl.col("bulk_total_t").is_not_null())
    return group_measure(rows, by, safe_ratio(pl.col("bulk_rail_water_t").sum(), pl.col("bulk_total_t").sum(), 100.0))


# ------------------------------------------------------------------ registered-fleet shares (road bottom-up)
# A share declared with ``computation.registry`` comes from the registered fleet (the register report type)
# for the years the register holds, with the categories the register lacks (vessels, airside equipment) added
# from the indicator's own report; the report-based kernel gives the other years. Every row names the report
# types it came from in ``basis`` (stored with the value's sources).

_REPORT_COUNT = {"new_registrations": "added_count", "stock": "in_service_count"}
"""The report's column counting the same thing as the register's count."""


def _with_basis(frame: pl.DataFrame, *report_types: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(list(report_types), dtype=pl.List(pl.String)).alias("basis"))


def _registry_share(report_kernel: Kernel) -> Kernel:
    def kernel(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
        c = ind.computation
        reg = c.registry
        reported = _with_basis(report_kernel(inp, ind, by), c.report_type or "")
        rows = inp.reports.get(reg.report_type) if reg else None
        if reg is None or rows is None or rows.is_empty():
            return reported
        years = sorted(set(rows["year"].to_list()))
        reported = reported.filter(~pl.col("year").is_in(years))
        if len(by) > 1:  # the register is annual: no monthly or quarterly shares in its years
            return reported
        count = pl.col(reg.count).fill_null(0.0)
        sel = filled(rows).filter(fleet_filter(reg.fleets))
        parts = [
            sel.select(
                "year",
                "submission_id",
                pl.when(pl.col("powertrain").is_in(reg.qualifying)).then(count).otherwise(0.0).alias("num"),
                count.alias("den"),
            )
        ]
        basis = [reg.report_type]
        extra = _rows(inp, ind)
        if reg.report_categories and extra.height:
            col = pl.col(_REPORT_COUNT[reg.count]).fill_null(0.0)
            extra = extra.filter(pl.col("year").is_in(years), pl.col("category").is_in(reg.report_categories))
            if reg.count == "stock":
                extra = _latest_in_period(extra, ["year"], ["category"])
            parts.append(
                extra.select(
                    "year",
                    "submission_id",
                    pl.when(pl.col("power_type").is_in(c.qualifying)).then(col).otherwise(0.0).alias("num"),
                    col.alias("den"),
                )
            )
            basis.append(c.report_type or "")
        frame = pl.concat(parts, how="vertical_relaxed")
        measured = _with_basis(
            group_measure(frame, by, safe_ratio(pl.col("num").sum(), pl.col("den").sum(), 100.0)), *basis
        )
        return pl.concat([measured, reported], how="vertical_relaxed").sort(by)

    return kernel


KERNELS: dict[str, Kernel] = {
    "intensity_kgco2_per_converted_tkm": _default_scope_intensity,
    "intensity_kgco2_per_tkm": _default_scope_intensity,
    "share_new_clean_energy_added": _registry_share(_additions_share),
    "nev_share_new_registrations": _registry_share(_additions_share),
    "electric_share_public_service_added": _registry_share(_additions_share),
    "nev_share_short_haul_heavy_and_muck_trucks_added": _registry_share(_additions_share),
    "clean_energy_share_port_container_trucks_in_service": _registry_share(_in_service_share),
    "electric_share_airside_equipment_in_service": _in_service_share,
    "new_energy_bus_share_of_fleet": _registry_share(_fleet_share),
    "shore_power_kwh": _sum_of(pl.col("kwh").fill_null(0)),
    "container_multimodal_teu": _sum_of(pl.col("sea_rail_teu").fill_null(0) + pl.col("river_sea_teu").fill_null(0)),
    "rail_water_share_bulk_collection_distribution": _bulk_share,
    "register_share": register_share,
    "stop_coverage": stop_coverage_share,
    "row_share": row_share,
    "ratio_of_sums": ratio_of_sums,
    "public_transport_mode_share": mode_share,
}
"""Measure name (``computation.measure`` of the YAML) → kernel. A measure without a kernel is no_data."""
