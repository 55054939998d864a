"""Measures read from registers (台账) as they stood at the end of each period (year or quarter; registers give no
monthly rows): shares of the assets on the register, and bus-stop coverage of the built-up area.

- ``register_share`` [%] = 100 · Σ w [in scope and qualifying] ÷ Σ w [in scope], over the assets on the register
  on the period's last day; ``scope`` and ``qualifies`` are the indicator's expressions over the register's
  fields, ``w`` its ``weight`` field or 1 (count of assets). Inland non-dangerous-goods berths with shore
  power, ships ≥ 600 GT with receiving equipment, key terminals with rail, China II-or-older machinery
  replaced, stands with APU substitutes, eligible service areas with charging.
- ``stop_coverage`` [%] = 100 · coverage of the city's built-up area by the bus stops on the register within
  ``radius_m`` (:mod:`transcarbon.methods.coverage`), by district in the details.

Lineage: the register rows in force (``report_row_ids``) and their submissions.
"""

from __future__ import annotations

import polars as pl

from transcarbon.city.config import Indicator
from transcarbon.services.evaluation.frames import group_measure, period_ends, safe_ratio
from transcarbon.services.evaluation.inputs import Inputs
from transcarbon.services.registers import as_of
from transcarbon.services.report_rules import compile_expression
from transcarbon.services.stop_coverage import coverage_of


def _snapshots(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """The register's rows in force at the end of each period group of ``by``, with the group's columns."""
    rt_id = ind.computation.report_type or ""
    rows = inp.reports.get(rt_id)
    rt = inp.registers.get(rt_id)
    if rows is None or rt is None or "month" in by:
        return pl.DataFrame(schema={b: pl.Int64 for b in by})
    parts = []
    for labels, day in period_ends([y for y in inp.years if y <= inp.year], by):
        snap = as_of(rows, rt, day)
        if snap.height:
            parts.append(snap.with_columns(pl.lit(v, dtype=pl.Int64).alias(k) for k, v in labels.items()))
    if not parts:
        return pl.DataFrame(schema={b: pl.Int64 for b in by})
    return pl.concat(parts, how="vertical_relaxed")


def _condition(text: str | None) -> pl.Expr:
    return pl.lit(True) if text is None else compile_expression(text).fill_null(False)


def weighted_share(frame: pl.DataFrame, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """100 · Σ w of the qualifying rows ÷ Σ w of the rows in scope, per group (lineage: the rows in scope)."""
    c = ind.computation
    if frame.height == 0:
        return group_measure(frame, by, pl.lit(None))
    weight = pl.col(c.weight).fill_null(0.0) if c.weight else pl.col("report_row_id").is_not_null().cast(pl.Float64)
    in_scope = frame.filter(_condition(c.scope))
    return group_measure(in_scope, by, safe_ratio(weight.filter(_condition(c.qualifies)).sum(), weight.sum(), 100.0))


def register_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Share of the register's assets in scope that qualify, at each period's end [%]."""
    return weighted_share(_snapshots(inp, ind, by), ind, by)


def stop_coverage_share(inp: Inputs, ind: Indicator, by: list[str]) -> pl.DataFrame:
    """Coverage of the built-up area by the stops on the register at each period's end [%], by district too."""
    snaps = _snapshots(inp, ind, by)
    area = inp.built_up_area
    radius = ind.computation.radius_m or 500.0
    if area is None or snaps.height == 0:
        return group_measure(pl.DataFrame(), by, pl.lit(None))
    computed: dict[tuple[int, ...], tuple[float, list[dict[str, object]]]] = {}
    out = []
    for keys, group in snaps.group_by(by, maintain_order=True):
        stops = group.filter(pl.col("stop_lat").is_not_null() & pl.col("stop_lon").is_not_null())
        ids = tuple(sorted(int(i) for i in stops["report_row_id"].to_list()))
        if ids not in computed:  # the same stops at another period's end: the same coverage
            cov = coverage_of(stops, area, radius)
            computed[ids] = (
                100.0 * cov.coverage,
                [
                    {
                        "id": a.area_id,
                        "name_zh": area.names[a.area_id][0],
                        "name_en": area.names[a.area_id][1],
                        "coverage_pct": 100.0 * a.coverage,
                        "area_km2": a.area_km2,
                        "covered_km2": a.covered_km2,
                    }
                    for a in cov.areas
                ],
            )
        measure, by_area = computed[ids]
        out.append(
            {
                **{b: int(k) for b, k in zip(by, keys, strict=True)},
                "measure": measure,
                "result_ids": [],
                "run_ids": [],
                "submission_ids": sorted({int(s) for s in stops["submission_id"].to_list()}),
                "report_row_ids": list(ids),
                "detail_by_area": by_area,
                "detail_stops": len(ids),
                "detail_approximate_area": area.approximate,
            }
        )
    return pl.DataFrame(out).sort(by)
