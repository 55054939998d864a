"""Reading AIS positions from tabular files: CSV or Parquet with ``mmsi, timestamp, lon, lat, sog, cog,
heading, nav_status, draught`` (``sog`` and ``draught`` optional; MarineCadastre names ``MMSI,
BaseDateTime, LAT, LON, SOG, COG, Heading, Status, Draft`` accepted). Files of raw NMEA sentences
(``.nmea``/``.txt``/``.ais``) are handed to :func:`.nmea.read_nmea`.

Every reader returns the normalised frame ``mmsi: Int64, ts: Datetime[us, UTC], lon, lat, sog_kn,
draught_m: Float64`` (lazy for CSV/Parquet; a value that is not finite or outside its physical bound in
``data/bounds/physical.csv`` is null, as AIS marks "not available"), or raises
:class:`.errors.ShipInputError` naming file, row, column and fix in Chinese and English.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.input_checks import bad_value, check_columns, existing_file, parse_timestamp
from transcarbon.engines.ships.nmea import read_nmea
from transcarbon.factors.bounds import physical_bounds

MARINECADASTRE = {
    "MMSI": "mmsi",
    "BaseDateTime": "timestamp",
    "LAT": "lat",
    "LON": "lon",
    "SOG": "sog",
    "COG": "cog",
    "Heading": "heading",
    "Status": "nav_status",
    "Draft": "draught",
}
AIS_REQUIRED = ("mmsi", "timestamp", "lon", "lat")


def read_ais(path: str | Path, *, validate: bool = True) -> pl.LazyFrame:
    """Open an AIS file lazily and normalise it (see the module docstring)."""
    p = existing_file(path)
    name = p.name
    suffix = p.suffix.lower()
    if suffix in (".nmea", ".txt", ".ais"):
        return read_nmea(p).lazy()
    if suffix in (".parquet", ".pq"):
        lf = pl.scan_parquet(p)
    elif suffix in (".csv", ".gz"):
        lf = pl.scan_csv(p, infer_schema=False)
    else:
        raise ShipInputError(
            name,
            f"不支持的文件类型 {suffix}",
            f"unsupported file type {suffix!r}",
            "使用 .csv、.parquet 或 .nmea",
            "use .csv, .parquet or .nmea (raw !AIVDM)",
        )
    columns = lf.collect_schema().names()
    if "MMSI" in columns and "BaseDateTime" in columns:
        lf = lf.rename({k: v for k, v in MARINECADASTRE.items() if k in columns})
        columns = lf.collect_schema().names()
    check_columns(name, columns, AIS_REQUIRED, "mmsi, timestamp, lon, lat; sog, draught optional")
    schema = lf.collect_schema()
    ts_expr = (
        pl.col("timestamp").dt.convert_time_zone("UTC").dt.cast_time_unit("us")
        if isinstance(schema["timestamp"], pl.Datetime) and schema["timestamp"].time_zone
        else pl.col("timestamp").dt.replace_time_zone("UTC").dt.cast_time_unit("us")
        if isinstance(schema["timestamp"], pl.Datetime)
        else parse_timestamp(pl.col("timestamp"))
    )
    out = lf.select(
        pl.col("mmsi").cast(pl.Int64, strict=False),
        ts_expr.alias("ts"),
        _within("lon_deg", pl.col("lon").cast(pl.Float64, strict=False)).alias("lon"),
        _within("lat_deg", pl.col("lat").cast(pl.Float64, strict=False)).alias("lat"),
        _within(
            "sog_kn", pl.col("sog").cast(pl.Float64, strict=False) if "sog" in columns else pl.lit(None, pl.Float64)
        ).alias("sog_kn"),
        _within(
            "draught_m",
            pl.col("draught").cast(pl.Float64, strict=False) if "draught" in columns else pl.lit(None, pl.Float64),
        ).alias("draught_m"),
    )
    if validate and suffix != ".parquet":
        _validate_ais_sample(name, lf, out)
    return out


def _within(quantity: str, expr: pl.Expr) -> pl.Expr:
    """``expr`` where it is finite and inside the physical bound of ``quantity``, else null: AIS marks a value
    not available by one outside its range (latitude 91, longitude 181, SOG 102.3 kn), so such a value is not an
    error but a missing one (a fix without a position is dropped)."""
    return pl.when(physical_bounds()[quantity].outside(expr)).then(None).otherwise(expr)


def _validate_ais_sample(name: str, raw: pl.LazyFrame, norm: pl.LazyFrame, n: int = 10_000) -> None:
    """Check the first ``n`` rows so a wrong format fails fast with the row and column (a number outside its
    physical bound is not a wrong format: it reads as not available)."""
    raw_s = raw.head(n).with_row_index("__row").collect()
    sample = (
        norm.head(n)
        .collect()
        .with_columns(raw_s.select(pl.col("lon", "lat").cast(pl.Float64, strict=False)))
        .with_row_index("__row")
    )
    for col, src, zh, en in (
        ("mmsi", "mmsi", "整数 MMSI", "an integer MMSI"),
        ("ts", "timestamp", "时间（如 2024-05-01T08:00:00Z）", "a timestamp such as 2024-05-01T08:00:00Z"),
        ("lon", "lon", "经度（度）", "a longitude in degrees"),
        ("lat", "lat", "纬度（度）", "a latitude in degrees"),
    ):
        bad = sample.filter(pl.col(col).is_null()).join(
            raw_s.filter(pl.col(src).is_not_null()).select("__row", src), on="__row"
        )
        if bad.height:
            raise bad_value(name, src, int(bad["__row"][0]), bad[src][0], zh, en)
