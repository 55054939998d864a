"""The driver's partition scheduling: results summed in partition order whatever order the worker threads finish
in, every worker kept busy (a partition queued beyond the running ones), and a failed partition raising."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import polars as pl
import pytest

from transcarbon.engines.ships import driver
from transcarbon.engines.ships.aggregation import PartitionAggregates
from transcarbon.engines.ships.options import InventoryOptions


def _fake_partition(delays: dict[int, float], started: list[int], fail: int | None = None):  # type: ignore[no-untyped-def]
    lock = threading.Lock()

    def run(df: pl.DataFrame, *_: object) -> tuple[PartitionAggregates, pl.DataFrame]:
        k = int(df["k"][0])
        with lock:
            started.append(k)
        time.sleep(delays.get(k, 0.0))
        if k == fail:
            raise ValueError(f"partition {k} failed")
        empty = pl.DataFrame()
        return PartitionAggregates(empty, empty, empty, empty, empty, {"k": k}), df

    return run


def _parts(n: int, read: list[int]) -> Iterator[pl.DataFrame]:
    for k in range(n):
        read.append(k)
        yield pl.DataFrame({"k": [k]})


def _run(n: int, opts: InventoryOptions, read: list[int]) -> tuple[list[PartitionAggregates], list[pl.DataFrame]]:
    return driver._run_partitions(n, _parts(n, read), None, None, None, opts, None)  # type: ignore[arg-type]


def test_partition_order_kept_when_later_ones_finish_first(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    # partition 0 is slow: the other worker runs 1, 2, 3 meanwhile (it never waits for 0 to be taken)
    monkeypatch.setattr(driver, "run_partition", _fake_partition({0: 0.6}, started))
    read: list[int] = []
    aggs, ivs = _run(4, InventoryOptions(workers=2, keep_intervals=True), read)
    assert [a.counts["k"] for a in aggs] == [0, 1, 2, 3]
    assert [int(iv["k"][0]) for iv in ivs] == [0, 1, 2, 3]
    assert sorted(started) == [0, 1, 2, 3] and started[0] in (0, 1)


def test_no_intervals_kept_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "run_partition", _fake_partition({}, []))
    aggs, ivs = _run(3, InventoryOptions(workers=2), [])
    assert [a.counts["k"] for a in aggs] == [0, 1, 2] and ivs == []


def test_failed_partition_raises_and_reading_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "run_partition", _fake_partition({}, [], fail=1))
    read: list[int] = []
    with pytest.raises(ValueError, match="partition 1 failed"):
        _run(50, InventoryOptions(workers=2), read)
    assert len(read) < 50  # raised while reading, not after every partition was read
