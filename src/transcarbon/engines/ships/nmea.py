"""Reading raw NMEA ``!AIVDM`` / ``!AIVDO`` sentences (decoded with pyais) into the normalised AIS frame
(see :mod:`.ais_readers`). A line may start with a timestamp ``2024-05-01T00:00:00Z`` or epoch seconds
and a comma, else the message must come with a tag-block ``c:`` time.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from transcarbon.engines.ships.errors import ShipInputError


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
