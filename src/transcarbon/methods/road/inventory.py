"""Bottom-up road inventory: registered fleet × kilometres × energy intensity and emission factors, per
vehicle class × powertrain × emission stage × district × year (or whichever keys the fleet carries).

Equations (the MEE 2014 guideline's form [1]_, energy as in the ICCT Roadmap / LEAP stock models [2]_)::

    VKT_i [km]        = P_i · km_i                                   P vehicles, km per vehicle and year
    E_i,c [MJ]        = VKT_i · s_i,c · e_i,c                        s share of km on carrier c, e [MJ/km]
    CO2_i [t]         = Σ_c E_i,c · f_c [kgCO2/MJ] / 1000            direct (fuels) and electricity apart
    X_i [kg]          = VKT_i · EF_i,X [g/km] / 1000                 X = NOx, PM2.5, PM10, CO, HC

f_c is CC · OF · 44/12 for a fuel (kg CO2 per MJ with CC in tC/GJ) and EF_grid / 3.6 for electricity, both
computed by the caller from the factor sets it chose (:mod:`.fuel`); EF_i,X from the MEE 2014 corrections
(:func:`.mee2014.corrected_factors`) or from COPERT at a representative speed (:mod:`.copert`).

Nothing is silently zero: a line without kilometres, energy intensity or a pollutant's factor keeps a null
in that column and is listed in ``missing``; a carrier without a CO2 factor is refused.

References
----------
.. [1] Ministry of Environmental Protection of the PRC (2014). 道路机动车大气污染物排放清单编制技术指南（试行）:
   E = Σ P · EF · VKT.
.. [2] ICCT (2022). Roadmap model documentation: stock × activity × energy intensity × carbon intensity.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

POLLUTANTS: tuple[str, ...] = ("nox", "pm25", "pm10", "co", "hc")
"""Pollutant ids of the factor frames (lower case), reported as ``<id>_kg``."""

SCOPES = ("direct", "electricity")


@dataclass(frozen=True)
class RoadInventory:
    """``lines``: one row per fleet row with ``vehicles, vkt_km, energy_gj, co2_t, co2_electricity_t`` and
    ``<pollutant>_kg``; ``energy``: the same keys × ``carrier`` with ``km_share, energy_gj, co2_t``;
    ``missing``: keys and ``what`` (``vkt``, ``energy`` or a pollutant id) for every value left null."""

    lines: pl.DataFrame
    energy: pl.DataFrame
    missing: pl.DataFrame


def _keys_of(frame: pl.DataFrame, fleet_keys: list[str]) -> list[str]:
    return [c for c in frame.columns if c in fleet_keys]


def bottom_up(
    fleet: pl.DataFrame,
    km_per_vehicle: pl.DataFrame,
    energy_intensity: pl.DataFrame,
    carriers: pl.DataFrame,
    pollutant_factors: pl.DataFrame,
) -> RoadInventory:
    """Inventory of ``fleet`` (see the module docstring for the equations).

    - ``fleet``: key columns (e.g. ``class_id, powertrain, stage, district, year``) and ``vehicles``;
    - ``km_per_vehicle``: some of the fleet's keys and ``km_per_year``;
    - ``energy_intensity``: some of the fleet's keys, ``carrier``, ``mj_per_km`` and optionally ``km_share``
      (default 1; a plug-in hybrid has two rows whose shares add up to 1);
    - ``carriers``: ``carrier``, ``co2_kg_per_mj`` and ``scope`` (``direct`` or ``electricity``);
    - ``pollutant_factors``: some of the fleet's keys, ``pollutant`` (one of :data:`POLLUTANTS`) and
      ``ef_g_per_km``.
    """
    keys = [c for c in fleet.columns if c != "vehicles"]
    unknown = sorted(set(carriers["scope"].unique().to_list()) - set(SCOPES))
    if unknown:
        raise ValueError(f"carrier scope must be one of {SCOPES}, got {unknown}")
    lines = fleet.join(km_per_vehicle, on=_keys_of(km_per_vehicle, keys), how="left").with_columns(
        (pl.col("vehicles") * pl.col("km_per_year")).alias("vkt_km")
    )

    ei = energy_intensity
    if "km_share" not in ei.columns:
        ei = ei.with_columns(pl.lit(1.0).alias("km_share"))
    without = sorted(set(ei["carrier"].unique().to_list()) - set(carriers["carrier"].to_list()))
    if without:
        raise ValueError(f"no CO2 factor for carrier(s) {', '.join(without)}: add them to the carrier table")
    energy = (
        lines.select(*keys, "vkt_km")
        .join(ei, on=_keys_of(ei, keys), how="inner")
        .join(carriers, on="carrier", how="left")
        .with_columns((pl.col("vkt_km") * pl.col("km_share") * pl.col("mj_per_km") / 1000.0).alias("energy_gj"))
        .with_columns((pl.col("energy_gj") * pl.col("co2_kg_per_mj")).alias("co2_t"))  # GJ · kg/MJ = t
        .select(*keys, "carrier", "scope", "km_share", "energy_gj", "co2_t")
    )
    per_line = energy.group_by(keys).agg(
        pl.col("energy_gj").sum(),
        pl.col("co2_t").filter(pl.col("scope") == "direct").sum().alias("co2_t"),
        pl.col("co2_t").filter(pl.col("scope") == "electricity").sum().alias("co2_electricity_t"),
    )
    pf = pollutant_factors
    bad = sorted(set(pf["pollutant"].unique().to_list()) - set(POLLUTANTS))
    if bad:
        raise ValueError(f"pollutant must be one of {POLLUTANTS}, got {bad}")
    wide = (
        lines.select(*keys, "vkt_km")
        .join(pf, on=_keys_of(pf, keys), how="inner")
        .with_columns((pl.col("vkt_km") * pl.col("ef_g_per_km") / 1000.0).alias("kg"))
        .pivot("pollutant", index=keys, values="kg", aggregate_function="sum")
    )
    for p in POLLUTANTS:
        if p not in wide.columns:
            wide = wide.with_columns(pl.lit(None, pl.Float64).alias(p))
    wide = wide.rename({p: f"{p}_kg" for p in POLLUTANTS}).select(*keys, *[f"{p}_kg" for p in POLLUTANTS])
    out = lines.drop("km_per_year").join(per_line, on=keys, how="left", nulls_equal=True)
    out = out.join(wide, on=keys, how="left", nulls_equal=True)
    # a line without kilometres has no energy or pollutants either
    value_cols = ["energy_gj", "co2_t", "co2_electricity_t", *[f"{p}_kg" for p in POLLUTANTS]]
    out = out.with_columns(
        [pl.when(pl.col("vkt_km").is_null()).then(None).otherwise(pl.col(c)).alias(c) for c in value_cols]
    )
    checks = {"vkt": "vkt_km", "energy": "energy_gj", **{p: f"{p}_kg" for p in POLLUTANTS}}
    missing = pl.concat(
        [
            out.filter(pl.col(col).is_null()).select(*keys).with_columns(pl.lit(what).alias("what"))
            for what, col in checks.items()
        ]
    )
    return RoadInventory(lines=out, energy=energy.drop("scope"), missing=missing)
