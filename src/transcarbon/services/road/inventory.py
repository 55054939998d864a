"""Use case: the bottom-up road inventory of a year (registered fleet × kilometres × energy economy and emission
factors) as a stored run with lineage, and what the faces read of it.

A run (kind ``road``) reads the approved register of the year (:mod:`.registry`), the kilometres and energy
economy (approved rows, else the packaged defaults, each line saying which), and computes with
:func:`transcarbon.methods.road.inventory.bottom_up`:

- energy per carrier; CO2 of fuels with the China factors of the chosen fuel-property set (CC · OF · 44/12, as
  the top-down inventory), of electricity at the city's grid factor of the year (with the lookup's fallbacks),
  none for hydrogen at the point of use;
- pollutants (NOx, PM2.5, PM10, CO, HC) with the MEE 2014 base factors × corrections under the city's
  conditions for China 0–V, COPERT at the city's representative speed for China VI, zero exhaust for
  battery-electric and fuel-cell vehicles (:mod:`transcarbon.methods.road.fleet_factors`).

The fingerprint covers the code version, parameters, every factor set's hash and the register, kilometre and
energy-economy submissions with their content hashes: the same inputs return the existing run. Results are
stored per line × carrier (:class:`transcarbon.store.models_road.RoadResult`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from transcarbon.city.config import CityConfig
from transcarbon.city.reports import ReportCatalog
from transcarbon.city.road import road_section
from transcarbon.factors.library import FactorLibrary
from transcarbon.factors.road import RoadFactors
from transcarbon.methods.combustion import CO2_PER_C
from transcarbon.methods.road import METHOD_VERSION
from transcarbon.methods.road.fleet_factors import fleet_pollutant_factors
from transcarbon.methods.road.inventory import POLLUTANTS, bottom_up
from transcarbon.methods.road.mee2014 import Conditions, corrected_factors
from transcarbon.services import audit
from transcarbon.services.inventory_runs import code_version
from transcarbon.services.road import registry
from transcarbon.store.models import CalculationRun
from transcarbon.store.models_road import ROAD_MEASURES, RoadResult

KIND = "road"
METHOD = "road_bottom_up_fleet"
FORMULA = [
    "VKT [km] = vehicles · km per vehicle and year",
    "E [GJ] = Σ_carrier VKT · km share · energy intensity [MJ/km] / 1000",
    "CO2 [t] = E [GJ] · CC [tC/GJ] · OF · 44/12   (fuels);   E / 3.6 [MWh] · grid factor [tCO2/MWh]   (electricity)",
    "X [kg] = VKT · EF_X [g/km] / 1000;   EF = BEF · φ · γ · λ · θ (MEE 2014, China 0–V) or COPERT EF(V) (China VI)",
]
DIRECT_CARRIERS = ("gasoline", "diesel", "natural_gas", "lng")


@dataclass(frozen=True)
class RoadRun:
    run_id: int
    reused: bool
    year: int
    totals: dict[str, float | None]


@dataclass(frozen=True)
class RoadOptions:
    """Choices of a run: the fuel-property set (default: the library's) and the grid region (the city's)."""

    fuel_set: str | None = None
    grid_region: str | None = None


def latest_road_run(session: Session, year: int) -> int | None:
    """The newest bottom-up road run of ``year``, if any."""
    return session.scalars(
        select(CalculationRun.id)
        .where(CalculationRun.kind == KIND, CalculationRun.parameters["year"].as_integer() == year)
        .order_by(CalculationRun.id.desc())
    ).first()


def road_years(session: Session) -> list[int]:
    """Years with a bottom-up road run, ascending."""
    runs = session.scalars(select(CalculationRun.parameters).where(CalculationRun.kind == KIND)).all()
    return sorted({int(str(p["year"])) for p in runs})


def _carriers(library: FactorLibrary, fuel_set: str | None, grid_kg_per_kwh: float) -> pl.DataFrame:
    fuels = library.get(fuel_set, "fuel_properties") if fuel_set else library.default("fuel_properties")
    rows = [
        (
            str(r["fuel"]),
            float(str(r["carbon_content_tc_per_gj"])) * float(str(r["oxidation"])) * CO2_PER_C,
            "direct",
        )
        for r in fuels.table.iter_rows(named=True)
        if r["fuel"] in DIRECT_CARRIERS
    ]
    rows += [("electricity", grid_kg_per_kwh / 3.6, "electricity"), ("hydrogen", 0.0, "direct")]
    return pl.DataFrame(
        rows, schema={"carrier": pl.String, "co2_kg_per_mj": pl.Float64, "scope": pl.String}, orient="row"
    )


def _fuel_t_per_gj(library: FactorLibrary, fuel_set: str | None) -> dict[str, float]:
    """Tonnes of fuel per GJ: 1 / NCV [GJ/t]; natural gas via its density (NCV per 10^4 m³)."""
    fuels = library.get(fuel_set, "fuel_properties") if fuel_set else library.default("fuel_properties")
    dens = {r["fuel"]: float(r["t_per_unit"]) for r in library.default("densities").table.iter_rows(named=True)}
    out = {}
    for r in fuels.table.iter_rows(named=True):
        if r["fuel"] not in DIRECT_CARRIERS:
            continue
        ncv = float(str(r["ncv"]))
        out[str(r["fuel"])] = (1e4 * dens["natural_gas"] / ncv) if r["fuel"] == "natural_gas" else 1.0 / ncv
    out["hydrogen"] = 1.0 / registry.HYDROGEN_LHV_MJ_PER_KG
    return out


def run_road_inventory(
    session: Session,
    year: int,
    city: CityConfig,
    catalog: ReportCatalog,
    *,
    actor: str,
    options: RoadOptions | None = None,
    road: RoadFactors | None = None,
) -> RoadRun:
    """Compute and store the bottom-up road inventory of ``year`` (see the module docstring).

    Raises :class:`.registry.RegistryMissing` when the register has no approved rows for the year.
    """
    opts = options or RoadOptions()
    road = road or RoadFactors.load()
    library = FactorLibrary.load()
    section = road_section(city)
    started = datetime.now(UTC)
    fleet = registry.fleet(session, year, catalog)
    fuels = library.get(opts.fuel_set, "fuel_properties") if opts.fuel_set else library.default("fuel_properties")
    densities = library.default("densities")
    km = registry.annual_km(session, year, catalog, road)
    economy = registry.energy_economy(session, year, catalog, road, fuels, densities)
    grid = library.resolve_grid(opts.grid_region or city.city.province, year)
    conditions = Conditions(**section.conditions.model_dump(), inventory_year=year)
    sets = {
        kind: road.default(kind)
        for kind in (
            "copert_hot",
            "mee2014_bef",
            "mee2014_corrections",
            "stage_map",
            "vehicle_classes",
            "annual_km",
            "energy_economy",
        )
    }
    params: dict[str, Any] = {
        "year": year,
        "method": METHOD,
        "conditions": section.conditions.model_dump(),
        "copert_speed_kmh": section.copert_speed_kmh,
        "grid_region": grid.region_asked,
    }
    factor_sets = {
        **{k: s.ref for k, s in sets.items()},
        "fuel_properties": fuels.ref,
        "densities": densities.ref,
        "grid": {
            "name": grid.factor_set,
            "region": grid.region,
            "year": grid.year,
            "kgco2_per_kwh": grid.kgco2_per_kwh,
        },
    }
    inputs = {
        "vehicle_registry": fleet.submissions,
        "vehicle_annual_km": km.submission_ids,
        "vehicle_energy_economy": economy.submission_ids,
    }
    fingerprint = audit.content_hash([KIND, code_version(), METHOD_VERSION, params, factor_sets, inputs])
    existing = session.scalars(select(CalculationRun.id).where(CalculationRun.fingerprint == fingerprint)).first()
    if existing is not None:
        return RoadRun(existing, True, year, road_totals(session, existing))

    mee = corrected_factors(sets["mee2014_bef"].table, sets["mee2014_corrections"].table, conditions)
    shares = economy.table.filter(pl.col("powertrain") == "phev", pl.col("carrier") != "electricity").select(
        "vehicle_class", "powertrain", pl.col("km_share").alias("share")
    )
    factors = fleet_pollutant_factors(
        fleet.table,
        sets["vehicle_classes"].table,
        mee,
        sets["copert_hot"].table,
        sets["stage_map"].table,
        section.copert_speed_kmh,
        combustion_share=shares,
    )
    inv = bottom_up(
        fleet.table.select(*registry.FLEET_KEYS, "vehicles"),
        km.table.select("vehicle_class", "use", "km_per_year"),
        economy.table.select("vehicle_class", "powertrain", "carrier", "mj_per_km", "km_share"),
        _carriers(library, opts.fuel_set, grid.kgco2_per_kwh),
        factors.select("vehicle_class", "powertrain", "stage", "pollutant", "ef_g_per_km"),
    )
    method = factors.group_by("vehicle_class", "powertrain", "stage").agg(pl.col("method").first())
    rows = _result_rows(inv.lines, inv.energy, km.table, method, _fuel_t_per_gj(library, opts.fuel_set), year)
    missing = inv.missing.group_by("what").agg(pl.len().alias("lines")).sort("what")
    run = CalculationRun(
        kind=KIND,
        fingerprint=fingerprint,
        method_version=f"{METHOD}/{METHOD_VERSION}",
        code_version=code_version(),
        parameters={
            **params,
            "grid_factor": {
                "region_asked": grid.region_asked,
                "region": grid.region,
                "year": grid.year,
                "kgco2_per_kwh": grid.kgco2_per_kwh,
                "source": grid.source,
            },
            "inputs": inputs,
            "km_basis": km.table.group_by("basis").agg(pl.len().alias("rows")).sort("basis").rows(),
            "missing": missing.rows(),
        },
        factor_sets=factor_sets,
        fallbacks=[{"grid": list(grid.fallbacks)}] if grid.fallbacks else [],
        input_hash=audit.content_hash(inputs),
        input_count=int(fleet.table.height),
        actor=actor,
        started_at=started,
        finished_at=datetime.now(UTC),
    )
    session.add(run)
    session.flush()
    session.execute(insert(RoadResult), [{**r, "run_id": run.id} for r in rows.to_dicts()])
    totals = road_totals(session, run.id)
    audit.append(
        session,
        actor=actor,
        action="road.run",
        object_type="calculation_run",
        object_id=str(run.id),
        after={"fingerprint": fingerprint, "year": year, "co2_t": totals["co2_t"]},
        details={"inputs": inputs, "method": METHOD},
    )
    return RoadRun(run.id, False, year, totals)


def _result_rows(
    lines: pl.DataFrame,
    energy: pl.DataFrame,
    km: pl.DataFrame,
    method: pl.DataFrame,
    fuel_t_per_gj: dict[str, float],
    year: int,
) -> pl.DataFrame:
    """Line × carrier rows: each carrier's share of vehicles and kilometres, its energy, fuel and CO2; the
    exhaust pollutants on the combustion carrier (the first carrier other than electricity)."""
    keys = list(registry.FLEET_KEYS)
    pollutant_cols = [f"{p}_kg" for p in POLLUTANTS]
    per_carrier = energy.with_columns(
        pl.col("carrier").replace_strict(fuel_t_per_gj, default=None, return_dtype=pl.Float64).alias("t_per_gj")
    ).with_columns(
        (pl.col("energy_gj") * pl.col("t_per_gj")).alias("fuel_t"),
        pl.when(pl.col("carrier") == "electricity").then(pl.col("energy_gj") / 0.0036).alias("kwh"),
        pl.when(pl.col("carrier") == "electricity").then(pl.col("co2_t")).otherwise(0.0).alias("co2_electricity_t"),
        pl.when(pl.col("carrier") == "electricity").then(0.0).otherwise(pl.col("co2_t")).alias("co2_t"),
        (pl.col("carrier") == pl.col("carrier").filter(pl.col("carrier") != "electricity").first().over(keys))
        .fill_null(False)
        .alias("exhaust"),
    )
    # a line whose only carrier is electricity carries its (zero) exhaust there
    per_carrier = per_carrier.with_columns(
        (pl.col("exhaust") | (pl.col("carrier") == "electricity").all().over(keys)).alias("exhaust")
    )
    base = lines.select(*keys, "vehicles", "vkt_km", *pollutant_cols)
    with_energy = base.join(per_carrier, on=keys, how="inner").with_columns(
        (pl.col("vehicles") * pl.col("km_share")).alias("vehicles"),
        (pl.col("vkt_km") * pl.col("km_share")).alias("vkt_km"),
        *[pl.when(pl.col("exhaust")).then(pl.col(c)).otherwise(0.0).alias(c) for c in pollutant_cols],
    )
    without = base.join(per_carrier.select(keys).unique(), on=keys, how="anti").with_columns(
        pl.lit(None, pl.String).alias("carrier"),
        *[pl.lit(None, pl.Float64).alias(c) for c in ("energy_gj", "fuel_t", "kwh", "co2_t", "co2_electricity_t")],
    )
    cols = ["carrier", *ROAD_MEASURES]
    out = pl.concat([with_energy.select(*keys, *cols), without.select(*keys, *cols)], how="vertical_relaxed")
    out = out.join(
        km.select("vehicle_class", "use", pl.col("basis").alias("km_basis")), on=["vehicle_class", "use"], how="left"
    ).join(method, on=["vehicle_class", "powertrain", "stage"], how="left")
    return (
        out.with_columns(pl.lit(year).alias("year"), pl.col("method").fill_null("none").alias("pollutant_method"))
        .drop("method")
        .sort(*keys, "carrier", nulls_last=True)
    )


def road_frame(session: Session, run_id: int) -> pl.DataFrame:
    """The stored rows of a road run as a frame (``result_id``, keys, carrier, measures, bases)."""
    rows = session.scalars(select(RoadResult).where(RoadResult.run_id == run_id).order_by(RoadResult.id)).all()
    cols = ["district", "vehicle_class", "use", "service", "powertrain", "stage", "carrier", *ROAD_MEASURES]
    schema: dict[str, Any] = {
        "result_id": pl.Int64,
        "year": pl.Int64,
        **{c: pl.String for c in cols[:7]},
        **{c: pl.Float64 for c in ROAD_MEASURES},
        "km_basis": pl.String,
        "pollutant_method": pl.String,
    }
    return pl.DataFrame(
        [(r.id, r.year, *[getattr(r, c) for c in cols], r.km_basis, r.pollutant_method) for r in rows],
        schema=schema,
        orient="row",
    )


def road_totals(session: Session, run_id: int) -> dict[str, float | None]:
    """Sums of a road run's measures (a pollutant is None where some line has no factor for it)."""
    frame = road_frame(session, run_id)
    out: dict[str, float | None] = {}
    for c in ROAD_MEASURES:
        col = frame[c]
        out[c] = float(col.sum()) if frame.height else 0.0
        if c.endswith("_kg") and col.null_count():
            out[f"{c}_lines_without_factor"] = float(col.null_count())
    return out
