"""The transport inventory kernel: activity records × factor tables → per-record lines → aggregates.

Everything here is a Polars expression over whole frames (no per-row Python), pure and
deterministic: the same frames in give the same numbers out.

Per record (a *line*), in this order:

1. **Physical quantity.** ``amount`` in ``unit`` becomes mass [t], volume [m3] or electricity [kWh]:
   ``kg`` ÷ 1000; ``L`` ÷ 1000 × density [t/m3]; ``m3`` × density (natural gas: the volume itself,
   at standard conditions); ``10^4m3`` × 10⁴ (natural gas only); ``MWh`` × 1000. Amounts in ``GJ`` or
   ``tce`` are energy already: 1 tce = 29.3076 GJ (7,000 kcal/kg, the definition of standard coal).
2. **Energy** E [GJ] = mass [t] × NCV [GJ/t], or volume [m3] / 10⁴ × NCV [GJ/10⁴m3] (natural gas),
   or kWh × 0.0036; marine fuels (``hfo``, ``mdo``) use the IMO LCV [GJ/t].
   Standard coal [tce] = mass [t] × coefficient [kgce/kg] (= tce/t), volume [m3] × [kgce/m3] / 1000,
   or kWh × [kgce/kWh] / 1000 (GB/T 2589); amounts given in GJ or tce convert by 29.3076.
3. **Scope 1 CO2** = E · CC · OF · 44/12 (fuel-property set) or mass · Cf (marine fuels);
   see :mod:`transcarbon.methods.combustion`.
4. **CH4, N2O** = E / 1000 · EF [kg/TJ] / 1000 by (mode, fuel); where the sector's mode has no row for
   the fuel, the off-road (``none``) row is used and the line says so in ``notes``.
5. **Scope 2 CO2** = kWh · grid factor [kgCO2/kWh] / 1000, the factor of the record's (region, year),
   resolved beforehand with its fallbacks (:mod:`transcarbon.factors.library`).
6. ``co2_t`` = scope 1 + scope 2; ``co2e_t`` = co2_t + CH4 · GWP_CH4 + N2O · GWP_N2O.
7. **Converted turnover** = freight t·km + passenger p·km × k(mode, passenger kind).

A line whose factors cannot all be found keeps nulls in the affected columns; callers check that with
:func:`missing_factor_rows` before aggregating.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transcarbon.domain import SECTOR_MODE, Fuel
from transcarbon.methods.combustion import co2_from_energy, co2_from_mass, co2e, gas_from_energy
from transcarbon.methods.electricity import GJ_PER_KWH, scope2_co2
from transcarbon.methods.finite import require_finite
from transcarbon.methods.turnover import converted_turnover, intensity_kg_per_unit

GJ_PER_TCE = 29.3076
"""Energy of one tonne of standard coal equivalent [GJ/tce] (7,000 kcal/kg × 4.1868 kJ/kcal)."""

MARINE_FUELS = (Fuel.HFO.value, Fuel.MDO.value)

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

_SUMMED = MEASURES[:-1]
_ACTIVITY = ("freight_tkm", "passenger_pkm", "converted_tkm")


@dataclass(frozen=True)
class InventoryFactors:
    """The factor tables one inventory uses, already chosen (set, GWP) and resolved (grid)."""

    fuel_properties: pl.DataFrame  # fuel, ncv, ncv_unit, carbon_content_tc_per_gj, oxidation
    marine_fuels: pl.DataFrame  # fuel, cf_tco2_per_t, lcv_gj_per_t
    densities: pl.DataFrame  # fuel, unit, t_per_unit
    ch4_n2o: pl.DataFrame  # mode, fuel, ch4_kg_per_tj, n2o_kg_per_tj
    standard_coal: pl.DataFrame  # fuel, unit, kgce_per_unit
    turnover: pl.DataFrame  # mode, passenger_kind, tkm_per_pkm
    grid: pl.DataFrame  # region, year, kgco2_per_kwh, grid_region, grid_year, grid_fallback
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

    Returns (per fuel: properties, marine Cf/LCV, density, standard coal), (per mode × fuel: CH4 and N2O
    with the off-road row alongside), and (per mode × passenger kind: converted-turnover coefficient).
    """
    fuels = pl.concat(
        [
            f.fuel_properties.select("fuel"),
            f.marine_fuels.select("fuel"),
            f.densities.select("fuel"),
            f.standard_coal.select("fuel"),
            f.ch4_n2o.select("fuel"),
        ]
    ).unique()
    per_fuel = (
        fuels.join(
            f.fuel_properties.select("fuel", "ncv", "ncv_unit", "carbon_content_tc_per_gj", "oxidation"),
            on="fuel",
            how="left",
        )
        .join(f.marine_fuels.select("fuel", "cf_tco2_per_t", "lcv_gj_per_t"), on="fuel", how="left")
        .join(f.densities.select("fuel", pl.col("t_per_unit").alias("t_per_m3")), on="fuel", how="left")
        .join(f.standard_coal.select("fuel", pl.col("unit").alias("coal_unit"), "kgce_per_unit"), on="fuel", how="left")
    )
    ghg = f.ch4_n2o.select("mode", "fuel", "ch4_kg_per_tj", "n2o_kg_per_tj")
    offroad = ghg.filter(pl.col("mode") == "none").select(
        "fuel", pl.col("ch4_kg_per_tj").alias("ch4_offroad"), pl.col("n2o_kg_per_tj").alias("n2o_offroad")
    )
    modes = pl.DataFrame({"mode": sorted({m.value for m in SECTOR_MODE.values()})})
    per_mode_fuel = (
        modes.join(fuels, how="cross").join(ghg, on=["mode", "fuel"], how="left").join(offroad, on="fuel", how="left")
    )
    turn = f.turnover.select("mode", pl.col("passenger_kind").fill_null(""), "tkm_per_pkm")
    return per_fuel, per_mode_fuel, turn


def compute_lines(activity: pl.DataFrame, f: InventoryFactors) -> pl.DataFrame:
    """Per-record emissions, energy and turnover; see the module docstring for each step.

    ``activity`` needs the columns ``record_id, org_id, period, year, sector, fuel, amount, unit,
    freight_tkm, passenger_pkm, passenger_kind, region, throughput_t`` (region already defaulted); its numbers
    must be finite (:class:`~transcarbon.methods.finite.NonFiniteInput` otherwise).
    """
    require_finite(activity, ("amount", "freight_tkm", "passenger_pkm", "throughput_t"), "inventory activity")
    per_fuel, per_mode_fuel, turn = _factor_tables(f)
    a = (
        activity.lazy()
        .with_columns(_mode_column(), pl.col("passenger_kind").fill_null("").alias("_pk"))
        .join(per_fuel.lazy(), on="fuel", how="left")
        .join(per_mode_fuel.lazy(), on=["mode", "fuel"], how="left")
        .join(turn.lazy(), left_on=["mode", "_pk"], right_on=["mode", "passenger_kind"], how="left")
        .join(f.grid.lazy(), on=["region", "year"], how="left")
    )
    fuel, unit, amount = pl.col("fuel"), pl.col("unit"), pl.col("amount")
    is_elec = fuel == Fuel.ELECTRICITY.value
    is_gas = fuel == Fuel.NATURAL_GAS.value
    is_marine = fuel.is_in(MARINE_FUELS)
    given_energy = unit.is_in(["GJ", "tce"])
    gj_given = pl.when(unit == "GJ").then(amount).when(unit == "tce").then(amount * GJ_PER_TCE)

    a = a.with_columns(
        kwh=pl.when(is_elec).then(
            pl.when(unit == "kWh")
            .then(amount)
            .when(unit == "MWh")
            .then(amount * 1000.0)
            .when(unit == "GJ")
            .then(amount / GJ_PER_KWH)
            .when(unit == "tce")
            .then(amount * 1000.0 / pl.col("kgce_per_unit"))
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
    tce_from_quantity = (
        pl.when(pl.col("coal_unit") == "kg")
        .then(pl.col("mass_t") * pl.col("kgce_per_unit"))
        .when(pl.col("coal_unit") == "m3")
        .then(pl.col("volume_m3") * pl.col("kgce_per_unit") / 1000.0)
        .when(pl.col("coal_unit") == "kWh")
        .then(pl.col("kwh") * pl.col("kgce_per_unit") / 1000.0)
    )
    has_fuel = fuel.is_not_null()
    a = a.with_columns(
        energy_gj=pl.when(~has_fuel)
        .then(0.0)
        .when(given_energy & ~is_elec)
        .then(gj_given)
        .otherwise(energy_from_quantity),
        energy_tce=pl.when(~has_fuel)
        .then(0.0)
        .when(given_energy)
        .then(gj_given / GJ_PER_TCE)
        .otherwise(tce_from_quantity),
        ch4_ef=pl.coalesce("ch4_kg_per_tj", "ch4_offroad"),
        n2o_ef=pl.coalesce("n2o_kg_per_tj", "n2o_offroad"),
    )
    a = a.with_columns(
        scope1_co2_t=pl.when(~has_fuel | is_elec)
        .then(0.0)
        .when(is_marine)
        .then(co2_from_mass(pl.col("mass_t"), pl.col("cf_tco2_per_t")))
        .otherwise(co2_from_energy(pl.col("energy_gj"), pl.col("carbon_content_tc_per_gj"), pl.col("oxidation"))),
        scope2_co2_t=pl.when(is_elec).then(scope2_co2(pl.col("kwh"), pl.col("kgco2_per_kwh"))).otherwise(0.0),
        ch4_t=pl.when(~has_fuel | is_elec).then(0.0).otherwise(gas_from_energy(pl.col("energy_gj"), pl.col("ch4_ef"))),
        n2o_t=pl.when(~has_fuel | is_elec).then(0.0).otherwise(gas_from_energy(pl.col("energy_gj"), pl.col("n2o_ef"))),
        converted_tkm=pl.when(pl.col("freight_tkm").is_null() & pl.col("passenger_pkm").is_null())
        .then(None)
        .otherwise(
            converted_turnover(
                pl.col("freight_tkm").fill_null(0.0),
                pl.col("passenger_pkm").fill_null(0.0),
                pl.col("tkm_per_pkm").fill_null(0.0),
            )
        ),
        notes=pl.concat_str(
            pl.when(has_fuel & ~is_elec & pl.col("ch4_kg_per_tj").is_null() & pl.col("ch4_offroad").is_not_null())
            .then(pl.format("CH4/N2O: no {} row for {}, off-road row used; ", pl.col("mode"), fuel))
            .otherwise(pl.lit("")),
            pl.when(is_elec).then(pl.col("grid_fallback")).otherwise(pl.lit("")),
            ignore_nulls=True,
        ),
    )
    a = a.with_columns(co2_t=pl.col("scope1_co2_t") + pl.col("scope2_co2_t"))
    a = a.with_columns(co2e_t=co2e(pl.col("co2_t"), pl.col("ch4_t"), pl.col("n2o_t"), f.gwp_ch4, f.gwp_n2o))
    keep = [c for c in activity.columns if c != "amount"] + [
        "amount",
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
        "kgce_per_unit",
        "ch4_ef",
        "n2o_ef",
        "tkm_per_pkm",
        "kgco2_per_kwh",
        "grid_region",
        "grid_year",
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
        (has_fuel & pl.col("energy_tce").is_null(), "fuel", "tce: no standard-coal coefficient"),
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
    """Sum the measures of ``lines`` by ``by`` (``[]`` for the total) and add the intensity.

    Activity totals are null when no line of the group carries that activity, so that
    "no activity" and "zero activity" stay distinct; the intensity is null when converted
    turnover is null or zero.
    """
    sums = [pl.col(c).sum().alias(c) for c in _SUMMED if c not in _ACTIVITY]
    acts = [pl.col(c).sum().alias(c) for c in _ACTIVITY]
    counts = [pl.col(c).count().alias(f"_n_{c}") for c in _ACTIVITY]
    extra = [pl.col("throughput_t").sum().alias("throughput_t"), pl.len().alias("lines")]
    exprs = [*sums, *acts, *counts, *extra]
    grouped = lines.group_by(by).agg(exprs).sort(by) if by else lines.select(exprs)
    return (
        grouped.with_columns([pl.when(pl.col(f"_n_{c}") > 0).then(pl.col(c)).alias(c) for c in _ACTIVITY])
        .drop([f"_n_{c}" for c in _ACTIVITY])
        .with_columns(
            intensity_kg_per_unit(pl.col("co2_t"), pl.col("converted_tkm")).alias("intensity_kgco2_per_converted_tkm")
        )
    )
