"""The transport inventory kernel: activity records × factor tables → per-record lines → aggregates.

Everything here is a Polars expression over whole frames (no per-row Python), pure and
deterministic: the same frames in give the same numbers out.

Per record (a *line*), in this order:

1. **Physical quantity.** ``amount`` in ``unit`` becomes mass [t], volume [m3] or electricity [kWh]:
   ``kg`` ÷ 1000; ``L`` ÷ 1000 × density [t/m3]; ``m3`` × density (natural gas: the volume itself,
   at standard conditions); ``10^4m3`` × 10⁴ (natural gas only); ``MWh`` × 1000. Amounts in ``GJ`` or
   ``tce`` are energy already: 1 tce = 29.3076 GJ (7,000 kcal/kg, the definition of standard coal); a
   liquid's mass is then E / NCV (marine fuels: E / LCV).
2. **Energy** E [GJ] = mass [t] × NCV [GJ/t], or volume [m3] / 10⁴ × NCV [GJ/10⁴m3] (natural gas),
   or kWh × 0.0036; marine fuels (``hfo``, ``mdo``) use the IMO LCV [GJ/t]. Standard coal [tce] = E / 29.3076:
   GB/T 2589 converts by the calorific value actually used and offers its appendix coefficients only where
   none is known, so GJ and tce of a record describe the same energy under every fuel-property set (the
   appendix coefficients are the reference the sets' NCVs are checked against, :mod:`transcarbon.factors`).
   Urea solution carries no energy.
3. **Scope 1 CO2** = E · CC · OF · 44/12 (fuel-property set), mass · Cf (marine fuels), or
   solution · purity · 12/60 · 44/12 (urea, process CO2); see :mod:`transcarbon.methods.combustion`.
4. **CH4, N2O** = E / 1000 · EF [kg/TJ] / 1000, or mass · EF [kg/t] / 1000 for rows given per tonne (marine LNG
   engines: methane slip). The row is looked up by (mode, sector, fuel), else (mode, fuel), else the off-road
   (``none``) row, and the line says so in ``notes`` when the off-road row was used.
5. **Scope 2 CO2** = kWh · grid factor [kgCO2/kWh] / 1000, the factor of the record's (region, year),
   resolved beforehand with its fallbacks (:mod:`transcarbon.factors.library`).
6. ``co2_t`` = scope 1 + scope 2; ``co2e_t`` = co2_t + CH4 · GWP_CH4 + N2O · GWP_N2O.
7. **Converted turnover** = freight t·km + passenger p·km × k(mode, passenger kind).
8. **Quality and uncertainty of CO2**: the record's data-quality class (metered, reported, estimated,
   defaulted; reported when not given) sets the activity uncertainty ``u_activity`` (with the density's where a
   volume was converted to mass); the CO2 factor row (``factor_key``: fuel-property, marine, urea or grid row)
   brings ``u_factor`` and its status; ``quality_score`` adds the class score, 1 for a factor ``to_check`` and 1
   for a fallback (:mod:`transcarbon.methods.uncertainty`).

A line whose factors cannot all be found keeps nulls in the affected columns; callers check that with
:func:`missing_factor_rows` before aggregating.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transcarbon.domain import SECTOR_MODE, DataQuality, Fuel
from transcarbon.methods.combustion import (
    co2_from_energy,
    co2_from_mass,
    co2_from_urea,
    co2e,
    gas_from_energy,
    gas_from_mass,
)
from transcarbon.methods.electricity import GJ_PER_KWH, scope2_co2
from transcarbon.methods.turnover import converted_turnover, intensity_kg_per_unit
from transcarbon.methods.uncertainty import co2_variance_by, grade_expr

GJ_PER_TCE = 29.3076
"""Energy of one tonne of standard coal equivalent [GJ/tce] (7,000 kcal/kg × 4.1868 kJ/kcal)."""

MARINE_FUELS = (Fuel.HFO.value, Fuel.MDO.value)
DEFAULT_QUALITY = DataQuality.REPORTED.value
"""The data-quality class of a record that does not say."""

MEASURES = (
    "co2_t",
    "ch4_t",
    "n2o_t",
    "co2e_t",
    "scope1_co2_t",
    "scope2_co2_t",
    "energy_tce",
    "energy_gj",
    "freight_tkm",
    "passenger_pkm",
    "converted_tkm",
    "intensity_kgco2_per_converted_tkm",
)
"""The measures of every inventory aggregate, in the order of the JSON contract."""

QUALITY_MEASURES = ("co2_u_t", "quality_score", "quality_grade")
"""What an aggregate says of its own quality: the CO2's 95% half-width [t], the mean score and its grade."""

_SUMMED = MEASURES[:-1]
_ACTIVITY = ("freight_tkm", "passenger_pkm", "converted_tkm")


@dataclass(frozen=True)
class InventoryFactors:
    """The factor tables one inventory uses, already chosen (set, GWP) and resolved (grid).

    Uncertainties ``u_pct`` [%] and statuses ride along with the values they qualify.
    """

    fuel_properties: pl.DataFrame  # fuel, ncv, ncv_unit, carbon_content_tc_per_gj, oxidation, status, u_pct
    marine_fuels: pl.DataFrame  # fuel, cf_tco2_per_t, lcv_gj_per_t, status, u_pct
    densities: pl.DataFrame  # fuel, unit, t_per_unit, u_pct
    ch4_n2o: pl.DataFrame  # mode, sector, fuel, ch4_ef, n2o_ef, ef_unit
    urea: pl.DataFrame  # fuel, purity, status, u_pct
    activity_quality: pl.DataFrame  # data_quality, score, u_pct
    turnover: pl.DataFrame  # mode, passenger_kind, tkm_per_pkm
    grid: pl.DataFrame  # region, year, kgco2_per_kwh, grid_region, grid_year, grid_fallback, grid_status, grid_u_pct
    gwp_ch4: float
    gwp_n2o: float


def _mode_column() -> pl.Expr:
    return (
        pl.col("sector")
        .replace_strict({s.value: m.value for s, m in SECTOR_MODE.items()}, return_dtype=pl.String)
        .alias("mode")
    )


def _factor_tables(f: InventoryFactors) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The small factor tables pre-joined, so each record needs three look-ups instead of eight.

    Returns (per fuel: properties, marine Cf/LCV, density, urea purity, with statuses and uncertainties), (per
    sector × fuel: the CH4/N2O row chosen by sector, then mode, then off-road, with its unit and whether it was
    the off-road fallback), and (per mode × passenger kind: converted-turnover coefficient).
    """
    tables = (f.fuel_properties, f.marine_fuels, f.densities, f.urea, f.ch4_n2o)
    fuels = pl.concat([t.select("fuel") for t in tables]).unique()
    per_fuel = (
        fuels.join(
            f.fuel_properties.select(
                "fuel",
                "ncv",
                "ncv_unit",
                "carbon_content_tc_per_gj",
                "oxidation",
                pl.col("status").alias("fp_status"),
                pl.col("u_pct").alias("fp_u"),
            ),
            on="fuel",
            how="left",
        )
        .join(
            f.marine_fuels.select(
                "fuel",
                "cf_tco2_per_t",
                "lcv_gj_per_t",
                pl.col("status").alias("m_status"),
                pl.col("u_pct").alias("m_u"),
            ),
            on="fuel",
            how="left",
        )
        .join(
            f.densities.select("fuel", pl.col("t_per_unit").alias("t_per_m3"), pl.col("u_pct").alias("d_u")),
            on="fuel",
            how="left",
        )
        .join(
            f.urea.select("fuel", "purity", pl.col("status").alias("urea_status"), pl.col("u_pct").alias("urea_u")),
            on="fuel",
            how="left",
        )
    )
    rows = f.ch4_n2o.select("mode", pl.col("sector").fill_null(""), "fuel", "ch4_ef", "n2o_ef", "ef_unit")
    sectors = pl.DataFrame(
        {"sector": [s.value for s in SECTOR_MODE], "mode": [m.value for m in SECTOR_MODE.values()]}
    ).join(fuels, how="cross")
    own = rows.filter(pl.col("sector") != "").drop("mode")
    by_mode = rows.filter(pl.col("sector") == "").drop("sector")
    offroad = by_mode.filter(pl.col("mode") == "none").drop("mode")
    per_sector_fuel = (
        sectors.join(own, on=["sector", "fuel"], how="left")
        .join(by_mode, on=["mode", "fuel"], how="left", suffix="_mode")
        .join(offroad, on="fuel", how="left", suffix="_offroad")
        .select(
            "sector",
            "fuel",
            *[
                pl.coalesce(c, f"{c}_mode", f"{c}_offroad").alias(c if c != "ef_unit" else "ghg_unit")
                for c in ("ch4_ef", "n2o_ef", "ef_unit")
            ],
            (
                pl.col("ch4_ef").is_null() & pl.col("ch4_ef_mode").is_null() & pl.col("ch4_ef_offroad").is_not_null()
            ).alias("ghg_offroad"),
        )
    )
    turn = f.turnover.select("mode", pl.col("passenger_kind").fill_null(""), "tkm_per_pkm")
    return per_fuel, per_sector_fuel, turn


def compute_lines(activity: pl.DataFrame, f: InventoryFactors) -> pl.DataFrame:
    """Per-record emissions, energy, turnover, quality and uncertainty; see the module docstring for each step.

    ``activity`` needs the columns ``record_id, org_id, period, year, sector, fuel, amount, unit,
    freight_tkm, passenger_pkm, passenger_kind, region, throughput_t`` (region already defaulted) and may have
    ``data_quality`` (missing or null: reported).
    """
    per_fuel, per_sector_fuel, turn = _factor_tables(f)
    if "data_quality" not in activity.columns:
        activity = activity.with_columns(pl.lit(None, pl.String).alias("data_quality"))
    quality = f.activity_quality.select("data_quality", pl.col("score").alias("q_score"), pl.col("u_pct").alias("q_u"))
    a = (
        activity.lazy()
        .with_columns(
            _mode_column(),
            pl.col("passenger_kind").fill_null("").alias("_pk"),
            pl.col("data_quality").fill_null(DEFAULT_QUALITY),
        )
        .join(per_fuel.lazy(), on="fuel", how="left")
        .join(per_sector_fuel.lazy(), on=["sector", "fuel"], how="left")
        .join(turn.lazy(), left_on=["mode", "_pk"], right_on=["mode", "passenger_kind"], how="left")
        .join(f.grid.lazy(), on=["region", "year"], how="left")
        .join(quality.lazy(), on="data_quality", how="left")
    )
    fuel, unit, amount = pl.col("fuel"), pl.col("unit"), pl.col("amount")
    is_elec = fuel == Fuel.ELECTRICITY.value
    is_gas = fuel == Fuel.NATURAL_GAS.value
    is_marine = fuel.is_in(MARINE_FUELS)
    is_urea = fuel == Fuel.UREA_SOLUTION.value
    given_energy = unit.is_in(["GJ", "tce"])
    by_volume = unit.is_in(["L", "m3"]) & ~is_gas
    gj_given = pl.when(unit == "GJ").then(amount).when(unit == "tce").then(amount * GJ_PER_TCE)

    a = a.with_columns(
        kwh=pl.when(is_elec).then(
            pl.when(unit == "kWh")
            .then(amount)
            .when(unit == "MWh")
            .then(amount * 1000.0)
            .when(given_energy)
            .then(gj_given / GJ_PER_KWH)
        ),
        volume_m3=pl.when(is_gas).then(
            pl.when(unit == "m3")
            .then(amount)
            .when(unit == "10^4m3")
            .then(amount * 1.0e4)
            .when(unit == "t")
            .then(amount / pl.col("t_per_m3"))
            .when(unit == "kg")
            .then(amount / 1000.0 / pl.col("t_per_m3"))
        ),
        mass_t=pl.when(~is_elec & ~is_gas).then(
            pl.when(unit == "t")
            .then(amount)
            .when(unit == "kg")
            .then(amount / 1000.0)
            .when(unit == "L")
            .then(amount / 1000.0 * pl.col("t_per_m3"))
            .when(unit == "m3")
            .then(amount * pl.col("t_per_m3"))
            .when(is_marine & given_energy)
            .then(gj_given / pl.col("lcv_gj_per_t"))
            .when(given_energy & (pl.col("ncv_unit") == "GJ/t"))
            .then(gj_given / pl.col("ncv"))
        ),
    )
    energy_from_quantity = (
        pl.when(is_elec)
        .then(pl.col("kwh") * GJ_PER_KWH)
        .when(is_marine)
        .then(pl.col("mass_t") * pl.col("lcv_gj_per_t"))
        .when(pl.col("ncv_unit") == "GJ/10^4m3")
        .then(pl.col("volume_m3") / 1.0e4 * pl.col("ncv"))
        .when(pl.col("ncv_unit") == "GJ/t")
        .then(pl.col("mass_t") * pl.col("ncv"))
    )
    no_energy = fuel.is_null() | is_urea
    a = a.with_columns(
        energy_gj=pl.when(no_energy)
        .then(0.0)
        .when(given_energy & ~is_elec)
        .then(gj_given)
        .otherwise(energy_from_quantity),
    )
    ghg = pl.when(no_energy | is_elec).then(0.0)
    a = a.with_columns(
        energy_tce=pl.col("energy_gj") / GJ_PER_TCE,
        ch4_t=ghg.when(pl.col("ghg_unit") == "kg/t")
        .then(gas_from_mass(pl.col("mass_t"), pl.col("ch4_ef")))
        .otherwise(gas_from_energy(pl.col("energy_gj"), pl.col("ch4_ef"))),
        n2o_t=ghg.when(pl.col("ghg_unit") == "kg/t")
        .then(gas_from_mass(pl.col("mass_t"), pl.col("n2o_ef")))
        .otherwise(gas_from_energy(pl.col("energy_gj"), pl.col("n2o_ef"))),
        scope1_co2_t=pl.when(fuel.is_null() | is_elec)
        .then(0.0)
        .when(is_marine)
        .then(co2_from_mass(pl.col("mass_t"), pl.col("cf_tco2_per_t")))
        .when(is_urea)
        .then(co2_from_urea(pl.col("mass_t"), pl.col("purity")))
        .otherwise(co2_from_energy(pl.col("energy_gj"), pl.col("carbon_content_tc_per_gj"), pl.col("oxidation"))),
        scope2_co2_t=pl.when(is_elec).then(scope2_co2(pl.col("kwh"), pl.col("kgco2_per_kwh"))).otherwise(0.0),
        converted_tkm=pl.when(pl.col("freight_tkm").is_null() & pl.col("passenger_pkm").is_null())
        .then(None)
        .otherwise(
            converted_turnover(
                pl.col("freight_tkm").fill_null(0.0),
                pl.col("passenger_pkm").fill_null(0.0),
                pl.col("tkm_per_pkm").fill_null(0.0),
            )
        ),
        # the CO2 factor row of the line, its status and uncertainty [fraction]
        factor_key=pl.when(fuel.is_null())
        .then(None)
        .when(is_elec)
        .then(pl.format("grid:{}:{}", "grid_region", "grid_year"))
        .when(is_marine)
        .then(pl.format("marine_fuels:{}", fuel))
        .when(is_urea)
        .then(pl.format("urea:{}", fuel))
        .otherwise(pl.format("fuel_properties:{}", fuel)),
        u_factor=pl.when(fuel.is_null())
        .then(0.0)
        .when(is_elec)
        .then(pl.col("grid_u_pct") / 100.0)
        .when(is_marine)
        .then(pl.col("m_u") / 100.0)
        .when(is_urea)
        .then(pl.col("urea_u") / 100.0)
        .otherwise(pl.col("fp_u") / 100.0),
        factor_status=pl.when(fuel.is_null())
        .then(None)
        .when(is_elec)
        .then(pl.col("grid_status"))
        .when(is_marine)
        .then(pl.col("m_status"))
        .when(is_urea)
        .then(pl.col("urea_status"))
        .otherwise(pl.col("fp_status")),
        u_activity=pl.when(by_volume)
        .then(((pl.col("q_u") / 100.0).pow(2) + (pl.col("d_u").fill_null(0.0) / 100.0).pow(2)).sqrt())
        .otherwise(pl.col("q_u") / 100.0),
        fallback=(is_elec & (pl.col("grid_fallback").fill_null("") != ""))
        | (~no_energy & ~is_elec & pl.col("ghg_offroad").fill_null(False)),
        notes=pl.concat_str(
            pl.when(~no_energy & ~is_elec & pl.col("ghg_offroad").fill_null(False))
            .then(pl.format("CH4/N2O: no {} row for {}, off-road row used; ", pl.col("mode"), fuel))
            .otherwise(pl.lit("")),
            pl.when(is_elec).then(pl.col("grid_fallback")).otherwise(pl.lit("")),
            ignore_nulls=True,
        ),
    )
    a = a.with_columns(
        co2_t=pl.col("scope1_co2_t") + pl.col("scope2_co2_t"),
        quality_score=pl.col("q_score")
        + (pl.col("factor_status").fill_null("verified") == "to_check").cast(pl.Float64)
        + pl.col("fallback").cast(pl.Float64),
    )
    a = a.with_columns(co2e_t=co2e(pl.col("co2_t"), pl.col("ch4_t"), pl.col("n2o_t"), f.gwp_ch4, f.gwp_n2o))
    keep = [c for c in activity.columns if c not in ("amount", "data_quality")] + [
        "amount",
        "data_quality",
        "mode",
        "mass_t",
        "volume_m3",
        "kwh",
        "energy_gj",
        "energy_tce",
        "scope1_co2_t",
        "scope2_co2_t",
        "co2_t",
        "ch4_t",
        "n2o_t",
        "co2e_t",
        "converted_tkm",
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
        "factor_key",
        "factor_status",
        "u_factor",
        "u_activity",
        "quality_score",
        "notes",
    ]
    return a.select(keep).sort("record_id").collect()


def missing_factor_rows(lines: pl.DataFrame) -> pl.DataFrame:
    """Lines whose fuel or turnover factors could not all be found, with the reason.

    Returns the columns ``record_id, column, reason`` (empty when nothing is missing), ``column``
    being the input column the missing factor depends on.
    """
    has_fuel = pl.col("fuel").is_not_null()
    reasons = [
        (
            has_fuel & pl.col("energy_gj").is_null(),
            "fuel",
            "energy: no fuel property, density or NCV for this fuel/unit",
        ),
        (has_fuel & pl.col("scope1_co2_t").is_null(), "fuel", "CO2: no carbon factor for this fuel in the set"),
        (has_fuel & (pl.col("ch4_t").is_null() | pl.col("n2o_t").is_null()), "fuel", "CH4/N2O: no factor row"),
        (pl.col("scope2_co2_t").is_null(), "region", "electricity: no grid factor for region/year"),
        (
            pl.col("data_quality").is_not_null() & pl.col("u_activity").is_null(),
            "data_quality",
            "no such data-quality class",
        ),
        (
            (pl.col("passenger_pkm").fill_null(0) > 0) & pl.col("tkm_per_pkm").is_null(),
            "passenger_kind",
            "turnover: no converted-turnover coefficient for this mode/passenger kind",
        ),
    ]
    frames = [
        lines.filter(cond).select("record_id", pl.lit(col).alias("column"), pl.lit(why).alias("reason"))
        for cond, col, why in reasons
    ]
    return pl.concat(frames)


def aggregate(lines: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Sum the measures of ``lines`` by ``by`` (``[]`` for the total), add the intensity and the quality.

    Activity totals are null when no line of the group carries that activity, so that
    "no activity" and "zero activity" stay distinct; the intensity is null when converted
    turnover is null or zero. ``co2_u_t`` is the 95% half-width of the group's CO2 [t] (factor rows
    correlated within the group, :func:`transcarbon.methods.uncertainty.co2_variance_by`); ``quality_score``
    the CO2-weighted mean score of its lines (unweighted where the group has no CO2) and ``quality_grade``
    its letter.
    """
    sums = [pl.col(c).sum().alias(c) for c in _SUMMED if c not in _ACTIVITY]
    acts = [pl.col(c).sum().alias(c) for c in _ACTIVITY]
    counts = [pl.col(c).count().alias(f"_n_{c}") for c in _ACTIVITY]
    weight = pl.col("co2_t").abs()
    score = (
        pl.when(weight.sum() > 0)
        .then((pl.col("quality_score") * weight).sum() / weight.sum())
        .otherwise(pl.col("quality_score").mean())
        .alias("quality_score")
    )
    extra = [pl.col("throughput_t").sum().alias("throughput_t"), pl.len().alias("lines"), score]
    exprs = [*sums, *acts, *counts, *extra]
    grouped = lines.group_by(by).agg(exprs).sort(by) if by else lines.select(exprs)
    variance = co2_variance_by(lines, by)
    grouped = grouped.join(variance, on=by, how="left") if by else grouped.with_columns(variance)
    return (
        grouped.with_columns([pl.when(pl.col(f"_n_{c}") > 0).then(pl.col(c)).alias(c) for c in _ACTIVITY])
        .drop([f"_n_{c}" for c in _ACTIVITY])
        .with_columns(
            intensity_kg_per_unit(pl.col("co2_t"), pl.col("converted_tkm")).alias("intensity_kgco2_per_converted_tkm"),
            pl.col("co2_u2").sqrt().alias("co2_u_t"),
            grade_expr(pl.col("quality_score")).alias("quality_grade"),
        )
        .drop("co2_u2")
    )
