"""Use case: compute an inventory from activity rows with chosen factor sets, and its JSON form.

This is the one place where the factor library meets the inventory kernel: it picks the sets,
resolves the grid factor of every (region, year) in the input with its fallbacks, runs
:func:`transcarbon.methods.inventory.compute_lines`, refuses lines with missing factors, and
aggregates by sector and in total. Both the database-free ``calc`` and the stored inventory
runs go through :func:`compute_inventory`, so they give identical numbers for identical rows. The
library's refusals (an unknown set, GWP set or region) come out as
:class:`~transcarbon.services.factor_sets.FactorUnavailable`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from transcarbon.domain import Sector
from transcarbon.factors.library import FactorLibrary, GridLookup
from transcarbon.i18n import t
from transcarbon.methods.inventory import (
    MEASURES,
    QUALITY_MEASURES,
    InventoryFactors,
    aggregate,
    compute_lines,
    missing_factor_rows,
)
from transcarbon.services.activity_csv import read_activity_csv
from transcarbon.services.factor_sets import library_refusals, region_codes
from transcarbon.services.validation import RowError, ValidationError

METHOD_VERSION = "transcarbon.inventory/1"
"""Name and version of the accounting method; bump when an equation or rule changes."""


@dataclass(frozen=True)
class AccountingOptions:
    """Choices that change numbers; all are recorded with every run.

    ``urea_purity`` [mass fraction] replaces the urea set's purity (AUS32: 0.325) where the city's urea
    solution is of another strength.
    """

    factor_set: str | None = None
    gwp: str = "AR5"
    default_region: str = "CN-JS"
    urea_purity: float | None = None

    def __post_init__(self) -> None:
        if self.urea_purity is not None and not 0 < self.urea_purity <= 1:
            raise ValueError(f"urea_purity is a mass fraction in (0, 1], got {self.urea_purity}")

    def as_dict(self, library: FactorLibrary) -> dict[str, str]:
        out = {
            "factor_set": self.resolved_set(library),
            "gwp": self.gwp,
            "default_region": self.default_region,
            "method": METHOD_VERSION,
        }
        if self.urea_purity is not None:
            out["urea_purity"] = repr(self.urea_purity)
        return out

    def resolved_set(self, library: FactorLibrary) -> str:
        return self.factor_set or library.default("fuel_properties").name


@dataclass(frozen=True)
class Inventory:
    """Lines (one per input record), aggregates by sector and in total, and what they used."""

    options: dict[str, str]
    lines: pl.DataFrame
    by_sector: pl.DataFrame
    total: dict[str, float | None]
    factor_sets: dict[str, dict[str, str]]
    grid_lookups: list[GridLookup] = field(default_factory=list)
    total_quality: dict[str, object] = field(default_factory=dict)
    """``co2_u_t``, ``quality_score`` and ``quality_grade`` of the total."""


INVENTORY_KINDS = (
    "marine_fuels",
    "densities",
    "ch4_n2o",
    "urea",
    "activity_quality",
    "grid",
    "gwp",
    "converted_turnover",
    "regions",
)
"""The default sets an inventory reads besides its fuel-property set."""


def factor_sets_used(library: FactorLibrary, options: AccountingOptions) -> dict[str, dict[str, str]]:
    """``kind → {name, version, sha256}`` of every set an inventory under ``options`` reads."""
    fuel = library.get(options.resolved_set(library), "fuel_properties")
    kinds = INVENTORY_KINDS
    return {"fuel_properties": fuel.ref, **{k: library.default(k).ref for k in kinds}}


def resolve_grid(library: FactorLibrary, pairs: pl.DataFrame) -> tuple[pl.DataFrame, list[GridLookup]]:
    """Grid factors for the distinct (region, year) pairs, with fallbacks as text for the lines."""
    lookups = [library.resolve_grid(r, y) for r, y in pairs.unique().sort(["region", "year"]).iter_rows()]
    frame = pl.DataFrame(
        {
            "region": [g.region_asked for g in lookups],
            "year": [g.year_asked for g in lookups],
            "kgco2_per_kwh": [g.kgco2_per_kwh for g in lookups],
            "grid_region": [g.region for g in lookups],
            "grid_year": [g.year for g in lookups],
            "grid_fallback": ["; ".join(g.fallbacks) for g in lookups],
            "grid_status": [g.status for g in lookups],
            "grid_u_pct": [g.u_pct for g in lookups],
        },
        schema={
            "region": pl.String,
            "year": pl.Int64,
            "kgco2_per_kwh": pl.Float64,
            "grid_region": pl.String,
            "grid_year": pl.Int64,
            "grid_fallback": pl.String,
            "grid_status": pl.String,
            "grid_u_pct": pl.Float64,
        },
    )
    return frame, lookups


@library_refusals()
def check_options(library: FactorLibrary, options: AccountingOptions) -> None:
    """Refuse, before any work, a fuel-property set or GWP set that ``library`` does not have."""
    library.get(options.resolved_set(library), "fuel_properties")
    library.gwp(options.gwp)


def calculate_file(data: bytes, file_name: str, options: AccountingOptions) -> Inventory:
    """The inventory of one activity CSV (``calc``): no database, nothing stored.

    Checks the options first (:class:`FactorUnavailable` before the file is read), then every row of the
    file (:class:`ValidationError` listing each bad row), then computes.
    """
    library = FactorLibrary.load()
    check_options(library, options)
    frame = read_activity_csv(data, file_name, regions=region_codes())
    return compute_inventory(
        frame.rename({"row": "record_id"}).with_columns(row=frame["row"]), library, options, file=file_name
    )


@library_refusals()
def compute_inventory(
    activity: pl.DataFrame, library: FactorLibrary, options: AccountingOptions, *, file: str = "activity"
) -> Inventory:
    """Inventory of ``activity`` (contract columns plus ``record_id``, ``year``; ``row`` if from a file).

    Raises :class:`ValidationError` naming every row whose factors cannot all be found, and
    :class:`FactorUnavailable` for a set, GWP set or region the library does not have.
    """
    set_name = options.resolved_set(library)
    gwp = library.gwp(options.gwp)
    activity = activity.with_columns(pl.col("region").fill_null(options.default_region))
    grid, lookups = resolve_grid(library, activity.select("region", "year"))
    urea = library.default("urea").table
    if options.urea_purity is not None:
        urea = urea.with_columns(pl.lit(options.urea_purity).alias("purity"))
    factors = InventoryFactors(
        fuel_properties=library.get(set_name, "fuel_properties").table,
        marine_fuels=library.default("marine_fuels").table,
        densities=library.default("densities").table,
        ch4_n2o=library.default("ch4_n2o").table,
        urea=urea,
        activity_quality=library.default("activity_quality").table,
        turnover=library.default("converted_turnover").table,
        grid=grid,
        gwp_ch4=gwp["ch4"],
        gwp_n2o=gwp["n2o"],
    )
    lines = compute_lines(activity, factors)
    missing = missing_factor_rows(lines)
    if not missing.is_empty():
        raise ValidationError(_missing_errors(lines, missing, set_name, file))
    by_sector = aggregate(lines, ["sector"])
    total = aggregate(lines, []).row(0, named=True)
    return Inventory(
        options.as_dict(library),
        lines,
        by_sector,
        {m: total[m] for m in MEASURES},
        factor_sets_used(library, options),
        lookups,
        {m: total[m] for m in QUALITY_MEASURES},
    )


def _missing_errors(lines: pl.DataFrame, missing: pl.DataFrame, set_name: str, file: str) -> list[RowError]:
    rows = lines.select(
        "record_id", "fuel", "region", "passenger_kind", "data_quality", *(["row"] if "row" in lines.columns else [])
    ).join(missing, on="record_id")
    return [
        RowError(
            file,
            int(r.get("row") or r["record_id"]),
            r["column"],
            str(r[r["column"]] or ""),
            t("val.no_factor", "zh", factor_set=set_name, reason=r["reason"]),
            t("val.no_factor", "en", factor_set=set_name, reason=r["reason"]),
        )
        for r in rows.iter_rows(named=True)
    ]


def _clean(value: float | None) -> float | None:
    return None if value is None else float(value)


def _quality(row: Mapping[str, Any]) -> dict[str, object]:
    return {
        "co2_u_t": _clean(row["co2_u_t"]),
        "quality_score": _clean(row["quality_score"]),
        "quality_grade": row["quality_grade"],
    }


def inventory_json(inv: Inventory) -> dict[str, object]:
    """The ``calc --json`` / ``inventory --json`` contract: factor_set, gwp, total, by_sector, and ``quality``
    (the CO2's 95% half-width [t], quality score and grade of the total and of each sector)."""
    rows = {r["sector"]: r for r in inv.by_sector.iter_rows(named=True)}
    order = [s.value for s in Sector if s.value in rows]
    return {
        "factor_set": inv.options["factor_set"],
        "gwp": inv.options["gwp"],
        "total": {m: _clean(v) for m, v in inv.total.items()},
        "by_sector": {s: {m: _clean(rows[s][m]) for m in MEASURES} for s in order},
        "quality": {"total": _quality(inv.total_quality), "by_sector": {s: _quality(rows[s]) for s in order}},
    }
