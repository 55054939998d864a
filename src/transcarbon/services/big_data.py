"""What the use cases for inputs larger than one machine's memory share (``docs/cluster.md``): the engines a face may
ask for (``polars`` on this machine, ``spark`` on a Spark master), their refusals, and what writing the partitioned
layout (:mod:`transcarbon.engines.layout`) reports. The use cases themselves: ``partition_ais`` and
``compute_ship_inventory(engine=...)`` in :mod:`.ship_runs`, ``partition_points`` and
``compute_trajectories(engine=...)`` in :mod:`.road.tracks`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from transcarbon.engines.layout import Layout

Engine = Literal["polars", "spark"]
ENGINES: tuple[Engine, ...] = ("polars", "spark")


class EngineUnavailable(RuntimeError):
    """The engine asked for cannot run here: ``str()`` says why and what to install, in Chinese and English."""


class OutInUse(ValueError):
    """The layout's target folder exists and is not empty."""


@dataclass(frozen=True)
class LayoutWritten:
    """A layout just written: its folder, rows, days, buckets and data files."""

    folder: Path
    rows: int
    days: int
    buckets: int
    files: int


def written(layout: Layout) -> LayoutWritten:
    """What a face reports of a layout just written."""
    return LayoutWritten(layout.root, layout.rows, len(layout.days), layout.buckets, len(layout.files))


def spark_refusals() -> AbstractContextManager[None]:
    """Turn the Spark engine's :class:`~transcarbon.engines.spark.SparkUnavailable` into :class:`EngineUnavailable`."""
    from transcarbon.engines.spark import SparkUnavailable

    @contextmanager
    def guard() -> Iterator[None]:
        try:
            yield
        except SparkUnavailable as exc:
            raise EngineUnavailable(str(exc)) from exc

    return guard()
