"""The parameters of a ship-inventory run (:class:`InventoryOptions`), recorded with its lineage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class InventoryOptions:
    """Parameters of an inventory run (all recorded with its lineage)."""

    method: Literal["imo4", "epa"] = "imo4"
    gap_min_h: float = 0.25
    """Intervals longer than this [h] are gaps, interpolated linearly (constant implied speed)."""
    gap_limit_h: float = 2.0
    """Gaps longer than this [h] are excluded and reported (public codes use 15 min – 2 h)."""
    stationary_gap_limit_h: float = 12.0
    """Limit [h] for gaps whose two fixes are stationary (SOG ≤ 1 kn, moved ≤ 0.5 nm), e.g. at berth."""
    max_implied_speed_kn: float = 50.0
    """Fixes implying more than this [kn] from both neighbours (and > 0.5 nm) are dropped as bad."""
    min_fixes: int = 5
    """Ships with fewer fixes are flagged ``few_fixes`` (never extrapolated)."""
    boilers_on_shore_power: bool = False
    connect_after_h: float = 3.0
    """Berth stay [h] beyond which a capable ship at a shore-power berth should connect (coastal 3, inland 2)."""
    grid_region: str = "CN-JS"
    grid_year: int | None = None
    """Grid-factor year; None = the year of most AIS intervals."""
    grid: str = "deg:0.01"
    """Map grid: ``deg:<cell size in degrees>`` or ``h3:<resolution>``."""
    partition_rows: int = 500_000
    """Rows per ship partition; larger inputs are read in partitions of whole ships (row groups of a
    Parquet file sorted by ship, else staged to Parquet partitions by hash(mmsi)). Peak memory grows
    with ``partition_rows × workers``."""
    workers: int = 2
    """Partitions computed at once (threads)."""
    keep_intervals: bool = False
    intervals_path: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @property
    def wants_intervals(self) -> bool:
        return self.keep_intervals or bool(self.intervals_path)
