"""Use case: the city inventory of a year from approved records, stored as a run with lineage.

A run is identified by its fingerprint: SHA-256 over the method version, code version, parameters,
the content hashes of every factor set, and the ids and content hashes of every input record.
Asking again for the same year with nothing changed returns the existing run (same numbers, no
duplicates); any change to an input, a factor file, a parameter or the code makes a new run.

Stored per run: one line per input record (its figures and the factor values used), and results
at four grains: year × sector, year total, year × month × sector, year × organisation × sector.
A result's inputs are exactly the lines of its run that match its non-null dimensions.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

import transcarbon
from transcarbon.factors.library import FactorLibrary
from transcarbon.methods.inventory import MEASURES, QUALITY_MEASURES, aggregate
from transcarbon.services import audit
from transcarbon.services.accounting import METHOD_VERSION, AccountingOptions, Inventory, compute_inventory
from transcarbon.store.models import ActivityRecord, CalculationLine, CalculationRun, ImportBatch, Result

RECORD_COLUMNS = (
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
    "data_quality",
)
FACTOR_COLUMNS = (
    "ncv",
    "ncv_unit",
    "carbon_content_tc_per_gj",
    "oxidation",
    "cf_tco2_per_t",
    "lcv_gj_per_t",
    "purity",
    "ch4_ef",
    "n2o_ef",
    "ghg_unit",
    "tkm_per_pkm",
    "kgco2_per_kwh",
    "grid_region",
    "grid_year",
    "factor_status",
)
_LINE_COLUMNS = (
    "mass_t",
    "volume_m3",
    "kwh",
    *MEASURES[:-1],
    "throughput_t",
    "data_quality",
    "factor_key",
    "u_activity",
    "u_factor",
    "quality_score",
)
_GRAINS: tuple[tuple[str, ...], ...] = (("sector",), (), ("month", "sector"), ("org_id", "sector"))


@functools.cache
def code_version() -> str:
    """Package version, plus the git commit when running from a checkout (``+g<sha>``)."""
    root = Path(transcarbon.__file__).resolve().parents[2]
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return transcarbon.__version__
    return f"{transcarbon.__version__}+g{sha}" if sha else transcarbon.__version__


def load_approved_records(session: Session, year: int) -> pl.DataFrame:
    """Approved activity records of ``year`` as a frame (``record_id``, ``year``, ``month``, ``row_hash``)."""
    cols = [
        ActivityRecord.id.label("record_id"),
        ActivityRecord.year,
        ActivityRecord.month,
        ActivityRecord.row_hash,
        *[getattr(ActivityRecord, c) for c in RECORD_COLUMNS],
    ]
    rows = session.execute(
        select(*cols)
        .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
        .where(ActivityRecord.year == year, ImportBatch.status == "approved")
        .order_by(ActivityRecord.id)
    ).all()
    schema = {
        "record_id": pl.Int64,
        "year": pl.Int64,
        "month": pl.Int64,
        "row_hash": pl.String,
        **{
            c: pl.Float64 if c in ("amount", "freight_tkm", "passenger_pkm", "throughput_t") else pl.String
            for c in RECORD_COLUMNS
        },
    }
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


@dataclass(frozen=True)
class InventoryRun:
    run_id: int
    reused: bool
    inventory: Inventory


@dataclass(frozen=True)
class PreparedInventory:
    """An inventory computed and fingerprinted, not yet stored (:func:`prepare_inventory`)."""

    year: int
    inventory: Inventory
    params: dict[str, object]
    input_hash: str
    fingerprint: str
    input_count: int
    started: datetime


def prepare_inventory(
    records: pl.DataFrame, year: int, options: AccountingOptions, library: FactorLibrary | None = None
) -> PreparedInventory:
    """Compute the inventory of ``year`` from its approved ``records`` (:func:`load_approved_records`) and its
    fingerprint, touching no database: a caller computes outside any transaction and writes in a short one."""
    library = library or FactorLibrary.load()
    started = datetime.now(UTC)
    inventory = compute_inventory(records.drop("row_hash"), library, options, file=f"records {year}")
    params = {**inventory.options, "year": year}
    input_hash = audit.content_hash(records.select("record_id", "row_hash").rows())
    fingerprint = audit.content_hash(
        ["inventory", METHOD_VERSION, code_version(), params, inventory.factor_sets, input_hash]
    )
    return PreparedInventory(year, inventory, params, input_hash, fingerprint, records.height, started)


def run_inventory(
    session: Session, year: int, options: AccountingOptions, *, actor: str, library: FactorLibrary | None = None
) -> InventoryRun:
    """Compute (or reuse) the city inventory of ``year``, in the caller's transaction."""
    prepared = prepare_inventory(load_approved_records(session, year), year, options, library)
    return store_inventory(session, prepared, actor=actor)


def store_inventory(session: Session, prepared: PreparedInventory, *, actor: str) -> InventoryRun:
    """Store a prepared inventory as a run with its lines and results, in the caller's transaction; the run of
    the same fingerprint when there is one (nothing changed: reused, nothing written)."""
    inventory, params, fingerprint = prepared.inventory, prepared.params, prepared.fingerprint
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return InventoryRun(existing, True, inventory)
    fallbacks = [
        {
            "region": g.region_asked,
            "year": g.year_asked,
            "used_region": g.region,
            "used_year": g.year,
            "fallbacks": list(g.fallbacks),
        }
        for g in inventory.grid_lookups
        if g.fallbacks
    ]
    run = CalculationRun(
        kind="inventory",
        fingerprint=fingerprint,
        method_version=METHOD_VERSION,
        code_version=code_version(),
        parameters=params,
        factor_sets=inventory.factor_sets,
        fallbacks=fallbacks,
        input_hash=prepared.input_hash,
        input_count=prepared.input_count,
        actor=actor,
        started_at=prepared.started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    _store_lines(session, run.id, inventory.lines)
    _store_results(session, run.id, prepared.year, inventory.lines)
    audit.append(
        session,
        actor=actor,
        action="inventory.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "total": inventory.total},
        details={"year": prepared.year, "inputs": prepared.input_count, "parameters": params},
    )
    return InventoryRun(run.id, False, inventory)


def _store_lines(session: Session, run_id: int, lines: pl.DataFrame) -> None:
    factors = lines.select(pl.struct(list(FACTOR_COLUMNS)).alias("factors"))["factors"].to_list()
    base = lines.select(
        "record_id",
        "org_id",
        "year",
        "month",
        "sector",
        "fuel",
        "region",
        *_LINE_COLUMNS,
        pl.col("notes").fill_null(""),
    ).to_dicts()
    rows = [{**b, "run_id": run_id, "factors": f} for b, f in zip(base, factors, strict=True)]
    if rows:
        session.execute(insert(CalculationLine), rows)


def _store_results(session: Session, run_id: int, year: int, lines: pl.DataFrame) -> None:
    rows: list[dict[str, object]] = []
    for grain in _GRAINS:
        agg = aggregate(lines, list(grain)).rename({"lines": "line_count"})
        rows += [
            {"run_id": run_id, "year": year, "month": None, "sector": None, "org_id": None, **r} for r in agg.to_dicts()
        ]
    if rows:
        session.execute(insert(Result), rows)


def latest_run_id(session: Session, year: int) -> int | None:
    """The newest inventory run of ``year``, if any."""
    return session.scalars(
        select(CalculationRun.id)
        .where(CalculationRun.kind == "inventory")
        .where(CalculationRun.parameters["year"].as_integer() == year)
        .order_by(CalculationRun.id.desc())
    ).first()


def _result_row(r: Result) -> dict[str, object]:
    return {
        "result_id": r.id,
        **{m: getattr(r, m) for m in (*MEASURES, *QUALITY_MEASURES)},
        "throughput_t": r.throughput_t,
    }


def year_inventory(session: Session, year: int, *, org_id: str | None = None) -> dict[str, object] | None:
    """The year-level results of the newest inventory run of ``year`` (``None`` when there is no run):
    ``run_id``, the city ``total`` and ``by_sector`` (sector → measures with the result id); with ``org_id``,
    that organisation's results by sector and no total."""
    run_id = latest_run_id(session, year)
    if run_id is None:
        return None
    yearly = select(Result).where(Result.run_id == run_id, Result.month.is_(None))
    total = None
    if org_id is not None:
        rows = session.scalars(yearly.where(Result.org_id == org_id)).all()
    else:
        rows = session.scalars(yearly.where(Result.org_id.is_(None), Result.sector.is_not(None))).all()
        total = session.scalars(yearly.where(Result.org_id.is_(None), Result.sector.is_(None))).one_or_none()
    return {
        "run_id": run_id,
        "total": _result_row(total) if total else None,
        "by_sector": {r.sector: _result_row(r) for r in sorted(rows, key=lambda r: str(r.sector))},
    }


def years_with_data(session: Session) -> list[int]:
    """The years that have approved activity records."""
    return list(
        session.scalars(
            select(ActivityRecord.year)
            .join(ImportBatch, ImportBatch.id == ActivityRecord.batch_id)
            .where(ImportBatch.status == "approved")
            .distinct()
            .order_by(ActivityRecord.year)
        )
    )


def years_with_results(session: Session) -> list[int]:
    """The years that have a stored inventory with results (an inventory of a year without data stores none)."""
    return sorted(int(y) for y in session.scalars(select(Result.year).where(Result.line_count > 0).distinct()))


def result_ids(session: Session, run_id: int) -> dict[str | None, int]:
    """Ids of a run's year-level results by sector (``None``: the total), for pointing at their lineage."""
    rows = session.execute(
        select(Result.sector, Result.id).where(Result.run_id == run_id, Result.month.is_(None), Result.org_id.is_(None))
    ).all()
    return {sector: rid for sector, rid in rows}
