"""Readers for the trajectory inputs; each returns normalised Polars frames or raises :class:`RoadInputError`
naming file, row, column and fix in Chinese and English (nothing is computed from a bad file).

- points: CSV or Parquet with ``vehicle_id, timestamp, lon, lat`` and optional ``speed_kmh``. A CSV timestamp is
  ISO 8601 with its zone (``2024-05-01T08:00:00+08:00`` or ``…Z``); a Parquet timestamp is a zone-aware
  datetime (or such text). Normalised to ``vehicle_id: String, ts: Datetime[us, UTC], lon, lat, speed_kmh:
  Float64`` (speed null where not given).
- vehicles: CSV with ``vehicle_id, category, fuel, segment, euro_standard, technology`` in the COPERT naming of
  the packaged rows (e.g. ``Buses, D, Ubus Std 15 - 18 t, VI, DPF+SCR``), optional ``load`` (0–1) and ``slope``
  (a fraction); a China stage (``国V``, ``CN5``) is accepted in ``euro_standard`` (see :mod:`.vehicles`).

Rows are numbered as a spreadsheet shows them (header = row 1) for CSV; Parquet rows by their position from 1.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from transcarbon.engines.road.errors import RoadInputError

POINT_COLUMNS = ("vehicle_id", "timestamp", "lon", "lat")
VEHICLE_COLUMNS = ("vehicle_id", "category", "fuel", "segment", "euro_standard", "technology")
POINTS_SCHEMA = {
    "vehicle_id": pl.String,
    "ts": pl.Datetime("us", "UTC"),
    "lon": pl.Float64,
    "lat": pl.Float64,
    "speed_kmh": pl.Float64,
}


def _missing_columns(file: str, columns: list[str], required: tuple[str, ...], hint: str) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise RoadInputError(
            file,
            f"缺少必需列 {', '.join(missing)}",
            f"missing required column(s) {', '.join(missing)}",
            f"添加这些列（{hint}）",
            f"add them ({hint})",
            row=1,
            column=missing[0],
        )


def _parse_ts(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%.f%#z", strict=False, time_unit="us", time_zone="UTC"),
        text.str.to_datetime(format="%Y-%m-%d %H:%M:%S%.f%#z", strict=False, time_unit="us", time_zone="UTC"),
    )


def _ts_expr(file: str, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            raise RoadInputError(
                file,
                "时间列没有时区",
                "the timestamp column has no time zone",
                "写入带时区的时间（如 2024-05-01T08:00:00+08:00）",
                "store zone-aware timestamps (e.g. 2024-05-01T08:00:00+08:00)",
                column="timestamp",
            )
        return pl.col("timestamp").dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    return _parse_ts(pl.col("timestamp"))


def _first_bad(
    file: str,
    frame: pl.DataFrame,
    bad: pl.Expr,
    column: str,
    zh: str,
    en: str,
    fix_zh: str,
    fix_en: str,
    row_offset: int,
) -> None:
    hit = frame.select(pl.arg_where(bad).first()).item()
    if hit is None:
        return
    value = frame[f"__raw_{column}"][hit] if f"__raw_{column}" in frame.columns else None
    row = int(frame["__row"][hit]) if "__row" in frame.columns else int(hit) + row_offset
    raise RoadInputError(file, f"值 {value!r} {zh}", f"value {value!r} {en}", fix_zh, fix_en, row, column)


def normalise_points(frame: pl.DataFrame, file: str, row_offset: int) -> pl.DataFrame:
    """Check and normalise a frame of raw point columns. Rows are reported as ``__row`` where the frame has
    that column (a streamed part of a file), else as position + ``row_offset`` (the file row of the first)."""
    columns = frame.columns
    _missing_columns(file, columns, POINT_COLUMNS, "vehicle_id, timestamp, lon, lat; speed_kmh optional")
    raw = {
        c: pl.col(c).alias(f"__raw_{c}") for c in ("vehicle_id", "timestamp", "lon", "lat", "speed_kmh") if c in columns
    }
    checked = frame.select(
        *raw.values(),
        *([pl.col("__row")] if "__row" in columns else []),
        pl.col("vehicle_id").cast(pl.String).str.strip_chars().alias("vehicle_id"),
        _ts_expr(file, frame.schema["timestamp"]).alias("ts"),
        pl.col("lon").cast(pl.Float64, strict=False).alias("lon"),
        pl.col("lat").cast(pl.Float64, strict=False).alias("lat"),
        (
            pl.col("speed_kmh").cast(pl.Float64, strict=False) if "speed_kmh" in columns else pl.lit(None, pl.Float64)
        ).alias("speed_kmh"),
    )
    _first_bad(
        file,
        checked,
        pl.col("vehicle_id").is_null() | (pl.col("vehicle_id") == ""),
        "vehicle_id",
        "不是车辆编号",
        "is not a vehicle id",
        "填写车辆编号",
        "enter the vehicle id",
        row_offset,
    )
    _first_bad(
        file,
        checked,
        pl.col("ts").is_null(),
        "timestamp",
        "不是带时区的 ISO 8601 时间",
        "is not an ISO 8601 timestamp with a zone",
        "写成 2024-05-01T08:00:00+08:00 的形式",
        "write it as 2024-05-01T08:00:00+08:00",
        row_offset,
    )
    for col, lim in (("lon", 180.0), ("lat", 90.0)):
        _first_bad(
            file,
            checked,
            pl.col(col).is_null() | ~pl.col(col).is_finite() | (pl.col(col).abs() > lim),
            col,
            f"不是 ±{lim:g} 度以内的数",
            f"is not a number of degrees within ±{lim:g}",
            "填写十进制度数（WGS-84）",
            "enter decimal degrees (WGS-84)",
            row_offset,
        )
    speed = pl.col("speed_kmh")
    given = pl.col("__raw_speed_kmh").is_not_null() if "speed_kmh" in columns else pl.lit(False)
    _first_bad(
        file,
        checked,
        (given & speed.is_null()) | (speed.is_not_null() & (~speed.is_finite() | (speed < 0))),
        "speed_kmh",
        "不是非负的速度（km/h）",
        "is not a non-negative speed in km/h",
        "填写 km/h 速度或留空（将用距离/时间）",
        "enter km/h or leave it empty (distance / time is used)",
        row_offset,
    )
    return checked.select(list(POINTS_SCHEMA))


def read_points(path: str | Path) -> pl.DataFrame:
    """Read and check a whole points file (CSV or Parquet); see the module docstring."""
    p = Path(path)
    if not p.is_file():
        raise RoadInputError(p.name, "文件不存在", "the file does not exist", "检查路径", "check the path")
    suffix = p.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return normalise_points(pl.read_parquet(p), p.name, row_offset=1)
    if suffix == ".csv":
        return normalise_points(pl.read_csv(p, infer_schema=False), p.name, row_offset=2)
    raise RoadInputError(
        p.name,
        f"不支持的文件类型 {suffix}",
        f"unsupported file type {suffix!r}",
        "使用 .csv 或 .parquet",
        "use .csv or .parquet",
    )


def read_vehicles(path: str | Path) -> pl.DataFrame:
    """Read and check a vehicles CSV: text columns as given, ``load`` and ``slope`` as numbers (null if empty),
    ``__row`` the file row. COPERT rows are matched in :func:`.vehicles.resolve_vehicles`."""
    p = Path(path)
    if not p.is_file():
        raise RoadInputError(p.name, "文件不存在", "the file does not exist", "检查路径", "check the path")
    raw = pl.read_csv(p, infer_schema=False)
    return check_vehicles(raw, p.name)


def check_vehicles(raw: pl.DataFrame, file: str) -> pl.DataFrame:
    """Check a raw vehicles frame (all text); see :func:`read_vehicles`."""
    _missing_columns(file, raw.columns, VEHICLE_COLUMNS, ", ".join(VEHICLE_COLUMNS) + "; load, slope optional")
    frame = raw.with_row_index("__row", offset=2).with_columns(
        [pl.col(c).cast(pl.String).str.strip_chars() for c in VEHICLE_COLUMNS]
    )
    for c in ("vehicle_id", "category", "fuel", "segment", "euro_standard"):
        hit = frame.filter(pl.col(c).is_null() | (pl.col(c) == ""))
        if hit.height:
            raise RoadInputError(
                file, "缺少值", "the value is missing", f"填写 {c}", f"enter the {c}", int(hit["__row"][0]), c
            )
    dup = frame.filter(pl.col("vehicle_id").is_duplicated())
    if dup.height:
        raise RoadInputError(
            file,
            f"车辆编号 {dup['vehicle_id'][1]!r} 重复",
            f"vehicle id {dup['vehicle_id'][1]!r} appears twice",
            "每辆车只写一行",
            "give each vehicle one row",
            int(dup["__row"][1]),
            "vehicle_id",
        )
    frame = frame.with_columns(pl.col("technology").fill_null(""))
    ranges = (
        ("load", 0.0, 1.0, "0 到 1 之间的载重率", "a load fraction from 0 to 1"),
        ("slope", -0.06, 0.06, "-0.06 到 0.06 之间的坡度", "a slope fraction from -0.06 to 0.06"),
    )
    for c, lo, hi, zh, en in ranges:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Float64).alias(c))
            continue
        text = pl.col(c).cast(pl.String).str.strip_chars()
        value = text.cast(pl.Float64, strict=False)
        bad = frame.filter((text.is_not_null() & (text != "")) & (value.is_null() | (value < lo) | (value > hi)))
        if bad.height:
            raise RoadInputError(
                file,
                f"值 {bad[c][0]!r} 不是{zh}",
                f"value {bad[c][0]!r} is not {en}",
                f"填写{zh}或留空",
                f"enter {en} or leave it empty",
                int(bad["__row"][0]),
                c,
            )
        frame = frame.with_columns(value.alias(c))
    return frame.select("__row", *VEHICLE_COLUMNS, "load", "slope")
