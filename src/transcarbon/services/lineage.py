"""Use case: the derivation of a stored result, down to input rows, files, factors and sources.

:func:`lineage` returns a plain dict (the API serves it as JSON; the CLI renders it as text):
the result, its run (method, code, parameters, factor sets with hashes, fallbacks, actor, times),
the formula, the input records with their batch and file, each distinct factor used with its source
and status, and a check that the lines add up to the result.
"""

from __future__ import annotations

from typing import Any, cast

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.inventory import DEFAULT_QUALITY, MEASURES, QUALITY_MEASURES
from transcarbon.store.models import ActivityRecord, CalculationLine, CalculationRun, ImportBatch, Result

FORMULA = [
    "E [GJ] = mass [t] × NCV [GJ/t]  (natural gas: volume [m3] / 10^4 × NCV [GJ/10^4m3]; electricity: kWh × 0.0036)",
    "scope 1 CO2 [t] = E × CC [tC/GJ] × OF × 44/12  (marine fuels: mass [t] × Cf [tCO2/t]; "
    "urea solution: mass [t] × purity × 12/60 × 44/12)",
    "CH4, N2O [t] = E / 1000 × EF [kg/TJ] / 1000  (rows per tonne, marine LNG engines: mass [t] × EF [kg/t] / 1000)",
    "scope 2 CO2 [t] = electricity [kWh] × grid factor [kgCO2/kWh] / 1000",
    "co2_t = scope 1 + scope 2;  co2e_t = co2_t + CH4 × GWP_CH4 + N2O × GWP_N2O",
    "energy_tce = E / 29.3076  (GB/T 2589: converted by the calorific value in use)",
    "converted_tkm = freight t·km + passenger p·km × k(mode, passenger kind)",
    "intensity [kgCO2 / t·km] = co2_t × 1000 / converted_tkm",
    "U(CO2)² [t²] = Σ_lines (u_activity × co2)² + Σ_factor rows (u_factor × Σ co2 of its lines)²  "
    "(IPCC 2006 vol. 1 ch. 3, approach 1; 95% half-widths)",
]
LINE_QUALITY = ("data_quality", "factor_key", "u_activity", "u_factor", "quality_score")


class LineageNotFound(LookupError):
    pass


def result_org(session: Session, result_id: int) -> str | None:
    """The organisation a stored result belongs to (``None``: a city or sector total, whose inputs are every
    organisation's rows); :class:`LineageNotFound` when there is no such result."""
    result = session.get(Result, result_id)
    if result is None:
        raise LineageNotFound(f"no result with id {result_id}")
    return result.org_id


def _result_dict(r: Result) -> dict[str, object]:
    dims = {"year": r.year, "month": r.month, "sector": r.sector, "org_id": r.org_id}
    return {
        "id": r.id,
        "run_id": r.run_id,
        **dims,
        **{m: getattr(r, m) for m in (*MEASURES, *QUALITY_MEASURES)},
        "throughput_t": r.throughput_t,
        "line_count": r.line_count,
    }


def _factor_sources(library: FactorLibrary, run: CalculationRun, lines: pl.DataFrame) -> list[dict[str, object]]:
    """Each distinct factor row the lines used, with its value, source and status from the set file."""
    sets = cast(dict[str, dict[str, str]], run.factor_sets)
    out: list[dict[str, object]] = []
    fuels = [f for f in lines["fuel"].unique().to_list() if f is not None]

    uncertainty = ("u_pct", "u_status", "u_source")

    def add(kind: str, key_col: str, keys: list[str], value_cols: list[str]) -> None:
        ref = sets.get(kind)
        if ref is None:  # a run from before the kind existed
            return
        fs = library.get(str(ref["name"]))
        changed = fs.content_hash != ref["sha256"]
        skip = (*value_cols, "source", "status", *uncertainty)
        for row in fs.table.filter(pl.col(key_col).is_in(keys)).iter_rows(named=True):
            entry: dict[str, object] = {
                "kind": kind,
                "set": fs.name,
                "version": ref["version"],
                "sha256": ref["sha256"],
                "key": {k: row[k] for k in fs.table.columns if k not in skip},
                "values": {c: row[c] for c in value_cols},
                "source": row["source"],
                "status": row.get("status"),
                "set_changed_since_run": changed,
            }
            if "u_source" in row:
                entry["uncertainty"] = {c: row[c] for c in uncertainty}
            out.append(entry)

    add("fuel_properties", "fuel", fuels, ["ncv", "carbon_content_tc_per_gj", "oxidation"])
    add("marine_fuels", "fuel", fuels, ["cf_tco2_per_t", "lcv_gj_per_t"])
    add("urea", "fuel", fuels, ["purity"])
    add("densities", "fuel", fuels, ["t_per_unit"])
    add("ch4_n2o", "fuel", fuels, ["ch4_ef", "n2o_ef", "ef_unit"])
    add("gwp", "gwp_set", [str(run.parameters["gwp"])], ["gwp100"])
    classes = lines["data_quality"].fill_null(DEFAULT_QUALITY).unique().sort().to_list()
    add("activity_quality", "data_quality", classes, ["score", "u_pct"])
    grid = lines.filter(pl.col("kwh").is_not_null()).select("grid_region", "grid_year").unique()
    grid_set = library.get(sets["grid"]["name"])
    for region, year in grid.iter_rows():
        row = grid_set.table.filter((pl.col("region") == region) & (pl.col("year") == year)).row(0, named=True)
        out.append(
            {
                "kind": "grid",
                "set": grid_set.name,
                "key": {"region": region, "year": year},
                "values": {"kgco2_per_kwh": row["kgco2_per_kwh"]},
                "source": row["source"],
                "status": row["status"],
                "sha256": sets["grid"]["sha256"],
                "uncertainty": {c: row[c] for c in uncertainty if c in row},
            }
        )
    return out


def _quality_summary(result: Result, lines: pl.DataFrame) -> dict[str, object]:
    """What made the result's grade and range: the CO2 shares by data-quality class, on factors still to check
    and with fallbacks, and the 95% range."""
    co2 = lines["co2_t"].abs()
    total = float(co2.sum()) or 1.0

    def share(mask: pl.Series) -> float:
        return float(co2.filter(mask).sum()) / total

    classes = lines["data_quality"].fill_null(DEFAULT_QUALITY)
    return {
        "grade": result.quality_grade,
        "score": result.quality_score,
        "co2_u_t": result.co2_u_t,
        "co2_low_t": None if result.co2_u_t is None else result.co2_t - result.co2_u_t,
        "co2_high_t": None if result.co2_u_t is None else result.co2_t + result.co2_u_t,
        "co2_share_by_class": {c: share(classes == c) for c in sorted(set(classes.to_list()))},
        "co2_share_factor_to_check": share(lines["factor_status"].fill_null("") == "to_check"),
        "co2_share_with_fallback": share(lines["fallback"]),
    }


def lineage(session: Session, result_id: int, library: FactorLibrary | None = None) -> dict[str, object]:
    """The full derivation of result ``result_id``; raises :class:`LineageNotFound` if there is none."""
    library = library or FactorLibrary.load()
    result = session.get(Result, result_id)
    if result is None:
        raise LineageNotFound(f"no result with id {result_id}")
    run = session.get(CalculationRun, result.run_id)
    assert run is not None  # foreign key
    q = (
        select(CalculationLine, ActivityRecord, ImportBatch)
        .join(ActivityRecord, ActivityRecord.id == CalculationLine.record_id)
        .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
        .where(CalculationLine.run_id == run.id)
    )
    for dim in ("month", "sector", "org_id"):
        value = getattr(result, dim)
        if value is not None:
            q = q.where(getattr(CalculationLine, dim) == value)
    inputs: list[dict[str, Any]] = []
    for line, rec, batch in session.execute(q.order_by(CalculationLine.record_id)).all():
        inputs.append(
            {
                "record_id": rec.id,
                "row_number": rec.row_number,
                "row_hash": rec.row_hash,
                "batch": {
                    "id": batch.id,
                    "kind": batch.kind,
                    "label": batch.label,
                    "file_name": batch.file_name,
                    "file_sha256": batch.file_sha256,
                    "submission_id": batch.submission_id,
                },
                "record": {
                    c: getattr(rec, c)
                    for c in (
                        "org_id",
                        "period",
                        "sector",
                        "fuel",
                        "amount",
                        "unit",
                        "freight_tkm",
                        "passenger_pkm",
                        "passenger_kind",
                        "region",
                        "throughput_t",
                    )
                },
                "computed": {c: getattr(line, c) for c in ("mass_t", "volume_m3", "kwh", *MEASURES[:-1])},
                "factors": line.factors,
                "quality": {c: getattr(line, c) for c in LINE_QUALITY},
                "notes": line.notes,
            }
        )
    frame = pl.DataFrame(
        [
            {
                **i["computed"],
                "fuel": i["record"]["fuel"],
                "grid_region": i["factors"]["grid_region"],
                "grid_year": i["factors"]["grid_year"],
                **i["quality"],
                "factor_status": i["factors"].get("factor_status"),
                "fallback": bool(i["notes"]),
            }
            for i in inputs
        ],
        infer_schema_length=None,
    )
    co2_sum = float(frame["co2_t"].sum()) if inputs else 0.0
    return {
        "result": _result_dict(result),
        "run": {
            "id": run.id,
            "kind": run.kind,
            "method_version": run.method_version,
            "code_version": run.code_version,
            "parameters": run.parameters,
            "factor_sets": run.factor_sets,
            "fallbacks": run.fallbacks,
            "input_hash": run.input_hash,
            "input_count": run.input_count,
            "actor": run.actor,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat(),
        },
        "formula": FORMULA,
        "inputs": inputs,
        "factors": _factor_sources(library, run, frame) if inputs else [],
        "quality": _quality_summary(result, frame) if inputs else None,
        "check": {
            "co2_t_sum_of_inputs": co2_sum,
            "co2_t_result": result.co2_t,
            "matches": abs(co2_sum - result.co2_t) <= 1e-9 * max(1.0, abs(result.co2_t)),
        },
    }
