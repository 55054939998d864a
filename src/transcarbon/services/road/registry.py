"""The registered fleet and its activity as frames: what the bottom-up road inventory and the NEV indicators read.

From the approved rows of the register report types (``vehicle_registry``, ``vehicle_annual_km``,
``vehicle_energy_economy``, ``road_fuel_sales``; :mod:`transcarbon.services.report_data`):

- the fleet of a year: year-end stock per district × class × use × service × powertrain × stage (summed over
  model years; ``service`` ``other`` and ``stage`` ``none`` where the row leaves them empty), with the
  submissions it came from;
- kilometres per vehicle and year per class × use: the year's approved rows (a row of use ``any`` stands for
  both uses unless a row names the use), else the latest earlier year's, else the packaged defaults, each with
  its ``basis`` and ``source``;
- energy economy per class × powertrain × carrier: the same order of precedence, converted to MJ/km with the
  fuel-property set of the run (:func:`transcarbon.methods.road.fuel.mj_per_km`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy.orm import Session

from transcarbon.city.config import RegistryFleet
from transcarbon.city.reports import ReportCatalog
from transcarbon.factors.library import FactorSet
from transcarbon.factors.road import RoadFactors
from transcarbon.methods.road.fuel import mj_per_km
from transcarbon.services.report_data import approved_rows

REGISTRY = "vehicle_registry"
ANNUAL_KM = "vehicle_annual_km"
ENERGY_ECONOMY = "vehicle_energy_economy"
FUEL_SALES = "road_fuel_sales"
FLEET_KEYS = ("district", "vehicle_class", "use", "service", "powertrain", "stage")
"""The keys of a bottom-up line (the register's, without model year)."""
NO_STAGE = "none"
"""The stage of vehicles without one (battery-electric, fuel cell)."""
NO_SERVICE = "other"
HYDROGEN_LHV_MJ_PER_KG = 119.96
"""Lower heating value of hydrogen [MJ/kg] (120.0 MJ/kg rounded in most tables; NIST-based 119.96)."""


class RegistryMissing(LookupError):
    """The register has no approved rows for the year asked."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"no approved vehicle register for {year}")


@dataclass(frozen=True)
class Activity:
    """A table with where each row came from: ``basis`` and ``source`` columns, and the submissions used."""

    table: pl.DataFrame
    submission_ids: list[int]


@dataclass(frozen=True)
class Fleet:
    """The registered fleet of a year: ``table`` (:data:`FLEET_KEYS`, ``vehicles``, ``new_registrations``)
    and the approved submissions (id, content hash) it was read from."""

    year: int
    table: pl.DataFrame
    submissions: list[tuple[int, str]]


def registry_rows(session: Session, years: list[int], catalog: ReportCatalog) -> pl.DataFrame:
    """Approved register rows of ``years`` (every field and the lineage columns; see :func:`filled`)."""
    return filled(approved_rows(session, REGISTRY, years, catalog=catalog))


def filled(rows: pl.DataFrame) -> pl.DataFrame:
    """Register rows with an empty ``service`` as ``other``, an empty ``stage`` as ``none`` and empty new
    registrations as 0."""
    return rows.with_columns(
        pl.col("service").fill_null(NO_SERVICE),
        pl.col("stage").fill_null(NO_STAGE),
        pl.col("new_registrations").fill_null(0.0),
    )


def fleet_filter(fleets: list[RegistryFleet]) -> pl.Expr:
    """Register rows of any of ``fleets`` (an empty list of classes, uses or services matches any)."""
    expr = pl.lit(False)
    for f in fleets:
        one = pl.lit(True)
        for col, allowed in (("vehicle_class", f.classes), ("use", f.uses), ("service", f.services)):
            if allowed:
                one = one & pl.col(col).is_in(allowed)
        expr = expr | one
    return expr


def fleet(session: Session, year: int, catalog: ReportCatalog) -> Fleet:
    """The registered fleet of ``year``; :class:`RegistryMissing` when the register has no rows for it."""
    rows = registry_rows(session, [year], catalog)
    if rows.is_empty():
        raise RegistryMissing(year)
    table = (
        rows.group_by(list(FLEET_KEYS))
        .agg(pl.col("stock").sum().alias("vehicles"), pl.col("new_registrations").sum())
        .sort(list(FLEET_KEYS))
    )
    subs = rows.select("submission_id", "content_hash").unique().sort("submission_id")
    return Fleet(year, table, [(int(i), str(h)) for i, h in subs.iter_rows()])


def _latest_reported(session: Session, report_type: str, year: int, catalog: ReportCatalog) -> pl.DataFrame:
    """The approved rows of ``year``, else of the latest earlier year that has some (``reported_year``)."""
    rows = approved_rows(session, report_type, range(year - 30, year + 1), catalog=catalog)
    if rows.is_empty():
        return rows.with_columns(pl.lit(None, pl.Int64).alias("reported_year"))
    latest = rows["year"].max()
    return rows.filter(pl.col("year") == latest).with_columns(pl.col("year").alias("reported_year"))


def annual_km(session: Session, year: int, catalog: ReportCatalog, road: RoadFactors) -> Activity:
    """Kilometres per vehicle and year per ``vehicle_class, use`` (``operating`` and ``non_operating``) with
    ``basis`` and ``source``; see the module docstring for the order of precedence."""
    defaults = road.default("annual_km")
    base = defaults.table.select(
        pl.col("class_id").alias("vehicle_class"),
        "use",
        "km_per_year",
        pl.lit("default").alias("basis"),
        pl.format("{} ({} {})", "source", pl.lit(defaults.name), pl.lit(defaults.version)).alias("source"),
        pl.lit(None, pl.Int64).alias("reported_year"),
    )
    reported = _latest_reported(session, ANNUAL_KM, year, catalog).select(
        "vehicle_class", "use", "km_per_year", "basis", "source", "reported_year", "submission_id"
    )
    table = _expand_any(_override(_expand_any(base), _expand_any(reported.drop("submission_id"))))
    return Activity(table.sort("vehicle_class", "use"), sorted(set(reported["submission_id"].to_list())))


def _expand_any(frame: pl.DataFrame) -> pl.DataFrame:
    """A row of use ``any`` stands for each use a row of its class does not name."""
    specific = frame.filter(pl.col("use") != "any")
    anyuse = frame.filter(pl.col("use") == "any").drop("use")
    uses = pl.DataFrame({"use": ["operating", "non_operating"]})
    expanded = anyuse.join(uses, how="cross").join(
        specific.select("vehicle_class", "use"), on=["vehicle_class", "use"], how="anti"
    )
    return pl.concat([specific, expanded.select(frame.columns)])


def _override(base: pl.DataFrame, reported: pl.DataFrame) -> pl.DataFrame:
    keys = ["vehicle_class", "use"]
    return pl.concat([reported, base.join(reported.select(keys), on=keys, how="anti")], how="vertical_relaxed")


def energy_economy(
    session: Session,
    year: int,
    catalog: ReportCatalog,
    road: RoadFactors,
    fuels: FactorSet,
    densities: FactorSet,
) -> Activity:
    """Energy intensity per ``vehicle_class, powertrain, carrier`` [MJ/km] with ``km_share``, the value and unit
    as given, ``basis`` and ``source``; NCVs and densities from ``fuels`` and ``densities``."""
    defaults = road.default("energy_economy")
    base = defaults.table.select(
        pl.col("class_id").alias("vehicle_class"),
        "powertrain",
        "carrier",
        "value",
        "unit",
        "km_share",
        pl.lit("default").alias("basis"),
        pl.format("{} ({} {})", "source", pl.lit(defaults.name), pl.lit(defaults.version)).alias("source"),
        pl.lit(None, pl.Int64).alias("reported_year"),
    )
    reported = _latest_reported(session, ENERGY_ECONOMY, year, catalog)
    submissions = sorted(set(reported["submission_id"].to_list()))
    reported = reported.select(
        "vehicle_class",
        "powertrain",
        "carrier",
        "value",
        "unit",
        pl.col("km_share").fill_null(1.0),
        "basis",
        "source",
        "reported_year",
    )
    keys = ["vehicle_class", "powertrain"]  # a reported class × powertrain replaces all its default carriers
    table = pl.concat([reported, base.join(reported.select(keys), on=keys, how="anti")], how="vertical_relaxed")
    props = {r["fuel"]: r for r in fuels.table.iter_rows(named=True)}
    dens = {r["fuel"]: float(r["t_per_unit"]) for r in densities.table.iter_rows(named=True)}
    values = [
        mj_per_km(float(r["value"]), str(r["unit"]), **_properties(str(r["carrier"]), props, dens))
        for r in table.iter_rows(named=True)
    ]
    table = table.with_columns(pl.Series("mj_per_km", values, dtype=pl.Float64))
    return Activity(table.sort("vehicle_class", "powertrain", "carrier"), submissions)


def _properties(carrier: str, props: dict[str, dict[str, object]], dens: dict[str, float]) -> dict[str, float | None]:
    if carrier == "hydrogen":
        return {"ncv_mj_per_kg": HYDROGEN_LHV_MJ_PER_KG}
    if carrier == "electricity" or carrier not in props:
        return {}
    ncv = float(str(props[carrier]["ncv"]))
    if carrier == "natural_gas":  # GJ per 10^4 m³ → MJ/m³
        return {"ncv_mj_per_m3": ncv / 10.0}
    return {"ncv_mj_per_kg": ncv, "density_kg_per_l": dens.get(carrier)}


def fuel_sales(session: Session, year: int, catalog: ReportCatalog) -> pl.DataFrame:
    """Approved road fuel sales of ``year``: ``fuel, amount, unit, source, submission_id`` (summed per fuel)."""
    rows = approved_rows(session, FUEL_SALES, [year], catalog=catalog)
    return (
        rows.group_by("fuel", "unit")
        .agg(pl.col("amount").sum(), pl.col("source").first(), pl.col("submission_id").min())
        .sort("fuel")
    )
