"""Reading and checking shore-power sessions (CSV, one row per connection: ``mmsi, berth_id,
connect_time, disconnect_time, kwh``; ``berth_id`` and ``kwh`` optional, kWh metered and ≥ 0; a session without
kWh is a connection without a meter reading, whose kWh the inventory models from the power it replaces)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.input_checks import (
    bad_value,
    check_columns,
    existing_file,
    first_bad,
    parse_timestamp,
    text_csv,
)


def read_shore_power(path: str | Path) -> pl.DataFrame:
    """Read shore-power sessions: one row per connection, with its metered kWh where there is a reading."""
    p = existing_file(path)
    return validate_shore_power(text_csv(p), p.name)


def validate_shore_power(raw: pl.DataFrame, name: str = "shore_power.csv") -> pl.DataFrame:
    """Cast and check a sessions frame (``__row`` = 0-based data row, optional): times parsed as UTC,
    disconnection after connection."""
    if "__row" not in raw.columns:
        raw = raw.with_row_index("__row")
    check_columns(name, raw.columns, ("mmsi", "connect_time", "disconnect_time"), "berth_id, kwh optional")
    for c in ("berth_id", "kwh"):
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c))
    out = raw.select(
        "__row",
        pl.col("mmsi").cast(pl.String).cast(pl.Int64, strict=False),
        pl.col("berth_id").cast(pl.String),
        (
            parse_timestamp(pl.col("connect_time"))
            if raw.schema["connect_time"] == pl.String
            else pl.col("connect_time").cast(pl.Datetime("us", "UTC"))
        ).alias("connect_time"),
        (
            parse_timestamp(pl.col("disconnect_time"))
            if raw.schema["disconnect_time"] == pl.String
            else pl.col("disconnect_time").cast(pl.Datetime("us", "UTC"))
        ).alias("disconnect_time"),
        pl.col("kwh").cast(pl.Float64, strict=False),
    )
    ts_zh, ts_en = "时间（如 2024-05-01T08:00:00Z）", "a timestamp such as 2024-05-01T08:00:00Z"
    for c, zh, en in (
        ("mmsi", "整数 MMSI", "an integer MMSI"),
        ("connect_time", ts_zh, ts_en),
        ("disconnect_time", ts_zh, ts_en),
    ):
        bad = out.filter(pl.col(c).is_null())
        if bad.height:
            raise bad_value(name, c, *first_bad(raw, bad, c), zh, en)
    bad = out.filter(
        pl.col("kwh").is_null() & raw["kwh"].cast(pl.String).str.strip_chars().replace("", None).is_not_null()
    )
    if bad.height:
        raise bad_value(name, "kwh", *first_bad(raw, bad, "kwh"), "电量（kWh）", "a number of kWh")
    bad = out.filter(pl.col("disconnect_time") <= pl.col("connect_time"))
    if bad.height:
        raise ShipInputError(
            name,
            "断开时间不晚于接入时间",
            "disconnect_time is not after connect_time",
            "交换两列或更正时间",
            "swap or correct the two times",
            int(bad["__row"][0]) + 2,
            "disconnect_time",
        )
    bad = out.filter(pl.col("kwh") < 0)
    if bad.height:
        raise ShipInputError(
            name,
            "电量为负",
            "kwh is negative",
            "填写计量电量（≥ 0）",
            "enter the metered kWh (≥ 0)",
            int(bad["__row"][0]) + 2,
            "kwh",
        )
    return out.drop("__row")
