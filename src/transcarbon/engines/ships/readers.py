"""Readers for the ship-inventory inputs; each returns normalised Polars frames or raises
:class:`ShipInputError` naming file, row, column and fix in Chinese and English.

- AIS positions: CSV or Parquet with ``mmsi, timestamp, lon, lat, sog, cog, heading, nav_status,
  draught`` (MarineCadastre names ``MMSI, BaseDateTime, LAT, LON, SOG, COG, Heading, Status, Draft``
  accepted), or raw NMEA ``!AIVDM`` / ``!AIVDO`` sentences (``.nmea``/``.txt``, decoded with pyais;
  a line may start with a timestamp ``2024-05-01T00:00:00Z`` or epoch seconds and a comma, else the
  message must come with a tag-block ``c:`` time). Normalised to ``mmsi: Int64, ts: Datetime[us, UTC],
  lon, lat, sog_kn, draught_m: Float64`` (lazy for CSV/Parquet).
- Ship registry CSV: see ``REGISTRY_COLUMNS``.
- Zones GeoJSON: polygons with ``kind`` = berth | anchorage | port_area | eca.
- Shore-power sessions CSV: ``mmsi, berth_id, connect_time, disconnect_time, kwh``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from transcarbon.engines.ships.errors import ShipInputError
from transcarbon.engines.ships.zones import Zone, Zones

AIS_COLUMNS = ("mmsi", "timestamp", "lon", "lat", "sog", "cog", "heading", "nav_status", "draught")
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
SESSION_COLUMNS = ("mmsi", "berth_id", "connect_time", "disconnect_time", "kwh")
ZONE_KINDS = ("berth", "anchorage", "port_area", "eca")


def _bad_column(file: str, column: str, row0: int, value: object, expected_zh: str, expected_en: str) -> ShipInputError:
    """Error for data row ``row0`` (0-based; the file row is row0 + 2 since the header is row 1)."""
    return ShipInputError(
        file,
        f"值 {value!r} 无法识别为{expected_zh}",
        f"value {value!r} is not {expected_en}",
        f"改为{expected_zh}或留空",
        f"enter {expected_en} or leave it empty",
        row0 + 2,
        column,
    )


def _first_bad(raw: pl.DataFrame, bad: pl.DataFrame, column: str) -> tuple[int, object]:
    row0 = int(bad["__row"][0])
    return row0, raw.filter(pl.col("__row") == row0)[column][0]


def _check_columns(file: str, columns: list[str], required: tuple[str, ...], hint_en: str) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise ShipInputError(
            file,
            f"缺少必需列 {', '.join(missing)}",
            f"missing required column(s) {', '.join(missing)}",
            f"添加这些列（{hint_en}）",
            f"add them ({hint_en})",
            row=1,
            column=missing[0],
        )


def _parse_ts(expr: pl.Expr) -> pl.Expr:
    text = expr.cast(pl.String).str.strip_chars()
    return pl.coalesce(
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%#z", strict=False, time_unit="us", time_zone="UTC"),
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
        text.str.to_datetime(format="%Y-%m-%d %H:%M:%S", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
        text.str.to_datetime(format="%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us").dt.replace_time_zone("UTC"),
    )


def read_ais(path: str | Path, *, validate: bool = True) -> pl.LazyFrame:
    """Open an AIS file lazily and normalise it (see the module docstring)."""
    p = _existing(path)
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
    _check_columns(name, columns, AIS_REQUIRED, "mmsi, timestamp, lon, lat; sog, draught optional")
    schema = lf.collect_schema()
    ts_expr = (
        pl.col("timestamp").dt.convert_time_zone("UTC").dt.cast_time_unit("us")
        if isinstance(schema["timestamp"], pl.Datetime) and schema["timestamp"].time_zone
        else pl.col("timestamp").dt.replace_time_zone("UTC").dt.cast_time_unit("us")
        if isinstance(schema["timestamp"], pl.Datetime)
        else _parse_ts(pl.col("timestamp"))
    )
    out = lf.select(
        pl.col("mmsi").cast(pl.Int64, strict=False),
        ts_expr.alias("ts"),
        pl.col("lon").cast(pl.Float64, strict=False),
        pl.col("lat").cast(pl.Float64, strict=False),
        (pl.col("sog").cast(pl.Float64, strict=False) if "sog" in columns else pl.lit(None, pl.Float64)).alias(
            "sog_kn"
        ),
        (pl.col("draught").cast(pl.Float64, strict=False) if "draught" in columns else pl.lit(None, pl.Float64)).alias(
            "draught_m"
        ),
    )
    if validate and suffix != ".parquet":
        _validate_ais_sample(name, lf, out)
    return out


def _validate_ais_sample(name: str, raw: pl.LazyFrame, norm: pl.LazyFrame, n: int = 10_000) -> None:
    """Check the first ``n`` rows so a wrong format fails fast with the row and column."""
    sample = norm.head(n).with_row_index("__row").collect()
    raw_s = raw.head(n).with_row_index("__row").collect()
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
            raise _bad_column(name, src, int(bad["__row"][0]), bad[src][0], zh, en)


def read_nmea(path: str | Path) -> pl.DataFrame:
    """Decode NMEA ``!AIVDM`` position (types 1, 2, 3, 18, 19, 27) and static (5) reports with pyais.

    Draught comes from type-5 voyage data, carried forward onto the same ship's later positions.
    Decoding is per message (pyais is a Python decoder): fine for files of raw sentences, while bulk
    histories should come as CSV or Parquet.
    """
    from pyais import decode

    p = Path(path)
    rows_m: list[int] = []
    rows_t: list[datetime | None] = []
    rows_lon: list[float | None] = []
    rows_lat: list[float | None] = []
    rows_sog: list[float | None] = []
    rows_dr: list[float | None] = []
    frags: list[str] = []
    for lineno, (ts, sentence, last) in enumerate(_nmea_lines(p), start=1):
        frags.append(sentence)
        if not last:
            continue
        try:
            decoded = decode(*frags)
        except Exception as exc:  # pyais raises several types for bad sentences
            raise ShipInputError(
                p.name,
                f"NMEA 报文无法解码（{exc}）",
                f"an NMEA sentence cannot be decoded ({exc})",
                "只保留完整的 !AIVDM 报文",
                "keep only complete !AIVDM sentences",
                lineno,
            ) from exc
        frags = []
        kind = decoded.msg_type
        if kind in (1, 2, 3, 18, 19, 27):
            rows_m.append(int(decoded.mmsi))
            rows_t.append(ts)
            rows_lon.append(getattr(decoded, "lon", None))
            rows_lat.append(getattr(decoded, "lat", None))
            rows_sog.append(getattr(decoded, "speed", None))
            rows_dr.append(None)
        elif kind == 5:
            rows_m.append(int(decoded.mmsi))
            rows_t.append(ts)
            rows_lon.append(None)
            rows_lat.append(None)
            rows_sog.append(None)
            draught = getattr(decoded, "draught", None)
            rows_dr.append(float(draught) if draught else None)
    df = pl.DataFrame(
        {"mmsi": rows_m, "ts": rows_t, "lon": rows_lon, "lat": rows_lat, "sog_kn": rows_sog, "draught_m": rows_dr},
        schema={
            "mmsi": pl.Int64,
            "ts": pl.Datetime("us", "UTC"),
            "lon": pl.Float64,
            "lat": pl.Float64,
            "sog_kn": pl.Float64,
            "draught_m": pl.Float64,
        },
    )
    if df["ts"].null_count():
        raise ShipInputError(
            p.name,
            "报文缺少时间",
            "sentences carry no time",
            "在每行前加 ISO 时间和逗号，或使用带 c: 的标签块",
            "prefix each line with an ISO time and a comma, or use a tag block with c:",
        )
    df = df.sort("mmsi", "ts").with_columns(pl.col("draught_m").forward_fill().over("mmsi"))
    return df.filter(pl.col("lon").is_not_null()).with_columns(
        pl.when((pl.col("lon").abs() > 180) | (pl.col("lat").abs() > 90))
        .then(None)
        .otherwise(pl.col("lon"))
        .alias("lon")
    )


def _nmea_lines(p: Path) -> Iterator[tuple[datetime | None, str, bool]]:
    """(time, sentence, is_last_fragment) per ``!AIVD*`` line; time from a line prefix or tag block."""
    for raw_line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw_line.strip()
        if "!AIVD" not in line:
            continue
        prefix, _, rest = line.partition("!AIVD")
        sentence = "!AIVD" + rest
        parts = sentence.split(",")
        last = not (len(parts) > 2 and parts[1].isdigit() and parts[2].isdigit() and parts[1] != parts[2])
        ts: datetime | None = None
        if prefix.startswith("\\") and "c:" in prefix:
            token = prefix.split("c:")[1].split(",")[0].split("*")[0]
            if token.isdigit():
                ts = datetime.fromtimestamp(int(token[:10]), tz=UTC)
        elif prefix.strip(" ,"):
            token = prefix.strip(" ,")
            try:
                ts = (
                    datetime.fromtimestamp(float(token), tz=UTC)
                    if token.replace(".", "").isdigit()
                    else datetime.fromisoformat(token.replace("Z", "+00:00"))
                )
            except ValueError:
                ts = None
            if ts is not None and ts.tzinfo is None:
                ts = ts.replace(tzinfo=UTC)
        yield ts, sentence, last


def _existing(path: str | Path) -> Path:
    """``path`` as a Path, or a bilingual "file not found" error naming it."""
    p = Path(path)
    if not p.exists():
        raise ShipInputError(p.name, "文件不存在", "file not found", "检查路径", "check the path")
    return p


def _text_csv(p: Path) -> pl.DataFrame:
    """A CSV read as text (every column a string) with ``__row``, the 0-based data row, for error messages."""
    return pl.read_csv(p, infer_schema=False).with_row_index("__row")


def read_registry(path: str | Path) -> pl.DataFrame:
    """Read and check the ship registry; empty cells stay null for the documented defaults."""
    p = _existing(path)
    return validate_registry(_text_csv(p), p.name)


def validate_registry(raw: pl.DataFrame, name: str = "ships.csv") -> pl.DataFrame:
    """Cast and check a registry frame of text columns (``__row`` = 0-based data row, optional)."""
    if "__row" not in raw.columns:
        raw = raw.with_row_index("__row")
    raw = raw.with_columns(pl.col(c).cast(pl.String) for c in raw.columns if c != "__row")
    _check_columns(name, raw.columns, ("mmsi",), "mmsi required; other registry columns optional")
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
            raise _bad_column(name, c, *_first_bad(raw, bad, c), "数字", "a number")
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
        raise _bad_column(
            name,
            "fuel",
            *_first_bad(raw, bad, "fuel"),
            "燃料（HFO、MDO、MGO、LNG、Methanol）",
            "a fuel (HFO, MDO, MGO, LNG, Methanol)",
        )
    bad = out.filter(pl.col("engine_type").is_not_null() & ~pl.col("engine_type").is_in(ENGINE_TYPES))
    if bad.height:
        raise _bad_column(
            name,
            "engine_type",
            *_first_bad(raw, bad, "engine_type"),
            "主机类型（" + "、".join(ENGINE_TYPES) + "）",
            "an engine type (" + ", ".join(ENGINE_TYPES) + ")",
        )
    bad = out.filter(
        pl.col("shore_power_capable").is_null()
        & raw["shore_power_capable"].str.strip_chars().replace("", None).is_not_null()
    )
    if bad.height:
        raise _bad_column(
            name, "shore_power_capable", *_first_bad(raw, bad, "shore_power_capable"), "true/false", "true or false"
        )
    bad = out.filter(pl.col("nox_tier").is_not_null() & ~pl.col("nox_tier").is_in([0.0, 1.0, 2.0, 3.0]))
    if bad.height:
        raise _bad_column(
            name, "nox_tier", *_first_bad(raw, bad, "nox_tier"), "0–3 的 NOx 等级", "a NOx tier 0, 1, 2 or 3"
        )
    return out


def read_shore_power(path: str | Path) -> pl.DataFrame:
    """Read shore-power sessions: one row per connection with metered kWh."""
    p = _existing(path)
    return validate_shore_power(_text_csv(p), p.name)


def validate_shore_power(raw: pl.DataFrame, name: str = "shore_power.csv") -> pl.DataFrame:
    if "__row" not in raw.columns:
        raw = raw.with_row_index("__row")
    _check_columns(name, raw.columns, ("mmsi", "connect_time", "disconnect_time"), "berth_id, kwh optional")
    for c in ("berth_id", "kwh"):
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(c))
    out = raw.select(
        "__row",
        pl.col("mmsi").cast(pl.String).cast(pl.Int64, strict=False),
        pl.col("berth_id").cast(pl.String),
        (
            _parse_ts(pl.col("connect_time"))
            if raw.schema["connect_time"] == pl.String
            else pl.col("connect_time").cast(pl.Datetime("us", "UTC"))
        ).alias("connect_time"),
        (
            _parse_ts(pl.col("disconnect_time"))
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
            raise _bad_column(name, c, *_first_bad(raw, bad, c), zh, en)
    bad = out.filter(
        pl.col("kwh").is_null() & raw["kwh"].cast(pl.String).str.strip_chars().replace("", None).is_not_null()
    )
    if bad.height:
        raise _bad_column(name, "kwh", *_first_bad(raw, bad, "kwh"), "电量（kWh）", "a number of kWh")
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


def read_zones(path: str | Path) -> Zones:
    """Read zones from GeoJSON (Polygon or MultiPolygon features; holes ignored)."""
    p = _existing(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ShipInputError(
            p.name,
            f"不是有效的 JSON（第 {exc.lineno} 行）",
            f"not valid JSON (line {exc.lineno})",
            "用 GeoJSON 编辑器重新导出",
            "re-export it from a GeoJSON editor",
            exc.lineno,
        ) from exc
    return zones_from_geojson(doc, p.name)


def zones_from_geojson(doc: dict[str, object], name: str = "zones.geojson") -> Zones:
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise ShipInputError(
            name,
            "缺少 features 数组",
            "no 'features' array",
            "提供 FeatureCollection",
            "provide a GeoJSON FeatureCollection",
        )
    zones: list[Zone] = []
    for i, feat in enumerate(features):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        kind = props.get("kind")
        where = f"features[{i}]"
        if kind not in ZONE_KINDS:
            raise ShipInputError(
                name,
                f"{where} 的 kind 为 {kind!r}",
                f"{where} has kind {kind!r}",
                "kind 取 berth、anchorage、port_area 或 eca",
                "set kind to berth, anchorage, port_area or eca",
                column="properties.kind",
            )
        if geom.get("type") == "Polygon":
            rings = [geom["coordinates"][0]]
        elif geom.get("type") == "MultiPolygon":
            rings = [poly[0] for poly in geom["coordinates"]]
        else:
            raise ShipInputError(
                name,
                f"{where} 的几何类型为 {geom.get('type')!r}",
                f"{where} has geometry type {geom.get('type')!r}",
                "使用 Polygon 或 MultiPolygon",
                "use Polygon or MultiPolygon",
                column="geometry.type",
            )
        if kind == "berth" and not props.get("berth_id"):
            raise ShipInputError(
                name,
                f"{where} 泊位缺少 berth_id",
                f"{where}: a berth needs berth_id",
                "为泊位填写唯一的 berth_id",
                "give each berth a unique berth_id",
                column="properties.berth_id",
            )
        sulphur = props.get("sulphur_pct")
        zones.append(
            Zone(
                kind=str(kind),
                zone_id=str(props.get("berth_id") or props.get("name") or props.get("id") or f"{kind}_{i}"),
                rings=tuple(np.asarray(r, dtype=np.float64)[:, :2] for r in rings),
                has_shore_power=bool(props.get("has_shore_power", False)),
                sulphur_pct=float(sulphur) if sulphur is not None else float("nan"),
            )
        )
    return Zones(tuple(zones))
