"""Ship parameters from the registry and the IMO4 tables: one row per MMSI with everything the kernel
needs (powers by mode, SFOC, emission factors for the ship's fuel and for the ECA switch fuel), plus
the data-quality flags of every default taken.

Defaults for missing registry fields (each sets a flag in ``dq_flags``):

| field | default | flag |
|---|---|---|
| ship_type | miscellaneous_other | ship_type_default |
| size (dwt/teu/cbm/gt by type) | ``registry_defaults.csv`` size of the type | size_default |
| mcr_kw, vref_kn, design_draught_m | ``registry_defaults.csv`` value | mcr_default, vref_default, |
|  |  | draught_design_default |
| engine_type | from engine_rpm (≤300 SSD, ≤900 MSD, else HSD); LNG fuel → LNG-Otto-MS; | engine_default |
|  | rpm missing → the type's default rpm |  |
| fuel | LNG for LNG engines, else the type default | fuel_default |
| build_year | 2010 | build_year_default |
| nox_tier | from build year (<2000: 0, <2011: I, else II) | (none: documented rule) |
| shore_power_capable | false | shore_power_unknown |
| not in the registry at all | all of the above | not_in_registry |
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from transcarbon.engines.ships.registry import REGISTRY_COLUMNS, validate_registry
from transcarbon.engines.ships.tables import ShipTables
from transcarbon.methods.ships import emission_factors as ef
from transcarbon.methods.ships import power, sfoc

DEFAULT_BUILD_YEAR = 2010
MODE_COLUMNS = ("berth", "anch", "man", "sea")
LNG_ENGINES = ("LNG-Otto-MS", "LNG-Otto-SS", "LNG-Diesel", "LBSI")


def _lookup(keys: pl.DataFrame, table: pl.DataFrame, on: list[str], value: str) -> pl.Series:
    return keys.select(on).with_row_index("__i").join(table.select(*on, value), on=on, how="left").sort("__i")[value]


def _band_value(df: pl.DataFrame, cols: tuple[str, str, str], band: NDArray[np.int8]) -> NDArray[np.float64]:
    """Pick the build-year band's column; 0 (no such combination) falls back to the next later band,
    then earlier ones."""
    vals = np.stack([df[c].fill_null(0).to_numpy().astype(np.float64) for c in cols], axis=1)
    out: NDArray[np.float64] = vals[np.arange(len(band)), band]
    for alt in (2, 1, 0):
        out = np.where(out > 0, out, vals[:, alt])
    return out


def fuel_factors(ships: pl.DataFrame, fuel: pl.Series, tables: ShipTables) -> dict[str, np.ndarray]:
    """Per ship, factors that depend on the fuel burnt: SFOC (ME, AE, AB, pilot), Cf, NOx/CH4/N2O by
    engine group, sulphur default and the PM constants."""
    n = ships.height
    et = ships["engine_type"]
    band = sfoc.build_year_band(ships["build_year"].to_numpy())
    is_elec = (et == "battery_electric").to_numpy()
    fuel_np = fuel.to_numpy()
    t191 = tables["imo4_table_19_1"]
    keys = pl.DataFrame({"meType": et, "fuel": fuel})
    me = keys.with_row_index("__i").join(t191, on=["meType", "fuel"], how="left").sort("__i")
    sfoc_me = _band_value(me, ("_83", "84_2000", "2001_"), band)
    pilot = me["pilot_mdo"].fill_null(0).to_numpy().astype(np.float64)
    t192 = tables["imo4_table_19_2"]
    aux_fuel = pl.Series(np.where(fuel_np == "Methanol", "MDO", fuel_np))
    ae = (
        pl.DataFrame({"meType": ["AE"] * n, "fuel": aux_fuel})
        .with_row_index("__i")
        .join(t192, on=["meType", "fuel"], how="left")
        .sort("__i")
    )
    ab = (
        pl.DataFrame({"meType": ["AB"] * n, "fuel": aux_fuel})
        .with_row_index("__i")
        .join(t192, on=["meType", "fuel"], how="left")
        .sort("__i")
    )
    cols = ("ae_ab_83", "ae_ab_84_2000", "ae_ab_2001_")
    sfoc_ae = _band_value(ae, cols, band)
    sfoc_ab = _band_value(ab, cols, band)
    cf = np.array([tables.cf.get(f, np.nan) for f in fuel_np], dtype=np.float64) if n else np.zeros(0)

    # energy-based factors; table keys are matched case-insensitively
    def ghg(table: str, value: str, group_type: pl.Series) -> np.ndarray:
        t = tables[table].with_columns(pl.col("meType").str.to_lowercase())
        k = pl.DataFrame({"meType": group_type.str.to_lowercase(), "fuel": fuel})
        return _lookup(k, t, ["meType", "fuel"], value).fill_null(0.0).to_numpy().astype(np.float64)

    out: dict[str, np.ndarray] = {
        "sfoc_me": sfoc_me,
        "sfoc_pilot": pilot,
        "sfoc_ae": sfoc_ae,
        "sfoc_ab": sfoc_ab,
        "cf": cf,
    }
    for gas, table, col in (("ch4", "imo4_table_55_56", "ef_ch4"), ("n2o", "imo4_table_59_60", "ef_n2o")):
        out[f"{gas}_me"] = ghg(table, col, et)
        out[f"{gas}_ae"] = ghg(table, col, pl.Series(["AE"] * n))
        out[f"{gas}_ab"] = ghg(table, col, pl.Series(["AB"] * n))
    nox = tables["nox_tiers"]
    nox_fuel = pl.Series(np.where(fuel_np == "Methanol", "MDO", fuel_np))
    tier = ships["nox_tier"].cast(pl.Int64)
    for grp, etype in (("main", et), ("aux", pl.Series(["AE"] * n)), ("boiler", pl.Series(["AB"] * n))):
        k = pl.DataFrame({"engine_group": [grp] * n, "engine_type": etype, "fuel": nox_fuel, "tier": tier})
        t = nox.filter(pl.col("engine_group") == grp)
        exact = _lookup(k, t, ["engine_group", "engine_type", "fuel", "tier"], "nox_g_per_kwh")
        anyt = _lookup(k, t.filter(pl.col("tier") == -1), ["engine_group", "engine_type", "fuel"], "nox_g_per_kwh")
        out[f"nox_{grp[:2] if grp != 'main' else 'me'}"] = exact.fill_null(anyt).fill_null(0.0).to_numpy()
    out["nox_ae"], out["nox_ab"] = out.pop("nox_au"), out.pop("nox_bo")
    sul = tables["fuel_sulphur"]
    out["s_pct"] = _lookup(pl.DataFrame({"fuel": fuel}), sul, ["fuel"], "sulphur_pct").fill_null(0.0).to_numpy()
    pm = tables["pm"]
    for col, name in (("base_g_per_kwh", "pm_base"), ("s_ref_fraction", "pm_sref"), ("pm25_per_pm10", "pm25_ratio")):
        out[name] = _lookup(pl.DataFrame({"fuel": fuel}), pm, ["fuel"], col).fill_null(0.0).to_numpy()
    for key in ("sfoc_pilot", *FUEL_FACTORS):  # a battery-electric ship burns nothing and emits nothing
        out[key] = np.where(is_elec, 0.0, out[key])
    return out


SWITCHED = (
    "sfoc_me",
    "sfoc_ae",
    "sfoc_ab",
    "cf",
    "ch4_me",
    "ch4_ae",
    "ch4_ab",
    "n2o_me",
    "n2o_ae",
    "n2o_ab",
    "nox_me",
    "nox_ae",
    "nox_ab",
    "s_pct",
    "pm_base",
    "pm_sref",
    "pm25_ratio",
)
FUEL_FACTORS = tuple(n for n in SWITCHED if n not in ("s_pct", "pm_sref", "pm25_ratio"))
"""The switched factors that scale with fuel burnt (SFOC, Cf, CH4, N2O, NOx, PM base) [g/kWh or t/t]."""


def resolve_ships(
    registry: pl.DataFrame | None, mmsi: pl.Series | None, tables: ShipTables, boilers_on_shore_power: bool = False
) -> pl.DataFrame:
    """One parameter row per MMSI of ``registry`` ∪ ``mmsi`` (those absent from the registry get every
    default and the ``not_in_registry`` flag)."""
    if registry is None:
        registry = validate_registry(pl.DataFrame({"mmsi": pl.Series([], dtype=pl.String)}))
    reg = registry.select(REGISTRY_COLUMNS).with_columns(pl.lit(False).alias("__missing"))
    if mmsi is not None:
        extra = mmsi.unique().to_frame("mmsi").join(reg.select("mmsi"), on="mmsi", how="anti")
        if extra.height:
            reg = pl.concat([reg, extra.with_columns(pl.lit(True).alias("__missing"))], how="diagonal_relaxed")
    flags: list[pl.Expr] = [pl.when(pl.col("__missing")).then(pl.lit("not_in_registry"))]
    known = set(tables["size_metric"]["ship_type"].to_list())
    df = reg.with_columns(
        pl.when(pl.col("ship_type").is_in(list(known)))
        .then(pl.col("ship_type"))
        .otherwise(pl.lit("miscellaneous_other"))
        .alias("ship_type"),
        pl.col("ship_type").is_in(list(known)).not_().alias("__type_def"),
    )
    flags.append(pl.when(pl.col("__type_def")).then(pl.lit("ship_type_default")))
    df = df.join(tables["size_metric"].select("ship_type", "imo4_type", "size_metric"), on="ship_type", how="left")
    defaults = tables["registry_defaults"].select(
        pl.col("ship_type"),
        *[pl.col(c).alias(f"__d_{c}") for c in ("size", "mcr_kw", "vref_kn", "design_draught_m", "engine_rpm", "fuel")],
    )
    df = df.join(defaults, on="ship_type", how="left")
    size = (
        pl.when(pl.col("size_metric") == "dwt")
        .then("dwt")
        .when(pl.col("size_metric") == "teu")
        .then("teu")
        .when(pl.col("size_metric") == "cbm")
        .then("cbm")
        .otherwise("gt")
    )
    df = df.with_columns(size.alias("size"))
    flags.append(pl.when(pl.col("size").is_null()).then(pl.lit("size_default")))
    for col, flag in (
        ("mcr_kw", "mcr_default"),
        ("vref_kn", "vref_default"),
        ("design_draught_m", "draught_design_default"),
        ("build_year", "build_year_default"),
    ):
        flags.append(pl.when(pl.col(col).is_null() | (pl.col(col) <= 0)).then(pl.lit(flag)))
    flags.append(pl.when(pl.col("fuel").is_null()).then(pl.lit("fuel_default")))
    flags.append(
        pl.when(
            pl.col("engine_type").is_null() & pl.col("engine_rpm").is_null() & (pl.col("fuel") != "LNG").fill_null(True)
        ).then(pl.lit("engine_default"))
    )
    flags.append(pl.when(pl.col("shore_power_capable").is_null()).then(pl.lit("shore_power_unknown")))
    df = df.with_columns(
        pl.col("size").fill_null(pl.col("__d_size")),
        *[
            pl.when(pl.col(c) > 0).then(pl.col(c)).otherwise(pl.col(f"__d_{c}")).alias(c)
            for c in ("mcr_kw", "vref_kn", "design_draught_m")
        ],
        pl.col("build_year").fill_null(DEFAULT_BUILD_YEAR),
        pl.col("shore_power_capable").fill_null(False),
        pl.concat_str(flags, separator=",", ignore_nulls=True).fill_null("").alias("dq_flags"),
    )
    rpm_type = power.engine_type_from_rpm(df["engine_rpm"].fill_null(df["__d_engine_rpm"]).to_numpy())
    fuel_given = df["fuel"]
    et = df["engine_type"].to_numpy().astype(object)
    et = np.where(pd_isnull(et), np.where(fuel_given.to_numpy().astype(object) == "LNG", "LNG-Otto-MS", rpm_type), et)
    fuel = np.where(
        pd_isnull(fuel_given.to_numpy().astype(object)),
        np.where(np.isin(et, LNG_ENGINES), "LNG", df["__d_fuel"].to_numpy().astype(object)),
        fuel_given.to_numpy().astype(object),
    )
    fuel = np.where(et == "battery_electric", "electricity", fuel)
    df = df.with_columns(pl.Series("engine_type", et.astype(str)), pl.Series("fuel", fuel.astype(str)))
    df = df.with_columns(
        pl.col("nox_tier").fill_null(
            pl.Series(ef.nox_tier_from_build_year(df["build_year"].to_numpy())).cast(pl.Float64)
        )
    )
    # size bin, table 17 powers, table 44 factors, reference-power factor f. Table 17's bins have
    # integer bounds (e.g. 0–9999, 10000–34999): bin k holds mindiff_k ≤ size < maxdiff_k + 1, so that a
    # non-integer size (9999.5 dwt, a cbm or GT with decimals) stays in its bin instead of falling
    # between two bins (and from there into the top bin).
    t17 = tables["imo4_table_17"].rename({"StandardVesselType": "imo4_type"})
    binned = (
        df.select("mmsi", "imo4_type", "size")
        .join(t17, on="imo4_type", how="left")
        .filter((pl.col("size") >= pl.col("mindiff")) & (pl.col("size") < pl.col("maxdiff") + 1))
    )
    # sizes beyond the last bin's max use the last bin
    top = t17.group_by("imo4_type").agg(pl.all().sort_by("imobin").last())
    missing = (
        df.select("mmsi", "imo4_type", "size")
        .join(binned.select("mmsi"), on="mmsi", how="anti")
        .join(top, on="imo4_type", how="left")
    )
    binned = pl.concat([binned, missing.select(binned.columns)])
    df = df.join(binned.drop("imo4_type", "size", "mindiff", "maxdiff", "status", "source"), on="mmsi", how="left")
    t44 = (
        tables["imo4_table_44"]
        .rename({"StandardVesselType": "imo4_type"})
        .select("imo4_type", "imobin", pl.col("weather").alias("eta_w"), pl.col("fouling").alias("eta_f"))
    )
    df = df.join(t44, on=["imo4_type", "imobin"], how="left")
    fref = tables["me_reference_power"]
    f_specific = (
        df.select("mmsi", "ship_type", "imobin")
        .join(fref.filter(pl.col("ship_type") != "*"), on="ship_type", how="inner")
        .filter((pl.col("imobin") >= pl.col("bin_min")) & (pl.col("imobin") <= pl.col("bin_max")))
        .select("mmsi", pl.col("f").alias("f_ref"))
    )
    df = df.join(f_specific, on="mmsi", how="left").with_columns(pl.col("f_ref").fill_null(1.0))
    mcr = df["mcr_kw"].to_numpy()
    for m in MODE_COLUMNS:
        ae, ab = power.small_ship_auxiliaries(mcr, df[f"ae_{m}"].to_numpy(), df[f"ab_{m}"].to_numpy())
        df = df.with_columns(pl.Series(f"ae_{m}_kw", ae), pl.Series(f"ab_{m}_kw", ab))
    df = df.with_columns(
        pl.col("engine_type").is_in(list(sfoc.TURBINE_TYPES)).alias("is_turbine"),
        pl.col("engine_type").is_in(["SSD", "MSD", "HSD", *LNG_ENGINES]).alias("llaf_applies"),
    )
    co_hc = tables["co_hc"]
    n = df.height
    cols: dict[str, np.ndarray] = {}
    for grp, etype, key in (
        ("main", df["engine_type"], "me"),
        ("aux", pl.Series(["AE"] * n), "ae"),
        ("boiler", pl.Series(["AB"] * n), "ab"),
    ):
        k = pl.DataFrame({"engine_group": [grp] * n, "engine_type": etype})
        for c in ("co", "hc"):
            v = _lookup(k, co_hc, ["engine_group", "engine_type"], f"{c}_g_per_kwh").fill_null(0.0).to_numpy()
            cols[f"{c}_{key}"] = np.where(df["engine_type"].to_numpy() == "battery_electric", 0.0, v)
    primary = fuel_factors(df, df["fuel"], tables)
    switched_fuel = pl.Series(np.where(df["fuel"].to_numpy() == "HFO", "MDO", df["fuel"].to_numpy()))
    switched = fuel_factors(df, switched_fuel, tables)
    mdo = fuel_factors(df, pl.Series(["MDO"] * n), tables)
    cols.update(primary)
    cols.update({f"{k}_sw": switched[k] for k in SWITCHED})
    cols["cf_pilot"] = np.full(n, tables.cf["MDO"])
    cols["s_pilot_pct"] = mdo["s_pct"]
    cols["pm_pilot_base"] = np.zeros(n)
    cols["ab_on_shore"] = np.full(n, float(boilers_on_shore_power))
    df = df.with_columns(pl.Series(k, v, dtype=pl.Float64) for k, v in cols.items())
    keep = [
        "mmsi",
        "imo",
        "name",
        "ship_type",
        "imo4_type",
        "size_metric",
        "size",
        "imobin",
        "mcr_kw",
        "vref_kn",
        "design_draught_m",
        "engine_type",
        "fuel",
        "build_year",
        "nox_tier",
        "shore_power_capable",
        "eta_w",
        "eta_f",
        "f_ref",
        "is_turbine",
        "llaf_applies",
        "dq_flags",
        *[f"{g}_{m}_kw" for g in ("ae", "ab") for m in MODE_COLUMNS],
        *cols.keys(),
    ]
    return df.select(keep).with_columns(pl.col("imobin").cast(pl.Int64))


def pd_isnull(a: np.ndarray) -> np.ndarray:
    """Null test for object arrays (None)."""
    return np.array([x is None for x in a], dtype=bool)
