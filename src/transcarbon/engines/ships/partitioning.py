"""Splitting an AIS input into partitions of whole ships (all fixes of an MMSI in one partition), so that
each can run through :func:`.kernel.run_partition` with bounded memory:

- small inputs: one partition;
- a Parquet file whose row groups are in MMSI order (as written after a sort by ship and time): runs
  of row groups read in turn (no staging), the rows of a ship that continues into the next row group
  carried over;
- a frame in memory: split by hash(mmsi) in memory;
- anything else: staged (streaming) into Parquet partitions by hash(mmsi), then read one by one;
- a partitioned layout (:mod:`transcarbon.engines.layout`, :func:`write_ais_layout`): one MMSI bucket (all its
  days) at a time, rows in input order.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from transcarbon.engines.layout import Layout, file_sha256, in_input_order, write_layout
from transcarbon.engines.ships.ais_readers import read_ais
from transcarbon.engines.ships.options import InventoryOptions

AIS_SCHEMA: dict[str, pl.DataType] = {
    "mmsi": pl.Int64(),
    "ts": pl.Datetime("us", "UTC"),
    "lon": pl.Float64(),
    "lat": pl.Float64(),
    "sog_kn": pl.Float64(),
    "draught_m": pl.Float64(),
}
"""The normalised AIS columns (:func:`.ais_readers.read_ais`), as the layout stores them (with ``row``)."""
BUCKET_ROWS = 1_000_000
"""Default rows per MMSI bucket of a layout: a bucket (all its days) is the ship engine's unit of work."""

MIN_PARALLEL_ROWS = 250_000
"""Inputs of at least twice this many rows are split for the worker threads even when they fit in one
partition."""


def _sorted_row_groups(path: Path) -> list[tuple[int, int, int | None]] | None:
    """(first row, rows, next row group's minimum MMSI) per row group of a Parquet file whose row groups
    are in MMSI order (each group's maximum ≤ the next group's minimum), else None."""
    import pyarrow as pa  # only needed for Parquet inputs
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError):  # not readable as Parquet by pyarrow: let Polars report it
        return None
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    col = "mmsi" if "mmsi" in names else "MMSI" if "MMSI" in names else None
    if col is None or meta.num_row_groups == 0:
        return None
    ci = names.index(col)
    bounds: list[tuple[int, int]] = []
    for g in range(meta.num_row_groups):
        st = meta.row_group(g).column(ci).statistics
        if st is None or not st.has_min_max or meta.row_group(g).num_rows == 0:
            return None
        lo, hi = st.min, st.max
        if not isinstance(lo, int) or not isinstance(hi, int):
            return None
        bounds.append((lo, hi))
    if any(bounds[g][1] > bounds[g + 1][0] for g in range(len(bounds) - 1)):
        return None
    out: list[tuple[int, int, int | None]] = []
    first = 0
    for g in range(meta.num_row_groups):
        rows = meta.row_group(g).num_rows
        out.append((first, rows, bounds[g + 1][0] if g + 1 < len(bounds) else None))
        first += rows
    return out


def partitions(lf: pl.LazyFrame, ais_path: Path | None, opts: InventoryOptions) -> tuple[int, Iterator[pl.DataFrame]]:
    """The number of partitions and an iterator over them, each a frame holding whole ships (see the module
    docstring). Partitions hold about ``opts.partition_rows`` rows, fewer when more workers can be kept
    busy (inputs of at least ``2 × MIN_PARALLEL_ROWS`` rows)."""
    n_rows = lf.select(pl.len()).collect().item()
    size = opts.partition_rows
    if opts.workers > 1 and n_rows >= 2 * MIN_PARALLEL_ROWS:  # enough rows to keep every worker busy
        size = min(size, max(MIN_PARALLEL_ROWS, -(-n_rows // opts.workers)))
    n_parts = max(1, -(-n_rows // size))
    if n_parts == 1:
        return 1, iter([lf.collect()])
    is_parquet = ais_path is not None and ais_path.suffix.lower() in (".parquet", ".pq")
    groups = _sorted_row_groups(ais_path) if is_parquet and ais_path is not None else None
    if groups is not None:
        batches: list[tuple[int, int, int | None]] = []
        start, rows = 0, 0
        for first, n, next_min in groups:
            if rows == 0:
                start = first
            rows += n
            if rows >= size or next_min is None:
                batches.append((start, rows, next_min))
                rows = 0
        return len(batches), _row_group_batches(lf, batches)
    part = (pl.col("mmsi").hash(seed=0) % n_parts).alias("__part")
    if ais_path is None:  # a frame in memory
        chunks = lf.with_columns(part).collect().partition_by("__part", as_dict=True, include_key=False)
        return len(chunks), iter([chunks[k] for k in sorted(chunks, key=str)])
    return n_parts, _staged(lf, part)


def _row_group_batches(lf: pl.LazyFrame, batches: list[tuple[int, int, int | None]]) -> Iterator[pl.DataFrame]:
    """Read (first row, rows, next batch's minimum MMSI) batches in turn, carrying the rows of a ship that
    continues into the next batch over to it."""
    carry: pl.DataFrame | None = None
    for start, rows, next_min in batches:
        df = lf.slice(start, rows).collect()
        if carry is not None and carry.height:
            df = pl.concat([carry, df], how="vertical_relaxed")
        if next_min is not None:
            cont = (pl.col("mmsi") >= next_min).fill_null(False)
            carry, df = df.filter(cont), df.filter(~cont)
        yield df


def _staged(lf: pl.LazyFrame, part: pl.Expr) -> Iterator[pl.DataFrame]:
    """Stream ``lf`` into temporary Parquet partitions by ``part`` and read them back one at a time."""
    with tempfile.TemporaryDirectory(prefix="transcarbon-ais-") as tmp:
        lf.with_columns(part).sink_parquet(pl.PartitionBy(tmp, key="__part", include_key=False), mkdir=True)
        for d in sorted(Path(tmp).iterdir()):
            yield pl.read_parquet(d if d.is_file() else str(d / "*.parquet"))


def write_ais_layout(ais: str | Path, out: str | Path, bucket_rows: int = BUCKET_ROWS) -> Layout:
    """Normalise an AIS file (:func:`.ais_readers.read_ais`) into the partitioned layout under ``out``: UTC days,
    ``ceil(rows / bucket_rows)`` MMSI buckets (so that a bucket holds about ``bucket_rows`` fixes)."""
    p = Path(ais)
    lf = read_ais(p)
    rows = lf.select(pl.len()).collect().item()
    return write_layout(
        lf,
        out,
        kind="ais",
        key="mmsi",
        buckets=max(1, -(-rows // max(1, bucket_rows))),
        day=pl.col("ts").dt.date(),
        day_basis="utc",
        source={"name": p.name, "sha256": file_sha256(p)},
    )


def layout_partitions(layout: Layout) -> tuple[int, Iterator[pl.DataFrame]]:
    """The layout's non-empty MMSI buckets, each read whole (all days) and put back in input order."""
    buckets = sorted({int(str(f["bucket"])) for f in layout.files.values() if int(str(f["rows"]))})

    def read() -> Iterator[pl.DataFrame]:
        for b in buckets:
            lf = layout.scan(bucket=b)
            if lf is not None:
                yield in_input_order(lf.collect())

    return len(buckets), read()
