"""The partitioned input layout shared by the ship and road engines and by the Spark engine: normalised rows
(AIS fixes or trajectory points) as Hive-style Parquet partitions by day and by a hash bucket of the vessel
or vehicle, with a manifest::

    DIR/_layout.json                          the manifest (ignored by Spark and Hive: it starts with "_")
    DIR/day=2024-05-01/bucket=3/<n>.parquet   the rows of that day whose key hashes to bucket 3

- ``bucket = crc32(utf-8 text of the key) mod buckets`` (the key: the MMSI in decimal, or the vehicle id), the
  same in every day, so that a vessel or vehicle is always in one bucket and a reader can take whole vessels
  (a bucket over all days) or one day of whole vehicles (a day of one bucket, with its neighbours' edges);
- ``day``: the UTC day for AIS fixes (the ship engine's days), the local day at the manifest's
  ``utc_offset_us`` for trajectory points (the road engine's days);
- ``row``: the row's position in the input, so that a reader restores the input order within a partition
  (cleaning keeps the first of duplicate fixes, and counts points whose time goes backwards: both depend on
  the order, and results equal those of the unpartitioned input only with it).

The manifest records the kind (``ais`` or ``points``), the number of buckets, the day basis, the source file's
name and SHA-256, and every data file with its rows and SHA-256 (taken when written; the engines hash the
manifest as the input's fingerprint).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

MANIFEST = "_layout.json"
FORMAT = "transcarbon-partitioned"
VERSION = 1


@dataclass(frozen=True)
class Layout:
    """A partitioned input (see the module docstring)."""

    root: Path
    kind: str
    buckets: int
    day_basis: str
    utc_offset_us: int
    rows: int
    files: dict[str, dict[str, object]]
    """Relative path → ``{"day": "YYYY-MM-DD", "bucket": b, "rows": n, "sha256": h}``."""
    source: dict[str, object]

    @property
    def days(self) -> list[str]:
        return sorted({str(f["day"]) for f in self.files.values()})

    def paths(self, *, day: str | None = None, bucket: int | None = None) -> list[Path]:
        """The data files of ``day`` and/or ``bucket`` (all when None), in day order."""
        return [
            self.root / rel
            for rel, f in sorted(self.files.items(), key=lambda kv: (str(kv[1]["day"]), kv[0]))
            if (day is None or f["day"] == day) and (bucket is None or f["bucket"] == bucket)
        ]

    def scan(self, *, day: str | None = None, bucket: int | None = None) -> pl.LazyFrame | None:
        """The rows of ``day`` and/or ``bucket`` lazily (without the partition columns), or None if none."""
        paths = self.paths(day=day, bucket=bucket)
        return pl.scan_parquet(paths, hive_partitioning=False) if paths else None

    def sha256(self) -> str:
        """SHA-256 of the manifest (which holds every data file's SHA-256)."""
        return hashlib.sha256((self.root / MANIFEST).read_bytes()).hexdigest()


def is_layout(path: str | Path) -> bool:
    """Whether ``path`` is a folder holding a partitioned layout."""
    return (Path(path) / MANIFEST).is_file()


def open_layout(path: str | Path) -> Layout:
    """Read a layout's manifest (``ValueError`` when it is not one of this format and version)."""
    root = Path(path)
    meta = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(f"{root / MANIFEST}: not a {FORMAT} manifest of version {VERSION}")
    return Layout(
        root=root,
        kind=str(meta["kind"]),
        buckets=int(meta["buckets"]),
        day_basis=str(meta["day_basis"]),
        utc_offset_us=int(meta["utc_offset_us"]),
        rows=int(meta["rows"]),
        files=dict(meta["files"]),
        source=dict(meta["source"]),
    )


def bucket_of(keys: Iterable[str], buckets: int) -> list[int]:
    """``crc32(utf-8 key) mod buckets`` per key (called on the distinct keys only)."""
    return [zlib.crc32(k.encode("utf-8")) % buckets for k in keys]


def bucket_column(lf: pl.LazyFrame, key: str, buckets: int) -> pl.LazyFrame:
    """``lf`` with ``bucket`` (Int32) of its ``key`` column: hashed once per distinct key, then joined."""
    distinct = lf.select(pl.col(key).drop_nulls().unique()).collect().to_series()
    table = pl.DataFrame(
        {key: distinct, "bucket": pl.Series(bucket_of(distinct.cast(pl.String).to_list(), buckets), dtype=pl.Int32)}
    )
    return lf.join(table.lazy(), on=key, how="left", maintain_order="left").with_columns(pl.col("bucket").fill_null(0))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (read in 4 MiB chunks)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(
    root: Path, *, kind: str, buckets: int, day_basis: str, utc_offset_us: int, source: dict[str, object]
) -> Layout:
    """Scan the data files under ``root`` and write the manifest (rows and SHA-256 per file)."""
    import pyarrow.parquet as pq

    files: dict[str, dict[str, object]] = {}
    for p in sorted(root.glob("day=*/bucket=*/*.parquet")):
        rel = p.relative_to(root).as_posix()
        day = p.parent.parent.name.removeprefix("day=")
        files[rel] = {
            "day": day,
            "bucket": int(p.parent.name.removeprefix("bucket=")),
            "rows": pq.ParquetFile(p).metadata.num_rows,
            "sha256": file_sha256(p),
        }
    meta = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "buckets": buckets,
        "day_basis": day_basis,
        "utc_offset_us": utc_offset_us,
        "rows": sum(int(str(f["rows"])) for f in files.values()),
        "source": source,
        "files": files,
    }
    (root / MANIFEST).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return open_layout(root)


def write_layout(
    rows: pl.LazyFrame,
    root: str | Path,
    *,
    kind: str,
    key: str,
    buckets: int,
    day: pl.Expr,
    day_basis: str,
    utc_offset_us: int = 0,
    source: dict[str, object] | None = None,
) -> Layout:
    """Write normalised ``rows`` into the layout under ``root`` (streamed by Polars: one file per day and bucket
    at a time), then its manifest. ``day``: the expression of each row's day (a Date)."""
    out = Path(root)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    lf = bucket_column(rows.with_row_index("row"), key, buckets).with_columns(pl.col("row").cast(pl.Int64))
    lf.with_columns(day.alias("day")).sink_parquet(
        pl.PartitionBy(out, key=["day", "bucket"], include_key=False), mkdir=True
    )
    return write_manifest(
        out, kind=kind, buckets=buckets, day_basis=day_basis, utc_offset_us=utc_offset_us, source=source or {}
    )


def in_input_order(rows: pl.DataFrame) -> pl.DataFrame:
    """A partition's rows back in input order, without ``row`` (no sort when they already are, as when the input was
    in time order and the partition's days are read in order)."""
    return (rows if rows["row"].is_sorted() else rows.sort("row")).drop("row")
