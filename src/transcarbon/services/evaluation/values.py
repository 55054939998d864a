"""Every indicator's rows of an evaluated year from the :class:`Inputs`: :func:`compute_values`.

Per indicator of the city YAML (``indicators:``), by where its data come from:

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
  container multimodal (sea–rail + river–sea TEU) CAGR since 2020 (:mod:`.kernels`).
- **milestones** from approved milestone evidence: done / in progress / not started / overdue
  (:mod:`.milestones`).
- indicators whose data the platform does not collect yet (``source: none`` or ``no_data_reason``)
  are listed with ``no_data`` and the YAML's reason.

Status, lights, completion and forecast of each numeric series: :mod:`.series`; the value's 95% range and
data-quality grade: :mod:`.quality`. An indicator with named scopes (``computation.scopes``) is valued in its
default scope, and each row lists every scope's value beside it (``details.scopes``) with the base year's grid
factor as the inventory recorded it (``details.base_grid``: a proxy where none was published for that year).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from transcarbon.city.config import CityConfig, Indicator
from transcarbon.city.reports import ReportCatalog
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods import progress as pg
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.evaluation.kernels import AUX_PORT, KERNELS, inventory_intensity, port_co2_per_tonne
from transcarbon.services.evaluation.milestones import (
    count_series,
    evaluate_milestone,
    indicative_figures,
    milestone_evidence,
)
from transcarbon.services.evaluation.quality import attach_quality
from transcarbon.services.evaluation.scopes import base_grid
from transcarbon.services.evaluation.series import (
    Context,
    empty_row,
    evaluate_series,
    missing_row,
    nan_to_none,
    reason_text,
    sub_annual_rows,
)

_NAN = float("nan")


def compute_values(inp: Inputs, city: CityConfig, catalog: ReportCatalog, as_of: date) -> list[dict[str, Any]]:
    """Every indicator's rows (annual with status; monthly and quarterly where the data allow), plus auxiliary ones."""
    ctx = Context(city, catalog, inp.year, as_of)
    library = FactorLibrary.load()
    out: list[dict[str, Any]] = []
    for ind in city.indicators:
        c = ind.computation
        if not ind.has_data_source:
            reason = c.no_data_reason.model_dump() if c.no_data_reason else reason_text("eval.reason.no_source")
            row = empty_row(ind, inp.year)
            row.update(
                status=pg.Status.NO_DATA.value,
                sdg_status=pg.Status.NO_DATA.value,
                light=city.progress.lights[pg.Status.NO_DATA.value],
            )
            row["details"]["no_data_reason"] = reason
            row["details"]["no_source"] = True
            out.append(row)
            continue
        if ind.kind == "milestone":
            rows = evaluate_milestone(ctx, ind, milestone_evidence(inp, ind))
            indicative = indicative_figures(inp, ind)
            if indicative:
                for r in rows:
                    r["details"]["indicative"] = {
                        "measure": c.indicative_measure,
                        "unit": c.measure_unit,
                        "by_year": indicative,
                    }
            out += rows
            continue
        if c.source == "milestone":  # a counted milestone
            out += evaluate_series(ctx, ind, count_series(inp, ind))
            continue
        kernel = KERNELS.get(c.measure or "")
        if kernel is None:
            out.append(
                missing_row(ctx, ind, empty_row(ind, inp.year), reason_text("eval.reason.no_kernel", measure=c.measure))
            )
            continue
        annual = evaluate_series(ctx, ind, kernel(inp, ind, ["year"]))
        attach_quality(inp, ind, annual, library)
        if ind.computation.scopes:
            _with_scopes(inp, ind, annual)
        out += annual
        out += sub_annual_rows(ctx, inp, ind, kernel, annual, "month")
        out += sub_annual_rows(ctx, inp, ind, kernel, annual, "quarter")
    # auxiliary: port CO2 per tonne (province's −3 %, no plan indicator)
    aux = port_co2_per_tonne(inp, ["year"]).filter(pl.col("measure").is_not_null())
    base = aux.filter(pl.col("year") == city.progress.default_base_year)["measure"]
    for r in aux.iter_rows(named=True):
        b = float(base[0]) if base.len() else _NAN
        fall = nan_to_none(float(pg.reduction_pct(b, r["measure"])))
        out.append(
            {
                "indicator_id": AUX_PORT,
                "year": r["year"],
                "month": None,
                "period": str(r["year"]),
                "measure": r["measure"],
                "measure_unit": "kgCO2/t",
                "value": fall,
                "unit": "%",
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
                "details": {"auxiliary": True, "base_year": city.progress.default_base_year},
                "sources": {"result_ids": r["result_ids"], "run_ids": r["run_ids"], "submission_ids": []},
                "quarter": None,
            }
        )
    return out


def _with_scopes(inp: Inputs, ind: Indicator, annual: list[dict[str, Any]]) -> None:
    """Every scope's measure and value beside each annual row (``details.scopes``), and the base year's grid
    factor as the inventory recorded it (``details.base_grid``)."""
    series = {
        sc.id: {int(r["year"]): r["measure"] for r in inventory_intensity(inp, ind, ["year"], sc).iter_rows(named=True)}
        for sc in ind.computation.scopes
    }
    base_year = ind.base_year
    grid = base_grid(inp, base_year).to_dicts() if base_year is not None else []
    for row in annual:
        entries = []
        for sc in ind.computation.scopes:
            m, m0 = series[sc.id].get(row["year"]), series[sc.id].get(base_year or -1)
            value = None if m is None or not m0 else float(pg.reduction_pct(m0, m)) if ind.kind == "reduction" else m
            entries.append(
                {
                    "id": sc.id,
                    "name": sc.name.model_dump(),
                    "note": sc.note.model_dump() if sc.note else None,
                    "grid": sc.grid,
                    "default": sc.id == ind.computation.default_scope,
                    "measure": m,
                    "value": nan_to_none(value),
                }
            )
        row["details"]["scopes"] = entries
        row["details"]["base_grid"] = grid
