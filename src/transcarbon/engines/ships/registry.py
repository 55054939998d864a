"""Reading and checking the ship registry (CSV, one row per MMSI, columns ``REGISTRY_COLUMNS``; only
``mmsi`` required). Empty cells stay null, for the documented defaults of :mod:`.params`; a bad value
raises :class:`.errors.ShipInputError` naming file, row, column and fix in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.input_checks import (
    bad_value,
    check_bounds,
    check_columns,
    existing_file,
    first_bad,
    text_csv,
)

REGISTRY_COLUMNS = (
    "mmsi",
    "imo",
    "name",
    "ship_type",
    "dwt",
    "gt",
    "teu",
    "cbm",
    "mcr_kw",
    "vref_kn",
    "design_draught_m",
    "engine_rpm",
    "engine_type",
    "fuel",
    "build_year",
    "nox_tier",
    "shore_power_capable",
)
REGISTRY_NUMERIC = (
    "dwt",
    "gt",
    "teu",
    "cbm",
    "mcr_kw",
    "vref_kn",
    "design_draught_m",
    "engine_rpm",
    "build_year",
    "nox_tier",
)
PHYSICAL = {
    "dwt": "dwt_t",
    "gt": "gt",
    "teu": "teu",
    "cbm": "cbm",
    "mcr_kw": "mcr_kw",
    "vref_kn": "vref_kn",
    "design_draught_m": "design_draught_m",
    "engine_rpm": "engine_rpm",
    "build_year": "build_year",
}
"""Numeric registry columns and their quantity in ``data/bounds/physical.csv``."""
ENGINE_TYPES = (
    "SSD",
    "MSD",
    "HSD",
    "LNG-Otto-MS",
    "LNG-Otto-SS",
    "LNG-Diesel",
    "LBSI",
    "Gas Turbine",
    "Steam Turbine",
    "battery_electric",
)
FUELS = {
    "hfo": "HFO",
    "ifo": "HFO",
    "vlsfo": "HFO",
    "lsfo": "HFO",
    "mdo": "MDO",
    "mgo": "MDO",
    "diesel": "MDO",
    "lng": "LNG",
    "methanol": "Methanol",
    "electricity": "electricity",
}


def read_registry(path: str | Path) -> pl.DataFrame:
    """Read and check the ship registry; empty cells stay null for the documented defaults."""
    p = existing_file(path)
    return validate_registry(text_csv(p), p.name)


def validate_registry(raw: pl.DataFrame, name: str = "ships.csv") -> pl.DataFrame:
    """Cast and check a registry frame of text columns (``__row`` = 0-based data row, optional)."""
    if "__row" not in raw.columns:
        raw = raw.with_row_index("__row")
    raw = raw.with_columns(pl.col(c).cast(pl.String) for c in raw.columns if c != "__row")
    check_columns(name, raw.columns, ("mmsi",), "mmsi required; other registry columns optional")
    for c in REGISTRY_COLUMNS:
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c))
    raw = raw.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in REGISTRY_COLUMNS)
    out = raw.with_columns(
        pl.col("mmsi").cast(pl.Int64, strict=False),
        *[pl.col(c).cast(pl.Float64, strict=False) for c in REGISTRY_NUMERIC],
        pl.col("ship_type").str.to_lowercase().str.replace_all(r"[\s\-]+", "_"),
        pl.when(pl.col("fuel").is_null())
        .then(None)
        .otherwise(pl.col("fuel").str.to_lowercase().replace_strict(FUELS, default="?"))
        .alias("fuel"),
        pl.col("shore_power_capable")
        .str.to_lowercase()
        .replace_strict(
            {
                "true": True,
                "1": True,
                "yes": True,
                "y": True,
                "是": True,
                "false": False,
                "0": False,
                "no": False,
                "n": False,
                "否": False,
            },
            default=None,
            return_dtype=pl.Boolean,
        )
        .alias("shore_power_capable"),
    )
    for c in ("mmsi", *REGISTRY_NUMERIC):
        bad = out.filter(pl.col(c).is_null() & raw[c].is_not_null())
        if bad.height:
            raise bad_value(name, c, *first_bad(raw, bad, c), "数字", "a number")
    bad = out.filter(pl.col("mmsi").is_null())
    if bad.height:
        raise ShipInputError(
            name,
            "MMSI 为空",
            "mmsi is empty",
            "填写 9 位 MMSI",
            "enter the 9-digit MMSI",
            int(bad["__row"][0]) + 2,
            "mmsi",
        )
    dup = out.filter(pl.col("mmsi").is_duplicated())
    if dup.height:
        raise ShipInputError(
            name,
            f"MMSI {dup['mmsi'][0]} 重复",
            f"mmsi {dup['mmsi'][0]} appears twice",
            "每艘船只保留一行",
            "keep one row per ship",
            int(dup["__row"][1]) + 2,
            "mmsi",
        )
    bad = out.filter(pl.col("fuel") == "?")
    if bad.height:
        raise bad_value(
            name,
            "fuel",
            *first_bad(raw, bad, "fuel"),
            "燃料（HFO、MDO、MGO、LNG、Methanol）",
            "a fuel (HFO, MDO, MGO, LNG, Methanol)",
        )
    bad = out.filter(pl.col("engine_type").is_not_null() & ~pl.col("engine_type").is_in(ENGINE_TYPES))
    if bad.height:
        raise bad_value(
            name,
            "engine_type",
            *first_bad(raw, bad, "engine_type"),
            "主机类型（" + "、".join(ENGINE_TYPES) + "）",
            "an engine type (" + ", ".join(ENGINE_TYPES) + ")",
        )
    bad = out.filter(
        pl.col("shore_power_capable").is_null()
        & raw["shore_power_capable"].str.strip_chars().replace("", None).is_not_null()
    )
    if bad.height:
        raise bad_value(
            name, "shore_power_capable", *first_bad(raw, bad, "shore_power_capable"), "true/false", "true or false"
        )
    check_bounds(name, raw, out, PHYSICAL)
    bad = out.filter(pl.col("nox_tier").is_not_null() & ~pl.col("nox_tier").is_in([0.0, 1.0, 2.0, 3.0]))
    if bad.height:
        raise bad_value(
            name, "nox_tier", *first_bad(raw, bad, "nox_tier"), "0–3 的 NOx 等级", "a NOx tier 0, 1, 2 or 3"
        )
    return out
