"""Splitting an AIS input into partitions of whole ships (all fixes of an MMSI in one partition), so that
each can run through :func:`.kernel.run_partition` with bounded memory:

- small inputs: one partition;
- a Parquet file whose row groups are in MMSI order (as written after a sort by ship and time): runs
  of row groups read in turn (no staging), the rows of a ship that continues into the next row group
  carried over;
- a frame in memory: split by hash(mmsi) in memory;
- anything else: staged (streaming) into Parquet partitions by hash(mmsi), then read one by one.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from transcarbon.engines.ships.options import InventoryOptions

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
